//! The streamable HTTP client of a server claw signs in to: rmcp's reqwest client, with each
//! request carrying the current token; when the server refuses one (401, or 403
//! `insufficient_scope`), the sign-in ([`Credentials::after_refusal`]) renews the token or asks
//! for more scopes, and the request goes again, so an expired token never shows.

use std::collections::HashMap;
use std::sync::Arc;

use futures::stream::BoxStream;
use reqwest::header::{HeaderName, HeaderValue};
use rmcp::model::ClientJsonRpcMessage;
use rmcp::transport::streamable_http_client::{
    SseError, StreamableHttpClient, StreamableHttpError, StreamableHttpPostResponse,
    StreamableHttpResponseLimits,
};
use sse_stream::Sse;

use super::session::{Attempt, Credentials, Refusal, StepUp};

#[derive(Clone)]
pub(crate) struct AuthorizedClient {
    pub http: reqwest::Client,
    pub credentials: Arc<Credentials>,
}

type Failure = StreamableHttpError<reqwest::Error>;

fn refusal<T>(result: &Result<T, Failure>) -> Option<Refusal<'_>> {
    match result {
        Err(StreamableHttpError::AuthRequired(e)) => {
            Some(Refusal::Unauthorized(&e.www_authenticate_header))
        }
        Err(StreamableHttpError::InsufficientScope(e)) => {
            Some(Refusal::InsufficientScope(&e.www_authenticate_header))
        }
        _ => None,
    }
}

impl StreamableHttpClient for AuthorizedClient {
    type Error = reqwest::Error;

    async fn post_message(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<StreamableHttpPostResponse, Failure> {
        self.post_message_with_response_limits(
            uri,
            message,
            session_id,
            auth_header,
            custom_headers,
            StreamableHttpResponseLimits::default(),
        )
        .await
    }

    async fn post_message_with_response_limits(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        limits: StreamableHttpResponseLimits,
    ) -> Result<StreamableHttpPostResponse, Failure> {
        self.with_token(StepUp::Allowed, |token| {
            self.http.post_message_with_response_limits(
                uri.clone(),
                message.clone(),
                session_id.clone(),
                token,
                custom_headers.clone(),
                limits,
            )
        })
        .await
    }

    async fn delete_session(
        &self,
        uri: Arc<str>,
        session_id: Arc<str>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<(), Failure> {
        let (token, _) = self.credentials.token().await;
        self.http
            .delete_session(uri, session_id, token, custom_headers)
            .await
    }

    async fn get_stream(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<BoxStream<'static, Result<Sse, SseError>>, Failure> {
        self.get_stream_with_max_sse_event_size(
            uri,
            session_id,
            last_event_id,
            auth_header,
            custom_headers,
            StreamableHttpResponseLimits::default().max_sse_event_size,
        )
        .await
    }

    async fn get_stream_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> Result<BoxStream<'static, Result<Sse, SseError>>, Failure> {
        // The standalone stream only renews an expired token; scopes follow requests.
        self.with_token(StepUp::Never, |token| {
            self.http.get_stream_with_max_sse_event_size(
                uri.clone(),
                session_id.clone(),
                last_event_id.clone(),
                token,
                custom_headers.clone(),
                max_sse_event_size,
            )
        })
        .await
    }
}

impl AuthorizedClient {
    /// `send` with the current token, again after the sign-in answered a refusal.
    async fn with_token<T, F, Sent>(&self, step_up: StepUp, send: F) -> Result<T, Failure>
    where
        F: Fn(Option<String>) -> Sent,
        Sent: std::future::Future<Output = Result<T, Failure>>,
    {
        let mut attempt = Attempt::default();
        loop {
            let (token, generation) = self.credentials.token().await;
            let sent_token = token.is_some();
            let result = send(token).await;
            let Some(refused) = refusal(&result) else {
                return result;
            };
            // Without step-ups (the event stream), only a refused token is renewed.
            let answerable = step_up == StepUp::Allowed
                || (sent_token && matches!(refused, Refusal::Unauthorized(_)));
            let again = answerable
                && self
                    .credentials
                    .after_refusal(refused, sent_token, generation, &mut attempt, step_up)
                    .await;
            if !again {
                return result;
            }
        }
    }
}
