//! Tools the provider runs itself (Anthropic's web search) as rows of the conversation: a call
//! opens a row with its query, its result closes it with the titles found. Used live, as the
//! blocks stream in, and when a saved conversation is redrawn.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::Value;

use crate::protocol::{AgentEvent, ToolOutcome};
use crate::provider::{ContentBlock, server_result_digest};

/// How many titles the row's one line names.
const TITLES_SHOWN: usize = 2;

/// The rows of one stream's server tools: when each call began, for its time.
#[derive(Default)]
pub(crate) struct ServerToolRows {
    started: HashMap<String, Instant>,
}

impl ServerToolRows {
    /// The event showing `block` (None for other blocks).
    pub(crate) fn event(&mut self, block: &ContentBlock, now: Instant) -> Option<AgentEvent> {
        if let ContentBlock::ServerToolUse { id, .. } = block {
            self.started.insert(id.clone(), now);
        }
        let took = match block {
            ContentBlock::ServerToolResult { tool_use_id, .. } => self
                .started
                .remove(tool_use_id)
                .map(|at| now.saturating_duration_since(at).as_millis() as u64),
            _ => None,
        };
        row_event(block, took)
    }
}

/// The event showing a server tool's block; `took_ms` is the call's time where known (a
/// redrawn call has none).
pub(crate) fn row_event(block: &ContentBlock, took_ms: Option<u64>) -> Option<AgentEvent> {
    match block {
        ContentBlock::ServerToolUse { id, name, input } => Some(AgentEvent::ToolStarted {
            call_id: id.clone(),
            tool: name.clone(),
            summary: key_input(input),
        }),
        ContentBlock::ServerToolResult {
            tool_use_id,
            content,
            ..
        } => {
            let (outcome, summary, output) = match server_result_digest(content) {
                Ok(found) => {
                    let titles: Vec<&str> = found
                        .iter()
                        .map(|(title, url)| if title.is_empty() { url } else { title })
                        .map(String::as_str)
                        .collect();
                    let mut summary = crate::words::count(found.len(), "result", "results");
                    if !titles.is_empty() {
                        summary.push_str(": ");
                        summary.push_str(&titles[..titles.len().min(TITLES_SHOWN)].join(" · "));
                        if titles.len() > TITLES_SHOWN {
                            summary.push_str(" …");
                        }
                    }
                    let output: Vec<String> = found
                        .iter()
                        .map(|(title, url)| format!("{title} — {url}"))
                        .collect();
                    (ToolOutcome::Success, summary, output.join("\n"))
                }
                Err(error) => (ToolOutcome::Failed, error.clone(), error),
            };
            Some(AgentEvent::ToolFinished {
                call_id: tool_use_id.clone(),
                outcome,
                output,
                summary,
                // At least 1 ms: a zero time reads as "redrawn" to the screen.
                duration_ms: took_ms.map_or(0, |ms| ms.max(1)),
            })
        }
        ContentBlock::Text { .. }
        | ContentBlock::Thinking { .. }
        | ContentBlock::RedactedThinking { .. }
        | ContentBlock::ToolUse { .. }
        | ContentBlock::ToolResult { .. } => None,
    }
}

/// What the call asked: a search's query, else its input as JSON.
fn key_input(input: &Value) -> String {
    match input.get("query").and_then(Value::as_str) {
        Some(query) => query.to_string(),
        None => input.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_search_opens_a_row_with_its_query_and_closes_it_with_the_titles() {
        let mut rows = ServerToolRows::default();
        let start = Instant::now();
        let call = ContentBlock::ServerToolUse {
            id: "srvtoolu_1".into(),
            name: "web_search".into(),
            input: json!({"query": "tokio 1.54 release"}),
        };
        assert_eq!(
            rows.event(&call, start),
            Some(AgentEvent::ToolStarted {
                call_id: "srvtoolu_1".into(),
                tool: "web_search".into(),
                summary: "tokio 1.54 release".into(),
            })
        );
        let result = ContentBlock::ServerToolResult {
            tool_use_id: "srvtoolu_1".into(),
            kind: "web_search_tool_result".into(),
            content: json!([
                {"type": "web_search_result", "title": "Tokio 1.54", "url": "https://tokio.rs/a"},
                {"type": "web_search_result", "title": "Changelog", "url": "https://github.com/b"},
                {"type": "web_search_result", "title": "", "url": "https://docs.rs/c"},
                {"type": "web_search_result", "title": "Fourth", "url": "https://d.example/"},
            ]),
        };
        let later = start + std::time::Duration::from_millis(1500);
        let Some(AgentEvent::ToolFinished {
            outcome,
            summary,
            output,
            duration_ms,
            ..
        }) = rows.event(&result, later)
        else {
            panic!("a finished row");
        };
        assert_eq!(outcome, ToolOutcome::Success);
        assert_eq!(summary, "4 results: Tokio 1.54 · Changelog …");
        assert!(
            output.starts_with("Tokio 1.54 — https://tokio.rs/a\n"),
            "{output}"
        );
        assert_eq!(duration_ms, 1500);
        let failed = ContentBlock::ServerToolResult {
            tool_use_id: "srvtoolu_2".into(),
            kind: "web_search_tool_result".into(),
            content: json!({"type": "web_search_tool_result_error", "error_code": "too_many_requests"}),
        };
        assert!(matches!(
            row_event(&failed, None),
            Some(AgentEvent::ToolFinished { outcome: ToolOutcome::Failed, summary, duration_ms: 0, .. }) if summary == "too many requests"
        ));
    }

    #[test]
    fn a_saved_search_is_redrawn_as_its_row() {
        use crate::provider::{Message, Role};
        let messages = vec![
            Message::user_text("weather?"),
            Message {
                role: Role::Assistant,
                content: vec![
                    ContentBlock::ServerToolUse {
                        id: "s1".into(),
                        name: "web_search".into(),
                        input: json!({"query": "weather NYC"}),
                    },
                    ContentBlock::ServerToolResult {
                        tool_use_id: "s1".into(),
                        kind: "web_search_tool_result".into(),
                        content: json!([{"type": "web_search_result", "title": "Forecast", "url": "https://w.example/"}]),
                    },
                    ContentBlock::Text {
                        text: "Sunny.".into(),
                    },
                ],
            },
        ];
        let events = crate::agent::history::replay_events(&messages);
        assert_eq!(
            events[1..4],
            [
                AgentEvent::ToolStarted {
                    call_id: "s1".into(),
                    tool: "web_search".into(),
                    summary: "weather NYC".into(),
                },
                AgentEvent::ToolFinished {
                    call_id: "s1".into(),
                    outcome: ToolOutcome::Success,
                    output: "Forecast — https://w.example/".into(),
                    summary: "1 result: Forecast".into(),
                    duration_ms: 0,
                },
                AgentEvent::TextDelta("Sunny.".into()),
            ]
        );
    }
}
