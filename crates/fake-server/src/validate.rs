//! The API's own checks on a Messages request, as far as claw's requests can break them: the
//! fake server answers 400 when one fails, so tests see what the real API would refuse.

use std::collections::HashMap;

use serde_json::{Value, json};

/// The API's checks on a Messages request, as far as claw's requests can break them.
pub fn validate_request(
    body: &Value,
    thinking_for_tool: &HashMap<String, String>,
) -> Result<(), String> {
    if body.get("model").and_then(Value::as_str).is_none() {
        return Err("model: Field required".into());
    }
    if body.get("max_tokens").and_then(Value::as_u64).is_none() {
        return Err("max_tokens: Field required".into());
    }
    if body.get("stream") != Some(&Value::Bool(true)) {
        return Err("this server only streams: stream must be true".into());
    }
    let messages = body
        .get("messages")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
        .ok_or("messages: at least one message is required")?;
    let blocks = |m: &Value| -> Vec<Value> {
        match &m["content"] {
            Value::String(s) => vec![json!({"type": "text", "text": s})],
            Value::Array(a) => a.clone(),
            _ => Vec::new(),
        }
    };
    cache_breakpoints(body, messages)?;
    thinking_leads_the_tool_loop(body, messages)?;
    let mut previous_tool_uses: Vec<String> = Vec::new();
    for (i, message) in messages.iter().enumerate() {
        let role = message["role"].as_str().unwrap_or("");
        let expected = if i % 2 == 0 { "user" } else { "assistant" };
        if role != expected {
            return Err(format!(
                "messages.{i}: roles must alternate starting with `user`, found `{role}`"
            ));
        }
        let content = blocks(message);
        if content.is_empty() {
            return Err(format!("messages.{i}: content must not be empty"));
        }
        for (j, block) in content.iter().enumerate() {
            if block["type"] == "text" && block["text"].as_str().is_none_or(str::is_empty) {
                return Err(format!(
                    "messages.{i}.content.{j}.text: text content blocks must be non-empty"
                ));
            }
        }
        if role == "user" {
            let results: Vec<&str> = content
                .iter()
                .filter(|b| b["type"] == "tool_result")
                .filter_map(|b| b["tool_use_id"].as_str())
                .collect();
            for id in &results {
                if !previous_tool_uses.iter().any(|u| u == id) {
                    return Err(format!(
                        "messages.{i}: unexpected `tool_use_id` found in `tool_result` blocks: {id}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                    ));
                }
            }
            for id in &previous_tool_uses {
                if !results.contains(&id.as_str()) {
                    return Err(format!(
                        "messages.{i}: `tool_use` ids were found without `tool_result` blocks immediately after: {id}. Each `tool_use` block must have a corresponding `tool_result` block in the next message."
                    ));
                }
            }
            let first_other = content.iter().position(|b| b["type"] != "tool_result");
            if let Some(first_other) = first_other
                && content
                    .iter()
                    .skip(first_other)
                    .any(|b| b["type"] == "tool_result")
            {
                return Err(format!(
                    "messages.{i}: tool_result blocks must come first in the message"
                ));
            }
            previous_tool_uses.clear();
        } else {
            previous_tool_uses = content
                .iter()
                .filter(|b| b["type"] == "tool_use")
                .filter_map(|b| b["id"].as_str().map(str::to_string))
                .collect();
            for id in &previous_tool_uses {
                if let Some(signature) = thinking_for_tool.get(id) {
                    let echoed = content.iter().any(|b| {
                        b["type"] == "thinking"
                            && b["signature"].as_str() == Some(signature.as_str())
                    });
                    if !echoed {
                        return Err(format!(
                            "messages.{i}: the thinking block that came with tool_use {id} must be sent back unchanged"
                        ));
                    }
                }
            }
        }
    }
    if !previous_tool_uses.is_empty() {
        return Err("the last message has tool_use blocks without results".into());
    }
    Ok(())
}

/// The API allows at most 4 `cache_control` breakpoints in the tools, system and messages.
fn cache_breakpoints(body: &Value, messages: &[Value]) -> Result<(), String> {
    let marked = |blocks: Option<&Vec<Value>>| {
        blocks
            .into_iter()
            .flatten()
            .filter(|b| b.get("cache_control").is_some())
            .count()
    };
    let found = marked(body.get("tools").and_then(Value::as_array))
        + marked(body.get("system").and_then(Value::as_array))
        + messages
            .iter()
            .map(|m| marked(m.get("content").and_then(Value::as_array)))
            .sum::<usize>();
    if found > 4 {
        return Err(format!(
            "A maximum of 4 blocks with cache_control may be provided. Found {found}."
        ));
    }
    Ok(())
}

/// With thinking on, a request that continues a tool loop (the last user message carries
/// tool results) must send the assistant message that asked for them starting with its
/// thinking block: the API's 400 for a thinking setting turned on in the middle of a turn.
fn thinking_leads_the_tool_loop(body: &Value, messages: &[Value]) -> Result<(), String> {
    let thinking = body.pointer("/thinking/type").and_then(Value::as_str);
    if !matches!(thinking, Some("enabled" | "adaptive")) || messages.len() < 2 {
        return Ok(());
    }
    let last = &messages[messages.len() - 1];
    let continues_tools = last["content"]
        .as_array()
        .is_some_and(|c| c.iter().any(|b| b["type"] == "tool_result"));
    let assistant = &messages[messages.len() - 2];
    if !continues_tools || assistant["role"] != "assistant" {
        return Ok(());
    }
    let first = assistant["content"]
        .as_array()
        .and_then(|c| c.first())
        .and_then(|b| b["type"].as_str())
        .unwrap_or("");
    if first == "thinking" || first == "redacted_thinking" {
        return Ok(());
    }
    Err(format!(
        "messages.{}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{first}`. \
         When `thinking` is enabled, a final `assistant` message must start with a thinking block \
         (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you \
         include thinking blocks from previous turns. To avoid this requirement, disable \
         `thinking`. Please consult our documentation at \
         https://docs.claude.com/en/docs/build-with-claude/extended-thinking",
        messages.len() - 2
    ))
}
