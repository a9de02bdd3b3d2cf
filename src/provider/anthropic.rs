//! The Anthropic Messages API over SSE: builds the request (its body in `request_body`), retries
//! as the SDKs do, reads the stream with an idle timeout, and assembles the message with
//! `sse::MessageAccumulator`.

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures::StreamExt;
use futures::future::BoxFuture;
use serde_json::Value;

use crate::provider::error::duration_text;
use crate::provider::retry::{RetryPolicy, should_retry};
use crate::provider::send::{error_chain, send};
use crate::provider::sse::MessageAccumulator;
use crate::provider::timeouts::Timeouts;
use crate::provider::{
    ChatRequest, Completed, Endpoint, Provider, ProviderError, RemoteModel, StreamEvent,
};

mod request_body;
pub use request_body::{add_cache_breakpoints, request_betas, request_body};

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
const API_VERSION: &str = "2023-06-01";
/// Who is calling, in every request (as the SDKs and Claude Code name themselves).
const USER_AGENT: &str = concat!("claw/", env!("CARGO_PKG_VERSION"));
/// The model list is a nicety: give up on it quickly.
const MODELS_TIMEOUT: Duration = Duration::from_secs(10);

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
        self.client.get_or_init(|| {
            // reqwest is built without a default TLS crypto provider: install ring's, once.
            let _ = rustls::crypto::ring::default_provider().install_default();
            reqwest::Client::builder()
                .connect_timeout(self.options.timeouts.connect)
                .build()
                .unwrap_or_else(|_| reqwest::Client::new())
        })
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

    /// Sends a small side request (model list, token count): its status and body.
    async fn side_request(
        &self,
        builder: reqwest::RequestBuilder,
    ) -> Result<(u16, String), ProviderError> {
        let response = builder
            .timeout(MODELS_TIMEOUT)
            .send()
            .await
            .map_err(|error| ProviderError::Connect {
                url: self.base_url.clone(),
                attempts: 1,
                message: error_chain(&error),
            })?;
        let status = response.status().as_u16();
        Ok((status, response.text().await.unwrap_or_default()))
    }

    async fn run(
        &self,
        request: &ChatRequest,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Completed, ProviderError> {
        if self.auth == Auth::None && self.base_url == DEFAULT_BASE_URL {
            return Err(ProviderError::MissingKey);
        }
        let mut body = request_body(request);
        if let Some(id) = &self.options.user_id {
            body["metadata"] = serde_json::json!({"user_id": id});
        }
        let betas = request_betas(request, &self.options.betas);
        let mut attempt = 0u32;
        loop {
            let mut builder = self
                .request(reqwest::Method::POST, "/v1/messages")
                .header("content-type", "application/json")
                .json(&body);
            if !betas.is_empty() {
                builder = builder.header("anthropic-beta", betas.join(","));
            }
            let timeouts = &self.options.timeouts;
            let response = match send(builder, timeouts).await {
                Ok(response) => response,
                // Nothing reached the screen: any failure to get a response is retried, as the
                // SDKs do (a refused connection, a timeout, a connection closed early).
                Err(failure) => {
                    if attempt < self.options.retry.max_retries && failure.retryable() {
                        let delay = self
                            .options
                            .retry
                            .delay(attempt, None, None, fastrand::f64());
                        attempt += 1;
                        wait_to_retry(attempt, delay, failure.reason(), on_event).await;
                        continue;
                    }
                    return Err(failure.into_error(&self.base_url, attempt + 1, timeouts));
                }
            };
            let status = response.status().as_u16();
            if (200..300).contains(&status) {
                let mut shown = false;
                let result = {
                    let mut forward = |event: StreamEvent| {
                        shown |= !matches!(event, StreamEvent::Usage(_));
                        on_event(event);
                    };
                    self.read_stream(response, &mut forward).await
                };
                // A stream that failed before anything reached the screen is retried like a
                // failed request (an overloaded error event first thing, a body closed at once).
                if let Err(error) = &result
                    && !shown
                    && attempt < self.options.retry.max_retries
                    && retryable_stream_error(error)
                {
                    let delay = self
                        .options
                        .retry
                        .delay(attempt, None, None, fastrand::f64());
                    attempt += 1;
                    wait_to_retry(attempt, delay, error.to_string(), on_event).await;
                    continue;
                }
                return result;
            }
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let (should, retry_after_ms, retry_after) = (
                header("x-should-retry"),
                header("retry-after-ms"),
                header("retry-after"),
            );
            if attempt < self.options.retry.max_retries && should_retry(status, should.as_deref()) {
                let delay = self.options.retry.delay(
                    attempt,
                    retry_after_ms.as_deref(),
                    retry_after.as_deref(),
                    fastrand::f64(),
                );
                attempt += 1;
                wait_to_retry(attempt, delay, retry_reason(status), on_event).await;
                continue;
            }
            let text = response.text().await.unwrap_or_default();
            return Err(status_error(status, &text, &request.model, attempt + 1));
        }
    }

    async fn read_stream(
        &self,
        response: reqwest::Response,
        on_event: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<Completed, ProviderError> {
        let mut events = response.bytes_stream().eventsource();
        let mut accumulator = MessageAccumulator::new();
        let idle = self.options.timeouts.idle;
        loop {
            // reqwest has no idle timeout for a streaming body: time each read.
            let next = tokio::time::timeout(idle, events.next())
                .await
                .map_err(|_| ProviderError::Stalled {
                    waited: duration_text(idle),
                })?;
            match next {
                None => break,
                Some(Err(error)) => {
                    return Err(ProviderError::Incomplete {
                        detail: format!(": {error}"),
                    });
                }
                Some(Ok(event)) => {
                    for shown in accumulator.apply(&event.event, &event.data)? {
                        on_event(shown);
                    }
                }
            }
        }
        accumulator.finish()
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

    fn count_tokens<'a>(
        &'a self,
        request: &'a ChatRequest,
    ) -> BoxFuture<'a, Result<u64, ProviderError>> {
        Box::pin(self.post_count_tokens(request))
    }

    fn describe(&self) -> Endpoint {
        Endpoint {
            base_url: self.base_url.clone(),
            credential: match self.auth {
                Auth::ApiKey(_) => "ANTHROPIC_API_KEY",
                Auth::Bearer(_) => "ANTHROPIC_AUTH_TOKEN",
                Auth::None => "",
            },
            official: self.base_url == DEFAULT_BASE_URL,
        }
    }
}

impl Anthropic {
    /// `POST /v1/messages/count_tokens` with the request's model, system, tools, messages and
    /// thinking (no retries: `/context` falls back to an estimate).
    async fn post_count_tokens(&self, request: &ChatRequest) -> Result<u64, ProviderError> {
        if self.auth == Auth::None && self.base_url == DEFAULT_BASE_URL {
            return Err(ProviderError::MissingKey);
        }
        let mut body = request_body(request);
        if let Some(object) = body.as_object_mut() {
            for key in ["stream", "max_tokens", "output_config"] {
                object.remove(key);
            }
        }
        let (status, text) = self
            .side_request(
                self.request(reqwest::Method::POST, "/v1/messages/count_tokens")
                    .json(&body),
            )
            .await?;
        if status == 404 {
            return Err(ProviderError::Unsupported);
        }
        if !(200..300).contains(&status) {
            return Err(status_error(status, &text, &request.model, 1));
        }
        serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("input_tokens")?.as_u64())
            .ok_or_else(|| ProviderError::Protocol {
                message: "count_tokens answered without input_tokens".into(),
            })
    }

    /// `GET /v1/models` (one page of up to 1000; no retries: the picker works without it).
    async fn fetch_models(&self) -> Result<Vec<RemoteModel>, ProviderError> {
        if self.auth == Auth::None && self.base_url == DEFAULT_BASE_URL {
            return Err(ProviderError::MissingKey);
        }
        let (status, text) = self
            .side_request(self.request(reqwest::Method::GET, "/v1/models?limit=1000"))
            .await?;
        if status == 404 {
            return Err(ProviderError::Http {
                status,
                message: "this server has no model list".into(),
            });
        }
        if !(200..300).contains(&status) {
            return Err(status_error(status, &text, "", 1));
        }
        let value: Value = serde_json::from_str(&text).map_err(|e| ProviderError::Protocol {
            message: format!("the model list is not JSON: {e}"),
        })?;
        let models = value
            .get("data")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|m| {
                        let id = m.get("id")?.as_str()?.to_string();
                        let display_name = m
                            .get("display_name")
                            .and_then(Value::as_str)
                            .unwrap_or(&id)
                            .to_string();
                        Some(RemoteModel { id, display_name })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(models)
    }
}

/// Announces retry number `attempt` and waits before it.
async fn wait_to_retry(
    attempt: u32,
    delay: Duration,
    reason: String,
    on_event: &mut (dyn FnMut(StreamEvent) + Send),
) {
    on_event(StreamEvent::Retrying {
        attempt,
        delay_ms: delay.as_millis() as u64,
        reason,
    });
    tokio::time::sleep(delay).await;
}

/// Stream failures worth another try when nothing was shown yet.
fn retryable_stream_error(error: &ProviderError) -> bool {
    match error {
        ProviderError::Stream { kind, .. } => {
            matches!(
                kind.as_str(),
                "overloaded_error" | "api_error" | "rate_limit_error"
            )
        }
        // A stream closed, or silent, before its first word: the same as no response.
        ProviderError::Incomplete { .. } | ProviderError::Stalled { .. } => true,
        _ => false,
    }
}

fn retry_reason(status: u16) -> String {
    match status {
        429 => "rate limited (429)".into(),
        529 => "the API is overloaded (529)".into(),
        408 => "the request timed out (408)".into(),
        _ => format!("server error ({status})"),
    }
}

/// The API's own error message from an error body, or the body itself.
fn api_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| {
            let trimmed = body.trim();
            if trimmed.is_empty() {
                "no details".to_string()
            } else {
                trimmed.chars().take(300).collect()
            }
        })
}

fn status_error(status: u16, body: &str, model: &str, attempts: u32) -> ProviderError {
    let message = api_message(body);
    match status {
        400 => ProviderError::BadRequest { message },
        401 => ProviderError::Unauthorized { message },
        403 => ProviderError::Forbidden { message },
        404 => ProviderError::ModelNotFound {
            model: model.to_string(),
            message,
        },
        413 => ProviderError::TooLarge,
        429 => ProviderError::RateLimited { attempts, message },
        529 => ProviderError::Overloaded { attempts },
        500..=599 => ProviderError::Server {
            status,
            attempts,
            message,
        },
        _ => ProviderError::Http { status, message },
    }
}
