//! Command-line arguments.

mod run_flags;

use clap::{Parser, Subcommand};

pub use run_flags::{RunFlags, SettingSource, ToolChoice, split_list};

use crate::protocol::PermissionMode;

fn parse_mode(text: &str) -> Result<PermissionMode, String> {
    PermissionMode::parse(text)
        .ok_or_else(|| "use one of: default, acceptEdits, plan, bypassPermissions".to_string())
}

#[derive(Debug, Parser)]
#[command(
    name = "claw",
    version,
    about = "A fast, full-screen terminal coding agent",
    after_help = "Environment: ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN, ANTHROPIC_BASE_URL, CLAW_MODEL, CLAW_PROVIDER;\nOPENAI_API_KEY, OPENAI_BASE_URL, OLLAMA_HOST, OPENROUTER_API_KEY for the other providers.",
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Model id or alias (opus, sonnet, haiku), or PROVIDER/MODEL (ollama/qwen3:8b).
    #[arg(long, env = "CLAW_MODEL")]
    pub model: Option<String>,

    /// The provider: anthropic, openai, ollama, lmstudio, llamacpp, vllm, openrouter, demo (a
    /// scripted model, offline), or one under `providers` in the settings.
    #[arg(long, env = "CLAW_PROVIDER", value_name = "NAME")]
    pub provider: Option<String>,

    /// Headless: answer this prompt (without one: the prompt read from stdin), print the
    /// answer to stdout and exit. Tools that need approval are denied.
    #[arg(short = 'p', long = "print", value_name = "PROMPT", num_args = 0..=1, default_missing_value = "")]
    pub print: Option<String>,

    /// Permission mode: default, acceptEdits, plan, bypassPermissions (Shift+Tab cycles).
    #[arg(long, value_name = "MODE", value_parser = parse_mode)]
    pub permission_mode: Option<PermissionMode>,

    /// Run every tool without asking (deny rules still apply). Same as
    /// --permission-mode bypassPermissions.
    #[arg(long)]
    pub dangerously_skip_permissions: bool,

    /// Resume the latest session of this directory.
    #[arg(short = 'c', long = "continue")]
    pub continue_session: bool,

    /// Resume a session by id (without an id: list this directory's sessions).
    #[arg(long, value_name = "ID", num_args = 0..=1, default_missing_value = "")]
    pub resume: Option<String>,

    /// With --continue or --resume: continue in a copy, leaving the original as it was.
    #[arg(long)]
    pub fork_session: bool,

    /// MCP servers to load: a JSON file or a JSON string (`{"mcpServers": {...}}`); repeatable.
    #[arg(long, value_name = "FILE_OR_JSON", num_args = 1..)]
    pub mcp_config: Vec<String>,

    /// Use only the MCP servers of --mcp-config, none from .mcp.json or the settings.
    #[arg(long)]
    pub strict_mcp_config: bool,

    /// A first message to send when the session starts.
    #[arg(value_name = "PROMPT")]
    pub prompt: Option<String>,

    /// The run options the Agent SDKs pass (system prompt, tools, limits, session, settings).
    #[command(flatten)]
    pub run: RunFlags,
    /// Headless output: text (the answer), json (one result object) or stream-json (one JSON
    /// message per line, Claude Code's shapes).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output_format: Option<OutputFormat>,

    /// Headless input: text (the prompt) or stream-json (user messages and control requests
    /// as JSON lines on stdin, many turns; what the Agent SDKs speak).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,

    /// Headless: with json output, print every message (an array), not only the result.
    #[arg(long)]
    pub verbose: bool,

    /// Headless stream-json: also print the model's stream as `stream_event` lines.
    #[arg(long)]
    pub include_partial_messages: bool,

    /// Headless: who answers approvals; `stdio` asks the client (`can_use_tool` control
    /// requests). Without it, what needs approval is denied.
    #[arg(long, value_name = "TOOL")]
    pub permission_prompt_tool: Option<String>,
}

/// `--output-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    #[value(name = "stream-json")]
    StreamJson,
}

/// `--input-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Text,
    #[value(name = "stream-json")]
    StreamJson,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the settings in force and the file each value came from.
    Config,
    /// Configure MCP servers (in Claude Code's files and format).
    Mcp {
        #[command(subcommand)]
        action: McpAction,
    },
}

/// Where `claw mcp add` writes a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum McpScopeArg {
    /// This project, for you only (.claw/settings.local.json).
    Local,
    /// This project, shared through the repository (.mcp.json).
    Project,
    /// All your projects (your user settings).
    User,
}

#[derive(Debug, Subcommand)]
pub enum McpAction {
    /// Add a server: `claw mcp add NAME COMMAND [ARGS...]` or `--transport http NAME URL`.
    Add {
        name: String,
        command_or_url: String,
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
        /// stdio, http or sse.
        #[arg(short = 't', long, default_value = "stdio")]
        transport: String,
        /// An environment variable for a stdio server, KEY=value (repeatable).
        #[arg(short = 'e', long = "env")]
        env: Vec<String>,
        /// A header for an http or sse server, "Name: value" (repeatable).
        #[arg(short = 'H', long = "header")]
        header: Vec<String>,
        #[arg(short = 's', long, value_enum, default_value = "local")]
        scope: McpScopeArg,
    },
    /// Add a server from its JSON entry.
    AddJson {
        name: String,
        json: String,
        #[arg(short = 's', long, value_enum, default_value = "local")]
        scope: McpScopeArg,
    },
    /// List the configured servers.
    List,
    /// Show one server.
    Get { name: String },
    /// Remove a server.
    Remove {
        name: String,
        #[arg(short = 's', long, value_enum, default_value = "local")]
        scope: McpScopeArg,
    },
}
