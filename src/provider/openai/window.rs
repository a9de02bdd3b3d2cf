//! How many tokens a model behind an OpenAI-compatible server can read, where the catalog
//! doesn't know it: the settings' `models` entry, else what the server says (llama.cpp's
//! `GET /props`, Ollama's `POST /api/show`), else the provider's configured default.

use std::time::Duration;

use serde_json::{Value, json};

use super::OpenAi;

/// A side question: never worth a long wait.
const ASK_TIMEOUT: Duration = Duration::from_secs(3);

impl OpenAi {
    pub(super) async fn window_of(&self, model: &str) -> Option<u64> {
        if let Some((_, window)) = self
            .settings
            .context_windows
            .iter()
            .find(|(id, _)| id == model)
        {
            return Some(*window);
        }
        // The public APIs have neither question; only servers of the user's are asked.
        if self.settings.key_required {
            return self.settings.default_context_window;
        }
        let root = self
            .settings
            .base_url
            .strip_suffix("/v1")
            .unwrap_or(&self.settings.base_url)
            .to_string();
        if let Some(window) = self
            .ask(self.client().get(format!("{root}/props")))
            .await
            .as_ref()
            .and_then(llamacpp_window)
        {
            return Some(window);
        }
        let show = self
            .client()
            .post(format!("{root}/api/show"))
            .json(&json!({"model": model}));
        if let Some(window) = self.ask(show).await.as_ref().and_then(ollama_window) {
            return Some(window);
        }
        self.settings.default_context_window
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
}
