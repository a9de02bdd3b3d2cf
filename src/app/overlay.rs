//! The overlays: what sits above the conversation and the input, in one stack. Its order is
//! the one truth for both halves of the screen: the top overlay gets a key first (and may pass
//! it down), and the view paints the floating ones bottom to top, so the top one is painted last.
//! What the user opens (palette, pickers, searches, `/diff`, dialogs) is pushed on `Overlays`
//! in the order it was opened; the input's popups sit below it, and the prompt waiting for the
//! user's answer (an approval, the model's question) above it, since it must get the keys.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::approval_keys::{on_approval_key, on_question_key};
use crate::app::broken_settings::BrokenSettings;
use crate::app::broken_settings::{self, Choice};
use crate::app::diff_pane::DiffPane;
use crate::app::diff_pane::PaneKey;
use crate::app::effect::Effect;
use crate::app::keymap::GlobalAction;
use crate::app::model::{Focus, HistorySearch, MentionPicker, Model, TranscriptSearch};
use crate::app::palette::Palette;
use crate::app::rewind::{RewindAction, RewindPicker};
use crate::app::update::{set_input, submit};
use crate::protocol::Op;

/// The kind of an open overlay; `stack` lists them bottom to top.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverlayKind {
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
    /// Esc Esc's list of the user's prompts, to rewind to one.
    Rewind,
    /// The approval prompt for the request at the front of the queue, below the conversation.
    Approval,
    /// The model's question (AskUserQuestion) at the front of the queue, as a choice dialog.
    Question,
    /// The dialog about a settings file that doesn't parse, over everything.
    BrokenSettings,
    /// The start-up dialog about the project's new MCP servers.
    McpApproval,
    /// `/mcp`: the MCP servers, their states and tools.
    McpPanel,
    /// The first-run screen: no key for the provider; local servers and the demo offered.
    FirstRun,
}

/// An overlay the user opened, with its state.
#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    Mention(MentionPicker),
    HistorySearch(HistorySearch),
    Search(TranscriptSearch),
    DiffPane(DiffPane),
    Palette(Palette),
    Rewind(RewindPicker),
    BrokenSettings(BrokenSettings),
    McpApproval(crate::app::mcp::McpApprovalDialog),
    McpPanel(crate::app::mcp::McpPanel),
    FirstRun(crate::app::first_run::FirstRun),
}

impl Overlay {
    pub fn kind(&self) -> OverlayKind {
        match self {
            Overlay::Mention(_) => OverlayKind::Mention,
            Overlay::HistorySearch(_) => OverlayKind::HistorySearch,
            Overlay::Search(_) => OverlayKind::Search,
            Overlay::DiffPane(_) => OverlayKind::DiffPane,
            Overlay::Palette(_) => OverlayKind::Palette,
            Overlay::Rewind(_) => OverlayKind::Rewind,
            Overlay::BrokenSettings(_) => OverlayKind::BrokenSettings,
            Overlay::McpApproval(_) => OverlayKind::McpApproval,
            Overlay::McpPanel(_) => OverlayKind::McpPanel,
            Overlay::FirstRun(_) => OverlayKind::FirstRun,
        }
    }
}

/// The overlays the user opened, bottom to top; at most one of each kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overlays(Vec<Overlay>);

/// `name()` and `name_mut()`: the open overlay of one kind, if any.
macro_rules! find {
    ($name:ident, $name_mut:ident, $take:ident, $variant:ident, $ty:ty) => {
        pub fn $name(&self) -> Option<&$ty> {
            self.0.iter().find_map(|o| match o {
                Overlay::$variant(state) => Some(state),
                _ => None,
            })
        }
        pub fn $name_mut(&mut self) -> Option<&mut $ty> {
            self.0.iter_mut().find_map(|o| match o {
                Overlay::$variant(state) => Some(state),
                _ => None,
            })
        }
        /// Closes it, handing back its state.
        pub fn $take(&mut self) -> Option<$ty> {
            let at = self
                .0
                .iter()
                .position(|o| o.kind() == OverlayKind::$variant)?;
            match self.0.remove(at) {
                Overlay::$variant(state) => Some(state),
                _ => None,
            }
        }
    };
}

impl Overlays {
    /// Opens `overlay` on top (closing one of its kind that was open).
    pub fn open(&mut self, overlay: Overlay) {
        self.close(overlay.kind());
        self.0.push(overlay);
    }

    /// Closes the overlay of this kind, if open.
    pub fn close(&mut self, kind: OverlayKind) {
        self.0.retain(|o| o.kind() != kind);
    }

    /// The kinds open, bottom to top.
    pub fn kinds(&self) -> impl DoubleEndedIterator<Item = OverlayKind> + '_ {
        self.0.iter().map(Overlay::kind)
    }

    find!(mention, mention_mut, take_mention, Mention, MentionPicker);
    find!(
        history_search,
        history_search_mut,
        take_history_search,
        HistorySearch,
        HistorySearch
    );
    find!(search, search_mut, take_search, Search, TranscriptSearch);
    find!(diff_pane, diff_pane_mut, take_diff_pane, DiffPane, DiffPane);
    find!(palette, palette_mut, take_palette, Palette, Palette);
    find!(rewind, rewind_mut, take_rewind, Rewind, RewindPicker);
    find!(
        broken_settings,
        broken_settings_mut,
        take_broken_settings,
        BrokenSettings,
        BrokenSettings
    );
    find!(
        mcp_approval,
        mcp_approval_mut,
        take_mcp_approval,
        McpApproval,
        crate::app::mcp::McpApprovalDialog
    );
    find!(
        mcp_panel,
        mcp_panel_mut,
        take_mcp_panel,
        McpPanel,
        crate::app::mcp::McpPanel
    );
    find!(
        first_run,
        first_run_mut,
        take_first_run,
        FirstRun,
        crate::app::first_run::FirstRun
    );
}

/// The open overlays, bottom to top: the input's slash popup, what the user opened in order,
/// then the prompt waiting for the user's answer.
pub fn stack(model: &Model) -> Vec<OverlayKind> {
    let mut open = Vec::new();
    if model.slash_popup().is_some() {
        open.push(OverlayKind::SlashPopup);
    }
    open.extend(model.overlays.kinds());
    if let Some(approval) = model.approvals.front() {
        open.push(match approval.dialog {
            Some(_) => OverlayKind::Question,
            None => OverlayKind::Approval,
        });
    }
    // The settings dialog comes before anything else, and stays above it.
    if let Some(at) = open.iter().position(|k| *k == OverlayKind::BrokenSettings) {
        let dialog = open.remove(at);
        open.push(dialog);
    }
    open
}

/// A key for `overlay`: Some with what it did, or None when the overlay passes the key on.
pub(crate) fn on_key(
    model: &mut Model,
    overlay: OverlayKind,
    key: &KeyEvent,
    global: Option<GlobalAction>,
    now: Instant,
) -> Option<Vec<Effect>> {
    match overlay {
        OverlayKind::BrokenSettings => Some(on_broken_settings_key(model, global, key)),
        OverlayKind::Approval => Some(on_approval_key(model, *key, now)),
        OverlayKind::Question => Some(on_question_key(model, key, now)),
        OverlayKind::Palette => Some(crate::app::palette_keys::on_palette_key(model, key)),
        OverlayKind::McpApproval => Some(crate::app::mcp::on_approval_key(model, key, now)),
        OverlayKind::McpPanel => Some(crate::app::mcp::on_panel_key(model, key)),
        OverlayKind::FirstRun => Some(crate::app::first_run::on_key(model, key)),
        OverlayKind::Rewind => {
            let action = model.overlays.rewind_mut().map(|p| p.on_key(key));
            Some(match action {
                Some(RewindAction::Browsing) | None => Vec::new(),
                Some(RewindAction::Close) => {
                    model.overlays.close(OverlayKind::Rewind);
                    Vec::new()
                }
                Some(RewindAction::Rewind(turn)) => {
                    model.overlays.close(OverlayKind::Rewind);
                    crate::app::submit::submit_text(model, &format!("/rewind {turn}"))
                }
            })
        }
        OverlayKind::DiffPane => {
            let screen = (model.width, model.height);
            if let Some(pane) = model.overlays.diff_pane_mut()
                && pane.on_key(key, screen) == PaneKey::Close
            {
                model.overlays.close(OverlayKind::DiffPane);
            }
            Some(Vec::new())
        }
        OverlayKind::Search => crate::app::search::on_search_key(model, key).then(Vec::new),
        OverlayKind::HistorySearch => {
            on_history_search_key(model, key);
            Some(Vec::new())
        }
        // Ctrl+R opens the history search even over the input's popups.
        OverlayKind::Mention | OverlayKind::SlashPopup
            if model.focus != Focus::Input || opens_history_search(model, key) =>
        {
            None
        }
        OverlayKind::Mention => crate::app::mention::on_key(model, key).then(Vec::new),
        OverlayKind::SlashPopup => {
            let choices = model.slash_popup()?.len();
            on_slash_popup_key(model, key, choices).then(Vec::new)
        }
    }
}

/// Closes the top overlay that a quit key closes (the palette and pickers, the searches,
/// `/diff`, the file finder); returns whether one was closed. Prompts and dialogs are answered,
/// not closed.
pub(crate) fn close_top(model: &mut Model) -> bool {
    for open in stack(model).into_iter().rev() {
        match open {
            OverlayKind::Mention => {
                model.mention_dismissed = model.overlays.take_mention().map(|m| m.at);
            }
            OverlayKind::Palette
            | OverlayKind::Rewind
            | OverlayKind::DiffPane
            | OverlayKind::Search
            | OverlayKind::McpPanel
            | OverlayKind::HistorySearch => model.overlays.close(open),
            OverlayKind::SlashPopup
            | OverlayKind::Approval
            | OverlayKind::Question
            | OverlayKind::McpApproval
            | OverlayKind::BrokenSettings
            // Answered with a choice or Esc; Ctrl+C twice still quits from it.
            | OverlayKind::FirstRun => continue,
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
    let Some(dialog) = model.overlays.broken_settings() else {
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
            model.overlays.close(OverlayKind::BrokenSettings);
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
    let Some(search) = model.overlays.history_search_mut() else {
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
            model.overlays.close(OverlayKind::HistorySearch);
            return;
        }
        KeyCode::Enter | KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right => {
            let found = search.found.take();
            model.overlays.close(OverlayKind::HistorySearch);
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
