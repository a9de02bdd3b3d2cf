//! What claw's requests look like to the API over a task: their size (printed, for the issue's
//! before/after figures), and their cache shape: at most 4 breakpoints, and each request reads
//! what the previous one wrote (its marked prefix comes back byte for byte, marked again).

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
