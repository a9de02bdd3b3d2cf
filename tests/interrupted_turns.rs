//! A turn the user interrupts is recorded in the session log as Claude Code records it (a user
//! text "[Request interrupted by user]", "… for tool use" when a tool call was cut), so after
//! a resume the transcript shows it and the model reads it; the next request is one the API
//! accepts (the fake server rejects what the real API rejects).

mod support;

use std::path::Path;

use claw::agent::history::{History, LogTarget};
use claw::agent::session_log::{self, Entry, SessionLog};
use claw::agent::{self, AgentConfig, AgentHandle};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::{AgentEvent, ExitReason, Op, TurnStop};
use fake_server::{FakeServer, Reply};
use serde_json::{Value, json};

use support::agent::config;
use support::turns::{finish_turn, model_requests, next};

const INTERRUPTED: &str = "[Request interrupted by user]";
const INTERRUPTED_FOR_TOOL_USE: &str = "[Request interrupted by user for tool use]";

/// The agent in bypass mode, saving to `log`, with `resumed` as its conversation.
fn start(
    server: &FakeServer,
    cwd: &Path,
    log: &Path,
    resumed: Vec<claw::provider::Message>,
) -> AgentHandle {
    agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, cwd, None),
        log: LogTarget::Open(SessionLog::open(log).unwrap()),
        resumed: claw::agent::resume::Resume::messages(resumed),
        ..config(server, cwd)
    })
}

/// Runs a turn, interrupts it once `ready` sees its event, and winds the agent down.
async fn interrupt_when(mut handle: AgentHandle, ready: impl Fn(&AgentEvent) -> bool) {
    handle
        .ops
        .send(Op::UserTurn {
            text: "do the thing".into(),
        })
        .unwrap();
    loop {
        let event = next(&mut handle).await;
        if ready(&event) {
            handle.ops.send(Op::Interrupt).unwrap();
        }
        if let AgentEvent::TurnEnded { stop } = event {
            assert_eq!(stop, TurnStop::Interrupted);
            break;
        }
    }
    handle.ops.send(Op::Shutdown(ExitReason::Other)).unwrap();
    handle.finished.await.unwrap();
}

/// Resumes the saved session as `--continue` does, checks its transcript shows the
/// interruption, and sends one more prompt; returns the request that carried it.
async fn resume_and_go_on(server: &FakeServer, cwd: &Path, log: &Path) -> Value {
    let loaded = session_log::load(log).unwrap();
    let (messages, _) = History::replay(&loaded.entries);
    let mut handle = start(server, cwd, log, messages);
    let AgentEvent::SessionStarted(started) = next(&mut handle).await else {
        panic!("the first event is not SessionStarted");
    };
    let notices: Vec<&AgentEvent> = started
        .transcript
        .iter()
        .filter(|e| matches!(e, AgentEvent::Notice { .. }))
        .collect();
    assert_eq!(
        notices,
        [&AgentEvent::Notice {
            message: "Interrupted.".into()
        }],
        "the resumed transcript shows where the turn was cut"
    );
    handle
        .ops
        .send(Op::UserTurn {
            text: "go on".into(),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    assert_eq!(
        events.last(),
        Some(&AgentEvent::TurnEnded {
            stop: TurnStop::Done
        }),
        "the request after the resume is accepted: {events:?}"
    );
    model_requests(server).last().unwrap().body.clone()
}

fn texts(message: &Value) -> Vec<String> {
    message["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| match b["type"].as_str().unwrap() {
            "text" => b["text"].as_str().unwrap().to_string(),
            other => format!("<{other}>"),
        })
        .collect()
}

#[tokio::test]
async fn an_interrupted_answer_is_saved_and_read_by_the_model_after_a_resume() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("0000000001-000001.jsonl");
    // The answer streams a few words, then nothing more comes until the user interrupts.
    let server = FakeServer::start(vec![
        Reply::text("Half of an answer that goes on and on").stall_after(6),
        Reply::text("Going on."),
    ])
    .await
    .unwrap();
    let handle = start(&server, dir.path(), &log, Vec::new());
    interrupt_when(handle, |e| matches!(e, AgentEvent::TextDelta(_))).await;
    // In the log at once, not only when a next prompt is sent.
    let entries = session_log::load(&log).unwrap().entries;
    assert_eq!(
        entries.last(),
        Some(&Entry::UserText {
            text: INTERRUPTED.into()
        })
    );
    let body = resume_and_go_on(&server, dir.path(), &log).await;
    let messages = body["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user"]);
    assert!(texts(&messages[1])[0].starts_with("Half of"), "{body}");
    assert_eq!(texts(&messages[2]), [INTERRUPTED, "go on"]);
}

#[tokio::test]
async fn an_interrupted_tool_call_is_saved_after_its_result_and_the_resume_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("0000000001-000002.jsonl");
    let server = FakeServer::start(vec![
        Reply::tool_use("", "b1", "Bash", json!({"command": "sleep 30"})),
        Reply::text("Going on."),
    ])
    .await
    .unwrap();
    let handle = start(&server, dir.path(), &log, Vec::new());
    interrupt_when(handle, |e| matches!(e, AgentEvent::ToolStarted { .. })).await;
    let entries = session_log::load(&log).unwrap().entries;
    assert_eq!(
        entries.last(),
        Some(&Entry::UserText {
            text: INTERRUPTED_FOR_TOOL_USE.into()
        })
    );
    // Drawn on resume as it ended: interrupted, not failed.
    let (messages, _) = History::replay(&entries);
    let ended: Vec<_> = claw::agent::history::replay_events(&messages)
        .into_iter()
        .filter_map(|e| match e {
            AgentEvent::ToolFinished {
                call_id,
                outcome,
                summary,
                ..
            } => Some((call_id, outcome, summary)),
            _ => None,
        })
        .collect();
    assert_eq!(
        ended,
        [(
            "b1".to_string(),
            claw::protocol::ToolOutcome::Interrupted,
            "interrupted".to_string()
        )]
    );
    let body = resume_and_go_on(&server, dir.path(), &log).await;
    let last = body["messages"].as_array().unwrap().last().unwrap().clone();
    // The tool result first (as the API wants), then the note, then the new prompt.
    assert_eq!(
        texts(&last),
        ["<tool_result>", INTERRUPTED_FOR_TOOL_USE, "go on"]
    );
    assert_eq!(last["content"][0]["tool_use_id"], "b1");
    assert_eq!(last["content"][0]["is_error"], true);
}
