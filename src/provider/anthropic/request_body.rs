//! The JSON body of an Anthropic Messages request: the conversation in the API's wire form
//! (`wire`), the thinking settings, the betas, and the prompt-caching breakpoints.

use serde_json::{Value, json};

use super::wire::{self, WireThinking};
use crate::provider::ChatRequest;

/// The JSON body of a streaming Messages request.
pub fn request_body(request: &ChatRequest) -> Value {
    let mut body = json!({
        "model": wire::model_id(&request.model).0,
        "max_tokens": request.max_tokens,
        "messages": wire::messages(&request.messages, request.images),
        "stream": true,
    });
    if !request.system.is_empty() {
        body["system"] = json!([{"type": "text", "text": request.system}]);
    }
    if !request.tools.is_empty() || !request.server_tools.is_empty() {
        let mut tools = wire::tools(&request.tools);
        tools.extend(request.server_tools.iter().cloned());
        body["tools"] = Value::Array(tools);
    }
    add_cache_breakpoints(&mut body);
    match wire::thinking(request.thinking, request.max_tokens) {
        WireThinking::Off => {}
        WireThinking::Budget(tokens) => {
            body["thinking"] = json!({"type": "enabled", "budget_tokens": tokens});
        }
        WireThinking::Adaptive(effort) => {
            body["thinking"] = json!({"type": "adaptive"});
            body["output_config"] = json!({"effort": effort});
        }
    }
    body
}

/// The `anthropic-beta` features of a request: the configured ones, and interleaved thinking
/// where a budget-thinking model works with tools (without it such a model thinks only before
/// its first tool call; adaptive thinking interleaves on its own).
pub fn request_betas(request: &ChatRequest, configured: &[String]) -> Vec<String> {
    let mut betas = configured.to_vec();
    let tools = !request.tools.is_empty() || !request.server_tools.is_empty();
    if matches!(
        wire::thinking(request.thinking, request.max_tokens),
        WireThinking::Budget(_)
    ) && tools
        && !betas.iter().any(|b| b == INTERLEAVED_THINKING)
    {
        betas.push(INTERLEAVED_THINKING.to_string());
    }
    if wire::model_id(&request.model).1 && !betas.iter().any(|b| b == CONTEXT_1M) {
        betas.push(CONTEXT_1M.to_string());
    }
    betas
}

const INTERLEAVED_THINKING: &str = "interleaved-thinking-2025-05-14";
/// Sonnet 4.5's 1M-token window (see MODELS.md).
const CONTEXT_1M: &str = "context-1m-2025-08-07";

/// Prompt caching: `cache_control` breakpoints on the stable prefix (the last tool, the system
/// prompt) and on the last block of the two newest user messages, so each request writes the
/// conversation so far to the cache and reads what the previous request wrote (4 at most, the
/// API's limit).
pub fn add_cache_breakpoints(body: &mut Value) {
    let mark = |block: &mut Value| {
        if let Some(object) = block.as_object_mut() {
            object.insert("cache_control".into(), json!({"type": "ephemeral"}));
        }
    };
    if let Some(last_tool) = body
        .get_mut("tools")
        .and_then(Value::as_array_mut)
        .and_then(|t| t.last_mut())
    {
        mark(last_tool);
    }
    if let Some(system) = body
        .get_mut("system")
        .and_then(Value::as_array_mut)
        .and_then(|s| s.last_mut())
    {
        mark(system);
    }
    let Some(messages) = body.get_mut("messages").and_then(Value::as_array_mut) else {
        return;
    };
    let mut marked = 0;
    for message in messages.iter_mut().rev() {
        if marked == 2 {
            break;
        }
        if message.get("role").and_then(Value::as_str) != Some("user") {
            continue;
        }
        // Text content becomes a block so it can carry the breakpoint.
        if let Some(text) = message
            .get("content")
            .and_then(Value::as_str)
            .map(str::to_string)
        {
            message["content"] = json!([{"type": "text", "text": text}]);
        }
        if let Some(block) = message
            .get_mut("content")
            .and_then(Value::as_array_mut)
            .and_then(|c| c.last_mut())
        {
            mark(block);
            marked += 1;
        }
    }
}
