//! `--include-partial-messages`: the model's stream as Anthropic-shaped stream events
//! (message_start, content_block_start/delta/stop, message_delta, message_stop), rebuilt from
//! the agent's deltas so every provider (OpenAI-compatible ones too) streams the same shape.
//! Tool calls arrive whole with the answer, so their blocks are sent at its end.

use serde_json::{Value, json};

use crate::protocol::conversation::ContentBlock;
use crate::protocol::session_start::AssistantReply;

/// The kind of block being streamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Text,
    Thinking,
}

/// One answer's stream, as events.
#[derive(Debug, Default)]
pub struct PartialStream {
    /// Whether message_start was sent (a request is streaming).
    started: bool,
    open: Option<Open>,
    /// Blocks started so far (the next block's index).
    blocks: usize,
}

impl PartialStream {
    /// A request began.
    pub fn start(&mut self, model: &str) -> Vec<Value> {
        *self = PartialStream {
            started: true,
            ..PartialStream::default()
        };
        vec![json!({
            "type": "message_start",
            "message": {
                "id": format!("msg_{:024x}", fastrand::u128(..) >> 32),
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": null,
                "stop_sequence": null,
                "usage": {"input_tokens": 0, "output_tokens": 0},
            },
        })]
    }

    pub fn text(&mut self, text: &str) -> Vec<Value> {
        let mut events = self.switch_to(Open::Text);
        events.push(self.delta(json!({"type": "text_delta", "text": text})));
        events
    }

    pub fn thinking(&mut self, text: &str) -> Vec<Value> {
        let mut events = self.switch_to(Open::Thinking);
        events.push(self.delta(json!({"type": "thinking_delta", "thinking": text})));
        events
    }

    /// The answer is complete: its tool calls, then the end of the message.
    pub fn finish(&mut self, reply: &AssistantReply) -> Vec<Value> {
        if !self.started {
            return Vec::new();
        }
        let mut events = self.close();
        for block in &reply.message.content {
            if let ContentBlock::ToolUse { id, name, input } = block {
                let index = self.blocks;
                self.blocks += 1;
                events.push(json!({
                    "type": "content_block_start",
                    "index": index,
                    "content_block": {"type": "tool_use", "id": id, "name": name, "input": {}},
                }));
                events.push(json!({
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": "input_json_delta", "partial_json": input.to_string()},
                }));
                events.push(json!({"type": "content_block_stop", "index": index}));
            }
        }
        events.push(json!({
            "type": "message_delta",
            "delta": {
                "stop_reason": super::shapes::stop_reason(&reply.stop_reason),
                "stop_sequence": null,
            },
            "usage": {"output_tokens": reply.usage.output_tokens},
        }));
        events.push(json!({"type": "message_stop"}));
        self.started = false;
        events
    }

    fn switch_to(&mut self, kind: Open) -> Vec<Value> {
        if self.open == Some(kind) {
            return Vec::new();
        }
        let mut events = self.close();
        let block = match kind {
            Open::Text => json!({"type": "text", "text": ""}),
            Open::Thinking => json!({"type": "thinking", "thinking": "", "signature": ""}),
        };
        events.push(json!({
            "type": "content_block_start",
            "index": self.blocks,
            "content_block": block,
        }));
        self.blocks += 1;
        self.open = Some(kind);
        events
    }

    fn delta(&self, delta: Value) -> Value {
        json!({"type": "content_block_delta", "index": self.blocks - 1, "delta": delta})
    }

    fn close(&mut self) -> Vec<Value> {
        match self.open.take() {
            Some(_) => vec![json!({"type": "content_block_stop", "index": self.blocks - 1})],
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::conversation::{Message, Role, StopReason};
    use crate::protocol::usage::Usage;

    fn types(events: &[Value]) -> Vec<String> {
        events
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn thinking_then_text_then_a_tool_call_stream_as_three_blocks_in_order() {
        let mut stream = PartialStream::default();
        let mut events = stream.start("m");
        events.extend(stream.thinking("hm"));
        events.extend(stream.text("Hel"));
        events.extend(stream.text("lo"));
        events.extend(stream.finish(&AssistantReply {
            id: "msg_1".into(),
            model: "m".into(),
            message: Message {
                role: Role::Assistant,
                content: vec![ContentBlock::ToolUse {
                    id: "t1".into(),
                    name: "Read".into(),
                    input: json!({"file_path": "a"}),
                }],
            },
            stop_reason: StopReason::ToolUse,
            usage: Usage::default(),
            cost: None,
        }));
        assert_eq!(
            types(&events),
            [
                "message_start",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "content_block_start",
                "content_block_delta",
                "content_block_delta",
                "content_block_stop",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop"
            ]
        );
        assert_eq!(events[2]["delta"]["thinking"], "hm");
        assert_eq!(events[4]["index"], 1);
        assert_eq!(events[6]["delta"]["text"], "lo");
        assert_eq!(events[8]["content_block"]["name"], "Read");
        assert_eq!(events[9]["delta"]["partial_json"], r#"{"file_path":"a"}"#);
        assert_eq!(events[11]["delta"]["stop_reason"], "tool_use");
    }
}
