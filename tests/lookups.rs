//! What the pickers and reports ask the agent for, against the fake server: the server's model
//! list, the thinking effort reaching the request, saving the default model, `/doctor`, and the
//! session list — answered even while a turn is waiting for the user.

mod support;

use std::path::Path;
use std::time::Duration;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::protocol::slash_command::SlashCommand;
use claw::protocol::{AgentEvent, Effort, Lookup, LookupAnswer, Op};
use fake_server::{FakeServer, Reply};
use serde_json::json;
use support::turns::look_up;

fn start(server: &FakeServer, cwd: &Path, setup: agent::Setup) -> AgentHandle {
    agent::spawn(AgentConfig {
        system_prompt: Some("test".into()),
        local_settings: None,
        setup,
        ..support::agent::config(server, cwd)
    })
}

/// The next event that `pick` accepts (others are skipped).
async fn wait_for<T>(handle: &mut AgentHandle, mut pick: impl FnMut(AgentEvent) -> Option<T>) -> T {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), handle.events.recv())
            .await
            .expect("the agent went quiet")
            .expect("the agent stopped");
        if let Some(found) = pick(event) {
            return found;
        }
    }
}

#[tokio::test]
async fn the_server_lists_its_models_with_catalog_facts_where_known() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(Vec::new()).await.unwrap();
    let mut handle = start(&server, dir.path(), Default::default());
    let LookupAnswer::Models(models) = look_up(&mut handle, 7, Lookup::Models).await else {
        panic!("not a list of models")
    };
    assert_eq!(models.len(), 1);
    assert_eq!(models[0].id, "fake-model");
    assert_eq!(models[0].name, "Fake");
    assert_eq!(models[0].context_window, None);
    let listed = server.requests();
    let request = listed
        .iter()
        .find(|r| r.path.starts_with("/v1/models"))
        .unwrap();
    assert_eq!(request.header("x-api-key"), Some("test"));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
}

#[tokio::test]
async fn effort_becomes_thinking_in_the_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::text("one"),
        Reply::text("two"),
        Reply::text("three"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path(), Default::default());
    let turn = |text: &str| Op::UserTurn { text: text.into() };
    let ended = |e: AgentEvent| matches!(e, AgentEvent::TurnEnded { .. }).then_some(());
    handle.ops.send(turn("first")).unwrap();
    wait_for(&mut handle, ended).await;
    handle.ops.send(Op::SetEffort(Effort::Medium)).unwrap();
    handle.ops.send(turn("second")).unwrap();
    wait_for(&mut handle, ended).await;
    // An adaptive model takes an effort level instead of a budget.
    handle
        .ops
        .send(Op::SetModel {
            model: "opus".into(),
        })
        .unwrap();
    handle.ops.send(turn("third")).unwrap();
    wait_for(&mut handle, ended).await;
    let bodies: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1/messages"))
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies[0].get("thinking"), None);
    // Sonnet 4.6 thinks adaptively too.
    assert_eq!(bodies[1]["thinking"], json!({"type": "adaptive"}));
    assert_eq!(bodies[1]["output_config"], json!({"effort": "medium"}));
    assert_eq!(bodies[2]["model"], "claude-opus-5");
    assert_eq!(bodies[2]["thinking"]["type"], "adaptive");
    assert_eq!(bodies[2]["output_config"]["effort"], "medium");
}

#[tokio::test]
async fn saving_the_default_model_keeps_the_other_settings() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("config/claw/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, r#"{"theme": "light"}"#).unwrap();
    let server = FakeServer::start(Vec::new()).await.unwrap();
    let setup = agent::Setup {
        user_settings: Some(settings.clone()),
        ..Default::default()
    };
    let mut handle = start(&server, dir.path(), setup);
    handle
        .ops
        .send(Op::SaveSetting {
            key: "model".into(),
            value: "claude-haiku-4-5".into(),
        })
        .unwrap();
    let notice = wait_for(&mut handle, |e| match e {
        AgentEvent::Notice { message } => Some(message),
        _ => None,
    })
    .await;
    assert!(
        notice.contains("Saved model claude-haiku-4-5 as the default"),
        "{notice}"
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(
        saved,
        json!({"theme": "light", "model": "claude-haiku-4-5"})
    );

    // A broken file is reported and left alone.
    std::fs::write(&settings, "{ broken").unwrap();
    handle
        .ops
        .send(Op::SaveSetting {
            key: "model".into(),
            value: "opus".into(),
        })
        .unwrap();
    let error = wait_for(&mut handle, |e| match e {
        AgentEvent::Error { message } => Some(message),
        _ => None,
    })
    .await;
    assert!(error.contains("not valid JSON"), "{error}");
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), "{ broken");
}

#[tokio::test]
async fn doctor_reports_the_server_and_a_missing_mcp_command_while_a_turn_waits() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.txt");
    let server = FakeServer::start(vec![Reply::tool_use(
        "Writing.",
        "t1",
        "Write",
        json!({"file_path": file.display().to_string(), "content": "x"}),
    )])
    .await
    .unwrap();
    let setup = agent::Setup {
        mcp_servers: vec![claw::config::mcp::McpServerConfig {
            name: "ghost".into(),
            transport: claw::config::mcp::McpTransport::Stdio {
                command: "no-such-mcp-server".into(),
                args: Vec::new(),
                env: Vec::new(),
            },
            source: dir.path().join(".mcp.json"),
            scope: claw::config::mcp::McpScope::Project,
        }],
        ..Default::default()
    };
    let mut handle = start(&server, dir.path(), setup);
    handle
        .ops
        .send(Op::UserTurn {
            text: "write x".into(),
        })
        .unwrap();
    // The turn now waits for the user's approval; lookups are still answered.
    wait_for(&mut handle, |e| {
        matches!(e, AgentEvent::ApprovalNeeded(_)).then_some(())
    })
    .await;
    let LookupAnswer::Doctor(body) = look_up(&mut handle, 1, Lookup::Doctor).await else {
        panic!("not a doctor's report")
    };
    assert!(
        body.contains(&format!(
            "ok    API              {} answers",
            server.base_url()
        )),
        "{body}"
    );
    assert!(
        body.contains("FAIL  MCP              ghost: `no-such-mcp-server` is not on PATH"),
        "{body}"
    );
    assert!(
        body.contains("API key          from ANTHROPIC_API_KEY"),
        "{body}"
    );
    assert!(body.contains("  sandbox          off; "), "{body}");
    let LookupAnswer::Sessions(sessions) = look_up(&mut handle, 2, Lookup::Sessions).await else {
        panic!("not a list of sessions")
    };
    assert!(sessions.is_empty());
}

#[tokio::test]
async fn context_is_counted_by_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::text("hello there")])
        .await
        .unwrap();
    let mut handle = start(&server, dir.path(), Default::default());
    handle
        .ops
        .send(Op::UserTurn {
            text: "a question".into(),
        })
        .unwrap();
    wait_for(&mut handle, |e| {
        matches!(e, AgentEvent::TurnEnded { .. }).then_some(())
    })
    .await;
    handle
        .ops
        .send(Op::Command {
            command: SlashCommand::Context,
            args: String::new(),
        })
        .unwrap();
    let body = wait_for(&mut handle, |e| match e {
        AgentEvent::Info { title, body } if title == "Context" => Some(body),
        _ => None,
    })
    .await;
    assert!(body.contains("Counted by the API"), "{body}");
    let counted: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/messages/count_tokens")
        .collect();
    assert_eq!(counted.len(), 3);
    assert!(
        counted
            .iter()
            .all(|r| r.body.get("stream").is_none() && r.body.get("max_tokens").is_none())
    );
    // The fake counts a token per 4 characters: the tools line is the tool definitions' share.
    let tools_chars = counted[0].body["tools"].to_string().len();
    let tools_line = body.lines().find(|l| l.starts_with("Tools")).unwrap();
    let tokens: u64 = tools_line
        .split_whitespace()
        .nth(1)
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(
        tokens.abs_diff(tools_chars as u64 / 4) <= 2,
        "{tools_line} vs {tools_chars} chars"
    );
}

#[tokio::test]
async fn an_effort_chosen_while_a_tool_waits_applies_at_the_next_user_turn() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "I'll remove it.",
            "t1",
            "Bash",
            json!({"command": "rm -f gone.txt", "description": "Remove"}),
        ),
        Reply::text("removed"),
        Reply::text("thought about it"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path(), Default::default());
    handle
        .ops
        .send(Op::UserTurn {
            text: "remove gone.txt".into(),
        })
        .unwrap();
    let id = wait_for(&mut handle, |e| match e {
        AgentEvent::ApprovalNeeded(request) => Some(request.id),
        _ => None,
    })
    .await;
    // The user raises the effort (and changes the model) while the command waits.
    handle.ops.send(Op::SetEffort(Effort::High)).unwrap();
    handle
        .ops
        .send(Op::SetModel {
            model: "opus".into(),
        })
        .unwrap();
    handle
        .ops
        .send(Op::Decide {
            id,
            decision: claw::protocol::Decision::AllowOnce,
        })
        .unwrap();
    let stop = wait_for(&mut handle, |e| match e {
        AgentEvent::TurnEnded { stop } => Some(stop),
        _ => None,
    })
    .await;
    // The fake server refuses thinking turned on inside the loop, as the API does.
    assert_eq!(stop, claw::protocol::TurnStop::Done);
    handle
        .ops
        .send(Op::UserTurn {
            text: "again".into(),
        })
        .unwrap();
    wait_for(&mut handle, |e| {
        matches!(e, AgentEvent::TurnEnded { .. }).then_some(())
    })
    .await;
    let bodies: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1/messages"))
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[1]["model"], bodies[0]["model"]);
    assert_eq!(bodies[1].get("thinking"), None);
    assert_eq!(bodies[2]["model"], "claude-opus-5");
    assert_eq!(bodies[2]["thinking"]["type"], "adaptive");
    assert_eq!(bodies[2]["output_config"]["effort"], "high");
}

#[tokio::test]
async fn context_counts_the_memory_files_sent_with_the_first_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("CLAUDE.md"),
        "Always run make lint. ".repeat(200),
    )
    .unwrap();
    let server = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
    let mut handle = agent::spawn(AgentConfig {
        local_settings: None,
        ..support::agent::config(&server, dir.path())
    });
    handle.ops.send(Op::UserTurn { text: "hi".into() }).unwrap();
    wait_for(&mut handle, |e| {
        matches!(e, AgentEvent::TurnEnded { .. }).then_some(())
    })
    .await;
    handle
        .ops
        .send(Op::Command {
            command: SlashCommand::Context,
            args: String::new(),
        })
        .unwrap();
    let body = wait_for(&mut handle, |e| match e {
        AgentEvent::Info { title, body } if title == "Context" => Some(body),
        _ => None,
    })
    .await;
    let tokens = |row: &str| -> u64 {
        let line = body.lines().find(|l| l.starts_with(row)).unwrap();
        line.split_whitespace()
            .rev()
            .nth(2)
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap()
    };
    // 4,400 characters of memory: about 1,100 tokens at the fake's 4 characters a token.
    let memory = tokens("Memory files");
    assert!((1_050..1_300).contains(&memory), "{body}");
    assert!(tokens("Messages") < 100, "{body}");
    let counted = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/messages/count_tokens")
        .count();
    assert_eq!(counted, 4);
}
