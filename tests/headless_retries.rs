//! Retries as a program driving `claw -p` sees them: in stream-json, before each retry, a
//! `{"type": "system", "subtype": "api_retry", …}` line with Claude Code's fields (attempt,
//! max_retries, retry_delay_ms, error_status, error, uuid, session_id) and nothing on stderr;
//! in json, the same messages in `--verbose`'s array and the wait said on stderr as it happens;
//! in text, the wait said on stderr.

mod support;

use fake_server::Reply;
use serde_json::Value;
use support::claw::Claw;
use support::headless::run;

/// A retryable status whose wait the server sets (`retry-after-ms`), so the delay is known.
fn failing(code: u16, kind: &str, wait_ms: &str) -> Reply {
    Reply::status(code, kind, "try later").with_header("retry-after-ms", wait_ms)
}

/// The API's way to be overloaded mid-stream: an error event right after message_start.
const OVERLOADED_EVENT: &str = "event: message_start\n\
data: {\"type\": \"message_start\", \"message\": {\"id\": \"msg_1\", \"type\": \"message\", \"role\": \"assistant\", \"content\": [], \"model\": \"claude-sonnet-4-6\", \"stop_reason\": null, \"usage\": {\"input_tokens\": 5, \"output_tokens\": 1}}}\n\n\
event: error\n\
data: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n";

/// An overloaded API, then a server error, then the answer.
fn two_failures_then_an_answer() -> Claw {
    Claw::new(vec![
        failing(529, "overloaded_error", "25"),
        failing(500, "api_error", "40"),
        Reply::text("Recovered."),
    ])
}

/// The messages of [`two_failures_then_an_answer`], in order.
const RETRIED_TWICE: [&str; 5] = [
    "system/init",
    "system/api_retry",
    "system/api_retry",
    "assistant",
    "result",
];

/// The kinds of the lines, `system/api_retry` style for system lines.
fn kinds(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| match l["subtype"].as_str() {
            Some(subtype) if l["type"] == "system" => format!("system/{subtype}"),
            _ => l["type"].as_str().unwrap_or("?").to_string(),
        })
        .collect()
}

fn retry_fields(line: &Value) -> (u64, u64, u64, Value, String) {
    (
        line["attempt"].as_u64().unwrap(),
        line["max_retries"].as_u64().unwrap(),
        line["retry_delay_ms"].as_u64().unwrap(),
        line["error_status"].clone(),
        line["error"].as_str().unwrap().to_string(),
    )
}

#[test]
fn stream_json_prints_an_api_retry_line_before_each_retry_then_the_answer() {
    let setup = two_failures_then_an_answer();
    let out = run(
        &setup,
        &["-p", "hi", "--output-format", "stream-json", "--verbose"],
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(setup.server.requests().len(), 3);
    assert_eq!(kinds(&out.lines), RETRIED_TWICE, "{}", out.stdout);
    let retries = out.of("system", Some("api_retry"));
    assert_eq!(
        retry_fields(retries[0]),
        (1, 2, 25, Value::from(529), "rate_limit".into())
    );
    assert_eq!(
        retry_fields(retries[1]),
        (2, 2, 40, Value::from(500), "server_error".into())
    );
    let session = &out.of("system", Some("init"))[0]["session_id"];
    for retry in &retries {
        assert_eq!(&retry["session_id"], session, "{retry}");
        assert_eq!(retry["uuid"].as_str().unwrap().len(), 36, "{retry}");
    }
    assert_ne!(retries[0]["uuid"], retries[1]["uuid"]);
    let result = out.of("result", None)[0];
    assert_eq!(result["subtype"], "success");
    assert_eq!(result["is_error"], false);
    assert_eq!(result["result"], "Recovered.");
    // The program reads the retries on stdout: stderr does not repeat them.
    assert!(!out.stderr.contains("retrying"), "{}", out.stderr);
}

#[test]
fn an_error_event_in_the_stream_is_a_retry_without_a_status() {
    let setup = Claw::new(vec![
        Reply::raw_sse(OVERLOADED_EVENT),
        Reply::text("Recovered."),
    ]);
    let out = run(
        &setup,
        &["-p", "hi", "--output-format", "stream-json", "--verbose"],
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let retries = out.of("system", Some("api_retry"));
    assert_eq!(retries.len(), 1, "{}", out.stdout);
    let (attempt, max_retries, _, status, error) = retry_fields(retries[0]);
    assert_eq!((attempt, max_retries), (1, 2));
    assert!(status.is_null(), "{}", retries[0]);
    assert_eq!(
        error, "rate_limit",
        "overloaded is a rate limit to the SDKs"
    );
    assert_eq!(out.of("result", None)[0]["result"], "Recovered.");
}

#[test]
fn json_keeps_the_retries_for_verbose_and_says_the_wait_on_stderr() {
    let setup = two_failures_then_an_answer();
    let out = run(
        &setup,
        &["-p", "hi", "--output-format", "json", "--verbose"],
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let all = out.lines[0].as_array().expect("one array of every message");
    assert_eq!(kinds(all), RETRIED_TWICE);
    assert_eq!(
        retry_fields(&all[1]),
        (1, 2, 25, Value::from(529), "rate_limit".into())
    );
    assert!(
        out.stderr
            .contains("claw: the API is overloaded (529); retrying in 0.0 s (retry 1 of 2)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("claw: server error (500); retrying in 0.0 s (retry 2 of 2)"),
        "{}",
        out.stderr
    );

    // Without --verbose only the result is printed; stderr still says each wait.
    let setup = two_failures_then_an_answer();
    let out = run(&setup, &["-p", "hi", "--output-format", "json"], "");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(kinds(&out.lines), ["result"]);
    assert_eq!(
        out.stderr.matches("retrying in").count(),
        2,
        "{}",
        out.stderr
    );
}

#[test]
fn text_says_each_wait_on_stderr_and_only_the_answer_on_stdout() {
    let setup = two_failures_then_an_answer();
    let out = run(&setup, &["-p", "hi"], "");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout.trim_end(), "Recovered.");
    let said: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("retrying"))
        .collect();
    assert_eq!(
        said,
        [
            "the API is overloaded (529); retrying in 0.0 s (retry 1 of 2)",
            "server error (500); retrying in 0.0 s (retry 2 of 2)"
        ],
        "{}",
        out.stderr
    );
}
