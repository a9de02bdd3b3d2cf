//! The command line's run options in the agent loop, against the fake server: the system
//! prompt absent, replaced or appended to; --max-turns and --max-budget-usd stopping a turn;
//! the fallback model taking over; --json-schema's StructuredOutput, retried until it matches;
//! the thinking budget and effort in the request.

mod support;

use claw::agent::{self, AgentConfig, AgentHandle, RunOptions};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::{AgentEvent, Effort, Op, TurnStop};
use fake_server::{FakeServer, Reply};
use serde_json::{Value, json};
use support::agent::config;
use support::turns::{finish_turn, model_requests, send, tool_results};

fn start(server: &FakeServer, cwd: &std::path::Path, run: RunOptions) -> AgentHandle {
    start_with(server, cwd, |c| c, run)
}

fn start_with(
    server: &FakeServer,
    cwd: &std::path::Path,
    change: impl FnOnce(AgentConfig) -> AgentConfig,
    run: RunOptions,
) -> AgentHandle {
    let config = AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, cwd, None),
        ..config(server, cwd)
    };
    agent::spawn_with(change(config), run)
}

fn turn(text: &str) -> Op {
    Op::UserTurn { text: text.into() }
}

fn ended(events: &[AgentEvent]) -> TurnStop {
    match events.last() {
        Some(AgentEvent::TurnEnded { stop }) => stop.clone(),
        other => panic!("the turn did not end: {other:?}"),
    }
}

fn glob(id: &str) -> Reply {
    Reply::tool_use("", id, "Glob", json!({"pattern": "*.none"}))
}

/// The system prompt's text in a request body (None: no system prompt at all).
fn system_text(body: &Value) -> Option<String> {
    body.get("system")
        .map(|s| s[0]["text"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn an_empty_system_prompt_sends_none_and_a_given_one_replaces_claws() {
    let dir = tempfile::tempdir().unwrap();
    for (given, expected) in [("", None), ("Answer in haiku.", Some("Answer in haiku."))] {
        let server = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
        let system = Some(given.to_string());
        let mut handle = start_with(
            &server,
            dir.path(),
            |c| AgentConfig {
                system_prompt: system,
                ..c
            },
            RunOptions::default(),
        );
        send(&handle, [turn("hi")]);
        assert_eq!(ended(&finish_turn(&mut handle).await), TurnStop::Done);
        let body = &model_requests(&server)[0].body;
        assert_eq!(
            system_text(body).as_deref(),
            expected,
            "--system-prompt {given:?}"
        );
    }
}

#[tokio::test]
async fn an_appended_prompt_follows_claws_own_or_the_given_one() {
    let dir = tempfile::tempdir().unwrap();
    let append = || RunOptions {
        append_system_prompt: Some("Always answer in French.".into()),
        ..RunOptions::default()
    };
    let server = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
    let mut handle = start(&server, dir.path(), append());
    send(&handle, [turn("hi")]);
    finish_turn(&mut handle).await;
    let system = system_text(&model_requests(&server)[0].body).unwrap();
    assert!(system.starts_with("You are claw"), "{system}");
    assert!(system.ends_with("\n\nAlways answer in French."), "{system}");

    let server = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
    let mut handle = start_with(
        &server,
        dir.path(),
        |c| AgentConfig {
            system_prompt: Some("Be brief.".into()),
            ..c
        },
        append(),
    );
    send(&handle, [turn("hi")]);
    finish_turn(&mut handle).await;
    assert_eq!(
        system_text(&model_requests(&server)[0].body).as_deref(),
        Some("Be brief.\n\nAlways answer in French.")
    );
}

#[tokio::test]
async fn max_turns_stops_the_turn_after_that_many_requests() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        glob("t1"),
        glob("t2"),
        glob("t3"),
        glob("t4"),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let run = RunOptions {
        max_turns: Some(2),
        ..RunOptions::default()
    };
    let mut handle = start(&server, dir.path(), run);
    send(&handle, [turn("look around")]);
    assert_eq!(ended(&finish_turn(&mut handle).await), TurnStop::MaxTurns);
    assert_eq!(model_requests(&server).len(), 2);
    // The next user turn has its own count: the queue goes on where it was.
    send(&handle, [turn("go on")]);
    assert_eq!(ended(&finish_turn(&mut handle).await), TurnStop::MaxTurns);
    assert_eq!(model_requests(&server).len(), 4);
    let last = model_requests(&server)[3].body["messages"].clone();
    // The stopped turn's last tool call got its result: the history stays valid.
    assert_eq!(tool_results(&last[4])[0].0, "t2");
}

#[tokio::test]
async fn max_budget_stops_the_turn_once_the_known_cost_reaches_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        glob("t1"),
        glob("t2"),
        glob("t3"),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    // Each fake reply costs 25 input and 12 output tokens of claude-sonnet-4-6: $0.000255.
    let run = RunOptions {
        max_budget_usd: Some(0.0004),
        ..RunOptions::default()
    };
    let mut handle = start(&server, dir.path(), run);
    send(&handle, [turn("look around")]);
    let events = finish_turn(&mut handle).await;
    assert_eq!(ended(&events), TurnStop::MaxBudget);
    assert_eq!(
        model_requests(&server).len(),
        2,
        "the third request would pass the budget"
    );
    let cost = events
        .iter()
        .rev()
        .find_map(|e| match e {
            AgentEvent::Usage { session_cost, .. } => Some(*session_cost),
            _ => None,
        })
        .unwrap();
    assert!(cost >= 0.0004, "{cost}");
    // Over the budget, a new turn sends nothing.
    send(&handle, [turn("more")]);
    assert_eq!(ended(&finish_turn(&mut handle).await), TurnStop::MaxBudget);
    assert_eq!(model_requests(&server).len(), 2);
}

#[tokio::test]
async fn an_overloaded_model_gives_way_to_the_fallback_for_the_rest_of_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let overloaded =
        Reply::status(529, "overloaded_error", "Overloaded").with_header("x-should-retry", "false");
    let server = FakeServer::start(vec![overloaded, Reply::text("one"), Reply::text("two")])
        .await
        .unwrap();
    let run = RunOptions {
        fallback_model: Some("claude-haiku-4-5".into()),
        ..RunOptions::default()
    };
    let mut handle = start(&server, dir.path(), run);
    send(&handle, [turn("hi")]);
    let events = finish_turn(&mut handle).await;
    assert_eq!(ended(&events), TurnStop::Done);
    let notice = events
        .iter()
        .find_map(|e| match e {
            AgentEvent::Notice { message } if message.contains("fallback") => Some(message),
            _ => None,
        })
        .expect("a notice of the switch");
    assert!(
        notice.contains("switched from claude-sonnet-4-6 to the fallback model claude-haiku-4-5"),
        "{notice}"
    );
    assert!(
        !events.iter().any(|e| matches!(e, AgentEvent::Error { .. })),
        "{events:?}"
    );
    send(&handle, [turn("again")]);
    finish_turn(&mut handle).await;
    let models: Vec<Value> = model_requests(&server)
        .iter()
        .map(|r| r.body["model"].clone())
        .collect();
    assert_eq!(
        models,
        ["claude-sonnet-4-6", "claude-haiku-4-5", "claude-haiku-4-5"]
    );
}

#[tokio::test]
async fn a_model_not_found_falls_back_once_and_a_second_failure_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::status(404, "not_found_error", "model: nope"),
        Reply::status(404, "not_found_error", "model: claude-haiku-4-5"),
    ])
    .await
    .unwrap();
    let run = RunOptions {
        fallback_model: Some("claude-haiku-4-5".into()),
        ..RunOptions::default()
    };
    let mut handle = start(&server, dir.path(), run);
    send(&handle, [turn("hi")]);
    let events = finish_turn(&mut handle).await;
    assert_eq!(ended(&events), TurnStop::Failed);
    assert_eq!(model_requests(&server).len(), 2);
    assert!(events.iter().any(
        |e| matches!(e, AgentEvent::Error { message } if message.contains("claude-haiku-4-5"))
    ));
}

fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {"files": {"type": "integer", "minimum": 0}},
        "required": ["files"],
        "additionalProperties": false
    })
}

fn structured(id: &str, input: Value) -> Reply {
    Reply::tool_use("", id, "StructuredOutput", input)
}

#[tokio::test]
async fn a_wrong_structured_output_goes_back_and_the_right_one_ends_the_turn() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        structured("s1", json!({"files": "three"})),
        structured("s2", json!({"files": 3})),
    ])
    .await
    .unwrap();
    let run = RunOptions {
        json_schema: Some(schema()),
        ..RunOptions::default()
    };
    let mut handle = start(&server, dir.path(), run);
    send(&handle, [turn("count the files")]);
    let events = finish_turn(&mut handle).await;
    assert_eq!(ended(&events), TurnStop::Done);
    assert!(
        matches!(&events[events.len() - 2], AgentEvent::StructuredOutput(v) if *v == json!({"files": 3})),
        "the structured output comes just before the turn ends: {:?}",
        &events[events.len() - 2]
    );
    let requests = model_requests(&server);
    assert_eq!(requests.len(), 2, "a valid answer ends the turn");
    let offered = requests[0].body["tools"].as_array().unwrap();
    let tool = offered
        .iter()
        .find(|t| t["name"] == "StructuredOutput")
        .expect("StructuredOutput is offered");
    assert_eq!(tool["input_schema"]["required"], json!(["files"]));
    let (id, is_error, text) = tool_results(requests[1].last_message().unwrap())
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(id, "s1");
    assert!(is_error);
    assert!(text.contains("at /files"), "{text}");
}

#[tokio::test]
async fn an_answer_without_structured_output_is_reminded_then_fails() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::text("There are 3 files."),
        structured("s1", json!({"files": 3})),
    ])
    .await
    .unwrap();
    let run = || RunOptions {
        json_schema: Some(schema()),
        ..RunOptions::default()
    };
    let mut handle = start(&server, dir.path(), run());
    send(&handle, [turn("count the files")]);
    let events = finish_turn(&mut handle).await;
    assert_eq!(ended(&events), TurnStop::Done);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, AgentEvent::StructuredOutput(_)))
    );
    let reminder = model_requests(&server)[1]
        .last_message()
        .unwrap()
        .to_string();
    assert!(
        reminder.contains("calling the StructuredOutput tool"),
        "{reminder}"
    );

    // A model that never calls it: reminded three times, then the turn fails with an error.
    let replies = (0..4).map(|_| Reply::text("3")).collect();
    let server = FakeServer::start(replies).await.unwrap();
    let mut handle = start(&server, dir.path(), run());
    send(&handle, [turn("count the files")]);
    let events = finish_turn(&mut handle).await;
    assert_eq!(ended(&events), TurnStop::Failed);
    assert_eq!(model_requests(&server).len(), 4);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, AgentEvent::StructuredOutput(_)))
    );
    assert!(
        events.iter().any(
            |e| matches!(e, AgentEvent::Error { message } if message.contains("--json-schema"))
        )
    );
}

#[tokio::test]
async fn a_thinking_budget_and_an_effort_reach_the_request() {
    let dir = tempfile::tempdir().unwrap();
    // A budget-style model takes the budget as given.
    let server = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
    let run = RunOptions {
        max_thinking_tokens: Some(8_000),
        ..RunOptions::default()
    };
    let model = |c: AgentConfig| AgentConfig {
        model: "claude-sonnet-4-5".into(),
        ..c
    };
    let mut handle = start_with(&server, dir.path(), model, run);
    send(&handle, [turn("think")]);
    finish_turn(&mut handle).await;
    assert_eq!(
        model_requests(&server)[0].body["thinking"],
        json!({"type": "enabled", "budget_tokens": 8000})
    );
    // 0 turns thinking off, whatever the effort.
    let server = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
    let off = RunOptions {
        max_thinking_tokens: Some(0),
        ..RunOptions::default()
    };
    let high = |c: AgentConfig| AgentConfig {
        effort: Effort::High,
        ..c
    };
    let mut handle = start_with(&server, dir.path(), high, off);
    send(&handle, [turn("think")]);
    finish_turn(&mut handle).await;
    assert!(model_requests(&server)[0].body.get("thinking").is_none());
    // An effort (--effort high) on an adaptive model.
    let server = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
    let mut handle = start_with(&server, dir.path(), high, RunOptions::default());
    send(&handle, [turn("think")]);
    finish_turn(&mut handle).await;
    let body = &model_requests(&server)[0].body;
    assert_eq!(body["thinking"], json!({"type": "adaptive"}));
    assert_eq!(body["output_config"], json!({"effort": "high"}));
}

#[tokio::test]
async fn the_session_started_event_tells_the_options_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(Vec::new()).await.unwrap();
    let id = "5f0c3a9e-2b7d-4c1e-9a6f-0d8e7b4c2a10";
    let run = RunOptions {
        json_schema: Some(schema()),
        max_thinking_tokens: Some(20_000),
        session_id: Some(id.into()),
        ..RunOptions::default()
    };
    let tools = |c: AgentConfig| AgentConfig {
        tools: claw::tools::Registry::builtin().hiding(vec!["Bash".into(), "WebFetch".into()]),
        ..c
    };
    let mut handle = start_with(&server, dir.path(), tools, run);
    let started = loop {
        if let AgentEvent::SessionStarted(started) = support::turns::next(&mut handle).await {
            break started;
        }
    };
    assert_eq!(started.session_id, id, "no log file: the id given");
    assert_eq!(started.effort, Effort::High, "a 20,000-token budget");
    assert!(started.tools.iter().any(|t| t == "StructuredOutput"));
    assert!(!started.tools.iter().any(|t| t == "Bash" || t == "WebFetch"));
    assert_eq!(started.tools.len(), 15);
}

#[tokio::test]
async fn overloaded_mid_stream_after_the_retries_falls_back_too() {
    let dir = tempfile::tempdir().unwrap();
    let overloaded = || {
        Reply::raw_sse(
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
        )
    };
    let mut replies: Vec<Reply> = (0..3).map(|_| overloaded()).collect();
    replies.push(Reply::text("from the fallback"));
    let server = FakeServer::start(replies).await.unwrap();
    let run = RunOptions {
        fallback_model: Some("claude-haiku-4-5".into()),
        ..RunOptions::default()
    };
    let mut handle = start(&server, dir.path(), run);
    send(&handle, [turn("hi")]);
    assert_eq!(ended(&finish_turn(&mut handle).await), TurnStop::Done);
    let requests = model_requests(&server);
    assert_eq!(
        requests.len(),
        4,
        "the first try and two retries, then the fallback"
    );
    assert_eq!(requests[3].body["model"], "claude-haiku-4-5");
}
