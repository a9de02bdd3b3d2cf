//! Model providers: the wire to the model. Each maps claw's conversation (`protocol::conversation`)
//! to its wire form and back: `anthropic` speaks the Messages API; `demo` is a scripted model
//! in-process. `streaming` runs a call for
//! any of them (SSE with an idle timeout, retries per `retry`); `catalog` knows model ids,
//! aliases, windows, prices and thinking styles; `presets` names the providers claw knows;
//! `timeouts` and `send` bound each wait.

pub mod anthropic;
pub mod catalog;
pub mod demo;
pub mod error;
pub mod openai;
pub mod presets;
pub mod retry;
pub mod send;
pub mod sse;
pub mod streaming;
pub mod timeouts;
pub mod types;

pub use error::ProviderError;
pub use types::*;

use futures::future::BoxFuture;

/// Something that streams assistant messages. Dropping the returned future cancels the request.
pub trait Provider: Send + Sync {
    /// Sends `request` (with retries per `retry`), calling `on_event` as the response streams in,
    /// and returns the complete assistant message.
    fn stream<'a>(
        &'a self,
        request: &'a ChatRequest,
        on_event: &'a mut (dyn FnMut(StreamEvent) + Send),
    ) -> BoxFuture<'a, Result<Completed, ProviderError>>;

    /// The models the server offers (`GET /v1/models`), for the model picker and `/doctor`.
    fn list_models(&self) -> BoxFuture<'_, Result<Vec<RemoteModel>, ProviderError>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// How many input tokens `request` would use (`POST /v1/messages/count_tokens`), for
    /// `/context`. Providers without it answer `ProviderError::Unsupported`.
    fn count_tokens<'a>(
        &'a self,
        request: &'a ChatRequest,
    ) -> BoxFuture<'a, Result<u64, ProviderError>> {
        let _ = request;
        Box::pin(async { Err(ProviderError::Unsupported) })
    }

    /// What the settings alone say of `model` (no question to the server), for lists.
    fn configured(&self, model: &str) -> ModelFacts {
        let _ = model;
        ModelFacts::default()
    }

    /// What the settings or the server say of `model` (its window, prices, whether it takes
    /// pictures or reasons), for a model the catalog doesn't know.
    fn model_facts<'a>(&'a self, model: &'a str) -> BoxFuture<'a, ModelFacts> {
        let _ = model;
        Box::pin(async { ModelFacts::default() })
    }

    /// Where requests go and how they are authenticated, for `/doctor`.
    fn describe(&self) -> Endpoint {
        Endpoint::default()
    }
}

/// A model a server lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteModel {
    pub id: String,
    pub display_name: String,
    /// The window, where the list says it (vLLM's `max_model_len`, OpenRouter's
    /// `context_length`).
    pub context_window: Option<u64>,
}

/// A provider's address and credentials, as `/doctor` reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoint {
    pub base_url: String,
    /// The wire it speaks ("Anthropic Messages", "OpenAI-compatible Chat Completions").
    pub wire: &'static str,
    /// The variable the key came from ("ANTHROPIC_API_KEY", "OPENAI_API_KEY"), or "" (no key).
    pub credential: String,
    /// What to set when a key is needed and missing.
    pub key_hint: String,
    /// The default public API (which needs credentials), rather than a server of the user's.
    pub official: bool,
}
