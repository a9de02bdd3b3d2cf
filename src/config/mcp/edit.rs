//! `claw mcp add|add-json|list|get|remove`: the servers written where Claude Code writes them
//! by scope (local: this project's local settings, project: `.mcp.json`, user: the user's
//! settings), as `mcpServers` entries in Claude Code's format.

use std::path::Path;

use serde_json::{Map, Value, json};

/// A new server's entry from `claw mcp add` arguments.
pub fn entry(
    transport: &str,
    command_or_url: &str,
    args: &[String],
    env: &[String],
    headers: &[String],
) -> Result<Value, String> {
    let pairs = |items: &[String],
                 separator: char,
                 what: &str|
     -> Result<Map<String, Value>, String> {
        items
            .iter()
            .map(|item| {
                item.split_once(separator)
                    .map(|(k, v)| (k.trim().to_string(), Value::String(v.trim().to_string())))
                    .ok_or_else(|| format!("{what} `{item}` needs the form NAME{separator}VALUE"))
            })
            .collect()
    };
    match transport {
        "stdio" => {
            let mut entry = json!({"type": "stdio", "command": command_or_url, "args": args});
            if !env.is_empty() {
                entry["env"] = Value::Object(pairs(env, '=', "-e")?);
            }
            Ok(entry)
        }
        "http" | "sse" => {
            if !args.is_empty() {
                return Err(format!("a {transport} server takes a URL and no arguments"));
            }
            let mut entry = json!({"type": transport, "url": command_or_url});
            if !headers.is_empty() {
                entry["headers"] = Value::Object(pairs(headers, ':', "-H")?);
            }
            Ok(entry)
        }
        other => Err(format!(
            "unknown transport `{other}`: use stdio, http or sse"
        )),
    }
}

/// Checks an `add-json` entry the way the loader reads it.
pub fn parse_entry(text: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !value.is_object() || (value.get("command").is_none() && value.get("url").is_none()) {
        return Err("the server needs a \"command\" (stdio) or a \"url\" (http, sse)".into());
    }
    Ok(value)
}

/// Adds (or replaces) `name` in the file's `mcpServers`; Err if the file is not a JSON object.
pub fn add(file: &Path, name: &str, entry: Value) -> Result<(), String> {
    edit(file, |servers| {
        servers.insert(name.to_string(), entry);
        Ok(())
    })
}

/// Removes `name` from the file's `mcpServers`; Err when it is not there.
pub fn remove(file: &Path, name: &str) -> Result<(), String> {
    edit(file, |servers| {
        servers
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| format!("no MCP server `{name}` in {}", file.display()))
    })
}

fn edit(
    file: &Path,
    change: impl FnOnce(&mut Map<String, Value>) -> Result<(), String>,
) -> Result<(), String> {
    let mut root = match std::fs::read_to_string(file) {
        Ok(text) => serde_json::from_str::<Value>(&text)
            .map_err(|e| format!("{} is not valid JSON ({e}); left as it is", file.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => json!({}),
        Err(e) => return Err(format!("{}: {e}", file.display())),
    };
    let Some(object) = root.as_object_mut() else {
        return Err(format!(
            "{} is not a JSON object; left as it is",
            file.display()
        ));
    };
    let servers = object
        .entry("mcpServers")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| format!("{}: mcpServers is not an object", file.display()))?;
    change(servers)?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&root).unwrap_or_default() + "\n";
    std::fs::write(file, text).map_err(|e| format!("{}: {e}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_in_claude_code_format() {
        let stdio = entry(
            "stdio",
            "npx",
            &["-y".into(), "srv".into()],
            &["KEY=v".into()],
            &[],
        );
        assert_eq!(
            stdio.unwrap(),
            json!({"type": "stdio", "command": "npx", "args": ["-y", "srv"], "env": {"KEY": "v"}})
        );
        let http = entry(
            "http",
            "https://x/mcp",
            &[],
            &[],
            &["Authorization: Bearer t".into()],
        );
        assert_eq!(
            http.unwrap(),
            json!({"type": "http", "url": "https://x/mcp", "headers": {"Authorization": "Bearer t"}})
        );
        assert!(
            entry("ws", "x", &[], &[], &[])
                .unwrap_err()
                .contains("unknown transport")
        );
        assert!(entry("stdio", "x", &[], &["NOEQUALS".into()], &[]).is_err());
        assert!(parse_entry(r#"{"args": []}"#).is_err());
        assert!(parse_entry(r#"{"type": "sse", "url": "http://h/sse"}"#).is_ok());
    }

    #[test]
    fn add_and_remove_keep_the_rest_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".claw/settings.local.json");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, r#"{"model": "opus"}"#).unwrap();
        add(&file, "db", json!({"command": "db-server"})).unwrap();
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(
            value,
            json!({"model": "opus", "mcpServers": {"db": {"command": "db-server"}}})
        );
        remove(&file, "db").unwrap();
        assert!(
            remove(&file, "db")
                .unwrap_err()
                .contains("no MCP server `db`")
        );
        std::fs::write(&file, "{broken").unwrap();
        assert!(
            add(&file, "x", json!({}))
                .unwrap_err()
                .contains("left as it is")
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{broken");
    }
}
