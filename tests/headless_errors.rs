//! `claw -p` as a script author meets its errors: a bad flag value is one line on stderr
//! naming the flag and what it takes (exit 2, nothing sent); a failing model server is retried
//! as the full screen retries it, then an `is_error` result (exit 1); SIGINT or SIGTERM stops
//! the turn and still prints its result (exit 130 or 143); a reader that closes stdout early
//! (`| head -1`) ends claw quietly, with the turn stopped and recorded.

mod support;

use std::process::Stdio;
use std::time::Duration;

use fake_server::Reply;
use serde_json::Value;
use support::claw::Claw;
use support::headless::{Session, command, run};

/// A server error the client may retry at once (`retry-after-ms: 0` keeps the test quick).
fn failing(code: u16, kind: &str, message: &str) -> Reply {
    Reply::status(code, kind, message).with_header("retry-after-ms", "0")
}

/// The API's way to be overloaded mid-stream: an error event right after message_start.
const OVERLOADED_EVENT: &str = "event: message_start\n\
data: {\"type\": \"message_start\", \"message\": {\"id\": \"msg_1\", \"type\": \"message\", \"role\": \"assistant\", \"content\": [], \"model\": \"claude-sonnet-4-6\", \"stop_reason\": null, \"usage\": {\"input_tokens\": 5, \"output_tokens\": 1}}}\n\n\
event: error\n\
data: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n";

#[test]
fn a_bad_flag_value_is_one_line_naming_the_flag_and_its_values_and_exit_2() {
    let setup = Claw::new(vec![Reply::text("never asked")]);
    let cases: [(&[&str], &[&str]); 6] = [
        (
            &["--max-turns", "abc"],
            &["--max-turns abc", "whole number"],
        ),
        (
            &["--output-format", "xml"],
            &["--output-format xml", "text, json, stream-json"],
        ),
        (
            &["--output-format=xml"],
            &["--output-format xml", "text, json, stream-json"],
        ),
        (
            &["--permission-mode", "bogus"],
            &[
                "--permission-mode bogus",
                "default, acceptEdits, plan, bypassPermissions",
            ],
        ),
        (
            &["--input-format", "yaml"],
            &["--input-format yaml", "text, stream-json"],
        ),
        (
            &["--max-budget-usd", "lots"],
            &["--max-budget-usd lots", "dollars"],
        ),
    ];
    for (flags, says) in cases {
        let mut args = vec!["-p", "hi"];
        args.extend_from_slice(flags);
        let out = run(&setup, &args, "");
        assert_eq!(out.code, Some(2), "{flags:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{flags:?}: {}", out.stderr);
        assert!(out.stderr.starts_with("claw: "), "{}", out.stderr);
        for said in says {
            assert!(out.stderr.contains(said), "{flags:?}: {}", out.stderr);
        }
        assert_eq!(out.stdout, "", "{flags:?}");
    }
    assert!(setup.server.requests().is_empty(), "nothing was sent");
}

#[test]
fn server_errors_are_retried_then_an_error_result_with_exit_1() {
    // Overloaded (529), three times: the first try and two retries, as the full screen does.
    let setup = Claw::new(vec![
        failing(529, "overloaded_error", "Overloaded"),
        failing(529, "overloaded_error", "Overloaded"),
        failing(529, "overloaded_error", "Overloaded"),
    ]);
    let out = run(&setup, &["-p", "hi", "--output-format", "json"], "");
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(setup.server.requests().len(), 3);
    let result = &out.lines[0];
    assert_eq!(result["type"], "result");
    assert_eq!(result["is_error"], true);
    assert!(
        result["result"]
            .as_str()
            .unwrap()
            .contains("overloaded (529) after 3 attempts"),
        "{result}"
    );
    assert_eq!(
        out.stderr.matches("retrying").count(),
        2,
        "each retry is said: {}",
        out.stderr
    );

    // An overloaded stream, and a 500, recover when a retry succeeds.
    let setup = Claw::new(vec![
        Reply::raw_sse(OVERLOADED_EVENT),
        failing(500, "api_error", "Internal server error"),
        Reply::text("Recovered."),
    ]);
    let out = run(&setup, &["-p", "hi", "--output-format", "stream-json"], "");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(setup.server.requests().len(), 3);
    let result = out.of("result", None)[0];
    assert_eq!(result["subtype"], "success");
    assert_eq!(result["result"], "Recovered.");

    // Overloaded mid-stream every time: an error result in the stream.
    let setup = Claw::new(vec![
        Reply::raw_sse(OVERLOADED_EVENT),
        Reply::raw_sse(OVERLOADED_EVENT),
        Reply::raw_sse(OVERLOADED_EVENT),
    ]);
    let out = run(&setup, &["-p", "hi", "--output-format", "stream-json"], "");
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let result = out.of("result", None)[0];
    assert_eq!(result["is_error"], true);
    assert!(
        result["result"].as_str().unwrap().contains("overloaded"),
        "{result}"
    );
}

/// `claw -p` in stream-json with the model's stream showing; `signal` arrives mid-answer.
fn signalled_mid_answer(signal: i32) -> (Option<i32>, Vec<Value>) {
    // A few words, then the server goes quiet with the stream open.
    let setup = Claw::new(vec![
        Reply::text("The first words of a long answer").stall_after(4),
    ]);
    let mut claw = Session::start(
        &setup,
        &[
            "-p",
            "go",
            "--output-format",
            "stream-json",
            "--verbose",
            "--include-partial-messages",
        ],
    );
    claw.wait_for("a text delta", |l| {
        l["type"] == "stream_event" && l["event"]["delta"]["type"] == "text_delta"
    });
    claw.signal(signal);
    claw.wait_type("result", None);
    let seen = claw.seen.clone();
    (claw.finish(), seen)
}

#[test]
fn sigint_and_sigterm_stop_the_turn_print_its_result_and_exit_with_the_signal() {
    for (signal, status) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let (code, lines) = signalled_mid_answer(signal);
        assert_eq!(code, Some(status), "signal {signal}");
        let result = lines.last().unwrap();
        assert_eq!(result["type"], "result");
        assert_eq!(result["subtype"], "error_during_execution");
        assert_eq!(result["is_error"], true);
        assert_eq!(
            lines.iter().filter(|l| l["type"] == "result").count(),
            1,
            "one result line"
        );
    }
}

#[test]
fn a_signal_in_an_sdk_session_ends_with_the_running_turns_result() {
    let setup = Claw::new(vec![
        Reply::text("The first words of a long answer").stall_after(4),
        Reply::text("The queued turn's answer."),
    ]);
    let mut claw = Session::start(
        &setup,
        &[
            "--output-format",
            "stream-json",
            "--input-format",
            "stream-json",
            "--verbose",
            "--include-partial-messages",
        ],
    );
    claw.user("first");
    claw.user("second, queued behind it");
    claw.wait_for("a text delta", |l| {
        l["type"] == "stream_event" && l["event"]["delta"]["type"] == "text_delta"
    });
    claw.signal(libc::SIGTERM);
    let result = claw.wait_type("result", None);
    assert_eq!(result["is_error"], true);
    let seen = claw.seen.clone();
    assert_eq!(claw.finish(), Some(143));
    // The run ends with the interrupted turn's result: the queued one is not waited for.
    assert_eq!(seen.iter().filter(|l| l["type"] == "result").count(), 1);
    assert!(
        !seen
            .iter()
            .any(|l| l.to_string().contains("queued turn's answer")),
        "{seen:?}"
    );
}

#[test]
fn a_reader_that_closes_stdout_early_ends_claw_quietly_and_the_turn_is_recorded() {
    let setup = Claw::new(vec![
        Reply::text("First line.\nAnd the rest goes on and on").stall_after(4),
    ]);
    // As a shell runs `claw -p go 2>&1 | head -1`: stdout and stderr into one pipe, whose
    // reader leaves after one line.
    let claw = env!("CARGO_BIN_EXE_claw");
    let mut shell = std::process::Command::new("bash");
    shell.args([
        "-c",
        "set -o pipefail; \"$0\" -p go 2>&1 | head -1; echo \"status ${PIPESTATUS[0]}\"",
        claw,
    ]);
    support::headless::in_project(&mut shell, &setup);
    let out = shell
        .current_dir(setup.root())
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_with_patience(out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The first line reached the reader; claw then stopped as a program killed by SIGPIPE
    // does, without a word (no panic) on the pipe or anywhere else.
    assert_eq!(stdout, "First line.\nstatus 141\n", "stderr: {stderr}");
    assert_eq!(stderr, "");
    // The turn was stopped, not left running, and the session says so.
    let sessions = setup.root().join("data/claw/projects");
    let saved: Vec<String> = walk(&sessions)
        .into_iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    assert_eq!(saved.len(), 1, "one session saved");
    assert!(
        saved[0].contains("[Request interrupted by user]"),
        "{}",
        saved[0]
    );
}

/// The session files under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "jsonl") {
            found.push(path);
        }
    }
    found
}

/// The child's output, failing the test (and killing it) if it runs past a minute.
fn wait_with_patience(mut child: std::process::Child) -> std::process::Output {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("claw did not stop after its reader left");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_bad_value_in_stream_json_mode_is_bad_usage_too() {
    // Unknown flags are forgiven there (a newer SDK), values of known flags are not.
    let setup = Claw::new(vec![Reply::text("never asked")]);
    let out = command(
        &setup,
        &[
            "--output-format",
            "stream-json",
            "--input-format",
            "stream-json",
            "--verbose",
            "--max-turns",
            "0",
        ],
    )
    .stdin(Stdio::null())
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--max-turns 0"), "{stderr}");
}
