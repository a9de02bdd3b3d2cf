//! All UI state, in one place. Views read it; only `update` changes it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use ratatui::style::Style;
use ratatui_textarea::{TextArea, WrapMode};

use crate::app::diff_layout::DiffLayout;
use crate::app::history::InputHistory;
use crate::protocol::{
    ApprovalPreview, ApprovalRequest, Effort, ModelChoice, SessionChoice, ToolOutcome,
};
use crate::theme::Theme;

/// Keys typed within this long after an approval prompt appears do not answer it: they were
/// meant for whatever was on screen before.
pub const APPROVAL_GRACE: Duration = Duration::from_millis(400);
/// A second Ctrl+C within this long quits.
pub const QUIT_WINDOW: Duration = Duration::from_secs(2);
/// Two Esc presses this close together on an empty input open /rewind.
pub const DOUBLE_ESC: Duration = Duration::from_millis(800);

/// One entry of the conversation.
#[derive(Clone, Debug, PartialEq)]
pub enum CellKind {
    User(String),
    Assistant(String),
    Thinking(String),
    /// A tool call, drawn from `Model::tools[index]`.
    Tool(usize),
    Error(String),
    Notice(String),
    /// The answer to a slash command.
    Info {
        title: String,
        body: String,
    },
    /// The header of the first screen.
    Welcome(crate::app::welcome::Welcome),
}

/// A conversation cell. `version` changes whenever its rendering may change, so rendered lines
/// can be cached by (index, version, width).
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub kind: CellKind,
    pub version: u64,
}

/// Where a tool call is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolStatus {
    Running,
    WaitingApproval,
    Done(ToolOutcome),
}

/// One tool call, as the activity pane shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolCall {
    pub call_id: String,
    pub tool: String,
    pub summary: String,
    pub status: ToolStatus,
    pub started: Instant,
    pub duration: Option<Duration>,
    /// Live output while running, then the full output.
    pub output: String,
    /// One-line result ("exit 0", "42 lines").
    pub result_summary: String,
    pub expanded: bool,
    /// The hook runs that gated this call (indices into `Model::tools`): folded into its row.
    pub hooks: Vec<usize>,
    /// Whether this is a hook run folded into another call's row (it gets no row of its own).
    pub folded: bool,
}

/// An approval prompt waiting for the user's key.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingApproval {
    pub request: ApprovalRequest,
    /// When the prompt became visible (it may wait behind another one).
    pub shown_at: Option<Instant>,
    /// First visible line of the preview.
    pub scroll: usize,
    /// Some while the user types a note to send with a denial.
    pub note: Option<String>,
    /// The choice dialog, when the request is the model's question (AskUserQuestion).
    pub dialog: Option<crate::app::question::QuestionDialog>,
}

/// What the agent is doing, for the status bar: derived from what is open and running
/// (`Model::activity`), so no event can leave it stuck on a busy state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    Idle,
    Waiting,
    Thinking,
    Streaming,
    RunningTool,
    WaitingApproval,
    /// The model asked the user a question (AskUserQuestion) and waits for the answer.
    AskingQuestion,
    /// An MCP server's form waits for the user (elicitation).
    FillingForm,
}

/// Where the model is in a turn's current request; it only counts while a turn runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelPhase {
    Waiting,
    Thinking,
    Streaming,
}

/// The transcript's scroll position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scroll {
    /// Show the end and follow the stream.
    Follow,
    /// The first visible line, counted from the top; stays put while the stream grows.
    FromTop(usize),
    /// Show this cell near the top (a search match); the view turns it into `FromTop`.
    Cell(usize),
}

/// The `@` file finder while a mention is being typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MentionPicker {
    /// Where the `@` is: (row, char column) in the input.
    pub at: (usize, usize),
    pub query: String,
    /// The query's number; answers for older ones are dropped.
    pub generation: u64,
    pub matches: Vec<crate::finder::FileMatch>,
    pub selected: usize,
    /// No answer yet for this query, or the walk is still going.
    pub searching: bool,
    /// The MCP resources matching the query, listed before the files.
    pub resources: Vec<ResourceMatch>,
}

/// An MCP resource the `@` finder offers: `server:uri`, with its name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceMatch {
    pub mention: String,
    pub name: String,
    /// Matched character positions in `mention`.
    pub positions: Vec<usize>,
}

/// Ctrl+F: the text searched for in the transcript and the cells that hold it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TranscriptSearch {
    pub query: String,
    /// Still typing the query (Enter ends it; then n/N move between matches).
    pub typing: bool,
    /// Indices of the cells that match, oldest first.
    pub matches: Vec<usize>,
    /// Which of `matches` is shown.
    pub current: usize,
}

/// Ctrl+R: what is being searched for, and the history entry that matches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistorySearch {
    pub query: String,
    pub found: Option<(usize, String)>,
}

/// Which pane receives keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Input,
    Activity,
}

/// Session facts shown in the status bar.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusInfo {
    pub model: String,
    pub cwd: String,
    pub permission_mode: String,
    pub context_window: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// Input tokens of the latest request: the context in use.
    pub context_used: u64,
    pub cost: f64,
    /// Whether `cost` is the whole cost (models without a price add to it unknown amounts).
    pub pricing: crate::protocol::Pricing,
    /// The provider the model is reached through ("" or "anthropic": the default, not shown).
    pub provider: String,
}

pub struct Model {
    pub theme: Theme,
    pub status: StatusInfo,
    pub cells: Vec<Cell>,
    pub scroll: Scroll,
    /// The transcript's height in lines at the current width, and the visible rows, as the view
    /// last measured them (sent back by the runtime after drawing).
    pub transcript_lines: usize,
    pub viewport_rows: usize,
    /// The first line the view showed, and the cell it belongs to.
    pub transcript_top: usize,
    pub transcript_top_cell: usize,
    /// The assistant or thinking cell receiving deltas.
    pub live_cell: Option<usize>,
    /// Where a resumed session's transcript sits, for the whole conversation to replace it
    /// when the screen showed only its last turns first.
    pub resumed_turns: Option<crate::app::session_start::ResumedTurns>,
    /// Prompts sent while a turn runs, oldest first: drawn below the conversation as queued
    /// until their turn starts, then they become user cells in order.
    pub queued: Vec<String>,
    /// `!` commands sent and not yet started: their rows open with the output shown.
    pub shell_commands: Vec<String>,
    /// Tool results of the transcript just reset (by /rewind), by call id: a redrawn call
    /// gets its summary and time back.
    pub earlier_results: std::collections::HashMap<String, (String, Option<Duration>)>,
    pub tools: Vec<ToolCall>,
    pub selected_tool: Option<usize>,
    pub focus: Focus,
    pub input: TextArea<'static>,
    pub history: InputHistory,
    pub approvals: VecDeque<PendingApproval>,
    pub diff_layout: Option<DiffLayout>,
    /// A turn is in progress (from sending until TurnEnded).
    pub busy: bool,
    /// What the model's latest request is doing (see `activity`).
    pub phase: ModelPhase,
    pub thinking_expanded: bool,
    pub quit_armed: Option<Instant>,
    /// The model's task list, shown in the activity pane (Ctrl+L hides it).
    pub todos: Vec<crate::protocol::TodoItem>,
    pub show_todos: bool,
    /// The highlighted line of the slash-command popup.
    pub slash_selected: usize,
    /// When Esc was last pressed on an empty, idle input (Esc Esc opens /rewind).
    pub last_esc: Option<Instant>,
    /// What the user opened over the conversation (palette, pickers, searches, `/diff`, the
    /// file finder, dialogs), bottom to top.
    pub overlays: crate::app::overlay::Overlays,
    /// The `@` the user closed the file finder at.
    pub mention_dismissed: Option<(usize, usize)>,
    pub mention_generation: u64,
    /// Large pastes shown as placeholders in the input: (placeholder, text).
    pub pastes: Vec<(String, String)>,
    /// Whether the mouse is captured (wheel scrolls) or left to the terminal (select text).
    pub mouse_captured: bool,
    /// No theme was chosen in the settings: follow the terminal's background.
    pub theme_auto: bool,
    /// The global keys in force.
    pub keymap: crate::app::keymap::Keymap,
    /// The thinking effort in force.
    pub effort: Effort,
    /// The catalog's models, and the server's (None until it answers).
    pub catalog_models: Vec<ModelChoice>,
    pub server_models: Option<Vec<ModelChoice>>,
    pub models_requested: bool,
    /// This project's sessions, as last listed by the agent.
    pub sessions: Option<Vec<SessionChoice>>,
    /// The lookups asked of the agent and not answered yet (`app::lookups`).
    pub lookups: crate::protocol::lookup::AskedLookups<()>,
    /// The user's own slash commands (`.claw/commands/*.md`…).
    pub custom_commands: Vec<crate::app::commands::CustomEntry>,
    /// Notices of start-up (settings, keys, the session file), shown below the header and a
    /// resumed transcript once the agent has said the session started.
    pub deferred_notices: Vec<String>,
    /// The MCP servers as the agent last listed them.
    pub mcp_servers: Vec<crate::protocol::mcp::McpServerInfo>,
    /// The start-up dialog about the project's servers has been shown.
    pub mcp_asked: bool,
    pub width: u16,
    pub height: u16,
    pub now: Instant,
    /// When the UI started (the phase of spinners).
    pub started: Instant,
    next_version: u64,
    /// MCP servers' forms waiting for the user, the one on screen first.
    pub elicitations: VecDeque<crate::app::elicitation::ElicitationForm>,
}

impl Model {
    pub fn new(theme: Theme, status: StatusInfo, now: Instant) -> Self {
        let mut model = Model {
            theme,
            status,
            cells: Vec::new(),
            scroll: Scroll::Follow,
            transcript_lines: 0,
            transcript_top: 0,
            transcript_top_cell: 0,
            viewport_rows: 0,
            live_cell: None,
            resumed_turns: None,
            queued: Vec::new(),
            shell_commands: Vec::new(),
            earlier_results: Default::default(),
            tools: Vec::new(),
            selected_tool: None,
            focus: Focus::Input,
            input: TextArea::default(),
            history: InputHistory::default(),
            approvals: VecDeque::new(),
            diff_layout: None,
            busy: false,
            phase: ModelPhase::Waiting,
            thinking_expanded: false,
            quit_armed: None,
            last_esc: None,
            slash_selected: 0,
            pastes: Vec::new(),
            overlays: Default::default(),
            mention_dismissed: None,
            mention_generation: 0,
            mouse_captured: true,
            keymap: Default::default(),
            theme_auto: false,
            effort: Effort::Off,
            catalog_models: Vec::new(),
            server_models: None,
            models_requested: false,
            sessions: None,
            lookups: Default::default(),
            custom_commands: Vec::new(),
            deferred_notices: Vec::new(),
            todos: Vec::new(),
            show_todos: true,
            mcp_servers: Vec::new(),
            mcp_asked: false,
            width: 80,
            height: 24,
            elicitations: VecDeque::new(),
            now,
            started: now,
            next_version: 1,
        };
        model.reset_input();
        model
    }

    /// A fresh, empty input box styled for the theme.
    pub fn reset_input(&mut self) {
        self.pastes.clear();
        let mut input = TextArea::default();
        input.set_wrap_mode(WrapMode::WordOrGlyph);
        input.set_cursor_line_style(Style::default());
        input.set_placeholder_text(self.placeholder());
        input.set_placeholder_style(Style::default().fg(self.theme.dim));
        input.set_style(Style::default().fg(self.theme.fg));
        self.input = input;
    }

    /// The empty input's hint, naming the keys in force.
    fn placeholder(&self) -> String {
        let keys = &self.keymap;
        format!(
            "Ask claw to do something  ({} send · {} newline · {} quit)",
            keys.submit_key(),
            keys.newline_key(),
            keys.key_for(crate::app::keymap::GlobalAction::Exit)
        )
    }

    /// Puts `keymap` in force (the hints that name keys follow it).
    pub fn set_keymap(&mut self, keymap: crate::app::keymap::Keymap) {
        self.keymap = keymap;
        self.input.set_placeholder_text(self.placeholder());
    }

    pub fn input_text(&self) -> String {
        self.input.lines().join("\n")
    }

    /// Forgets the conversation on screen (`/clear`).
    pub fn clear(&mut self) {
        self.cells.clear();
        self.tools.clear();
        self.selected_tool = None;
        self.live_cell = None;
        self.resumed_turns = None;
        self.approvals.clear();
        self.todos.clear();
        self.scroll = Scroll::Follow;
    }

    pub fn push_cell(&mut self, kind: CellKind) {
        let version = self.bump();
        self.cells.push(Cell { kind, version });
    }

    /// Marks cell `index` as changed.
    pub fn touch(&mut self, index: usize) {
        let version = self.bump();
        if let Some(cell) = self.cells.get_mut(index) {
            cell.version = version;
        }
    }

    fn bump(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }

    /// The tool call Ctrl+O opens: the selected one, or the newest with a row of its own.
    pub fn toggled_tool(&self) -> Option<usize> {
        self.selected_tool
            .or_else(|| self.tools.iter().rposition(|t| !t.folded))
    }

    /// The approval prompt on screen, if any.
    pub fn current_approval(&self) -> Option<&PendingApproval> {
        self.approvals.front()
    }

    /// The commands the slash popup offers for what is typed, if it is open.
    pub fn slash_popup(&self) -> Option<Vec<crate::app::commands::Completion>> {
        if !self.approvals.is_empty() || self.input.lines().len() != 1 {
            return None;
        }
        let mut commands = self.custom_commands.clone();
        commands.extend(crate::app::mcp::prompt_entries(&self.mcp_servers));
        crate::app::commands::completions(&self.input.lines()[0], &commands)
            .filter(|c| !c.is_empty())
    }

    /// What the agent is doing: a prompt waiting for the user comes first, then a tool
    /// running (a turn's, or a `!command` outside any turn), then the model's request while a
    /// turn runs; otherwise idle.
    pub fn activity(&self) -> Activity {
        if !self.elicitations.is_empty() {
            return Activity::FillingForm;
        }
        if let Some(approval) = self.approvals.front() {
            return match approval.request.preview {
                ApprovalPreview::Questions(_) => Activity::AskingQuestion,
                ApprovalPreview::None
                | ApprovalPreview::Command { .. }
                | ApprovalPreview::FileChange(_)
                | ApprovalPreview::Plan(_) => Activity::WaitingApproval,
            };
        }
        if self.tools.iter().any(|t| t.status == ToolStatus::Running) {
            return Activity::RunningTool;
        }
        if !self.busy {
            return Activity::Idle;
        }
        match self.phase {
            ModelPhase::Waiting => Activity::Waiting,
            ModelPhase::Thinking => Activity::Thinking,
            ModelPhase::Streaming => Activity::Streaming,
        }
    }

    /// True while something on screen moves by itself (spinners), so the runtime ticks.
    pub fn animating(&self) -> bool {
        self.busy
            || self.quit_armed.is_some()
            || self.tools.iter().any(|t| t.status == ToolStatus::Running)
    }
}
