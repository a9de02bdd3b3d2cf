//! Headless mode (`claw -p`): one prompt, the answer on stdout, tool activity on stderr.
//! Tools that would need approval are denied (there is nobody to ask).

use std::io::Write;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::protocol::{AgentEvent, Decision, Op, TurnStop};
use crate::signals::{Stop, exit_status};

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
        Some((name, args)) if custom_commands.iter().any(|c| c == name) => Op::Command {
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
    loop {
        let event = tokio::select! {
            event = events.recv() => match event {
                Some(event) => event,
                None => return 1,
            },
            signal = stop.requested() => {
                let _ = ops.send(Op::Shutdown);
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
                eprintln!(
                    "  denied: {} needs approval, and claw -p cannot ask",
                    request.tool
                );
                let _ = ops.send(Op::Decide {
                    id: request.id,
                    decision: Decision::Deny,
                });
            }
            AgentEvent::Error { message } => {
                eprintln!("error: {message}");
                failed = true;
            }
            AgentEvent::Retrying { reason, .. } => eprintln!("{reason}; retrying"),
            AgentEvent::Notice { message } => eprintln!("{message}"),
            AgentEvent::Info { title, body } => eprintln!("{title}\n{body}"),
            AgentEvent::EditFile { path } => eprintln!("(edit {path} in your editor)"),
            AgentEvent::TurnEnded { stop } => {
                let _ = ops.send(Op::Shutdown);
                return match stop {
                    TurnStop::Done => i32::from(failed),
                    TurnStop::MaxTokens
                    | TurnStop::Refusal
                    | TurnStop::Interrupted
                    | TurnStop::Failed => 1,
                };
            }
            AgentEvent::SessionInfo { .. }
            | AgentEvent::TurnStarted
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
            | AgentEvent::Sessions(_)
            | AgentEvent::GitDiff(_)
            | AgentEvent::EffortChanged(_) => {}
        }
    }
}
