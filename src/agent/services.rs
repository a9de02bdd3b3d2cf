//! What a session works with: the provider and the model catalog, the tools and their context,
//! the hooks, the installation's facts, and the channel to the UI. Shared (mostly through `Arc`)
//! with the sub-agents a session starts.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use tokio::sync::mpsc::UnboundedSender;

use crate::agent::Setup;
use crate::hooks::Hooks;
use crate::protocol::AgentEvent;
use crate::provider::Provider;
use crate::provider::catalog::Catalog;
use crate::tools::{Registry, ToolContext};

/// The provider in use, shared by the session, its sub-agents and its lookups (`/doctor`, the
/// model list): a model chosen with another provider's prefix swaps it for all of them.
#[derive(Clone)]
pub struct ProviderSlot(Arc<std::sync::RwLock<Arc<dyn Provider>>>);

impl ProviderSlot {
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        ProviderSlot(Arc::new(std::sync::RwLock::new(provider)))
    }

    pub fn current(&self) -> Arc<dyn Provider> {
        // A poisoned lock still holds a whole Arc: the last provider set.
        match self.0.read() {
            Ok(provider) => Arc::clone(&provider),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn replace(&self, provider: Arc<dyn Provider>) {
        match self.0.write() {
            Ok(mut slot) => *slot = provider,
            Err(poisoned) => *poisoned.into_inner() = provider,
        }
    }
}

pub use crate::provider::presets::ProviderFactory;

pub(crate) struct Services {
    pub ctx: ToolContext,
    pub provider: ProviderSlot,
    pub providers: Option<ProviderFactory>,
    pub catalog: Catalog,
    pub tools: Arc<Registry>,
    pub setup: Arc<Setup>,
    pub hooks: Arc<Hooks>,
    pub session_id: String,
    pub next_hook: u64,
    /// The settings files and values in force, for `/config`.
    pub settings_summary: String,
    /// The small, fast model for side jobs (WebFetch): id or alias.
    pub small_model: String,
    /// Approval ids, shared with sub-agents so they never collide.
    pub next_approval: Arc<AtomicU64>,
    pub events: UnboundedSender<AgentEvent>,
}
