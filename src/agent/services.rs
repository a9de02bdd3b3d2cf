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

/// The provider in use, its name and the model asked of it, shared by the session, its
/// sub-agents and its lookups (`/doctor`, the model list): a model chosen with another
/// provider's prefix swaps it for all of them.
#[derive(Clone)]
pub struct ProviderSlot(Arc<std::sync::RwLock<InUse>>);

#[derive(Clone)]
struct InUse {
    /// "" when unnamed (tests).
    name: String,
    provider: Arc<dyn Provider>,
    model: String,
}

impl ProviderSlot {
    pub fn new(name: &str, provider: Arc<dyn Provider>) -> Self {
        ProviderSlot(Arc::new(std::sync::RwLock::new(InUse {
            name: name.to_string(),
            provider,
            model: String::new(),
        })))
    }

    fn get(&self) -> InUse {
        // A poisoned lock still holds a whole value: the last one set.
        match self.0.read() {
            Ok(slot) => slot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn change(&self, change: impl FnOnce(&mut InUse)) {
        match self.0.write() {
            Ok(mut slot) => change(&mut slot),
            Err(poisoned) => change(&mut poisoned.into_inner()),
        }
    }

    pub fn current(&self) -> Arc<dyn Provider> {
        self.get().provider
    }

    pub fn name(&self) -> String {
        self.get().name
    }

    pub fn model(&self) -> String {
        self.get().model
    }

    pub fn replace(&self, name: &str, provider: Arc<dyn Provider>) {
        self.change(|slot| {
            slot.name = name.to_string();
            slot.provider = provider;
        });
    }

    pub fn set_model(&self, model: &str) {
        self.change(|slot| slot.model = model.to_string());
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
    /// What the context holds, for `Lookup::ContextUsage` (a sub-agent has its own).
    pub gauge: crate::agent::lookup::ContextGauge,
}
