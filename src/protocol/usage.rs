//! Token usage, as the provider reports it and the session and UI count it.

use serde::{Deserialize, Serialize};

/// How much of a session's cost is known: the catalog prices Claude models; a model it doesn't
/// know (a local one, most OpenAI-compatible ones) has no price, and its cost shows as unknown
/// rather than as a wrong number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pricing {
    /// Every request had a price.
    #[default]
    Known,
    /// Some had one: the cost shown is a lower bound.
    Partial,
    /// None had one.
    Unknown,
}

/// Token usage of one request. `message_delta` usage is cumulative: overwrite, never add.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(default)]
    pub cache_creation_input_tokens: u64,
    #[serde(default)]
    pub cache_read_input_tokens: u64,
}
