//! `/doctor`: checks of the setup a user would otherwise debug by hand — credentials, whether the
//! API answers, the settings files, the declared MCP servers, the tools claw shells out to and
//! the terminal. Each line says ok, warn or FAIL and what to do.

use std::path::Path;

use crate::agent::Setup;
use crate::config::mcp::McpTransport;
use crate::mcp::ServerState;
use std::sync::Arc;

use crate::provider::{Provider, RemoteModel};
use crate::tools::find_on_path as which;

/// One check's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Ok,
    Warn,
    Fail,
}

struct Report(String);

impl Report {
    fn line(&mut self, verdict: Verdict, what: &str, detail: impl AsRef<str>) {
        let mark = match verdict {
            Verdict::Ok => "ok  ",
            Verdict::Warn => "warn",
            Verdict::Fail => "FAIL",
        };
        self.0
            .push_str(&format!("{mark}  {what:<16} {}\n", detail.as_ref()));
    }
}

/// The provider in use and the model asked of it.
pub(crate) struct Active {
    pub provider: Arc<dyn Provider>,
    /// "" when unnamed.
    pub name: String,
    pub model: String,
}

/// Runs every check and returns the report.
pub(crate) async fn report(active: &Active, setup: &Setup, cwd: &Path) -> String {
    let mut r = Report(String::new());
    let provider = active.provider.as_ref();
    let endpoint = provider.describe();
    let named = if active.name.is_empty() {
        String::new()
    } else {
        format!("{}: ", active.name)
    };
    if !endpoint.wire.is_empty() {
        r.line(
            Verdict::Ok,
            "provider",
            format!("{named}{} at {}", endpoint.wire, endpoint.base_url),
        );
    }
    match (endpoint.credential.as_str(), endpoint.official) {
        ("", true) => r.line(
            Verdict::Fail,
            "API key",
            format!("none: set {}", endpoint.key_hint),
        ),
        ("", false) => r.line(
            Verdict::Ok,
            "API key",
            "none set (fine for a local server that needs none)",
        ),
        (name, _) => r.line(Verdict::Ok, "API key", format!("from {name}")),
    }
    if endpoint.base_url.is_empty() {
        r.line(Verdict::Ok, "API", "a built-in provider (no network)");
    } else {
        match provider.list_models().await {
            Ok(models) => {
                r.line(
                    Verdict::Ok,
                    "API",
                    format!(
                        "{} answers ({} models listed)",
                        endpoint.base_url,
                        models.len()
                    ),
                );
                model_check(&mut r, active, &models);
            }
            Err(crate::provider::ProviderError::Http { status: 404, .. }) => r.line(
                Verdict::Ok,
                "API",
                format!("{} answers (no model list)", endpoint.base_url),
            ),
            Err(e) => r.line(Verdict::Fail, "API", format!("{}: {e}", endpoint.base_url)),
        }
    }

    r.0.push_str(&rest(setup, cwd));
    r.0
}

/// Whether the server lists the model in use.
fn model_check(r: &mut Report, active: &Active, models: &[RemoteModel]) {
    if active.model.is_empty() || models.is_empty() {
        return;
    }
    let by = if active.name.is_empty() {
        "the server".to_string()
    } else {
        active.name.clone()
    };
    if lists(models, &active.model) {
        r.line(
            Verdict::Ok,
            "model",
            format!("{} (listed by {by})", active.model),
        );
    } else {
        let some: Vec<&str> = models.iter().take(5).map(|m| m.id.as_str()).collect();
        r.line(
            Verdict::Warn,
            "model",
            format!(
                "{} is not among the {} models {by} lists ({}{}): /model picks one",
                active.model,
                models.len(),
                some.join(", "),
                if models.len() > some.len() {
                    ", …"
                } else {
                    ""
                }
            ),
        );
    }
}

/// Whether `model` is in the list: as it is, as a dated snapshot of it (Anthropic lists
/// `claude-sonnet-4-5-20250929`), or as its `:latest` tag (Ollama); `[1m]` is claw's own.
fn lists(models: &[RemoteModel], model: &str) -> bool {
    let model = model
        .strip_suffix(crate::provider::catalog::LONG_CONTEXT_SUFFIX)
        .unwrap_or(model);
    models.iter().any(|m| {
        m.id == model
            || m.id == format!("{model}:latest")
            || m.id.strip_prefix(model).is_some_and(|rest| {
                rest.strip_prefix('-')
                    .is_some_and(|date| date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()))
            })
    })
}

/// The checks of everything but the provider.
fn rest(setup: &Setup, cwd: &Path) -> String {
    let mut r = Report(String::new());
    let present: Vec<_> = setup.settings_files.iter().filter(|p| p.exists()).collect();
    if present.is_empty() {
        r.line(
            Verdict::Ok,
            "settings",
            "no settings files (defaults in force)",
        );
    }
    for path in present {
        r.line(Verdict::Ok, "settings", path.display().to_string());
    }
    for warning in &setup.warnings {
        r.line(Verdict::Warn, "settings", warning);
    }

    if setup.mcp_servers.is_empty() {
        r.line(
            Verdict::Ok,
            "MCP",
            "no servers declared (.mcp.json, mcpServers)",
        );
    }
    for server in &setup.mcp_servers {
        match &server.transport {
            McpTransport::Stdio { command, .. } if which(command).is_none() => r.line(
                Verdict::Fail,
                "MCP",
                format!("{}: `{command}` is not on PATH", server.name),
            ),
            McpTransport::Stdio { .. }
            | McpTransport::Http { .. }
            | McpTransport::Sse { .. }
            | McpTransport::Sdk => {
                let state = setup.mcp.as_ref().and_then(|mcp| {
                    mcp.statuses()
                        .into_iter()
                        .find(|s| s.config.name == server.name)
                });
                let (verdict, label) = match state {
                    Some(status) => (
                        match status.state {
                            ServerState::Failed(_) => Verdict::Fail,
                            ServerState::NeedsApproval
                            | ServerState::NeedsAuth
                            | ServerState::SigningIn(_) => Verdict::Warn,
                            ServerState::Ready
                            | ServerState::Connecting
                            | ServerState::Disabled => Verdict::Ok,
                        },
                        status.state.label(),
                    ),
                    None => (Verdict::Ok, "declared".to_string()),
                };
                r.line(
                    verdict,
                    "MCP",
                    format!("{}: {} ({label})", server.name, server.target()),
                )
            }
        }
    }

    for (tool, why) in [
        ("git", "git status in the prompt, /diff"),
        ("sh", "the Bash tool, hooks"),
    ] {
        match which(tool) {
            Some(path) => r.line(Verdict::Ok, tool, path.display().to_string()),
            None => r.line(Verdict::Fail, tool, format!("not found on PATH ({why})")),
        }
    }
    let sandbox = match (crate::sandbox::kernel_support(), setup.sandbox.enabled) {
        (crate::sandbox::Support::Full, _) | (_, false) => Verdict::Ok,
        (crate::sandbox::Support::Partial(_) | crate::sandbox::Support::Missing(_), true) => {
            Verdict::Warn
        }
    };
    let switch = if setup.sandbox.enabled { "on" } else { "off" };
    r.line(
        sandbox,
        "sandbox",
        format!("{switch}; {}", crate::sandbox::kernel_summary()),
    );
    let editor = ["VISUAL", "EDITOR"]
        .into_iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()));
    match editor {
        Some(editor) => r.line(Verdict::Ok, "editor", editor),
        None => r.line(
            Verdict::Warn,
            "editor",
            "VISUAL/EDITOR unset: Ctrl+G and /memory edit use vi",
        ),
    }

    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let term = var("TERM");
    let colour = var("COLORTERM");
    let truecolor = colour.contains("truecolor") || colour.contains("24bit");
    r.line(
        if term.is_empty() || term == "dumb" {
            Verdict::Warn
        } else {
            Verdict::Ok
        },
        "terminal",
        format!(
            "TERM={} {}{}",
            if term.is_empty() { "(unset)" } else { &term },
            if truecolor {
                "24-bit colour"
            } else {
                "256 colours (COLORTERM not truecolor)"
            },
            if var("TMUX").is_empty() {
                ""
            } else {
                ", inside tmux"
            },
        ),
    );
    r.line(
        Verdict::Ok,
        "directory",
        format!(
            "{}{}",
            cwd.display(),
            if crate::config::find_git_root(cwd).is_some() {
                " (git repository)"
            } else {
                " (not a git repository)"
            }
        ),
    );
    r.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_is_listed_as_it_is_dated_or_tagged() {
        let listed = |ids: &[&str]| -> Vec<RemoteModel> {
            ids.iter()
                .map(|id| RemoteModel {
                    id: id.to_string(),
                    display_name: id.to_string(),
                    context_window: None,
                })
                .collect()
        };
        let anthropic = listed(&["claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"]);
        assert!(lists(&anthropic, "claude-sonnet-4-5"));
        assert!(lists(&anthropic, "claude-sonnet-4-5[1m]"));
        assert!(
            !lists(&anthropic, "claude-sonnet-4"),
            "not a dated snapshot of it"
        );
        let ollama = listed(&["qwen3:latest", "llama3.1:8b"]);
        assert!(lists(&ollama, "qwen3"));
        assert!(lists(&ollama, "llama3.1:8b"));
        assert!(!lists(&ollama, "llama3.1"));
    }
}
