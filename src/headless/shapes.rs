//! The JSON messages of `--output-format json|stream-json`, in Claude Code's shapes (what the
//! Agent SDKs parse: `system`/`init`, `assistant`, `user` tool results, `result`,
//! `stream_event`, `control_request`/`control_response`). Pure functions of claw's events.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::protocol::conversation::StopReason;
use crate::protocol::session_start::{AssistantReply, SessionStart};
use crate::protocol::usage::Usage;

/// What `claude_code_version` says: claw's own version. The SDKs only check that it reads as
/// `X.Y.Z` (the Python SDK 0.2.x warns when it doesn't, and compares nothing else).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A fresh message id for the `uuid` fields.
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `{"type": "system", "subtype": "init", …}`: the session as it starts.
pub fn init(start: &SessionStart) -> Value {
    json!({
        "type": "system",
        "subtype": "init",
        "cwd": start.cwd,
        "session_id": start.session_id,
        "tools": start.tools,
        "mcp_servers": start.mcp_servers.iter().map(|s| json!({"name": s.name, "status": s.status})).collect::<Vec<_>>(),
        "model": start.model,
        "permissionMode": start.permission_mode.as_str(),
        "slash_commands": start.commands.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
        "apiKeySource": start.api_key_source,
        "claude_code_version": VERSION,
        "output_style": "default",
        "agents": start.agents,
        "skills": [],
        "plugins": [],
        "uuid": uuid(),
    })
}

/// A stop reason as the Messages API spells it.
pub fn stop_reason(stop: &StopReason) -> String {
    match serde_json::to_value(stop) {
        Ok(Value::String(text)) => text,
        Ok(_) | Err(_) => "end_turn".into(),
    }
}

/// Usage as the Messages API reports it.
pub fn usage(usage: &Usage) -> Value {
    json!({
        "input_tokens": usage.input_tokens,
        "cache_creation_input_tokens": usage.cache_creation_input_tokens,
        "cache_read_input_tokens": usage.cache_read_input_tokens,
        "output_tokens": usage.output_tokens,
        "server_tool_use": {"web_search_requests": 0, "web_fetch_requests": 0},
        "service_tier": "standard",
    })
}

/// `{"type": "assistant", …}`: one complete answer; its blocks (thinking with its signature,
/// tool_use) serialise as the API's.
pub fn assistant(reply: &AssistantReply, session_id: &str) -> Value {
    json!({
        "type": "assistant",
        "message": {
            "id": reply.id,
            "type": "message",
            "role": "assistant",
            "model": reply.model,
            "content": reply.message.content,
            "stop_reason": stop_reason(&reply.stop_reason),
            "stop_sequence": null,
            "usage": usage(&reply.usage),
        },
        "parent_tool_use_id": null,
        "session_id": session_id,
        "uuid": uuid(),
    })
}

/// `{"type": "user", …}` carrying one tool's result back to the model.
pub fn tool_result(call_id: &str, output: &str, is_error: bool, session_id: &str) -> Value {
    json!({
        "type": "user",
        "message": {
            "role": "user",
            "content": [{
                "type": "tool_result",
                "tool_use_id": call_id,
                "content": output,
                "is_error": is_error,
            }],
        },
        "parent_tool_use_id": null,
        "session_id": session_id,
        "uuid": uuid(),
        "tool_use_result": output,
    })
}

/// `{"type": "stream_event", …}` around one Anthropic-shaped stream event.
pub fn stream_event(event: Value, session_id: &str) -> Value {
    json!({
        "type": "stream_event",
        "uuid": uuid(),
        "session_id": session_id,
        "event": event,
        "parent_tool_use_id": null,
    })
}

/// One tool call that needed approval and was refused, for `permission_denials`.
#[derive(Clone, Debug, PartialEq)]
pub struct Denial {
    pub tool_name: String,
    pub tool_use_id: String,
    pub tool_input: Value,
}

impl Denial {
    /// The denial of `request`'s call.
    pub fn of(request: &crate::protocol::ApprovalRequest) -> Denial {
        Denial {
            tool_name: request.tool.clone(),
            tool_use_id: request.call_id.clone(),
            tool_input: request.input.clone(),
        }
    }
}

/// A model's share of a turn, for `modelUsage`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelTotals {
    pub usage: Usage,
    pub cost: f64,
    pub context_window: u64,
}

/// How a turn ended, as the `result` message reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TurnReport {
    pub subtype: &'static str,
    pub is_error: bool,
    pub duration_ms: u64,
    pub duration_api_ms: u64,
    pub num_turns: u64,
    /// The answer's text, or for an error what went wrong.
    pub result: String,
    pub stop_reason: Option<String>,
    pub total_cost_usd: f64,
    pub usage: Usage,
    pub model_usage: BTreeMap<String, ModelTotals>,
    pub denials: Vec<Denial>,
    pub structured_output: Option<Value>,
    /// The errors of an error result.
    pub errors: Vec<String>,
}

/// `{"type": "result", …}`: the end of one turn.
pub fn result(report: &TurnReport, session_id: &str) -> Value {
    let model_usage: serde_json::Map<String, Value> = report
        .model_usage
        .iter()
        .map(|(model, totals)| {
            (
                model.clone(),
                json!({
                    "inputTokens": totals.usage.input_tokens,
                    "outputTokens": totals.usage.output_tokens,
                    "cacheReadInputTokens": totals.usage.cache_read_input_tokens,
                    "cacheCreationInputTokens": totals.usage.cache_creation_input_tokens,
                    "webSearchRequests": 0,
                    "costUSD": totals.cost,
                    "contextWindow": totals.context_window,
                }),
            )
        })
        .collect();
    let mut message = json!({
        "type": "result",
        "subtype": report.subtype,
        "is_error": report.is_error,
        "duration_ms": report.duration_ms,
        "duration_api_ms": report.duration_api_ms,
        "num_turns": report.num_turns,
        "result": report.result,
        "stop_reason": report.stop_reason,
        "session_id": session_id,
        "total_cost_usd": report.total_cost_usd,
        "usage": usage(&report.usage),
        "modelUsage": model_usage,
        "permission_denials": report.denials.iter().map(|d| json!({
            "tool_name": d.tool_name,
            "tool_use_id": d.tool_use_id,
            "tool_input": d.tool_input,
        })).collect::<Vec<_>>(),
        "uuid": uuid(),
    });
    if let Some(object) = message.as_object_mut() {
        if let Some(output) = &report.structured_output {
            object.insert("structured_output".into(), output.clone());
        }
        if !report.errors.is_empty() {
            object.insert("errors".into(), json!(report.errors));
        }
    }
    message
}

/// `{"type": "control_response", …}` answering the client's request `id`.
pub fn control_success(id: &str, response: Value) -> Value {
    json!({
        "type": "control_response",
        "response": {"subtype": "success", "request_id": id, "response": response},
    })
}

/// `{"type": "control_response", …}` refusing the client's request `id`.
pub fn control_error(id: &str, error: &str) -> Value {
    json!({
        "type": "control_response",
        "response": {"subtype": "error", "request_id": id, "error": error},
    })
}

/// `{"type": "control_request", …}` from claw to the client.
pub fn control_request(id: &str, request: Value) -> Value {
    json!({"type": "control_request", "request_id": id, "request": request})
}

/// `{"type": "control_cancel_request", …}`: claw no longer needs the answer to `id`.
pub fn control_cancel(id: &str) -> Value {
    json!({"type": "control_cancel_request", "request_id": id})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::conversation::{ContentBlock, Message, Role};

    #[test]
    fn an_assistant_message_keeps_thinking_signatures_and_tool_inputs() {
        let reply = AssistantReply {
            id: "msg_1".into(),
            model: "claude-sonnet-4-6".into(),
            message: Message {
                role: Role::Assistant,
                content: vec![
                    ContentBlock::Thinking {
                        thinking: "hmm".into(),
                        signature: "sig==".into(),
                    },
                    ContentBlock::ToolUse {
                        id: "t1".into(),
                        name: "Read".into(),
                        input: json!({"file_path": "a"}),
                    },
                ],
            },
            stop_reason: StopReason::ToolUse,
            usage: Usage {
                input_tokens: 5,
                output_tokens: 7,
                ..Usage::default()
            },
            cost: None,
        };
        let line = assistant(&reply, "s1");
        assert_eq!(line["message"]["content"][0]["signature"], "sig==");
        assert_eq!(line["message"]["content"][0]["type"], "thinking");
        assert_eq!(line["message"]["content"][1]["type"], "tool_use");
        assert_eq!(line["message"]["content"][1]["input"]["file_path"], "a");
        assert_eq!(line["message"]["stop_reason"], "tool_use");
        assert_eq!(line["message"]["usage"]["output_tokens"], 7);
        assert_eq!(line["session_id"], "s1");
        assert!(line["parent_tool_use_id"].is_null());
    }

    #[test]
    fn a_result_names_its_denials_and_leaves_out_what_it_lacks() {
        let report = TurnReport {
            subtype: "success",
            num_turns: 2,
            result: "done".into(),
            denials: vec![Denial {
                tool_name: "Bash".into(),
                tool_use_id: "t1".into(),
                tool_input: json!({"command": "rm x"}),
            }],
            ..TurnReport::default()
        };
        let line = result(&report, "s1");
        assert_eq!(
            line["permission_denials"][0]["tool_input"]["command"],
            "rm x"
        );
        assert_eq!(line["num_turns"], 2);
        assert!(line.get("structured_output").is_none());
        assert!(line.get("errors").is_none());
        assert!(line["modelUsage"].as_object().unwrap().is_empty());
    }

    #[test]
    fn uuids_look_like_uuids() {
        let id = uuid();
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{id}");
        assert_ne!(uuid(), id);
    }
}
