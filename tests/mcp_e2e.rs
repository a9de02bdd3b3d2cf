//! End to end: the real `claw` binary in a pseudo-terminal with server-everything declared in
//! the project's `.mcp.json`: the start-up dialog asks about it, `a` approves it (remembered
//! in the local settings), the model's call of one of its tools is approved with a key, and
//! `/mcp`'s panel lists it connected, with its tools on Enter.

mod support;

use std::path::Path;
use std::time::Duration;

use fake_server::{FakeServer, Reply};
use serde_json::json;
use support::pty::{Key, PtySession};

const T: Duration = Duration::from_secs(30);
/// Approval prompts and the MCP dialog ignore keys for 0.4 s after they appear.
const GRACE: Duration = Duration::from_millis(450);

#[test]
fn a_project_server_is_approved_its_tool_called_and_listed() {
    let everything = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(
        everything.exists(),
        "server-everything is not installed: run `npm ci --prefix tests/mcp` (.ci/run does)"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(FakeServer::start(vec![
            Reply::tool_use(
                "Echoing.",
                "m1",
                "mcp__everything__echo",
                json!({"message": "from the pty"}),
            ),
            Reply::tool_use(
                "Now logging.",
                "m2",
                "mcp__everything__toggle-simulated-logging",
                json!({}),
            ),
            Reply::text("The server echoed it back."),
        ]))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".mcp.json"),
        json!({"mcpServers": {"everything": {"command": "node", "args": [everything, "stdio"]}}})
            .to_string(),
    )
    .unwrap();
    let base = server.base_url();
    let home = dir.path().display().to_string();
    let env = [
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("ANTHROPIC_API_KEY", "test-key"),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
        ("CLAW_MODEL", "claude-sonnet-4-6"),
    ];
    let mut term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &[],
        &env,
        dir.path(),
        120,
        40,
    )
    .unwrap();
    let screen = term
        .wait_for_text("New MCP servers in this project", T)
        .unwrap();
    assert!(screen.contains("[x] everything"), "{screen}");
    // The dialog, like an approval, drops keys for 0.4 s after it appears.
    std::thread::sleep(GRACE);
    term.key(Key::Char('a'));
    term.wait_for_text("MCP server `everything` connected", T)
        .unwrap();
    let local: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join(".claw/settings.local.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        local["enabledMcpjsonServers"],
        json!(["everything"]),
        "{local}"
    );

    term.send("echo something");
    term.key(Key::Enter);
    // echo says readOnlyHint: it runs like Read, without asking; the logging toggle asks.
    let screen = term
        .wait_for_text("Allow mcp__everything__toggle-simulated-logging", T)
        .unwrap();
    assert!(screen.contains("Echo: from the pty"), "{screen}");
    std::thread::sleep(GRACE);
    term.key(Key::Char('y'));
    term.wait_for_text("The server echoed it back.", T).unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[1].last_message().unwrap()["content"][0]["content"],
        "Echo: from the pty"
    );
    let toggled = &requests[2].last_message().unwrap()["content"][0];
    assert_ne!(toggled["is_error"], json!(true), "{toggled}");
    assert!(
        toggled["content"].as_str().unwrap().contains("logging"),
        "{toggled}"
    );

    term.send("/mcp");
    term.key(Key::Enter);
    let screen = term.wait_for_text("everything  connected", T).unwrap();
    assert!(screen.contains("MCP servers"), "{screen}");
    assert!(screen.contains("prompts"), "{screen}");
    term.key(Key::Enter);
    let screen = term.wait_for_text("everything: ", T).unwrap();
    assert!(screen.contains("echo"), "{screen}");
    term.key(Key::Esc);
    term.key(Key::Esc);

    term.key(Key::CtrlC);
    term.wait_for_text("Ctrl+C again", T).unwrap();
    term.key(Key::CtrlC);
    assert_eq!(term.wait_exit(T).unwrap(), 0);
    assert!(term.modes().restored());
}
