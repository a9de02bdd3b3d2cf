//! Assembles an assistant message from an OpenAI-compatible Chat Completions stream. Pure: one
//! SSE event in, display events out, the message at the end. It takes the dialects as they come:
//! tool calls merged by `index` whether their arguments arrive in pieces (OpenAI), whole in one
//! chunk (Ollama), or with `id`/`type` repeated in every delta beside a legacy `function_call`
//! (llama.cpp); `reasoning_content` (llama.cpp, vLLM, DeepSeek) or `reasoning` (Ollama,
//! OpenRouter) as thinking; the usage chunk with `choices: []`; errors as `data: {"error": …}`
//! or llama.cpp's old `error:` field.

use serde_json::Value;

use crate::provider::streaming::StreamParser;
use crate::provider::{
    Completed, ContentBlock, Message, ProviderError, RawEvents, Role, StopReason, StreamEvent,
    Usage,
};

use super::anthropic_events::AnthropicEvents;

/// A tool call while it streams.
#[derive(Debug, Default)]
struct PartialCall {
    index: u64,
    id: String,
    name: String,
    arguments: String,
    announced: bool,
}

/// Collects one streamed Chat Completions answer.
#[derive(Debug, Default)]
pub struct ChunkAccumulator {
    thinking: String,
    text: String,
    calls: Vec<PartialCall>,
    refused: bool,
    finish_reason: Option<String>,
    usage: Usage,
    chunks: usize,
    /// The Messages API's events made from the chunks, with `RawEvents::Forward`.
    raw: Option<AnthropicEvents>,
}

impl ChunkAccumulator {
    pub fn new() -> Self {
        Self::default()
    }

    /// An accumulator that also makes the Messages API's stream events (`StreamEvent::Raw`).
    pub fn with_raw_events(raw: RawEvents) -> Self {
        ChunkAccumulator {
            raw: match raw {
                RawEvents::Off => None,
                RawEvents::Forward => Some(AnthropicEvents::default()),
            },
            ..Self::default()
        }
    }

    pub fn apply(&mut self, event: &str, data: &str) -> Result<Vec<StreamEvent>, ProviderError> {
        let data = data.trim();
        if data == "[DONE]" {
            return Ok(self.raw_end());
        }
        if data.is_empty() {
            return Ok(Vec::new());
        }
        let value: Value = serde_json::from_str(data).map_err(|e| ProviderError::Protocol {
            message: format!("bad JSON in a stream chunk: {e}"),
        })?;
        if event == "error" {
            return Err(stream_error(&value));
        }
        if let Some(error) = value.get("error").filter(|e| !e.is_null()) {
            return Err(stream_error(error));
        }
        self.chunks += 1;
        if let Some(usage) = value.get("usage").filter(|u| u.is_object()) {
            self.usage = usage_of(usage);
        }
        let mut shown = Vec::new();
        if let Some(raw) = &mut self.raw {
            raw.chunk(&value, &mut shown);
        }
        let choice = value
            .get("choices")
            .and_then(Value::as_array)
            .and_then(|c| c.first());
        let Some(choice) = choice else {
            if self.usage != Usage::default() {
                shown.push(StreamEvent::Usage(self.usage));
            }
            return Ok(shown);
        };
        if let Some(delta) = choice.get("delta") {
            self.delta(delta, &mut shown);
        }
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            self.finish_reason = Some(reason.to_string());
        }
        Ok(shown)
    }

    fn delta(&mut self, delta: &Value, shown: &mut Vec<StreamEvent>) {
        let text = |key: &str| delta.get(key).and_then(Value::as_str).unwrap_or("");
        for key in ["reasoning_content", "reasoning"] {
            let piece = text(key);
            if !piece.is_empty() {
                self.thinking.push_str(piece);
                if let Some(raw) = &mut self.raw {
                    raw.thinking(piece, shown);
                }
                shown.push(StreamEvent::ThinkingDelta(piece.to_string()));
            }
        }
        for (key, refusal) in [("content", false), ("refusal", true)] {
            let piece = text(key);
            if !piece.is_empty() {
                self.refused |= refusal;
                self.text.push_str(piece);
                if let Some(raw) = &mut self.raw {
                    raw.text(piece, shown);
                }
                shown.push(StreamEvent::TextDelta(piece.to_string()));
            }
        }
        match delta.get("tool_calls").and_then(Value::as_array) {
            Some(calls) => {
                for call in calls {
                    let index = call.get("index").and_then(Value::as_u64).unwrap_or(0);
                    let id = call.get("id").and_then(Value::as_str).unwrap_or("");
                    self.call_piece(index, id, call.get("function"), shown);
                }
            }
            // The legacy single `function_call`, only when no `tool_calls` came beside it
            // (llama.cpp sends both, the same call twice).
            None => {
                if let Some(function) = delta.get("function_call").filter(|f| f.is_object()) {
                    self.call_piece(0, "", Some(function), shown);
                }
            }
        }
    }

    fn call_piece(
        &mut self,
        index: u64,
        id: &str,
        function: Option<&Value>,
        shown: &mut Vec<StreamEvent>,
    ) {
        let position = match self.calls.iter().position(|c| c.index == index) {
            Some(position) => position,
            None => {
                self.calls.push(PartialCall {
                    index,
                    ..PartialCall::default()
                });
                self.calls.len() - 1
            }
        };
        let call = &mut self.calls[position];
        if call.id.is_empty() && !id.is_empty() {
            call.id = id.to_string();
        }
        let mut piece = String::new();
        if let Some(function) = function {
            // The name comes once (OpenAI) or in every delta (llama.cpp): keep the first.
            if let Some(name) = function.get("name").and_then(Value::as_str)
                && call.name.is_empty()
            {
                call.name = name.to_string();
            }
            match function.get("arguments") {
                Some(Value::String(text)) => {
                    call.arguments.push_str(text);
                    piece.clone_from(text);
                }
                // Some servers send the arguments as an object rather than JSON text.
                Some(object @ Value::Object(_)) => {
                    call.arguments = object.to_string();
                    piece.clone_from(&call.arguments);
                }
                _ => {}
            }
        }
        if !call.announced && !call.name.is_empty() {
            call.announced = true;
            if call.id.is_empty() {
                call.id = format!("call_{index}");
            }
            shown.push(StreamEvent::ToolUseStarted {
                id: call.id.clone(),
                name: call.name.clone(),
            });
            if let Some(raw) = &mut self.raw {
                raw.tool_started(index, &call.id, &call.name, shown);
                // The arguments that came before the name (llama.cpp), and with it.
                piece.clone_from(&call.arguments);
            }
        }
        if let Some(raw) = &mut self.raw {
            raw.arguments(index, &piece, shown);
        }
    }

    /// Why the model stopped, as far as the chunks so far say.
    fn stop_reason(&self) -> Option<StopReason> {
        let reason = self.finish_reason.as_deref()?;
        Some(match reason {
            "stop" if self.refused => StopReason::Refusal,
            "stop" => StopReason::EndTurn,
            "length" => StopReason::MaxTokens,
            "tool_calls" | "function_call" => StopReason::ToolUse,
            "content_filter" => StopReason::Refusal,
            other => StopReason::Other(other.to_string()),
        })
    }

    /// `[DONE]`: the end of the made Messages API events.
    fn raw_end(&mut self) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        let Some(mut stop) = self.stop_reason() else {
            return out;
        };
        // Ollama ends a tool-calling answer with "stop".
        if stop == StopReason::EndTurn && self.calls.iter().any(|c| !c.name.is_empty()) {
            stop = StopReason::ToolUse;
        }
        if let Some(raw) = &mut self.raw {
            raw.end(&stop, &self.usage, &mut out);
        }
        out
    }

    pub fn finish(self) -> Result<Completed, ProviderError> {
        let Some(mut stop_reason) = self.stop_reason() else {
            let detail = if self.chunks == 0 {
                ": the server sent an empty stream (no answer at all)".to_string()
            } else {
                ": no finish_reason came".to_string()
            };
            return Err(ProviderError::Incomplete { detail });
        };
        let mut content = Vec::new();
        if !self.thinking.is_empty() {
            // No signature: Chat Completions has none, and none is ever sent to another provider.
            content.push(ContentBlock::Thinking {
                thinking: self.thinking,
                signature: String::new(),
            });
        }
        if !self.text.is_empty() {
            content.push(ContentBlock::Text { text: self.text });
        }
        let mut calls = 0;
        for call in self.calls.into_iter().filter(|c| !c.name.is_empty()) {
            let input = if call.arguments.trim().is_empty() {
                Value::Object(Default::default())
            } else {
                match serde_json::from_str::<Value>(&call.arguments) {
                    Ok(input) => input,
                    // Cut short by the output limit: the call can't run.
                    Err(_) if stop_reason == StopReason::MaxTokens => continue,
                    Err(e) => {
                        return Err(ProviderError::Protocol {
                            message: format!(
                                "the arguments of tool `{}` are not valid JSON: {e}",
                                call.name
                            ),
                        });
                    }
                }
            };
            calls += 1;
            content.push(ContentBlock::ToolUse {
                id: call.id,
                name: call.name,
                input,
            });
        }
        // Ollama ends a tool-calling answer with "stop".
        if calls > 0 && stop_reason == StopReason::EndTurn {
            stop_reason = StopReason::ToolUse;
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

impl StreamParser for ChunkAccumulator {
    fn apply(&mut self, event: &str, data: &str) -> Result<Vec<StreamEvent>, ProviderError> {
        ChunkAccumulator::apply(self, event, data)
    }

    fn finish(self: Box<Self>) -> Result<Completed, ProviderError> {
        ChunkAccumulator::finish(*self)
    }
}

/// `prompt_tokens` counts the cached ones too; claw counts them apart.
fn usage_of(usage: &Value) -> Usage {
    let count = |pointer: &str| usage.pointer(pointer).and_then(Value::as_u64).unwrap_or(0);
    let cached = count("/prompt_tokens_details/cached_tokens");
    Usage {
        input_tokens: count("/prompt_tokens").saturating_sub(cached),
        output_tokens: count("/completion_tokens"),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: cached,
    }
}

/// An error object (`{message, type, code}`) or a bare string.
fn stream_error(error: &Value) -> ProviderError {
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .or_else(|| error.as_str())
        .unwrap_or("unknown error")
        .to_string();
    let kind = error
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            error
                .get("code")
                .map(|c| c.to_string().trim_matches('"').to_string())
        })
        .unwrap_or_else(|| "error".into());
    ProviderError::Stream { kind, message }
}
