//! Anthropic's small side requests: the model list (`GET /v1/models`) for the picker and
//! `/doctor`, and the token count (`POST /v1/messages/count_tokens`) for `/context`. No retries:
//! both have fallbacks.

use std::time::Duration;

use serde_json::Value;

use super::{Anthropic, request_body};
use crate::provider::error::status_error;
use crate::provider::send::error_chain;
use crate::provider::{ChatRequest, ProviderError, RemoteModel};

/// The model list is a nicety: give up on it quickly.
const MODELS_TIMEOUT: Duration = Duration::from_secs(10);

impl Anthropic {
    /// Sends a small side request (model list, token count): its status and body.
    pub(super) async fn side_request(
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

    /// `POST /v1/messages/count_tokens` with the request's model, system, tools, messages and
    /// thinking (no retries: `/context` falls back to an estimate).
    pub(super) async fn post_count_tokens(
        &self,
        request: &ChatRequest,
    ) -> Result<u64, ProviderError> {
        if let Some(error) = self.missing_key() {
            return Err(error);
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
            return Err(status_error(
                status,
                &text,
                &request.model,
                1,
                self.key_variable(),
            ));
        }
        serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("input_tokens")?.as_u64())
            .ok_or_else(|| ProviderError::Protocol {
                message: "count_tokens answered without input_tokens".into(),
            })
    }

    /// `GET /v1/models` (one page of up to 1000; no retries: the picker works without it).
    pub(super) async fn fetch_models(&self) -> Result<Vec<RemoteModel>, ProviderError> {
        if let Some(error) = self.missing_key() {
            return Err(error);
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
            return Err(status_error(status, &text, "", 1, self.key_variable()));
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
                        Some(RemoteModel {
                            id,
                            display_name,
                            context_window: None,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(models)
    }
}
