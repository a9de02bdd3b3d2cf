//! Token usage, as the provider reports it and the session and UI count it.

use serde::{Deserialize, Serialize};

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
