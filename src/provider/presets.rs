//! Which providers claw knows without configuration, and how one named in the settings becomes a
//! client: `anthropic`, `openai`, `ollama`, `lmstudio`, `llamacpp`, `vllm` and `openrouter`, each
//! with its environment variables and default address, and the built-in scripted `demo`. A
//! `providers` entry in the settings may add a provider or change a preset's address, key
//! variable and headers.

use std::sync::Arc;

use crate::provider::anthropic::{self, Anthropic, Auth};
use crate::provider::openai::{self, Images, OpenAi};
use crate::provider::timeouts::Timeouts;
use crate::provider::{ModelFacts, Provider};

/// The client for a provider named in `NAME/MODEL`: None when NAME is no provider (the whole
/// text is then a model id), an error when it is one but can't be used.
pub type ProviderFactory =
    Arc<dyn Fn(&str) -> Option<Result<Arc<dyn Provider>, String>> + Send + Sync>;

/// The wire a provider speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Anthropic,
    OpenAi,
    /// The built-in scripted demo (no network).
    Demo,
}

impl Kind {
    pub fn parse(text: &str) -> Option<Kind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "anthropic" => Some(Kind::Anthropic),
            "openai" | "openai-compatible" => Some(Kind::OpenAi),
            _ => None,
        }
    }
}

/// A provider as configured: a preset, or a `providers` entry of the settings over one.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderConfig {
    pub name: String,
    pub kind: Kind,
    /// Empty: the kind's own default (Anthropic's public API, or ANTHROPIC_BASE_URL).
    pub base_url: String,
    /// The variable holding the key (none for local servers).
    pub key_env: Option<String>,
    /// Whether the server refuses requests without a key (the public APIs).
    pub key_required: bool,
    pub headers: Vec<(String, String)>,
    pub images: Images,
    /// What the settings say of its models (window, prices, pictures, reasoning), by id; and
    /// the window of models nobody knows.
    pub models: Vec<(String, ModelFacts)>,
    pub default_context_window: Option<u64>,
}

/// The names of the presets, in the order `--help` and `/doctor` list them.
pub const PRESETS: [&str; 8] = [
    "anthropic",
    "openai",
    "ollama",
    "lmstudio",
    "llamacpp",
    "vllm",
    "openrouter",
    "demo",
];

/// A preset by name, its address read from the environment where it has a variable for it.
pub fn preset(name: &str, var: &dyn Fn(&str) -> Option<String>) -> Option<ProviderConfig> {
    let openai_like = |base_url: String, key_env: Option<&str>, key_required, images| {
        Some(ProviderConfig {
            name: name.to_string(),
            kind: Kind::OpenAi,
            base_url,
            key_env: key_env.map(str::to_string),
            key_required,
            headers: Vec::new(),
            images,
            models: Vec::new(),
            default_context_window: None,
        })
    };
    let local = |url: &str| openai_like(url.to_string(), None, false, Images::Refused);
    match name {
        "anthropic" => Some(ProviderConfig {
            name: name.into(),
            kind: Kind::Anthropic,
            base_url: String::new(),
            key_env: None,
            key_required: true,
            headers: Vec::new(),
            images: Images::Accepted,
            models: Vec::new(),
            default_context_window: None,
        }),
        "openai" => openai_like(
            var("OPENAI_BASE_URL").unwrap_or_else(|| openai::DEFAULT_BASE_URL.to_string()),
            Some("OPENAI_API_KEY"),
            var("OPENAI_BASE_URL").is_none(),
            Images::Accepted,
        ),
        "ollama" => {
            // OLLAMA_HOST may be "host:port" without a scheme, as Ollama itself accepts it.
            let host = var("OLLAMA_HOST").unwrap_or_else(|| "http://localhost:11434".into());
            let host = if host.contains("://") {
                host
            } else {
                format!("http://{host}")
            };
            local(&format!("{}/v1", host.trim_end_matches('/')))
        }
        "lmstudio" => local("http://localhost:1234/v1"),
        "llamacpp" => local("http://localhost:8080/v1"),
        "vllm" => local("http://localhost:8000/v1"),
        "openrouter" => openai_like(
            "https://openrouter.ai/api/v1".into(),
            Some("OPENROUTER_API_KEY"),
            true,
            Images::Accepted,
        ),
        "demo" => Some(ProviderConfig {
            name: name.into(),
            kind: Kind::Demo,
            base_url: String::new(),
            key_env: None,
            key_required: false,
            headers: Vec::new(),
            images: Images::Refused,
            models: Vec::new(),
            default_context_window: None,
        }),
        _ => None,
    }
}

/// `NAME/MODEL` when NAME is a provider claw knows (`known`), else the whole text as a model.
/// OpenRouter's ids hold a slash of their own: `openrouter/openai/gpt-4o` splits at the first.
pub fn split_model<'a>(text: &'a str, known: &dyn Fn(&str) -> bool) -> (Option<&'a str>, &'a str) {
    match text.split_once('/') {
        Some((name, model)) if known(name) && !model.is_empty() => (Some(name), model),
        _ => (None, text),
    }
}

/// The client for `config`, with the environment's keys and timeouts. Anthropic without an
/// address of its own reads ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN as
/// before. Returns the client and what was wrong with the variables.
pub fn build(
    config: &ProviderConfig,
    var: &dyn Fn(&str) -> Option<String>,
    user_id: Option<String>,
) -> (Arc<dyn Provider>, Vec<String>) {
    let (timeouts, warnings) = Timeouts::from_vars(var);
    let key = config.key_env.as_deref().and_then(var);
    match config.kind {
        Kind::Anthropic if config.base_url.is_empty() && config.key_env.is_none() => {
            let (client, warnings) = Anthropic::from_env_with_warnings();
            (Arc::new(client.with_user_id(user_id)), warnings)
        }
        Kind::Anthropic => {
            let base = if config.base_url.is_empty() {
                anthropic::DEFAULT_BASE_URL
            } else {
                &config.base_url
            };
            let auth = key.map_or(Auth::None, Auth::ApiKey);
            let options = anthropic::Options {
                timeouts,
                models: config.models.clone(),
                ..anthropic::Options::default()
            };
            let client = Anthropic::new(base, auth, options).with_user_id(user_id);
            (Arc::new(client), warnings)
        }
        Kind::OpenAi => {
            let settings = openai::Settings {
                base_url: config.base_url.clone(),
                key,
                key_variable: config.key_env.clone().unwrap_or_default(),
                key_required: config.key_required,
                headers: config.headers.clone(),
                images: config.images,
                models: config.models.clone(),
                default_context_window: config.default_context_window,
                retry: Default::default(),
                timeouts,
            };
            (Arc::new(OpenAi::new(settings)), warnings)
        }
        Kind::Demo => (Arc::new(crate::provider::demo::Demo::new()), warnings),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_read_their_variables_and_default_addresses() {
        let none = |_: &str| None;
        let ollama = preset("ollama", &none).unwrap();
        assert_eq!(ollama.base_url, "http://localhost:11434/v1");
        assert_eq!(ollama.key_env, None);
        let host = |n: &str| (n == "OLLAMA_HOST").then(|| "10.0.0.5:11434".to_string());
        assert_eq!(
            preset("ollama", &host).unwrap().base_url,
            "http://10.0.0.5:11434/v1"
        );
        let openai = preset("openai", &none).unwrap();
        assert_eq!(openai.base_url, "https://api.openai.com/v1");
        assert!(openai.key_required);
        let local = |n: &str| (n == "OPENAI_BASE_URL").then(|| "http://127.0.0.1:9/v1".to_string());
        let openai = preset("openai", &local).unwrap();
        assert_eq!(openai.base_url, "http://127.0.0.1:9/v1");
        assert!(
            !openai.key_required,
            "a server of the user's may need no key"
        );
        assert_eq!(
            preset("llamacpp", &none).unwrap().base_url,
            "http://localhost:8080/v1"
        );
        assert_eq!(
            preset("lmstudio", &none).unwrap().base_url,
            "http://localhost:1234/v1"
        );
        assert_eq!(
            preset("vllm", &none).unwrap().base_url,
            "http://localhost:8000/v1"
        );
        assert_eq!(
            preset("openrouter", &none).unwrap().key_env.as_deref(),
            Some("OPENROUTER_API_KEY")
        );
        assert!(preset("nope", &none).is_none());
        assert!(PRESETS.iter().all(|p| preset(p, &none).is_some()));
    }

    #[test]
    fn a_model_is_prefixed_by_a_known_provider_or_is_whole() {
        let known = |n: &str| PRESETS.contains(&n);
        assert_eq!(
            split_model("ollama/qwen3:8b", &known),
            (Some("ollama"), "qwen3:8b")
        );
        assert_eq!(
            split_model("openrouter/openai/gpt-4o", &known),
            (Some("openrouter"), "openai/gpt-4o")
        );
        assert_eq!(
            split_model("openai/gpt-4o", &|_| false),
            (None, "openai/gpt-4o")
        );
        assert_eq!(split_model("sonnet", &known), (None, "sonnet"));
        assert_eq!(split_model("ollama/", &known), (None, "ollama/"));
    }
}
