//! Provider failures, in the user's terms: each variant's message is what the screen shows.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum ProviderError {
    #[error(
        "no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN), or point ANTHROPIC_BASE_URL at a server that needs none"
    )]
    MissingKey,
    #[error(
        "the API rejected the key (401): check ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN ({message})"
    )]
    Unauthorized { message: String },
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
    #[error("cannot reach {url}: {message}")]
    Connect { url: String, message: String },
    #[error("the API reported an error mid-stream ({kind}): {message}")]
    Stream { kind: String, message: String },
    #[error("the response stream broke off before the message was complete{detail}")]
    Incomplete { detail: String },
    #[error("the response stream stalled: nothing received for {seconds} s")]
    Stalled { seconds: u64 },
    #[error("this provider cannot do that")]
    Unsupported,
    #[error("malformed response from the API: {message}")]
    Protocol { message: String },
}
