//! What the agent says first and after each answer, as both front ends read it: the session
//! it started (with a resumed conversation) and every complete answer.

mod support;

use claw::agent::history::LogTarget;
use claw::agent::session_log::SessionLog;
use claw::agent::{self, AgentConfig};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::conversation::{ContentBlock, Message, Role, StopReason};
use claw::protocol::{AgentEvent, Op};
use fake_server::{FakeServer, Reply};

use support::agent::config;
use support::turns::next;

#[tokio::test]
async fn a_resumed_session_starts_with_its_facts_and_transcript_then_answers_come_whole() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::text("The answer.")])
        .await
        .unwrap();
    let path = dir.path().join("0000000abc-123456.jsonl");
    let resumed = vec![
        Message::user_text("an earlier question"),
        Message {
            role: Role::Assistant,
            content: vec![ContentBlock::Text {
                text: "an earlier answer".into(),
            }],
        },
    ];
    let mut handle = agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::Plan, dir.path(), None),
        log: LogTarget::Open(SessionLog::open(&path).unwrap()),
        resumed: claw::agent::resume::Resume::messages(resumed),
        ..config(&server, dir.path())
    });
    let AgentEvent::SessionStarted(start) = next(&mut handle).await else {
        panic!("the first event is not SessionStarted");
    };
    assert_eq!(start.session_id, "0000000abc-123456", "the log file's name");
    assert_eq!(start.cwd, dir.path().display().to_string());
    assert_eq!(start.provider, "anthropic");
    assert_eq!(start.model, "claude-sonnet-4-6");
    assert_eq!(start.permission_mode, PermissionMode::Plan);
    assert!(start.context_window > 0);
    for tool in ["Bash", "Read", "Edit", "Task"] {
        assert!(start.tools.iter().any(|t| t == tool), "{:?}", start.tools);
    }
    assert!(
        start.models.iter().any(|m| m.id == "claude-sonnet-4-6"),
        "the catalog's models"
    );
    assert_eq!(
        start.transcript,
        vec![
            AgentEvent::UserText {
                text: "an earlier question".into()
            },
            AgentEvent::TextDelta("an earlier answer".into()),
            AgentEvent::MessageDone,
        ]
    );
    handle
        .ops
        .send(Op::UserTurn { text: "now".into() })
        .unwrap();
    let mut order = Vec::new();
    let reply = loop {
        match next(&mut handle).await {
            AgentEvent::MessageDone => order.push("done"),
            AgentEvent::AssistantMessage(reply) => break reply,
            AgentEvent::TurnEnded { .. } => panic!("no AssistantMessage before the turn ended"),
            _ => {}
        }
    };
    assert_eq!(order, ["done"], "the whole message follows its deltas");
    assert_eq!(reply.message.text(), "The answer.");
    assert_eq!(reply.message.role, Role::Assistant);
    assert_eq!(reply.stop_reason, StopReason::EndTurn);
    assert_eq!(reply.model, "claude-sonnet-4-6");
    assert!(reply.id.starts_with("msg_"), "{}", reply.id);
    assert!(reply.usage.output_tokens > 0, "{:?}", reply.usage);
    assert!(reply.cost.is_some_and(|c| c > 0.0), "a priced model");
}

#[test]
fn ops_and_events_travel_as_tagged_snake_case_json() {
    let op = Op::UserTurn { text: "hi".into() };
    let json = serde_json::to_value(&op).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"type": "user_turn", "data": {"text": "hi"}})
    );
    assert_eq!(serde_json::from_value::<Op>(json).unwrap(), op);
    assert_eq!(
        serde_json::to_value(Op::Interrupt).unwrap(),
        serde_json::json!({"type": "interrupt"})
    );
    let decide = Op::Decide {
        id: 3,
        decision: claw::protocol::Decision::DenyAndStop,
    };
    assert_eq!(
        serde_json::to_value(&decide).unwrap(),
        serde_json::json!({"type": "decide", "data": {"id": 3, "decision": "deny_and_stop"}})
    );
    let events = [
        AgentEvent::TextDelta("a".into()),
        AgentEvent::TurnEnded {
            stop: claw::protocol::TurnStop::MaxTurns,
        },
        AgentEvent::SessionStarted(Box::default()),
    ];
    let tags: Vec<String> = events
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(tags, ["text_delta", "turn_ended", "session_started"]);
    for event in events {
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(
            serde_json::from_str::<AgentEvent>(&json).unwrap(),
            event,
            "{json}"
        );
    }
}
