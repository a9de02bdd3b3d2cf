//! Bash against real commands: output, cwd and exit codes, timeouts and killed groups, cut output.

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
    let (out, seen) = run_watched("printf a; yes € | head -n 100000 | tr -d '\\n'; printf b").await;
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
