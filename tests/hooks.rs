//! Hooks with real shell scripts through the whole agent loop: a PreToolUse hook that blocks
//! `rm -rf`, one that rewrites a command, a UserPromptSubmit hook that adds context, a Stop hook
//! that sends the model back once, and a hook that hangs (timed out; the session goes on).

mod support;

use std::path::Path;
use std::time::Duration;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::hooks::Hooks;
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::{AgentEvent, Op, ToolOutcome, TurnStop};
use fake_server::{FakeServer, Reply};
use serde_json::{Value, json};

fn script(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&path)
        .status()
        .unwrap();
    path.display().to_string()
}

fn start(server: &FakeServer, cwd: &Path, hooks: Value) -> AgentHandle {
    let (hooks, warnings) = Hooks::from_settings(Some(&hooks));
    assert!(warnings.is_empty(), "{warnings:?}");
    agent::spawn(AgentConfig {
        system_prompt: Some("s".into()),
        // Bypass, so the hooks alone decide what runs.
        permissions: Permissions::new(PermissionMode::BypassPermissions, cwd, None),
        local_settings: None,
        hooks,
        ..support::agent::config(server, cwd)
    })
}

async fn run_turn(handle: &mut AgentHandle, text: &str) -> Vec<AgentEvent> {
    handle.ops.send(Op::UserTurn { text: text.into() }).unwrap();
    let mut events = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(15), handle.events.recv())
            .await
            .expect("agent went quiet")
            .expect("agent stopped");
        let done = matches!(event, AgentEvent::TurnEnded { .. });
        events.push(event);
        if done {
            return events;
        }
    }
}

fn results(request: &Value) -> Vec<(bool, String)> {
    request["messages"].as_array().unwrap().last().unwrap()["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "tool_result")
        .map(|b| {
            (
                b["is_error"].as_bool().unwrap_or(false),
                b["content"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn pre_tool_use_blocks_rm_rf_and_rewrites_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "precious").unwrap();
    let guard = script(
        dir.path(),
        "guard.sh",
        r#"input=$(cat); case "$input" in *"rm -rf"*) echo "rm -rf is not allowed here" >&2; exit 2;; esac; exit 0"#,
    );
    let rewrite = script(
        dir.path(),
        "rewrite.sh",
        r#"cat > /dev/null; echo '{"hookSpecificOutput": {"hookEventName": "PreToolUse", "updatedInput": {"command": "echo rewritten"}}}'"#,
    );
    let server = FakeServer::start(vec![
        Reply::tool_use("", "r1", "Bash", json!({"command": "rm -rf keep.txt"})),
        Reply::tool_use("", "r2", "Bash", json!({"command": "echo original"})),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let hooks = json!({"PreToolUse": [
        {"matcher": "Bash", "hooks": [{"type": "command", "command": guard}]},
        {"matcher": "Bash", "hooks": [{"type": "command", "command": format!("case \"$(cat)\" in *original*) {rewrite};; esac")}]}
    ]});
    let mut handle = start(&server, dir.path(), hooks);
    let events = run_turn(&mut handle, "clean up").await;
    assert!(
        dir.path().join("keep.txt").exists(),
        "the hook blocked rm -rf"
    );
    let requests = server.requests();
    let blocked = results(&requests[1].body);
    assert!(
        blocked[0].0 && blocked[0].1.contains("rm -rf is not allowed here"),
        "{blocked:?}"
    );
    let rewritten = results(&requests[2].body);
    assert_eq!(rewritten[0], (false, "rewritten".to_string()));
    // Each hook run shows in the activity pane.
    let hook_runs = events
        .iter()
        .filter(|e| matches!(e, AgentEvent::ToolStarted { tool, .. } if tool == "hook PreToolUse"))
        .count();
    assert_eq!(hook_runs, 4);
    assert!(events.iter().any(|e| matches!(
        e,
        AgentEvent::ToolFinished {
            outcome: ToolOutcome::Denied,
            ..
        }
    )));
}

#[tokio::test]
async fn prompt_context_stop_feedback_and_a_hanging_hook() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("stop-ran-once");
    let stop = script(
        dir.path(),
        "stop.sh",
        &format!(
            r#"cat > /dev/null; if [ -e {m} ]; then exit 0; fi; touch {m}; echo '{{"decision": "block", "reason": "also update the changelog"}}'"#,
            m = marker.display()
        ),
    );
    let server = FakeServer::start(vec![
        Reply::text("first answer"),
        Reply::text("changelog updated"),
    ])
    .await
    .unwrap();
    let hooks = json!({
        "UserPromptSubmit": [{"hooks": [
            {"type": "command", "command": "cat > /dev/null; echo 'Context: the project uses tabs.'"},
            {"type": "command", "command": "sleep 30", "timeout": 0.5}
        ]}],
        "Stop": [{"hooks": [{"type": "command", "command": stop}]}]
    });
    let mut handle = start(&server, dir.path(), hooks);
    let events = run_turn(&mut handle, "fix the indentation").await;
    assert_eq!(
        events.last(),
        Some(&AgentEvent::TurnEnded {
            stop: TurnStop::Done
        })
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, AgentEvent::Notice { message } if message.contains("timed out")))
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the Stop hook sent the model back once");
    let first_user = requests[0].body["messages"][0]["content"].to_string();
    assert!(first_user.contains("fix the indentation"));
    assert!(first_user.contains("the project uses tabs"), "{first_user}");
    let last_user = requests[1].body["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .to_string();
    assert!(
        last_user.contains("also update the changelog"),
        "{last_user}"
    );
}

#[tokio::test]
async fn a_blocked_prompt_never_reaches_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
    let hooks = json!({"UserPromptSubmit": [{"hooks": [{"type": "command",
        "command": "grep -q password && { echo 'no secrets in prompts' >&2; exit 2; }; exit 0"}]}]});
    let mut handle = start(&server, dir.path(), hooks);
    let events = run_turn(&mut handle, "my password is hunter2").await;
    assert!(events.iter().any(
        |e| matches!(e, AgentEvent::Error { message } if message.contains("no secrets in prompts"))
    ));
    assert_eq!(
        events.last(),
        Some(&AgentEvent::TurnEnded {
            stop: TurnStop::Failed
        })
    );
    assert!(server.requests().is_empty());
    let events = run_turn(&mut handle, "hello").await;
    assert_eq!(
        events.last(),
        Some(&AgentEvent::TurnEnded {
            stop: TurnStop::Done
        })
    );
    assert_eq!(
        server.requests()[0].body["messages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn session_start_hooks_hear_of_a_clear_and_their_context_leads_the_new_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::text("one"), Reply::text("two")])
        .await
        .unwrap();
    let hook = script(
        dir.path(),
        "start.sh",
        r#"input=$(cat); case "$input" in *'"clear"'*) echo "context after clear";; *'"startup"'*) echo "context at startup";; esac"#,
    );
    let mut handle = start(
        &server,
        dir.path(),
        json!({"SessionStart": [{"hooks": [{"type": "command", "command": hook}]}]}),
    );
    run_turn(&mut handle, "first").await;
    handle.ops.send(Op::Clear).unwrap();
    run_turn(&mut handle, "second").await;
    let requests = server.requests();
    let first_message = |i: usize| requests[i].body["messages"][0].to_string();
    assert!(
        first_message(0).contains("context at startup"),
        "{}",
        first_message(0)
    );
    assert!(
        first_message(1).contains("context after clear"),
        "{}",
        first_message(1)
    );
    assert!(!first_message(1).contains("context at startup"));
}
