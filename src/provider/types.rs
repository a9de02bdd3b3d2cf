//! What a provider is asked and what it answers: one request, the events a response streams,
//! the complete message. The conversation inside is claw's own (`protocol::conversation`).

pub use crate::protocol::conversation::*;
pub use crate::protocol::usage::Usage;

use crate::protocol::Effort;

/// How hard the model should think, and how the catalog says this model is asked. Each provider
/// maps it to its own wire form (a token budget, adaptive thinking, a reasoning effort).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thinking {
    pub effort: Effort,
    /// None: the catalog doesn't know the model.
    pub style: Option<ThinkingStyle>,
    /// The token budget asked for (`--max-thinking-tokens`), for models that take one; None:
    /// the effort's own.
    pub budget: Option<u32>,
}

impl Thinking {
    pub const OFF: Thinking = Thinking {
        effort: Effort::Off,
        style: None,
        budget: None,
    };
}

/// How a model is asked to think.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThinkingStyle {
    /// A token budget (Anthropic's `thinking: {type: "enabled", budget_tokens}`).
    Budget,
    /// An effort level the model spends as it sees fit (Anthropic's adaptive thinking with
    /// `output_config.effort`, Opus and Sonnet 4.6 and later; OpenAI's `reasoning_effort`).
    Adaptive,
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
