//! Self-tests of the pseudo-terminal harness, with small shell programs.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::pty::PtySession;

const T: Duration = Duration::from_secs(10);

fn bash(script: &str, cols: u16, rows: u16) -> PtySession {
    PtySession::spawn(
        Path::new("bash"),
        &["--norc", "--noprofile", "-c", script],
        &[],
        Path::new("/"),
        cols,
        rows,
    )
    .unwrap()
}

#[test]
fn waits_for_output() {
    let term = bash("printf 'hello harness'; sleep 5", 40, 5);
    let screen = term.wait_for_text("hello harness", T).unwrap();
    assert!(screen.starts_with("hello harness"));
}

#[test]
fn answers_the_cursor_position_query_at_once() {
    let started = Instant::now();
    let term = bash(
        "stty raw -echo; printf 'ab\\033[6n'; IFS= read -r -d R reply; stty sane; printf '\\ngot:%q' \"$reply\"; sleep 5",
        40,
        5,
    );
    term.wait_for_text("got:", T).unwrap();
    let screen = term.screen();
    assert!(screen.contains("got:$'\\E[1;3'"), "{screen}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the query must not wait for a timeout"
    );
}

#[test]
fn sees_the_alternate_screen_and_the_exit_code() {
    let mut term = bash(
        "printf '\\033[?1049hin alt'; sleep 0.2; printf '\\033[?1049l'; exit 3",
        40,
        5,
    );
    term.wait_for_text("in alt", T).unwrap();
    assert_eq!(term.wait_exit(T).unwrap(), 3);
    assert!(!term.modes().alternate_screen);
}

#[test]
fn a_timeout_explains_itself() {
    let term = bash("printf 'something else'; sleep 5", 40, 5);
    let error = term
        .wait_for_text("never shown", Duration::from_millis(300))
        .unwrap_err();
    assert!(error.0.contains("something else"), "{error}");
}

#[test]
fn resize_reaches_the_program() {
    let term = bash(
        "trap 'printf \"cols=%s\" $(tput cols)' WINCH; printf ready; while true; do sleep 0.05; done",
        40,
        5,
    );
    term.wait_for_text("ready", T).unwrap();
    term.resize(60, 8);
    term.wait_for_text("cols=60", T).unwrap();
}
