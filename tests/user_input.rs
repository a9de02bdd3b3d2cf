//! What the user types, expanded before the model sees it, through the agent loop against the
//! scripted fake server: `!command` runs at once, `@file` attaches a file, custom commands run.

mod support;

use claw::agent::{self, AgentConfig};
use claw::protocol::slash_command::SlashCommand;
use claw::protocol::{AgentEvent, Decision, Op, ToolOutcome};
use fake_server::{FakeServer, Reply};
use serde_json::json;

use support::agent::config;
use support::turns::{finish_turn, next, send, start};

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
    assert_eq!(notices, vec!["Attached notes.txt (1 line)"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "goodbye world\n"
    );
    // After the session context that leads the first message.
    let first = &server.requests()[0].body["messages"][0]["content"];
    assert_eq!(first[1]["text"], "change @notes.txt.");
    assert_eq!(
        first[2]["text"],
        "<attached-file path=\"notes.txt\">\nhello world\n</attached-file>"
    );
}

#[tokio::test]
async fn a_custom_command_runs_with_its_tools_and_model_for_one_turn() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".claw/commands")).unwrap();
    std::fs::write(
        dir.path().join(".claw/commands/greet.md"),
        "---\nallowed-tools: Bash(printf:*)\nmodel: haiku\n---\nGreet $1 in the shell; branch !`echo main`",
    )
    .unwrap();
    let (commands, warnings) = claw::config::custom_commands::load(dir.path(), None, None);
    assert!(warnings.is_empty());
    let server = FakeServer::start(vec![
        Reply::tool_use("", "c1", "Bash", json!({"command": "printf 'hi Ada'"})),
        Reply::text("Greeted."),
        Reply::tool_use("", "c2", "Bash", json!({"command": "printf again"})),
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
        .send(Op::CustomCommand {
            name: "greet".into(),
            args: "Ada".into(),
        })
        .unwrap();
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(_) => panic!("allowed-tools should have allowed printf"),
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
    // The next ordinary turn: the session's model again, and printf asks again.
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
    // After the session context that leads the first message.
    assert_eq!(
        requests[0].body["messages"][0]["content"][1]["text"],
        "Greet Ada in the shell; branch main"
    );
    assert_eq!(requests[2].body["model"], "claude-sonnet-4-6");
}

#[tokio::test]
async fn a_command_the_agent_does_not_run_is_an_error_and_no_turn() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(Vec::new()).await.unwrap();
    let mut handle = start(&server, dir.path());
    // "theme" is a built-in the UI runs itself; "frobnicate" is no command at all.
    for (name, op) in [
        (
            "theme",
            Op::Command {
                command: SlashCommand::Theme,
                args: String::new(),
            },
        ),
        (
            "frobnicate",
            Op::CustomCommand {
                name: "frobnicate".into(),
                args: String::new(),
            },
        ),
    ] {
        send(&handle, [op]);
        let events = finish_turn(&mut handle).await;
        assert!(
            events.iter().any(|e| matches!(
                e,
                AgentEvent::Error { message } if *message == format!("/{name} is not something the agent knows")
            )),
            "{events:?}"
        );
    }
    assert!(server.requests().is_empty(), "the model was asked");
}

#[tokio::test]
async fn a_model_chosen_while_a_bang_command_runs_serves_the_next_turn() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::text("Noted.")])
        .await
        .unwrap();
    let mut handle = start(&server, dir.path());
    // The command is still running when the choice and the message arrive.
    send(
        &handle,
        [
            Op::Shell {
                command: "sleep 0.3; echo slept".into(),
            },
            Op::SetModel {
                model: "opus".into(),
            },
            Op::UserTurn {
                text: "done?".into(),
            },
        ],
    );
    finish_turn(&mut handle).await;
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].body["model"], "claude-opus-5");
}

#[tokio::test]
async fn a_shutdown_while_a_bang_command_runs_ends_the_agent() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(Vec::new()).await.unwrap();
    let handle = start(&server, dir.path());
    send(
        &handle,
        [
            Op::Shell {
                command: "sleep 30".into(),
            },
            Op::Shutdown(claw::protocol::ExitReason::Other),
        ],
    );
    // The UI still holds its end of the channel: only the Shutdown can end the agent.
    tokio::time::timeout(std::time::Duration::from_secs(5), handle.finished)
        .await
        .expect("the agent kept running after Shutdown")
        .unwrap();
}
