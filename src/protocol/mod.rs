//! The wire between the UI and the agent: the UI sends `Op`s, the agent answers with
//! `AgentEvent`s. Plain serde types, so the headless mode can print events as JSON lines.
//! Control events (approvals, tool results, errors, turn ends) are never dropped; text deltas
//! may be coalesced by the receiver.

pub mod changes;
pub mod conversation;
pub mod diff;
pub mod elicitation;
pub mod local_server;
pub mod lookup;
pub mod mcp;
pub mod permission_update;
pub mod session_start;
pub mod settings_problem;
pub mod slash_command;
pub mod usage;

use serde::{Deserialize, Serialize};

use diff::FileDiff;
pub use lookup::{Lookup, LookupAnswer, LookupId};
pub use usage::Pricing;
use usage::Usage;

/// Identifies one approval round trip.
pub type ApprovalId = u64;

/// What the UI asks of the agent. On the wire: `{"type": "user_turn", "data": {"text": …}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Op {
    /// The user sent a message.
    UserTurn { text: String },
    /// Stop the stream and any running tool (Esc). Pending approvals resolve as denied.
    Interrupt,
    /// The user's answer to `AgentEvent::ApprovalNeeded`.
    Decide { id: ApprovalId, decision: Decision },
    /// Use this model (id or alias) from the next user turn on (never inside a tool loop).
    SetModel { model: String },
    /// Switch the permission mode (Shift+Tab).
    SetPermissionMode(PermissionMode),
    /// A built-in slash command the agent answers (`/config`, `/permissions`, `/init`…).
    Command {
        command: slash_command::SlashCommand,
        args: String,
    },
    /// One of the user's own commands (`.claude/commands/NAME.md`), by name without the `/`.
    CustomCommand { name: String, args: String },
    /// Forget the conversation (`/clear`).
    Clear,
    /// `!command`: run it in the shell now (the user typed it: no approval) and add its output
    /// to the conversation.
    Shell { command: String },
    /// Think this hard from the next user turn on (the model picker; never inside a tool loop).
    SetEffort(Effort),
    /// Save a choice for new sessions in the user's settings file: the model (`"model"`) or
    /// the theme (`"theme"`).
    SaveSetting { key: String, value: String },
    /// Something the UI wants to show; answered at once, even while a turn runs, by
    /// `AgentEvent::LookedUp` with the same `id`.
    Lookup { id: LookupId, lookup: Lookup },
    /// End the agent task (SessionEnd hooks are told why).
    Shutdown(ExitReason),
    /// Approve, deny, reconnect, enable or disable MCP servers, by name.
    Mcp {
        action: mcp::McpAction,
        servers: Vec<String>,
    },
    /// Run an MCP server's prompt (`/mcp__server__prompt args`): its messages become the
    /// user's turn. `command` is the slash name without `/`.
    McpPrompt { command: String, args: String },
    /// The user's answer to `AgentEvent::ElicitationNeeded`.
    Elicit {
        id: ApprovalId,
        answer: elicitation::ElicitationAnswer,
    },
    /// Sign in to an MCP server that needs authentication (OAuth in the browser): `/mcp auth
    /// NAME`, or the /mcp overlay's key.
    McpAuthenticate { server: String },
}

/// Why a session ends, as SessionEnd hooks get it in `reason` (Claude Code's values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    /// The user quit from the prompt: `/exit`, Ctrl+D, Ctrl+C twice.
    PromptInputExit,
    /// Anything else: a signal, the end of a headless run, the front end going away.
    Other,
}

impl ExitReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ExitReason::PromptInputExit => "prompt_input_exit",
            ExitReason::Other => "other",
        }
    }
}

/// How hard the model thinks before answering (extended thinking).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    #[default]
    Off,
    Low,
    Medium,
    High,
}

impl Effort {
    pub const ALL: [Effort; 4] = [Effort::Off, Effort::Low, Effort::Medium, Effort::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Effort::Off => "off",
            Effort::Low => "low",
            Effort::Medium => "medium",
            Effort::High => "high",
        }
    }

    pub fn parse(text: &str) -> Option<Effort> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The next level up (wrapping), or down.
    pub fn step(self, up: bool) -> Effort {
        let i = Self::ALL.iter().position(|e| *e == self).unwrap_or(0);
        let n = Self::ALL.len();
        Self::ALL[if up { (i + 1) % n } else { (i + n - 1) % n }]
    }
}

/// A model the user can switch to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelChoice {
    pub id: String,
    /// What the catalog or the server calls it ("Claude Opus 5").
    pub name: String,
    /// Known for catalog models: the context window and prices per million tokens in/out.
    pub context_window: Option<u64>,
    pub prices: Option<(f64, f64)>,
    /// Whether the model can think (extended thinking); unknown server models are assumed to.
    pub thinks: bool,
    /// The provider that lists it ("" for the session's own, unnamed); the picker shows such
    /// models as `NAME/MODEL` and choosing one switches to that provider.
    #[serde(default)]
    pub provider: String,
}

/// A saved session of this project, for the resume picker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionChoice {
    pub id: String,
    pub first_prompt: String,
    /// Seconds since it last changed.
    pub age_secs: u64,
    pub messages: usize,
    pub cost: f64,
}

/// A prompt of the conversation that `/rewind` can go back to before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewindPoint {
    /// Its number (1-based), as `/rewind N` takes it.
    pub turn: usize,
    pub prompt: String,
    /// Seconds since it was sent, when known (sessions saved before times were kept: None).
    pub age_secs: Option<u64>,
}

/// The user's answer to an approval prompt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// `y`: run it this once.
    AllowOnce,
    /// `a`: run it, and don't ask again this session (for Bash: this command's prefix).
    AllowForSession,
    /// `A`: run it, and save the rule to the local settings file so it is never asked again.
    AllowAlways,
    /// `n`: don't run it; the model is told and goes on.
    Deny,
    /// Don't run it, and tell the model why.
    DenyWithNote(String),
    /// Esc: don't run it and stop the turn.
    DenyAndStop,
    /// The user's answers to AskUserQuestion, one per question.
    Answered(Vec<String>),
    /// Run it with this input instead (None: as asked), and change the permissions so
    /// (rules, the mode, directories; for the session or in a settings file): an Agent SDK's
    /// `can_use_tool` answer with its `updatedPermissions`.
    AllowWith {
        input: Option<serde_json::Value>,
        updates: Vec<permission_update::PermissionUpdate>,
    },
    /// Don't run it; the model gets `message` as the tool's result, and `stop` ends the turn.
    DenyWith { message: String, stop: bool },
}

/// How much claw may do without asking (Claude Code's modes, same names in settings).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PermissionMode {
    /// Read-only tools run; everything else asks unless a rule allows it.
    #[default]
    Default,
    /// File edits inside the working directories run without asking.
    AcceptEdits,
    /// Only read-only tools run: the model plans, nothing changes.
    Plan,
    /// Nothing asks (deny rules still apply).
    BypassPermissions,
}

impl PermissionMode {
    pub const ALL: [PermissionMode; 4] = [
        PermissionMode::Default,
        PermissionMode::AcceptEdits,
        PermissionMode::Plan,
        PermissionMode::BypassPermissions,
    ];

    /// The name used in settings files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionMode::Default => "default",
            PermissionMode::AcceptEdits => "acceptEdits",
            PermissionMode::Plan => "plan",
            PermissionMode::BypassPermissions => "bypassPermissions",
        }
    }

    pub fn parse(text: &str) -> Option<PermissionMode> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The mode Shift+Tab switches to: default, acceptEdits, plan, then back. Bypass is left
    /// out of the cycle (it is chosen on purpose, with --permission-mode); from it, default.
    pub fn next(self) -> PermissionMode {
        match self {
            PermissionMode::Default => PermissionMode::AcceptEdits,
            PermissionMode::AcceptEdits => PermissionMode::Plan,
            PermissionMode::Plan | PermissionMode::BypassPermissions => PermissionMode::Default,
        }
    }
}

/// What the user is shown before a risky tool runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalPreview {
    /// Nothing to preview (read-only tools).
    None,
    Command {
        command: String,
        description: Option<String>,
    },
    FileChange(FileDiff),
    /// A plan to approve (ExitPlanMode), in markdown.
    Plan(String),
    /// Questions for the user to answer by choosing (AskUserQuestion).
    Questions(Vec<Question>),
}

/// One question of AskUserQuestion.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub question: String,
    /// A short label for the question ("Database"); may be empty.
    #[serde(default)]
    pub header: String,
    /// The options' labels: what is shown and what is answered.
    pub options: Vec<String>,
    /// What each option means, by index (empty, or one per option; "" for none).
    #[serde(default)]
    pub descriptions: Vec<String>,
    /// The user may pick several options (the answer lists them, comma-separated).
    #[serde(default)]
    pub multi_select: bool,
}

/// One approval prompt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    pub id: ApprovalId,
    pub call_id: String,
    pub tool: String,
    /// The key argument, as in the activity pane.
    pub summary: String,
    pub preview: ApprovalPreview,
    /// What "allow for this session" will cover, e.g. "Bash(cargo test:*)" or "Edit".
    pub session_rule: String,
    /// The tool's input as the model sent it (after PreToolUse hooks).
    #[serde(default)]
    pub input: serde_json::Value,
    /// The rules of `session_rule`, one by one.
    #[serde(default)]
    pub rules: Vec<String>,
}

/// Why a turn ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnStop {
    /// The model finished its answer.
    Done,
    /// The answer hit the output token limit.
    MaxTokens,
    /// The model declined to answer.
    Refusal,
    /// The user pressed Esc (or denied with "stop").
    Interrupted,
    /// An error ended the turn (an `Error` event came first).
    Failed,
    /// The turn made as many model requests as `--max-turns` allows.
    MaxTurns,
    /// The session's cost reached `--max-budget-usd`.
    MaxBudget,
}

/// Everything the agent reports. On the wire: `{"type": "text_delta", "data": "…"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum AgentEvent {
    /// Sent once, first: everything a front end shows before the first turn.
    SessionStarted(Box<session_start::SessionStart>),
    /// A session resumed from its last turns: the whole conversation, once its file is read,
    /// and what to say of it. It replaces the turns `SessionStarted` showed.
    TranscriptRestored {
        transcript: Vec<AgentEvent>,
        notices: Vec<String>,
    },
    /// The model's complete answer of one request (after its deltas and `MessageDone`).
    AssistantMessage(Box<session_start::AssistantReply>),
    /// Sent after each model change (and when a local model's window becomes known).
    SessionInfo {
        model: String,
        cwd: String,
        context_window: u64,
        /// The provider the model is reached through ("anthropic", "ollama"…; "" unnamed).
        #[serde(default)]
        provider: String,
    },
    /// A turn began; `prompt` is the text it answers (as sent in `Op::UserTurn`, before any
    /// hook or expansion), so a prompt queued behind a running turn can be shown when its turn
    /// comes.
    TurnStarted {
        prompt: String,
    },
    /// A user message of a resumed session, redrawn.
    UserText {
        text: String,
    },
    /// A request to the model started (each turn may make several).
    RequestStarted,
    TextDelta(String),
    ThinkingDelta(String),
    /// The current assistant message is complete (its text and thinking cells can freeze).
    MessageDone,
    /// The model called a tool; `summary` is its key argument.
    ToolStarted {
        call_id: String,
        tool: String,
        summary: String,
    },
    ApprovalNeeded(ApprovalRequest),
    /// A live chunk of a running tool's output.
    ToolProgress {
        call_id: String,
        chunk: String,
    },
    ToolFinished {
        call_id: String,
        outcome: ToolOutcome,
        /// Full output as returned to the model.
        output: String,
        /// One-line summary (e.g. "exit 0", "42 lines").
        summary: String,
        duration_ms: u64,
    },
    Usage {
        /// This request's usage.
        usage: Usage,
        /// Cost of the whole session so far in USD (of the requests with a known price).
        session_cost: f64,
        /// Whether every request so far had a known price (local models have none).
        #[serde(default)]
        pricing: Pricing,
        /// Session totals.
        total_in: u64,
        total_out: u64,
    },
    /// A model request failed and is tried again after `delay_ms`: retry number `attempt`
    /// (from 1) of at most `max_retries`.
    Retrying {
        attempt: u32,
        delay_ms: u64,
        reason: String,
        /// The failed response's HTTP status; none when no response came (a refused
        /// connection, a timeout) or the failure was an error event inside the stream.
        #[serde(default)]
        status: Option<u16>,
        /// How many retries the request may have in all.
        #[serde(default)]
        max_retries: u32,
        /// The API's error type when the stream said it (`overloaded_error`).
        #[serde(default)]
        error_type: Option<String>,
    },
    /// The agent changed the permission mode (a plan was approved).
    PermissionModeChanged(PermissionMode),
    /// The model's task list changed.
    Todos {
        items: Vec<TodoItem>,
    },
    /// Forget the transcript on screen; the events that follow redraw it (after /rewind).
    TranscriptReset,
    /// The conversation was compacted: `summarized` messages became a summary, `kept` stay.
    Compacted {
        summarized: usize,
        kept: usize,
    },
    /// Open this file in the user's editor (`/memory edit`).
    EditFile {
        path: String,
    },
    /// The prompts `/rewind` can go back to, oldest first (`/rewind` without a number).
    RewindPoints(Vec<RewindPoint>),
    /// The thinking effort in force changed.
    EffortChanged(Effort),
    /// The answer to a slash command: a titled block of text.
    Info {
        title: String,
        body: String,
    },
    TurnEnded {
        stop: TurnStop,
    },
    /// The final answer as the JSON the session's schema asked for (`--json-schema`),
    /// validated against it; sent before `TurnEnded`.
    StructuredOutput(serde_json::Value),
    Error {
        message: String,
    },
    Notice {
        message: String,
    },
    /// Every MCP server of the session, sent at start and whenever one changes.
    McpServers(Vec<mcp::McpServerInfo>),
    /// An MCP server asks the user to fill in a form; answered with `Op::Elicit`.
    ElicitationNeeded(elicitation::ElicitationRequest),
    /// The answer to `Op::Lookup { id, .. }` (a models lookup is answered once per provider).
    LookedUp {
        id: LookupId,
        answer: LookupAnswer,
    },
    /// One of the model's stream events as the provider received it, in the Messages API's
    /// shape (`message_start`, `content_block_delta`…); sent only when the session was asked
    /// to (headless `--include-partial-messages`).
    StreamEvent(serde_json::Value),
    /// The server says the user finished URL elicitation `id` in the browser
    /// (`notifications/elicitation/complete`): its dialog closes, answered.
    ElicitationCompleted {
        id: u64,
    },
}

/// One task of the model's list (TodoWrite).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TodoItem {
    pub content: String,
    pub status: TodoStatus,
    /// How the task reads while it is being done ("Running the tests").
    pub active_form: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TodoStatus {
    Pending,
    InProgress,
    Completed,
}

/// How a tool call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolOutcome {
    Success,
    Failed,
    Denied,
    Interrupted,
}
