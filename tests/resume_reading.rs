//! A session resumed from its last turns while its file is read (`claw --continue` on a long
//! session): the agent shows the last turns at once, then takes the whole conversation, with
//! its totals and rewind points, before anything sent meanwhile is answered.

mod support;

use claw::agent::history::LogTarget;
use claw::agent::resume::{Reading, Restored, Resume};
use claw::agent::session_log::{Entry, SessionLog};
use claw::agent::{self, AgentConfig};
use claw::protocol::slash_command::SlashCommand;
use claw::protocol::{AgentEvent, Op};
use claw::provider::{ContentBlock, Message, Role, Usage};
use fake_server::{FakeServer, Reply};

use support::agent::config;
use support::turns::{finish_turn, model_requests, next};

/// A saved session of `turns` questions and answers, with the usage of each.
fn saved(turns: usize) -> Vec<Entry> {
    let mut entries = Vec::new();
    for i in 0..turns {
        entries.push(Entry::Prompt {
            text: format!("question {i}"),
            at: Some(1_700_000_000),
        });
        entries.push(Entry::Message {
            message: Message {
                role: Role::Assistant,
                content: vec![ContentBlock::Text {
                    text: format!("answer {i}"),
                }],
            },
        });
        entries.push(Entry::Usage {
            model: "claude-sonnet-4-6".into(),
            usage: Usage {
                input_tokens: 100,
                output_tokens: 10,
                ..Usage::default()
            },
            cost: 0.5,
        });
    }
    entries
}

/// The prompts `/rewind` offers to go back to.
async fn rewind_points(handle: &mut claw::agent::AgentHandle) -> Vec<String> {
    handle
        .ops
        .send(Op::Command {
            command: SlashCommand::from_name("rewind").unwrap(),
            args: String::new(),
        })
        .unwrap();
    loop {
        if let AgentEvent::RewindPoints(points) = next(handle).await {
            return points.into_iter().map(|p| p.prompt).collect();
        }
    }
}

#[tokio::test]
async fn a_session_shown_from_its_end_answers_with_its_whole_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::text("still here")])
        .await
        .unwrap();
    let entries = saved(6);
    // The last turn is what the screen shows first.
    let (last, _) = claw::agent::history::History::replay(&entries[entries.len() - 3..]);
    let (send, rest) = tokio::sync::oneshot::channel();
    let path = dir.path().join("s.jsonl");
    let mut handle = agent::spawn(AgentConfig {
        log: LogTarget::Open(SessionLog::open(&path).unwrap()),
        resumed: Resume::Reading(Reading { last, rest }),
        ..config(&server, dir.path())
    });
    let AgentEvent::SessionStarted(start) = next(&mut handle).await else {
        panic!("the first event is not SessionStarted");
    };
    assert_eq!(
        start.transcript,
        vec![
            AgentEvent::UserText {
                text: "question 5".into()
            },
            AgentEvent::TextDelta("answer 5".into()),
            AgentEvent::MessageDone,
        ],
        "only the last turns, at once"
    );
    // Sent before the file has been read: it waits for the whole conversation.
    handle
        .ops
        .send(Op::UserTurn {
            text: "and now?".into(),
        })
        .unwrap();
    let mut restored = Restored::from_entries(entries);
    restored.notices = vec!["Resumed s.jsonl (12 messages).".into()];
    assert!(send.send(restored).is_ok(), "the agent waits for it");
    let events = finish_turn(&mut handle).await;
    let restored_at = events
        .iter()
        .position(|e| matches!(e, AgentEvent::TranscriptRestored { .. }))
        .expect("the whole conversation is sent to be shown");
    let AgentEvent::TranscriptRestored {
        transcript,
        notices,
    } = &events[restored_at]
    else {
        unreachable!()
    };
    assert_eq!(transcript.len(), 18, "six turns of three events");
    assert_eq!(notices, &["Resumed s.jsonl (12 messages)."]);
    let turn_at = events
        .iter()
        .position(|e| matches!(e, AgentEvent::TurnStarted { .. }))
        .unwrap();
    assert!(restored_at < turn_at, "{events:?}");
    // The recorded totals come with it: six requests' tokens and cost.
    assert!(
        events[..turn_at].iter().any(|e| matches!(e,
            AgentEvent::Usage { total_in, total_out, session_cost, .. }
                if *total_in == 600 && *total_out == 60 && (*session_cost - 3.0).abs() < 1e-9)),
        "{events:?}"
    );
    let requests = model_requests(&server);
    let sent = requests[0].body["messages"].as_array().unwrap();
    assert_eq!(
        sent.len(),
        13,
        "twelve resumed messages and the new question"
    );
    let says = |message: &serde_json::Value, text: &str| {
        message["content"]
            .as_array()
            .is_some_and(|blocks| blocks.iter().any(|b| b["text"] == text))
    };
    assert!(says(&sent[0], "question 0"), "{}", sent[0]);
    assert!(says(&sent[12], "and now?"), "{}", sent[12]);
    // The rewind points are the whole session's prompts.
    let prompts = rewind_points(&mut handle).await;
    assert_eq!(
        prompts,
        [
            "question 0",
            "question 1",
            "question 2",
            "question 3",
            "question 4",
            "question 5",
            "and now?"
        ]
    );
    // The new turn went to the session's own file.
    let log = std::fs::read_to_string(&path).unwrap();
    assert!(log.contains("and now?"), "{log}");
}

#[tokio::test]
async fn if_the_rest_cannot_be_read_the_session_goes_on_with_its_last_turns() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::text("still here")])
        .await
        .unwrap();
    let entries = saved(3);
    let (last, _) = claw::agent::history::History::replay(&entries[entries.len() - 3..]);
    let (send, rest) = tokio::sync::oneshot::channel::<Restored>();
    drop(send);
    let mut handle = agent::spawn(AgentConfig {
        resumed: Resume::Reading(Reading { last, rest }),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "and now?".into(),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    assert!(
        events.iter().any(|e| matches!(e, AgentEvent::Notice { message } if message.contains("Only the last turns"))),
        "{events:?}"
    );
    let requests = model_requests(&server);
    let sent = requests[0].body["messages"].as_array().unwrap();
    assert_eq!(sent.len(), 3, "the last turn and the new question");
}

#[tokio::test]
async fn a_session_read_whole_keeps_its_rewind_points() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![]).await.unwrap();
    let mut handle = agent::spawn(AgentConfig {
        resumed: Resume::Whole(Box::new(Restored::from_entries(saved(2)))),
        ..config(&server, dir.path())
    });
    let prompts = rewind_points(&mut handle).await;
    assert_eq!(prompts, ["question 0", "question 1"]);
}

#[tokio::test]
async fn a_resumed_session_of_a_model_without_a_price_says_its_cost_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![]).await.unwrap();
    let entries = vec![
        Entry::Prompt {
            text: "hello".into(),
            at: None,
        },
        Entry::Usage {
            model: "some-local-model".into(),
            usage: Usage::default(),
            cost: 0.0,
        },
    ];
    let mut handle = agent::spawn(AgentConfig {
        resumed: Resume::Whole(Box::new(Restored::from_entries(entries))),
        ..config(&server, dir.path())
    });
    let pricing = loop {
        if let AgentEvent::Usage { pricing, .. } = next(&mut handle).await {
            break pricing;
        }
    };
    assert_eq!(
        pricing,
        claw::protocol::Pricing::Unknown,
        "shown as $?, not $0.0000"
    );
}
