//! The MCP servers declared in Claude Code's places: `.mcp.json` at the project root,
//! `mcpServers` in the settings files (and in Claude Code's own `~/.claude.json`), and
//! `--mcp-config`. Read here for the client (`crate::mcp`), `/mcp` and `/doctor`.

pub mod edit;
mod expand;
mod identity_provider;
pub mod oauth;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::settings::{Layer, SettingsFile};
pub use expand::expand;

/// One declared MCP server, its variables expanded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct McpServerConfig {
    pub name: String,
    pub transport: McpTransport,
    /// The file that declared it (or `--mcp-config`).
    pub source: PathBuf,
    pub scope: McpScope,
}

/// Where a declaration comes from; later scopes win a name clash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum McpScope {
    /// The user's settings (all projects).
    User,
    /// The project's `.mcp.json` (or project settings): shared through the repository, so its
    /// servers need the user's approval once.
    Project,
    /// The user's settings for this project only.
    Local,
    /// `--mcp-config` on the command line.
    CommandLine,
}

impl McpScope {
    pub fn as_str(self) -> &'static str {
        match self {
            McpScope::User => "user",
            McpScope::Project => "project",
            McpScope::Local => "local",
            McpScope::CommandLine => "command line",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum McpTransport {
    /// A child process speaking JSON-RPC lines over stdio.
    Stdio {
        command: String,
        args: Vec<String>,
        env: Vec<(String, String)>,
    },
    /// A server at a URL speaking streamable HTTP.
    Http {
        url: String,
        headers: Vec<(String, String)>,
        /// The entry's `oauth`: a client registered beforehand.
        oauth: Option<oauth::ClientCredentials>,
    },
    /// A server at a URL speaking the legacy HTTP+SSE transport (2024-11-05).
    Sse {
        url: String,
        headers: Vec<(String, String)>,
    },
    /// An Agent SDK's in-process server (`{"type": "sdk"}`): its messages travel through the
    /// headless front end to the client that runs it (`mcp_message` control requests).
    Sdk,
}

impl McpTransport {
    pub fn kind(&self) -> &'static str {
        match self {
            McpTransport::Stdio { .. } => "stdio",
            McpTransport::Http { .. } => "http",
            McpTransport::Sse { .. } => "sse",
            McpTransport::Sdk => "sdk",
        }
    }
}

impl McpServerConfig {
    /// Whether its sign-in needs no browser: a client-credentials or cross-app-access client.
    pub fn signs_in_without_browser(&self) -> bool {
        match &self.transport {
            McpTransport::Http {
                oauth: Some(oauth), ..
            } => matches!(
                oauth.grant,
                oauth::Grant::ClientCredentials | oauth::Grant::CrossAppAccess
            ),
            McpTransport::Http { oauth: None, .. }
            | McpTransport::Stdio { .. }
            | McpTransport::Sse { .. }
            | McpTransport::Sdk => false,
        }
    }

    /// How it is reached, in one line.
    pub fn target(&self) -> String {
        match &self.transport {
            McpTransport::Stdio { command, args, .. } if args.is_empty() => command.clone(),
            McpTransport::Stdio { command, args, .. } => format!("{command} {}", args.join(" ")),
            McpTransport::Http { url, .. } | McpTransport::Sse { url, .. } => url.clone(),
            McpTransport::Sdk => "in the Agent SDK client".into(),
        }
    }
}

/// Where the declarations are read from.
pub struct McpSources<'a> {
    pub project_root: &'a Path,
    /// The settings files that were read (their `mcpServers`).
    pub settings: &'a [SettingsFile],
    /// Claude Code's own `~/.claude.json`: top-level `mcpServers` (user scope) and
    /// `projects[<root>].mcpServers` (local scope), where `claude mcp add` writes.
    pub claude_json: Option<PathBuf>,
    /// The values of `--mcp-config`: a file name or JSON text each.
    pub command_line: &'a [String],
    /// `--strict-mcp-config`: only the command line's servers.
    pub strict: bool,
}

/// Every declared server (a later scope wins a name clash), sorted by name; problems (files
/// that don't parse, entries without a command or url, unset variables) come back as warnings.
pub fn declared_servers(
    sources: &McpSources,
    env: &dyn Fn(&str) -> Option<String>,
) -> (Vec<McpServerConfig>, Vec<String>) {
    let mut found = Found {
        servers: Vec::new(),
        warnings: Vec::new(),
        env,
    };
    if !sources.strict {
        if let Some(path) = &sources.claude_json
            && let Some(value) = read_json(path, &mut found.warnings)
        {
            found.collect(value.get("mcpServers"), path, McpScope::User);
            let root = sources.project_root.display().to_string();
            let local = value.get("projects").and_then(|p| p.get(&root));
            found.collect(
                local.and_then(|p| p.get("mcpServers")),
                path,
                McpScope::Local,
            );
        }
        let layer = |wanted: Layer| sources.settings.iter().filter(move |f| f.layer == wanted);
        for file in layer(Layer::User) {
            found.collect(file.value.get("mcpServers"), &file.path, McpScope::User);
        }
        for file in layer(Layer::Project) {
            found.collect(file.value.get("mcpServers"), &file.path, McpScope::Project);
        }
        let mcp_json = sources.project_root.join(".mcp.json");
        if let Some(value) = read_json(&mcp_json, &mut found.warnings) {
            found.collect(value.get("mcpServers"), &mcp_json, McpScope::Project);
        }
        for file in layer(Layer::Local) {
            found.collect(file.value.get("mcpServers"), &file.path, McpScope::Local);
        }
    }
    for given in sources.command_line {
        let label = PathBuf::from("--mcp-config");
        let value = if given.trim_start().starts_with('{') {
            match serde_json::from_str::<Value>(given) {
                Ok(value) => Some(value),
                Err(e) => {
                    found
                        .warnings
                        .push(format!("--mcp-config: not valid JSON: {e}"));
                    None
                }
            }
        } else {
            read_json(Path::new(given), &mut found.warnings)
        };
        if let Some(value) = value {
            let source = if given.trim_start().starts_with('{') {
                label
            } else {
                PathBuf::from(given)
            };
            found.collect(value.get("mcpServers"), &source, McpScope::CommandLine);
        }
    }
    let Found {
        mut servers,
        warnings,
        ..
    } = found;
    servers.sort_by(|a, b| a.name.cmp(&b.name));
    (servers, warnings)
}

/// Whether the user approved a project server (`.mcp.json`), by Claude Code's keys in the
/// merged settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approval {
    Approved,
    Denied,
    /// Not yet asked.
    Pending,
}

/// Whether `server` may start. A project server needs the user's approval; one of another
/// scope is approved, unless the user disabled it from `/mcp`, remembered in the same list.
pub fn approval(server: &McpServerConfig, settings: &Value) -> Approval {
    let listed = |key: &str| {
        settings
            .get(key)
            .and_then(Value::as_array)
            .is_some_and(|names| names.iter().any(|n| n.as_str() == Some(&server.name)))
    };
    if listed("disabledMcpjsonServers") {
        Approval::Denied
    } else if server.scope != McpScope::Project
        || listed("enabledMcpjsonServers")
        || settings.get("enableAllProjectMcpServers") == Some(&Value::Bool(true))
    {
        Approval::Approved
    } else {
        Approval::Pending
    }
}

/// A JSON file, or None (missing: silently; broken: with a warning).
fn read_json(path: &Path, warnings: &mut Vec<String>) -> Option<Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(value) => Some(value),
            Err(e) => {
                warnings.push(format!(
                    "{}:{}:{}: not valid JSON: {e}",
                    path.display(),
                    e.line(),
                    e.column()
                ));
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            warnings.push(format!("{}: {e}", path.display()));
            None
        }
    }
}

struct Found<'e> {
    servers: Vec<McpServerConfig>,
    warnings: Vec<String>,
    env: &'e dyn Fn(&str) -> Option<String>,
}

impl Found<'_> {
    fn collect(&mut self, section: Option<&Value>, source: &Path, scope: McpScope) {
        let Some(section) = section else {
            return;
        };
        let Some(map) = section.as_object() else {
            self.warnings
                .push(format!("{}: mcpServers is not an object", source.display()));
            return;
        };
        for (name, entry) in map {
            let mut unset = Vec::new();
            match self.transport(entry, source, &mut unset) {
                Ok(transport) => {
                    self.servers.retain(|s| &s.name != name);
                    self.servers.push(McpServerConfig {
                        name: name.clone(),
                        transport,
                        source: source.to_path_buf(),
                        scope,
                    });
                }
                Err(problem) => self.warnings.push(format!(
                    "{}: MCP server `{name}` {problem}",
                    source.display()
                )),
            }
            if !unset.is_empty() {
                self.warnings.push(format!(
                    "{}: MCP server `{name}`: {} not set (left as written)",
                    source.display(),
                    unset
                        .iter()
                        .map(|v| format!("${{{v}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }

    fn transport(
        &self,
        entry: &Value,
        source: &Path,
        unset: &mut Vec<String>,
    ) -> Result<McpTransport, String> {
        let mut expand = |text: &str| expand::expand(text, self.env, unset);
        let text = |key: &str| entry.get(key).and_then(Value::as_str);
        let pairs = |key: &str, expand: &mut dyn FnMut(&str) -> String| {
            entry
                .get(key)
                .and_then(Value::as_object)
                .map(|map| {
                    map.iter()
                        .map(|(k, v)| {
                            let v = match v {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            };
                            (k.clone(), expand(&v))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let kind = text("type");
        match (kind, text("command"), text("url")) {
            (None | Some("stdio"), Some(command), _) => {
                let args = entry
                    .get("args")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(&mut expand)
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(McpTransport::Stdio {
                    command: expand(command),
                    args,
                    env: pairs("env", &mut expand),
                })
            }
            (Some("sse"), _, Some(url)) => Ok(McpTransport::Sse {
                url: expand(url),
                headers: pairs("headers", &mut expand),
            }),
            (None | Some("http") | Some("streamable-http"), _, Some(url)) => {
                let base = source.parent().unwrap_or(Path::new("."));
                Ok(McpTransport::Http {
                    url: expand(url),
                    headers: pairs("headers", &mut expand),
                    oauth: oauth::parse(entry, base, &mut expand)?,
                })
            }
            (Some("sdk"), _, _) => Ok(McpTransport::Sdk),
            (Some("stdio"), None, _) => Err("has type stdio but no command".into()),
            (Some("http" | "sse"), _, None) => Err("has no url".into()),
            (Some(other), _, _) => Err(format!(
                "has an unknown type `{other}` (use stdio, http, sse or sdk)"
            )),
            (None, None, None) => Err("has neither a command nor a url".into()),
        }
    }
}

#[cfg(test)]
mod tests;
