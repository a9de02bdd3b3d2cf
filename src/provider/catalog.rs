//! (stub until the provider branch lands)
use crate::provider::Usage;
pub struct Catalog;
pub struct ModelInfo {
    pub id: String,
    pub context_window: u64,
    pub max_output: u64,
}
impl ModelInfo {
    pub fn cost(&self, _u: &Usage) -> f64 {
        0.0
    }
}
impl Catalog {
    pub fn builtin() -> Self {
        Catalog
    }
    pub fn resolve(&self, _n: &str) -> Option<&ModelInfo> {
        None
    }
    pub fn default_model(&self) -> &str {
        "claude-sonnet-4-6"
    }
}
