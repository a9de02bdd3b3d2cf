//! One streaming call to a model, for any wire form: send, retry as the SDKs do (`retry`), read
//! the server-sent events with an idle timeout, and hand each to the wire's parser. A provider
//! supplies the request and the parser (`Wire`); everything about waiting and retrying is here.

use std::time::Duration;

use futures::StreamExt;

use crate::provider::error::{duration_text, status_error};
use crate::provider::retry::{RetryPolicy, should_retry};
use crate::provider::send::send;
use crate::provider::sse::SseFramer;
use crate::provider::timeouts::Timeouts;
use crate::provider::{Completed, ProviderError, StreamEvent};

/// Turns one response's events into display events and, at the end, the complete message.
pub trait StreamParser: Send {
    /// Applies one SSE event (its `event:` name and `data:`), returning what to show.
    fn apply(&mut self, event: &str, data: &str) -> Result<Vec<StreamEvent>, ProviderError>;
    /// The complete message, or why the stream was not complete.
    fn finish(self: Box<Self>) -> Result<Completed, ProviderError>;
}

/// What a provider gives the loop: the request of each attempt and a parser for its stream.
pub trait Wire: Sync {
    fn request(&self) -> reqwest::RequestBuilder;
    fn parser(&self) -> Box<dyn StreamParser>;
}

/// Where and how a call is made (for the waits and the errors).
pub struct Call<'a> {
    pub base_url: &'a str,
    pub model: &'a str,
    /// The variable the key came from ("ANTHROPIC_API_KEY"), for a rejected key.
    pub key_variable: &'a str,
    pub retry: &'a RetryPolicy,
    pub timeouts: &'a Timeouts,
}

/// Sends the wire's request (with retries), streams it through `on_event`, and returns the
/// complete assistant message.
pub async fn stream(
    wire: &dyn Wire,
    call: &Call<'_>,
    on_event: &mut (dyn FnMut(StreamEvent) + Send),
) -> Result<Completed, ProviderError> {
    let mut attempt = 0u32;
    let max_retries = call.retry.max_retries;
    loop {
        let response = match send(wire.request(), call.timeouts).await {
            Ok(response) => response,
            // Nothing reached the screen: any failure to get a response is retried, as the
            // SDKs do (a refused connection, a timeout, a connection closed early).
            Err(failure) => {
                if attempt < max_retries && failure.retryable() {
                    let delay = call.retry.delay(attempt, None, None, fastrand::f64());
                    attempt += 1;
                    let failed = Failed::without_response(failure.reason());
                    wait_to_retry(attempt, max_retries, delay, failed, on_event).await;
                    continue;
                }
                return Err(failure.into_error(call.base_url, attempt + 1, call.timeouts));
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
                read(response, wire.parser(), call.timeouts.idle, &mut forward).await
            };
            // A stream that failed before anything reached the screen is retried like a
            // failed request (an overloaded error event first thing, a body closed at once).
            if let Err(error) = &result
                && !shown
                && attempt < max_retries
                && retryable_stream_error(error)
            {
                let delay = call.retry.delay(attempt, None, None, fastrand::f64());
                attempt += 1;
                let failed = Failed::in_stream(error);
                wait_to_retry(attempt, max_retries, delay, failed, on_event).await;
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
        if attempt < max_retries && should_retry(status, should.as_deref()) {
            let delay = call.retry.delay(
                attempt,
                retry_after_ms.as_deref(),
                retry_after.as_deref(),
                fastrand::f64(),
            );
            attempt += 1;
            let failed = Failed::with_status(status);
            wait_to_retry(attempt, max_retries, delay, failed, on_event).await;
            continue;
        }
        let text = response.text().await.unwrap_or_default();
        return Err(status_error(
            status,
            &text,
            call.model,
            attempt + 1,
            call.key_variable,
        ));
    }
}

async fn read(
    response: reqwest::Response,
    mut parser: Box<dyn StreamParser>,
    idle: Duration,
    on_event: &mut (dyn FnMut(StreamEvent) + Send),
) -> Result<Completed, ProviderError> {
    let mut body = response.bytes_stream();
    let mut framer = SseFramer::default();
    loop {
        // reqwest has no idle timeout for a streaming body: time each read.
        let next =
            tokio::time::timeout(idle, body.next())
                .await
                .map_err(|_| ProviderError::Stalled {
                    waited: duration_text(idle),
                })?;
        let events = match next {
            None => break,
            Some(Err(error)) => {
                return Err(ProviderError::Incomplete {
                    detail: format!(": {}", crate::provider::send::error_chain(&error)),
                });
            }
            Some(Ok(bytes)) => framer.feed(&bytes),
        };
        for event in events {
            for shown in parser.apply(&event.event, &event.data)? {
                on_event(shown);
            }
        }
    }
    if let Some(event) = framer.finish() {
        for shown in parser.apply(&event.event, &event.data)? {
            on_event(shown);
        }
    }
    parser.finish()
}

/// What failed, as the retry announcement says it.
#[derive(Debug, PartialEq)]
struct Failed {
    reason: String,
    status: Option<u16>,
    error_type: Option<String>,
}

impl Failed {
    /// No response at all (a refused connection, a timeout, a connection closed early).
    fn without_response(reason: String) -> Failed {
        Failed {
            reason,
            status: None,
            error_type: None,
        }
    }

    /// A response with a retryable status.
    fn with_status(status: u16) -> Failed {
        Failed {
            reason: retry_reason(status),
            status: Some(status),
            error_type: None,
        }
    }

    /// A stream that failed before showing anything: the API's error event names its type.
    fn in_stream(error: &ProviderError) -> Failed {
        let error_type = match error {
            ProviderError::Stream { kind, .. } => Some(kind.clone()),
            _ => None,
        };
        Failed {
            reason: error.to_string(),
            status: None,
            error_type,
        }
    }
}

/// Announces retry number `attempt` of at most `max_retries` and waits before it.
async fn wait_to_retry(
    attempt: u32,
    max_retries: u32,
    delay: Duration,
    failed: Failed,
    on_event: &mut (dyn FnMut(StreamEvent) + Send),
) {
    on_event(StreamEvent::Retrying {
        attempt,
        delay_ms: delay.as_millis() as u64,
        reason: failed.reason,
        status: failed.status,
        max_retries,
        error_type: failed.error_type,
    });
    tokio::time::sleep(delay).await;
}

/// Stream failures worth another try when nothing was shown yet.
fn retryable_stream_error(error: &ProviderError) -> bool {
    match error {
        ProviderError::Stream { kind, .. } => {
            matches!(
                kind.as_str(),
                "overloaded_error" | "api_error" | "rate_limit_error" | "server_error"
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
