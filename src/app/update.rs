//! The reducer: `update(&mut Model, Msg, now) -> Vec<Effect>`. Pure: the time comes in as an
//! argument, and everything the outside world should do goes out as an `Effect`.

use std::time::Instant;

use crossterm::event::{KeyEvent, KeyEventKind, MouseEventKind};

use crate::app::agent_events::on_agent;
use crate::app::commands;
use crate::app::effect::Effect;
use crate::app::keymap::{self, ActivityAction, GlobalAction, InputAction};
use crate::app::model::{CellKind, DOUBLE_ESC, Focus, HistorySearch, Model, QUIT_WINDOW, Scroll};
use crate::app::msg::Msg;
use crate::app::overlay::{self, OverlayKind};
use crate::app::palette::PaletteKind;
use crate::protocol::{ExitReason, Op, PermissionMode};

/// Lines moved by one mouse wheel notch.
const WHEEL_LINES: usize = 3;
/// A paste longer than this shows as a placeholder in the input box.
const LARGE_PASTE_LINES: usize = 12;
const LARGE_PASTE_BYTES: usize = 2_000;

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
        Msg::TranscriptLayout {
            lines,
            rows,
            top,
            top_cell,
        } => {
            model.transcript_top_cell = top_cell;
            model.transcript_lines = lines;
            model.viewport_rows = rows;
            model.transcript_top = top;
            // The view keeps a scrolled position by the cell it shows, so the line it reports
            // is where the scroll now is (heights it measured above may have moved it).
            if let Scroll::Cell(_) | Scroll::FromTop(_) = model.scroll {
                model.scroll = Scroll::FromTop(top);
            }
            if let Scroll::FromTop(top) = model.scroll
                && top + rows >= lines
            {
                model.scroll = Scroll::Follow;
            }
            Vec::new()
        }
        Msg::Agent(event) => on_agent(model, event, now),
        Msg::TerminalBackground { light } => {
            if model.theme_auto {
                let name = if light { "light" } else { "dark" };
                if model.theme.name != name {
                    // Following the terminal is no news: no notice.
                    let _ = crate::app::palette_keys::switch_theme(model, name);
                }
            }
            Vec::new()
        }
        Msg::FilesFound(results) => {
            crate::app::mention::on_results(model, results);
            Vec::new()
        }
        Msg::SubmitPrompt(prompt) => {
            set_input(model, &prompt);
            submit(model)
        }
        Msg::InputEdited(Ok(text)) => {
            // Paste placeholders still in the edited text still stand for their paste.
            let pastes = std::mem::take(&mut model.pastes);
            set_input(model, text.trim_end_matches('\n'));
            model.pastes = pastes;
            Vec::new()
        }
        Msg::InputEdited(Err(message)) => {
            let key = model.keymap.key_for(GlobalAction::ExternalEditor);
            model.push_cell(CellKind::Error(format!("{key}: {message}")));
            Vec::new()
        }
    }
}

fn on_paste(model: &mut Model, text: String) {
    if model.overlays.broken_settings().is_some() {
        return;
    }
    if let Some(approval) = model.approvals.front_mut() {
        if let Some(note) = approval.note.as_mut() {
            note.push_str(&text.replace(['\r', '\n'], " "));
        }
        return;
    }
    // Terminals send pasted line breaks as CR.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    model.focus = Focus::Input;
    let lines = text.lines().count();
    if lines > LARGE_PASTE_LINES || text.len() > LARGE_PASTE_BYTES {
        // A big paste would bury the box: show a placeholder, send the text.
        let placeholder = format!("[Pasted text #{} +{lines} lines]", model.pastes.len() + 1);
        model.input.insert_str(&placeholder);
        model.pastes.push((placeholder, text));
    } else {
        model.input.insert_str(text);
    }
}

/// The text to send: the input with each paste placeholder replaced by what was pasted.
fn expand_pastes(model: &mut Model, text: &str) -> String {
    let mut out = text.to_string();
    for (placeholder, pasted) in model.pastes.drain(..) {
        out = out.replacen(&placeholder, &pasted, 1);
    }
    out
}

fn on_key(model: &mut Model, key: KeyEvent, now: Instant) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let key = keymap::normalize(key);
    let global = model.keymap.global(&key);
    let open = overlay::stack(model);
    // The dialog about broken settings takes even the quit key (it quits at once).
    if open.last() == Some(&OverlayKind::BrokenSettings) {
        return overlay::on_broken_settings_key(model, global, &key);
    }
    if global == Some(GlobalAction::Quit) {
        return on_quit_key(model, now);
    }
    // Only two quit presses in a row quit: anything between disarms.
    model.quit_armed = None;
    // The same way out as Ctrl+C twice (the agent's Shutdown fires SessionEnd). With text in
    // the input the key is the editor's (Ctrl+D deletes forward).
    if global == Some(GlobalAction::Exit) && model.input.is_empty() {
        return vec![
            Effect::Quit,
            Effect::Send(Op::Shutdown(ExitReason::PromptInputExit)),
        ];
    }
    let global = global.filter(|action| *action != GlobalAction::Exit);
    // The top overlay gets the key first; one that passes it lets the next one down try.
    for overlay in open.into_iter().rev() {
        if let Some(effects) = overlay::on_key(model, overlay, &key, global, now) {
            return effects;
        }
    }
    if overlay::opens_history_search(model, &key) {
        model
            .overlays
            .open(crate::app::overlay::Overlay::HistorySearch(
                HistorySearch::default(),
            ));
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
        Focus::Input => {
            let mut effects = on_input_key(model, key);
            effects.extend(crate::app::mention::refresh(model));
            effects
        }
    }
}

/// Ctrl+C does the first of: clear the input, close the overlay on top, interrupt the turn.
/// Only a press that did none of these arms quitting, and a second press then quits.
fn on_quit_key(model: &mut Model, now: Instant) -> Vec<Effect> {
    let armed = model
        .quit_armed
        .take()
        .is_some_and(|at| now.duration_since(at) <= QUIT_WINDOW);
    if !model.input.is_empty() {
        model.reset_input();
        return Vec::new();
    }
    if overlay::close_top(model) {
        return Vec::new();
    }
    if model.busy {
        return interrupt(model);
    }
    if armed {
        return vec![
            Effect::Quit,
            Effect::Send(Op::Shutdown(ExitReason::PromptInputExit)),
        ];
    }
    model.quit_armed = Some(now);
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
        // Handled before the overlays (and an Exit with text in the input never gets here).
        GlobalAction::Quit | GlobalAction::Exit => {}
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
                    // The agent answers with the prompts, and the rewind picker opens.
                    return vec![Effect::Send(Op::Command {
                        command: crate::protocol::slash_command::SlashCommand::Rewind,
                        args: String::new(),
                    })];
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
            if let Some(index) = model.toggled_tool() {
                model.tools[index].expanded = !model.tools[index].expanded;
                crate::app::agent_events::touch_tool_cell(model, index);
            }
        }
        GlobalAction::ToggleTodos => model.show_todos = !model.show_todos,
        GlobalAction::Palette => {
            return crate::app::palette_keys::open(model, PaletteKind::Everything);
        }
        GlobalAction::Copy => return crate::app::palette_keys::open(model, PaletteKind::Copy),
        GlobalAction::Search => crate::app::search::start(model),
        GlobalAction::ToggleMouse => {
            model.mouse_captured = !model.mouse_captured;
            let notice = if model.mouse_captured {
                "Mouse captured: the wheel scrolls the conversation.".to_string()
            } else {
                format!(
                    "Mouse released: select text with the mouse; {} captures it again.",
                    model.keymap.key_for(GlobalAction::ToggleMouse)
                )
            };
            model.push_cell(CellKind::Notice(notice));
            return vec![Effect::MouseCapture(model.mouse_captured)];
        }
        GlobalAction::ExternalEditor => {
            model.focus = Focus::Input;
            return vec![Effect::EditInput(model.input_text())];
        }
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
    if key.code == crossterm::event::KeyCode::Char('?')
        && !key.modifiers.intersects(
            crossterm::event::KeyModifiers::CONTROL | crossterm::event::KeyModifiers::ALT,
        )
        && model.input.is_empty()
    {
        model.push_cell(CellKind::Info {
            title: "Keys".into(),
            body: commands::keys_help(&model.keymap),
        });
        model.scroll = Scroll::Follow;
        return Vec::new();
    }
    match model.keymap.input(&key) {
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

pub(crate) fn set_input(model: &mut Model, text: &str) {
    model.reset_input();
    model.input.insert_str(text);
}

pub(crate) fn submit(model: &mut Model) -> Vec<Effect> {
    let typed = model.input_text();
    if typed.trim().is_empty() {
        return Vec::new();
    }
    let text = expand_pastes(model, &typed);
    model.history.push(&text);
    model.reset_input();
    let mut effects = vec![Effect::SaveHistory(text.clone())];
    effects.extend(crate::app::submit::submit_text(model, &text));
    effects
}

fn scroll_up(model: &mut Model, lines: usize) {
    let max_top = model.transcript_lines.saturating_sub(model.viewport_rows);
    if max_top == 0 {
        return;
    }
    let top = match model.scroll {
        Scroll::Follow => max_top,
        Scroll::FromTop(top) => top.min(max_top),
        Scroll::Cell(_) => model.transcript_top.min(max_top),
    };
    model.scroll = Scroll::FromTop(top.saturating_sub(lines));
}

fn scroll_down(model: &mut Model, lines: usize) {
    let from = match model.scroll {
        Scroll::FromTop(top) => Some(top),
        Scroll::Cell(_) => Some(model.transcript_top),
        Scroll::Follow => None,
    };
    if let Some(top) = from {
        let max_top = model.transcript_lines.saturating_sub(model.viewport_rows);
        model.scroll = if top + lines >= max_top {
            Scroll::Follow
        } else {
            Scroll::FromTop(top + lines)
        };
    }
}
