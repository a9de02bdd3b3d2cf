//! The model catalog: ids, aliases, context windows, output limits, prices and thinking style,
//! from `assets/models.json` (embedded). Models it doesn't know (local servers) still work; they
//! just have no price.

use std::collections::HashMap;

use serde::Deserialize;

pub use crate::provider::ThinkingStyle;
use crate::provider::{Prices, Usage};

const BUILTIN: &str = include_str!("../../assets/models.json");

/// One model's facts. Prices are USD per million tokens.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    pub name: String,
    pub context_window: u64,
    pub max_output: u64,
    pub input: f64,
    pub cache_write_5m: f64,
    pub cache_write_1h: f64,
    pub cache_read: f64,
    pub output: f64,
    pub thinking: ThinkingStyle,
    /// A larger window behind a beta (Sonnet 4.5's 1M): the catalog lists the model again as
    /// `ID[1m]` with it.
    #[serde(default)]
    pub long_context: Option<LongContext>,
    /// Prices over a prompt size (the long-context rates), for the `[1m]` variant.
    #[serde(skip)]
    pub above: Option<(u64, Prices)>,
}

/// A model's long-context beta, as the catalog file gives it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct LongContext {
    pub context_window: u64,
    /// Requests with more input tokens than this pay `input` and `output` (and cache rates
    /// in the same ratio) for the whole request.
    pub above: u64,
    pub input: f64,
    pub output: f64,
}

/// The suffix naming a model's long-context variant (as Claude Code spells it).
pub const LONG_CONTEXT_SUFFIX: &str = "[1m]";

impl ModelInfo {
    /// The prices of the model's requests (cache writes at the 5-minute rate).
    pub fn prices(&self) -> Prices {
        Prices {
            input: self.input,
            output: self.output,
            cache_read: self.cache_read,
            cache_write: self.cache_write_5m,
        }
    }

    /// The cost in USD of one request's usage; a long prompt pays the long-context rates.
    pub fn cost(&self, usage: &Usage) -> f64 {
        let prompt =
            usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens;
        match self.above {
            Some((tokens, prices)) if prompt > tokens => prices.cost(usage),
            Some(_) | None => self.prices().cost(usage),
        }
    }

    /// The `[1m]` variant of a model with a long-context beta.
    fn long_variant(&self) -> Option<ModelInfo> {
        let long = self.long_context.as_ref()?;
        let ratio = long.input / self.input;
        Some(ModelInfo {
            id: format!("{}{LONG_CONTEXT_SUFFIX}", self.id),
            name: format!(
                "{}, beta: ${}/${} per M over {}K",
                self.name,
                long.input,
                long.output,
                long.above / 1_000
            ),
            context_window: long.context_window,
            long_context: None,
            above: Some((
                long.above,
                Prices {
                    input: long.input,
                    output: long.output,
                    cache_read: self.cache_read * ratio,
                    cache_write: self.cache_write_5m * ratio,
                },
            )),
            ..self.clone()
        })
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Catalog {
    default: String,
    aliases: HashMap<String, String>,
    models: Vec<ModelInfo>,
}

impl Catalog {
    /// The catalog shipped with claw.
    pub fn builtin() -> Self {
        // The embedded file is checked by a test; an empty catalog is the safe fallback.
        Self::parse(BUILTIN).unwrap_or_else(|_| Catalog {
            default: "claude-sonnet-4-6".into(),
            aliases: HashMap::new(),
            models: Vec::new(),
        })
    }

    /// A catalog file, its long-context variants listed after their models.
    fn parse(text: &str) -> Result<Self, serde_json::Error> {
        let mut catalog: Catalog = serde_json::from_str(text)?;
        let variants: Vec<(usize, ModelInfo)> = catalog
            .models
            .iter()
            .enumerate()
            .filter_map(|(i, m)| Some((i + 1, m.long_variant()?)))
            .collect();
        for (at, variant) in variants.into_iter().rev() {
            catalog.models.insert(at, variant);
        }
        Ok(catalog)
    }

    /// A model by id, alias, or dated id (`claude-sonnet-4-5-20250929`).
    pub fn resolve(&self, name: &str) -> Option<&ModelInfo> {
        let name = name.trim();
        let id = self.aliases.get(name).map(String::as_str).unwrap_or(name);
        self.models.iter().find(|m| m.id == id).or_else(|| {
            // Dated snapshots: the longest catalog id that prefixes the name.
            self.models
                .iter()
                .filter(|m| id.starts_with(&format!("{}-", m.id)))
                .max_by_key(|m| m.id.len())
        })
    }

    pub fn default_model(&self) -> &str {
        &self.default
    }

    pub fn models(&self) -> &[ModelInfo] {
        &self.models
    }

    pub fn aliases(&self) -> impl Iterator<Item = (&str, &str)> {
        self.aliases.iter().map(|(a, m)| (a.as_str(), m.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_parses_and_is_consistent() {
        let catalog = Catalog::parse(BUILTIN).expect("assets/models.json");
        assert!(catalog.models.len() >= 9);
        assert!(catalog.resolve(catalog.default_model()).is_some());
        for (alias, id) in catalog.aliases() {
            assert!(catalog.resolve(id).is_some(), "{alias} -> {id}");
        }
        for m in catalog.models() {
            assert!(m.context_window >= 200_000, "{}", m.id);
            assert!((m.cache_read - m.input * 0.1).abs() < 1e-9, "{}", m.id);
            assert!((m.cache_write_5m - m.input * 1.25).abs() < 1e-9, "{}", m.id);
        }
    }

    #[test]
    fn aliases_dated_ids_and_unknown_models() {
        let c = Catalog::builtin();
        assert_eq!(
            c.resolve("haiku").map(|m| m.id.as_str()),
            Some("claude-haiku-4-5")
        );
        assert_eq!(
            c.resolve("opus").map(|m| m.id.as_str()),
            Some("claude-opus-5")
        );
        assert_eq!(
            c.resolve("claude-sonnet-4-5-20250929")
                .map(|m| m.id.as_str()),
            Some("claude-sonnet-4-5")
        );
        assert!(c.resolve("llama3.1:8b").is_none());
        assert_eq!(
            c.resolve("claude-opus-4-7").map(|m| m.thinking),
            Some(ThinkingStyle::Adaptive)
        );
        for adaptive in ["claude-opus-4-6", "claude-sonnet-4-6", "sonnet", "opus"] {
            assert_eq!(
                c.resolve(adaptive).map(|m| m.thinking),
                Some(ThinkingStyle::Adaptive),
                "{adaptive}"
            );
        }
        for budget in ["claude-sonnet-4-5", "claude-opus-4-5", "haiku"] {
            assert_eq!(
                c.resolve(budget).map(|m| m.thinking),
                Some(ThinkingStyle::Budget),
                "{budget}"
            );
        }
    }

    #[test]
    fn cost_prices_every_kind_of_token() {
        let c = Catalog::builtin();
        let sonnet = c.resolve("claude-sonnet-4-6").unwrap();
        let usage = Usage {
            input_tokens: 1_000_000,
            output_tokens: 100_000,
            cache_creation_input_tokens: 200_000,
            cache_read_input_tokens: 1_000_000,
        };
        // 3 + 1.5 + 0.75 + 0.3
        assert!((sonnet.cost(&usage) - 5.55).abs() < 1e-9);
    }

    #[test]
    fn sonnet_4_5_has_a_1m_variant_priced_higher_over_200k() {
        let c = Catalog::builtin();
        let long = c
            .resolve("claude-sonnet-4-5[1m]")
            .expect("the [1m] variant");
        assert_eq!(long.context_window, 1_000_000);
        assert_eq!(
            c.resolve("claude-sonnet-4-5").unwrap().context_window,
            200_000
        );
        assert!(
            c.resolve("claude-sonnet-4-6[1m]").is_none(),
            "1M without a beta"
        );
        let small = Usage {
            input_tokens: 100_000,
            output_tokens: 1_000_000,
            ..Usage::default()
        };
        // 0.3 + 15: the standard rates below 200K.
        assert!((long.cost(&small) - 15.3).abs() < 1e-9);
        let big = Usage {
            input_tokens: 150_000,
            cache_read_input_tokens: 100_000,
            output_tokens: 1_000_000,
            ..Usage::default()
        };
        // 0.9 + 0.06 (cache reads at 0.6) + 22.5: the whole request at the long rates.
        assert!(
            (long.cost(&big) - 23.46).abs() < 1e-9,
            "{}",
            long.cost(&big)
        );
    }
}
