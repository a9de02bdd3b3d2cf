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

pub(crate) struct Services {
    pub ctx: ToolContext,
    pub provider: Arc<dyn Provider>,
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
