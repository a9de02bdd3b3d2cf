//! How a tool call fails, worded for the model (each becomes an `is_error` tool_result it can
//! act on) and for the user; some say how the turn goes on (interrupted, declined and stopped).

use thiserror::Error;

use crate::protocol::Decision;
use crate::tools::encoding;
use crate::tools::endings::USER_DENIED;

/// A tool failure, worded for the model (it becomes an `is_error` tool_result) and the user.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ToolError {
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("file not found: {0}")]
    NotFound(String),
    #[error(
        "{path} has no cell `{id}` (it has {cells}; use a cell's id, or cell-N counting from 0)"
    )]
    NoCell {
        path: String,
        id: String,
        cells: String,
    },
    #[error("{path} is a binary file; Read shows text files only")]
    Binary { path: String },
    #[error("{path} has not been read yet in this session: Read it before editing it")]
    NotRead { path: String },
    #[error("{path} has changed since it was last read: Read it again before editing it")]
    Stale { path: String },
    #[error("old_string was not found in {path}")]
    NoMatch { path: String },
    #[error(
        "old_string matches {count} places in {path}: add surrounding context to make it unique, or set replace_all"
    )]
    NotUnique { path: String, count: usize },
    #[error("old_string and new_string are identical: nothing to change")]
    NoChange,
    #[error("{path}: {problem}")]
    Encoding {
        path: String,
        problem: encoding::EncodingError,
    },
    #[error("command timed out after {ms} ms")]
    Timeout { ms: u64 },
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Failed(String),
    /// A failure the tool words itself, with its own one-line summary ("unavailable").
    #[error("{message}")]
    Reported {
        message: String,
        summary: &'static str,
    },
    /// The user declined (a question left unanswered); the turn goes on.
    #[error("{0}")]
    Declined(String),
    /// The user declined and stopped the turn.
    #[error("{0}")]
    DeclinedAndStopped(String),
    /// The user interrupted the call: the turn ends.
    #[error("{0}")]
    Interrupted(String),
    #[error("{}", crate::tools::endings::SHUTTING_DOWN)]
    ShuttingDown,
}

impl ToolError {
    /// What the model is told when the user answers a prompt with a refusal; None when the
    /// answer lets the call go on.
    pub fn refusal(decision: &Decision) -> Option<ToolError> {
        match decision {
            Decision::AllowOnce
            | Decision::AllowForSession
            | Decision::AllowAlways
            | Decision::Answered(_)
            | Decision::AllowWith { .. } => None,
            Decision::DenyWith {
                message,
                stop: false,
            } => Some(ToolError::Declined(message.clone())),
            Decision::DenyWith {
                message,
                stop: true,
            } => Some(ToolError::DeclinedAndStopped(message.clone())),
            Decision::Deny => Some(ToolError::Declined(format!("{USER_DENIED}."))),
            Decision::DenyWithNote(note) => Some(ToolError::Declined(format!(
                "{USER_DENIED} and said: {note}"
            ))),
            Decision::DenyAndStop => Some(ToolError::DeclinedAndStopped(format!(
                "{USER_DENIED} and stopped the turn."
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_refusal_stops_a_call_and_only_esc_stops_the_turn() {
        for go_on in [
            Decision::AllowOnce,
            Decision::AllowForSession,
            Decision::AllowAlways,
            Decision::Answered(vec!["a".into()]),
        ] {
            assert_eq!(ToolError::refusal(&go_on), None, "{go_on:?}");
        }
        assert!(matches!(
            ToolError::refusal(&Decision::DenyWithNote("use tabs".into())),
            Some(ToolError::Declined(text)) if text.ends_with("said: use tabs")
        ));
        assert!(matches!(
            ToolError::refusal(&Decision::Deny),
            Some(ToolError::Declined(_))
        ));
        assert!(matches!(
            ToolError::refusal(&Decision::DenyAndStop),
            Some(ToolError::DeclinedAndStopped(_))
        ));
    }
}
