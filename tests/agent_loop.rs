//! The agent loop against the scripted fake server, which rejects requests the way the API does
//! (first message from the user, every tool_use followed by its tool_result, thinking echoed):
//! Read, then an Edit approved, then a Bash denied, then the final answer; interrupts, dropped
//! streams, permission modes and memory files. Sessions, sub-agents, web tools, the other tools
//! and expanded input have files of their own, sharing `support::turns`.

mod support;

use std::time::Duration;

use claw::agent::{self, AgentConfig};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::slash_command::SlashCommand;
use claw::protocol::{AgentEvent, ApprovalPreview, Decision, Op, ToolOutcome, TurnStop};
use fake_server::{Block, FakeServer, Reply};
use serde_json::json;

use support::agent::config;
use support::turns::{next, start, tool_results};

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
    // The first user message starts with the environment.
    let context = requests[0].body["messages"][0]["content"][0]["text"]
        .as_str()
        .unwrap();
    assert!(context.contains(&dir.path().display().to_string()));
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
    let command = json!({"command": "printf remembered", "description": "Say it"});
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
                assert_eq!(request.session_rule, "Bash(printf:*)");
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
    assert!(saved.contains("Bash(printf:*)"), "{saved}");

    // A later session, with permissions read from the settings files: not asked again.
    let server = FakeServer::start(vec![
        Reply::tool_use("", "b1", "Bash", json!({"command": "printf again"})),
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
            command: SlashCommand::Permissions,
            args: "remove 1".into(),
        })
        .unwrap();
    let message = loop {
        if let AgentEvent::Notice { message } = next(&mut handle).await {
            break message;
        }
    };
    assert!(
        message.contains("Removed the allow rule Bash(printf:*) from")
            && message.contains("settings.local.json"),
        "{message}"
    );
    let saved = std::fs::read_to_string(dir.path().join(".claw/settings.local.json")).unwrap();
    assert!(!saved.contains("Bash(printf:*)"), "{saved}");
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
    // The memory files lead the first user message (the system prompt stays the same
    // everywhere, for the cache).
    let system = requests[0].body["messages"][0]["content"][0]["text"]
        .as_str()
        .unwrap();
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
async fn a_paused_answer_is_resumed_in_the_same_turn() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::message(
            vec![Block::Text("Searching the web first…".into())],
            "pause_turn",
        ),
        Reply::text(" Found it: the answer is 42."),
        Reply::text("You're welcome."),
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
    let mut text = String::new();
    let stop = loop {
        match next(&mut handle).await {
            AgentEvent::TextDelta(t) => text.push_str(&t),
            AgentEvent::TurnEnded { stop } => break stop,
            _ => {}
        }
    };
    assert_eq!(stop, TurnStop::Done);
    assert_eq!(text, "Searching the web first… Found it: the answer is 42.");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one request to resume the paused answer");
    // The resumed request ends with the paused answer, sent back as it was.
    let last = requests[1].last_message().unwrap();
    assert_eq!(last["role"], "assistant");
    assert!(
        last.to_string().contains("Searching the web first"),
        "{last}"
    );
    // The next turn's request is one the API accepts (roles alternate).
    handle
        .ops
        .send(Op::UserTurn {
            text: "thanks".into(),
        })
        .unwrap();
    let stop = loop {
        if let AgentEvent::TurnEnded { stop } = next(&mut handle).await {
            break stop;
        }
    };
    assert_eq!(stop, TurnStop::Done);
    let roles: Vec<String> = server.requests()[2].body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user"]);
}
