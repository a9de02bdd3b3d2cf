//! The client's control requests (`initialize`, `interrupt`, `set_permission_mode`,
//! `set_model`, `mcp_status`, `mcp_reconnect`, `get_context_usage`): what each answers and the
//! ops it sends the agent (`mcp_status` and `get_context_usage` are answered from the agent's
//! lookups, see `lookups.rs`). Anything else is answered with an error, never left hanging.

use serde_json::{Value, json};

use crate::mcp::McpServers;
use crate::protocol::lookup::ContextUsage;
use crate::protocol::mcp::{McpServerInfo, McpState};
use crate::protocol::session_start::SessionStart;
use crate::protocol::{Op, PermissionMode};

/// What the front end knows that the answers need.
pub struct View<'a> {
    pub start: &'a SessionStart,
    pub mcp: Option<&'a McpServers>,
}

/// The answer to a request, and the ops it asks of the agent.
pub type Answer = (Result<Value, String>, Vec<Op>);

/// Answers every request but `initialize` (which waits for the session to start).
pub fn answer(subtype: &str, body: &Value, view: &View) -> Answer {
    let text = |key: &str| body.get(key).and_then(Value::as_str);
    match subtype {
        "interrupt" => (Ok(json!({})), vec![Op::Interrupt]),
        "set_permission_mode" => match text("mode").and_then(PermissionMode::parse) {
            Some(mode) => (Ok(json!({})), vec![Op::SetPermissionMode(mode)]),
            None => (
                Err(format!(
                    "unknown permission mode {}: use one of default, acceptEdits, plan, bypassPermissions",
                    body.get("mode").unwrap_or(&Value::Null)
                )),
                Vec::new(),
            ),
        },
        "set_model" => {
            // null: back to the model the session started with.
            let model = text("model").unwrap_or(&view.start.model).to_string();
            (Ok(json!({})), vec![Op::SetModel { model }])
        }
        "mcp_reconnect" => {
            let name = text("serverName").unwrap_or("");
            match view.mcp {
                Some(mcp) if mcp.reconnect(name) => (Ok(json!({})), Vec::new()),
                Some(_) | None => (Err(format!("no MCP server named `{name}`")), Vec::new()),
            }
        }
        other => (
            Err(format!("Unsupported control request subtype: {other}")),
            Vec::new(),
        ),
    }
}

/// The answer to `initialize`: the session's commands, models, output style and account.
pub fn initialized(start: &SessionStart) -> Value {
    json!({
        "commands": start.commands.iter().map(|c| json!({
            "name": c.name,
            "description": c.description,
            "argumentHint": c.argument_hint,
        })).collect::<Vec<_>>(),
        "output_style": "default",
        "available_output_styles": ["default"],
        "models": start.models.iter().map(|m| json!({
            "value": m.id,
            "displayName": m.name,
            "description": match m.context_window {
                Some(window) => format!("{} ({}K context)", m.name, window / 1000),
                None => m.name.clone(),
            },
        })).collect::<Vec<_>>(),
        "account": {
            "apiKeySource": start.api_key_source,
            "apiProvider": start.provider,
        },
        "pid": std::process::id(),
    })
}

/// The answer to `mcp_status`: each MCP server as it stands now.
pub fn mcp_status(servers: &[McpServerInfo]) -> Value {
    let servers: Vec<Value> = servers
        .iter()
        .map(|server| {
            let mut entry = json!({
                "name": server.name,
                "status": status_name(&server.state),
                "tools": server.tools.iter().map(|t| json!({"name": t.name})).collect::<Vec<_>>(),
            });
            if let McpState::Failed(why) = &server.state {
                entry["error"] = json!(why);
            }
            if !server.version.is_empty() {
                entry["serverInfo"] = json!({"name": server.name, "version": server.version});
            }
            entry
        })
        .collect();
    json!({ "mcpServers": servers })
}

/// A server's state as the Agent SDK names it.
fn status_name(state: &McpState) -> &'static str {
    match state {
        McpState::NeedsApproval => "needs-approval",
        McpState::Disabled => "disabled",
        McpState::Connecting => "pending",
        McpState::Connected => "connected",
        McpState::Failed(_) => "failed",
        McpState::NeedsAuth | McpState::SigningIn(_) => "needs-auth",
    }
}

/// The answer to `get_context_usage`: how full the context is, from the last request's usage.
pub fn context_usage(usage: &ContextUsage) -> Value {
    let used = usage.used();
    let window = usage.context_window.max(1);
    json!({
        "categories": [
            {"name": "Conversation", "tokens": used, "color": "blue"},
            {"name": "Free space", "tokens": window.saturating_sub(used), "color": "gray"},
        ],
        "totalTokens": used,
        "maxTokens": window,
        "rawMaxTokens": window,
        "percentage": used as f64 * 100.0 / window as f64,
        "model": usage.model,
        "isAutoCompactEnabled": usage.auto_compact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ModelChoice;
    use crate::protocol::session_start::{CommandInfo, McpServerState};

    fn start() -> SessionStart {
        SessionStart {
            model: "claude-sonnet-4-6".into(),
            commands: vec![CommandInfo {
                name: "review".into(),
                description: "Review a file".into(),
                argument_hint: "[file]".into(),
            }],
            models: vec![ModelChoice {
                id: "claude-opus-5".into(),
                name: "Claude Opus 5".into(),
                context_window: Some(1_000_000),
                prices: None,
                thinks: true,
                provider: String::new(),
            }],
            mcp_servers: vec![McpServerState {
                name: "docs".into(),
                status: "pending".into(),
            }],
            api_key_source: "ANTHROPIC_API_KEY".into(),
            ..SessionStart::default()
        }
    }

    fn view(start: &SessionStart) -> View<'_> {
        View { start, mcp: None }
    }

    #[test]
    fn requests_become_ops_and_bad_ones_errors() {
        let start = start();
        let view = view(&start);
        let (ok, ops) = answer(
            "set_permission_mode",
            &json!({"mode": "acceptEdits"}),
            &view,
        );
        assert!(ok.is_ok());
        assert_eq!(ops, [Op::SetPermissionMode(PermissionMode::AcceptEdits)]);
        let (error, ops) = answer("set_permission_mode", &json!({"mode": "yolo"}), &view);
        assert!(error.unwrap_err().contains("\"yolo\""));
        assert!(ops.is_empty());
        let (_, ops) = answer("set_model", &json!({"model": null}), &view);
        assert_eq!(
            ops,
            [Op::SetModel {
                model: "claude-sonnet-4-6".into()
            }]
        );
        assert_eq!(answer("interrupt", &json!({}), &view).1, [Op::Interrupt]);
        let (error, _) = answer("rewind_files", &json!({}), &view);
        assert_eq!(
            error.unwrap_err(),
            "Unsupported control request subtype: rewind_files"
        );
        let (error, _) = answer("mcp_reconnect", &json!({"serverName": "x"}), &view);
        assert!(error.is_err());
    }

    #[test]
    fn status_context_and_initialize_answers() {
        let start = start();
        let status = mcp_status(&[
            McpServerInfo {
                name: "docs".into(),
                ..Default::default()
            },
            McpServerInfo {
                name: "db".into(),
                state: McpState::Failed("exited with status 1".into()),
                version: "1.2.0".into(),
                ..Default::default()
            },
        ]);
        assert_eq!(
            status["mcpServers"][0],
            json!({"name": "docs", "status": "pending", "tools": []})
        );
        assert_eq!(status["mcpServers"][1]["error"], "exited with status 1");
        assert_eq!(status["mcpServers"][1]["serverInfo"]["version"], "1.2.0");
        let usage = context_usage(&ContextUsage {
            model: "claude-opus-5".into(),
            context_window: 1000,
            last: crate::protocol::usage::Usage {
                input_tokens: 200,
                output_tokens: 50,
                ..Default::default()
            },
            auto_compact: true,
        });
        assert_eq!(usage["totalTokens"], 250);
        assert_eq!(usage["maxTokens"], 1000);
        assert_eq!(usage["percentage"], 25.0);
        assert_eq!(usage["model"], "claude-opus-5");
        let init = initialized(&start);
        assert_eq!(init["commands"][0]["argumentHint"], "[file]");
        assert_eq!(init["models"][0]["value"], "claude-opus-5");
        assert_eq!(init["account"]["apiKeySource"], "ANTHROPIC_API_KEY");
    }
}
