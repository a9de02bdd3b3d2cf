//! Bash: runs a command with `bash -c` in the working directory, in its own process group, with
//! stdin closed and pagers off. Only the head and tail of its output are held, however much it
//! prints; the newest of it streams to the activity pane in coalesced chunks. On timeout or
//! interrupt (the future dropped) the whole group gets SIGTERM then SIGKILL; after a normal exit
//! the group is killed too, so a stray background grandchild can't hold the output pipe open.

use std::borrow::Cow;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::{Value, json};
use tokio::process::Command;

use crate::protocol::ApprovalPreview;
use crate::tools::command_output::{capture, combined_output, pump, widen};
use crate::tools::{
    ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput, optional_str, optional_u64,
    required_str,
};

const DEFAULT_TIMEOUT_MS: u64 = 120_000;
const MAX_TIMEOUT_MS: u64 = 600_000;
/// How long output may keep arriving after the command exited.
const DRAIN_AFTER_EXIT: Duration = Duration::from_millis(500);
/// Between SIGTERM and SIGKILL.
const TERM_GRACE: Duration = Duration::from_millis(300);

/// Programs whose second word names a subcommand, for "allow for this session" prefixes.
const SUBCOMMAND_TOOLS: &[&str] = &[
    "git", "cargo", "npm", "pnpm", "yarn", "bun", "go", "docker", "kubectl", "pip", "pip3",
    "poetry", "uv", "make", "rustup", "brew", "apt", "apt-get", "dotnet", "mvn", "gradle", "gh",
    "npx", "deno", "python", "python3", "node",
];

pub struct Bash;

/// The command prefix that "allow for this session" covers: the program, plus its subcommand
/// for tools that have them (`cargo test`, `git status`, `npm run build`).
pub fn command_prefix(command: &str) -> String {
    let words: Vec<&str> = command
        .split_whitespace()
        .skip_while(|w| w.contains('=') && !w.starts_with('-') && !w.starts_with('='))
        .collect();
    let Some(program) = words.first() else {
        return String::new();
    };
    let mut prefix = vec![*program];
    if SUBCOMMAND_TOOLS.contains(program) {
        for word in words.iter().skip(1) {
            if word.starts_with('-') || prefix.len() >= 3 {
                break;
            }
            prefix.push(word);
            // `npm run build`, `yarn run x`: the script name is part of the prefix.
            if !matches!(*word, "run" | "exec") {
                break;
            }
        }
    }
    prefix.join(" ")
}

/// Starts `command` with bash in the cwd, in its own process group, stdin closed, pagers off.
pub(crate) fn spawn(command: &str, ctx: &ToolContext) -> Result<tokio::process::Child, ToolError> {
    spawn_in(command, &shell_dir(ctx), None, &ctx.sandbox_policy())
}

/// The directory Bash commands run in: where the last one ended, if it still exists.
fn shell_dir(ctx: &ToolContext) -> std::path::PathBuf {
    ctx.shell_cwd
        .lock()
        .map(|d| d.clone())
        .ok()
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| ctx.cwd.clone())
}

/// Starts `command` in `dir`; with `cwd_file`, the directory the shell ends in is written there.
fn spawn_in(
    command: &str,
    dir: &std::path::Path,
    cwd_file: Option<&std::path::Path>,
    sandbox: &crate::sandbox::SandboxPolicy,
) -> Result<tokio::process::Child, ToolError> {
    let mut cmd = Command::new("bash");
    match cwd_file {
        Some(file) => {
            cmd.arg("-c")
                .arg(format!(
                    "trap 'pwd -P > \"$CLAW_CWD_FILE\" 2>/dev/null' EXIT\n{command}"
                ))
                .env("CLAW_CWD_FILE", file);
        }
        None => {
            cmd.arg("-c").arg(command);
        }
    }
    // Runs on a tokio worker thread, which lives as long as claw: see `die_with_claw`.
    crate::process_groups::die_with_claw(cmd.as_std_mut());
    crate::sandbox::confine(cmd.as_std_mut(), sandbox).map_err(|e| ToolError::Io(e.to_string()))?;
    let child = cmd
        .current_dir(dir)
        // `cd name` must go where the permission check resolved it, not along a CDPATH.
        .env_remove("CDPATH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("PAGER", "cat")
        .env("GIT_PAGER", "cat")
        .env("GIT_TERMINAL_PROMPT", "0")
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| ToolError::Io(format!("cannot start bash: {e}")))?;
    // Forgotten by the `GroupGuard` that every caller puts on the group.
    crate::process_groups::register(child.id().map_or(0, |pid| pid as i32));
    Ok(child)
}

/// Kills a process group when dropped (interrupt, timeout, or after the command exited).
pub(crate) struct GroupGuard(pub(crate) i32);

impl GroupGuard {
    fn signal(&self, signal: i32) {
        // SAFETY: killpg only sends a signal; the group id came from a child we spawned in its
        // own group (pid == pgid), and a stale id fails with ESRCH.
        unsafe {
            libc::killpg(self.0, signal);
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.signal(libc::SIGTERM);
        let pgid = self.0;
        std::thread::spawn(move || {
            std::thread::sleep(TERM_GRACE);
            // SAFETY: as above.
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
            crate::process_groups::forget(pgid);
        });
    }
}

impl Bash {
    async fn execute(
        &self,
        input: Value,
        ctx: &ToolContext,
        progress: ProgressSink,
    ) -> Result<ToolOutput, ToolError> {
        let command = required_str(&input, "command")?;
        let timeout_ms = optional_u64(&input, "timeout")?
            .unwrap_or(DEFAULT_TIMEOUT_MS)
            .clamp(1, MAX_TIMEOUT_MS);
        if input.get("run_in_background").and_then(Value::as_bool) == Some(true) {
            return crate::tools::background::start(command, ctx, progress);
        }
        // The shell writes where it ended up, so a `cd` sticks for the next command.
        let cwd_file = std::env::temp_dir().join(format!(
            "claw-cwd-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let sandbox = ctx.sandbox_policy();
        let mut child = spawn_in(command, &shell_dir(ctx), Some(&cwd_file), &sandbox)?;
        let guard = child.id().map(|pid| GroupGuard(pid as i32));
        let (stdout, stderr) = (capture(), capture());
        let mut pumps = tokio::task::JoinSet::new();
        if let Some(pipe) = child.stdout.take() {
            widen(&pipe);
            pumps.spawn(pump(pipe, Arc::clone(&stdout), Arc::clone(&progress)));
        }
        if let Some(pipe) = child.stderr.take() {
            widen(&pipe);
            pumps.spawn(pump(pipe, Arc::clone(&stderr), Arc::clone(&progress)));
        }
        let waited = tokio::time::timeout(Duration::from_millis(timeout_ms), child.wait()).await;
        if let Ok(dir) = std::fs::read_to_string(&cwd_file) {
            let dir = std::path::PathBuf::from(dir.trim_end_matches('\n'));
            if dir.is_dir()
                && let Ok(mut shell_cwd) = ctx.shell_cwd.lock()
            {
                *shell_cwd = dir;
            }
        }
        let _ = std::fs::remove_file(&cwd_file);
        // Kill what the command left behind, then collect the rest of the output.
        drop(guard);
        let _ = tokio::time::timeout(DRAIN_AFTER_EXIT, async {
            while pumps.join_next().await.is_some() {}
        })
        .await;
        pumps.abort_all();
        let output = match (stdout.lock(), stderr.lock()) {
            (Ok(out), Ok(err)) => combined_output(&out, &err),
            _ => String::new(),
        };
        let status = match waited {
            Err(_) => {
                return Err(ToolError::Failed(format!(
                    "Timed out after {timeout_ms} ms; the command was killed.\n{output}"
                )));
            }
            Ok(Err(e)) => return Err(ToolError::Io(format!("waiting for bash: {e}"))),
            Ok(Ok(status)) => status,
        };
        match status.code() {
            Some(0) => Ok(ToolOutput {
                content: output,
                summary: "exit 0".into(),
                ..Default::default()
            }),
            Some(code) => Err(ToolError::Failed(format!("Exit code {code}\n{output}"))),
            None => Err(ToolError::Failed(format!("Killed by a signal\n{output}"))),
        }
    }
}

impl Tool for Bash {
    fn name(&self) -> Cow<'static, str> {
        "Bash".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Runs a command with bash and returns its output (stdout then stderr). Each command is \
         a new bash that starts where the last one ended (`cd` carries over); variables, \
         exports and aliases don't (chain with &&). Quote paths with spaces or special \
         characters. Stdin is closed and pagers are off, so don't run interactive programs. \
         timeout is in milliseconds (default 120000, at most 600000). Output over 30000 bytes \
         is cut in the middle (its first and last 15000 are kept). Give a short description of \
         what the command does. Prefer Read, Glob and Grep over cat, find and grep. Read-only \
         commands and those the user's rules allow run at once; the others wait for the user's \
         approval. Git: commit only when asked; never force-push, never skip hooks \
         (--no-verify), never change the git config. run_in_background starts a long-running \
         command (a server, a watcher) and returns at once with an id for BashOutput and \
         KillShell."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "command": {"type": "string", "description": "The command to run"},
                "timeout": {"type": "number", "description": "Timeout in milliseconds (max 600000)"},
                "description": {"type": "string", "description": "What the command does, in 5-10 words"},
                "run_in_background": {"type": "boolean", "description": "Start it and return at once; read its output with BashOutput, stop it with KillShell"}
            },
            "required": ["command"]
        })
    }

    fn risk(&self) -> Risk {
        Risk::Mutating
    }

    fn summary_shows_paths(&self) -> bool {
        false
    }

    fn summarize(&self, input: &Value) -> String {
        input["command"]
            .as_str()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        let command = required_str(input, "command")?;
        if command.trim().is_empty() {
            return Err(ToolError::InvalidInput("`command` is empty".into()));
        }
        optional_u64(input, "timeout")?;
        Ok(ApprovalPreview::Command {
            command: command.to_string(),
            description: optional_str(input, "description").map(str::to_string),
        })
    }

    fn run<'a>(
        &'a self,
        input: Value,
        ctx: &'a ToolContext,
        progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let sandbox = ctx.sandbox_policy();
            let ran = self.execute(input, ctx, progress).await;
            ran.map_err(|e| crate::sandbox::explain_failure(e, &sandbox))
        })
    }
}

#[cfg(test)]
mod tests;
