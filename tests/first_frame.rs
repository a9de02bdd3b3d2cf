//! The first frame the real binary draws already shows the session: the header of a new one,
//! the end of a resumed one (`--continue`), never an empty screen that the session replaces a
//! frame interval later.

mod support;

use std::num::NonZeroU16;
use std::path::Path;
use std::time::Duration;

use claw::agent::session_log::{Entry, SessionLog, project_dir};
use claw::provider::{ContentBlock, Message, Role};
use support::pty::PtySession;

const T: Duration = Duration::from_secs(15);
const COLS: u16 = 100;
const ROWS: u16 = 30;
/// The end of a synchronized update: claw wraps every frame in one.
const FRAME_END: &[u8] = b"\x1b[?2026l";

/// The screen as claw's first frame left it: its output up to the end of that frame.
fn first_frame(term: &PtySession) -> String {
    let output = term.output();
    let end = output
        .windows(FRAME_END.len())
        .position(|w| w == FRAME_END)
        .expect("a frame was drawn");
    let size = |n| NonZeroU16::new(n).unwrap();
    let mut parser = vt100::Parser::new(size(ROWS), size(COLS), 0);
    parser.process(&output[..end + FRAME_END.len()]);
    parser.screen().contents()
}

fn start(dir: &Path, args: &[&str]) -> PtySession {
    let home = dir.display().to_string();
    let data = dir.join("data").display().to_string();
    let env = [
        ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"),
        ("ANTHROPIC_API_KEY", "k"),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
        ("XDG_DATA_HOME", data.as_str()),
    ];
    PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        args,
        &env,
        dir,
        COLS,
        ROWS,
    )
    .unwrap()
}

#[test]
fn a_new_session_s_first_frame_shows_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let term = start(dir.path(), &[]);
    term.wait_for_text("? keys", T).unwrap();
    let first = first_frame(&term);
    assert!(first.contains("? keys"), "first frame:\n{first}");
    term.kill();
}

#[test]
fn a_resumed_session_s_first_frame_shows_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = project_dir(&dir.path().join("data/claw"), dir.path());
    let mut log = SessionLog::open(&sessions.join("s.jsonl")).unwrap();
    for i in 0..20 {
        log.append(&Entry::UserText {
            text: format!("Question {i}"),
        })
        .unwrap();
        log.append(&Entry::Message {
            message: Message {
                role: Role::Assistant,
                content: vec![ContentBlock::Text {
                    text: format!("Answer {i}:\n\n```rust\nfn f() {{}}\n```\n\nAnswer {i} ends."),
                }],
            },
        })
        .unwrap();
    }
    drop(log);
    let term = start(dir.path(), &["--continue"]);
    term.wait_for_text("Answer 19 ends.", T).unwrap();
    let first = first_frame(&term);
    assert!(
        first.contains("Answer 19 ends.") && first.contains("Resumed "),
        "first frame:\n{first}"
    );
    term.kill();
}
