//! URL-mode elicitation (MCP 2025-11-25) through the agent loop: a server asks the user to
//! open a page; the user's accept, decline or cancel goes back to it, and a server that says
//! the user finished in the browser (`notifications/elicitation/complete`) closes the dialog.
//! A tool call the server refuses with URLElicitationRequiredError (-32042) shows each page
//! it lists, then runs again once; declined, cancelled or interrupted, it ends with an error.
//! Against server-everything's `trigger-url-elicitation` and small scripted servers.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::config::mcp::{Approval, McpScope, McpServerConfig, McpTransport};
use claw::mcp::{McpOptions, McpServers};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::elicitation::{ElicitationAnswer, ElicitationRequest, RetryStep};
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

/// Scripted server `script` (run with `mode`) as `server`, and a model that calls its `tool`
/// once, then says "done".
async fn calling_once(
    script: &str,
    mode: &str,
    server: &str,
    dir: &Path,
) -> (FakeServer, AgentHandle) {
    let config = node_server(server, script, &[mode]);
    let tool = format!("mcp__{server}__{server}");
    let model = FakeServer::start(vec![
        Reply::tool_use("", "c1", &tool, json!({})),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let handle = agent_with(config, &model, dir);
    (model, handle)
}

/// The scripted server (`url-server.js MODE`) and a model that calls its `pay` tool once.
async fn paying(mode: &str, dir: &Path) -> (FakeServer, AgentHandle) {
    calling_once("url-server.js", mode, "pay", dir).await
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

/// The scripted server that answers its first call with URLElicitationRequiredError
/// (`required-server.js MODE`), and a model that calls its `tickets` tool once.
async fn refusing(mode: &str, dir: &Path) -> (FakeServer, AgentHandle) {
    calling_once("required-server.js", mode, "tickets", dir).await
}

/// The tool result block the model got back in request `i`.
fn result_block(model: &FakeServer, i: usize) -> serde_json::Value {
    model.requests()[i].last_message().unwrap()["content"][0].clone()
}

/// The error result the model got back in request 1, checked to hold each of `needed`.
fn error_result_with(model: &FakeServer, needed: &[&str]) -> String {
    let refused = result_block(model, 1);
    assert_eq!(refused["is_error"], json!(true), "{refused}");
    let text = refused.to_string();
    for needed in needed {
        assert!(text.contains(needed), "{needed:?} in {text}");
    }
    text
}

/// Where each request a turn showed stood: (page, pages, step).
fn steps(seen: &Seen) -> Vec<(usize, usize, RetryStep)> {
    seen.asked
        .iter()
        .map(|r| {
            let retry = r
                .url
                .as_ref()
                .and_then(|p| p.before_retry.clone())
                .expect("a page a call waits on");
            (retry.page, retry.pages, retry.step)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_that_needs_pages_shows_each_then_runs_again_once() {
    let dir = tempfile::tempdir().unwrap();
    let (model, mut handle) = refusing("two", dir.path()).await;
    let seen = turn(&mut handle, |_| Some(ElicitationAnswer::Accept(vec![]))).await;
    assert_eq!(
        steps(&seen),
        vec![
            (1, 2, RetryStep::Open),
            (1, 2, RetryStep::Waiting),
            (2, 2, RetryStep::Open),
            (2, 2, RetryStep::Waiting),
        ],
        "each page is opened, then the user says they are done there"
    );
    let first = seen.asked[0].url.as_ref().unwrap();
    assert_eq!(first.url, "https://auth.example/sign-in");
    assert_eq!(first.elicitation_id, "sign-in-1");
    assert_eq!(seen.asked[0].message, "Sign in to Tickets");
    assert_eq!(seen.asked[0].server, "tickets");
    assert_eq!(
        seen.asked[2].url.as_ref().unwrap().url,
        "https://auth.example/consent"
    );
    let answered = result_block(&model, 1);
    assert!(
        answered.to_string().contains("3 open tickets (call 2)"),
        "the model gets the second call's answer: {answered}"
    );
    assert_ne!(answered["is_error"], json!(true), "{answered}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_page_ends_the_call_with_an_error_naming_the_pages() {
    let dir = tempfile::tempdir().unwrap();
    let (model, mut handle) = refusing("two", dir.path()).await;
    let seen = turn(&mut handle, |_| Some(ElicitationAnswer::Decline)).await;
    assert_eq!(seen.asked.len(), 1, "nothing more is shown once declined");
    let text = error_result_with(
        &model,
        &[
            "MCP server `tickets` needs the user to open a page",
            "Sign in to Tickets: https://auth.example/sign-in",
            "Allow claw to read tickets: https://auth.example/consent",
            "was declined",
            "not made again",
        ],
    );
    assert!(!text.contains("(call 2)"), "no second call: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_the_server_says_is_done_lets_the_call_run_again_unanswered() {
    let dir = tempfile::tempdir().unwrap();
    let (model, mut handle) = refusing("complete", dir.path()).await;
    // The user never answers: the server's notice is the only end of the wait.
    let seen = turn(&mut handle, |_| None).await;
    assert!(seen.asked.len() <= 1, "at most the page, never the wait");
    assert_eq!(
        seen.completed,
        seen.asked.iter().map(|r| r.id).collect::<Vec<_>>(),
        "a dialog shown is told to close"
    );
    let answered = result_block(&model, 1).to_string();
    assert!(answered.contains("(call 2)"), "{answered}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_still_refuses_after_the_pages_is_not_called_a_third_time() {
    let dir = tempfile::tempdir().unwrap();
    let (model, mut handle) = refusing("always", dir.path()).await;
    let seen = turn(&mut handle, |_| Some(ElicitationAnswer::Accept(vec![]))).await;
    assert_eq!(seen.asked.len(), 2, "one page, opened then done");
    error_result_with(&model, &["(call 2)", "still asks for them"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupt_while_a_page_is_shown_ends_the_call_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (model, mut handle) = refusing("two", dir.path()).await;
    handle.ops.send(Op::UserTurn { text: "go".into() }).unwrap();
    let mut shown = 0;
    let stop = loop {
        let event = tokio::time::timeout(Duration::from_secs(60), handle.events.recv())
            .await
            .expect("the agent went quiet")
            .expect("the agent stopped");
        match event {
            AgentEvent::ElicitationNeeded(_) => {
                shown += 1;
                handle.ops.send(Op::Interrupt).unwrap();
            }
            AgentEvent::TurnEnded { stop } => break stop,
            _ => {}
        }
    };
    assert_eq!(shown, 1, "the interrupt ends the call at its first page");
    assert_eq!(stop, TurnStop::Interrupted);
    // The next turn runs, and the model hears the call was interrupted.
    let seen = turn(&mut handle, |_| None).await;
    assert!(seen.asked.is_empty());
    let sent = model.requests()[1].body["messages"].to_string();
    assert!(sent.contains("Interrupted"), "{sent}");
}

#[test]
fn claw_p_shows_no_dialog_and_the_model_reads_the_pages() {
    let setup = support::claw::Claw::new(vec![
        Reply::tool_use("", "t1", "mcp__tickets__tickets", json!({})),
        Reply::text("I cannot sign in for you."),
    ]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/required-server.js");
    let config = json!({"mcpServers": {"tickets": {"command": "node", "args": [script, "two"]}}})
        .to_string();
    let out = support::headless::run(
        &setup,
        &[
            "-p",
            "list my tickets",
            "--mcp-config",
            &config,
            "--allowedTools",
            "mcp__tickets__tickets",
        ],
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.contains("I cannot sign in for you."),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("https://auth.example/sign-in"),
        "the user reads which page was declined: {}",
        out.stderr
    );
    error_result_with(
        &setup.server,
        &[
            "Sign in to Tickets: https://auth.example/sign-in",
            "Allow claw to read tickets: https://auth.example/consent",
            "not made again",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_everythings_prerequisite_page_is_opened_and_its_call_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let everything = node_server(
        "everything",
        "node_modules/@modelcontextprotocol/server-everything/dist/index.js",
        &["stdio"],
    );
    let model = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "u1",
            "mcp__everything__trigger-url-elicitation",
            json!({"url": "https://bank.example/confirm", "message": "Confirm the payment",
                   "errorPath": true}),
        ),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let mut handle = agent_with(everything, &model, dir.path());
    let seen = turn(&mut handle, |_| Some(ElicitationAnswer::Accept(vec![]))).await;
    let shown: Vec<(&str, Option<RetryStep>)> = seen
        .asked
        .iter()
        .map(|r| {
            let page = r.url.as_ref().expect("URL-mode requests only");
            (
                page.url.as_str(),
                page.before_retry.as_ref().map(|retry| retry.step),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("https://modelcontextprotocol.io", Some(RetryStep::Open)),
            ("https://modelcontextprotocol.io", Some(RetryStep::Waiting)),
            ("https://bank.example/confirm", None),
        ],
        "the prerequisite page, then the retried call's own request"
    );
    let answered = result_block(&model, 1);
    assert_ne!(answered["is_error"], json!(true), "{answered}");
    assert!(
        answered
            .to_string()
            .contains("User completed the URL elicitation flow"),
        "{answered}"
    );
}
