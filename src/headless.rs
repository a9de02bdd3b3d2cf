//! Headless mode (`claw -p`): one prompt, the answer on stdout, tool activity on stderr.
//! Tools that would need approval are denied (there is nobody to ask).

use std::io::Write;

use crate::agent::AgentHandle;
use crate::config::settings::BrokenFile;
use crate::protocol::{AgentEvent, Decision, Op, TurnStop};

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

/// Runs one turn and returns the exit status: 0 when the model finished, 1 otherwise. A
/// prompt naming one of `custom_commands` (`/review src`) runs that command.
pub async fn run(mut handle: AgentHandle, prompt: String, custom_commands: &[String]) -> i32 {
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
    if handle.ops.send(op).is_err() {
        return 1;
    }
    let mut stdout = std::io::stdout();
    let mut failed = false;
    while let Some(event) = handle.events.recv().await {
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
                let _ = handle.ops.send(Op::Decide {
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
                let _ = handle.ops.send(Op::Shutdown);
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
    1
}

#[cfg(test)]
mod tests {
    use super::*;

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
