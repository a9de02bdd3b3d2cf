//! Headless mode (`claw -p`): one prompt, the answer on stdout, tool activity on stderr.
//! Tools that would need approval are denied (there is nobody to ask).

use std::io::Write;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::config::settings::BrokenFile;
use crate::protocol::{AgentEvent, ApprovalRequest, Decision, Op, TurnStop};
use crate::signals::{Stop, exit_status};

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

/// Runs one turn and returns the exit status: 0 when the model finished, 1 otherwise, 128+n
/// after signal n. A prompt naming one of `custom_commands` (`/review src`) runs that command.
pub async fn run(
    ops: UnboundedSender<Op>,
    mut events: UnboundedReceiver<AgentEvent>,
    mut stop: Stop,
    prompt: String,
    custom_commands: &[String],
) -> i32 {
    let op = match prompt
        .trim()
        .strip_prefix('/')
        .map(|rest| rest.split_once(char::is_whitespace).unwrap_or((rest, "")))
    {
        Some((name, args)) if custom_commands.iter().any(|c| c == name) => Op::CustomCommand {
            name: name.to_string(),
            args: args.trim().to_string(),
        },
        _ => Op::UserTurn { text: prompt },
    };
    if ops.send(op).is_err() {
        return 1;
    }
    let mut stdout = std::io::stdout();
    let mut failed = false;
    // Why the turn will end early, once a tool call was denied.
    let mut stopped_for: Option<String> = None;
    loop {
        let event = tokio::select! {
            event = events.recv() => match event {
                Some(event) => event,
                None => return 1,
            },
            signal = stop.requested() => {
                let _ = ops.send(Op::Shutdown(crate::protocol::ExitReason::Other));
                eprintln!("claw: stopped by {}", crate::signals::name(signal));
                return exit_status(signal);
            }
        };
        match event {
            AgentEvent::TextDelta(text) => {
                let _ = stdout.write_all(text.as_bytes());
                let _ = stdout.flush();
            }
            AgentEvent::MessageDone => {
                let _ = stdout.write_all(b"\n");
            }
            AgentEvent::ToolStarted { tool, summary, .. } => eprintln!("[{tool}] {summary}"),
            AgentEvent::ToolFinished { summary, .. } if !summary.is_empty() => {
                eprintln!("  → {summary}")
            }
            AgentEvent::ApprovalNeeded(request) => {
                // Nobody can approve it: stop rather than let the model work around it, and
                // say how to allow it next time.
                eprintln!("  denied: {} needs approval", request.tool);
                stopped_for.get_or_insert_with(|| needs_approval(&request));
                let _ = ops.send(Op::Decide {
                    id: request.id,
                    decision: Decision::DenyAndStop,
                });
            }
            AgentEvent::Error { message } => {
                eprintln!("error: {message}");
                failed = true;
            }
            AgentEvent::Retrying { reason, .. } => eprintln!("{reason}; retrying"),
            AgentEvent::Notice { message } => eprintln!("{message}"),
            AgentEvent::Info { title, body } => eprintln!("{title}\n{body}"),
            AgentEvent::RewindPoints(points) => {
                for point in points {
                    eprintln!("{:>3}. {}", point.turn, point.prompt);
                }
            }
            AgentEvent::EditFile { path } => eprintln!("(edit {path} in your editor)"),
            AgentEvent::TurnEnded { stop } => {
                let _ = ops.send(Op::Shutdown(crate::protocol::ExitReason::Other));
                if let Some(why) = why_stopped(&stop, stopped_for.take()) {
                    eprintln!("claw: stopped: {why}");
                }
                return match stop {
                    TurnStop::Done => i32::from(failed),
                    TurnStop::MaxTokens
                    | TurnStop::Refusal
                    | TurnStop::Interrupted
                    | TurnStop::Failed
                    | TurnStop::MaxTurns
                    | TurnStop::MaxBudget => 1,
                };
            }
            AgentEvent::SessionInfo { .. }
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
            | AgentEvent::Models(_)
            | AgentEvent::SessionStarted(_)
            | AgentEvent::AssistantMessage(_)
            | AgentEvent::StructuredOutput(_)
            | AgentEvent::Sessions(_)
            | AgentEvent::GitDiff(_)
            | AgentEvent::EffortChanged(_)
            | AgentEvent::McpServers(_) => {}
            AgentEvent::LocalServers(_) => {}
        }
    }
}

/// What stderr says about a tool call `-p` had to deny.
fn needs_approval(request: &ApprovalRequest) -> String {
    format!(
        "{} needs approval, which -p cannot ask for; allow it with a rule such as \"{}\" in \
         the settings' permissions.allow, or a --permission-mode that allows it",
        request.tool, request.session_rule
    )
}

/// Why a turn that did not finish ended, for stderr (None: finished, or the error was shown).
fn why_stopped(stop: &TurnStop, denied: Option<String>) -> Option<String> {
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
