//! The MCP client against real servers: `@modelcontextprotocol/server-everything` over stdio,
//! streamable HTTP and legacy SSE, its tools called through the agent loop with the scripted
//! model, and misbehaving servers (tests/mcp/fault-server.js, a shell that exits at start).
//! The npm servers come from `npm ci --prefix tests/mcp` (.ci/run installs them).

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use claw::agent::{self, AgentConfig};
use claw::config::mcp::{Approval, McpScope, McpServerConfig, McpTransport};
use claw::mcp::{McpOptions, McpServers, ServerState, ServerStatus};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::{AgentEvent, Op};
use claw::tools::{Tool, ToolContext, ToolError};
use fake_server::{FakeServer, Reply};
use serde_json::{Value, json};

use support::agent::config;
use support::turns::finish_turn;

fn mcp_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp")
}

/// server-everything's entry point; fails (never skips) when it is not installed.
fn everything() -> String {
    let path = mcp_dir().join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(
        path.exists(),
        "server-everything is not installed: run `npm ci --prefix tests/mcp` (.ci/run does)"
    );
    path.display().to_string()
}

fn stdio(name: &str, command: &str, args: &[&str]) -> McpServerConfig {
    McpServerConfig {
        name: name.into(),
        transport: McpTransport::Stdio {
            command: command.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
        },
        source: PathBuf::from(".mcp.json"),
        scope: McpScope::Local,
    }
}

fn options() -> McpOptions {
    McpOptions {
        startup_wait: Duration::from_secs(60),
        connect_timeout: Duration::from_secs(60),
        tool_timeout: Duration::from_secs(30),
        max_output_tokens: 25_000,
        ..McpOptions::default()
    }
}

fn start(servers: Vec<McpServerConfig>, options: McpOptions) -> McpServers {
    let servers = servers
        .into_iter()
        .map(|s| (s, Approval::Approved))
        .collect();
    McpServers::start(servers, std::env::temp_dir(), options)
}

/// Waits until no server is connecting; the status of `name` then.
async fn settled(mcp: &McpServers, name: &str) -> ServerStatus {
    assert!(
        mcp.wait_ready(Duration::from_secs(60)).await,
        "still connecting"
    );
    mcp.statuses()
        .into_iter()
        .find(|s| s.config.name == name)
        .unwrap()
}

fn tool(mcp: &McpServers, name: &str) -> Arc<dyn Tool> {
    mcp.tools()
        .into_iter()
        .find(|t| t.name() == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

async fn call(tool: &Arc<dyn Tool>, input: Value) -> Result<claw::tools::ToolOutput, ToolError> {
    let ctx = ToolContext::new(std::env::temp_dir());
    tool.run(input, &ctx, Arc::new(|_| {})).await
}

/// server-everything on HTTP (`streamableHttp` or `sse`), on a free port of 127.0.0.1.
struct HttpServer {
    _child: tokio::process::Child,
    port: u16,
}

async fn serve(transport: &str) -> HttpServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = tokio::process::Command::new("node")
        .arg("--require")
        .arg(mcp_dir().join("loopback.cjs"))
        .arg(everything())
        .arg(transport)
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node is needed for the MCP tests");
    // Ready once it accepts connections.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{transport} server never listened"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    HttpServer {
        _child: child,
        port,
    }
}

/// The model calls echo, get-sum, a long operation with progress, the tiny image, and get-sum
/// with bad input; every result comes back as the model should see it.
async fn tools_through_the_loop(server_config: McpServerConfig) {
    let dir = tempfile::tempdir().unwrap();
    let mcp = start(vec![server_config], options());
    let model = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "c1",
            "mcp__everything__echo",
            json!({"message": "hi there"}),
        ),
        Reply::tool_use(
            "",
            "c2",
            "mcp__everything__get-sum",
            json!({"a": 2, "b": 3}),
        ),
        Reply::tool_use(
            "",
            "c3",
            "mcp__everything__trigger-long-running-operation",
            json!({"duration": 0.2, "steps": 2}),
        ),
        Reply::tool_use("", "c4", "mcp__everything__get-tiny-image", json!({})),
        Reply::tool_use("", "c5", "mcp__everything__get-sum", json!({"a": "x"})),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let setup = agent::Setup {
        mcp: Some(mcp.clone()),
        ..Default::default()
    };
    let mut handle = agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir.path(), None),
        setup,
        ..config(&model, dir.path())
    });
    // Sent at once: the turn waits for the server to connect before its first request.
    handle
        .ops
        .send(Op::UserTurn {
            text: "use the tools".into(),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    let requests = model.requests();
    let system = requests[0].body["system"].to_string();
    assert!(
        system.contains("# MCP server instructions") && system.contains("## everything"),
        "the server's instructions join the system prompt"
    );
    assert_eq!(
        requests[5].body["system"], requests[0].body["system"],
        "and stay the same from one request to the next"
    );
    let names: Vec<&str> = requests[0].body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let first_mcp = names.iter().position(|n| n.starts_with("mcp__")).unwrap();
    assert!(names[..first_mcp].iter().all(|n| !n.starts_with("mcp__")));
    let mcp_names = &names[first_mcp..];
    assert!(mcp_names.is_sorted(), "{mcp_names:?}");
    assert!(mcp_names.contains(&"mcp__everything__get-annotated-message"));
    let echo = requests[0].body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "mcp__everything__echo")
        .unwrap();
    assert_eq!(
        echo["input_schema"]["properties"]["message"]["type"],
        "string"
    );
    assert!(!echo["description"].as_str().unwrap().is_empty());

    let result = |i: usize| requests[i].last_message().unwrap()["content"][0].clone();
    assert_eq!(result(1)["content"], "Echo: hi there");
    assert_eq!(result(2)["content"], "The sum of 2 and 3 is 5.");
    assert!(
        result(3)["content"]
            .as_str()
            .unwrap()
            .contains("Long running operation completed"),
        "{}",
        result(3)
    );
    let image = result(4).to_string();
    assert!(
        image.contains("\"type\":\"image\"") && image.contains("image/png"),
        "{image}"
    );
    assert_eq!(result(5)["is_error"], true, "{}", result(5));
    let progress: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::ToolProgress { call_id, chunk } if call_id == "c3" => Some(chunk.as_str()),
            _ => None,
        })
        .collect();
    // The first step shows while the call runs. The last one's notification races the
    // call's answer (the server sends both at once), so it may come after the call ended and
    // is not waited for.
    assert!(
        progress.first().is_some_and(|c| c.starts_with("1/2")),
        "{progress:?}"
    );
    assert!(
        progress
            .iter()
            .all(|c| c.starts_with("1/2") || c.starts_with("2/2")),
        "{progress:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_everything_over_stdio() {
    tools_through_the_loop(stdio("everything", "node", &[&everything(), "stdio"])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_everything_over_streamable_http() {
    let server = serve("streamableHttp").await;
    tools_through_the_loop(McpServerConfig {
        transport: McpTransport::Http {
            url: format!("http://127.0.0.1:{}/mcp", server.port),
            headers: vec![("X-Claw-Test".into(), "1".into())],
            oauth: None,
        },
        ..stdio("everything", "-", &[])
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_everything_over_legacy_sse() {
    let server = serve("sse").await;
    tools_through_the_loop(McpServerConfig {
        transport: McpTransport::Sse {
            url: format!("http://127.0.0.1:{}/sse", server.port),
            headers: Vec::new(),
        },
        ..stdio("everything", "-", &[])
    })
    .await;
}

fn fault(mode: &str) -> McpServerConfig {
    let script = mcp_dir().join("fault-server.js").display().to_string();
    stdio("fault", "node", &[&script, mode])
}

#[tokio::test]
async fn garbage_on_stdout_is_skipped() {
    let mcp = start(vec![fault("garbage")], options());
    assert_eq!(settled(&mcp, "fault").await.state, ServerState::Ready);
    let out = call(&tool(&mcp, "mcp__fault__echo"), json!({"message": "x"})).await;
    assert_eq!(out.unwrap().content, "echo x");
}

#[tokio::test]
async fn a_server_that_crashes_mid_call_fails_the_call_and_says_why() {
    let mcp = start(vec![fault("plain")], options());
    assert_eq!(settled(&mcp, "fault").await.state, ServerState::Ready);
    let echo = tool(&mcp, "mcp__fault__echo");
    let Err(ToolError::Failed(message)) = call(&tool(&mcp, "mcp__fault__crash"), json!({})).await
    else {
        panic!("the call should fail");
    };
    assert!(message.contains("MCP server `fault`"), "{message}");
    // The server's state follows: failed, with its exit and its stderr.
    let mut changes = mcp.subscribe();
    loop {
        let status = &mcp.statuses()[0];
        if let ServerState::Failed(why) = &status.state {
            assert!(why.contains("exited with status 7"), "{why}");
            assert!(status.stderr.contains("about to crash"));
            break;
        }
        changes.changed().await.unwrap();
    }
    assert!(mcp.tools().is_empty(), "a failed server offers no tools");
    // A tool kept from before fails cleanly too.
    assert!(call(&echo, json!({"message": "x"})).await.is_err());
    // And it can be reconnected.
    assert!(mcp.reconnect("fault"));
    assert_eq!(settled(&mcp, "fault").await.state, ServerState::Ready);
}

#[tokio::test]
async fn a_call_that_never_answers_times_out_and_is_cancelled() {
    let mcp = start(
        vec![fault("plain")],
        McpOptions {
            tool_timeout: Duration::from_millis(300),
            ..options()
        },
    );
    assert_eq!(settled(&mcp, "fault").await.state, ServerState::Ready);
    let out = call(&tool(&mcp, "mcp__fault__hang"), json!({})).await;
    assert_eq!(out, Err(ToolError::Timeout { ms: 300 }));
    // The server hears notifications/cancelled (it logs it to stderr), and goes on working.
    wait_for_cancellation(&mcp).await;
    let out = call(&tool(&mcp, "mcp__fault__echo"), json!({"message": "still"})).await;
    assert_eq!(out.unwrap().content, "echo still");
}

/// Waits until the fault server logged a `notifications/cancelled` to its stderr.
async fn wait_for_cancellation(mcp: &McpServers) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !mcp.statuses()[0].stderr.contains("cancelled") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no cancellation reached the server"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn dropping_a_call_cancels_it_on_the_server() {
    let mcp = start(vec![fault("plain")], options());
    assert_eq!(settled(&mcp, "fault").await.state, ServerState::Ready);
    let hang = tool(&mcp, "mcp__fault__hang");
    // Esc drops the call's future: the same as this timeout cutting it.
    let cut = tokio::time::timeout(Duration::from_millis(200), call(&hang, json!({}))).await;
    assert!(cut.is_err());
    wait_for_cancellation(&mcp).await;
}

#[tokio::test]
async fn a_server_that_never_answers_initialize_times_out() {
    let mcp = start(
        vec![fault("silent")],
        McpOptions {
            connect_timeout: Duration::from_millis(500),
            ..options()
        },
    );
    let status = settled(&mcp, "fault").await;
    assert!(
        matches!(&status.state, ServerState::Failed(why) if why.contains("no answer to initialize")),
        "{:?}",
        status.state
    );
}

#[tokio::test]
async fn a_server_that_exits_at_start_shows_its_status_and_stderr() {
    let mcp = start(
        vec![
            stdio("gone", "sh", &["-c", "echo boom >&2; exit 3"]),
            stdio("missing", "no-such-mcp-server-claw", &[]),
        ],
        options(),
    );
    let gone = settled(&mcp, "gone").await;
    assert!(
        matches!(&gone.state, ServerState::Failed(why) if why.contains("exited with status 3")),
        "{:?}",
        gone.state
    );
    assert_eq!(gone.stderr, "boom");
    let missing = settled(&mcp, "missing").await;
    assert!(
        matches!(&missing.state, ServerState::Failed(why) if why.contains("cannot start `no-such-mcp-server-claw`")),
        "{:?}",
        missing.state
    );
}

#[tokio::test]
async fn a_project_server_waits_for_approval_and_a_turn_does_not_wait_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let mcp = McpServers::start(
        vec![(fault("plain"), Approval::Pending)],
        dir.path().to_path_buf(),
        options(),
    );
    assert_eq!(mcp.statuses()[0].state, ServerState::NeedsApproval);
    assert!(mcp.wait_ready(Duration::from_millis(1)).await);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let model = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
    let setup = agent::Setup {
        mcp: Some(mcp.clone()),
        ..Default::default()
    };
    let mut handle = agent::spawn(AgentConfig {
        setup,
        ..config(&model, dir.path())
    });
    handle.ops.send(Op::UserTurn { text: "hi".into() }).unwrap();
    for event in finish_turn(&mut handle).await {
        seen.lock().unwrap().push(format!("{event:?}"));
    }
    let tools = model.requests()[0].body["tools"].to_string();
    assert!(!tools.contains("mcp__fault"), "not approved, not offered");
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|e| e.contains("/mcp approve fault")),
        "the user is told how to approve it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_filesystem_lists_and_reads_files_for_the_model() {
    let script =
        mcp_dir().join("node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
    assert!(
        script.exists(),
        "server-filesystem is not installed: run `npm ci --prefix tests/mcp` (.ci/run does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("a.txt"), "alpha contents\n").unwrap();
    let root_s = root.display().to_string();
    // The server also asks claw for its roots: the working directory, the same folder.
    let mcp = McpServers::start(
        vec![(
            stdio("files", "node", &[&script.display().to_string(), &root_s]),
            Approval::Approved,
        )],
        root.clone(),
        options(),
    );
    let model = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "f1",
            "mcp__files__list_directory",
            json!({"path": root_s}),
        ),
        Reply::tool_use(
            "",
            "f2",
            "mcp__files__read_text_file",
            json!({"path": root.join("a.txt").display().to_string()}),
        ),
        Reply::text("read it"),
    ])
    .await
    .unwrap();
    let mut handle = agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, &root, None),
        setup: agent::Setup {
            mcp: Some(mcp),
            ..Default::default()
        },
        ..config(&model, &root)
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "look".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let requests = model.requests();
    let result = |i: usize| requests[i].last_message().unwrap()["content"][0].clone();
    assert!(
        result(1)["content"]
            .as_str()
            .unwrap()
            .contains("[FILE] a.txt"),
        "{}",
        result(1)
    );
    assert!(
        result(2)["content"]
            .as_str()
            .unwrap()
            .contains("alpha contents"),
        "{}",
        result(2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_are_listed_and_read_with_claude_code_tools() {
    let mcp = start(
        vec![stdio("everything", "node", &[&everything(), "stdio"])],
        options(),
    );
    assert_eq!(settled(&mcp, "everything").await.state, ServerState::Ready);
    let listed = call(&tool(&mcp, "ListMcpResourcesTool"), json!({}))
        .await
        .unwrap();
    let first = listed.content.lines().next().unwrap().to_string();
    assert!(first.starts_with("everything: "), "{}", listed.content);
    let uri = first["everything: ".len()..].split(' ').next().unwrap();
    let read = call(
        &tool(&mcp, "ReadMcpResourceTool"),
        json!({"server": "everything", "uri": uri}),
    )
    .await
    .unwrap();
    assert!(
        read.content.starts_with(&format!("[resource {uri}]")) || !read.images.is_empty(),
        "{read:?}"
    );
    let unknown = call(
        &tool(&mcp, "ReadMcpResourceTool"),
        json!({"server": "nope", "uri": uri}),
    )
    .await;
    assert!(matches!(unknown, Err(ToolError::InvalidInput(m)) if m.contains("`nope`")));
}
