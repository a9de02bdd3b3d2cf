//! The real Python Agent SDK (`claude-agent-sdk`, pinned in tests/agent_sdk/requirements.txt)
//! drives the real claw binary through `cli_path`, against the fake model server: each script
//! under tests/agent_sdk/ prints OK or fails with what it found.
//!
//! The SDK lives in `target/sdk-venv` (`.ci/run` creates it; locally:
//! `python3 -m venv target/sdk-venv && target/sdk-venv/bin/pip install -r
//! tests/agent_sdk/requirements.txt`), or wherever `CLAW_SDK_PYTHON` points. Without it the
//! tests say so and pass, except in CI (`CI=true`), where a missing SDK fails them.

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use fake_server::Reply;
use serde_json::json;
use support::claw::Claw;

/// The Python with the SDK installed, or None (with the reason printed) when there is none.
fn python() -> Option<PathBuf> {
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sdk-venv/bin/python");
    let chosen = std::env::var_os("CLAW_SDK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or(venv);
    if chosen.exists() {
        return Some(chosen);
    }
    let why = format!(
        "no Agent SDK at {} (run .ci/run, or create the venv as tests/agent_sdk.rs says)",
        chosen.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    eprintln!("skipped: {why}");
    None
}

/// Runs `tests/agent_sdk/SCRIPT` against `setup`'s server and project; fails on anything but
/// OK. False when there is no SDK to run it with (outside CI).
fn run_script(script: &str, setup: &Claw) -> bool {
    let Some(python) = python() else {
        return false;
    };
    let root = setup.root();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/agent_sdk");
    let mut command = Command::new(python);
    command
        .arg(dir.join(script))
        .current_dir(&dir)
        .env("CLAW_BIN", env!("CARGO_BIN_EXE_claw"))
        .env("CLAW_TEST_DIR", root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    support::headless::in_project(&mut command, setup);
    let mut child = command.spawn().unwrap();
    // A hang is a failure: the SDK's own timeouts are a minute; give it two.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{script} did not finish within 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.trim_end().ends_with("OK"),
        "{script} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    true
}

#[test]
fn query_with_a_string_prompt() {
    let setup = Claw::new(vec![Reply::text("Hello from the fake server.")]);
    run_script("query_string.py", &setup);
}

#[test]
fn an_api_retry_reaches_the_sdk_as_a_system_message() {
    let setup = Claw::new(vec![
        Reply::status(529, "overloaded_error", "Overloaded").with_header("retry-after-ms", "25"),
        Reply::text("Recovered."),
    ]);
    if !run_script("api_retry.py", &setup) {
        return;
    }
    assert_eq!(setup.server.requests().len(), 2, "one retry");
}

#[test]
fn partial_messages_carry_the_providers_stream_events() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sse/anthropic/docs_extended_thinking.sse"
    );
    let recorded = std::fs::read_to_string(path).unwrap();
    let setup = Claw::new(vec![Reply::raw_sse(&recorded)]);
    run_script("partial.py", &setup);
}

#[test]
fn can_use_tool_denies_one_tool_and_allows_another() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_bash",
            "Bash",
            json!({"command": "touch by-bash", "description": "Make"}),
        ),
        Reply::tool_use(
            "",
            "toolu_write",
            "Write",
            json!({"file_path": "allowed.txt", "content": "written\n"}),
        ),
        Reply::text("One of two."),
    ]);
    run_script("can_use_tool.py", &setup);
}

#[test]
fn a_pre_tool_use_hook_callback_denies_the_tool() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_bash",
            "Bash",
            json!({"command": "touch by-bash", "description": "Make"}),
        ),
        Reply::text("The hook said no."),
    ]);
    run_script("hook.py", &setup);
}

#[test]
fn a_client_over_several_turns_with_a_mode_change_and_an_interrupt() {
    let long = "and more ".repeat(400);
    let setup = Claw::new(vec![
        Reply::text("One."),
        Reply::tool_use(
            "",
            "toolu_write",
            "Write",
            json!({"file_path": "edited.txt", "content": "accepted\n"}),
        ),
        Reply::text("Wrote it."),
        Reply::text(&long).paced(Duration::from_millis(20)),
        Reply::text("After."),
    ]);
    run_script("client.py", &setup);
}

#[test]
fn an_in_process_sdk_mcp_tool_runs_in_the_client() {
    let setup = Claw::new(vec![
        Reply::tool_use("", "toolu_add", "mcp__calc__add", json!({"a": 2, "b": 3})),
        Reply::text("5, by the SDK's tool."),
    ]);
    if !run_script("sdk_mcp.py", &setup) {
        return;
    }
    let requests = setup.server.requests();
    let offered = requests[0].body["tools"].to_string();
    assert!(offered.contains("mcp__calc__add"), "{offered}");
    let told = requests[1].last_message().unwrap().to_string();
    assert!(told.contains("The sum is 5."), "{told}");
}

#[test]
fn custom_agents_from_the_sdk_run_with_their_prompt_tools_and_model() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_task",
            "Task",
            json!({"description": "Review", "prompt": "Review src/.", "subagent_type": "reviewer"}),
        ),
        Reply::text("No bugs found."),
        Reply::text("The reviewer found nothing."),
    ]);
    if !run_script("agents.py", &setup) {
        return;
    }
    let requests = setup.server.requests();
    assert_eq!(requests.len(), 3);
    let task = requests[0].body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Task")
        .unwrap()
        .clone();
    assert!(
        task["description"]
            .as_str()
            .unwrap()
            .contains("- reviewer: Reviews code for bugs"),
        "{task}"
    );
    let sub = &requests[1].body;
    assert!(
        sub["system"]
            .to_string()
            .contains("You are a strict code reviewer."),
        "{}",
        sub["system"]
    );
    let tools: Vec<&str> = sub["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["Read", "Grep"]);
    assert_eq!(sub["model"], "claude-haiku-4-5");
    assert_eq!(requests[2].body["model"], "claude-sonnet-4-6");
    assert!(
        requests[2]
            .last_message()
            .unwrap()
            .to_string()
            .contains("No bugs found."),
        "the report is the Task's result"
    );
}

#[test]
fn can_use_tool_keeps_updated_permissions_in_the_settings_files() {
    let bash = |id: &str, command: &str| {
        Reply::tool_use(
            "",
            id,
            "Bash",
            json!({"command": command, "description": "Make"}),
        )
    };
    let setup = Claw::new(vec![
        bash("toolu_1", "touch one"),
        bash("toolu_2", "touch two"),
        Reply::text("Both made."),
    ]);
    if !run_script("permission_updates.py", &setup) {
        return;
    }
    // Both commands ran, and the model heard so.
    let requests = setup.server.requests();
    assert_eq!(requests.len(), 3);
    let second = requests[2].last_message().unwrap().to_string();
    assert!(
        second.contains("toolu_2") && !second.contains("\"is_error\":true"),
        "{second}"
    );
}
