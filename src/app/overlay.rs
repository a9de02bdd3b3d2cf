//! The overlays: what sits above the conversation and the input, in one stack. Its order is
//! the one truth for both halves of the screen: the top overlay gets a key first (and may pass
//! it down), and the view paints the floating ones bottom to top, so the top one is painted last.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::approval_keys::{on_approval_key, on_question_key};
use crate::app::broken_settings::{self, Choice};
use crate::app::diff_pane::PaneKey;
use crate::app::effect::Effect;
use crate::app::keymap::GlobalAction;
use crate::app::model::{Focus, Model};
use crate::app::update::{set_input, submit};
use crate::protocol::Op;

/// One overlay; the stack lists the open ones bottom to top.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// The slash-command completions above the input (keys only while the input has focus).
    SlashPopup,
    /// The `@` file finder above the input (keys only while the input has focus).
    Mention,
    /// Ctrl+R's reverse search of the input history, drawn in the input box.
    HistorySearch,
    /// Searching the transcript, drawn as highlights in the conversation.
    Search,
    /// `/diff`'s pane, drawn in place of the conversation.
    DiffPane,
    /// The command palette and the pickers built on it (models, sessions, themes…).
    Palette,
    /// The approval prompt for the request at the front of the queue, below the conversation.
    Approval,
    /// The model's question (AskUserQuestion) at the front of the queue, as a choice dialog.
    Question,
    /// The dialog about a settings file that doesn't parse, over everything.
    BrokenSettings,
}

/// The open overlays, bottom to top.
pub fn stack(model: &Model) -> Vec<Overlay> {
    let open = [
        (Overlay::SlashPopup, model.slash_popup().is_some()),
        (Overlay::Mention, model.mention.is_some()),
        (Overlay::HistorySearch, model.history_search.is_some()),
        (Overlay::Search, model.search.is_some()),
        (Overlay::DiffPane, model.diff_pane.is_some()),
        (Overlay::Palette, model.palette.is_some()),
        (
            Overlay::Approval,
            model.approvals.front().is_some_and(|a| a.dialog.is_none()),
        ),
        (
            Overlay::Question,
            model.approvals.front().is_some_and(|a| a.dialog.is_some()),
        ),
        (Overlay::BrokenSettings, model.broken_settings.is_some()),
    ];
    open.into_iter()
        .filter_map(|(overlay, is_open)| is_open.then_some(overlay))
        .collect()
}

/// A key for `overlay`: Some with what it did, or None when the overlay passes the key on.
pub(crate) fn on_key(
    model: &mut Model,
    overlay: Overlay,
    key: &KeyEvent,
    global: Option<GlobalAction>,
    now: Instant,
) -> Option<Vec<Effect>> {
    match overlay {
        Overlay::BrokenSettings => Some(on_broken_settings_key(model, global, key)),
        Overlay::Approval => Some(on_approval_key(model, *key, now)),
        Overlay::Question => Some(on_question_key(model, key, now)),
        Overlay::Palette => Some(crate::app::palette_keys::on_palette_key(model, key)),
        Overlay::DiffPane => {
            let screen = (model.width, model.height);
            if let Some(pane) = model.diff_pane.as_mut()
                && pane.on_key(key, screen) == PaneKey::Close
            {
                model.diff_pane = None;
            }
            Some(Vec::new())
        }
        Overlay::Search => crate::app::search::on_search_key(model, key).then(Vec::new),
        Overlay::HistorySearch => {
            on_history_search_key(model, key);
            Some(Vec::new())
        }
        // Ctrl+R opens the history search even over the input's popups.
        Overlay::Mention | Overlay::SlashPopup
            if model.focus != Focus::Input || opens_history_search(model, key) =>
        {
            None
        }
        Overlay::Mention => crate::app::mention::on_key(model, key).then(Vec::new),
        Overlay::SlashPopup => {
            let choices = model.slash_popup()?.len();
            on_slash_popup_key(model, key, choices).then(Vec::new)
        }
    }
}

/// Closes the top overlay that a quit key closes (the palette, the searches, `/diff`, the file
/// finder); returns whether one was closed. Approvals and dialogs are answered, not closed.
pub(crate) fn close_top(model: &mut Model) -> bool {
    for open in stack(model).into_iter().rev() {
        match open {
            Overlay::Palette => model.palette = None,
            Overlay::DiffPane => model.diff_pane = None,
            Overlay::Search => model.search = None,
            Overlay::HistorySearch => model.history_search = None,
            Overlay::Mention => {
                model.mention_dismissed = model.mention.take().map(|m| m.at);
            }
            Overlay::SlashPopup
            | Overlay::Approval
            | Overlay::Question
            | Overlay::BrokenSettings => continue,
        }
        return true;
    }
    false
}

/// Whether `key` opens Ctrl+R's history search (a key of the input box).
pub(crate) fn opens_history_search(model: &Model, key: &KeyEvent) -> bool {
    model.focus == Focus::Input
        && key.code == KeyCode::Char('r')
        && key.modifiers.contains(KeyModifiers::CONTROL)
}

/// The broken-settings dialog: the quit key quits at once here (there is no session to lose
/// yet); continuing sends the prompt given on the command line, if any.
pub(crate) fn on_broken_settings_key(
    model: &mut Model,
    global: Option<GlobalAction>,
    key: &KeyEvent,
) -> Vec<Effect> {
    let Some(dialog) = &model.broken_settings else {
        return Vec::new();
    };
    let choice = if global == Some(GlobalAction::Quit) {
        Choice::Quit
    } else {
        broken_settings::choice(dialog, key)
    };
    match choice {
        Choice::Quit => vec![
            Effect::Quit,
            Effect::Send(Op::Shutdown(crate::protocol::ExitReason::PromptInputExit)),
        ],
        Choice::Continue { first_prompt } => {
            model.broken_settings = None;
            match first_prompt {
                Some(prompt) => {
                    set_input(model, &prompt);
                    submit(model)
                }
                None => Vec::new(),
            }
        }
        Choice::Nothing => Vec::new(),
    }
}

/// Up/Down move in the slash popup, Tab completes the highlighted command. Returns whether
/// the key was the popup's.
fn on_slash_popup_key(model: &mut Model, key: &KeyEvent, choices: usize) -> bool {
    match key.code {
        KeyCode::Up => {
            model.slash_selected = model.slash_selected.checked_sub(1).unwrap_or(choices - 1)
        }
        KeyCode::Down => model.slash_selected = (model.slash_selected + 1) % choices,
        KeyCode::Tab => {
            let name = model.slash_popup().and_then(|c| {
                c.get(model.slash_selected.min(choices - 1))
                    .map(|c| c.name.clone())
            });
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

/// Keys of Ctrl+R's reverse search: type to search, Ctrl+R for an older match, Enter (or an
/// arrow) takes the match into the input, Esc leaves the input as it was.
fn on_history_search_key(model: &mut Model, key: &KeyEvent) {
    let Some(search) = model.history_search.as_mut() else {
        return;
    };
    let older = key.code == KeyCode::Char('r') && key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        _ if older => {}
        KeyCode::Char(c) => search.query.push(c),
        KeyCode::Backspace => {
            search.query.pop();
        }
        KeyCode::Esc => {
            model.history_search = None;
            return;
        }
        KeyCode::Enter | KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right => {
            let found = search.found.take();
            model.history_search = None;
            if let Some((_, entry)) = found {
                set_input(model, &entry);
            }
            return;
        }
        _ => return,
    }
    let before = if older {
        search.found.as_ref().map(|(i, _)| *i)
    } else {
        None
    };
    let hit = model
        .history
        .search(&search.query, before)
        .map(|(i, e)| (i, e.to_string()));
    if hit.is_some() || !older {
        search.found = hit;
    }
}
