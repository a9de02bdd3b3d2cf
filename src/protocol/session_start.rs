//! What the agent tells a front end when a session starts, and each complete answer of the
//! model: the facts both front ends (the full screen and headless) build their view from.

use serde::{Deserialize, Serialize};

use super::conversation::{Message, StopReason};
use super::usage::Usage;
use super::{AgentEvent, Effort, ModelChoice, PermissionMode};

/// The session as it starts (also after `--continue`/`--resume`: then `transcript` redraws it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionStart {
    /// The session's id: its log file's name, and what hooks get as `session_id`.
    pub session_id: String,
    /// The working directory, in full.
    pub cwd: String,
    /// The provider's name (`anthropic`, `ollama`, a name from the `providers` setting).
    pub provider: String,
    pub model: String,
    pub context_window: u64,
    pub permission_mode: PermissionMode,
    pub effort: Effort,
    /// The tools the model is offered, by name (MCP tools join as their servers connect).
    pub tools: Vec<String>,
    /// The MCP servers of the session and their state when it started.
    pub mcp_servers: Vec<McpServerState>,
    /// The user's own slash commands.
    pub commands: Vec<CommandInfo>,
    /// The models of the catalog, for the picker.
    pub models: Vec<ModelChoice>,
    /// Where the API key came from: an environment variable's name, or "none".
    pub api_key_source: String,
    /// A resumed session's conversation, as the events that draw it.
    pub transcript: Vec<AgentEvent>,
    /// The memory files read into the session (`CLAUDE.md`…), full paths in reading order.
    #[serde(default)]
    pub memory_files: Vec<String>,
    /// The sub-agents the Task tool offers: `general-purpose`, then the custom ones by name.
    #[serde(default)]
    pub agents: Vec<String>,
}

/// One MCP server and how it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpServerState {
    pub name: String,
    /// `pending`, `connected`, `failed`, `needs-approval`, `disabled`.
    pub status: String,
}

/// A slash command the user can run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandInfo {
    /// Without the `/`.
    pub name: String,
    pub description: String,
    /// What its arguments look like (`[file]`), or "".
    pub argument_hint: String,
}

/// One complete answer of the model (one request), as kept in the history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssistantReply {
    /// Unique in the session (`msg_…`).
    pub id: String,
    /// The model that answered.
    pub model: String,
    pub message: Message,
    pub stop_reason: StopReason,
    pub usage: Usage,
    /// This request's cost in USD, when the model has a price.
    pub cost: Option<f64>,
}
