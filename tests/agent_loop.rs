//! The agent loop against the scripted fake server, which rejects requests the way the API does
//! (first message from the user, every tool_use followed by its tool_result, thinking echoed):
//! Read, then an Edit approved, then a Bash denied, then the final answer.

mod support;

use std::path::Path;
use std::time::Duration;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::fake_server::{Block, FakeServer, Reply};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::{AgentEvent, ApprovalPreview, Decision, Op, ToolOutcome, TurnStop};
use serde_json::{Value, json};

use support::agent::config;

fn start(server: &FakeServer, cwd: &Path) -> AgentHandle {
    agent::spawn(config(server, cwd))
}

async fn next(handle: &mut AgentHandle) -> AgentEvent {
    tokio::time::timeout(Duration::from_secs(10), handle.events.recv())
        .await
        .expect("the agent went quiet")
        .expect("the agent stopped")
}

fn tool_results(message: &Value) -> Vec<(String, bool, String)> {
    message["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "tool_result")
        .map(|b| {
            (
                b["tool_use_id"].as_str().unwrap().to_string(),
                b["is_error"].as_bool().unwrap_or(false),
                b["content"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn read_then_edit_approved_then_bash_denied_then_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "hello world\n").unwrap();
    let path = file.display().to_string();
    let server = FakeServer::start(vec![
        Reply::message(
            vec![
                Block::Thinking {
                    thinking: "I should read the file first.".into(),
                    signature: "sig-1".into(),
                },
                Block::Text("Let me read it.".into()),
                Block::ToolUse {
                    id: "t1".into(),
                    name: "Read".into(),
                    input: json!({"file_path": path}),
                },
            ],
            "tool_use",
        ),
        Reply::tool_use(
            "Now the edit.",
            "t2",
            "Edit",
            json!({"file_path": path, "old_string": "hello", "new_string": "goodbye"}),
        ),
        Reply::tool_use(
            "",
            "t3",
            "Bash",
            json!({"command": "rm notes.txt", "description": "Remove the notes"}),
        ),
        Reply::text("Edited the file; I left it in place."),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::UserTurn {
            text: "say goodbye in notes.txt".into(),
        })
        .unwrap();
    let mut text = String::new();
    let mut finished = Vec::new();
    let stop = loop {
        match next(&mut handle).await {
            AgentEvent::TextDelta(t) => text.push_str(&t),
            AgentEvent::ApprovalNeeded(request) => {
                let decision = match (request.tool.as_str(), &request.preview) {
                    ("Edit", ApprovalPreview::FileChange(diff)) => {
                        assert_eq!((diff.added, diff.removed), (1, 1));
                        assert!(
                            diff.hunks[0]
                                .lines
                                .iter()
                                .any(|l| l.text == "goodbye world")
                        );
                        Decision::AllowOnce
                    }
                    (
                        "Bash",
                        ApprovalPreview::Command {
                            command,
                            description,
                        },
                    ) => {
                        assert_eq!(command, "rm notes.txt");
                        assert_eq!(description.as_deref(), Some("Remove the notes"));
                        Decision::Deny
                    }
                    other => panic!("unexpected approval {other:?}"),
                };
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision,
                    })
                    .unwrap();
            }
            AgentEvent::ToolFinished {
                call_id, outcome, ..
            } => finished.push((call_id, outcome)),
            AgentEvent::Error { message } => panic!("error: {message}"),
            AgentEvent::TurnEnded { stop } => break stop,
            _ => {}
        }
    };
    assert_eq!(stop, TurnStop::Done);
    assert!(
        text.ends_with("Edited the file; I left it in place."),
        "{text}"
    );
    assert_eq!(
        finished,
        vec![
            ("t1".to_string(), ToolOutcome::Success),
            ("t2".to_string(), ToolOutcome::Success),
            ("t3".to_string(), ToolOutcome::Denied),
        ]
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "goodbye world\n");

    let requests = server.requests();
    assert_eq!(requests.len(), 4, "every request was accepted");
    // The system prompt describes the environment.
    let system = requests[0].body["system"][0]["text"].as_str().unwrap();
    assert!(system.contains(&dir.path().display().to_string()));
    // The tools are offered with Claude Code's names.
    let names: Vec<&str> = requests[0].body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for tool in [
        "Bash",
        "BashOutput",
        "KillShell",
        "Read",
        "Write",
        "Edit",
        "MultiEdit",
        "NotebookEdit",
        "Glob",
        "Grep",
        "TodoWrite",
        "ExitPlanMode",
        "AskUserQuestion",
        "Task",
        "WebFetch",
    ] {
        assert!(names.contains(&tool), "{names:?}");
    }
    let read = tool_results(requests[1].last_message().unwrap());
    assert_eq!(read.len(), 1);
    assert!(!read[0].1);
    assert!(read[0].2.contains("hello world"), "{read:?}");
    // The thinking block came back with its signature.
    let assistant = &requests[1].body["messages"][1];
    assert_eq!(assistant["content"][0]["type"], "thinking");
    assert_eq!(assistant["content"][0]["signature"], "sig-1");
    let edit = tool_results(requests[2].last_message().unwrap());
    assert_eq!((edit[0].0.as_str(), edit[0].1), ("t2", false));
    let bash = tool_results(requests[3].last_message().unwrap());
    assert_eq!((bash[0].0.as_str(), bash[0].1), ("t3", true));
    assert!(bash[0].2.contains("denied"), "{bash:?}");
    assert!(dir.path().join("notes.txt").exists());
}

#[tokio::test]
async fn a_dropped_stream_is_an_error_and_the_next_turn_works() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::text("this will be cut off before the end").drop_after(4),
        Reply::text("Back again."),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::UserTurn { text: "one".into() })
        .unwrap();
    let mut error = None;
    loop {
        match next(&mut handle).await {
            AgentEvent::Error { message } => error = Some(message),
            AgentEvent::TurnEnded { stop } => {
                assert_eq!(stop, TurnStop::Failed);
                break;
            }
            _ => {}
        }
    }
    assert!(error.unwrap().contains("broke off"));
    handle
        .ops
        .send(Op::UserTurn { text: "two".into() })
        .unwrap();
    let mut text = String::new();
    loop {
        match next(&mut handle).await {
            AgentEvent::TextDelta(t) => text.push_str(&t),
            AgentEvent::TurnEnded { stop } => {
                assert_eq!(stop, TurnStop::Done);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(text, "Back again.");
    // The second request joined both user messages into one, as the API requires.
    let second = &server.requests()[1].body["messages"];
    assert_eq!(second.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn interrupting_a_running_command_kills_it_and_keeps_the_history_valid() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("finished");
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "b1",
            "Bash",
            json!({"command": format!("sleep 30 && touch {}", marker.display())}),
        ),
        Reply::text("ok"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::UserTurn {
            text: "wait".into(),
        })
        .unwrap();
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::AllowOnce,
                    })
                    .unwrap();
                // Let the command start, then interrupt.
                tokio::time::sleep(Duration::from_millis(200)).await;
                handle.ops.send(Op::Interrupt).unwrap();
            }
            AgentEvent::TurnEnded { stop } => {
                assert_eq!(stop, TurnStop::Interrupted);
                break;
            }
            _ => {}
        }
    }
    handle
        .ops
        .send(Op::UserTurn {
            text: "next".into(),
        })
        .unwrap();
    loop {
        if let AgentEvent::TurnEnded { stop } = next(&mut handle).await {
            assert_eq!(stop, TurnStop::Done);
            break;
        }
    }
    let requests = server.requests();
    let results = tool_results(requests[1].last_message().unwrap());
    assert_eq!(results[0].0, "b1");
    assert!(results[0].1);
    assert!(!marker.exists());
}

#[tokio::test]
async fn always_allow_is_saved_and_sticks_in_a_later_session() {
    use claw::config::settings::{Locations, Settings};
    let dir = tempfile::tempdir().unwrap();
    let command = json!({"command": "echo remembered", "description": "Say it"});
    // First session: asked once, answered "always".
    let server = FakeServer::start(vec![
        Reply::tool_use("", "a1", "Bash", command.clone()),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle.ops.send(Op::UserTurn { text: "go".into() }).unwrap();
    let mut saved_notice = false;
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                assert_eq!(request.session_rule, "Bash(echo:*)");
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::AllowAlways,
                    })
                    .unwrap();
            }
            AgentEvent::Notice { message } => saved_notice |= message.contains("Saved the rule"),
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
    assert!(saved_notice);
    let saved = std::fs::read_to_string(dir.path().join(".claw/settings.local.json")).unwrap();
    assert!(saved.contains("Bash(echo:*)"), "{saved}");

    // A later session, with permissions read from the settings files: not asked again.
    let server = FakeServer::start(vec![
        Reply::tool_use("", "b1", "Bash", json!({"command": "echo again"})),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let locations = Locations {
        project_root: dir.path().to_path_buf(),
        home: None,
        user_config: None,
    };
    let mut settings = Settings::load(&locations);
    let mut permissions = Permissions::new(PermissionMode::Default, dir.path(), None);
    settings.apply_rules(&mut permissions, dir.path());
    let mut handle = agent::spawn(AgentConfig {
        system_prompt: Some("s".into()),
        permissions,
        local_settings: None,
        setup: agent::Setup {
            settings_files: locations
                .candidates()
                .into_iter()
                .map(|(path, _, _)| path)
                .collect(),
            ..Default::default()
        },
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "again".into(),
        })
        .unwrap();
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(_) => panic!("asked again despite the saved rule"),
            AgentEvent::ToolFinished {
                outcome, output, ..
            } => {
                assert_eq!(outcome, ToolOutcome::Success);
                assert_eq!(output, "again");
            }
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }

    // /permissions remove takes the rule out of the file too: a third session asks again.
    handle
        .ops
        .send(Op::Command {
            name: "permissions".into(),
            args: "remove 1".into(),
        })
        .unwrap();
    let message = loop {
        if let AgentEvent::Notice { message } = next(&mut handle).await {
            break message;
        }
    };
    assert!(
        message.contains("Removed the allow rule Bash(echo:*) from")
            && message.contains("settings.local.json"),
        "{message}"
    );
    let saved = std::fs::read_to_string(dir.path().join(".claw/settings.local.json")).unwrap();
    assert!(!saved.contains("Bash(echo:*)"), "{saved}");
}

#[tokio::test]
async fn plan_mode_refuses_changes_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "p1",
            "Write",
            json!({"file_path": "x.txt", "content": "x"}),
        ),
        Reply::text("ok, planning only"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::SetPermissionMode(PermissionMode::Plan))
        .unwrap();
    handle
        .ops
        .send(Op::UserTurn {
            text: "write".into(),
        })
        .unwrap();
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(_) => panic!("plan mode must not ask"),
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
    assert!(!dir.path().join("x.txt").exists());
    let results = tool_results(server.requests()[1].last_message().unwrap());
    assert!(
        results[0].1 && results[0].2.contains("plan mode"),
        "{results:?}"
    );
}

#[tokio::test]
async fn memory_files_reach_the_prompt_and_subdirectories_join_on_first_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("CLAUDE.md"),
        "Always answer in haiku. See @docs/style.md",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/style.md"), "Use British spelling.").unwrap();
    std::fs::create_dir_all(dir.path().join("web")).unwrap();
    std::fs::write(dir.path().join("web/AGENTS.md"), "Web code uses tabs.").unwrap();
    std::fs::write(dir.path().join("web/app.js"), "let x = 1;\n").unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use("", "m1", "Read", json!({"file_path": "web/app.js"})),
        Reply::tool_use("", "m2", "Read", json!({"file_path": "web/app.js"})),
        Reply::text("done"),
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
    loop {
        if let AgentEvent::TurnEnded { stop } = next(&mut handle).await {
            assert_eq!(stop, TurnStop::Done);
            break;
        }
    }
    let requests = server.requests();
    let system = requests[0].body["system"][0]["text"].as_str().unwrap();
    assert!(system.contains("Always answer in haiku."), "{system}");
    assert!(
        system.contains("Use British spelling."),
        "imports are inlined: {system}"
    );
    assert!(!system.contains("Web code uses tabs."));
    let first = tool_results(requests[1].last_message().unwrap());
    assert!(first[0].2.contains("Web code uses tabs."), "{first:?}");
    let second = tool_results(requests[2].last_message().unwrap());
    assert!(
        !second[0].2.contains("Web code uses tabs."),
        "joined once: {second:?}"
    );
}

async fn finish_turn(handle: &mut AgentHandle) -> Vec<AgentEvent> {
    let mut events = Vec::new();
    loop {
        let event = next(handle).await;
        let done = matches!(event, AgentEvent::TurnEnded { .. });
        events.push(event);
        if done {
            return events;
        }
    }
}

#[tokio::test]
async fn compaction_keeps_the_last_turns_and_the_request_stays_valid() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("n.txt");
    std::fs::write(&notes, "x\n").unwrap();
    let server = FakeServer::start(vec![
        Reply::text("answer one"),
        Reply::tool_use(
            "",
            "r1",
            "Read",
            json!({"file_path": notes.display().to_string()}),
        ),
        Reply::text("answer two"),
        Reply::text("answer three"),
        // The summary request.
        Reply::text("Goal: test compaction. Files touched: none."),
        Reply::text("answer four"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    for text in ["one", "two", "three"] {
        handle.ops.send(Op::UserTurn { text: text.into() }).unwrap();
        finish_turn(&mut handle).await;
    }
    handle
        .ops
        .send(Op::Command {
            name: "compact".into(),
            args: "keep file names".into(),
        })
        .unwrap();
    let mut compacted = None;
    while compacted.is_none() {
        if let AgentEvent::Compacted { summarized, kept } = next(&mut handle).await {
            compacted = Some((summarized, kept));
        }
    }
    assert_eq!(
        compacted,
        Some((2, 6)),
        "turn one summarized; turns two and three kept"
    );
    handle
        .ops
        .send(Op::UserTurn {
            text: "four".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        6,
        "every request accepted by the API's rules"
    );
    let summary_request = requests[4].body["messages"].to_string();
    assert!(summary_request.contains("Open tasks") && summary_request.contains("keep file names"));
    let after = requests[5].body["messages"].as_array().unwrap();
    let before = requests[3].body["messages"].as_array().unwrap();
    assert!(
        after.len() < before.len() + 2,
        "shorter than without compaction"
    );
    let first = after[0].to_string();
    assert!(
        first.contains("Goal: test compaction") && first.contains("\"two\""),
        "{first}"
    );
    assert!(!after.iter().any(|m| m.to_string().contains("answer one")));
    assert!(after.iter().any(|m| m.to_string().contains("answer three")));
}

async fn command(handle: &mut AgentHandle, name: &str, args: &str) -> Vec<AgentEvent> {
    handle
        .ops
        .send(Op::Command {
            name: name.into(),
            args: args.into(),
        })
        .unwrap();
    let mut events = Vec::new();
    loop {
        let event = next(handle).await;
        let done = matches!(&event, AgentEvent::Notice { message } if message.starts_with("Rewound"))
            || matches!(&event, AgentEvent::Info { .. } | AgentEvent::Error { .. });
        events.push(event);
        if done {
            return events;
        }
    }
}

#[tokio::test]
async fn rewind_restores_files_and_the_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "w1",
            "Write",
            json!({"file_path": "a.txt", "content": "one\n"}),
        ),
        Reply::text("wrote it"),
        Reply::tool_use(
            "",
            "e1",
            "Edit",
            json!({"file_path": "a.txt", "old_string": "one", "new_string": "two"}),
        ),
        Reply::text("edited it"),
        Reply::text("fresh start from turn two"),
    ])
    .await
    .unwrap();
    let mut handle = agent::spawn(AgentConfig {
        system_prompt: Some("s".into()),
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir.path(), None),
        local_settings: None,
        ..config(&server, dir.path())
    });
    let file = dir.path().join("a.txt");
    for prompt in ["create a.txt", "change it"] {
        handle
            .ops
            .send(Op::UserTurn {
                text: prompt.into(),
            })
            .unwrap();
        finish_turn(&mut handle).await;
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "two\n");
    let listed = command(&mut handle, "rewind", "").await;
    assert!(
        matches!(listed.last(), Some(AgentEvent::Info { body, .. }) if body.contains("1. create a.txt") && body.contains("2. change it"))
    );
    // Files only: back to after turn one; the conversation keeps both turns.
    command(&mut handle, "rewind", "2 code").await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "one\n");
    // Both, to before turn two: the edit's snapshot is gone from the conversation too.
    let events = command(&mut handle, "rewind", "2").await;
    assert!(events.contains(&AgentEvent::TranscriptReset));
    assert!(events.contains(&AgentEvent::UserText {
        text: "create a.txt".into()
    }));
    assert!(!events.contains(&AgentEvent::UserText {
        text: "change it".into()
    }));
    handle
        .ops
        .send(Op::UserTurn {
            text: "again".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let last = server.requests().last().unwrap().body["messages"].to_string();
    assert!(
        last.contains("create a.txt") && last.contains("again") && !last.contains("change it"),
        "{last}"
    );
    // Back to before turn one: the file didn't exist then.
    command(&mut handle, "rewind", "1").await;
    assert!(!file.exists());
}

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
async fn an_approved_plan_ends_plan_mode() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use("", "p1", "ExitPlanMode", json!({"plan": "1. write x.txt"})),
        Reply::tool_use(
            "",
            "w1",
            "Write",
            json!({"file_path": "x.txt", "content": "x"}),
        ),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::SetPermissionMode(PermissionMode::Plan))
        .unwrap();
    handle
        .ops
        .send(Op::UserTurn {
            text: "plan then do".into(),
        })
        .unwrap();
    let mut asked = Vec::new();
    let mut mode_changed = false;
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                asked.push(request.tool.clone());
                if let ApprovalPreview::Plan(plan) = &request.preview {
                    assert_eq!(plan, "1. write x.txt");
                }
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::AllowOnce,
                    })
                    .unwrap();
            }
            AgentEvent::PermissionModeChanged(PermissionMode::Default) => mode_changed = true,
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
    assert_eq!(
        asked,
        vec!["ExitPlanMode", "Write"],
        "after the plan, edits ask as in default mode"
    );
    assert!(mode_changed);
    assert!(dir.path().join("x.txt").exists());
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
async fn a_question_is_answered_by_the_user_even_in_bypass_mode() {
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
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir.path(), None),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "set up".into(),
        })
        .unwrap();
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => {
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
    let result = tool_results(server.requests()[1].last_message().unwrap());
    assert!(!result[0].1);
    assert!(result[0].2.contains("Which port? → 3000"), "{result:?}");
}

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
    let sub_tools: Vec<&str> = requests[1].body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(!sub_tools.contains(&"Task") && sub_tools.contains(&"Read"));
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
    assert!(first[2].2.contains("     1\tfn alpha() {}"));
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
async fn a_bang_command_runs_at_once_and_its_output_joins_the_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::text("I see the output.")])
        .await
        .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::Shell {
            command: "echo from-the-shell".into(),
        })
        .unwrap();
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(_) => panic!("a command the user typed is not asked about"),
            AgentEvent::ToolFinished {
                outcome, output, ..
            } => {
                assert_eq!(outcome, ToolOutcome::Success);
                assert_eq!(output, "from-the-shell");
                break;
            }
            _ => {}
        }
    }
    handle
        .ops
        .send(Op::UserTurn {
            text: "what did it print?".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let first = server.requests()[0].body["messages"][0].to_string();
    assert!(
        first.contains("<bash-input>echo from-the-shell</bash-input>")
            && first.contains("what did it print?"),
        "{first}"
    );
}

#[tokio::test]
async fn an_at_mention_attaches_the_file_and_counts_as_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hello world\n").unwrap();
    let path = dir.path().join("notes.txt").display().to_string();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "Editing it directly.",
            "e1",
            "Edit",
            json!({"file_path": path, "old_string": "hello", "new_string": "goodbye"}),
        ),
        Reply::text("Done."),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    handle
        .ops
        .send(Op::UserTurn {
            text: "change @notes.txt.".into(),
        })
        .unwrap();
    let mut notices = Vec::new();
    loop {
        match next(&mut handle).await {
            AgentEvent::Notice { message } => notices.push(message),
            AgentEvent::ApprovalNeeded(request) => handle
                .ops
                .send(Op::Decide {
                    id: request.id,
                    decision: Decision::AllowOnce,
                })
                .unwrap(),
            AgentEvent::ToolFinished {
                outcome, output, ..
            } => {
                assert_eq!(outcome, ToolOutcome::Success, "{output}")
            }
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
    assert_eq!(notices, vec!["Attached notes.txt (1 lines)"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "goodbye world\n"
    );
    let first = &server.requests()[0].body["messages"][0]["content"];
    assert_eq!(first[0]["text"], "change @notes.txt.");
    assert_eq!(
        first[1]["text"],
        "<attached-file path=\"notes.txt\">\nhello world\n</attached-file>"
    );
}

#[tokio::test]
async fn a_custom_command_runs_with_its_tools_and_model_for_one_turn() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".claw/commands")).unwrap();
    std::fs::write(
        dir.path().join(".claw/commands/greet.md"),
        "---\nallowed-tools: Bash(echo:*)\nmodel: haiku\n---\nGreet $1 in the shell; branch !`echo main`",
    )
    .unwrap();
    let (commands, warnings) = claw::config::custom_commands::load(dir.path(), None, None);
    assert!(warnings.is_empty());
    let server = FakeServer::start(vec![
        Reply::tool_use("", "c1", "Bash", json!({"command": "echo hi Ada"})),
        Reply::text("Greeted."),
        Reply::tool_use("", "c2", "Bash", json!({"command": "echo again"})),
        Reply::text("Asked first."),
    ])
    .await
    .unwrap();
    let mut handle = agent::spawn(AgentConfig {
        setup: agent::Setup {
            custom_commands: commands,
            ..Default::default()
        },
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::Command {
            name: "greet".into(),
            args: "Ada".into(),
        })
        .unwrap();
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(_) => panic!("allowed-tools should have allowed echo"),
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
    // The next ordinary turn: the session's model again, and echo asks again.
    handle
        .ops
        .send(Op::UserTurn {
            text: "again".into(),
        })
        .unwrap();
    let mut asked = false;
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                asked = true;
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::AllowOnce,
                    })
                    .unwrap();
            }
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
    assert!(asked);
    let requests = server.requests();
    assert_eq!(requests[0].body["model"], "claude-haiku-4-5");
    assert_eq!(
        requests[0].body["messages"][0]["content"][0]["text"],
        "Greet Ada in the shell; branch main"
    );
    assert_eq!(requests[2].body["model"], "claude-sonnet-4-6");
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
    let mut handle = agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir.path(), None),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "flood".into(),
        })
        .unwrap();
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
