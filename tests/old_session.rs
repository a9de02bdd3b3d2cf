//! A session file written by claw before its conversation model became provider-neutral
//! (`tests/fixtures/sessions/before-providers.jsonl`, made with that code) still loads and
//! resumes: thinking signatures, redacted thinking, pictures and error results go back to the
//! model as they were.

mod support;

use claw::agent::history::History;
use claw::agent::{self, AgentConfig, session_log};
use claw::protocol::Op;
use fake_server::{FakeServer, Reply};

use support::agent::config;
use support::turns::finish_turn;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/sessions/before-providers.jsonl"
);

#[tokio::test]
async fn a_session_saved_by_the_old_claw_resumes() {
    let loaded = session_log::load(std::path::Path::new(FIXTURE)).unwrap();
    assert_eq!(loaded.skipped, 0, "every line of the old file reads");
    let (messages, cost) = History::replay(&loaded.entries);
    assert_eq!(messages.len(), 8);
    assert!((cost - 0.00945).abs() < 1e-9, "recorded cost kept: {cost}");

    let server = FakeServer::start(vec![Reply::text("still here")])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut handle = agent::spawn(AgentConfig {
        resumed: claw::agent::resume::Resume::messages(messages),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "and now?".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        1,
        "the fake server accepted the resumed history"
    );
    let sent = &requests[0].body["messages"];
    let first_answer = &sent[1]["content"];
    assert_eq!(first_answer[0]["type"], "thinking");
    assert_eq!(first_answer[0]["signature"], "EqQBCkYIARgCKkBsig==");
    assert_eq!(first_answer[1]["type"], "redacted_thinking");
    assert_eq!(first_answer[1]["data"], "EmwKAhgBEgy3redacted");
    let pictures = &sent[6]["content"];
    assert_eq!(pictures[0]["tool_use_id"], "toolu_02");
    assert_eq!(pictures[0]["content"][1]["type"], "image");
    assert_eq!(
        pictures[0]["content"][1]["source"]["media_type"],
        "image/png"
    );
    assert_eq!(pictures[1]["is_error"], true);
    let last = sent.as_array().unwrap().last().unwrap().to_string();
    assert!(last.contains("and now?"), "{last}");
}
