//! `RawEvents::Forward` for an OpenAI-compatible stream: the Messages API's stream events
//! (message_start, content_block_start/delta/stop, message_delta, message_stop) made from the
//! chunks as they come, so a client of `--include-partial-messages` reads one shape whatever
//! the provider. Reasoning becomes a thinking block (with no signature: Chat Completions has
//! none), content a text block, each tool call a tool_use block whose arguments stream as
//! `input_json_delta`s.

use serde_json::{Value, json};

use crate::provider::{StopReason, StreamEvent, Usage};

/// The block being streamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Text,
    Thinking,
    /// A tool call, by its `index` in the chunks.
    Tool(u64),
}

/// The events of one answer, made as its chunks arrive.
#[derive(Debug, Default)]
pub(super) struct AnthropicEvents {
    started: bool,
    /// Blocks started so far (the next block's index).
    blocks: usize,
    open: Option<Open>,
    ended: bool,
}

impl AnthropicEvents {
    /// The first chunk: message_start, with the chunk's id and model.
    pub(super) fn chunk(&mut self, chunk: &Value, out: &mut Vec<StreamEvent>) {
        if self.started {
            return;
        }
        self.started = true;
        let text = |key: &str| chunk.get(key).and_then(Value::as_str).unwrap_or("");
        out.push(StreamEvent::Raw(json!({
            "type": "message_start",
            "message": {
                "id": text("id"),
                "type": "message",
                "role": "assistant",
                "model": text("model"),
                "content": [],
                "stop_reason": null,
                "stop_sequence": null,
                "usage": {"input_tokens": 0, "output_tokens": 0},
            },
        })));
    }

    pub(super) fn text(&mut self, piece: &str, out: &mut Vec<StreamEvent>) {
        self.switch_to(Open::Text, json!({"type": "text", "text": ""}), out);
        self.delta(json!({"type": "text_delta", "text": piece}), out);
    }

    pub(super) fn thinking(&mut self, piece: &str, out: &mut Vec<StreamEvent>) {
        let block = json!({"type": "thinking", "thinking": "", "signature": ""});
        self.switch_to(Open::Thinking, block, out);
        self.delta(json!({"type": "thinking_delta", "thinking": piece}), out);
    }

    /// A tool call's name is known: its block starts.
    pub(super) fn tool_started(
        &mut self,
        index: u64,
        id: &str,
        name: &str,
        out: &mut Vec<StreamEvent>,
    ) {
        let block = json!({"type": "tool_use", "id": id, "name": name, "input": {}});
        self.switch_to(Open::Tool(index), block, out);
    }

    /// A piece of tool call `index`'s arguments (after its start).
    pub(super) fn arguments(&mut self, index: u64, piece: &str, out: &mut Vec<StreamEvent>) {
        if self.open == Some(Open::Tool(index)) && !piece.is_empty() {
            self.delta(
                json!({"type": "input_json_delta", "partial_json": piece}),
                out,
            );
        }
    }

    /// The answer is complete (`[DONE]`): the last block closes, then the message.
    pub(super) fn end(&mut self, stop: &StopReason, usage: &Usage, out: &mut Vec<StreamEvent>) {
        if !self.started || self.ended {
            return;
        }
        self.ended = true;
        self.close(out);
        out.push(StreamEvent::Raw(json!({
            "type": "message_delta",
            "delta": {"stop_reason": stop, "stop_sequence": null},
            "usage": {
                "input_tokens": usage.input_tokens,
                "cache_read_input_tokens": usage.cache_read_input_tokens,
                "output_tokens": usage.output_tokens,
            },
        })));
        out.push(StreamEvent::Raw(json!({"type": "message_stop"})));
    }

    fn switch_to(&mut self, kind: Open, block: Value, out: &mut Vec<StreamEvent>) {
        if self.open == Some(kind) {
            return;
        }
        self.close(out);
        out.push(StreamEvent::Raw(json!({
            "type": "content_block_start",
            "index": self.blocks,
            "content_block": block,
        })));
        self.blocks += 1;
        self.open = Some(kind);
    }

    fn delta(&self, delta: Value, out: &mut Vec<StreamEvent>) {
        out.push(StreamEvent::Raw(json!({
            "type": "content_block_delta",
            "index": self.blocks - 1,
            "delta": delta,
        })));
    }

    fn close(&mut self, out: &mut Vec<StreamEvent>) {
        if self.open.take().is_some() {
            out.push(StreamEvent::Raw(json!({
                "type": "content_block_stop",
                "index": self.blocks - 1,
            })));
        }
    }
}
