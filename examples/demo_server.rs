//! An offline, scripted Anthropic-compatible server for trying claw without an API key:
//!
//!     cargo run --example demo_server [-- --port 8765]
//!     ANTHROPIC_BASE_URL=http://127.0.0.1:8765 cargo run --release
//!
//! It plays a small tool-using session that works in any directory, deciding each reply from
//! the conversation so far: a markdown answer and a Glob, then a Write of `claw-demo.md` (shown
//! to you as a diff), an Edit of it, a Bash `cat`, and a summary. A denied tool gets an
//! acknowledgement. A prompt containing "long" streams a long answer to try Esc on; `run: CMD`
//! asks to run CMD; `task: CMD` has a sub-agent ask to run CMD and report; `ask:` asks you two
//! questions (the second multi-select) in the choice dialog. The script is the built-in `demo`
//! provider's (`claw --provider demo` plays it without a server); this serves it over HTTP.

use claw::provider::demo::script::{self, Said, ToolResult};
use fake_server::{FakeServer, RecordedRequest, Reply};
use serde_json::Value;

fn main() -> std::io::Result<()> {
    let port = std::env::args()
        .skip_while(|a| a != "--port")
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0u16);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let server = FakeServer::with_handler(port, |request| {
            reply(request).paced(claw::provider::demo::PACE)
        })
        .await?;
        println!("ANTHROPIC_BASE_URL={}", server.base_url());
        println!("(the demo server is running; Ctrl+C stops it)");
        tokio::signal::ctrl_c().await
    })
}

/// What the script reads from a request: the tool results that end the conversation (the
/// last user message's tool_result blocks, or Chat Completions' trailing `tool` messages), or
/// the user's words.
fn said(request: &RecordedRequest) -> Said {
    let messages = request.body["messages"].as_array();
    let serial = messages.map_or(0, Vec::len);
    if let Some(messages) = messages
        && messages.last().is_some_and(|m| m["role"] == "tool")
    {
        let mut results: Vec<ToolResult> = messages
            .iter()
            .rev()
            .take_while(|m| m["role"] == "tool")
            .map(|m| {
                let content = m["content"].as_str().unwrap_or("").to_string();
                ToolResult {
                    call_id: m["tool_call_id"].as_str().unwrap_or("").to_string(),
                    is_error: content.starts_with("Error: "),
                    content,
                }
            })
            .collect();
        results.reverse();
        return Said {
            results,
            serial,
            ..Said::default()
        };
    }
    let content = request.last_message().map(|m| &m["content"]);
    let blocks = content.and_then(Value::as_array);
    let results = blocks
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "tool_result")
        .map(|b| ToolResult {
            call_id: b["tool_use_id"].as_str().unwrap_or("").to_string(),
            is_error: b["is_error"].as_bool().unwrap_or(false),
            content: b["content"].as_str().unwrap_or("").to_string(),
        })
        .collect();
    let prompt = match content {
        // Chat Completions: one string, claw's session context first.
        Some(Value::String(text)) => script::user_words(text).unwrap_or("").to_string(),
        _ => blocks
            .into_iter()
            .flatten()
            .filter(|b| b["type"] == "text")
            .filter_map(|b| b["text"].as_str().and_then(script::user_words))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    Said {
        prompt,
        results,
        serial,
    }
}

/// The script's next message as the fake server streams it.
fn reply(request: &RecordedRequest) -> Reply {
    let scripted = script::reply(&said(request));
    match scripted.call {
        Some(call) => Reply::tool_use(&scripted.text, &call.id, &call.name, call.input),
        None => Reply::text(&scripted.text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(body: Value) -> RecordedRequest {
        RecordedRequest {
            method: "POST".into(),
            path: "/v1/messages".into(),
            headers: Vec::new(),
            body,
        }
    }

    #[test]
    fn both_wires_are_read_as_the_script_expects() {
        let anthropic = request(json!({"messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "<system-reminder>cwd</system-reminder>\n"},
                {"type": "text", "text": "run: ls"}]},
        ]}));
        assert_eq!(said(&anthropic).prompt, "run: ls");
        let answered = request(json!({"messages": [
            {"role": "user", "content": "hello"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "demo_glob-1", "name": "Glob", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "demo_glob-1", "content": "a.md"}]},
        ]}));
        let results = said(&answered).results;
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].call_id, "demo_glob-1");
        let chat = request(json!({"messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "<system-reminder>cwd</system-reminder>\nask: now"},
        ]}));
        assert_eq!(said(&chat).prompt, "ask: now");
        let tool = request(json!({"messages": [
            {"role": "user", "content": "x"},
            {"role": "tool", "tool_call_id": "demo_run-2", "content": "Error: denied"},
        ]}));
        assert!(said(&tool).results[0].is_error);
    }
}
