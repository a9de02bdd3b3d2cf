//! Model servers found running on this machine (Ollama, LM Studio, llama.cpp, vLLM on their
//! default ports), which the first-run screen offers when no provider is set up.

use serde::{Deserialize, Serialize};

/// A server that answered on a preset's default port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalServer {
    /// The preset that reaches it ("ollama"): a model of it is chosen as `ollama/MODEL`.
    pub provider: String,
    /// What people call it ("Ollama").
    pub label: String,
    /// Where it answered ("127.0.0.1:11434").
    pub address: String,
    /// The models its `/models` lists (empty: none loaded).
    pub models: Vec<String>,
}
