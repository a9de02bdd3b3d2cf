//! What happened that the model would not otherwise hear, said as short notes in the user turn:
//! plan mode turned on or off, and an answer the user interrupted. Each is said once, when it
//! becomes true, so a request costs nothing extra otherwise.

use crate::agent::turn::Session;
use crate::protocol::PermissionMode;
use crate::provider::{ContentBlock, Message, Role};

pub(crate) const PLAN_ON: &str = "<system-reminder>Plan mode is on: only read-only tools and \
commands that only read run. Explore, then present your plan with ExitPlanMode and wait for \
the user's approval before changing anything.</system-reminder>";
pub(crate) const PLAN_OFF: &str = "<system-reminder>Plan mode is off: you may change files and \
run commands again, as the permission rules allow.</system-reminder>";
pub(crate) const INTERRUPTED: &str = "[The user interrupted your previous answer. It stops \
where they stopped reading; don't resume it unless asked.]";

/// Whether a user text block is one of claw's notes to the model (never shown as the user's).
pub(crate) fn is_note(text: &str) -> bool {
    [PLAN_ON, PLAN_OFF, INTERRUPTED].contains(&text)
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

    /// Before the user's next message: the note that the last answer was interrupted.
    pub(crate) fn note_interruption(&mut self) {
        if std::mem::take(&mut self.conversation.interrupted) {
            self.conversation
                .history
                .push_user_text(INTERRUPTED.to_string());
        }
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
