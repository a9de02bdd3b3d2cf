//! The Anthropic Messages API: the client and its credentials. The request body is built in
//! `request_body` (the conversation's wire form in `wire`), the stream is assembled by
//! `stream::MessageAccumulator`, the retries and waits are `provider::streaming`'s, and the side
//! requests (models, token counts) are in `side`.

use futures::future::BoxFuture;
use serde_json::Value;

use crate::provider::retry::RetryPolicy;
use crate::provider::send::http_client;
use crate::provider::streaming::{self, Call, StreamParser, Wire};
use crate::provider::timeouts::Timeouts;
use crate::provider::{
    ChatRequest, Completed, Endpoint, ModelFacts, Provider, ProviderError, RemoteModel, StreamEvent,
};

mod request_body;
mod side;
pub mod stream;
pub mod wire;
pub use request_body::{add_cache_breakpoints, request_betas, request_body};
use stream::MessageAccumulator;

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
const API_VERSION: &str = "2023-06-01";
/// Who is calling, in every request (as the SDKs and Claude Code name themselves).
const USER_AGENT: &str = concat!("claw/", env!("CARGO_PKG_VERSION"));

/// How requests are authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// `x-api-key` (ANTHROPIC_API_KEY).
    ApiKey(String),
    /// `authorization: Bearer` (ANTHROPIC_AUTH_TOKEN).
    Bearer(String),
    None,
}

/// Tunables; tests shorten the waits.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub retry: RetryPolicy,
    pub timeouts: Timeouts,
    /// `anthropic-beta` features.
    pub betas: Vec<String>,
    /// The install's hashed id, sent as `metadata.user_id`.
    pub user_id: Option<String>,
    /// What the settings say of models the catalog doesn't know (a proxy's), by id.
    pub models: Vec<(String, ModelFacts)>,
}

pub struct Anthropic {
    /// Built on the first request: loading TLS roots costs milliseconds claw's start-up
    /// doesn't need to spend.
    client: std::sync::OnceLock<reqwest::Client>,
    base_url: String,
    auth: Auth,
    options: Options,
}

impl Anthropic {
    pub fn new(base_url: &str, auth: Auth, options: Options) -> Self {
        Anthropic {
            client: std::sync::OnceLock::new(),
            base_url: base_url.trim_end_matches('/').to_string(),
            auth,
            options,
        }
    }

    /// From ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN, and the timeouts'
    /// variables (bad values are warned about, see `from_env_with_warnings`). A missing key is
    /// reported on the first request (so the screen can show it), not here.
    pub fn from_env() -> Self {
        Self::from_env_with_warnings().0
    }

    /// `from_env`, and what was wrong with the variables.
    pub fn from_env_with_warnings() -> (Self, Vec<String>) {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let base = var("ANTHROPIC_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let auth = match (var("ANTHROPIC_API_KEY"), var("ANTHROPIC_AUTH_TOKEN")) {
            (Some(key), _) => Auth::ApiKey(key),
            (None, Some(token)) => Auth::Bearer(token),
            (None, None) => Auth::None,
        };
        let (timeouts, warnings) = Timeouts::from_vars(var);
        let options = Options {
            timeouts,
            ..Options::default()
        };
        (Anthropic::new(&base, auth, options), warnings)
    }

    /// Sends `user_id` as every request's `metadata.user_id`.
    pub fn with_user_id(mut self, user_id: Option<String>) -> Self {
        self.options.user_id = user_id;
        self
    }

    fn client(&self) -> &reqwest::Client {
        self.client
            .get_or_init(|| http_client(self.options.timeouts.connect))
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A request to `path` with the API version and the credentials.
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self
            .client()
            .request(method, format!("{}{path}", self.base_url))
            .header("anthropic-version", API_VERSION)
            .header("user-agent", USER_AGENT);
        match &self.auth {
            Auth::ApiKey(key) => builder.header("x-api-key", key),
            Auth::Bearer(token) => builder.bearer_auth(token),
            Auth::None => builder,
        }
    }

    fn missing_key(&self) -> Option<ProviderError> {
        (self.auth == Auth::None && self.base_url == DEFAULT_BASE_URL).then(|| {
            ProviderError::MissingKey {
                hint: "ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN), or point ANTHROPIC_BASE_URL at a server that needs none".into(),
            }
        })
    }

    fn key_variable(&self) -> &'static str {
        match self.auth {
            Auth::ApiKey(_) | Auth::None => "ANTHROPIC_API_KEY",
            Auth::Bearer(_) => "ANTHROPIC_AUTH_TOKEN",
        }
    }

    async fn run(
        &self,
        request: &ChatRequest,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Completed, ProviderError> {
        if let Some(error) = self.missing_key() {
            return Err(error);
        }
        let mut body = request_body(request);
        if let Some(id) = &self.options.user_id {
            body["metadata"] = serde_json::json!({"user_id": id});
        }
        let wire = MessagesCall {
            anthropic: self,
            raw: request.raw_events,
            body,
            betas: request_betas(request, &self.options.betas),
        };
        let call = Call {
            base_url: &self.base_url,
            model: &request.model,
            key_variable: self.key_variable(),
            retry: &self.options.retry,
            timeouts: &self.options.timeouts,
        };
        streaming::stream(&wire, &call, on_event).await
    }
}

/// One `POST /v1/messages`: the same body for every attempt.
struct MessagesCall<'a> {
    anthropic: &'a Anthropic,
    raw: crate::provider::RawEvents,
    body: Value,
    betas: Vec<String>,
}

impl Wire for MessagesCall<'_> {
    fn request(&self) -> reqwest::RequestBuilder {
        let mut builder = self
            .anthropic
            .request(reqwest::Method::POST, "/v1/messages")
            .header("content-type", "application/json")
            .json(&self.body);
        if !self.betas.is_empty() {
            builder = builder.header("anthropic-beta", self.betas.join(","));
        }
        builder
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(MessageAccumulator::with_raw_events(self.raw))
    }
}

impl Provider for Anthropic {
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
        crate::provider::openai::facts_in(&self.options.models, model)
    }

    fn model_facts<'a>(&'a self, model: &'a str) -> BoxFuture<'a, ModelFacts> {
        let facts = self.configured(model);
        Box::pin(async move { facts })
    }

    fn count_tokens<'a>(
        &'a self,
        request: &'a ChatRequest,
    ) -> BoxFuture<'a, Result<u64, ProviderError>> {
        Box::pin(self.post_count_tokens(request))
    }

    fn describe(&self) -> Endpoint {
        Endpoint {
            base_url: self.base_url.clone(),
            wire: "Anthropic Messages",
            credential: match self.auth {
                Auth::ApiKey(_) => "ANTHROPIC_API_KEY".into(),
                Auth::Bearer(_) => "ANTHROPIC_AUTH_TOKEN".into(),
                Auth::None => String::new(),
            },
            key_hint: "ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)".into(),
            official: self.base_url == DEFAULT_BASE_URL,
        }
    }
}
