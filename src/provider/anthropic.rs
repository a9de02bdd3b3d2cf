//! (stub until the provider branch lands)
use futures::future::BoxFuture;

use crate::provider::{ChatRequest, Completed, Provider, ProviderError, StreamEvent};
pub struct Anthropic;
impl Anthropic {
    pub fn from_env() -> Result<Self, ProviderError> {
        Ok(Anthropic)
    }
}
impl Provider for Anthropic {
    fn stream<'a>(
        &'a self,
        _request: &'a ChatRequest,
        _on_event: &'a mut (dyn FnMut(StreamEvent) + Send),
    ) -> BoxFuture<'a, Result<Completed, ProviderError>> {
        Box::pin(async { Err(ProviderError::MissingKey) })
    }
}
