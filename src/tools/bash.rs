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
        "Runs a shell command with bash in the working directory and returns its output (stdout \
         then stderr). Stdin is closed and pagers are off, so don't run interactive programs. \
         timeout is in milliseconds (default 120000, at most 600000). Output over 30000 \
         bytes is cut in the middle (its first and last 15000 are kept). Give a short description of what the command does. \
         Prefer Read, Glob and Grep over cat, find and grep. The user approves each command. \
         run_in_background starts a long-running command (a server, a watcher) and returns at \
         once with an id for BashOutput and KillShell.".into()
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
mod tests {
    use super::*;
    use crate::tools::head_tail;
    use std::sync::Mutex;
    use std::time::Instant;

    fn ctx() -> (tempfile::TempDir, ToolContext) {
        let dir = tempfile::tempdir().unwrap();
        let ctx = ToolContext::new(dir.path().to_path_buf());
        (dir, ctx)
    }

    async fn run(ctx: &ToolContext, input: Value) -> Result<ToolOutput, ToolError> {
        Bash.run(input, ctx, Arc::new(|_| {})).await
    }

    /// Whether a process whose command line contains `needle` is alive.
    fn alive(needle: &str) -> bool {
        std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
            std::fs::read(e.path().join("cmdline"))
                .map(|c| {
                    String::from_utf8_lossy(&c)
                        .replace('\0', " ")
                        .contains(needle)
                })
                .unwrap_or(false)
        })
    }

    #[test]
    fn prefixes() {
        assert_eq!(command_prefix("cargo test --lib x"), "cargo test");
        assert_eq!(command_prefix("git status -s"), "git status");
        assert_eq!(command_prefix("ls -la"), "ls");
        assert_eq!(command_prefix("npm run build -- --watch"), "npm run build");
        assert_eq!(command_prefix("RUST_LOG=debug cargo run"), "cargo run");
        assert_eq!(command_prefix("git --no-pager log"), "git");
        assert_eq!(command_prefix("  "), "");
    }

    #[tokio::test]
    async fn output_cwd_and_exit_codes() {
        let (dir, c) = ctx();
        let out = run(&c, json!({"command": "pwd; echo out; echo err >&2"}))
            .await
            .unwrap();
        let cwd = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(out.content, format!("{}\nout\nerr", cwd.display()));
        assert_eq!(out.summary, "exit 0");
        let err = run(&c, json!({"command": "echo nope; exit 3"}))
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "Exit code 3\nnope");
        let pager = run(&c, json!({"command": "echo $PAGER $GIT_PAGER; cat"}))
            .await
            .unwrap();
        assert_eq!(
            pager.content, "cat cat",
            "stdin is closed, so cat ends at once"
        );
    }

    /// Runs `command`, returning its output and the progress chunks sent meanwhile.
    async fn run_watched(command: &str) -> (Result<ToolOutput, ToolError>, Vec<String>) {
        let (_dir, c) = ctx();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let out = Bash
            .run(
                json!({"command": command}),
                &c,
                Arc::new(move |l| sink.lock().unwrap().push(l)),
            )
            .await;
        let seen = seen.lock().unwrap().clone();
        (out, seen)
    }

    #[tokio::test]
    async fn progress_streams_the_output() {
        let (out, seen) = run_watched("echo a; sleep 0.2; echo b").await;
        assert_eq!(out.unwrap().content, "a\nb");
        assert_eq!(seen, vec!["a\n".to_string(), "b\n".to_string()]);
    }

    #[tokio::test]
    async fn a_flood_of_output_sends_few_bounded_progress_chunks() {
        let (out, seen) = run_watched("seq 1 300000").await;
        assert!(out.unwrap().content.ends_with("299999\n300000"));
        // 2 MB of lines: a handful of coalesced chunks, not 300,000.
        assert!(seen.len() < 1000, "{} chunks", seen.len());
        assert!(
            seen.iter()
                .all(|c| c.len() <= crate::tools::live_output::MAX_CHUNK)
        );
        assert!(seen.concat().ends_with("299999\n300000\n"));
    }

    #[tokio::test]
    async fn timeout_kills_the_whole_group() {
        let (_dir, c) = ctx();
        let started = Instant::now();
        let err = run(
            &c,
            json!({"command": "sleep 41.1 & sleep 41.2; echo never", "timeout": 300}),
        )
        .await
        .unwrap_err();
        assert!(
            err.to_string().starts_with("Timed out after 300 ms"),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        std::thread::sleep(Duration::from_millis(600));
        assert!(!alive("sleep 41.1") && !alive("sleep 41.2"));
    }

    #[tokio::test]
    async fn dropping_the_run_kills_the_group() {
        let (_dir, c) = ctx();
        let fut = run(&c, json!({"command": "sleep 42.1 & sleep 42.2"}));
        let _ = tokio::time::timeout(Duration::from_millis(300), fut).await;
        std::thread::sleep(Duration::from_millis(600));
        assert!(!alive("sleep 42.1") && !alive("sleep 42.2"));
    }

    #[tokio::test]
    async fn a_background_grandchild_does_not_hang_the_result() {
        let (_dir, c) = ctx();
        let started = Instant::now();
        let out = run(&c, json!({"command": "sleep 43.1 & echo started"}))
            .await
            .unwrap();
        assert_eq!(out.content, "started");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn long_output_keeps_its_head_and_tail_and_says_what_was_cut() {
        let (_dir, c) = ctx();
        let out = run(&c, json!({"command": "seq 1 20000"})).await.unwrap();
        let all: String = (1..=20000).map(|i| format!("{i}\n")).collect();
        let (head, tail) = (&all[..15_000], &all[all.len() - 15_000..]);
        let cut_lines = 20_000 - head.matches('\n').count() - tail.matches('\n').count();
        let notice = format!(
            "[… {} bytes ({} lines) cut from the middle …]",
            head_tail::grouped((all.len() - 30_000) as u64),
            head_tail::grouped(cut_lines as u64)
        );
        assert_eq!(
            out.content,
            format!("{head}\n{notice}\n{}", tail.trim_end())
        );
    }

    #[tokio::test]
    async fn a_20_mb_line_without_a_newline_is_cut_like_any_other() {
        let (_dir, c) = ctx();
        let out = run(
            &c,
            json!({"command": "head -c 20000000 /dev/zero | tr '\\0' x; printf END"}),
        )
        .await
        .unwrap();
        let x = "x".repeat(15_000);
        assert_eq!(
            out.content,
            format!(
                "{x}\n[… 19,970,003 bytes cut from the middle …]\n{}END",
                &x[..14_997]
            )
        );
    }

    #[tokio::test]
    async fn characters_split_by_reads_and_cuts_stay_whole() {
        // 300,000 bytes of "€" (3 bytes each) between one-byte ends: every 64 KiB read and both
        // cut points fall inside a character.
        let (out, seen) =
            run_watched("printf a; yes € | head -n 100000 | tr -d '\\n'; printf b").await;
        let content = out.unwrap().content;
        // Kept: "a" and 4,999 whole "€" at each end, and "b".
        let notice = "[… 270,006 bytes cut from the middle …]";
        let expected = format!("a{}\n{notice}\n{}b", "€".repeat(4999), "€".repeat(4999));
        assert!(
            content == expected,
            "{:?}",
            content.lines().find(|l| l.starts_with("[…"))
        );
        let live = seen.concat();
        assert!(!live.contains('\u{FFFD}'), "progress split a character");
        assert!(live.ends_with("€€b"));
    }

    #[tokio::test]
    async fn stdout_and_stderr_share_the_budget() {
        let (_dir, c) = ctx();
        let out = run(&c, json!({"command": "echo small; seq 1 20000 >&2"}))
            .await
            .unwrap();
        assert!(
            out.content.starts_with("small\n1\n2\n"),
            "{}",
            &out.content[..20]
        );
        assert!(out.content.ends_with("19999\n20000"));
        assert!(out.content.contains("cut from the middle"));
        // The short stream leaves its share to the long one.
        assert!(out.content.len() > 29_900 && out.content.len() < 30_100);
        let both = run(&c, json!({"command": "seq 1 20000; seq 1 20000 >&2"}))
            .await
            .unwrap();
        assert_eq!(both.content.matches("cut from the middle").count(), 2);
        assert!(both.content.len() < 30_200);
    }

    #[tokio::test]
    async fn a_cd_sticks_and_environment_changes_do_not() {
        let (dir, c) = ctx();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        run(&c, json!({"command": "cd sub && export CLAW_TEST_VAR=1"}))
            .await
            .unwrap();
        let out = run(&c, json!({"command": "pwd; echo \"var=$CLAW_TEST_VAR\""}))
            .await
            .unwrap();
        let sub = std::fs::canonicalize(dir.path().join("sub")).unwrap();
        assert_eq!(out.content, format!("{}\nvar=", sub.display()));
        // Even a failing command that changed directory keeps it.
        let _ = run(&c, json!({"command": "cd ..; false"})).await;
        let out = run(&c, json!({"command": "pwd"})).await.unwrap();
        assert_eq!(
            out.content,
            std::fs::canonicalize(dir.path())
                .unwrap()
                .display()
                .to_string()
        );
    }

    #[test]
    fn preview_shows_command_and_description() {
        let (_dir, c) = ctx();
        let p = Bash
            .preview(&json!({"command": "ls", "description": "List files"}), &c)
            .unwrap();
        assert_eq!(
            p,
            ApprovalPreview::Command {
                command: "ls".into(),
                description: Some("List files".into())
            }
        );
        assert!(Bash.preview(&json!({"command": " "}), &c).is_err());
        assert!(
            Bash.preview(&json!({"command": "ls", "timeout": "soon"}), &c)
                .is_err()
        );
    }
}
