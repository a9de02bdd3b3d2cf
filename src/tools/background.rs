//! Background shells: `Bash` with run_in_background starts a command that outlives the turn;
//! `BashOutput` reads what it printed since the last look, `KillShell` stops it. Their output
//! keeps streaming into the activity pane under the Bash call that started them.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::bash::{GroupGuard, spawn};
use crate::tools::command_output::pump;
use crate::tools::head_tail::{Cut, HeadTail};
use crate::tools::{
    ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput, optional_str, required_str,
};

/// The most of a shell's output one BashOutput returns, and all that is held between reads.
const MAX_READ_BYTES: usize = 30_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShellStatus {
    Running,
    Exited(i32),
    Killed,
}

struct Shell {
    command: String,
    /// What it printed since BashOutput last looked: its head and tail, bounded.
    unread: Arc<Mutex<HeadTail>>,
    status: Arc<Mutex<ShellStatus>>,
    pgid: i32,
}

/// The background shells of a session.
#[derive(Default)]
pub struct Shells {
    next: u32,
    shells: BTreeMap<String, Shell>,
}

impl Shells {
    /// (id, command, status) of every shell, for the UI and /status.
    pub fn list(&self) -> Vec<(String, String, ShellStatus)> {
        self.shells
            .iter()
            .map(|(id, s)| {
                (
                    id.clone(),
                    s.command.clone(),
                    s.status.lock().map(|g| *g).unwrap_or(ShellStatus::Killed),
                )
            })
            .collect()
    }
}

fn status_text(status: ShellStatus) -> String {
    match status {
        ShellStatus::Running => "running".into(),
        ShellStatus::Exited(code) => format!("exited with code {code}"),
        ShellStatus::Killed => "killed".into(),
    }
}

/// Starts `command` in the background and returns at once.
pub fn start(
    command: &str,
    ctx: &ToolContext,
    progress: ProgressSink,
) -> Result<ToolOutput, ToolError> {
    let mut child = spawn(command, ctx)?;
    let pgid = child.id().map(|p| p as i32).unwrap_or(0);
    let output = Arc::new(Mutex::new(HeadTail::new(
        MAX_READ_BYTES / 2,
        MAX_READ_BYTES / 2,
    )));
    let status = Arc::new(Mutex::new(ShellStatus::Running));
    if let Some(pipe) = child.stdout.take() {
        tokio::spawn(pump(pipe, Arc::clone(&output), Arc::clone(&progress)));
    }
    if let Some(pipe) = child.stderr.take() {
        tokio::spawn(pump(pipe, Arc::clone(&output), Arc::clone(&progress)));
    }
    let watched = Arc::clone(&status);
    tokio::spawn(async move {
        // Kills the group when the command ends, or when claw exits and drops this task.
        let _guard = GroupGuard(pgid);
        let code = child.wait().await.ok().and_then(|s| s.code()).unwrap_or(-1);
        if let Ok(mut s) = watched.lock()
            && *s == ShellStatus::Running
        {
            *s = ShellStatus::Exited(code);
        }
        progress(format!("[background command exited with code {code}]\n"));
    });
    let mut shells = ctx
        .shells
        .lock()
        .map_err(|_| ToolError::Failed("shells poisoned".into()))?;
    shells.next += 1;
    let id = format!("bash_{}", shells.next);
    shells.shells.insert(
        id.clone(),
        Shell {
            command: command.to_string(),
            unread: output,
            status,
            pgid,
        },
    );
    Ok(ToolOutput {
        content: format!(
            "Started in the background as {id}. Read its output with BashOutput {{\"bash_id\": \"{id}\"}}; stop it with KillShell {{\"shell_id\": \"{id}\"}}."
        ),
        summary: format!("background {id}"),
        ..Default::default()
    })
}

pub struct BashOutput;
pub struct KillShell;

impl BashOutput {
    fn read(&self, input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let id = required_str(input, "bash_id")?;
        let filter = optional_str(input, "filter")
            .map(regex::Regex::new)
            .transpose()
            .map_err(|e| ToolError::InvalidInput(format!("bad filter: {e}")))?;
        let mut shells = ctx
            .shells
            .lock()
            .map_err(|_| ToolError::Failed("shells poisoned".into()))?;
        let known: Vec<String> = shells.shells.keys().cloned().collect();
        let shell = shells.shells.get_mut(id).ok_or_else(|| {
            ToolError::NotFound(format!(
                "no background shell `{id}` (running: {})",
                known.join(", ")
            ))
        })?;
        let unread = shell
            .unread
            .lock()
            .map(|mut u| u.take())
            .map_err(|_| ToolError::Failed("shells poisoned".into()))?;
        let cut = unread.cut(MAX_READ_BYTES);
        let keep = |text: &str| -> String {
            match &filter {
                Some(re) => text
                    .lines()
                    .filter(|l| re.is_match(l))
                    .map(|l| format!("{l}\n"))
                    .collect(),
                None => text.to_string(),
            }
        };
        let new = if cut.cut_bytes == 0 {
            keep(&cut.head)
        } else {
            let notice = format!(
                "[… {} dropped from the middle of the output since the last read …]",
                cut.amount()
            );
            Cut {
                head: keep(&cut.head),
                tail: keep(&cut.tail),
                ..cut
            }
            .join(&notice)
        };
        let status = shell
            .status
            .lock()
            .map(|s| *s)
            .unwrap_or(ShellStatus::Killed);
        let body = if new.trim().is_empty() {
            "(no new output)".to_string()
        } else {
            new.trim_end().to_string()
        };
        Ok(ToolOutput {
            content: format!("{id} is {}.\n{body}", status_text(status)),
            summary: status_text(status),
            ..Default::default()
        })
    }
}

impl Tool for BashOutput {
    fn name(&self) -> Cow<'static, str> {
        "BashOutput".into()
    }
    fn description(&self) -> Cow<'static, str> {
        "Reads what a background Bash command printed since you last looked, and whether it is \
         still running. filter (a regex) keeps only matching lines. Only the first and last \
         15000 bytes printed between two reads are kept; the result says how much was dropped."
            .into()
    }
    fn input_schema(&self) -> Value {
        json!({"type": "object", "properties": {
            "bash_id": {"type": "string", "description": "The id Bash returned when it started the command in the background"},
            "filter": {"type": "string", "description": "A regular expression: only matching lines are returned (the others are still consumed)"}
        }, "required": ["bash_id"]})
    }
    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }
    fn summarize(&self, input: &Value) -> String {
        input["bash_id"].as_str().unwrap_or("").to_string()
    }
    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        required_str(input, "bash_id")?;
        Ok(ApprovalPreview::None)
    }
    fn run<'a>(
        &'a self,
        input: Value,
        ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move { self.read(&input, ctx) })
    }
}

impl Tool for KillShell {
    fn name(&self) -> Cow<'static, str> {
        "KillShell".into()
    }
    fn description(&self) -> Cow<'static, str> {
        "Stops a background Bash command (its whole process group).".into()
    }
    fn input_schema(&self) -> Value {
        json!({"type": "object", "properties": {
            "shell_id": {"type": "string", "description": "The id Bash returned when it started the command in the background (the bash_id of BashOutput)"}
        }, "required": ["shell_id"]})
    }
    fn risk(&self) -> Risk {
        // It only stops what claw itself started.
        Risk::ReadOnly
    }
    fn summarize(&self, input: &Value) -> String {
        input["shell_id"].as_str().unwrap_or("").to_string()
    }
    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        required_str(input, "shell_id")?;
        Ok(ApprovalPreview::None)
    }
    fn run<'a>(
        &'a self,
        input: Value,
        ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let id = required_str(&input, "shell_id")?;
            let shells = ctx
                .shells
                .lock()
                .map_err(|_| ToolError::Failed("shells poisoned".into()))?;
            let shell = shells
                .shells
                .get(id)
                .ok_or_else(|| ToolError::NotFound(format!("no background shell `{id}`")))?;
            let mut status = shell
                .status
                .lock()
                .map_err(|_| ToolError::Failed("shells poisoned".into()))?;
            if *status != ShellStatus::Running {
                return Ok(ToolOutput {
                    content: format!("{id} had already {}.", status_text(*status)),
                    summary: status_text(*status),
                    ..Default::default()
                });
            }
            *status = ShellStatus::Killed;
            // Dropping a guard sends TERM, then KILL, to the group.
            drop(GroupGuard(shell.pgid));
            Ok(ToolOutput {
                content: format!("Stopped {id} ({}).", shell.command),
                summary: "killed".into(),
                ..Default::default()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn run(
        tool: &dyn Tool,
        ctx: &ToolContext,
        input: Value,
    ) -> Result<ToolOutput, ToolError> {
        tool.run(input, ctx, Arc::new(|_| {})).await
    }

    #[tokio::test]
    async fn a_background_command_is_read_incrementally_and_killed() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = ToolContext::new(dir.path().to_path_buf());
        let started = run(
            &crate::tools::bash::Bash,
            &ctx,
            json!({"command": "echo first; sleep 0.2; echo second; sleep 44.4", "run_in_background": true}),
        )
        .await
        .unwrap();
        assert!(started.content.contains("bash_1"), "{}", started.content);
        // Wait (bounded) for both lines: the command runs on its own.
        let mut seen = String::new();
        for _ in 0..100 {
            let out = run(&BashOutput, &ctx, json!({"bash_id": "bash_1"}))
                .await
                .unwrap();
            assert!(out.content.starts_with("bash_1 is running."));
            seen.push_str(&out.content);
            if seen.contains("second") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(
            seen.matches("first").count(),
            1,
            "each line is returned once: {seen}"
        );
        let filtered = run(
            &BashOutput,
            &ctx,
            json!({"bash_id": "bash_1", "filter": "x"}),
        )
        .await
        .unwrap();
        assert!(filtered.content.contains("(no new output)"));
        let killed = run(&KillShell, &ctx, json!({"shell_id": "bash_1"}))
            .await
            .unwrap();
        assert_eq!(killed.summary, "killed");
        let after = run(&BashOutput, &ctx, json!({"bash_id": "bash_1"}))
            .await
            .unwrap();
        assert!(
            after.content.starts_with("bash_1 is killed."),
            "{}",
            after.content
        );
        assert!(
            run(&BashOutput, &ctx, json!({"bash_id": "nope"}))
                .await
                .is_err()
        );
        assert_eq!(ctx.shells.lock().unwrap().list()[0].2, ShellStatus::Killed);
    }

    #[tokio::test]
    async fn a_background_flood_is_kept_bounded_and_says_what_was_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = ToolContext::new(dir.path().to_path_buf());
        run(
            &crate::tools::bash::Bash,
            &ctx,
            json!({"command": "seq 1 200000", "run_in_background": true}),
        )
        .await
        .unwrap();
        for _ in 0..250 {
            if ctx.shells.lock().unwrap().list()[0].2 != ShellStatus::Running {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The command has exited; what is left in the pipe is read at once.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let out = run(&BashOutput, &ctx, json!({"bash_id": "bash_1"}))
            .await
            .unwrap();
        let all: String = (1..=200_000).map(|i| format!("{i}\n")).collect();
        let (head, tail) = (&all[..15_000], &all[all.len() - 15_000..]);
        let cut_lines = 200_000 - head.matches('\n').count() - tail.matches('\n').count();
        let notice = format!(
            "[… {} bytes ({} lines) dropped from the middle of the output since the last read …]",
            crate::tools::head_tail::grouped((all.len() - 30_000) as u64),
            crate::tools::head_tail::grouped(cut_lines as u64)
        );
        assert_eq!(
            out.content,
            format!(
                "bash_1 is exited with code 0.\n{head}\n{notice}\n{}",
                tail.trim_end()
            )
        );
        // The next read starts afresh.
        let again = run(&BashOutput, &ctx, json!({"bash_id": "bash_1"}))
            .await
            .unwrap();
        assert!(
            again.content.ends_with("(no new output)"),
            "{}",
            again.content
        );
    }
}
