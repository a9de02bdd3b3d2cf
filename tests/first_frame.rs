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
    saved_session(dir.path(), 20);
    let term = start(dir.path(), &["--continue"]);
    term.wait_for_text("Answer 19 ends.", T).unwrap();
    let first = first_frame(&term);
    assert!(
        first.contains("Answer 19 ends.") && first.contains("Resumed "),
        "first frame:\n{first}"
    );
    term.kill();
}

/// A session of `pairs` questions and answers.
fn saved_session(dir: &Path, pairs: usize) {
    let sessions = project_dir(&dir.join("data/claw"), dir);
    let mut log = SessionLog::open(&sessions.join("s.jsonl")).unwrap();
    for i in 0..pairs {
        log.append(&Entry::Prompt {
            text: format!("Question {i}"),
            at: None,
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
}

#[test]
fn a_long_session_shows_its_end_first_then_all_of_it() {
    let dir = tempfile::tempdir().unwrap();
    saved_session(dir.path(), 1_500);
    let term = start(dir.path(), &["--continue"]);
    term.wait_for_text("Answer 1499 ends.", T).unwrap();
    let first = first_frame(&term);
    assert!(first.contains("Answer 1499 ends."), "first frame:\n{first}");
    // Once the whole file is read: every message counted, said below the last answer.
    let screen = term.wait_for_text("(3,000 messages)", T).unwrap();
    let answer = screen.find("Answer 1499 ends.").unwrap();
    let resumed = screen.find("Resumed ").unwrap();
    assert!(answer < resumed, "{screen}");
    assert_eq!(screen.matches("Resumed ").count(), 1, "{screen}");
    // And the start of the conversation is there too.
    term.send_bytes(b"\x1b[1;5H");
    term.wait_for_text("Question 0", T).unwrap();
    term.send_bytes(b"\x1b[1;5F");
    term.wait_for_text("(3,000 messages)", T).unwrap();
    term.kill();
}

/// The row `text` is on.
fn row_of(screen: &str, text: &str) -> usize {
    screen
        .lines()
        .position(|line| line.contains(text))
        .unwrap_or_else(|| panic!("{text:?} is not on the screen:\n{screen}"))
}

#[test]
fn a_prompt_on_the_command_line_shows_below_the_header_and_a_resumed_transcript() {
    let dir = tempfile::tempdir().unwrap();
    let term = start(dir.path(), &["--provider", "demo", "hello"]);
    let screen = term.wait_for_text("› hello", T).unwrap();
    assert!(
        row_of(&screen, "? keys") < row_of(&screen, "› hello"),
        "{screen}"
    );
    term.kill();

    let dir = tempfile::tempdir().unwrap();
    saved_session(dir.path(), 1_500);
    // (The model server is unreachable: the turn only retries, and the view stays put.)
    let term = start(dir.path(), &["--continue", "and now"]);
    term.wait_for_text("(3,000 messages)", T).unwrap();
    let screen = term.wait_for_text("› and now", T).unwrap();
    let resumed = row_of(&screen, "(3,000 messages)");
    assert!(row_of(&screen, "Answer 1499 ends.") < resumed, "{screen}");
    assert!(resumed < row_of(&screen, "› and now"), "{screen}");
    term.kill();
}
