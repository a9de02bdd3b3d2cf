//! What a model behind an OpenAI-compatible server can do, where the catalog doesn't know it:
//! its context window, prices, whether it takes pictures and whether it reasons. The settings'
//! `models` entry says first, then the server (llama.cpp's `GET /props`, Ollama's
//! `POST /api/show`), then the provider's defaults and what an OpenAI model's name tells.

use std::time::Duration;

use serde_json::{Value, json};

use super::OpenAi;
use super::request_body::openai_reasoning_model;
use crate::provider::{Images, ModelFacts};

/// A side question: never worth a long wait.
const ASK_TIMEOUT: Duration = Duration::from_secs(3);

impl OpenAi {
    /// The settings' `models` entry for `model`.
    pub(super) fn configured_facts(&self, model: &str) -> ModelFacts {
        facts_in(&self.settings.models, model)
    }

    pub(super) async fn facts_of(&self, model: &str) -> ModelFacts {
        let configured = self.configured_facts(model);
        let defaults = ModelFacts {
            context_window: self.settings.default_context_window,
            prices: None,
            images: Some(self.settings.images),
            reasoning: openai_reasoning_model(model).then_some(true),
        };
        // The public APIs have neither question; only servers of the user's are asked, and
        // only when the settings leave something unsaid.
        let settled = configured.context_window.is_some()
            && configured.images.is_some()
            && configured.reasoning.is_some();
        if self.settings.key_required || settled {
            return configured.or(defaults);
        }
        configured.or(self.ask_server(model).await).or(defaults)
    }

    async fn ask_server(&self, model: &str) -> ModelFacts {
        let root = self
            .settings
            .base_url
            .strip_suffix("/v1")
            .unwrap_or(&self.settings.base_url)
            .to_string();
        if let Some(props) = self.ask(self.client().get(format!("{root}/props"))).await
            && let Some(window) = llamacpp_window(&props)
        {
            return ModelFacts {
                context_window: Some(window),
                images: props
                    .pointer("/modalities/vision")
                    .and_then(Value::as_bool)
                    .map(accepted),
                ..ModelFacts::default()
            };
        }
        let show = self
            .client()
            .post(format!("{root}/api/show"))
            .json(&json!({"model": model}));
        match self.ask(show).await {
            Some(show) => ollama_facts(&show),
            None => ModelFacts::default(),
        }
    }

    async fn ask(&self, builder: reqwest::RequestBuilder) -> Option<Value> {
        let response = builder.timeout(ASK_TIMEOUT).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        response.json().await.ok()
    }
}

/// llama.cpp's `/props`: the context each slot has.
fn llamacpp_window(props: &Value) -> Option<u64> {
    props
        .pointer("/default_generation_settings/n_ctx")
        .or_else(|| props.get("n_ctx"))
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
}

/// A model's entry in a provider's `models` settings.
pub(crate) fn facts_in(models: &[(String, ModelFacts)], model: &str) -> ModelFacts {
    models
        .iter()
        .find(|(id, _)| id == model)
        .map(|(_, facts)| facts.clone())
        .unwrap_or_default()
}

fn accepted(vision: bool) -> Images {
    if vision {
        Images::Accepted
    } else {
        Images::Refused
    }
}

/// Ollama's `/api/show`: the window (`ollama_window`) and its `capabilities` (`vision`,
/// `thinking`), which a model's answer lists since Ollama 0.6.
fn ollama_facts(show: &Value) -> ModelFacts {
    let capabilities: Option<Vec<&str>> = show
        .get("capabilities")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(Value::as_str).collect());
    ModelFacts {
        context_window: ollama_window(show),
        prices: None,
        images: capabilities
            .as_ref()
            .map(|c| accepted(c.contains(&"vision"))),
        reasoning: capabilities.as_ref().map(|c| c.contains(&"thinking")),
    }
}

/// Ollama's `/api/show`: the `num_ctx` the model runs with when its parameters set one (Ollama
/// cuts the prompt there), else the model's trained `<architecture>.context_length`.
fn ollama_window(show: &Value) -> Option<u64> {
    let num_ctx = show
        .get("parameters")
        .and_then(Value::as_str)
        .and_then(|p| {
            p.lines().find_map(|line| {
                let mut words = line.split_whitespace();
                (words.next() == Some("num_ctx")).then(|| words.next()?.parse().ok())?
            })
        });
    num_ctx.or_else(|| {
        show.get("model_info")?
            .as_object()?
            .iter()
            .find(|(key, _)| key.ends_with(".context_length"))
            .and_then(|(_, v)| v.as_u64())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_say_their_windows_in_their_own_words() {
        assert_eq!(
            llamacpp_window(
                &json!({"default_generation_settings": {"n_ctx": 8192}, "total_slots": 1})
            ),
            Some(8192)
        );
        assert_eq!(llamacpp_window(&json!({"n_ctx": 0})), None);
        let show =
            json!({"model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768}});
        assert_eq!(ollama_window(&show), Some(32768));
        let show = json!({"parameters": "stop \"<|im_end|>\"\nnum_ctx 16384", "model_info": {"qwen2.context_length": 32768}});
        assert_eq!(ollama_window(&show), Some(16384));
        assert_eq!(ollama_window(&json!({})), None);
    }

    #[test]
    fn ollama_says_whether_a_model_sees_and_thinks() {
        let show = json!({"capabilities": ["completion", "tools", "thinking"], "model_info": {"qwen3.context_length": 40960}});
        assert_eq!(
            ollama_facts(&show),
            ModelFacts {
                context_window: Some(40960),
                prices: None,
                images: Some(Images::Refused),
                reasoning: Some(true),
            }
        );
        let show = json!({"capabilities": ["completion", "vision"]});
        let facts = ollama_facts(&show);
        assert_eq!(
            (facts.images, facts.reasoning),
            (Some(Images::Accepted), Some(false))
        );
        assert_eq!(
            ollama_facts(&json!({})),
            ModelFacts::default(),
            "an older Ollama says nothing"
        );
    }
}
