//! A long session through the real binary in a pty: `--continue` shows the end of a 400-message
//! session at once (the rest is measured in the background), a resize keeps the end in view,
//! and the start and the end are one key away while heights are still being measured.

mod support;

use std::path::Path;
use std::time::Duration;

use claw::agent::session_log::{Entry, SessionLog, project_dir};
use claw::provider::{ContentBlock, Message, Role};
use support::pty::PtySession;

const T: Duration = Duration::from_secs(15);
/// Ctrl+Home and Ctrl+End as xterm sends them.
const CTRL_HOME: &[u8] = b"\x1b[1;5H";
const CTRL_END: &[u8] = b"\x1b[1;5F";

fn long_session(data: &Path, cwd: &Path, turns: usize) {
    let dir = project_dir(&data.join("claw"), cwd);
    let mut log = SessionLog::open(&dir.join("long.jsonl")).unwrap();
    for i in 0..turns {
        log.append(&Entry::UserText {
            text: format!("Question {i}: how do the flags work?"),
        })
        .unwrap();
        let text = format!(
            "Answer {i} begins.\n\nThe parser **reads** each flag:\n\n```rust\nfn parse_{i}() -> Vec<String> {{\n    std::env::args().collect()\n}}\n```\n\n{}\n\nAnswer {i} ends.",
            "A sentence that wraps at narrow widths and keeps the answer long. ".repeat(i % 9 + 1)
        );
        log.append(&Entry::Message {
            message: Message {
                role: Role::Assistant,
                content: vec![ContentBlock::Text { text }],
            },
        })
        .unwrap();
    }
}

#[test]
fn a_long_session_resumes_at_its_end_and_scrolls_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    long_session(&data, dir.path(), 200);
    let home = dir.path().display().to_string();
    let data_s = data.display().to_string();
    let env = [
        ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"),
        ("ANTHROPIC_API_KEY", "k"),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
        ("XDG_DATA_HOME", data_s.as_str()),
    ];
    let term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &["--continue"],
        &env,
        dir.path(),
        100,
        30,
    )
    .unwrap();
    term.wait_for_text("Answer 199 ends.", T).unwrap();
    // Narrower and shorter: following, the end stays on screen. The harness's own screen
    // shrinks at once, cutting the old frame's 100-column box to 70 columns: only claw's
    // redraw closes the box in the 70th column.
    term.resize(70, 24);
    term.wait_for(
        |s| {
            s.contains("Answer 199 ends.")
                && s.lines().any(|l| {
                    let l = l.trim_end();
                    l.starts_with("┌") && l.ends_with("┐") && l.chars().count() == 70
                })
        },
        T,
    )
    .unwrap();
    // The start, then the end again.
    term.send_bytes(CTRL_HOME);
    term.wait_for(
        |s| s.contains("Question 0:") && s.contains("Answer 0 begins."),
        T,
    )
    .unwrap();
    term.send_bytes(CTRL_END);
    term.wait_for_text("Answer 199 ends.", T).unwrap();
    term.kill();
}
