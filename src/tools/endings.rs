//! What the model is told when a call does not run to its end, in one place: the agent writes
//! these as tool results, and a resumed transcript reads them back, so each call is shown as it
//! ended (interrupted, denied) and not as a failure.

use crate::protocol::ToolOutcome;

/// The user interrupted the call.
pub const INTERRUPTED: &str = "Interrupted by the user before it finished.";
/// claw quit while the call ran.
pub const SHUTTING_DOWN: &str = "Interrupted: claw is shutting down.";
/// The call never got a result (claw stopped, or crashed, before it did).
pub const NOT_FINISHED: &str = "Not finished: claw stopped before this tool call completed.";
/// The start of every refusal the user gave at the prompt.
pub const USER_DENIED: &str = "The user denied this tool call";
/// The start of a refusal by a permission rule.
pub const RULE_DENIED: &str = "Permission denied: ";
/// The start of a refusal by a PreToolUse hook.
pub const HOOK_BLOCKED: &str = "Blocked by a PreToolUse hook: ";
/// The start of a refusal by a PermissionRequest hook.
pub const HOOK_DENIED: &str = "Denied by a PermissionRequest hook: ";

/// How a call whose result is `content` ended, and the activity line's word for it.
pub fn ended(content: &str, is_error: bool) -> (ToolOutcome, &'static str) {
    if !is_error {
        return (ToolOutcome::Success, "");
    }
    let starts = |prefix: &str| content.starts_with(prefix);
    if [INTERRUPTED, SHUTTING_DOWN, NOT_FINISHED].contains(&content) {
        (ToolOutcome::Interrupted, "interrupted")
    } else if starts(USER_DENIED) {
        (ToolOutcome::Denied, "denied")
    } else if starts(RULE_DENIED) {
        (ToolOutcome::Denied, "denied by a rule")
    } else if starts(HOOK_BLOCKED) {
        (ToolOutcome::Denied, "blocked by a hook")
    } else if starts(HOOK_DENIED) {
        (ToolOutcome::Denied, "denied by a hook")
    } else {
        (ToolOutcome::Failed, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Decision;
    use crate::tools::ToolError;

    #[test]
    fn each_way_a_call_is_cut_short_reads_back_as_it_ended() {
        let refused = |decision: Decision| ToolError::refusal(&decision).unwrap().to_string();
        let cases = [
            (INTERRUPTED.to_string(), ToolOutcome::Interrupted),
            (
                ToolError::ShuttingDown.to_string(),
                ToolOutcome::Interrupted,
            ),
            (NOT_FINISHED.to_string(), ToolOutcome::Interrupted),
            (refused(Decision::Deny), ToolOutcome::Denied),
            (
                refused(Decision::DenyWithNote("tabs".into())),
                ToolOutcome::Denied,
            ),
            (refused(Decision::DenyAndStop), ToolOutcome::Denied),
            (format!("{RULE_DENIED}Bash(rm:*)."), ToolOutcome::Denied),
            (format!("{HOOK_BLOCKED}no"), ToolOutcome::Denied),
            (format!("{HOOK_DENIED}no"), ToolOutcome::Denied),
            ("file not found: a.txt".to_string(), ToolOutcome::Failed),
        ];
        for (content, outcome) in cases {
            assert_eq!(ended(&content, true).0, outcome, "{content}");
        }
        assert_eq!(ended(INTERRUPTED, false).0, ToolOutcome::Success);
    }
}
