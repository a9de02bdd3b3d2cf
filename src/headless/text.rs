//! `--output-format text` (the default of `claw -p`): the answer on stdout, tool activity on
//! stderr, and on stderr why a turn that did not finish stopped. With `--json-schema` the
//! answer is the validated structured output, one line of JSON, and the prose is left out.

use std::io::Write;

use crate::config::settings::BrokenFile;
use crate::protocol::{AgentEvent, ApprovalRequest, TurnStop};

/// The exit status of `claw -p` when a settings file doesn't parse (nothing was run).
pub const BROKEN_SETTINGS_EXIT: i32 = 2;

/// What `claw -p` prints on stderr instead of running, when settings files don't parse.
pub fn broken_settings_message(broken: &[BrokenFile]) -> String {
    let mut text = String::new();
    for file in broken {
        text.push_str(&format!("claw: {file}\n"));
    }
    text.push_str(
        "claw: a settings file that doesn't parse could hold deny rules, so claw -p won't run \
         without it: fix it (or move it aside) and run again. Nothing was sent to the model.\n",
    );
    text
}

/// What text output prints as the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The model's prose, as it streams.
    Prose,
    /// Only the structured output (`--json-schema`), as JSON once it is validated: a script
    /// reads stdout as JSON.
    Structured,
}

/// Text output: the answer streams to stdout, tool activity and notices go to stderr.
pub fn show(event: &AgentEvent, answer: Answer) {
    let mut stdout = std::io::stdout();
    match event {
        AgentEvent::TextDelta(_) | AgentEvent::MessageDone if answer == Answer::Structured => {}
        AgentEvent::StructuredOutput(value) if answer == Answer::Structured => {
            let _ = writeln!(stdout, "{value}");
            let _ = stdout.flush();
        }
        AgentEvent::TextDelta(text) => {
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
        }
        AgentEvent::MessageDone => {
            let _ = stdout.write_all(b"\n");
        }
        AgentEvent::ToolStarted { tool, summary, .. } => super::say!("[{tool}] {summary}"),
        AgentEvent::ToolFinished { summary, .. } if !summary.is_empty() => {
            super::say!("  \u{2192} {summary}")
        }
        AgentEvent::Error { message } => super::say!("error: {message}"),
        AgentEvent::Retrying { .. } => {
            if let Some(retry) = super::api_retry::Retry::of(event) {
                super::say!("{}", retry.sentence());
            }
        }
        AgentEvent::Notice { message } => super::say!("{message}"),
        AgentEvent::Info { title, body } => super::say!("{title}\n{body}"),
        AgentEvent::RewindPoints(points) => {
            for point in points {
                super::say!("{:>3}. {}", point.turn, point.prompt);
            }
        }
        AgentEvent::EditFile { path } => super::say!("(edit {path} in your editor)"),
        AgentEvent::SessionInfo { .. }
        | AgentEvent::ApprovalNeeded(_)
        | AgentEvent::TurnEnded { .. }
        | AgentEvent::TurnStarted { .. }
        | AgentEvent::UserText { .. }
        | AgentEvent::Compacted { .. }
        | AgentEvent::TranscriptReset
        | AgentEvent::Todos { .. }
        | AgentEvent::PermissionModeChanged(_)
        | AgentEvent::RequestStarted
        | AgentEvent::ThinkingDelta(_)
        | AgentEvent::ToolFinished { .. }
        | AgentEvent::ToolProgress { .. }
        | AgentEvent::Usage { .. }
        | AgentEvent::SessionStarted(_)
        | AgentEvent::TranscriptRestored { .. }
        | AgentEvent::AssistantMessage(_)
        | AgentEvent::StructuredOutput(_)
        | AgentEvent::EffortChanged(_)
        | AgentEvent::McpServers(_)
        | AgentEvent::LookedUp { .. }
        | AgentEvent::StreamEvent(_)
        | AgentEvent::ElicitationNeeded(_)
        | AgentEvent::ElicitationCompleted { .. } => {}
    }
}

/// What stderr says about a tool call `-p` had to deny.
pub fn needs_approval(request: &ApprovalRequest) -> String {
    format!(
        "{} needs approval, which -p cannot ask for; allow it with a rule such as \"{}\" in \
         the settings' permissions.allow, or a --permission-mode that allows it",
        request.tool, request.session_rule
    )
}

/// Why a turn that did not finish ended, for stderr (None: finished, or the error was shown).
pub fn why_stopped(stop: &TurnStop, denied: Option<String>) -> Option<String> {
    match stop {
        TurnStop::Done | TurnStop::Failed => None,
        TurnStop::Interrupted => Some(denied.unwrap_or_else(|| "interrupted".into())),
        TurnStop::Refusal => Some("the model refused to answer".into()),
        TurnStop::MaxTokens => Some("the answer reached the output token limit".into()),
        TurnStop::MaxTurns => Some("the turn reached --max-turns".into()),
        TurnStop::MaxBudget => Some("the session reached --max-budget-usd".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ApprovalPreview;

    #[test]
    fn each_early_stop_has_a_reason_and_a_finished_turn_none() {
        let request = ApprovalRequest {
            id: 7,
            call_id: "t1".into(),
            tool: "Bash".into(),
            summary: "rm x".into(),
            preview: ApprovalPreview::Command {
                command: "rm x".into(),
                description: None,
            },
            session_rule: "Bash(rm:*)".into(),
            input: serde_json::json!({"command": "rm x"}),
            rules: vec!["Bash(rm:*)".into()],
        };
        let denied = needs_approval(&request);
        assert!(denied.starts_with("Bash needs approval, which -p cannot ask for"));
        assert!(denied.contains("\"Bash(rm:*)\""), "{denied}");
        assert_eq!(
            why_stopped(&TurnStop::Interrupted, Some(denied.clone())),
            Some(denied)
        );
        assert_eq!(
            why_stopped(&TurnStop::Refusal, None).as_deref(),
            Some("the model refused to answer")
        );
        assert_eq!(why_stopped(&TurnStop::Done, None), None);
        assert_eq!(why_stopped(&TurnStop::Failed, None), None);
    }

    #[test]
    fn the_broken_settings_message_names_each_file_and_position() {
        let broken = |path: &str, line, column| BrokenFile {
            path: path.into(),
            line,
            column,
            message: "not valid JSON: trailing comma".into(),
        };
        let text = broken_settings_message(&[broken("/p/a.json", 3, 9), broken("/p/b.json", 1, 2)]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "claw: /p/a.json:3:9: not valid JSON: trailing comma"
        );
        assert_eq!(
            lines[1],
            "claw: /p/b.json:1:2: not valid JSON: trailing comma"
        );
        assert!(lines[2].contains("Nothing was sent to the model"), "{text}");
    }
}
