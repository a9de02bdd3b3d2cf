//! What MCP servers ask of claw, against the real `@modelcontextprotocol/server-everything`
//! through the agent loop: a form (elicitation) the user fills in, sampling requests declined by
//! default and answered by the session's model when allowed, and list changes that refresh what
//! claw knows of a server.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::config::mcp::{Approval, McpScope, McpServerConfig, McpTransport};
use claw::mcp::{McpOptions, McpServers, Sampling};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::elicitation::{ElicitationAnswer, FieldKind, FieldValue};
use claw::protocol::{AgentEvent, Op, TurnStop};
use claw::tools::ToolContext;
use fake_server::{FakeServer, Reply};
use serde_json::{Value, json};

use support::agent::config;

fn everything() -> McpServerConfig {
    let entry = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(
        entry.exists(),
        "server-everything is not installed: run `npm ci --prefix tests/mcp` (.ci/run does)"
    );
    McpServerConfig {
        name: "everything".into(),
        transport: McpTransport::Stdio {
            command: "node".into(),
            args: vec![entry.display().to_string(), "stdio".into()],
            env: Vec::new(),
        },
        source: PathBuf::from(".mcp.json"),
        scope: McpScope::Local,
    }
}

fn start_servers(sampling: Sampling) -> McpServers {
    let options = McpOptions {
        startup_wait: Duration::from_secs(60),
        connect_timeout: Duration::from_secs(60),
        tool_timeout: Duration::from_secs(30),
        sampling,
        ..McpOptions::default()
    };
    McpServers::start(
        vec![(everything(), Approval::Approved)],
        std::env::temp_dir(),
        options,
    )
}

fn agent_with(mcp: &McpServers, model: &FakeServer, dir: &Path) -> AgentHandle {
    agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir, None),
        setup: agent::Setup {
            mcp: Some(mcp.clone()),
            ..Default::default()
        },
        ..config(model, dir)
    })
}

/// Runs the turn to its end, answering each form with `answer`; the forms asked.
async fn turn(
    handle: &mut AgentHandle,
    prompt: &str,
    answer: impl Fn(&claw::protocol::elicitation::ElicitationRequest) -> ElicitationAnswer,
) -> Vec<claw::protocol::elicitation::ElicitationRequest> {
    handle
        .ops
        .send(Op::UserTurn {
            text: prompt.into(),
        })
        .unwrap();
    let mut asked = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), handle.events.recv())
            .await
            .expect("the agent went quiet")
            .expect("the agent stopped");
        match event {
            AgentEvent::ElicitationNeeded(request) => {
                handle
                    .ops
                    .send(Op::Elicit {
                        id: request.id,
                        answer: answer(&request),
                    })
                    .unwrap();
                asked.push(request);
            }
            AgentEvent::TurnEnded { stop } => {
                assert_eq!(stop, TurnStop::Done);
                return asked;
            }
            _ => {}
        }
    }
}

/// A model that calls server-everything's elicitation tool twice, then ends.
async fn two_forms() -> FakeServer {
    let call = |id: &str| {
        Reply::tool_use(
            "",
            id,
            "mcp__everything__trigger-elicitation-request",
            json!({}),
        )
    };
    FakeServer::start(vec![call("e1"), call("e2"), Reply::text("done")])
        .await
        .unwrap()
}

/// The tool result the model got back in request `i`.
fn result(model: &FakeServer, i: usize) -> Value {
    model.requests()[i].last_message().unwrap()["content"][0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_servers_form_is_filled_in_by_the_user_and_the_answer_reaches_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mcp = start_servers(Sampling::Declined);
    let model = two_forms().await;
    let mut handle = agent_with(&mcp, &model, dir.path());
    let asked = turn(&mut handle, "ask me", |_| ElicitationAnswer::Accept(vec![])).await;
    assert_eq!(asked.len(), 2, "each call asked once");
    let form = &asked[0];
    assert_eq!(form.server, "everything");
    assert!(
        form.message.contains("Please provide inputs"),
        "{}",
        form.message
    );
    let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names[..4],
        ["name", "check", "firstLine", "email"],
        "the fields come in the order the server wrote them, not by name"
    );
    let field = |name: &str| form.fields.iter().find(|f| f.name == name).unwrap();
    assert!(field("name").required);
    assert!(!field("check").required);
    assert!(matches!(
        field("integer").kind,
        FieldKind::Number {
            integer: true,
            minimum: Some(1.0),
            maximum: Some(100.0)
        }
    ));
    assert_eq!(field("integer").default, Some(FieldValue::Integer(42)));
    let FieldKind::Choice { options, .. } = &field("legacyTitledEnum").kind else {
        panic!("a choice")
    };
    assert_eq!(options[0].label, "Cats");
    assert!(matches!(
        field("titledMultipleSelectEnum").kind,
        FieldKind::Choice {
            multiple: true,
            max_items: Some(3),
            ..
        }
    ));
    // Both answers went back: the server reports what it got.
    let accepted = result(&model, 1).to_string();
    assert!(
        accepted.contains("User provided the requested information"),
        "{accepted}"
    );
    drop(handle);

    // A second session: the user fills the form in, then declines the next one.
    let model = two_forms().await;
    let mut handle = agent_with(&mcp, &model, dir.path());
    let answers = std::sync::Mutex::new(vec![
        ElicitationAnswer::Decline,
        ElicitationAnswer::Accept(vec![
            ("name".into(), FieldValue::Text("Ada Lovelace".into())),
            ("check".into(), FieldValue::Boolean(true)),
            ("integer".into(), FieldValue::Integer(7)),
            (
                "untitledSingleSelectEnum".into(),
                FieldValue::Choice("Joey".into()),
            ),
        ]),
    ]);
    turn(&mut handle, "ask me", |_| {
        answers.lock().unwrap().pop().unwrap()
    })
    .await;
    let accepted = result(&model, 1).to_string();
    assert!(accepted.contains("Name: Ada Lovelace"), "{accepted}");
    assert!(accepted.contains("Agreed to terms: true"), "{accepted}");
    let declined = result(&model, 2).to_string().to_lowercase();
    assert!(declined.contains("decline"), "{declined}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampling_is_declined_with_a_clear_error_unless_the_user_allows_it() {
    let dir = tempfile::tempdir().unwrap();
    let mcp = start_servers(Sampling::Declined);
    let model = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "s1",
            "mcp__everything__trigger-sampling-request",
            json!({"prompt": "Say hi", "maxTokens": 50}),
        ),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let mut handle = agent_with(&mcp, &model, dir.path());
    turn(&mut handle, "sample", |_| ElicitationAnswer::Cancel).await;
    let declined = result(&model, 1).to_string();
    assert!(declined.contains("allowMcpSampling"), "{declined}");
    assert_eq!(model.requests().len(), 2, "the model was not asked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_sampling_is_answered_by_the_sessions_model() {
    let dir = tempfile::tempdir().unwrap();
    let mcp = start_servers(Sampling::Allowed);
    let model = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "s1",
            "mcp__everything__trigger-sampling-request",
            json!({"prompt": "Say hi", "maxTokens": 50}),
        ),
        Reply::text("Hi from the session's model"),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let mut handle = agent_with(&mcp, &model, dir.path());
    turn(&mut handle, "sample", |_| ElicitationAnswer::Cancel).await;
    let requests = model.requests();
    assert_eq!(requests.len(), 3);
    let sampling = &requests[1].body;
    let asked = sampling["messages"][0]["content"][0]["text"]
        .as_str()
        .unwrap();
    assert!(asked.ends_with("Say hi"), "{sampling}");
    assert_eq!(
        sampling["system"][0]["text"],
        "You are a helpful test server."
    );
    assert_eq!(sampling["max_tokens"], 50);
    assert_eq!(
        sampling["model"], requests[0].body["model"],
        "the session's model"
    );
    let answered = result(&model, 2).to_string();
    assert!(
        answered.contains("Hi from the session's model"),
        "{answered}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resource_list_change_refreshes_the_servers_resources() {
    let mcp = start_servers(Sampling::Declined);
    assert!(mcp.wait_ready(Duration::from_secs(60)).await);
    let before = mcp.statuses()[0].resources.clone();
    assert!(!before.is_empty(), "server-everything lists resources");
    let mut changes = mcp.subscribe();
    let gzip = mcp
        .tools()
        .into_iter()
        .find(|t| t.name() == "mcp__everything__gzip-file-as-resource")
        .unwrap();
    let ctx = ToolContext::new(std::env::temp_dir());
    let input = json!({"name": "hello.txt.gz", "data": "data:text/plain;base64,aGVsbG8=", "outputType": "resourceLink"});
    gzip.run(input, &ctx, Arc::new(|_| {})).await.unwrap();
    // The server registers the file as a resource and says its list changed: claw lists again.
    tokio::time::timeout(Duration::from_secs(30), async {
        while !mcp.statuses()[0]
            .resources
            .iter()
            .any(|r| r.uri.contains("hello.txt.gz"))
        {
            changes.changed().await.unwrap();
        }
    })
    .await
    .expect("the new resource was listed");
    assert_eq!(mcp.statuses()[0].resources.len(), before.len() + 1);
}

#[test]
fn claw_p_declines_a_servers_form() {
    let setup = support::claw::Claw::new(vec![
        Reply::tool_use(
            "",
            "e1",
            "mcp__everything__trigger-elicitation-request",
            json!({}),
        ),
        Reply::text("done"),
    ]);
    let McpTransport::Stdio { command, args, .. } = everything().transport else {
        unreachable!()
    };
    let servers = json!({"mcpServers": {"everything": {"command": command, "args": args}}});
    let root = setup.dir.path();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claw"))
        .args([
            "-p",
            "fill the form",
            "--permission-mode",
            "bypassPermissions",
            "--mcp-config",
        ])
        .arg(servers.to_string())
        .current_dir(root)
        .env("ANTHROPIC_BASE_URL", setup.server.base_url())
        .env("ANTHROPIC_API_KEY", "test-key")
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root)
        .env("XDG_DATA_HOME", root.join("data"))
        .env("MCP_TIMEOUT", "60000")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("declined: MCP server `everything` asked for input"),
        "{stderr}"
    );
    let result = setup.server.requests()[1].last_message().unwrap()["content"][0].to_string();
    assert!(result.to_lowercase().contains("decline"), "{result}");
}
