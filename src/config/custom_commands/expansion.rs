//! Filling in a custom command's body when it runs: `$ARGUMENTS`, `$1`…`$9`, the output of
//! `` !`cmd` `` (run with `sh -c`, bounded in time) and the contents of `@file`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::CustomCommand;

/// A shell command inside a command file may run this long.
const SHELL_TIMEOUT: Duration = Duration::from_secs(30);

/// The prompt `/name args` sends: the body with `$ARGUMENTS`, `$1`…`$9`, `` !`cmd` `` output
/// and `@file` contents filled in (runs shell commands: call off the async threads). If the
/// body uses no argument placeholder, the arguments are appended.
pub fn expand(command: &CustomCommand, args: &str, cwd: &Path) -> String {
    let positional = split_args(args);
    let mut used_args = false;
    let mut out = String::new();
    let body = &command.body;
    let mut rest = body.as_str();
    while let Some(i) = rest.find(['$', '!', '@']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let at_word_start = out.chars().last().is_none_or(char::is_whitespace);
        if let Some(after) = tail.strip_prefix("$ARGUMENTS") {
            out.push_str(args);
            used_args = true;
            rest = after;
        } else if tail.starts_with('$')
            && let Some(d) = tail[1..].chars().next().and_then(|c| c.to_digit(10))
            && d >= 1
        {
            out.push_str(positional.get(d as usize - 1).map_or("", String::as_str));
            used_args = true;
            rest = &tail[2..];
        } else if let Some(after) = tail.strip_prefix("!`")
            && let Some(end) = after.find('`')
        {
            out.push_str(run_shell(&after[..end], cwd).trim_end());
            rest = &after[end + 1..];
        } else if tail.starts_with('@') && at_word_start {
            let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
            let mention = &tail[1..end];
            match (!mention.is_empty())
                .then(|| std::fs::read_to_string(cwd.join(mention)).ok())
                .flatten()
            {
                Some(content) => out.push_str(&format!(
                    "{mention}:\n```\n{content}{}```",
                    if content.ends_with('\n') { "" } else { "\n" }
                )),
                None => out.push_str(&tail[..end]),
            }
            rest = &tail[end..];
        } else {
            let c = tail.chars().next().unwrap_or('$');
            out.push(c);
            rest = &tail[c.len_utf8()..];
        }
    }
    out.push_str(rest);
    if !used_args && !args.trim().is_empty() {
        out.push_str(&format!("\n\nARGUMENTS: {}", args.trim()));
    }
    out
}

/// Arguments split like a shell would: spaces separate, quotes group.
pub(super) fn split_args(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in args.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            (None, c) => current.push(c),
        }
    }
    if started || !current.is_empty() {
        out.push(current);
    }
    out
}

/// Runs `command` with `sh -c` in `cwd`: its output, or a note saying how it failed.
fn run_shell(command: &str, cwd: &Path) -> String {
    use std::os::unix::process::CommandExt;
    let mut shell = Command::new("sh");
    // This thread waits for the child, so the parent-death signal cannot come early.
    crate::process_groups::die_with_claw(&mut shell);
    let child = shell
        .arg("-c")
        .arg(command)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => return format!("(command failed to start: {e})"),
    };
    let pgid = child.id() as i32;
    let registered = crate::process_groups::Registration::new(pgid);
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => {
                registered.release();
                break;
            }
            Ok(None) if started.elapsed() > SHELL_TIMEOUT => {
                // SAFETY: signals the group of the shell spawned above (pid == pgid), not yet
                // reaped, so the id is still ours.
                unsafe {
                    libc::killpg(pgid, libc::SIGKILL);
                }
                let _ = child.wait();
                registered.release();
                return format!("(command timed out after {} s)", SHELL_TIMEOUT.as_secs());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return format!("(command failed: {e})"),
        }
    }
    match child.wait_with_output() {
        Ok(output) => {
            let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
            let stderr = String::from_utf8_lossy(&output.stderr);
            if !stderr.trim().is_empty() {
                text.push_str(&stderr);
            }
            if !output.status.success() {
                let code = output
                    .status
                    .code()
                    .map_or("a signal".to_string(), |c| c.to_string());
                text.push_str(&format!("(command failed: exit {code})"));
            }
            text
        }
        Err(e) => format!("(command failed: {e})"),
    }
}
