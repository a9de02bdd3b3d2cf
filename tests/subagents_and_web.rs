//! The agent-side tools that call a model or the web, through the loop against the scripted fake
//! server: Task runs a sub-agent, WebFetch reads a page with the small model, WebSearch uses the
//! server-side tool.

mod support;

use claw::agent::{self, AgentConfig};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::{AgentEvent, Decision, Op, ToolOutcome, TurnStop};
use fake_server::{Block, FakeServer, Reply};
use serde_json::json;

use support::agent::config;
use support::turns::{
    finish_turn, model_requests, next, send, start, start_bypassing, tool_results,
};

#[tokio::test]
async fn a_task_runs_a_sub_agent_whose_steps_nest_under_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("answer.txt"), "42\n").unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "I'll delegate.",
            "task1",
            "Task",
            json!({"description": "Find the answer", "prompt": "Read answer.txt and report the number."}),
        ),
        // The sub-agent's own conversation.
        Reply::tool_use("", "sub_read", "Read", json!({"file_path": "answer.txt"})),
        Reply::tool_use("", "sub_bash", "Bash", json!({"command": "echo checked"})),
        Reply::text("REPORT: the number is 42."),
        // Back in the parent.
        Reply::text("The sub-agent found 42."),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::UserTurn {
            text: "what is the answer?".into(),
        })
        .unwrap();
    let mut nested = Vec::new();
    let mut task_result = None;
    loop {
        match next(&mut handle).await {
            AgentEvent::ToolStarted { call_id, tool, .. } if call_id.starts_with("task1/") => {
                nested.push((call_id, tool));
            }
            AgentEvent::ApprovalNeeded(request) => {
                assert_eq!(
                    request.call_id, "task1/sub_bash",
                    "the sub-agent asks like anyone"
                );
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::AllowOnce,
                    })
                    .unwrap();
            }
            AgentEvent::ToolFinished {
                call_id,
                outcome,
                output,
                ..
            } if call_id == "task1" => {
                task_result = Some((outcome, output));
            }
            AgentEvent::TextDelta(text) => assert!(
                !text.contains("REPORT"),
                "the sub-agent's text stays private"
            ),
            AgentEvent::TurnEnded { stop } => {
                assert_eq!(stop, TurnStop::Done);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(
        nested,
        vec![
            ("task1/sub_read".to_string(), "↳ Read".to_string()),
            ("task1/sub_bash".to_string(), "↳ Bash".to_string())
        ]
    );
    assert_eq!(
        task_result,
        Some((
            ToolOutcome::Success,
            "REPORT: the number is 42.".to_string()
        ))
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    let sub_system = requests[1].body["system"][0]["text"].as_str().unwrap();
    assert!(sub_system.contains("You are a sub-agent"));
    assert_eq!(
        requests[1].body["messages"].as_array().unwrap().len(),
        1,
        "a fresh context"
    );
    let parent = tool_results(requests[4].last_message().unwrap());
    assert_eq!(parent[0].0, "task1");
    assert!(parent[0].2.contains("REPORT: the number is 42."));
}

#[tokio::test]
async fn a_sub_agent_offers_the_parents_tools_and_is_refused_those_it_may_not_use() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "task1",
            "Task",
            json!({"description": "Nest", "prompt": "Try to delegate further."}),
        ),
        // The sub-agent tries what only the main agent may do, in one message.
        Reply::message(
            vec![
                Block::ToolUse {
                    id: "sub_task".into(),
                    name: "Task".into(),
                    input: json!({"description": "Deeper", "prompt": "Anything."}),
                },
                Block::ToolUse {
                    id: "sub_ask".into(),
                    name: "AskUserQuestion".into(),
                    input: json!({"questions": [{"question": "Which?", "options": ["a", "b"]}]}),
                },
            ],
            "tool_use",
        ),
        Reply::text("REPORT: I could not delegate."),
        Reply::text("Done."),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    send(&handle, [Op::UserTurn { text: "go".into() }]);
    let mut refused = Vec::new();
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                panic!("nothing is asked of the user: {request:?}")
            }
            AgentEvent::ToolFinished {
                call_id, outcome, ..
            } if call_id.starts_with("task1/") => refused.push((call_id, outcome)),
            AgentEvent::TurnEnded { stop } => {
                assert_eq!(stop, TurnStop::Done);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(
        refused,
        [
            ("task1/sub_task".to_string(), ToolOutcome::Denied),
            ("task1/sub_ask".to_string(), ToolOutcome::Denied)
        ]
    );
    let requests = model_requests(&server);
    assert_eq!(requests.len(), 4);
    // Same tools, same order, same bytes: the sub-agent reads the parent's prompt cache.
    assert_eq!(
        serde_json::to_string(&requests[1].body["tools"]).unwrap(),
        serde_json::to_string(&requests[0].body["tools"]).unwrap()
    );
    let results = tool_results(requests[2].last_message().unwrap());
    assert_eq!(results.len(), 2);
    for (id, is_error, text) in &results {
        assert!(is_error, "{id}: {text}");
        assert!(
            text.contains("not available to a sub-agent"),
            "{id}: {text}"
        );
    }
    let parent = tool_results(requests[3].last_message().unwrap());
    assert!(
        parent[0].2.contains("REPORT: I could not delegate."),
        "{parent:?}"
    );
}

#[tokio::test]
async fn web_fetch_reads_a_page_with_the_small_model_and_reports_foreign_redirects() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(Vec::new()).await.unwrap();
    let base = server.base_url();
    server.serve_page(
        "/doc",
        Reply::page(
            200,
            "text/html",
            "<html><body><h1>Claw</h1><p>The answer is 7.</p><script>x()</script></body></html>",
        ),
    );
    server.serve_page(
        "/moved",
        Reply::page(302, "text/html", "").with_header(
            "location",
            &format!("http://127.0.0.2:{}/elsewhere", server.port()),
        ),
    );
    for reply in [
        Reply::tool_use(
            "",
            "f1",
            "WebFetch",
            json!({"url": format!("{base}/doc"), "prompt": "What is the answer?"}),
        ),
        Reply::text("The page says the answer is 7."),
        Reply::tool_use(
            "",
            "f2",
            "WebFetch",
            json!({"url": format!("{base}/moved"), "prompt": "anything"}),
        ),
        Reply::text("done"),
    ] {
        server.push(reply);
    }
    let mut handle = agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir.path(), None),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "look it up".into(),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    let requests: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert!(
        !events.iter().any(|e| matches!(
            e,
            AgentEvent::ToolFinished {
                outcome: ToolOutcome::Failed,
                ..
            }
        )),
        "{events:?}"
    );
    assert_eq!(requests.len(), 4);
    // The page went to the small model as markdown, without its script.
    assert_eq!(requests[1].body["model"], "claude-haiku-4-5");
    let page = requests[1].body["messages"][0].to_string();
    assert!(
        page.contains("# Claw") && page.contains("The answer is 7.") && !page.contains("x()"),
        "{page}"
    );
    let first = tool_results(requests[2].last_message().unwrap());
    assert!(
        first[0].2.contains("The page says the answer is 7."),
        "{first:?}"
    );
    let second = tool_results(requests[3].last_message().unwrap());
    assert!(
        second[0]
            .2
            .contains("redirects to another host: http://127.0.0.2"),
        "{second:?}"
    );
}

#[tokio::test]
async fn web_search_uses_the_server_side_tool_or_says_it_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "s1",
            "WebSearch",
            json!({"query": "rust 2024 edition", "allowed_domains": ["rust-lang.org"]}),
        ),
        Reply::text("Rust 2024 shipped with Rust 1.85 (https://blog.rust-lang.org/)."),
        Reply::tool_use("", "s2", "WebSearch", json!({"query": "again"})),
        Reply::status(
            400,
            "invalid_request_error",
            "tools.0: unknown tool type web_search_20250305",
        ),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::UserTurn {
            text: "search".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let requests = server.requests();
    let search = &requests[1].body;
    assert_eq!(search["tools"][0]["type"], "web_search_20250305");
    assert_eq!(
        search["tools"][0]["allowed_domains"],
        json!(["rust-lang.org"])
    );
    let found = tool_results(requests[2].last_message().unwrap());
    assert!(
        !found[0].1 && found[0].2.contains("blog.rust-lang.org"),
        "{found:?}"
    );
    let unavailable = tool_results(requests[4].last_message().unwrap());
    assert!(
        unavailable[0].1 && unavailable[0].2.contains("Web search is unavailable"),
        "{unavailable:?}"
    );
}

#[tokio::test]
async fn a_model_chosen_while_web_fetch_runs_serves_the_next_turn() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(Vec::new()).await.unwrap();
    let base = server.base_url();
    server.serve_page(
        "/doc",
        Reply::page(200, "text/html", "<html><body><p>Seven.</p></body></html>"),
    );
    for reply in [
        Reply::tool_use(
            "",
            "f1",
            "WebFetch",
            json!({"url": format!("{base}/doc"), "prompt": "What number?"}),
        ),
        // The small model answers slowly, so the choice below arrives while WebFetch runs.
        Reply::text("Seven.").paced(std::time::Duration::from_millis(60)),
        Reply::text("It says seven."),
        Reply::text("Still seven."),
    ] {
        server.push(reply);
    }
    let models = models_when_opus_is_chosen_during(&server, dir.path(), "WebFetch").await;
    // The turn's tool loop keeps its model; the next turn has the one chosen meanwhile.
    assert_eq!(
        models,
        [
            "claude-sonnet-4-6",
            "claude-haiku-4-5",
            "claude-sonnet-4-6",
            "claude-opus-5"
        ]
    );
}

#[tokio::test]
async fn a_model_chosen_while_a_sub_agent_works_serves_the_parent_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "task1",
            "Task",
            json!({"description": "Think", "prompt": "Report anything."}),
        ),
        // The sub-agent answers slowly, so the choice below arrives while it works.
        Reply::text("REPORT: nothing.").paced(std::time::Duration::from_millis(60)),
        Reply::text("Done."),
        Reply::text("Still done."),
    ])
    .await
    .unwrap();
    let models = models_when_opus_is_chosen_during(&server, dir.path(), "Task").await;
    // The sub-agent's request, the parent's tool loop going on with its model, then the next
    // turn with the model chosen meanwhile.
    assert_eq!(
        models,
        [
            "claude-sonnet-4-6",
            "claude-sonnet-4-6",
            "claude-sonnet-4-6",
            "claude-opus-5"
        ]
    );
}

/// Starts a turn in bypass mode, sends `/model opus` once `tool` has started, then a second
/// turn, and returns the model of every request the two turns made, in order.
async fn models_when_opus_is_chosen_during(
    server: &FakeServer,
    cwd: &std::path::Path,
    tool: &str,
) -> Vec<String> {
    let mut handle = start_bypassing(server, cwd);
    send(
        &handle,
        [Op::UserTurn {
            text: format!("use {tool}"),
        }],
    );
    loop {
        if let AgentEvent::ToolStarted { tool: started, .. } = next(&mut handle).await
            && started == tool
        {
            break;
        }
    }
    send(
        &handle,
        [Op::SetModel {
            model: "opus".into(),
        }],
    );
    finish_turn(&mut handle).await;
    send(
        &handle,
        [Op::UserTurn {
            text: "and now?".into(),
        }],
    );
    finish_turn(&mut handle).await;
    model_requests(server)
        .iter()
        .map(|r| r.body["model"].as_str().unwrap_or("").to_string())
        .collect()
}
