//! The Messages API's data model, used as claw's own conversation history.
//!
//! The agent keeps its history as these types and sends them back verbatim (thinking blocks
//! included, with their signatures), so they serialize exactly as the Anthropic API expects.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// One message of the conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: Vec<ContentBlock>,
}

impl Message {
    pub fn user_text(text: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: vec![ContentBlock::Text { text: text.into() }],
        }
    }

    /// The concatenated text blocks of this message.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for block in &self.content {
            if let ContentBlock::Text { text } = block {
                out.push_str(text);
            }
        }
        out
    }

    /// The tool_use blocks of this message, in order.
    pub fn tool_uses(&self) -> impl Iterator<Item = (&str, &str, &Value)> {
        self.content.iter().filter_map(|b| match b {
            ContentBlock::ToolUse { id, name, input } => Some((id.as_str(), name.as_str(), input)),
            _ => None,
        })
    }
}

/// A block of message content. Unknown block types from the API are dropped by the stream
/// accumulator, never stored here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentBlock {
    Text {
        text: String,
    },
    Thinking {
        thinking: String,
        signature: String,
    },
    RedactedThinking {
        data: String,
    },
    ToolUse {
        id: String,
        name: String,
        input: Value,
    },
    ToolResult {
        tool_use_id: String,
        content: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
        /// Pictures returned with the text (the request body turns them into image blocks).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        images: Vec<ImageData>,
    },
}

/// A picture for the model (base64), as in an image content block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageData {
    pub media_type: String,
    pub data: String,
}

pub use crate::protocol::usage::Usage;

/// Why the model stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    EndTurn,
    MaxTokens,
    StopSequence,
    ToolUse,
    PauseTurn,
    Refusal,
    #[serde(untagged)]
    Other(String),
}

/// A tool as advertised to the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub input_schema: Value,
}

/// How the model should think, per the catalog's thinking style for the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Thinking {
    Off,
    /// `thinking: {type: "enabled", budget_tokens}` (models before the 4.6 generation; with
    /// tools the provider adds the interleaved-thinking beta).
    Budget(u32),
    /// `thinking: {type: "adaptive"}` with `output_config: {effort}` (4.6 models and later).
    Adaptive(String),
}

/// Everything needed for one call to the model. The provider adds `stream: true`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatRequest {
    pub model: String,
    pub max_tokens: u32,
    pub system: String,
    pub messages: Vec<Message>,
    pub tools: Vec<ToolSpec>,
    /// Tools the API itself runs (e.g. `web_search`), as raw JSON definitions.
    pub server_tools: Vec<serde_json::Value>,
    pub thinking: Thinking,
}

/// What the provider reports while a response streams in, for live display.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamEvent {
    TextDelta(String),
    ThinkingDelta(String),
    /// A tool_use block opened; its input arrives later, complete, in the final message.
    ToolUseStarted {
        id: String,
        name: String,
    },
    /// Usage so far (cumulative).
    Usage(Usage),
    /// The request failed with a retryable status and will be tried again after `delay_ms`.
    Retrying {
        attempt: u32,
        delay_ms: u64,
        reason: String,
    },
}

/// A fully received assistant message.
#[derive(Clone, Debug, PartialEq)]
pub struct Completed {
    pub message: Message,
    pub stop_reason: StopReason,
    pub usage: Usage,
}
