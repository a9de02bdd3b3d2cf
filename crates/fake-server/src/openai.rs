//! The server's OpenAI-compatible side: `POST /v1/chat/completions`, checked the way OpenAI
//! checks it (each `tool` message answers a tool call of the assistant message just before it,
//! every call is answered, an assistant message has content or tool calls), and the scripted
//! message streamed as chat.completion.chunk events.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::Block;
use super::sse::pieces;

/// OpenAI's checks on a Chat Completions request, as far as claw's requests can break them.
pub fn validate_chat(body: &Value) -> Result<(), String> {
    if body.get("model").and_then(Value::as_str).is_none() {
        return Err("you must provide a model parameter".into());
    }
    if body.get("stream") != Some(&Value::Bool(true)) {
        return Err("this server only streams: stream must be true".into());
    }
    let messages = body
        .get("messages")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
        .ok_or("'messages' must be a non-empty array")?;
    // The calls of the last assistant message still waiting for their `tool` answers.
    let mut open: Vec<String> = Vec::new();
    let mut answered: HashSet<String> = HashSet::new();
    for (i, message) in messages.iter().enumerate() {
        let role = message["role"].as_str().unwrap_or("");
        if role != "tool" && !open.is_empty() {
            return Err(format!(
                "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: {}",
                open.join(", ")
            ));
        }
        match role {
            "system" | "developer" | "user" => {
                if message.get("content").is_none_or(Value::is_null) {
                    return Err(format!("messages[{i}]: content is required"));
                }
            }
            "assistant" => {
                let calls = message
                    .get("tool_calls")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let content = message.get("content").filter(|c| !c.is_null());
                if content.is_none() && calls.is_empty() {
                    return Err(format!(
                        "Invalid value for 'messages[{i}]': an assistant message must have 'content' or 'tool_calls'"
                    ));
                }
                answered.clear();
                for call in &calls {
                    let id = call["id"].as_str().unwrap_or("");
                    let name = call.pointer("/function/name").and_then(Value::as_str);
                    let arguments = call.pointer("/function/arguments").and_then(Value::as_str);
                    if id.is_empty() || name.is_none() || call["type"] != "function" {
                        return Err(format!(
                            "messages[{i}].tool_calls: id, type and function.name are required"
                        ));
                    }
                    if arguments.is_none_or(|a| serde_json::from_str::<Value>(a).is_err()) {
                        return Err(format!(
                            "messages[{i}].tool_calls: function.arguments must be JSON text"
                        ));
                    }
                    open.push(id.to_string());
                }
            }
            "tool" => {
                let id = message["tool_call_id"].as_str().unwrap_or("");
                let Some(position) = open.iter().position(|o| o == id) else {
                    let why = if answered.contains(id) {
                        "answered twice"
                    } else {
                        "not a tool call of the preceding assistant message"
                    };
                    return Err(format!(
                        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (messages[{i}]: tool_call_id {id:?} is {why})"
                    ));
                };
                open.remove(position);
                answered.insert(id.to_string());
                if !message["content"].is_string() {
                    return Err(format!(
                        "messages[{i}]: a tool message's content must be text"
                    ));
                }
            }
            other => return Err(format!("messages[{i}]: unknown role {other:?}")),
        }
    }
    if !open.is_empty() {
        return Err(format!("tool calls without answers: {}", open.join(", ")));
    }
    for tool in body
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if tool["type"] != "function"
            || tool
                .pointer("/function/name")
                .and_then(Value::as_str)
                .is_none()
        {
            return Err("tools: each tool must be {type: function, function: {name, …}}".into());
        }
    }
    Ok(())
}

fn chunk(delta: Value, finish_reason: Option<&str>) -> String {
    let data = json!({
        "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": "fake-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    });
    format!("data: {data}\n\n")
}

/// A scripted message as a Chat Completions stream.
pub(crate) fn chat_events(blocks: &[Block], stop_reason: &str) -> Vec<String> {
    let mut events = vec![chunk(json!({"role": "assistant", "content": ""}), None)];
    let mut calls = 0;
    for block in blocks {
        match block {
            Block::Text(text) => {
                for piece in pieces(text, 12) {
                    events.push(chunk(json!({"content": piece}), None));
                }
            }
            Block::Thinking { thinking, .. } => {
                for piece in pieces(thinking, 12) {
                    events.push(chunk(json!({"reasoning_content": piece}), None));
                }
            }
            Block::ToolUse { id, name, input } => {
                let index = calls;
                calls += 1;
                events.push(chunk(
                    json!({"tool_calls": [{"index": index, "id": id, "type": "function",
                        "function": {"name": name, "arguments": ""}}]}),
                    None,
                ));
                let json = input.to_string();
                let bytes: Vec<char> = json.chars().collect();
                for part in bytes.chunks(8) {
                    let part: String = part.iter().collect();
                    events.push(chunk(
                        json!({"tool_calls": [{"index": index, "function": {"arguments": part}}]}),
                        None,
                    ));
                }
            }
        }
    }
    let finish = match stop_reason {
        "tool_use" => "tool_calls",
        "max_tokens" => "length",
        "refusal" => "content_filter",
        _ => "stop",
    };
    events.push(chunk(json!({}), Some(finish)));
    let usage = json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "choices": [],
        "usage": {"prompt_tokens": 25, "completion_tokens": 12, "total_tokens": 37}});
    events.push(format!("data: {usage}\n\n"));
    events.push("data: [DONE]\n\n".into());
    events
}
