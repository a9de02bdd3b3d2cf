//! The model catalog: ids, aliases, context windows, output limits, prices and thinking style,
//! from `assets/models.json` (embedded). Models it doesn't know (local servers) still work; they
//! just have no price.

use std::collections::HashMap;

use serde::Deserialize;

pub use crate::provider::ThinkingStyle;
use crate::provider::Usage;

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
}

impl ModelInfo {
    /// The cost in USD of one request's usage (cache writes at the 5-minute rate).
    pub fn cost(&self, usage: &Usage) -> f64 {
        let per = |tokens: u64, price: f64| tokens as f64 * price / 1_000_000.0;
        per(usage.input_tokens, self.input)
            + per(usage.cache_creation_input_tokens, self.cache_write_5m)
            + per(usage.cache_read_input_tokens, self.cache_read)
            + per(usage.output_tokens, self.output)
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
        serde_json::from_str(BUILTIN).unwrap_or_else(|_| Catalog {
            default: "claude-sonnet-4-6".into(),
            aliases: HashMap::new(),
            models: Vec::new(),
        })
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
        let catalog: Catalog = serde_json::from_str(BUILTIN).expect("assets/models.json");
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
}
