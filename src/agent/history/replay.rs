//! Redrawing a saved conversation: the events that show a resumed or rewound history on a
//! fresh screen, as if it had just happened.

use crate::protocol::AgentEvent;
use crate::provider::{ContentBlock, Message, Role};

/// What the screen says where a turn was interrupted (the full screen's end-of-turn notice).
const INTERRUPTED_NOTICE: &str = "Interrupted.";

/// The events that redraw a saved conversation on a fresh screen.
pub fn replay_events(messages: &[Message]) -> Vec<AgentEvent> {
    let mut events = Vec::new();
    for message in messages {
        match message.role {
            Role::User => {
                for block in &message.content {
                    match block {
                        // A turn the user stopped: noted as it was when it happened.
                        ContentBlock::Text { text }
                            if crate::agent::notes::is_interruption(text) =>
                        {
                            events.push(AgentEvent::Notice {
                                message: INTERRUPTED_NOTICE.into(),
                            })
                        }
                        ContentBlock::Text { text }
                            if !text.starts_with("<user-prompt-submit-hook>")
                                && !text.starts_with(crate::agent::mentions::MARKER)
                                && !crate::agent::notes::is_note(text) =>
                        {
                            events.push(AgentEvent::UserText { text: text.clone() })
                        }
                        ContentBlock::ToolResult {
                            tool_use_id,
                            content,
                            is_error,
                            ..
                        } => {
                            let (outcome, summary) =
                                crate::tools::endings::ended(content, *is_error);
                            events.push(AgentEvent::ToolFinished {
                                call_id: tool_use_id.clone(),
                                outcome,
                                output: content.clone(),
                                summary: summary.to_string(),
                                duration_ms: 0,
                            })
                        }
                        // Hook context, attached files and claw's notes: the user never typed
                        // them.
                        ContentBlock::Text { .. }
                        | ContentBlock::Thinking { .. }
                        | ContentBlock::RedactedThinking { .. }
                        | ContentBlock::ToolUse { .. }
                        | ContentBlock::ServerToolUse { .. }
                        | ContentBlock::ServerToolResult { .. } => {}
                    }
                }
            }
            Role::Assistant => {
                for block in &message.content {
                    match block {
                        ContentBlock::Text { text } => {
                            events.push(AgentEvent::TextDelta(text.clone()));
                            events.push(AgentEvent::MessageDone);
                        }
                        ContentBlock::Thinking { thinking, .. } => {
                            events.push(AgentEvent::ThinkingDelta(thinking.clone()));
                            events.push(AgentEvent::MessageDone);
                        }
                        ContentBlock::ToolUse { id, name, input } => {
                            events.push(AgentEvent::ToolStarted {
                                call_id: id.clone(),
                                tool: name.clone(),
                                summary: key_argument(input),
                            })
                        }
                        ContentBlock::ServerToolUse { .. }
                        | ContentBlock::ServerToolResult { .. } => {
                            events.extend(crate::agent::server_tools::row_event(block, None))
                        }
                        ContentBlock::RedactedThinking { .. } | ContentBlock::ToolResult { .. } => {
                        }
                    }
                }
            }
        }
    }
    events
}

/// The argument a tool call is known by, for a replayed call's line.
fn key_argument(input: &serde_json::Value) -> String {
    ["file_path", "command", "pattern", "path", "url"]
        .iter()
        .find_map(|k| input.get(*k).and_then(serde_json::Value::as_str))
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}
