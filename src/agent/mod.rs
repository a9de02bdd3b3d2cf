//! The agent: a background task that owns the conversation with the model. It receives `Op`s,
//! runs turns (request, stream, tool calls, approvals, results, again) and reports everything as
//! `AgentEvent`s. It knows the provider, the tools and the rules; never the UI.

mod agent_tools;
mod call_services;
mod commands;
pub mod compact;
mod compacting;
mod context_report;
mod conversation;
mod doctor;
pub mod history;
mod hook_events;
mod inbox;
pub mod local_servers;
pub mod lookup;
mod mcp_requests;
mod mcp_tools;
mod mcp_ui;
pub mod mentions;
mod model_switch;
mod notes;
mod pending;
mod permission_updates;
mod policy;
pub mod prompt;
mod provider_models;
pub mod resume;
pub mod run_options;
pub mod saved_bytes;
mod server_tools;
mod services;
mod session_commands;
pub mod session_log;
mod session_start;
mod subagent;
mod tool_calls;
mod turn;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::hooks::Hooks;
use crate::permissions::Permissions;
use crate::protocol::{AgentEvent, Op};
use crate::provider::catalog::Catalog;
use crate::provider::{Provider, Thinking};
use crate::tools::{Registry, ToolContext};

pub use run_options::RunOptions;

/// Defaults for models the catalog doesn't know (local servers).
const UNKNOWN_CONTEXT_WINDOW: u64 = 200_000;
const UNKNOWN_MAX_OUTPUT: u32 = 32_000;
/// claw asks for at most this many output tokens per request.
const MAX_TOKENS_CAP: u32 = 32_000;

/// Everything the agent needs to start.
pub struct AgentConfig {
    pub provider: Arc<dyn Provider>,
    /// How to reach the other providers, for a model chosen as `NAME/MODEL` mid-session
    /// (None: only `provider`).
    pub providers: Option<crate::provider::presets::ProviderFactory>,
    pub catalog: Catalog,
    /// Model id or alias.
    pub model: String,
    pub cwd: PathBuf,
    pub tools: Registry,
    /// The system prompt; None builds claw's own from the environment and memory files.
    pub system_prompt: Option<String>,
    /// How hard the model thinks at start (`effortLevel`, `alwaysThinkingEnabled`).
    pub effort: crate::protocol::Effort,
    /// The mode and rules deciding what runs without asking.
    pub permissions: Permissions,
    /// Where "always allow" rules are saved (None: not saved, e.g. in tests).
    pub local_settings: Option<PathBuf>,
    pub hooks: Hooks,
    /// The settings files and values in force, for `/config`.
    pub settings_summary: String,
    /// Where the session is saved.
    pub log: history::LogTarget,
    /// What a resumed session held (its conversation and recorded usage).
    pub resumed: resume::Resume,
    /// Compact automatically when the context in use passes this share of the window.
    pub compact_threshold: f64,
    /// The small, fast model for side jobs (WebFetch reads pages with it): id or alias.
    pub small_model: String,
    /// Facts about the installation (for /doctor, /mcp and saving a default model).
    pub setup: Setup,
}

/// Facts about the installation the agent reports or writes to.
#[derive(Clone, Debug, Default)]
pub struct Setup {
    /// The user's settings file, where "save as default" writes the model.
    pub user_settings: Option<PathBuf>,
    /// Every settings file claw reads, in order.
    pub settings_files: Vec<PathBuf>,
    /// Problems found while loading the settings.
    pub warnings: Vec<String>,
    /// The MCP servers the project declares.
    pub mcp_servers: Vec<crate::config::mcp::McpServerConfig>,
    /// The user's own slash commands.
    pub custom_commands: Vec<crate::config::custom_commands::CustomCommand>,
    /// The MCP servers of the session, connecting in the background (None: none declared).
    pub mcp: Option<crate::mcp::McpServers>,
    /// The `sandbox` settings for Bash commands (default: off).
    pub sandbox: crate::sandbox::SandboxSettings,
    /// Every provider the model picker asks for its models: the presets and the settings'
    /// `providers` entries (reached through `AgentConfig::providers`).
    pub provider_names: Vec<String>,
    /// The provider's name, as the session-started event reports it ("" for anthropic).
    pub provider_name: String,
    /// Where the API key came from: the variable's name, or "none" ("" when not told).
    pub api_key_source: String,
    /// Where local model servers would answer, for `Lookup::LocalServers` (the first-run screen).
    pub local_servers: Vec<local_servers::Candidate>,
    /// The memory files the session reads, for the session-started event (the first screen's
    /// header).
    pub memory_files: Vec<PathBuf>,
    /// The custom sub-agents the Task tool offers (files, `--agents`, an SDK's `initialize`).
    pub agents: Vec<crate::config::agents::AgentDefinition>,
    /// Which of the user's, project and local files the session reads (`--setting-sources`):
    /// its memory files among them.
    pub sources: crate::config::Sources,
    /// Where the settings files are (None: nowhere, e.g. in tests), for permission changes an
    /// Agent SDK client asks to keep.
    pub locations: Option<crate::config::settings::Locations>,
    /// The `--add-dir` directories whose memory files the session reads too.
    pub memory_dirs: Vec<PathBuf>,
}

/// The UI's end of the agent: send ops, receive events.
pub struct AgentHandle {
    pub ops: UnboundedSender<Op>,
    pub events: UnboundedReceiver<AgentEvent>,
    /// Ends once the agent has shut down (after `Op::Shutdown`: SessionEnd fired, log synced).
    pub finished: tokio::task::JoinHandle<()>,
}

/// The model in use and what it can do: the catalog's facts, or for a model it doesn't know,
/// what the provider's settings and server say (`model_switch::learn_model`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ActiveModel {
    pub id: String,
    pub context_window: u64,
    pub max_tokens: u32,
    /// None: unknown (its cost shows as unknown, never as a wrong number).
    pub prices: Option<crate::provider::Prices>,
    pub images: crate::provider::Images,
    /// How it is asked to think; None: it takes no thinking settings.
    pub reasoning: Option<crate::provider::ThinkingStyle>,
    /// Whether the provider was asked what the catalog doesn't know.
    pub learned: bool,
}

pub(crate) fn resolve_model(catalog: &Catalog, name: &str) -> ActiveModel {
    match catalog.resolve(name) {
        Some(info) => ActiveModel {
            id: info.id.clone(),
            context_window: info.context_window,
            max_tokens: (info.max_output as u32).min(MAX_TOKENS_CAP),
            prices: Some(info.prices()),
            // Every Claude model reads pictures.
            images: crate::provider::Images::Accepted,
            reasoning: Some(info.thinking),
            learned: true,
        },
        None => ActiveModel {
            id: name.to_string(),
            context_window: UNKNOWN_CONTEXT_WINDOW,
            max_tokens: UNKNOWN_MAX_OUTPUT.min(MAX_TOKENS_CAP),
            prices: None,
            images: crate::provider::Images::Refused,
            reasoning: None,
            learned: false,
        },
    }
}

/// Starts the agent task on the current tokio runtime.
pub fn spawn(config: AgentConfig) -> AgentHandle {
    spawn_with(config, RunOptions::default())
}

/// Starts the agent with the command line's run options (limits, fallback, a JSON answer).
pub fn spawn_with(mut config: AgentConfig, run: RunOptions) -> AgentHandle {
    if let Some(tool) = run.structured_output_tool() {
        match tool {
            Ok(tool) => config.tools = config.tools.with(Box::new(tool)),
            // The command line checked the schema: this is a caller's mistake, said at once.
            Err(message) => {
                config
                    .setup
                    .warnings
                    .push(format!("--json-schema: {message}"));
            }
        }
    }
    config.effort = run.starting_effort(config.effort);
    if !config.setup.agents.is_empty() {
        let choices = config
            .setup
            .agents
            .iter()
            .map(|a| crate::tools::task::AgentChoice {
                name: a.name.clone(),
                description: a.description.clone(),
            })
            .collect();
        config.tools = config
            .tools
            .replacing(Box::new(crate::tools::task::Task::with_agents(choices)));
    }
    let (op_tx, op_rx) = unbounded_channel();
    let (event_tx, event_rx) = unbounded_channel();
    let model = resolve_model(&config.catalog, &config.model);
    let setup = Arc::new(config.setup);
    let (restored, reading) = match config.resumed {
        resume::Resume::Whole(restored) => (*restored, None),
        resume::Resume::Reading(reading) => (resume::Restored::default(), Some(reading)),
    };
    let mut history = restored.history;
    history.set_log(config.log);
    let history_id = history.session_id();
    let provider = services::ProviderSlot::new(&setup.provider_name, config.provider);
    provider.set_model(&model.id);
    let gauge = lookup::ContextGauge::new(
        &model.id,
        model.context_window,
        config.compact_threshold < 1.0,
    );
    let lookups = lookup::Lookups {
        provider: provider.clone(),
        providers: config.providers.clone(),
        catalog: config.catalog.clone(),
        events: event_tx.clone(),
        sessions_dir: history.sessions_dir(),
        cwd: config.cwd.clone(),
        setup: setup.clone(),
        gauge: gauge.clone(),
    };
    let sandbox = crate::sandbox::SandboxPolicy::new(&config.cwd, &setup.sandbox);
    if let Some(message) = sandbox.shortfall() {
        let _ = event_tx.send(AgentEvent::Notice { message });
    }
    let ctx = ToolContext::new(config.cwd.clone()).with_sandbox(sandbox);
    if let Ok(mut denials) = ctx.read_denials.write() {
        *denials = config.permissions.read_denials();
    }
    let mut session = turn::Session {
        conversation: conversation::Conversation {
            build_system_prompt: config.system_prompt.is_none(),
            system: config.system_prompt.unwrap_or_default(),
            context: String::new(),
            plan_told: false,
            thinking: Thinking::OFF,
            model,
            history,
            effort: crate::protocol::Effort::Off,
            memory: None,
            environment: None,
            compact_due: false,
            totals: conversation::Totals::recorded(&config.catalog, &restored.usage),
            last_stop: None,
            structured: None,
        },
        services: services::Services {
            ctx,
            provider,
            providers: config.providers,
            catalog: config.catalog,
            tools: Arc::new(config.tools),
            setup,
            hooks: Arc::new(config.hooks),
            session_id: history_id
                .or_else(|| run.session_id.clone())
                .unwrap_or_else(crate::agent::session_log::new_id),
            next_hook: 0,
            settings_summary: config.settings_summary,
            small_model: config.small_model,
            next_approval: Arc::new(std::sync::atomic::AtomicU64::new(1)),
            events: event_tx,
            gauge,
        },
        policy: policy::Policy {
            permissions: config.permissions,
            local_settings: config.local_settings,
            compact_threshold: config.compact_threshold,
            withheld: &[],
            run,
            session_rules: Vec::new(),
        },
    };
    let inbox = inbox::Inbox {
        ops: op_rx,
        queued: VecDeque::new(),
        pending: pending::Pending::default(),
        lookups,
        exit_reason: crate::protocol::ExitReason::Other,
        mcp: mcp_ui::Steering {
            mcp: session.services.setup.mcp.clone(),
            local_settings: session.policy.local_settings.clone(),
            events: Some(session.services.events.clone()),
        },
    };
    if config.effort != crate::protocol::Effort::Off {
        session.set_effort(config.effort);
    }
    if let Some(mcp) = &session.services.setup.mcp {
        mcp_tools::watch_servers(mcp.clone(), session.services.events.clone());
    }
    let finished = tokio::spawn(session.run(inbox, reading));
    AgentHandle {
        ops: op_tx,
        events: event_rx,
        finished,
    }
}

#[cfg(test)]
mod tests;
