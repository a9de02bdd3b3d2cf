//! MCP servers as the user reaches them through the agent: the servers' listing sent to the UI
//! as data, the user's choices (enable, disable, all the project's) starting and stopping a
//! server and remembered in the local settings, server-everything's prompt run as
//! `/mcp__everything__args-prompt Paris France` (its messages become the user's turn; a missing
//! required argument says so), and an `@everything:demo://…` mention attaching the resource's
//! text. Needs `npm ci --prefix tests/mcp` (.ci/run does).

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::config::mcp::{Approval, McpScope, McpServerConfig, McpTransport};
use claw::mcp::{McpOptions, McpServers};
use claw::protocol::mcp::{McpAction, McpServerInfo, McpState};
use claw::protocol::{AgentEvent, Op};
use fake_server::{FakeServer, Reply};

use support::agent::config;
use support::turns::finish_turn;

fn everything() -> McpServers {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(
        path.exists(),
        "server-everything is not installed: run `npm ci --prefix tests/mcp` (.ci/run does)"
    );
    let config = McpServerConfig {
        name: "everything".into(),
        transport: McpTransport::Stdio {
            command: "node".into(),
            args: vec![path.display().to_string(), "stdio".into()],
            env: Vec::new(),
        },
        source: PathBuf::from(".mcp.json"),
        scope: McpScope::Project,
    };
    McpServers::start(
        vec![(config, Approval::Approved)],
        std::env::temp_dir(),
        McpOptions {
            startup_wait: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(60),
            tool_timeout: Duration::from_secs(30),
            max_output_tokens: 25_000,
        },
    )
}

/// The agent with server-everything, once the UI has been told it is connected.
async fn agent_with_everything(model: &FakeServer, cwd: &Path) -> (AgentHandle, McpServerInfo) {
    let mut handle = agent::spawn(AgentConfig {
        setup: agent::Setup {
            mcp: Some(everything()),
            ..Default::default()
        },
        ..config(model, cwd)
    });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        assert!(tokio::time::Instant::now() < deadline, "never connected");
        let event = tokio::time::timeout(Duration::from_secs(60), handle.events.recv())
            .await
            .expect("the agent went quiet")
            .expect("the agent stopped");
        if let AgentEvent::McpServers(servers) = event
            && servers[0].state == McpState::Connected
        {
            return (handle, servers[0].clone());
        }
    }
}

fn user_text(request: &fake_server::RecordedRequest) -> String {
    request.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "user")
        .map(|m| m["content"].to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_runs_as_a_slash_command_with_its_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let model = FakeServer::start(vec![Reply::text("Sunny.")])
        .await
        .unwrap();
    let (mut handle, server) = agent_with_everything(&model, dir.path()).await;
    assert_eq!(server.transport, "stdio");
    assert!(server.from_mcp_json);
    assert!(
        server
            .tools
            .iter()
            .any(|t| t.name == "mcp__everything__echo" && !t.description.is_empty())
    );
    assert!(!server.resources.is_empty(), "{server:?}");
    let prompt = server
        .prompts
        .iter()
        .find(|p| p.command == "mcp__everything__args-prompt")
        .expect("args-prompt is listed");
    assert_eq!(prompt.argument_hint(), "<city> [state]");
    assert!(prompt.description.contains("two arguments"));

    // Its required argument missing: a clear error, and nothing goes to the model.
    handle
        .ops
        .send(Op::McpPrompt {
            command: "mcp__everything__args-prompt".into(),
            args: String::new(),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    assert!(
        events.iter().any(
            |e| matches!(e, AgentEvent::Error { message } if message.contains("needs <city>"))
        ),
        "{events:?}"
    );
    assert!(model.requests().is_empty());

    handle
        .ops
        .send(Op::McpPrompt {
            command: "mcp__everything__args-prompt".into(),
            args: "Paris France".into(),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    assert!(
        events.iter().any(|e| matches!(e, AgentEvent::TurnStarted { prompt } if prompt == "What's weather in Paris, France?")),
        "{events:?}"
    );
    let requests = model.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        user_text(&requests[0]).contains("What's weather in Paris, France?"),
        "{}",
        user_text(&requests[0])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resource_mention_attaches_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let model = FakeServer::start(vec![Reply::text("Read it.")])
        .await
        .unwrap();
    let (mut handle, _) = agent_with_everything(&model, dir.path()).await;
    let uri = "demo://resource/static/document/architecture.md";
    let expected = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/docs/architecture.md",
    ))
    .unwrap();
    let first_line = expected
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap()
        .to_string();
    handle
        .ops
        .send(Op::UserTurn {
            text: format!("summarize @everything:{uri} and @everything:demo://nowhere please"),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    let notices: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::Notice { message } => Some(message.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        notices
            .iter()
            .any(|n| n.starts_with(&format!("Attached everything:{uri} ("))),
        "{notices:?}"
    );
    assert!(
        notices
            .iter()
            .any(|n| n.starts_with("Not attached: everything:demo://nowhere")),
        "{notices:?}"
    );
    let sent = user_text(&model.requests()[0]);
    assert!(sent.contains(&format!("uri=\\\"{uri}\\\"")), "{sent}");
    assert!(
        sent.contains(
            &serde_json::to_string(&first_line)
                .unwrap()
                .trim_matches('"')
                .to_string()
        ),
        "{sent}"
    );
}

/// The agent's next listing of the servers in which `name` is `state`.
async fn until_state(handle: &mut AgentHandle, name: &str, state: McpState) -> Vec<AgentEvent> {
    let mut seen = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), handle.events.recv())
            .await
            .unwrap_or_else(|_| panic!("`{name}` never became {state:?}: {seen:?}"))
            .expect("the agent stopped");
        let done = matches!(&event, AgentEvent::McpServers(servers)
            if servers.iter().any(|s| s.name == name && s.state == state));
        seen.push(event);
        if done {
            return seen;
        }
    }
}

fn local(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choices_start_and_stop_a_project_server_and_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join(".claw/settings.local.json");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/fault-server.js");
    let declared = McpServerConfig {
        name: "fault".into(),
        transport: McpTransport::Stdio {
            command: "node".into(),
            args: vec![script.display().to_string(), "garbage".into()],
            env: Vec::new(),
        },
        source: dir.path().join(".mcp.json"),
        scope: McpScope::Project,
    };
    let mcp = McpServers::start(
        vec![(declared, Approval::Pending)],
        dir.path().to_path_buf(),
        McpOptions::default(),
    );
    let model = FakeServer::start(Vec::new()).await.unwrap();
    let mut handle = agent::spawn(AgentConfig {
        setup: agent::Setup {
            mcp: Some(mcp),
            ..Default::default()
        },
        local_settings: Some(settings.clone()),
        ..config(&model, dir.path())
    });
    until_state(&mut handle, "fault", McpState::NeedsApproval).await;
    let op = |action, name: &str| Op::Mcp {
        action,
        servers: vec![name.to_string()],
    };

    handle.ops.send(op(McpAction::Enable, "fault")).unwrap();
    until_state(&mut handle, "fault", McpState::Connected).await;
    assert_eq!(
        local(&settings)["enabledMcpjsonServers"],
        serde_json::json!(["fault"])
    );

    handle.ops.send(op(McpAction::Disable, "fault")).unwrap();
    until_state(&mut handle, "fault", McpState::Disabled).await;
    let saved = local(&settings);
    assert_eq!(
        saved["disabledMcpjsonServers"],
        serde_json::json!(["fault"])
    );
    assert_eq!(saved["enabledMcpjsonServers"], serde_json::json!([]));

    handle
        .ops
        .send(op(McpAction::EnableAllProject, "fault"))
        .unwrap();
    until_state(&mut handle, "fault", McpState::Connected).await;
    let saved = local(&settings);
    assert_eq!(saved["enableAllProjectMcpServers"], serde_json::json!(true));
    assert_eq!(saved["disabledMcpjsonServers"], serde_json::json!([]));

    handle.ops.send(op(McpAction::Reconnect, "nope")).unwrap();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), handle.events.recv())
            .await
            .expect("no answer about `nope`")
            .unwrap();
        if let AgentEvent::Error { message } = event {
            assert_eq!(message, "No MCP server `nope`.");
            break;
        }
    }
}

#[tokio::test]
async fn declared_servers_start_only_when_launched() {
    // The full-screen UI declares the servers and launches them after its first frame.
    let missing = McpServerConfig {
        name: "missing".into(),
        transport: McpTransport::Stdio {
            command: "/nonexistent/claw-test-server".into(),
            args: Vec::new(),
            env: Vec::new(),
        },
        source: PathBuf::from(".mcp.json"),
        scope: McpScope::Local,
    };
    let mcp = McpServers::declare(
        vec![(missing, Approval::Approved)],
        std::env::temp_dir(),
        McpOptions::default(),
    );
    // Not launched, it cannot have failed: it stays connecting.
    assert!(!mcp.wait_ready(Duration::from_millis(50)).await);
    assert_eq!(mcp.statuses()[0].state, claw::mcp::ServerState::Connecting);
    mcp.launch_approved();
    assert!(mcp.wait_ready(Duration::from_secs(10)).await);
    assert!(
        matches!(&mcp.statuses()[0].state, claw::mcp::ServerState::Failed(why) if why.contains("cannot start")),
        "{:?}",
        mcp.statuses()[0].state
    );
}
