//! Model providers: the wire to the model. `anthropic` speaks the Messages API with SSE streaming;
//! `sse` assembles a message from stream events (pure); `retry` holds the SDK retry policy;
//! `catalog` knows model ids, aliases, windows and prices.

pub mod anthropic;
pub mod catalog;
pub mod error;
pub mod retry;
pub mod sse;
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
}
