//! Tools as the model calls them through the agent loop against the scripted fake server:
//! TodoWrite, background commands, AskUserQuestion, pictures read, and the rest.

mod support;

use claw::agent::{self, AgentConfig};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::{AgentEvent, ApprovalPreview, Decision, Op, ToolOutcome};
use fake_server::{Block, FakeServer, Reply};
use serde_json::json;

use support::agent::config;
use support::turns::{finish_turn, next, send, start, start_bypassing, tool_results};

#[tokio::test]
async fn todo_write_updates_the_task_list_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "Planning.",
            "td1",
            "TodoWrite",
            json!({"todos": [
                {"content": "Read code", "status": "completed", "activeForm": "Reading code"},
                {"content": "Write fix", "status": "in_progress", "activeForm": "Writing the fix"}
            ]}),
        ),
        Reply::text("on it"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::UserTurn {
            text: "plan".into(),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, AgentEvent::ApprovalNeeded(_)))
    );
    let todos = events.iter().find_map(|e| match e {
        AgentEvent::Todos { items } => Some(items.clone()),
        _ => None,
    });
    let todos = todos.expect("a Todos event");
    assert_eq!(todos[1].active_form, "Writing the fix");
    let result = tool_results(server.requests()[1].last_message().unwrap());
    assert!(result[0].2.contains("1 of 2 done"), "{result:?}");
}

#[tokio::test]
async fn a_background_command_outlives_its_turn() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "bg",
            "Bash",
            json!({"command": "sleep 0.3; echo finished-later", "run_in_background": true}),
        ),
        Reply::text("started it"),
        Reply::tool_use("", "out", "BashOutput", json!({"bash_id": "bash_1"})),
        Reply::text("it finished"),
    ])
    .await
    .unwrap();
    let mut handle = agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir.path(), None),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "start".into(),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    assert!(events.iter().any(
        |e| matches!(e, AgentEvent::ToolFinished { summary, .. } if summary == "background bash_1")
    ));
    // After the turn, the command goes on; its output reaches the activity pane.
    loop {
        if let AgentEvent::ToolProgress { call_id, chunk } = next(&mut handle).await
            && call_id == "bg"
            && chunk.contains("exited with code 0")
        {
            break;
        }
    }
    handle
        .ops
        .send(Op::UserTurn {
            text: "check".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let result = tool_results(server.requests()[3].last_message().unwrap());
    assert!(
        result[0].2.contains("exited with code 0") && result[0].2.contains("finished-later"),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_question_is_asked_once_and_answered_by_the_user_in_every_mode() {
    for mode in [
        PermissionMode::Default,
        PermissionMode::Plan,
        PermissionMode::BypassPermissions,
    ] {
        question_in_mode(mode).await;
    }
}

async fn question_in_mode(mode: PermissionMode) {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "q1",
            "AskUserQuestion",
            json!({"questions": [{"question": "Which port?", "options": [{"label": "8080"}, {"label": "3000"}]}]}),
        ),
        Reply::text("using it"),
    ])
    .await
    .unwrap();
    let mut handle = agent::spawn(AgentConfig {
        permissions: Permissions::new(mode, dir.path(), None),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "set up".into(),
        })
        .unwrap();
    let mut asked = 0;
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                asked += 1;
                assert!(
                    matches!(&request.preview, ApprovalPreview::Questions(q) if q[0].options == vec!["8080", "3000"])
                );
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::Answered(vec!["3000".into()]),
                    })
                    .unwrap();
            }
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
    assert_eq!(
        asked, 1,
        "{mode:?}: the question is asked once, with nothing else to approve"
    );
    let result = tool_results(server.requests()[1].last_message().unwrap());
    assert!(!result[0].1);
    assert!(
        result[0].2.contains("Which port? → 3000"),
        "{mode:?}: {result:?}"
    );
}

#[tokio::test]
async fn the_other_tools_through_the_loop() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lib.rs"), "fn alpha() {}\nfn beta() {}\n").unwrap();
    std::fs::write(
        dir.path().join("n.ipynb"),
        r##"{"cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "source": "1", "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"##,
    )
    .unwrap();
    let server = FakeServer::start(vec![
        Reply::message(
            vec![
                Block::ToolUse {
                    id: "g1".into(),
                    name: "Glob".into(),
                    input: json!({"pattern": "*.rs"}),
                },
                Block::ToolUse {
                    id: "g2".into(),
                    name: "Grep".into(),
                    input: json!({"pattern": "fn beta", "output_mode": "content"}),
                },
                Block::ToolUse {
                    id: "r1".into(),
                    name: "Read".into(),
                    input: json!({"file_path": "lib.rs"}),
                },
                Block::ToolUse {
                    id: "r2".into(),
                    name: "Read".into(),
                    input: json!({"file_path": "n.ipynb"}),
                },
            ],
            "tool_use",
        ),
        Reply::message(
            vec![
                Block::ToolUse {
                    id: "m1".into(),
                    name: "MultiEdit".into(),
                    input: json!({"file_path": "lib.rs", "edits": [
                        {"old_string": "alpha", "new_string": "first"},
                        {"old_string": "beta", "new_string": "second"}
                    ]}),
                },
                Block::ToolUse {
                    id: "n1".into(),
                    name: "NotebookEdit".into(),
                    input: json!({"notebook_path": "n.ipynb", "cell_id": "c1", "new_source": "2"}),
                },
                Block::ToolUse {
                    id: "b1".into(),
                    name: "Bash".into(),
                    input: json!({"command": "sleep 45.5", "run_in_background": true}),
                },
                Block::ToolUse {
                    id: "k1".into(),
                    name: "KillShell".into(),
                    input: json!({"shell_id": "bash_1"}),
                },
            ],
            "tool_use",
        ),
        Reply::text("all done"),
    ])
    .await
    .unwrap();
    let mut handle = agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir.path(), None),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "do it all".into(),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    assert!(
        !events.iter().any(|e| matches!(
            e,
            AgentEvent::ToolFinished {
                outcome: ToolOutcome::Failed,
                ..
            }
        )),
        "{events:#?}"
    );
    let requests = server.requests();
    let first = tool_results(requests[1].last_message().unwrap());
    assert_eq!(first[0].2, "lib.rs");
    assert_eq!(first[1].2, "lib.rs:2:fn beta() {}");
    assert!(first[2].2.contains("1\tfn alpha() {}"));
    assert!(first[3].2.contains("<cell id=\"c1\" type=\"code\">"));
    let second = tool_results(requests[2].last_message().unwrap());
    assert!(
        second.iter().all(|(_, is_error, _)| !is_error),
        "{second:?}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("lib.rs")).unwrap(),
        "fn first() {}\nfn second() {}\n"
    );
    assert!(
        std::fs::read_to_string(dir.path().join("n.ipynb"))
            .unwrap()
            .contains("\"2\"")
    );
    assert!(second[3].2.starts_with("Stopped bash_1"), "{second:?}");
}

#[tokio::test]
async fn a_picture_read_goes_to_the_model_as_an_image_block() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("logo.png"),
        [0x89, b'P', b'N', b'G', 0, 1, 2],
    )
    .unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use("", "i1", "Read", json!({"file_path": "logo.png"})),
        Reply::text("a logo"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::UserTurn {
            text: "look".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let requests = server.requests();
    let result = &requests[1].last_message().unwrap()["content"][0];
    assert_eq!(result["type"], "tool_result");
    assert_eq!(result["content"][0]["type"], "text");
    assert_eq!(result["content"][1]["type"], "image");
    assert_eq!(result["content"][1]["source"]["media_type"], "image/png");
    assert_eq!(result["content"][1]["source"]["data"], "iVBORwABAg==");
    assert!(
        result.get("images").is_none(),
        "claw's own field stays off the wire"
    );
}

#[tokio::test]
async fn a_200_mb_command_output_reaches_the_model_small_and_says_what_was_cut() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "flood",
            "Bash",
            json!({"command": "yes | head -c 200000000"}),
        ),
        Reply::text("that was a lot"),
    ])
    .await
    .unwrap();
    let mut handle = start_bypassing(&server, dir.path());
    send(
        &handle,
        [Op::UserTurn {
            text: "flood".into(),
        }],
    );
    let events = finish_turn(&mut handle).await;
    // Progress is coalesced: a few hundred chunks at most, not 100 million lines.
    let progress: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::ToolProgress { chunk, .. } => Some(chunk.len()),
            _ => None,
        })
        .collect();
    assert!(progress.len() < 2000, "{} progress events", progress.len());
    assert!(progress.iter().all(|&len| len <= 8 * 1024));
    let request = &server.requests()[1];
    let result = tool_results(request.last_message().unwrap());
    let (id, is_error, content) = &result[0];
    assert_eq!((id.as_str(), *is_error), ("flood", false));
    assert!(content.len() < 31_000, "{} bytes", content.len());
    assert!(content.starts_with("y\ny\ny\n"));
    assert!(content.ends_with("y\ny"));
    assert!(
        content.contains("[… 199,970,000 bytes (99,985,000 lines) cut from the middle …]"),
        "{:?}",
        content.lines().find(|l| l.starts_with("[…"))
    );
}
