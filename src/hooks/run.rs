//! Running one hook command: `sh -c` in the project directory, the event JSON on stdin, its own
//! process group killed on timeout.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use crate::hooks::HookCommand;

/// What one hook run did.
#[derive(Clone, Debug, PartialEq)]
pub struct HookRun {
    pub event: String,
    pub command: String,
    /// None when it timed out or could not start.
    pub exit: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub duration: Duration,
    pub timed_out: bool,
}

impl HookRun {
    /// A run of `hook` that has not ended yet (no exit status, no output).
    pub(crate) fn not_run(hook: &HookCommand) -> HookRun {
        HookRun {
            event: hook.event.clone(),
            command: hook.command.clone(),
            exit: None,
            stdout: String::new(),
            stderr: String::new(),
            duration: Duration::ZERO,
            timed_out: false,
        }
    }
}

pub async fn run(hook: &HookCommand, stdin: &str, cwd: &Path) -> HookRun {
    if let Some(callback) = &hook.callback {
        return crate::hooks::callback::run(hook, callback, stdin).await;
    }
    let started = Instant::now();
    let mut result = HookRun::not_run(hook);
    let mut command = Command::new("sh");
    crate::process_groups::die_with_claw(command.as_std_mut());
    let spawned = command
        .arg("-c")
        .arg(&hook.command)
        .current_dir(cwd)
        .env("CLAUDE_PROJECT_DIR", cwd)
        .env("CLAW_PROJECT_DIR", cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            result.stderr = e.to_string();
            return result;
        }
    };
    let pgid = child.id().map(|id| id as i32);
    // Dropped unreleased (this run cancelled, or timed out), it kills the hook's group.
    let mut registered = pgid.map(crate::process_groups::Registration::new);
    let (mut input, mut out, mut err) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take());
    let work = async {
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        // Feed stdin while reading the output, so neither side can fill a pipe and stall.
        let write_in = async {
            if let Some(mut pipe) = input.take() {
                // A hook that doesn't read stdin closes it early: that's fine.
                let _ = pipe.write_all(stdin.as_bytes()).await;
            }
        };
        let read_out = async {
            if let Some(p) = out.as_mut() {
                read_capped(p, &mut stdout).await;
            }
        };
        let read_err = async {
            if let Some(p) = err.as_mut() {
                read_capped(p, &mut stderr).await;
            }
        };
        tokio::join!(write_in, read_out, read_err);
        let status = child.wait().await;
        (status, stdout, stderr)
    };
    match tokio::time::timeout(hook.timeout, work).await {
        Ok((status, stdout, stderr)) => {
            if let Some(registration) = registered.take() {
                registration.release();
            }
            result.exit = status.ok().and_then(|s| s.code());
            result.stdout = String::from_utf8_lossy(&stdout).into_owned();
            result.stderr = String::from_utf8_lossy(&stderr).into_owned();
        }
        Err(_) => {
            result.timed_out = true;
            if let Some(pgid) = pgid {
                // SAFETY: signals the process group of the hook we spawned (pid == pgid).
                unsafe {
                    libc::killpg(pgid, libc::SIGKILL);
                }
            }
        }
    }
    result.duration = started.elapsed();
    result
}

/// The most of each of a hook's streams claw keeps; the rest is read and dropped, so a hook
/// that prints without end neither stalls on a full pipe nor fills memory.
pub(crate) const MAX_HOOK_OUTPUT: usize = 1024 * 1024;

/// Reads `pipe` to its end, keeping its first MAX_HOOK_OUTPUT bytes (and a note when more came).
async fn read_capped(pipe: &mut (impl tokio::io::AsyncRead + Unpin), kept: &mut Vec<u8>) {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut dropped = 0usize;
    loop {
        match pipe.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = MAX_HOOK_OUTPUT.saturating_sub(kept.len()).min(n);
                kept.extend_from_slice(&chunk[..room]);
                dropped += n - room;
            }
        }
    }
    if dropped > 0 {
        kept.extend_from_slice(format!("\n[hook output cut: {dropped} more bytes]").as_bytes());
    }
}
