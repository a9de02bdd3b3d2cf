//! What happened that the model would not otherwise hear, said as short notes in the user turn:
//! plan mode turned on or off, and a turn the user interrupted. Each is said once, when it
//! becomes true, so a request costs nothing extra otherwise.

use crate::agent::turn::Session;
use crate::protocol::PermissionMode;
use crate::provider::{ContentBlock, Message, Role};

pub(crate) const PLAN_ON: &str = "<system-reminder>Plan mode is on: only read-only tools and \
commands that only read run. Explore, then present your plan with ExitPlanMode and wait for \
the user's approval before changing anything.</system-reminder>";
pub(crate) const PLAN_OFF: &str = "<system-reminder>Plan mode is off: you may change files and \
run commands again, as the permission rules allow.</system-reminder>";
/// A turn the user stopped, as Claude Code records it: in the session log at once, so a
/// resumed session (and its model) knows the turn was cut.
pub(crate) const INTERRUPTED: &str = "[Request interrupted by user]";
/// The same, when the user stopped a tool call (its result says it didn't run to the end).
pub(crate) const INTERRUPTED_FOR_TOOL_USE: &str = "[Request interrupted by user for tool use]";
/// The note claw wrote before the next prompt until it recorded interruptions as they happen
/// (sessions saved then still carry it).
const INTERRUPTED_BEFORE_NEXT_PROMPT: &str = "[The user interrupted your previous answer. It \
stops where they stopped reading; don't resume it unless asked.]";

/// Whether a user text block is one of claw's notes to the model (never shown as the user's).
pub(crate) fn is_note(text: &str) -> bool {
    [PLAN_ON, PLAN_OFF].contains(&text) || is_interruption(text)
}

/// Whether a user text block records an interrupted turn (shown again on resume).
pub(crate) fn is_interruption(text: &str) -> bool {
    [
        INTERRUPTED,
        INTERRUPTED_FOR_TOOL_USE,
        INTERRUPTED_BEFORE_NEXT_PROMPT,
    ]
    .contains(&text)
}

/// Where the user stopped a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cut {
    /// While the model was answering.
    Answer,
    /// While a tool call waited for approval or ran.
    ToolUse,
}

/// The note recording a turn cut at `cut`.
pub(crate) fn interruption_note(cut: Cut) -> &'static str {
    match cut {
        Cut::Answer => INTERRUPTED,
        Cut::ToolUse => INTERRUPTED_FOR_TOOL_USE,
    }
}

/// The note for a plan mode the model hasn't been told about: `told` is what it last heard.
pub(crate) fn plan_note(told: bool, mode: PermissionMode) -> Option<&'static str> {
    match (told, mode == PermissionMode::Plan) {
        (false, true) => Some(PLAN_ON),
        (true, false) => Some(PLAN_OFF),
        (true, true) | (false, false) => None,
    }
}

/// The assistant message to keep from an answer cut short: its text so far (thinking without
/// its signature can't be sent back, and a tool call without a result mustn't be).
pub(crate) fn partial_answer(text: &str) -> Option<Message> {
    (!text.trim().is_empty()).then(|| Message {
        role: Role::Assistant,
        content: vec![ContentBlock::Text {
            text: text.trim_end().to_string(),
        }],
    })
}

impl Session {
    /// Tells the model of a plan mode change since it last heard, in the user message that
    /// the next request ends with.
    pub(crate) fn note_plan_mode(&mut self) {
        let mode = self.policy.permissions.mode;
        if let Some(note) = plan_note(self.conversation.plan_told, mode) {
            self.conversation.history.push_user_text(note.to_string());
            self.conversation.plan_told = mode == PermissionMode::Plan;
        }
    }

    /// Records that the user stopped the turn, as a user text the session log keeps: it
    /// joins the message of the tool results (after them, as the API wants) or starts one
    /// after the partial answer, and the next prompt joins it.
    pub(crate) fn note_interruption(&mut self, cut: Cut) {
        self.conversation
            .history
            .push_user_text(interruption_note(cut).to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_mode_is_told_once_on_and_once_off() {
        assert_eq!(plan_note(false, PermissionMode::Plan), Some(PLAN_ON));
        assert_eq!(plan_note(true, PermissionMode::Plan), None);
        assert_eq!(plan_note(true, PermissionMode::Default), Some(PLAN_OFF));
        assert_eq!(plan_note(false, PermissionMode::AcceptEdits), None);
    }

    #[test]
    fn interruptions_are_noted_as_claude_code_notes_them_and_old_notes_are_known() {
        assert_eq!(
            interruption_note(Cut::Answer),
            "[Request interrupted by user]"
        );
        assert_eq!(
            interruption_note(Cut::ToolUse),
            "[Request interrupted by user for tool use]"
        );
        assert!(is_interruption(INTERRUPTED_BEFORE_NEXT_PROMPT));
        assert!(is_note(INTERRUPTED) && is_note(INTERRUPTED_FOR_TOOL_USE));
        assert!(!is_interruption(PLAN_ON));
        assert!(!is_note("[Request interrupted by user] and more"));
    }

    #[test]
    fn only_text_survives_an_interruption() {
        assert_eq!(partial_answer("  \n"), None);
        assert_eq!(
            partial_answer("Half an answ\n"),
            Some(Message {
                role: Role::Assistant,
                content: vec![ContentBlock::Text {
                    text: "Half an answ".into()
                }],
            })
        );
    }
}
