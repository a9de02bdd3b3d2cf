//! URL-mode elicitation (MCP 2025-11-25) through the agent loop: a server asks the user to
//! open a page; the user's accept, decline or cancel goes back to it, and a server that says
//! the user finished in the browser (`notifications/elicitation/complete`) closes the dialog.
//! Against server-everything's `trigger-url-elicitation` and a small scripted server.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::config::mcp::{Approval, McpScope, McpServerConfig, McpTransport};
use claw::mcp::{McpOptions, McpServers};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::elicitation::{ElicitationAnswer, ElicitationRequest};
use claw::protocol::{AgentEvent, Op, TurnStop};
use fake_server::{FakeServer, Reply};
use serde_json::json;

use support::agent::config;

fn node_server(name: &str, script: &str, args: &[&str]) -> McpServerConfig {
    let entry = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/mcp")
        .join(script);
    assert!(
        entry.exists(),
        "{} is missing: run `npm ci --prefix tests/mcp` (.ci/run does)",
        entry.display()
    );
    let mut all = vec![entry.display().to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    McpServerConfig {
        name: name.into(),
        transport: McpTransport::Stdio {
            command: "node".into(),
            args: all,
            env: Vec::new(),
        },
        source: PathBuf::from(".mcp.json"),
        scope: McpScope::Local,
    }
}

fn agent_with(server: McpServerConfig, model: &FakeServer, dir: &Path) -> AgentHandle {
    let options = McpOptions {
        startup_wait: Duration::from_secs(60),
        connect_timeout: Duration::from_secs(60),
        tool_timeout: Duration::from_secs(30),
        ..McpOptions::default()
    };
    let mcp = McpServers::start(
        vec![(server, Approval::Approved)],
        dir.to_path_buf(),
        options,
    );
    agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir, None),
        setup: agent::Setup {
            mcp: Some(mcp),
            ..Default::default()
        },
        ..config(model, dir)
    })
}

/// What the UI saw of one turn: each request, and the ids the server said were done.
#[derive(Default)]
struct Seen {
    asked: Vec<ElicitationRequest>,
    completed: Vec<u64>,
}

/// Runs a turn to its end; `answer` gives the user's answer to each request (None: the user
/// leaves the dialog open).
async fn turn(
    handle: &mut AgentHandle,
    answer: impl Fn(&ElicitationRequest) -> Option<ElicitationAnswer>,
) -> Seen {
    handle.ops.send(Op::UserTurn { text: "go".into() }).unwrap();
    let mut seen = Seen::default();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), handle.events.recv())
            .await
            .expect("the agent went quiet")
            .expect("the agent stopped");
        match event {
            AgentEvent::ElicitationNeeded(request) => {
                if let Some(answer) = answer(&request) {
                    let id = request.id;
                    handle.ops.send(Op::Elicit { id, answer }).unwrap();
                }
                seen.asked.push(request);
            }
            AgentEvent::ElicitationCompleted { id } => seen.completed.push(id),
            AgentEvent::TurnEnded { stop } => {
                assert_eq!(stop, TurnStop::Done);
                return seen;
            }
            _ => {}
        }
    }
}

/// The tool result the model got back in request `i`.
fn result(model: &FakeServer, i: usize) -> String {
    model.requests()[i].last_message().unwrap()["content"][0].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_opens_or_declines_a_servers_page_and_the_server_hears_it() {
    let dir = tempfile::tempdir().unwrap();
    let everything = node_server(
        "everything",
        "node_modules/@modelcontextprotocol/server-everything/dist/index.js",
        &["stdio"],
    );
    let call = |id: &str| {
        Reply::tool_use(
            "",
            id,
            "mcp__everything__trigger-url-elicitation",
            json!({"url": "https://bank.example/confirm", "message": "Confirm the payment"}),
        )
    };
    let model = FakeServer::start(vec![call("u1"), call("u2"), Reply::text("done")])
        .await
        .unwrap();
    let mut handle = agent_with(everything, &model, dir.path());
    let answers = std::sync::Mutex::new(vec![
        ElicitationAnswer::Decline,
        ElicitationAnswer::Accept(vec![]),
    ]);
    let seen = turn(&mut handle, |_| answers.lock().unwrap().pop()).await;
    assert_eq!(
        seen.asked.len(),
        2,
        "the tool is offered: claw declares URL mode"
    );
    let page = seen.asked[0].url.as_ref().expect("a URL-mode request");
    assert_eq!(page.url, "https://bank.example/confirm");
    assert!(!page.elicitation_id.is_empty());
    assert_eq!(seen.asked[0].message, "Confirm the payment");
    assert!(seen.asked[0].fields.is_empty());
    let accepted = result(&model, 1);
    assert!(
        accepted.contains("User completed the URL elicitation flow"),
        "{accepted}"
    );
    let declined = result(&model, 2);
    assert!(
        declined.contains("User declined to open the URL"),
        "{declined}"
    );
}

/// The scripted server (`url-server.js MODE`) and a model that calls its `pay` tool once.
async fn paying(mode: &str, dir: &Path) -> (FakeServer, AgentHandle) {
    let server = node_server("pay", "url-server.js", &[mode]);
    let model = FakeServer::start(vec![
        Reply::tool_use("", "p1", "mcp__pay__pay", json!({})),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let handle = agent_with(server, &model, dir);
    (model, handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_the_server_says_is_done_closes_its_dialog_as_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let (model, mut handle) = paying("complete", dir.path()).await;
    // The user never answers: the server's notice ends the wait.
    let seen = turn(&mut handle, |_| None).await;
    assert_eq!(seen.asked.len(), 1);
    assert_eq!(
        seen.asked[0]
            .url
            .as_ref()
            .map(|p| p.elicitation_id.as_str()),
        Some("pay-1")
    );
    assert_eq!(
        seen.completed,
        vec![seen.asked[0].id],
        "its dialog is told to close"
    );
    let answered = result(&model, 1);
    assert!(answered.contains("answer: accept"), "{answered}");
    assert!(
        !answered.contains("with content"),
        "a URL answer carries no content: {answered}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupt_cancels_a_page_the_user_left_open() {
    let dir = tempfile::tempdir().unwrap();
    let (_model, mut handle) = paying("wait", dir.path()).await;
    handle.ops.send(Op::UserTurn { text: "go".into() }).unwrap();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), handle.events.recv())
            .await
            .expect("the agent went quiet")
            .expect("the agent stopped");
        match event {
            AgentEvent::ElicitationNeeded(_) => handle.ops.send(Op::Interrupt).unwrap(),
            AgentEvent::ElicitationCompleted { .. } => panic!("nothing completed it"),
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
}
