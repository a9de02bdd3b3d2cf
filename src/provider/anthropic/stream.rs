//! Assembles an assistant message from the Messages API's stream events. Pure: event name and
//! data in, display events out, the complete message at the end. Unknown events and block types
//! are ignored, as the API's versioning policy asks.

use serde::Deserialize;
use serde_json::Value;

use crate::provider::streaming::StreamParser;
use crate::provider::{
    Completed, ContentBlock, Message, ProviderError, RawEvents, Role, StopReason, StreamEvent,
    Usage,
};

/// The stream events handed on as they came with `RawEvents::Forward` (the ones the SDKs'
/// stream types know; `ping` and `error` are not among them).
pub const RAW_KINDS: [&str; 6] = [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
];

/// A content block while it streams.
#[derive(Debug)]
enum Partial {
    Text(String),
    Thinking {
        thinking: String,
        signature: String,
    },
    RedactedThinking(String),
    ToolUse {
        id: String,
        name: String,
        json: String,
        input: Option<Value>,
    },
    /// A tool the API runs itself (`server_tool_use`): its input streams as a tool_use's does.
    ServerToolUse {
        id: String,
        name: String,
        json: String,
        input: Option<Value>,
    },
    /// What it returned (`web_search_tool_result`…), whole at the block's start.
    ServerToolResult(ContentBlock),
    /// A block type claw doesn't know: kept as a placeholder so indices line up, dropped at the end.
    Unknown,
}

/// Collects one streamed message.
#[derive(Debug, Default)]
pub struct MessageAccumulator {
    blocks: Vec<(u64, Partial)>,
    usage: Usage,
    stop_reason: Option<StopReason>,
    stopped: bool,
    raw: RawEvents,
}

#[derive(Deserialize)]
struct UsageFields {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
}

impl MessageAccumulator {
    pub fn new() -> Self {
        Self::default()
    }

    /// An accumulator that also hands on each event as it came (`StreamEvent::Raw`).
    pub fn with_raw_events(raw: RawEvents) -> Self {
        MessageAccumulator {
            raw,
            ..Self::default()
        }
    }

    /// Applies one SSE event (its `event:` name and `data:`), returning what to show (first
    /// the event itself, when raw events are asked for).
    pub fn apply(&mut self, event: &str, data: &str) -> Result<Vec<StreamEvent>, ProviderError> {
        let (mut shown, raw) = self.apply_parsed(event, data)?;
        if let Some(value) = raw {
            shown.insert(0, StreamEvent::Raw(value));
        }
        Ok(shown)
    }

    /// `apply`, and the event's JSON when it is one to hand on as it came.
    fn apply_parsed(
        &mut self,
        event: &str,
        data: &str,
    ) -> Result<(Vec<StreamEvent>, Option<Value>), ProviderError> {
        if event == "ping" || data.trim().is_empty() {
            return Ok((Vec::new(), None));
        }
        let value: Value = serde_json::from_str(data).map_err(|e| ProviderError::Protocol {
            message: format!("bad JSON in a `{event}` event: {e}"),
        })?;
        // The `type` field is authoritative; the event name is a hint that servers may omit.
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or(event)
            .to_string();
        let shown = match kind.as_str() {
            "message_start" => {
                if let Some(usage) = value.pointer("/message/usage") {
                    self.merge_usage(usage);
                }
                Ok(vec![StreamEvent::Usage(self.usage)])
            }
            "content_block_start" => self.start_block(&value),
            "content_block_delta" => self.delta(&value),
            "content_block_stop" => {
                let index = value.get("index").and_then(Value::as_u64).unwrap_or(0);
                Ok(self.finish_block(index))
            }
            "message_delta" => {
                if let Some(reason) = value.pointer("/delta/stop_reason").filter(|v| !v.is_null()) {
                    self.stop_reason = serde_json::from_value(reason.clone()).ok();
                }
                if let Some(usage) = value.get("usage") {
                    self.merge_usage(usage);
                }
                Ok(vec![StreamEvent::Usage(self.usage)])
            }
            "message_stop" => {
                self.stopped = true;
                Ok(Vec::new())
            }
            "error" => {
                let kind = value
                    .pointer("/error/type")
                    .and_then(Value::as_str)
                    .unwrap_or("error")
                    .to_string();
                let message = value
                    .pointer("/error/message")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown error")
                    .to_string();
                Err(ProviderError::Stream { kind, message })
            }
            _ => Ok(Vec::new()),
        }?;
        let raw =
            (self.raw == RawEvents::Forward && RAW_KINDS.contains(&kind.as_str())).then_some(value);
        Ok((shown, raw))
    }

    /// Usage is cumulative: fields present overwrite, absent ones stay.
    fn merge_usage(&mut self, usage: &Value) {
        let Ok(fields) = serde_json::from_value::<UsageFields>(usage.clone()) else {
            return;
        };
        let u = &mut self.usage;
        u.input_tokens = fields.input_tokens.unwrap_or(u.input_tokens);
        u.output_tokens = fields.output_tokens.unwrap_or(u.output_tokens);
        u.cache_creation_input_tokens = fields
            .cache_creation_input_tokens
            .unwrap_or(u.cache_creation_input_tokens);
        u.cache_read_input_tokens = fields
            .cache_read_input_tokens
            .unwrap_or(u.cache_read_input_tokens);
    }

    fn start_block(&mut self, value: &Value) -> Result<Vec<StreamEvent>, ProviderError> {
        let index = value.get("index").and_then(Value::as_u64).unwrap_or(0);
        let block = value.get("content_block").cloned().unwrap_or(Value::Null);
        let text_of = |key: &str| {
            block
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let mut shown = Vec::new();
        let partial = match block.get("type").and_then(Value::as_str) {
            Some("text") => {
                let text = text_of("text");
                if !text.is_empty() {
                    shown.push(StreamEvent::TextDelta(text.clone()));
                }
                Partial::Text(text)
            }
            Some("thinking") => Partial::Thinking {
                thinking: text_of("thinking"),
                signature: text_of("signature"),
            },
            Some("redacted_thinking") => Partial::RedactedThinking(text_of("data")),
            Some("server_tool_use") => Partial::ServerToolUse {
                id: text_of("id"),
                name: text_of("name"),
                json: String::new(),
                input: block
                    .get("input")
                    .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
                    .cloned(),
            },
            Some(kind) if kind.ends_with("_tool_result") && block.get("tool_use_id").is_some() => {
                let result = ContentBlock::ServerToolResult {
                    tool_use_id: text_of("tool_use_id"),
                    kind: kind.to_string(),
                    content: block.get("content").cloned().unwrap_or(Value::Null),
                };
                shown.push(StreamEvent::ServerTool(result.clone()));
                Partial::ServerToolResult(result)
            }
            Some("tool_use") => {
                let id = text_of("id");
                let name = text_of("name");
                shown.push(StreamEvent::ToolUseStarted {
                    id: id.clone(),
                    name: name.clone(),
                });
                // Some servers send the whole input at start; deltas then replace it.
                let input = block
                    .get("input")
                    .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
                    .cloned();
                Partial::ToolUse {
                    id,
                    name,
                    json: String::new(),
                    input,
                }
            }
            _ => Partial::Unknown,
        };
        self.blocks.push((index, partial));
        Ok(shown)
    }

    fn block_mut(&mut self, index: u64) -> Option<&mut Partial> {
        self.blocks
            .iter_mut()
            .rev()
            .find(|(i, _)| *i == index)
            .map(|(_, b)| b)
    }

    fn delta(&mut self, value: &Value) -> Result<Vec<StreamEvent>, ProviderError> {
        let index = value.get("index").and_then(Value::as_u64).unwrap_or(0);
        let delta = value.get("delta").cloned().unwrap_or(Value::Null);
        let field = |key: &str| {
            delta
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let Some(block) = self.block_mut(index) else {
            return Err(ProviderError::Protocol {
                message: format!("a delta for block {index}, which never started"),
            });
        };
        let mut shown = Vec::new();
        match (delta.get("type").and_then(Value::as_str), block) {
            (Some("text_delta"), Partial::Text(text)) => {
                let piece = field("text");
                text.push_str(&piece);
                shown.push(StreamEvent::TextDelta(piece));
            }
            (Some("thinking_delta"), Partial::Thinking { thinking, .. }) => {
                let piece = field("thinking");
                thinking.push_str(&piece);
                shown.push(StreamEvent::ThinkingDelta(piece));
            }
            (Some("signature_delta"), Partial::Thinking { signature, .. }) => {
                signature.push_str(&field("signature"));
            }
            (
                Some("input_json_delta"),
                Partial::ToolUse { json, .. } | Partial::ServerToolUse { json, .. },
            ) => {
                json.push_str(&field("partial_json"));
            }
            // Deltas of unknown types, or that don't fit their block, are ignored.
            _ => {}
        }
        Ok(shown)
    }

    /// Parses a tool_use block's joined JSON when the block stops; a server tool's call is
    /// shown then, its input complete.
    fn finish_block(&mut self, index: u64) -> Vec<StreamEvent> {
        match self.block_mut(index) {
            Some(Partial::ToolUse { json, input, .. }) if !json.trim().is_empty() => {
                // A parse failure leaves `input` empty; `finish` decides what that means.
                *input = serde_json::from_str(json).ok();
                Vec::new()
            }
            Some(Partial::ServerToolUse {
                id,
                name,
                json,
                input,
            }) => {
                if !json.trim().is_empty() {
                    *input = serde_json::from_str(json).ok();
                }
                vec![StreamEvent::ServerTool(ContentBlock::ServerToolUse {
                    id: id.clone(),
                    name: name.clone(),
                    input: input
                        .clone()
                        .unwrap_or_else(|| Value::Object(Default::default())),
                })]
            }
            Some(_) | None => Vec::new(),
        }
    }

    /// The complete message, or why the stream was not complete.
    pub fn finish(self) -> Result<Completed, ProviderError> {
        let Some(stop_reason) = self.stop_reason else {
            let detail = if self.stopped {
                ": message_stop without a stop reason".to_string()
            } else {
                String::new()
            };
            return Err(ProviderError::Incomplete { detail });
        };
        let mut content = Vec::new();
        for (_, block) in self.blocks {
            match block {
                Partial::Text(text) => content.push(ContentBlock::Text { text }),
                Partial::Thinking {
                    thinking,
                    signature,
                } => content.push(ContentBlock::Thinking {
                    thinking,
                    signature,
                }),
                Partial::RedactedThinking(data) => {
                    content.push(ContentBlock::RedactedThinking { data })
                }
                Partial::ToolUse {
                    id,
                    name,
                    json,
                    input,
                } => {
                    let input = match input {
                        Some(input) => input,
                        None if json.trim().is_empty() => Value::Object(Default::default()),
                        // JSON cut short (max_tokens) or never closed: the call can't run.
                        None if stop_reason == StopReason::MaxTokens => continue,
                        None => match serde_json::from_str(&json) {
                            Ok(input) => input,
                            Err(e) => {
                                return Err(ProviderError::Protocol {
                                    message: format!(
                                        "the input of tool `{name}` is not valid JSON: {e}"
                                    ),
                                });
                            }
                        },
                    };
                    content.push(ContentBlock::ToolUse { id, name, input });
                }
                Partial::ServerToolUse {
                    id, name, input, ..
                } => content.push(ContentBlock::ServerToolUse {
                    id,
                    name,
                    input: input.unwrap_or_else(|| Value::Object(Default::default())),
                }),
                Partial::ServerToolResult(block) => content.push(block),
                Partial::Unknown => {}
            }
        }
        Ok(Completed {
            message: Message {
                role: Role::Assistant,
                content,
            },
            stop_reason,
            usage: self.usage,
        })
    }
}

impl StreamParser for MessageAccumulator {
    fn apply(&mut self, event: &str, data: &str) -> Result<Vec<StreamEvent>, ProviderError> {
        MessageAccumulator::apply(self, event, data)
    }

    fn finish(self: Box<Self>) -> Result<Completed, ProviderError> {
        MessageAccumulator::finish(*self)
    }
}
