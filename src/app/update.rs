//! The reducer: `update(&mut Model, Msg, now) -> Vec<Effect>`. Pure: the time comes in as an
//! argument, and everything the outside world should do goes out as an `Effect`.

use std::time::{Duration, Instant};

use crossterm::event::{KeyEvent, KeyEventKind, MouseEventKind};

use crate::app::commands;
use crate::app::effect::Effect;
use crate::app::keymap::{self, ActivityAction, ApprovalAction, GlobalAction, InputAction};
use crate::app::model::{
    APPROVAL_GRACE, Activity, CellKind, DOUBLE_ESC, Focus, Model, PendingApproval, QUIT_WINDOW,
    Scroll, ToolCall, ToolStatus,
};
use crate::app::msg::Msg;
use crate::protocol::{
    AgentEvent, ApprovalPreview, Decision, Op, PermissionMode, ToolOutcome, TurnStop,
};
use crate::ui::diff_view::{self, DiffLayout};

/// Lines moved by one mouse wheel notch.
const WHEEL_LINES: usize = 3;
/// The UI keeps at most this much live output per tool call (the model gets the agent's copy).
const MAX_TOOL_OUTPUT: usize = 4 * 1024 * 1024;

pub fn update(model: &mut Model, msg: Msg, now: Instant) -> Vec<Effect> {
    model.now = now;
    match msg {
        Msg::Key(key) => on_key(model, key, now),
        Msg::Paste(text) => {
            on_paste(model, text);
            Vec::new()
        }
        Msg::Mouse(kind) => {
            match kind {
                MouseEventKind::ScrollUp => scroll_up(model, WHEEL_LINES),
                MouseEventKind::ScrollDown => scroll_down(model, WHEEL_LINES),
                _ => {}
            }
            Vec::new()
        }
        Msg::Resize { width, height } => {
            model.width = width;
            model.height = height;
            Vec::new()
        }
        Msg::Tick => {
            if model
                .quit_armed
                .is_some_and(|at| now.duration_since(at) > QUIT_WINDOW)
            {
                model.quit_armed = None;
            }
            Vec::new()
        }
        Msg::TranscriptLayout { lines, rows } => {
            model.transcript_lines = lines;
            model.viewport_rows = rows;
            if let Scroll::FromTop(top) = model.scroll
                && top + rows >= lines
            {
                model.scroll = Scroll::Follow;
            }
            Vec::new()
        }
        Msg::Agent(event) => on_agent(model, event, now),
    }
}

fn on_paste(model: &mut Model, text: String) {
    if let Some(approval) = model.approvals.front_mut() {
        if let Some(note) = approval.note.as_mut() {
            note.push_str(&text.replace(['\r', '\n'], " "));
        }
        return;
    }
    // Terminals send pasted line breaks as CR.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    model.focus = Focus::Input;
    model.input.insert_str(text);
}

fn on_key(model: &mut Model, key: KeyEvent, now: Instant) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let global = keymap::global(&key);
    if global == Some(GlobalAction::Quit) {
        return on_quit_key(model, now);
    }
    if !model.approvals.is_empty() {
        return on_approval_key(model, key, now);
    }
    if model.focus == Focus::Input
        && let Some(choices) = model.slash_popup()
        && on_slash_popup_key(model, &key, choices.len())
    {
        return Vec::new();
    }
    if let Some(action) = global {
        return on_global(model, action, now);
    }
    match model.focus {
        Focus::Activity => {
            on_activity_key(model, key);
            Vec::new()
        }
        Focus::Input => on_input_key(model, key),
    }
}

/// Up/Down move in the slash popup, Tab completes the highlighted command. Returns whether
/// the key was the popup's.
fn on_slash_popup_key(model: &mut Model, key: &KeyEvent, choices: usize) -> bool {
    use crossterm::event::KeyCode;
    match key.code {
        KeyCode::Up => {
            model.slash_selected = model.slash_selected.checked_sub(1).unwrap_or(choices - 1)
        }
        KeyCode::Down => model.slash_selected = (model.slash_selected + 1) % choices,
        KeyCode::Tab => {
            let name = model
                .slash_popup()
                .and_then(|c| c.get(model.slash_selected.min(choices - 1)).map(|c| c.name));
            if let Some(name) = name {
                set_input(model, &format!("/{name} "));
            }
            model.slash_selected = 0;
        }
        _ => {
            model.slash_selected = 0;
            return false;
        }
    }
    true
}

/// Ctrl+C clears the input, or interrupts a running turn; a second press quits.
fn on_quit_key(model: &mut Model, now: Instant) -> Vec<Effect> {
    if model
        .quit_armed
        .is_some_and(|at| now.duration_since(at) <= QUIT_WINDOW)
    {
        return vec![Effect::Quit, Effect::Send(Op::Shutdown)];
    }
    model.quit_armed = Some(now);
    if !model.input.is_empty() {
        model.reset_input();
        return Vec::new();
    }
    if model.busy {
        return interrupt(model);
    }
    Vec::new()
}

fn interrupt(model: &mut Model) -> Vec<Effect> {
    if !model.busy {
        return Vec::new();
    }
    model.approvals.clear();
    vec![Effect::Send(Op::Interrupt)]
}

fn on_global(model: &mut Model, action: GlobalAction, now: Instant) -> Vec<Effect> {
    let page = model.viewport_rows.saturating_sub(2).max(1);
    match action {
        GlobalAction::Quit => {}
        GlobalAction::Interrupt => {
            if model.focus == Focus::Activity {
                model.focus = Focus::Input;
                return Vec::new();
            }
            if !model.busy && model.input.is_empty() {
                let double = model
                    .last_esc
                    .is_some_and(|at| now.duration_since(at) <= DOUBLE_ESC);
                model.last_esc = if double { None } else { Some(now) };
                if double {
                    return run_command(model, Ok((rewind_command(), String::new())));
                }
                return Vec::new();
            }
            return interrupt(model);
        }
        GlobalAction::PageUp => scroll_up(model, page),
        GlobalAction::PageDown => scroll_down(model, page),
        GlobalAction::ScrollTop => model.scroll = Scroll::FromTop(0),
        GlobalAction::ScrollBottom => model.scroll = Scroll::Follow,
        GlobalAction::ToggleThinking => {
            model.thinking_expanded = !model.thinking_expanded;
            let thinking: Vec<usize> = (0..model.cells.len())
                .filter(|&i| matches!(model.cells[i].kind, CellKind::Thinking(_)))
                .collect();
            for i in thinking {
                model.touch(i);
            }
        }
        GlobalAction::ToggleLastTool => {
            let target = model
                .selected_tool
                .or_else(|| model.tools.len().checked_sub(1));
            if let Some(tool) = target.and_then(|i| model.tools.get_mut(i)) {
                tool.expanded = !tool.expanded;
            }
        }
        GlobalAction::ToggleTodos => model.show_todos = !model.show_todos,
        GlobalAction::CycleMode => {
            let next = PermissionMode::parse(&model.status.permission_mode)
                .unwrap_or_default()
                .next();
            model.status.permission_mode = next.as_str().to_string();
            return vec![Effect::Send(Op::SetPermissionMode(next))];
        }
        GlobalAction::SwitchFocus => {
            model.focus = match model.focus {
                Focus::Input if !model.tools.is_empty() => {
                    if model.selected_tool.is_none() {
                        model.selected_tool = Some(model.tools.len() - 1);
                    }
                    Focus::Activity
                }
                Focus::Input | Focus::Activity => Focus::Input,
            };
        }
    }
    Vec::new()
}

fn on_activity_key(model: &mut Model, key: KeyEvent) {
    let Some(action) = keymap::activity(&key) else {
        return;
    };
    let last = model.tools.len().saturating_sub(1);
    let selected = model.selected_tool.unwrap_or(last);
    match action {
        ActivityAction::Next => model.selected_tool = Some((selected + 1).min(last)),
        ActivityAction::Previous => model.selected_tool = Some(selected.saturating_sub(1)),
        ActivityAction::Toggle => {
            if let Some(tool) = model.tools.get_mut(selected) {
                tool.expanded = !tool.expanded;
            }
        }
        ActivityAction::Leave => model.focus = Focus::Input,
    }
}

fn on_input_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    match keymap::input(&key) {
        InputAction::Submit => return submit(model),
        InputAction::Newline => model.input.insert_newline(),
        InputAction::HistoryPrevious => {
            if model.input.cursor().0 == 0 {
                let current = model.input_text();
                if let Some(entry) = model.history.older(&current).map(str::to_string) {
                    set_input(model, &entry);
                }
            } else {
                model.input.input(key);
            }
        }
        InputAction::HistoryNext => {
            let last_row = model.input.lines().len().saturating_sub(1);
            if model.input.cursor().0 == last_row && model.history.is_browsing() {
                if let Some(entry) = model.history.newer().map(str::to_string) {
                    set_input(model, &entry);
                }
            } else {
                model.input.input(key);
            }
        }
        InputAction::ScrollTopIfEmpty if model.input.is_empty() => {
            model.scroll = Scroll::FromTop(0)
        }
        InputAction::ScrollBottomIfEmpty if model.input.is_empty() => model.scroll = Scroll::Follow,
        InputAction::ScrollTopIfEmpty | InputAction::ScrollBottomIfEmpty | InputAction::Edit => {
            model.input.input(key);
        }
    }
    Vec::new()
}

fn set_input(model: &mut Model, text: &str) {
    model.reset_input();
    model.input.insert_str(text);
}

fn submit(model: &mut Model) -> Vec<Effect> {
    let text = model.input_text();
    if text.trim().is_empty() {
        return Vec::new();
    }
    model.history.push(&text);
    model.reset_input();
    if let Some(parsed) = commands::parse(&text) {
        return run_command(model, parsed);
    }
    model.push_cell(CellKind::User(text.clone()));
    model.live_cell = None;
    model.scroll = Scroll::Follow;
    model.quit_armed = None;
    if !model.busy {
        model.busy = true;
        model.activity = Activity::Waiting;
    }
    vec![Effect::Send(Op::UserTurn { text })]
}

fn rewind_command() -> &'static commands::SlashCommand {
    // The list is static and holds "rewind" (a test checks every name parses).
    commands::COMMANDS
        .iter()
        .find(|c| c.name == "rewind")
        .unwrap_or(&commands::COMMANDS[0])
}

fn run_command(
    model: &mut Model,
    parsed: Result<(&'static commands::SlashCommand, String), String>,
) -> Vec<Effect> {
    let (command, args) = match parsed {
        Ok(found) => found,
        Err(message) => {
            model.push_cell(CellKind::Error(message));
            return Vec::new();
        }
    };
    model.scroll = Scroll::Follow;
    match (command.runs, command.name) {
        (commands::Runs::Ui, "exit") => vec![Effect::Quit, Effect::Send(Op::Shutdown)],
        (commands::Runs::Ui, "clear") => {
            model.clear();
            vec![Effect::Send(Op::Clear)]
        }
        (commands::Runs::Ui, _) => {
            model.push_cell(CellKind::Info {
                title: "Help".into(),
                body: commands::help(),
            });
            Vec::new()
        }
        (commands::Runs::Agent, name) => {
            let shown = if args.is_empty() {
                format!("/{name}")
            } else {
                format!("/{name} {args}")
            };
            model.push_cell(CellKind::User(shown));
            vec![Effect::Send(Op::Command {
                name: name.to_string(),
                args,
            })]
        }
    }
}

fn on_approval_key(model: &mut Model, key: KeyEvent, now: Instant) -> Vec<Effect> {
    let page = (model.height as usize / 2).max(1);
    let width = model.width;
    let layout = model
        .diff_layout
        .unwrap_or_else(|| diff_view::auto_layout(width));
    let Some(approval) = model.approvals.front_mut() else {
        return Vec::new();
    };
    let questions = match &approval.request.preview {
        ApprovalPreview::Questions(q) => Some(q.len()),
        _ => None,
    };
    if let (Some(count), Some(note)) = (questions, approval.note.as_mut()) {
        // A question answered in the user's own words.
        use crossterm::event::KeyCode;
        match key.code {
            KeyCode::Enter if !note.trim().is_empty() => {
                let answer = note.trim().to_string();
                approval.answers.push(answer);
                approval.note = None;
                if approval.answers.len() >= count {
                    let answers = approval.answers.clone();
                    return decide(model, Decision::Answered(answers), now);
                }
            }
            KeyCode::Esc => approval.note = None,
            KeyCode::Backspace => {
                note.pop();
            }
            KeyCode::Char(c) => note.push(c),
            _ => {}
        }
        return Vec::new();
    }
    if let Some(note) = approval.note.as_mut() {
        use crossterm::event::KeyCode;
        match key.code {
            KeyCode::Enter => {
                let note = note.trim().to_string();
                let decision = if note.is_empty() {
                    Decision::Deny
                } else {
                    Decision::DenyWithNote(note)
                };
                return decide(model, decision, now);
            }
            KeyCode::Esc => approval.note = None,
            KeyCode::Backspace => {
                note.pop();
            }
            KeyCode::Char(c) => note.push(c),
            _ => {}
        }
        return Vec::new();
    }
    let shown_at = *approval.shown_at.get_or_insert(now);
    if now.duration_since(shown_at) < APPROVAL_GRACE {
        return Vec::new();
    }
    if let ApprovalPreview::Questions(list) = &approval.request.preview {
        use crossterm::event::KeyCode;
        let current = approval.answers.len();
        match key.code {
            KeyCode::Char(c @ '1'..='9') => {
                let choice = (c as u8 - b'1') as usize;
                if let Some(option) = list.get(current).and_then(|q| q.options.get(choice)) {
                    approval.answers.push(option.clone());
                }
            }
            KeyCode::Char('o') => approval.note = Some(String::new()),
            KeyCode::Char('n') => return decide(model, Decision::Deny, now),
            KeyCode::Esc => return decide(model, Decision::DenyAndStop, now),
            _ => {}
        }
        if approval.answers.len() >= list.len() {
            let answers = approval.answers.clone();
            return decide(model, Decision::Answered(answers), now);
        }
        return Vec::new();
    }
    let Some(action) = keymap::approval(&key) else {
        return Vec::new();
    };
    match action {
        ApprovalAction::AllowOnce => return decide(model, Decision::AllowOnce, now),
        ApprovalAction::AllowForSession => return decide(model, Decision::AllowForSession, now),
        ApprovalAction::AllowAlways => return decide(model, Decision::AllowAlways, now),
        ApprovalAction::Deny => return decide(model, Decision::Deny, now),
        ApprovalAction::DenyAndStop => return decide(model, Decision::DenyAndStop, now),
        ApprovalAction::DenyWithNote => approval.note = Some(String::new()),
        ApprovalAction::ScrollDown => approval.scroll += 1,
        ApprovalAction::ScrollUp => approval.scroll = approval.scroll.saturating_sub(1),
        ApprovalAction::PageDown => approval.scroll += page,
        ApprovalAction::PageUp => approval.scroll = approval.scroll.saturating_sub(page),
        ApprovalAction::NextHunk | ApprovalAction::PreviousHunk => {
            if let ApprovalPreview::FileChange(diff) = &approval.request.preview {
                let starts = diff_view::render_diff(diff, width, layout, &model.theme).hunk_starts;
                let current = approval.scroll;
                let target = if action == ApprovalAction::NextHunk {
                    starts.iter().copied().find(|&s| s > current)
                } else {
                    starts.iter().rev().copied().find(|&s| s < current)
                };
                if let Some(target) = target {
                    approval.scroll = target;
                }
            }
        }
        ApprovalAction::ToggleLayout => {
            model.diff_layout = Some(match layout {
                DiffLayout::Unified => DiffLayout::SideBySide,
                DiffLayout::SideBySide => DiffLayout::Unified,
            });
        }
    }
    Vec::new()
}

/// Answers the approval on screen and shows the next one, if any.
fn decide(model: &mut Model, decision: Decision, now: Instant) -> Vec<Effect> {
    let Some(approval) = model.approvals.pop_front() else {
        return Vec::new();
    };
    let call_id = approval.request.call_id.clone();
    if let Some(tool) = model.tools.iter_mut().find(|t| t.call_id == call_id) {
        tool.status = match decision {
            Decision::AllowOnce
            | Decision::AllowForSession
            | Decision::AllowAlways
            | Decision::Answered(_) => ToolStatus::Running,
            Decision::Deny | Decision::DenyWithNote(_) | Decision::DenyAndStop => {
                ToolStatus::Done(ToolOutcome::Denied)
            }
        };
        tool.started = now;
    }
    if decision == Decision::DenyAndStop {
        model.approvals.clear();
    }
    if let Some(next) = model.approvals.front_mut() {
        next.shown_at = Some(now);
    }
    model.activity = if model.approvals.is_empty() {
        Activity::RunningTool
    } else {
        Activity::WaitingApproval
    };
    vec![Effect::Send(Op::Decide {
        id: approval.request.id,
        decision,
    })]
}

fn scroll_up(model: &mut Model, lines: usize) {
    let max_top = model.transcript_lines.saturating_sub(model.viewport_rows);
    if max_top == 0 {
        return;
    }
    let top = match model.scroll {
        Scroll::Follow => max_top,
        Scroll::FromTop(top) => top.min(max_top),
    };
    model.scroll = Scroll::FromTop(top.saturating_sub(lines));
}

fn scroll_down(model: &mut Model, lines: usize) {
    if let Scroll::FromTop(top) = model.scroll {
        let max_top = model.transcript_lines.saturating_sub(model.viewport_rows);
        model.scroll = if top + lines >= max_top {
            Scroll::Follow
        } else {
            Scroll::FromTop(top + lines)
        };
    }
}

fn on_agent(model: &mut Model, event: AgentEvent, now: Instant) -> Vec<Effect> {
    match event {
        AgentEvent::SessionInfo {
            model: name,
            cwd,
            context_window,
        } => {
            model.status.model = name;
            model.status.cwd = cwd;
            model.status.context_window = context_window;
        }
        AgentEvent::UserText { text } => {
            model.live_cell = None;
            model.push_cell(CellKind::User(text));
        }
        AgentEvent::TurnStarted => {
            model.busy = true;
            model.activity = Activity::Waiting;
        }
        AgentEvent::RequestStarted => {
            model.activity = Activity::Waiting;
            model.live_cell = None;
        }
        AgentEvent::TextDelta(text) => {
            append_live(model, &text, LiveKind::Text);
            model.activity = Activity::Streaming;
        }
        AgentEvent::ThinkingDelta(text) => {
            append_live(model, &text, LiveKind::Thinking);
            model.activity = Activity::Thinking;
        }
        AgentEvent::MessageDone => model.live_cell = None,
        AgentEvent::ToolStarted {
            call_id,
            tool,
            summary,
        } => {
            model.live_cell = None;
            model.tools.push(ToolCall {
                call_id,
                tool,
                summary,
                status: ToolStatus::Running,
                started: now,
                duration: None,
                output: String::new(),
                result_summary: String::new(),
                expanded: false,
            });
            model.push_cell(CellKind::Tool(model.tools.len() - 1));
            model.activity = Activity::RunningTool;
        }
        AgentEvent::ApprovalNeeded(request) => {
            if let Some(tool) = model
                .tools
                .iter_mut()
                .find(|t| t.call_id == request.call_id)
            {
                tool.status = ToolStatus::WaitingApproval;
            }
            let shown_at = model.approvals.is_empty().then_some(now);
            model.approvals.push_back(PendingApproval {
                request,
                shown_at,
                scroll: 0,
                note: None,
                answers: Vec::new(),
            });
            model.activity = Activity::WaitingApproval;
        }
        AgentEvent::ToolProgress { call_id, chunk } => {
            if let Some(tool) = model.tools.iter_mut().find(|t| t.call_id == call_id)
                && tool.output.len() < MAX_TOOL_OUTPUT
            {
                tool.output.push_str(&chunk);
            }
        }
        AgentEvent::ToolFinished {
            call_id,
            outcome,
            output,
            summary,
            duration_ms,
        } => {
            if let Some(index) = model.tools.iter().position(|t| t.call_id == call_id) {
                let tool = &mut model.tools[index];
                tool.status = ToolStatus::Done(outcome);
                tool.output = output;
                tool.result_summary = summary;
                tool.duration = Some(Duration::from_millis(duration_ms));
                touch_tool_cell(model, index);
            }
            model.approvals.retain(|a| a.request.call_id != call_id);
        }
        AgentEvent::Usage {
            usage,
            session_cost,
            total_in,
            total_out,
        } => {
            model.status.tokens_in = total_in;
            model.status.tokens_out = total_out;
            model.status.cost = session_cost;
            model.status.context_used = usage.input_tokens
                + usage.cache_read_input_tokens
                + usage.cache_creation_input_tokens
                + usage.output_tokens;
        }
        AgentEvent::Retrying {
            attempt,
            delay_ms,
            reason,
        } => model.push_cell(CellKind::Notice(format!(
            "{reason}; retrying in {:.1} s (attempt {})",
            delay_ms as f64 / 1000.0,
            attempt + 1
        ))),
        AgentEvent::TurnEnded { stop } => end_turn(model, stop),
        AgentEvent::Error { message } => {
            model.live_cell = None;
            model.push_cell(CellKind::Error(message));
        }
        AgentEvent::Notice { message } => model.push_cell(CellKind::Notice(message)),
        AgentEvent::Info { title, body } => model.push_cell(CellKind::Info { title, body }),
        AgentEvent::TranscriptReset => model.clear(),
        AgentEvent::Todos { items } => model.todos = items,
        AgentEvent::PermissionModeChanged(mode) => {
            model.status.permission_mode = mode.as_str().to_string()
        }
        AgentEvent::Compacted { summarized, kept } => model.push_cell(CellKind::Notice(format!(
            "✻ Compacted: {summarized} earlier messages became a summary; the last {kept} are kept as they were."
        ))),
        AgentEvent::EditFile { path } => return vec![Effect::OpenEditor(path.into())],
    }
    Vec::new()
}

fn end_turn(model: &mut Model, stop: TurnStop) {
    model.busy = false;
    model.activity = Activity::Idle;
    model.live_cell = None;
    model.approvals.clear();
    let now = model.now;
    let unfinished: Vec<usize> = (0..model.tools.len())
        .filter(|&i| {
            matches!(
                model.tools[i].status,
                ToolStatus::Running | ToolStatus::WaitingApproval
            )
        })
        .collect();
    for index in unfinished {
        let tool = &mut model.tools[index];
        tool.status = ToolStatus::Done(ToolOutcome::Interrupted);
        tool.duration = Some(now.duration_since(tool.started));
        touch_tool_cell(model, index);
    }
    let notice = match stop {
        TurnStop::Done | TurnStop::Failed => None,
        TurnStop::MaxTokens => Some("The answer reached the output token limit."),
        TurnStop::Refusal => Some("The model declined to answer."),
        TurnStop::Interrupted => Some("Interrupted."),
    };
    if let Some(notice) = notice {
        model.push_cell(CellKind::Notice(notice.to_string()));
    }
}

fn touch_tool_cell(model: &mut Model, tool_index: usize) {
    if let Some(cell) = model
        .cells
        .iter()
        .rposition(|c| c.kind == CellKind::Tool(tool_index))
    {
        model.touch(cell);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LiveKind {
    Text,
    Thinking,
}

/// Appends streamed text to the live cell of the same kind, or opens a new one.
fn append_live(model: &mut Model, delta: &str, kind: LiveKind) {
    if let Some(index) = model.live_cell {
        let appended = match (&mut model.cells[index].kind, kind) {
            (CellKind::Assistant(text), LiveKind::Text)
            | (CellKind::Thinking(text), LiveKind::Thinking) => {
                text.push_str(delta);
                true
            }
            _ => false,
        };
        if appended {
            model.touch(index);
            return;
        }
    }
    model.push_cell(match kind {
        LiveKind::Text => CellKind::Assistant(delta.to_string()),
        LiveKind::Thinking => CellKind::Thinking(delta.to_string()),
    });
    model.live_cell = Some(model.cells.len() - 1);
}
