//! The provider and model a session starts with: `--provider NAME`, a `NAME/MODEL` model, the
//! `provider` setting, or Anthropic; and the settings' `providers` map, whose entries add
//! providers or change a preset (`kind`, `baseUrl`, `apiKeyEnv`, `headers`, `images`,
//! `models: {ID: {contextWindow, input, output, cacheRead, cacheWrite, images, reasoning}}`
//! with prices in USD per million tokens, `defaultContextWindow`).

use serde_json::Value;

use crate::provider::presets::{self, Kind, ProviderConfig};
use crate::provider::{Images, ModelFacts, Prices};

/// What start-up was asked for, and the settings' say.
pub struct Choice<'a> {
    pub cli_provider: Option<&'a str>,
    /// `--model`, `CLAW_MODEL` or the `model` setting.
    pub model: Option<&'a str>,
    pub setting: Option<&'a str>,
    /// The merged settings' `providers` object (Null when absent).
    pub providers: &'a Value,
}

/// The provider to use and the model named without its provider prefix (None: the default).
pub fn choose(
    choice: &Choice<'_>,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<(ProviderConfig, Option<String>), String> {
    let configured = |name: &str| choice.providers.get(name).is_some_and(Value::is_object);
    let known = |name: &str| presets::PRESETS.contains(&name) || configured(name);
    let (prefix, model) = match (choice.cli_provider, choice.model) {
        // An explicit provider takes the model as it is (OpenRouter ids hold slashes).
        (Some(_), Some(model)) => (None, Some(model)),
        (None, Some(model)) => {
            let (prefix, model) = presets::split_model(model, &known);
            (prefix, Some(model))
        }
        (_, None) => (None, None),
    };
    let name = choice
        .cli_provider
        .or(prefix)
        .or(choice.setting)
        .unwrap_or("anthropic")
        .trim();
    let config = provider(name, choice.providers, var)?;
    Ok((config, model.map(str::to_string)))
}

/// Every provider claw can reach: the presets, then the settings' own entries.
pub fn names(providers: &Value) -> Vec<String> {
    let mut names: Vec<String> = presets::PRESETS.iter().map(|p| p.to_string()).collect();
    for (name, entry) in providers.as_object().into_iter().flatten() {
        if entry.is_object() && !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

/// Reaches the providers by name mid-session (a model chosen as `NAME/MODEL`), with the
/// settings' `providers` map and the environment as they are when asked.
pub fn factory(providers: Value, user_id: Option<String>) -> presets::ProviderFactory {
    std::sync::Arc::new(move |name: &str| {
        let env = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
        let known =
            presets::PRESETS.contains(&name) || providers.get(name).is_some_and(Value::is_object);
        if !known {
            return None;
        }
        Some(
            provider(name, &providers, &env)
                .map(|config| presets::build(&config, &env, user_id.clone()).0),
        )
    })
}

/// A provider by name: its preset with the settings' entry over it, or the entry alone.
pub fn provider(
    name: &str,
    providers: &Value,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<ProviderConfig, String> {
    let entry = providers.get(name).filter(|e| e.is_object());
    let base = presets::preset(name, var);
    let Some(entry) = entry else {
        return base.ok_or_else(|| {
            format!(
                "unknown provider `{name}`: use one of {} or add it under `providers` in the settings",
                presets::PRESETS.join(", ")
            )
        });
    };
    let field = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_string);
    let kind = match field("kind") {
        Some(kind) => Kind::parse(&kind).ok_or_else(|| {
            format!("providers.{name}.kind: `{kind}` is not `anthropic` or `openai`")
        })?,
        None => match &base {
            Some(base) => base.kind,
            None => Kind::OpenAi,
        },
    };
    let mut config = base.unwrap_or(ProviderConfig {
        name: name.to_string(),
        kind,
        base_url: String::new(),
        key_env: None,
        key_required: false,
        headers: Vec::new(),
        images: Images::Refused,
        models: Vec::new(),
        default_context_window: None,
    });
    config.kind = kind;
    if let Some(url) = field("baseUrl") {
        config.base_url = url;
        // A server of the user's: its own rules about keys.
        config.key_required = false;
    }
    if let Some(env) = field("apiKeyEnv") {
        config.key_env = Some(env);
    }
    if let Some(headers) = entry.get("headers").and_then(Value::as_object) {
        for (header, value) in headers {
            if let Some(value) = value.as_str() {
                config.headers.push((header.clone(), value.to_string()));
            }
        }
    }
    if let Some(images) = images_of(entry) {
        config.images = images;
    }
    if let Some(models) = entry.get("models").and_then(Value::as_object) {
        for (id, model) in models {
            config.models.push((id.clone(), model_facts(model)));
        }
    }
    if let Some(window) = entry.get("defaultContextWindow").and_then(Value::as_u64) {
        config.default_context_window = Some(window);
    }
    if config.kind == Kind::OpenAi && config.base_url.is_empty() {
        return Err(format!(
            "providers.{name}: set `baseUrl` (e.g. http://localhost:8080/v1)"
        ));
    }
    Ok(config)
}

fn images_of(entry: &Value) -> Option<Images> {
    entry.get("images").and_then(Value::as_bool).map(|images| {
        if images {
            Images::Accepted
        } else {
            Images::Refused
        }
    })
}

/// A `models` entry: its window, prices, pictures and reasoning, each optional. A price left
/// out of the cache rates is the input price (never less than the model may cost).
fn model_facts(model: &Value) -> ModelFacts {
    let price = |key: &str| model.get(key).and_then(Value::as_f64);
    let prices = match (price("input"), price("output")) {
        (None, None) => None,
        (input, output) => {
            let input = input.unwrap_or(0.0);
            Some(Prices {
                input,
                output: output.unwrap_or(0.0),
                cache_read: price("cacheRead").unwrap_or(input),
                cache_write: price("cacheWrite").unwrap_or(input),
            })
        }
    };
    ModelFacts {
        context_window: model.get("contextWindow").and_then(Value::as_u64),
        prices,
        images: images_of(model),
        reasoning: model.get("reasoning").and_then(Value::as_bool),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pick(
        cli: Option<&str>,
        model: Option<&str>,
        setting: Option<&str>,
        providers: Value,
    ) -> Result<(String, String, Option<String>), String> {
        let choice = Choice {
            cli_provider: cli,
            model,
            setting,
            providers: &providers,
        };
        choose(&choice, &|_| None).map(|(c, m)| (c.name, c.base_url, m))
    }

    #[test]
    fn the_flag_the_model_prefix_the_setting_then_anthropic() {
        assert_eq!(pick(None, None, None, Value::Null).unwrap().0, "anthropic");
        assert_eq!(
            pick(None, None, Some("vllm"), Value::Null).unwrap().0,
            "vllm"
        );
        let (name, url, model) =
            pick(None, Some("ollama/qwen3:8b"), Some("vllm"), Value::Null).unwrap();
        assert_eq!(
            (name.as_str(), url.as_str(), model.as_deref()),
            ("ollama", "http://localhost:11434/v1", Some("qwen3:8b"))
        );
        let (name, _, model) =
            pick(Some("openrouter"), Some("openai/gpt-4o"), None, Value::Null).unwrap();
        assert_eq!(
            (name.as_str(), model.as_deref()),
            ("openrouter", Some("openai/gpt-4o"))
        );
        let (name, _, model) = pick(None, Some("claude-sonnet-4-5"), None, Value::Null).unwrap();
        assert_eq!(
            (name.as_str(), model.as_deref()),
            ("anthropic", Some("claude-sonnet-4-5"))
        );
        let error = pick(Some("nope"), None, None, Value::Null).unwrap_err();
        assert!(
            error.contains("unknown provider `nope`") && error.contains("ollama"),
            "{error}"
        );
    }

    #[test]
    fn settings_entries_add_providers_and_change_presets() {
        let providers = json!({
            "box": {"kind": "openai", "baseUrl": "http://10.0.0.2:8000/v1", "apiKeyEnv": "BOX_KEY",
                    "headers": {"x-team": "core"}, "images": true,
                    "models": {"my-model": {"contextWindow": 65536, "input": 0.5, "output": 1.5, "cacheRead": 0.05, "reasoning": true},
                               "eyes": {"images": false}},
                    "defaultContextWindow": 8192},
            "ollama": {"baseUrl": "http://gpu:11434/v1"},
            "broken": {"kind": "grpc"},
            "nourl": {"kind": "openai"},
        });
        let config = provider("box", &providers, &|_| None).unwrap();
        assert_eq!(config.kind, Kind::OpenAi);
        assert_eq!(config.key_env.as_deref(), Some("BOX_KEY"));
        assert_eq!(
            config.headers,
            vec![("x-team".to_string(), "core".to_string())]
        );
        assert_eq!(config.images, Images::Accepted);
        assert_eq!(
            config.models,
            vec![
                (
                    "eyes".to_string(),
                    ModelFacts {
                        images: Some(Images::Refused),
                        ..ModelFacts::default()
                    }
                ),
                (
                    "my-model".to_string(),
                    ModelFacts {
                        context_window: Some(65536),
                        prices: Some(Prices {
                            input: 0.5,
                            output: 1.5,
                            cache_read: 0.05,
                            cache_write: 0.5,
                        }),
                        images: None,
                        reasoning: Some(true),
                    }
                ),
            ]
        );
        assert_eq!(config.default_context_window, Some(8192));
        assert_eq!(
            provider("ollama", &providers, &|_| None).unwrap().base_url,
            "http://gpu:11434/v1"
        );
        let (name, _, model) = pick(None, Some("box/my-model"), None, providers.clone()).unwrap();
        assert_eq!((name.as_str(), model.as_deref()), ("box", Some("my-model")));
        assert!(
            provider("broken", &providers, &|_| None)
                .unwrap_err()
                .contains("grpc")
        );
        assert!(
            provider("nourl", &providers, &|_| None)
                .unwrap_err()
                .contains("baseUrl")
        );
        let all = names(&providers);
        let presets = presets::PRESETS.len();
        assert_eq!(&all[..presets], &presets::PRESETS.map(String::from));
        assert_eq!(
            &all[presets..],
            ["box", "broken", "nourl"],
            "ollama only once"
        );
    }
}
