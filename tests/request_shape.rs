//! What claw's requests look like to the API over a task: their size (printed, for the issue's
//! before/after figures), and their cache shape: at most 4 breakpoints, and each request reads
//! what the previous one wrote (its marked prefix comes back byte for byte, marked again). The
//! system prompt and tools as the model reads them (a golden snapshot), the same bytes in any
//! directory, and the notes that tell the model of plan mode and of an interrupted answer.

mod support;

use claw::protocol::{AgentEvent, Decision, Op, TurnStop};
use fake_server::{FakeServer, RecordedRequest, Reply};
use serde_json::{Value, json};

use support::turns::{model_requests, next, start};

/// A request's body with its cache marks taken out, and where the marks were.
fn unmarked(body: &Value) -> (Value, Vec<(usize, usize)>) {
    let mut body = body.clone();
    let mut marks = Vec::new();
    for list in ["tools", "system"] {
        for block in body[list].as_array_mut().into_iter().flatten() {
            block.as_object_mut().map(|o| o.remove("cache_control"));
        }
    }
    for (i, message) in body["messages"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (j, block) in message["content"]
            .as_array_mut()
            .into_iter()
            .flatten()
            .enumerate()
        {
            if block
                .as_object_mut()
                .and_then(|o| o.remove("cache_control"))
                .is_some()
            {
                marks.push((i, j));
            }
        }
    }
    (body, marks)
}

fn breakpoints(body: &Value) -> usize {
    body.to_string().matches("\"cache_control\"").count()
}

/// Each request after the first finds the previous one's last breakpoint at the same place,
/// with the same bytes before it: the cache it wrote is read.
fn assert_each_request_reads_the_previous(requests: &[RecordedRequest]) {
    for pair in requests.windows(2) {
        let (before, before_marks) = unmarked(&pair[0].body);
        let (after, after_marks) = unmarked(&pair[1].body);
        assert!(breakpoints(&pair[1].body) <= 4);
        assert_eq!(before["tools"], after["tools"]);
        assert_eq!(before["system"], after["system"]);
        let &(message, block) = before_marks
            .last()
            .expect("the previous request marks a message");
        assert!(
            after_marks.contains(&(message, block)),
            "the next request marks {message}.{block} again: {after_marks:?}"
        );
        let prefix = |body: &Value| {
            let mut messages = body["messages"].as_array().unwrap()[..=message].to_vec();
            messages[message]["content"]
                .as_array_mut()
                .unwrap()
                .truncate(block + 1);
            messages
        };
        assert_eq!(
            prefix(&before),
            prefix(&after),
            "messages up to {message}.{block}"
        );
    }
}

fn size(request: &RecordedRequest) -> usize {
    request.body.to_string().len()
}

/// The four-turn task: Read, search, an approved Edit, the answer.
#[tokio::test]
async fn a_four_turn_task_caches_every_turn_and_its_size_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let source: String = (1..=200)
        .map(|i| format!("fn step_{i}(x: u32) -> u32 {{ x + {i} }}\n"))
        .collect();
    std::fs::write(dir.path().join("lib.rs"), &source).unwrap();
    let path = dir.path().join("lib.rs").display().to_string();
    let server = FakeServer::start(vec![
        Reply::tool_use("I'll read it.", "r1", "Read", json!({"file_path": path})),
        Reply::tool_use(
            "Now where it is used.",
            "g1",
            "Grep",
            json!({"pattern": "step_42", "output_mode": "content", "-n": true}),
        ),
        Reply::tool_use(
            "Changing it.",
            "e1",
            "Edit",
            json!({"file_path": path, "old_string": "x + 42 }", "new_string": "x * 42 }"}),
        ),
        Reply::text("`step_42` now multiplies (lib.rs:42)."),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::UserTurn {
            text: "make step_42 multiply".into(),
        })
        .unwrap();
    let stop = loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                assert_eq!(request.tool, "Edit");
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::AllowOnce,
                    })
                    .unwrap();
            }
            AgentEvent::TurnEnded { stop } => break stop,
            _ => {}
        }
    };
    assert_eq!(stop, TurnStop::Done);
    let requests = model_requests(&server);
    assert_eq!(requests.len(), 4);
    assert_each_request_reads_the_previous(&requests);
    let total: usize = requests.iter().map(size).sum();
    eprintln!(
        "request bytes: first {}, four-turn total {total}",
        size(&requests[0])
    );
}

/// The first request of a session in `cwd` (a one-word answer).
async fn first_request(cwd: &std::path::Path) -> RecordedRequest {
    let server = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
    let mut handle = start(&server, cwd);
    handle.ops.send(Op::UserTurn { text: "hi".into() }).unwrap();
    while !matches!(next(&mut handle).await, AgentEvent::TurnEnded { .. }) {}
    model_requests(&server).remove(0)
}

/// The system prompt and every tool as the model reads them, for review in the snapshot.
fn as_the_model_reads_it(body: &Value) -> String {
    let mut out = String::from("# System prompt\n\n");
    for block in body["system"].as_array().unwrap() {
        out.push_str(block["text"].as_str().unwrap());
        out.push('\n');
    }
    for tool in body["tools"].as_array().unwrap() {
        out.push_str(&format!(
            "\n# Tool {}\n\n{}\n\n{}\n",
            tool["name"].as_str().unwrap(),
            tool["description"].as_str().unwrap(),
            serde_json::to_string_pretty(&tool["input_schema"]).unwrap()
        ));
    }
    out
}

#[tokio::test]
async fn the_first_request_teaches_the_model_this() {
    let dir = tempfile::tempdir().unwrap();
    let request = first_request(dir.path()).await;
    insta::assert_snapshot!(as_the_model_reads_it(&request.body));
}

#[tokio::test]
async fn system_prompt_and_tools_are_the_same_bytes_in_any_session_and_directory() {
    let plain = tempfile::tempdir().unwrap();
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    std::fs::write(repo.path().join("CLAUDE.md"), "Use tabs.").unwrap();
    let one = first_request(plain.path()).await;
    let two = first_request(repo.path()).await;
    let bytes = |body: &Value, key: &str| body[key].to_string();
    assert_eq!(bytes(&one.body, "system"), bytes(&two.body, "system"));
    assert_eq!(bytes(&one.body, "tools"), bytes(&two.body, "tools"));
    // What differs leads the first user message, ahead of the prompt.
    let context = |r: &RecordedRequest| {
        let content = &r.body["messages"][0]["content"];
        assert_eq!(content[1]["text"], "hi");
        content[0]["text"].as_str().unwrap().to_string()
    };
    let (one, two) = (context(&one), context(&two));
    assert!(one.contains(&plain.path().display().to_string()), "{one}");
    assert!(one.contains("Git repository: no"), "{one}");
    assert!(two.contains(&repo.path().display().to_string()), "{two}");
    assert!(two.contains("Use tabs."), "{two}");
}

/// The text blocks of a request's last message.
fn last_texts(request: &RecordedRequest) -> Vec<String> {
    request.last_message().unwrap()["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["text"].as_str().map(str::to_string))
        .collect()
}

async fn turn(handle: &mut claw::agent::AgentHandle, text: &str) -> TurnStop {
    handle.ops.send(Op::UserTurn { text: text.into() }).unwrap();
    loop {
        if let AgentEvent::TurnEnded { stop } = next(handle).await {
            return stop;
        }
    }
}

#[tokio::test]
async fn plan_mode_reaches_the_model_as_a_note_when_it_changes() {
    use claw::permissions::{PermissionMode, Permissions};
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::text("a"), Reply::text("b"), Reply::text("c")])
        .await
        .unwrap();
    let mut handle = claw::agent::spawn(claw::agent::AgentConfig {
        permissions: Permissions::new(PermissionMode::Plan, dir.path(), None),
        ..support::agent::config(&server, dir.path())
    });
    assert_eq!(turn(&mut handle, "plan it").await, TurnStop::Done);
    handle
        .ops
        .send(Op::SetPermissionMode(PermissionMode::Default))
        .unwrap();
    assert_eq!(turn(&mut handle, "do it").await, TurnStop::Done);
    assert_eq!(turn(&mut handle, "more").await, TurnStop::Done);
    let requests = model_requests(&server);
    let texts: Vec<Vec<String>> = requests.iter().map(last_texts).collect();
    assert_eq!(texts[0].len(), 3, "context, prompt, note: {:?}", texts[0]);
    assert_eq!(texts[0][1], "plan it");
    assert!(texts[0][2].contains("Plan mode is on"), "{:?}", texts[0]);
    assert_eq!(texts[1][0], "do it");
    assert!(texts[1][1].contains("Plan mode is off"), "{:?}", texts[1]);
    assert_eq!(texts[2], vec!["more".to_string()], "said once");
}

#[tokio::test]
async fn an_interrupted_answer_stays_and_the_next_message_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let long = "word ".repeat(400);
    let server = FakeServer::start(vec![
        Reply::message(
            vec![
                fake_server::Block::Thinking {
                    thinking: "Let me think.".into(),
                    signature: "sig".into(),
                },
                fake_server::Block::Text(long),
            ],
            "end_turn",
        )
        .paced(std::time::Duration::from_millis(20)),
        Reply::text("Sorry, I'll be short."),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    // Thinking on: the request after the interruption must still be one the API takes.
    handle
        .ops
        .send(Op::SetEffort(claw::protocol::Effort::High))
        .unwrap();
    handle
        .ops
        .send(Op::UserTurn {
            text: "tell me everything".into(),
        })
        .unwrap();
    let mut seen = 0;
    while seen < 3 {
        if let AgentEvent::TextDelta(_) = next(&mut handle).await {
            seen += 1;
        }
    }
    handle.ops.send(Op::Interrupt).unwrap();
    loop {
        if let AgentEvent::TurnEnded { stop } = next(&mut handle).await {
            assert_eq!(stop, TurnStop::Interrupted);
            break;
        }
    }
    assert_eq!(turn(&mut handle, "too long").await, TurnStop::Done);
    let requests = model_requests(&server);
    assert_eq!(requests.len(), 2);
    let messages = requests[1].body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(messages[1]["role"], "assistant");
    let partial = messages[1]["content"][0]["text"].as_str().unwrap();
    assert!(partial.starts_with("word word"), "{partial}");
    assert!(
        partial.len() < 2000,
        "only what streamed: {}",
        partial.len()
    );
    let texts = last_texts(&requests[1]);
    assert!(texts[0].contains("interrupted"), "{texts:?}");
    assert_eq!(texts[1], "too long");
    assert!(requests[1].body["thinking"]["type"] == "adaptive");
}

#[tokio::test]
async fn plan_mode_turned_on_inside_a_tool_loop_is_told_with_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "b1",
            "Bash",
            json!({"command": "touch made", "description": "Make a file"}),
        ),
        Reply::text("I'll plan from here."),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle.ops.send(Op::UserTurn { text: "go".into() }).unwrap();
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                handle
                    .ops
                    .send(Op::SetPermissionMode(
                        claw::permissions::PermissionMode::Plan,
                    ))
                    .unwrap();
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::AllowOnce,
                    })
                    .unwrap();
            }
            AgentEvent::TurnEnded { stop } => {
                assert_eq!(stop, TurnStop::Done);
                break;
            }
            _ => {}
        }
    }
    let requests = model_requests(&server);
    let last = requests[1].last_message().unwrap()["content"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(last[0]["type"], "tool_result");
    assert!(
        last[1]["text"]
            .as_str()
            .unwrap()
            .contains("Plan mode is on"),
        "{last:?}"
    );
}
