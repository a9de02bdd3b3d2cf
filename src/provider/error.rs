//! Provider failures, in the user's terms: each variant's message is what the screen shows.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum ProviderError {
    /// `hint` names the variables to set, e.g. "ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN), or
    /// point ANTHROPIC_BASE_URL at a server that needs none".
    #[error("no API key: set {hint}")]
    MissingKey { hint: String },
    #[error("the API rejected the key (401): check {variable} ({message})")]
    Unauthorized { variable: String, message: String },
    #[error("the API refused access (403): {message}")]
    Forbidden { message: String },
    #[error("bad request (400): {message}")]
    BadRequest { message: String },
    #[error("model not found (404): `{model}` is not served here ({message})")]
    ModelNotFound { model: String, message: String },
    #[error(
        "request too large (413): the conversation is too big for the API; compact or start a new session"
    )]
    TooLarge,
    #[error("rate limited (429) after {attempts} attempts: {message}")]
    RateLimited { attempts: u32, message: String },
    #[error("the API is overloaded (529) after {attempts} attempts; try again shortly")]
    Overloaded { attempts: u32 },
    #[error("server error ({status}) after {attempts} attempts: {message}")]
    Server {
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("unexpected HTTP status {status}: {message}")]
    Http { status: u16, message: String },
    #[error("cannot reach {url}, after {}: {message}", attempts_text(*attempts))]
    Connect {
        url: String,
        attempts: u32,
        message: String,
    },
    /// Connected, but no response headers came in time.
    #[error("no response from {url} within {waited}, after {}", attempts_text(*attempts))]
    NoResponse {
        url: String,
        /// How long each attempt waited, as text ("60 s", "300 ms").
        waited: String,
        attempts: u32,
    },
    #[error("the API reported an error mid-stream ({kind}): {message}")]
    Stream { kind: String, message: String },
    #[error("the response stream broke off before the message was complete{detail}")]
    Incomplete { detail: String },
    #[error("the response stream stalled: nothing received for {waited}")]
    Stalled { waited: String },
    #[error("this provider cannot do that")]
    Unsupported,
    #[error("malformed response from the API: {message}")]
    Protocol { message: String },
}

/// The error for a failed HTTP status, with the server's own message from its body. Anthropic
/// and OpenAI-compatible servers both answer `{"error": {"message": …}}`; Ollama and some
/// others `{"error": "…"}`.
/// `key_variable` names where the key came from, for a rejected key.
pub fn status_error(
    status: u16,
    body: &str,
    model: &str,
    attempts: u32,
    key_variable: &str,
) -> ProviderError {
    let message = api_message(body);
    match status {
        400 => ProviderError::BadRequest { message },
        401 => ProviderError::Unauthorized {
            variable: key_variable.to_string(),
            message,
        },
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

/// The server's own error message from an error body, or the body itself.
pub fn api_message(body: &str) -> String {
    let value = serde_json::from_str::<serde_json::Value>(body).ok();
    let said = value.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.get("error"))
            .or_else(|| v.get("message"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    });
    said.unwrap_or_else(|| {
        let trimmed = body.trim();
        if trimmed.is_empty() {
            "no details".to_string()
        } else {
            trimmed.chars().take(300).collect()
        }
    })
}

fn attempts_text(attempts: u32) -> String {
    match attempts {
        1 => "1 attempt".into(),
        n => format!("{n} attempts"),
    }
}

/// A wait as people say it: "300 ms", "2 s", "1.5 s".
pub fn duration_text(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn waits_and_attempts_read_naturally() {
        assert_eq!(duration_text(Duration::from_millis(300)), "300 ms");
        assert_eq!(duration_text(Duration::from_secs(2)), "2 s");
        assert_eq!(duration_text(Duration::from_millis(1500)), "1.5 s");
        let error = ProviderError::NoResponse {
            url: "http://127.0.0.1:9".into(),
            waited: "2 s".into(),
            attempts: 3,
        };
        assert_eq!(
            error.to_string(),
            "no response from http://127.0.0.1:9 within 2 s, after 3 attempts"
        );
        let error = ProviderError::Connect {
            url: "http://h".into(),
            attempts: 1,
            message: "refused".into(),
        };
        assert_eq!(
            error.to_string(),
            "cannot reach http://h, after 1 attempt: refused"
        );
    }
}
