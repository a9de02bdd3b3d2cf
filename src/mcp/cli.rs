//! `claw mcp …` on the command line: adds and removes servers in the file of the chosen scope,
//! lists and shows the declared ones (not connected: that happens in a session).

use std::path::PathBuf;

use crate::cli::{McpAction, McpScopeArg};
use crate::config::mcp::{McpServerConfig, McpSources, McpTransport, declared_servers, edit};
use crate::config::settings::{Locations, Settings};

/// Runs the action; what to print, and the exit status.
pub fn run(action: &McpAction, locations: &Locations, settings: &Settings) -> (String, i32) {
    let file = |scope: McpScopeArg| -> Result<PathBuf, String> {
        match scope {
            McpScopeArg::Local => Ok(locations.local_file()),
            McpScopeArg::Project => Ok(locations.project_root.join(".mcp.json")),
            McpScopeArg::User => locations
                .user_file()
                .ok_or_else(|| "no user config directory on this machine".to_string()),
        }
    };
    let outcome = match action {
        McpAction::Add {
            name,
            command_or_url,
            args,
            transport,
            env,
            header,
            scope,
        } => edit::entry(transport, command_or_url, args, env, header).and_then(|entry| {
            let path = file(*scope)?;
            edit::add(&path, name, entry)?;
            Ok(format!("Added MCP server `{name}` to {}\n", path.display()))
        }),
        McpAction::AddJson { name, json, scope } => edit::parse_entry(json).and_then(|entry| {
            let path = file(*scope)?;
            edit::add(&path, name, entry)?;
            Ok(format!("Added MCP server `{name}` to {}\n", path.display()))
        }),
        McpAction::Remove { name, scope } => file(*scope).and_then(|path| {
            edit::remove(&path, name)?;
            Ok(format!(
                "Removed MCP server `{name}` from {}\n",
                path.display()
            ))
        }),
        McpAction::List => {
            let (servers, warnings) = declared(locations, settings);
            let mut out: String = warnings.iter().map(|w| format!("warning: {w}\n")).collect();
            if servers.is_empty() {
                out.push_str("No MCP servers configured. Add one with `claw mcp add`.\n");
            }
            for s in &servers {
                out.push_str(&format!(
                    "{}: {} ({}, {})\n",
                    s.name,
                    s.target(),
                    s.transport.kind(),
                    s.scope.as_str()
                ));
            }
            Ok(out)
        }
        McpAction::Get { name } => {
            let (servers, _) = declared(locations, settings);
            servers
                .iter()
                .find(|s| &s.name == name)
                .map(details)
                .ok_or_else(|| format!("no MCP server `{name}` is configured"))
        }
    };
    match outcome {
        Ok(text) => (text, 0),
        Err(error) => (format!("claw mcp: {error}\n"), 1),
    }
}

fn declared(locations: &Locations, settings: &Settings) -> (Vec<McpServerConfig>, Vec<String>) {
    declared_servers(
        &McpSources {
            project_root: &locations.project_root,
            settings: &settings.files,
            claude_json: locations.home.as_ref().map(|h| h.join(".claude.json")),
            command_line: &[],
            strict: false,
        },
        &|name| std::env::var(name).ok(),
    )
}

fn details(server: &McpServerConfig) -> String {
    let mut out = format!(
        "{}:\n  scope: {}\n  from: {}\n  type: {}\n",
        server.name,
        server.scope.as_str(),
        server.source.display(),
        server.transport.kind()
    );
    match &server.transport {
        McpTransport::Stdio { command, args, env } => {
            out.push_str(&format!(
                "  command: {command}\n  args: {}\n",
                args.join(" ")
            ));
            for (key, _) in env {
                // Values are often secrets: names only.
                out.push_str(&format!("  env: {key}=…\n"));
            }
        }
        McpTransport::Http { url, headers, .. } | McpTransport::Sse { url, headers } => {
            out.push_str(&format!("  url: {url}\n"));
            for (key, _) in headers {
                out.push_str(&format!("  header: {key}: …\n"));
            }
        }
        McpTransport::Sdk => out.push_str("  in-process: served by an Agent SDK client\n"),
    }
    out
}
