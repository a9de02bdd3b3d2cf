//! What an Agent SDK's `initialize` request changes before the agent starts: its hook
//! functions, the system prompt and its addition, a JSON schema for the answers, its custom
//! agents (`agents`) and the in-process MCP servers it names (`sdkMcpServers`, as the
//! TypeScript SDK sends them rather than in `--mcp-config`).

use std::path::PathBuf;

use serde_json::Value;

use crate::agent::{AgentConfig, RunOptions};
use crate::config::agents::{self, AgentScope};
use crate::config::mcp::{McpScope, McpServerConfig, McpTransport};
use crate::hooks::callback::CallbackSender;

use super::frontend::Frontend;

impl Frontend {
    pub(super) fn initialize_config(
        &self,
        config: &mut AgentConfig,
        run: &mut RunOptions,
        body: &Value,
        hooks: &CallbackSender,
    ) {
        if let Some(registered) = body.get("hooks").filter(|h| h.is_object()) {
            for warning in config.hooks.add_callbacks(registered, hooks) {
                super::say!("claw: initialize: {warning}");
            }
        }
        if let Some(prompt) = body.get("systemPrompt").and_then(Value::as_str) {
            config.system_prompt = Some(prompt.to_string());
        }
        // The TypeScript SDK sends these here rather than as flags.
        if let Some(extra) = body.get("appendSystemPrompt").and_then(Value::as_str) {
            run.append_system_prompt = Some(extra.to_string());
        }
        if let Some(schema) = body.get("jsonSchema").filter(|s| s.is_object()) {
            let before = run.json_schema.replace(schema.clone());
            if let Some(Err(message)) = run.structured_output_tool() {
                super::say!("claw: initialize: jsonSchema: {message}; ignored");
                run.json_schema = before;
            }
        }
        if let Some(given) = body.get("agents").filter(|a| !a.is_null()) {
            let (more, warnings) = agents::from_json(given, AgentScope::Sdk, "initialize");
            agents::merge(&mut config.setup.agents, more);
            for warning in warnings {
                super::say!("claw: {warning}");
            }
        }
        let servers = sdk_servers(body.get("sdkMcpServers"));
        if !servers.is_empty() {
            add_servers(config, servers);
        }
    }
}

/// `sdkMcpServers`: the names of the client's in-process servers, as `{"type": "sdk"}` entries.
fn sdk_servers(names: Option<&Value>) -> Vec<McpServerConfig> {
    let names = match names {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(names)) => names,
        Some(other) => {
            super::say!("claw: initialize: sdkMcpServers must be a list of names, not {other}");
            return Vec::new();
        }
    };
    names
        .iter()
        .filter_map(|name| match name.as_str().map(str::trim) {
            Some(name) if !name.is_empty() => Some(McpServerConfig {
                name: name.to_string(),
                transport: McpTransport::Sdk,
                source: PathBuf::from("initialize (sdkMcpServers)"),
                scope: McpScope::CommandLine,
            }),
            Some(_) | None => {
                super::say!("claw: initialize: sdkMcpServers: {name} is not a server name");
                None
            }
        })
        .collect()
}

/// Joins the servers to the session's (connected through `mcp_message` like any SDK server),
/// and starts them.
fn add_servers(config: &mut AgentConfig, servers: Vec<McpServerConfig>) {
    let setup = &mut config.setup;
    for server in &servers {
        if !setup.mcp_servers.iter().any(|s| s.name == server.name) {
            setup.mcp_servers.push(server.clone());
        }
    }
    let mcp = match &setup.mcp {
        Some(mcp) => {
            mcp.add(servers);
            mcp.clone()
        }
        None => {
            let Some(mcp) =
                crate::mcp::McpServers::for_session(&servers, &Value::Null, &config.cwd)
            else {
                return;
            };
            setup.mcp = Some(mcp.clone());
            mcp
        }
    };
    mcp.launch_approved();
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sdk_server_names_become_sdk_entries_and_bad_ones_are_left_out() {
        let servers = sdk_servers(Some(&json!(["calc", "", 4, "notes"])));
        let names: Vec<&str> = servers.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["calc", "notes"]);
        assert!(servers.iter().all(|s| s.transport == McpTransport::Sdk));
        assert!(sdk_servers(Some(&json!("calc"))).is_empty());
        assert!(sdk_servers(Some(&Value::Null)).is_empty());
        assert!(sdk_servers(None).is_empty());
    }
}
