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
    /// Whether the model takes pictures: where it doesn't, a tool result's pictures become a
    /// note in its text (`image_left_out`).
    pub images: Images,
    /// Whether the response's stream events are also handed on as Anthropic's raw events
    /// (`StreamEvent::Raw`), for the Agent SDK's `--include-partial-messages`.
    pub raw_events: RawEvents,
}

/// Whether a call hands on the raw stream events (only headless asks: the screen doesn't
/// pay for them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RawEvents {
    #[default]
    Off,
    /// Every Messages API stream event as the server sent it (message_start,
    /// content_block_start/delta/stop, message_delta, message_stop); an OpenAI-compatible
    /// provider makes the same events from its chunks.
    Forward,
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
    /// A tool the provider runs itself was called, or returned: a complete `ServerToolUse`
    /// or `ServerToolResult` block, to show as it happens.
    ServerTool(ContentBlock),
    /// The request failed with a retryable status and will be tried again after `delay_ms`:
    /// retry number `attempt` (from 1) of at most `max_retries`.
    Retrying {
        attempt: u32,
        delay_ms: u64,
        reason: String,
        /// The failed response's HTTP status (none: no response, or an error in the stream).
        status: Option<u16>,
        max_retries: u32,
        /// The API's error type from an error event in the stream (`overloaded_error`).
        error_type: Option<String>,
    },
    /// One stream event in the Messages API's shape, with `RawEvents::Forward`.
    Raw(serde_json::Value),
}

/// A fully received assistant message.
#[derive(Clone, Debug, PartialEq)]
pub struct Completed {
    pub message: Message,
    pub stop_reason: StopReason,
    pub usage: Usage,
}

/// Whether a model takes pictures in its input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Images {
    Accepted,
    #[default]
    Refused,
}

/// What a tool result says in place of a picture the model can't take.
pub fn image_left_out(media_type: &str) -> String {
    format!("\n[a picture ({media_type}) was left out: this model does not take images]")
}

/// Prices in USD per million tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Prices {
    pub input: f64,
    pub output: f64,
    pub cache_read: f64,
    /// Writing the prompt cache (the 5-minute rate).
    pub cache_write: f64,
}

impl Prices {
    /// The cost in USD of one request's usage.
    pub fn cost(&self, usage: &Usage) -> f64 {
        let per = |tokens: u64, price: f64| tokens as f64 * price / 1_000_000.0;
        per(usage.input_tokens, self.input)
            + per(usage.cache_creation_input_tokens, self.cache_write)
            + per(usage.cache_read_input_tokens, self.cache_read)
            + per(usage.output_tokens, self.output)
    }
}

/// What a provider knows of one of its models beyond the catalog: from the settings' `models`
/// entry or from its server. None: nobody says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelFacts {
    pub context_window: Option<u64>,
    pub prices: Option<Prices>,
    pub images: Option<Images>,
    /// Whether the model reasons (and so takes a reasoning effort).
    pub reasoning: Option<bool>,
}

impl ModelFacts {
    /// These facts, with `other`'s filling what these don't say.
    pub fn or(self, other: ModelFacts) -> ModelFacts {
        ModelFacts {
            context_window: self.context_window.or(other.context_window),
            prices: self.prices.or(other.prices),
            images: self.images.or(other.images),
            reasoning: self.reasoning.or(other.reasoning),
        }
    }
}
