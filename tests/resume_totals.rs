//! `/resume` of another session mid-session: the running totals (tokens, cost, the context in
//! use, the cost per model) become the resumed session's, from what its log recorded, and
//! the next requests add to those; hooks hear the resumed session's id.

mod support;

use std::path::Path;

use claw::agent::history::LogTarget;
use claw::agent::session_log::{Entry, SessionLog};
use claw::agent::{self, AgentConfig, AgentHandle};
use claw::protocol::slash_command::SlashCommand;
use claw::protocol::{AgentEvent, Op};
use claw::provider::{Message, Usage};
use fake_server::{FakeServer, Reply};

use support::agent::config;
use support::turns::{finish_turn, next};

const EARLIER: &str = "0000000001-00000a";

/// A saved session of this project: one question and answer by haiku, with its usage.
fn earlier_session(dir: &Path, usage: Option<(Usage, f64)>) -> String {
    let mut log = SessionLog::open(&dir.join(format!("{EARLIER}.jsonl"))).unwrap();
    for entry in [
        Entry::Meta {
            id: EARLIER.into(),
            cwd: dir.display().to_string(),
            model: "claude-haiku-4-5".into(),
            started: 1,
        },
        Entry::Prompt {
            text: "an earlier question".into(),
            at: None,
        },
        Entry::Message {
            message: Message {
                role: claw::provider::Role::Assistant,
                content: vec![claw::provider::ContentBlock::Text {
                    text: "an earlier answer".into(),
                }],
            },
        },
    ] {
        log.append(&entry).unwrap();
    }
    if let Some((usage, cost)) = usage {
        log.append(&Entry::Usage {
            model: "claude-haiku-4-5".into(),
            usage,
            cost,
        })
        .unwrap();
    }
    EARLIER.into()
}

/// An agent on a new session saved beside the earlier one, with a UserPromptSubmit hook that
/// appends the session id it hears to `ids`.
fn start(server: &FakeServer, dir: &Path) -> AgentHandle {
    let ids = dir.join("ids");
    let hooks = serde_json::json!({
        "UserPromptSubmit": [{"hooks": [{"type": "command",
            "command": format!("grep -o '\"session_id\":\"[^\"]*\"' >> '{}'", ids.display())}]}]
    });
    let (hooks, warnings) = claw::hooks::Hooks::from_settings(Some(&hooks));
    assert!(warnings.is_empty(), "{warnings:?}");
    agent::spawn(AgentConfig {
        hooks,
        log: LogTarget::Pending {
            path: dir.join("0000000002-00000b.jsonl"),
            meta: Entry::Clear,
        },
        ..config(server, dir)
    })
}

/// Runs `/name args` and returns its events, up to its closing notice or info.
async fn command(handle: &mut AgentHandle, name: &str, args: &str) -> Vec<AgentEvent> {
    handle
        .ops
        .send(Op::Command {
            command: SlashCommand::from_name(name).unwrap(),
            args: args.into(),
        })
        .unwrap();
    let mut events = Vec::new();
    loop {
        let event = next(handle).await;
        let done = matches!(
            &event,
            AgentEvent::Notice { .. } | AgentEvent::Info { .. } | AgentEvent::Error { .. }
        );
        events.push(event);
        if done {
            return events;
        }
    }
}

/// The last Usage event's (total in, total out, cost, context in use).
fn last_usage(events: &[AgentEvent]) -> Option<(u64, u64, f64, u64)> {
    events.iter().rev().find_map(|e| match e {
        AgentEvent::Usage {
            usage,
            session_cost,
            total_in,
            total_out,
            ..
        } => Some((
            *total_in,
            *total_out,
            *session_cost,
            usage.input_tokens + usage.output_tokens,
        )),
        _ => None,
    })
}

async fn turn(handle: &mut AgentHandle, text: &str) -> Vec<AgentEvent> {
    handle.ops.send(Op::UserTurn { text: text.into() }).unwrap();
    finish_turn(handle).await
}

#[tokio::test]
async fn resuming_another_session_brings_its_recorded_totals_not_the_previous_ones() {
    let dir = tempfile::tempdir().unwrap();
    let recorded = Usage {
        input_tokens: 1_000,
        output_tokens: 500,
        ..Default::default()
    };
    let id = earlier_session(dir.path(), Some((recorded, 0.0035)));
    let server = FakeServer::start(vec![Reply::text("first"), Reply::text("after")])
        .await
        .unwrap();
    let mut handle = start(&server, dir.path());
    let before = last_usage(&turn(&mut handle, "hello").await).expect("a usage event");
    assert!(before.0 > 0 && before.2 > 0.0, "{before:?}");

    let events = command(&mut handle, "resume", &id).await;
    assert!(
        matches!(events.last(), Some(AgentEvent::Notice { message }) if message.starts_with("Resumed")),
        "{events:?}"
    );
    assert_eq!(
        last_usage(&events),
        Some((1_000, 500, 0.0035, 1_500)),
        "the resumed session's totals, in place of the previous ones"
    );
    let cost = command(&mut handle, "cost", "").await;
    let Some(AgentEvent::Info { body, .. }) = cost.last() else {
        panic!("{cost:?}")
    };
    assert!(body.contains("claude-haiku-4-5: $0.0035"), "{body}");
    assert!(!body.contains("claude-sonnet-4-6"), "{body}");
    assert!(body.contains("This session: $0.0035"), "{body}");

    // The next request adds to the resumed session's totals.
    let after = last_usage(&turn(&mut handle, "go on").await).unwrap();
    assert_eq!(after.0, 1_000 + before.0);
    assert_eq!(after.1, 500 + before.1);
    assert!((after.2 - (0.0035 + before.2)).abs() < 1e-9, "{after:?}");
    // Hooks heard the new session's id, then the resumed one's.
    let ids = std::fs::read_to_string(dir.path().join("ids")).unwrap();
    assert_eq!(
        ids.lines().collect::<Vec<_>>(),
        [
            "\"session_id\":\"0000000002-00000b\"".to_string(),
            format!("\"session_id\":\"{EARLIER}\"")
        ]
    );
}

#[tokio::test]
async fn resuming_a_session_that_recorded_no_usage_starts_from_zero() {
    let dir = tempfile::tempdir().unwrap();
    let id = earlier_session(dir.path(), None);
    let server = FakeServer::start(vec![Reply::text("first")]).await.unwrap();
    let mut handle = start(&server, dir.path());
    turn(&mut handle, "hello").await;
    let events = command(&mut handle, "resume", &id).await;
    assert_eq!(last_usage(&events), Some((0, 0, 0.0, 0)));
    let status = command(&mut handle, "status", "").await;
    let Some(AgentEvent::Info { body, .. }) = status.last() else {
        panic!("{status:?}")
    };
    assert!(
        body.contains("Tokens: 0 in, 0 out\nCost: $0.0000"),
        "{body}"
    );
}
