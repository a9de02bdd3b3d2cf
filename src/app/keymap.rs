//! Which key does what, by context. The reducer asks here first, so every binding lives in one
//! place (and can later be read from a file).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Keys that work wherever the focus is (unless an approval prompt takes them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalAction {
    Quit,
    Interrupt,
    PageUp,
    PageDown,
    ScrollTop,
    ScrollBottom,
    ToggleThinking,
    ToggleLastTool,
    SwitchFocus,
    CycleMode,
    ToggleTodos,
    Palette,
}

/// Keys of the input box beyond plain editing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputAction {
    Submit,
    Newline,
    HistoryPrevious,
    HistoryNext,
    /// Home/End on an empty input scroll the transcript.
    ScrollTopIfEmpty,
    ScrollBottomIfEmpty,
    Edit,
}

/// Keys of an approval prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApprovalAction {
    AllowOnce,
    AllowForSession,
    AllowAlways,
    Deny,
    DenyWithNote,
    DenyAndStop,
    ScrollDown,
    ScrollUp,
    PageDown,
    PageUp,
    NextHunk,
    PreviousHunk,
    ToggleLayout,
}

/// Keys of the activity pane when it has the focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityAction {
    Next,
    Previous,
    Toggle,
    Leave,
}

fn ctrl(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
}

pub fn global(key: &KeyEvent) -> Option<GlobalAction> {
    Some(match key.code {
        KeyCode::Char('c') if ctrl(key) => GlobalAction::Quit,
        KeyCode::Char('d') if ctrl(key) => GlobalAction::Quit,
        KeyCode::Esc => GlobalAction::Interrupt,
        KeyCode::PageUp => GlobalAction::PageUp,
        KeyCode::PageDown => GlobalAction::PageDown,
        KeyCode::Home if ctrl(key) => GlobalAction::ScrollTop,
        KeyCode::End if ctrl(key) => GlobalAction::ScrollBottom,
        KeyCode::Char('t') if ctrl(key) => GlobalAction::ToggleThinking,
        KeyCode::Char('o') if ctrl(key) => GlobalAction::ToggleLastTool,
        KeyCode::Char('l') if ctrl(key) => GlobalAction::ToggleTodos,
        KeyCode::Char('p') if ctrl(key) => GlobalAction::Palette,
        KeyCode::Tab => GlobalAction::SwitchFocus,
        KeyCode::BackTab => GlobalAction::CycleMode,
        _ => return None,
    })
}

pub fn input(key: &KeyEvent) -> InputAction {
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Enter if shift || alt => InputAction::Newline,
        KeyCode::Enter => InputAction::Submit,
        KeyCode::Char('j') if ctrl(key) => InputAction::Newline,
        KeyCode::Up if !shift && !alt && !ctrl(key) => InputAction::HistoryPrevious,
        KeyCode::Down if !shift && !alt && !ctrl(key) => InputAction::HistoryNext,
        KeyCode::Home if !shift => InputAction::ScrollTopIfEmpty,
        KeyCode::End if !shift => InputAction::ScrollBottomIfEmpty,
        _ => InputAction::Edit,
    }
}

pub fn approval(key: &KeyEvent) -> Option<ApprovalAction> {
    Some(match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => ApprovalAction::AllowOnce,
        KeyCode::Char('a') => ApprovalAction::AllowForSession,
        KeyCode::Char('A') => ApprovalAction::AllowAlways,
        KeyCode::Char('n') | KeyCode::Char('N') => ApprovalAction::Deny,
        KeyCode::Char('d') | KeyCode::Char('D') => ApprovalAction::DenyWithNote,
        KeyCode::Esc => ApprovalAction::DenyAndStop,
        KeyCode::Char('j') | KeyCode::Down => ApprovalAction::ScrollDown,
        KeyCode::Char('k') | KeyCode::Up => ApprovalAction::ScrollUp,
        KeyCode::PageDown | KeyCode::Char(' ') => ApprovalAction::PageDown,
        KeyCode::PageUp => ApprovalAction::PageUp,
        KeyCode::Char(']') | KeyCode::Char('}') => ApprovalAction::NextHunk,
        KeyCode::Char('[') | KeyCode::Char('{') => ApprovalAction::PreviousHunk,
        KeyCode::Char('v') => ApprovalAction::ToggleLayout,
        _ => return None,
    })
}

pub fn activity(key: &KeyEvent) -> Option<ActivityAction> {
    Some(match key.code {
        KeyCode::Char('j') | KeyCode::Down => ActivityAction::Next,
        KeyCode::Char('k') | KeyCode::Up => ActivityAction::Previous,
        KeyCode::Enter | KeyCode::Char(' ') => ActivityAction::Toggle,
        KeyCode::Esc | KeyCode::Char('i') => ActivityAction::Leave,
        _ => return None,
    })
}
