//! OpenAI-compatible Chat Completions (`POST {base}/chat/completions`, streamed): OpenAI itself,
//! Ollama, LM Studio, llama.cpp's server, vLLM, OpenRouter. The body is built in `request_body`,
//! the stream assembled by `stream::ChunkAccumulator`; retries and waits are
//! `provider::streaming`'s, as for Anthropic.

use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::Value;

use crate::provider::error::status_error;
use crate::provider::retry::RetryPolicy;
use crate::provider::send::{error_chain, http_client};
use crate::provider::streaming::{self, Call, StreamParser, Wire};
use crate::provider::timeouts::Timeouts;
use crate::provider::{
    ChatRequest, Completed, Endpoint, ModelFacts, Provider, ProviderError, RemoteModel, StreamEvent,
};

mod anthropic_events;
mod facts;
pub(crate) use facts::facts_in;
pub mod request_body;
pub mod stream;

pub use request_body::{Images, request_body};
use stream::ChunkAccumulator;

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
const USER_AGENT: &str = concat!("claw/", env!("CARGO_PKG_VERSION"));
/// The model list is a nicety: give up on it quickly.
const MODELS_TIMEOUT: Duration = Duration::from_secs(10);

/// Where an OpenAI-compatible server is and how to call it.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Up to and including `/v1` (requests go to `{base_url}/chat/completions`).
    pub base_url: String,
    /// The key, sent as `authorization: Bearer`; local servers need none.
    pub key: Option<String>,
    /// The variable the key comes from, for the messages about it ("OPENAI_API_KEY").
    pub key_variable: String,
    /// Whether a missing key is an error before any request (the public APIs).
    pub key_required: bool,
    /// Extra headers on every request (OpenRouter's `HTTP-Referer`, a proxy's token…).
    pub headers: Vec<(String, String)>,
    /// Whether its models take pictures, where neither the settings nor the server say.
    pub images: Images,
    /// What the settings say of its models (window, prices, pictures, reasoning), by id.
    pub models: Vec<(String, ModelFacts)>,
    /// For a model neither the settings, the catalog nor the server know.
    pub default_context_window: Option<u64>,
    pub retry: RetryPolicy,
    pub timeouts: Timeouts,
}

impl Settings {
    /// A server at `base_url` that needs no key, with the default waits.
    pub fn local(base_url: &str) -> Self {
        Settings {
            base_url: base_url.to_string(),
            key: None,
            key_variable: String::new(),
            key_required: false,
            headers: Vec::new(),
            images: Images::Refused,
            models: Vec::new(),
            default_context_window: None,
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
        }
    }
}

pub struct OpenAi {
    /// Built on the first request, as for Anthropic (TLS roots cost start-up time).
    client: std::sync::OnceLock<reqwest::Client>,
    settings: Settings,
}

impl OpenAi {
    pub fn new(mut settings: Settings) -> Self {
        settings.base_url = settings.base_url.trim_end_matches('/').to_string();
        OpenAi {
            client: std::sync::OnceLock::new(),
            settings,
        }
    }

    fn client(&self) -> &reqwest::Client {
        self.client
            .get_or_init(|| http_client(self.settings.timeouts.connect))
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut builder = self
            .client()
            .request(method, format!("{}{path}", self.settings.base_url))
            .header("user-agent", USER_AGENT);
        for (name, value) in &self.settings.headers {
            builder = builder.header(name, value);
        }
        match &self.settings.key {
            Some(key) => builder.bearer_auth(key),
            None => builder,
        }
    }

    fn missing_key(&self) -> Option<ProviderError> {
        (self.settings.key_required && self.settings.key.is_none()).then(|| {
            ProviderError::MissingKey {
                hint: format!(
                    "{} (or choose a local server with --provider)",
                    self.settings.key_variable
                ),
            }
        })
    }

    async fn run(
        &self,
        request: &ChatRequest,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Completed, ProviderError> {
        if let Some(error) = self.missing_key() {
            return Err(error);
        }
        let wire = CompletionsCall {
            client: self,
            body: request_body(request),
            raw: request.raw_events,
        };
        let call = Call {
            base_url: &self.settings.base_url,
            model: &request.model,
            key_variable: &self.settings.key_variable,
            retry: &self.settings.retry,
            timeouts: &self.settings.timeouts,
        };
        streaming::stream(&wire, &call, on_event).await
    }

    /// `GET {base}/models`, as OpenAI, Ollama, LM Studio, llama.cpp and vLLM all answer it.
    async fn fetch_models(&self) -> Result<Vec<RemoteModel>, ProviderError> {
        if let Some(error) = self.missing_key() {
            return Err(error);
        }
        let response = self
            .request(reqwest::Method::GET, "/models")
            .timeout(MODELS_TIMEOUT)
            .send()
            .await
            .map_err(|error| ProviderError::Connect {
                url: self.settings.base_url.clone(),
                attempts: 1,
                message: error_chain(&error),
            })?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        if !(200..300).contains(&status) {
            return Err(status_error(
                status,
                &text,
                "",
                1,
                &self.settings.key_variable,
            ));
        }
        let value: Value = serde_json::from_str(&text).map_err(|e| ProviderError::Protocol {
            message: format!("the model list is not JSON: {e}"),
        })?;
        Ok(value
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| {
                let id = m.get("id")?.as_str()?.to_string();
                // vLLM says `max_model_len`, OpenRouter `context_length`.
                let context_window = ["max_model_len", "context_length"]
                    .iter()
                    .find_map(|key| m.get(*key).and_then(Value::as_u64))
                    .filter(|n| *n > 0);
                Some(RemoteModel {
                    display_name: id.clone(),
                    id,
                    context_window,
                })
            })
            .collect())
    }
}

/// One `POST /chat/completions`: the same body for every attempt.
struct CompletionsCall<'a> {
    client: &'a OpenAi,
    body: Value,
    raw: crate::provider::RawEvents,
}

impl Wire for CompletionsCall<'_> {
    fn request(&self) -> reqwest::RequestBuilder {
        self.client
            .request(reqwest::Method::POST, "/chat/completions")
            .header("content-type", "application/json")
            .json(&self.body)
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(ChunkAccumulator::with_raw_events(self.raw))
    }
}

impl Provider for OpenAi {
    fn stream<'a>(
        &'a self,
        request: &'a ChatRequest,
        on_event: &'a mut (dyn FnMut(StreamEvent) + Send),
    ) -> BoxFuture<'a, Result<Completed, ProviderError>> {
        Box::pin(self.run(request, on_event))
    }

    fn list_models(&self) -> BoxFuture<'_, Result<Vec<RemoteModel>, ProviderError>> {
        Box::pin(self.fetch_models())
    }

    fn configured(&self, model: &str) -> ModelFacts {
        self.configured_facts(model)
    }

    fn model_facts<'a>(&'a self, model: &'a str) -> BoxFuture<'a, ModelFacts> {
        Box::pin(self.facts_of(model))
    }

    fn describe(&self) -> Endpoint {
        Endpoint {
            base_url: self.settings.base_url.clone(),
            wire: "OpenAI-compatible Chat Completions",
            credential: match self.settings.key {
                Some(_) => self.settings.key_variable.clone(),
                None => String::new(),
            },
            key_hint: self.settings.key_variable.clone(),
            official: self.settings.key_required,
        }
    }
}
