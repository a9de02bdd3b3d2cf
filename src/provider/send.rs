//! One attempt at a request: its response headers within the time allowed, or why not, in
//! terms the retry loop (retry or not, what to announce) and the user (the final error) share.

use std::time::Duration;

use crate::provider::ProviderError;
use crate::provider::error::duration_text;
use crate::provider::timeouts::Timeouts;

/// The HTTP client every provider builds on its first request (loading TLS roots costs
/// milliseconds start-up doesn't need to spend).
pub fn http_client(connect_timeout: Duration) -> reqwest::Client {
    // reqwest is built without a default TLS crypto provider: install ring's, once.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Why an attempt got no response.
#[derive(Debug)]
pub enum SendFailure {
    /// Connected (or still connecting), but no headers within the response timeout.
    NoResponse(Duration),
    /// The connection failed, broke, or was closed before the headers.
    Request(reqwest::Error),
}

/// Sends `builder` and waits for the headers at most `timeouts.response`.
pub async fn send(
    builder: reqwest::RequestBuilder,
    timeouts: &Timeouts,
) -> Result<reqwest::Response, SendFailure> {
    // reqwest's own `timeout` would also cut a long stream's body: time only the headers here.
    match tokio::time::timeout(timeouts.response, builder.send()).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(error)) => Err(SendFailure::Request(error)),
        Err(_) => Err(SendFailure::NoResponse(timeouts.response)),
    }
}

impl SendFailure {
    /// Worth another attempt: everything but a request claw could not even build.
    pub fn retryable(&self) -> bool {
        match self {
            SendFailure::NoResponse(_) => true,
            SendFailure::Request(error) => !error.is_builder(),
        }
    }

    /// What the retry notice says.
    pub fn reason(&self) -> String {
        match self {
            SendFailure::NoResponse(waited) => {
                format!("no response within {}", duration_text(*waited))
            }
            SendFailure::Request(error) if error.is_connect() => "cannot reach the API".into(),
            SendFailure::Request(_) => "the connection broke before the response".into(),
        }
    }

    /// The error shown after the last attempt.
    pub fn into_error(self, url: &str, attempts: u32, timeouts: &Timeouts) -> ProviderError {
        match self {
            SendFailure::NoResponse(waited) => ProviderError::NoResponse {
                url: url.to_string(),
                waited: duration_text(waited),
                attempts,
            },
            SendFailure::Request(error) => ProviderError::Connect {
                url: url.to_string(),
                attempts,
                message: if error.is_connect() && error.is_timeout() {
                    format!("no connection within {}", duration_text(timeouts.connect))
                } else {
                    error_chain(&error)
                },
            },
        }
    }
}

/// An error with its causes, e.g. "error sending request: connection refused".
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}
