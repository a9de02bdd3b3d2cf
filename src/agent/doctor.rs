//! `/doctor`: checks of the setup a user would otherwise debug by hand — credentials, whether the
//! API answers, the settings files, the declared MCP servers, the tools claw shells out to and
//! the terminal. Each line says ok, warn or FAIL and what to do.

use std::path::Path;

use crate::agent::Setup;
use crate::config::mcp::McpTransport;
use crate::mcp::ServerState;
use crate::provider::Provider;
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

/// Runs every check and returns the report.
pub(crate) async fn report(provider: &dyn Provider, setup: &Setup, cwd: &Path) -> String {
    let mut r = Report(String::new());
    let endpoint = provider.describe();
    if !endpoint.wire.is_empty() {
        r.line(
            Verdict::Ok,
            "provider",
            format!("{} at {}", endpoint.wire, endpoint.base_url),
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
            Ok(models) => r.line(
                Verdict::Ok,
                "API",
                format!(
                    "{} answers ({} models listed)",
                    endpoint.base_url,
                    models.len()
                ),
            ),
            Err(crate::provider::ProviderError::Http { status: 404, .. }) => r.line(
                Verdict::Ok,
                "API",
                format!("{} answers (no model list)", endpoint.base_url),
            ),
            Err(e) => r.line(Verdict::Fail, "API", format!("{}: {e}", endpoint.base_url)),
        }
    }

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
                            ServerState::NeedsApproval => Verdict::Warn,
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
