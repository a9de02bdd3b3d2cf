//! The MCP servers a project declares, in Claude Code's places: `.mcp.json` at the project root
//! and `mcpServers` in the settings files. Read here so `/mcp` and `/doctor` can list them.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One declared MCP server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct McpServerConfig {
    pub name: String,
    pub transport: McpTransport,
    /// The file that declared it.
    pub source: PathBuf,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum McpTransport {
    /// A child process speaking over stdio.
    Stdio { command: String, args: Vec<String> },
    /// A server at a URL (`http` or `sse`).
    Http { url: String },
}

impl McpServerConfig {
    /// How it is reached, in one line.
    pub fn target(&self) -> String {
        match &self.transport {
            McpTransport::Stdio { command, args } if args.is_empty() => command.clone(),
            McpTransport::Stdio { command, args } => format!("{command} {}", args.join(" ")),
            McpTransport::Http { url } => url.clone(),
        }
    }
}

/// The servers of `.mcp.json` under `project_root` and of the merged settings' `mcpServers`
/// (settings win on a name clash), sorted by name; problems come back as warnings.
pub fn declared_servers(
    project_root: &Path,
    settings: &Value,
    settings_source: &Path,
) -> (Vec<McpServerConfig>, Vec<String>) {
    let mut servers = Vec::new();
    let mut warnings = Vec::new();
    let file = project_root.join(".mcp.json");
    match std::fs::read_to_string(&file) {
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(value) => collect(value.get("mcpServers"), &file, &mut servers, &mut warnings),
            Err(e) => warnings.push(format!(
                "{}:{}:{}: not valid JSON: {e}",
                file.display(),
                e.line(),
                e.column()
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => warnings.push(format!("{}: {e}", file.display())),
    }
    collect(
        settings.get("mcpServers"),
        settings_source,
        &mut servers,
        &mut warnings,
    );
    servers.sort_by(|a, b| a.name.cmp(&b.name));
    (servers, warnings)
}

fn collect(
    section: Option<&Value>,
    source: &Path,
    servers: &mut Vec<McpServerConfig>,
    warnings: &mut Vec<String>,
) {
    let Some(section) = section else {
        return;
    };
    let Some(map) = section.as_object() else {
        warnings.push(format!("{}: mcpServers is not an object", source.display()));
        return;
    };
    for (name, entry) in map {
        let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_string);
        let transport = if let Some(command) = text("command") {
            let args = entry
                .get("args")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            McpTransport::Stdio { command, args }
        } else if let Some(url) = text("url") {
            McpTransport::Http { url }
        } else {
            warnings.push(format!(
                "{}: MCP server `{name}` has neither a command nor a url",
                source.display()
            ));
            continue;
        };
        servers.retain(|s| &s.name != name);
        servers.push(McpServerConfig {
            name: name.clone(),
            transport,
            source: source.to_path_buf(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_mcp_json_and_settings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".mcp.json"),
            r#"{"mcpServers": {"files": {"command": "npx", "args": ["-y", "server-filesystem", "."]},
                "web": {"type": "http", "url": "http://127.0.0.1:9/mcp"}, "bad": {}}}"#,
        )
        .unwrap();
        let settings = json!({"mcpServers": {"files": {"command": "other"}}});
        let (servers, warnings) =
            declared_servers(dir.path(), &settings, Path::new("settings.json"));
        let names: Vec<_> = servers.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["files", "web"]);
        assert_eq!(servers[0].target(), "other");
        assert_eq!(servers[1].target(), "http://127.0.0.1:9/mcp");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("`bad`"));
    }

    #[test]
    fn a_broken_file_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".mcp.json"), "{ nope").unwrap();
        let (servers, warnings) = declared_servers(dir.path(), &json!({}), Path::new("s"));
        assert!(servers.is_empty());
        assert!(warnings[0].contains(".mcp.json:1:"));
    }
}
