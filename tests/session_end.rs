//! The SessionEnd hook runs on every way out of the full screen, with Claude Code's `reason`:
//! `/exit`, Ctrl+D and Ctrl+C twice are "prompt_input_exit", SIGTERM and SIGHUP "other",
//! and `/clear` ends the session with "clear".

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::claw::Claw;
use support::pty::{Key, Profile, PtySession};

const T: Duration = Duration::from_secs(20);

/// A project whose SessionEnd hook appends its input (one JSON line) to `session-end.jsonl`.
fn project() -> Claw {
    let claw = Claw::new(Vec::new());
    claw.settings(json!({"hooks": {"SessionEnd": [{"hooks": [
        {"type": "command", "command": "cat >> session-end.jsonl; echo >> session-end.jsonl"}
    ]}]}}));
    claw
}

fn started(claw: &Claw) -> PtySession {
    let term = claw.start(100, 30, Profile::default());
    term.wait_for_text("Ask claw", T).unwrap();
    term
}

/// The `reason` of each SessionEnd the hook saw, in order.
fn reasons(claw: &Claw) -> Vec<String> {
    let text = std::fs::read_to_string(claw.root().join("session-end.jsonl")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let input: Value = serde_json::from_str(l).unwrap();
            assert_eq!(input["hook_event_name"], "SessionEnd", "{input}");
            input["reason"].as_str().unwrap_or("").to_string()
        })
        .collect()
}

fn ends_with_status(term: &mut PtySession, status: u32) {
    assert_eq!(term.wait_exit(T).unwrap(), status);
    assert!(term.modes().restored(), "{:?}", term.modes());
}

#[test]
fn slash_exit_tells_the_hook_prompt_input_exit() {
    let claw = project();
    let mut term = started(&claw);
    term.send("/exit");
    term.key(Key::Enter);
    ends_with_status(&mut term, 0);
    assert_eq!(reasons(&claw), ["prompt_input_exit"]);
}

#[test]
fn ctrl_d_tells_the_hook_prompt_input_exit() {
    let claw = project();
    let mut term = started(&claw);
    term.key(Key::Ctrl('d'));
    ends_with_status(&mut term, 0);
    assert_eq!(reasons(&claw), ["prompt_input_exit"]);
}

#[test]
fn ctrl_c_twice_tells_the_hook_prompt_input_exit() {
    let claw = project();
    let mut term = started(&claw);
    term.key(Key::CtrlC);
    term.wait_for_text("Ctrl+C again", T).unwrap();
    term.key(Key::CtrlC);
    ends_with_status(&mut term, 0);
    assert_eq!(reasons(&claw), ["prompt_input_exit"]);
}

#[test]
fn sigterm_and_sighup_tell_the_hook_other() {
    for (signal, status) in [(libc::SIGTERM, 128 + 15), (libc::SIGHUP, 128 + 1)] {
        let claw = project();
        let mut term = started(&claw);
        term.signal(signal);
        ends_with_status(&mut term, status);
        assert_eq!(reasons(&claw), ["other"], "signal {signal}");
    }
}

#[test]
fn clear_ends_the_session_with_clear_then_quitting_ends_the_next() {
    let claw = project();
    let mut term = started(&claw);
    term.send("/clear");
    term.key(Key::Enter);
    // The ops reach the agent in order: the clear is done before the quit.
    term.key(Key::Ctrl('d'));
    ends_with_status(&mut term, 0);
    assert_eq!(reasons(&claw), ["clear", "prompt_input_exit"]);
}
