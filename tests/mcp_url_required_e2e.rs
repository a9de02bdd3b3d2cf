//! End to end: the real `claw` binary in a pseudo-terminal, with an MCP server whose tool
//! answers its first call with URLElicitationRequiredError (-32042) listing two pages. Each
//! page shows in the URL dialog ("Page 1 of 2"), `o` opens it in the browser (`$BROWSER`, a
//! script that notes the address), Done goes on; then the call is made again and the model
//! gets its answer.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use fake_server::{FakeServer, Reply};
use serde_json::json;
use support::pty::{Key, PtySession};

const T: Duration = Duration::from_secs(30);
/// The MCP dialog ignores keys for 0.4 s after it appears.
const GRACE: Duration = Duration::from_millis(450);

/// Waits until the file at `path` holds `text`.
fn wait_for_file(path: &Path, text: &str) -> String {
    let until = Instant::now() + T;
    loop {
        let now = std::fs::read_to_string(path).unwrap_or_default();
        if now.contains(text) {
            return now;
        }
        assert!(
            Instant::now() < until,
            "{text:?} never reached {path:?}: {now:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn each_page_a_call_needs_shows_opens_and_the_call_runs_again() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/required-server.js");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(FakeServer::start(vec![
            Reply::tool_use("Looking.", "t1", "mcp__tickets__tickets", json!({})),
            Reply::text("You have 3 open tickets."),
        ]))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let opened = dir.path().join("opened.txt");
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$1\" >> '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let config = json!({"mcpServers": {"tickets": {"command": "node", "args": [script, "two"]}}})
        .to_string();
    let base = server.base_url();
    let home = dir.path().display().to_string();
    let browser = browser.display().to_string();
    let env = [
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("ANTHROPIC_API_KEY", "test-key"),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
        ("CLAW_MODEL", "claude-sonnet-4-6"),
        ("BROWSER", browser.as_str()),
    ];
    let mut term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &["--dangerously-skip-permissions", "--mcp-config", &config],
        &env,
        dir.path(),
        100,
        40,
    )
    .unwrap();
    term.wait_for_text("MCP server `tickets` connected", T)
        .unwrap();
    term.send("list my tickets");
    term.key(Key::Enter);

    let screen = term.wait_for_text("Page 1 of 2", T).unwrap();
    assert!(
        screen.contains("MCP server tickets asks you to open a page"),
        "{screen}"
    );
    assert!(screen.contains("https://auth.example/sign-in"), "{screen}");
    assert!(screen.contains("[ Open in browser ]"), "{screen}");
    std::thread::sleep(GRACE);
    term.key(Key::Char('o'));
    let screen = term
        .wait_for_text("Opened. Finish on auth.example", T)
        .unwrap();
    assert!(screen.contains("[ Done ]"), "{screen}");
    wait_for_file(&opened, "https://auth.example/sign-in");
    std::thread::sleep(GRACE);
    term.key(Key::Enter);

    let screen = term.wait_for_text("Page 2 of 2", T).unwrap();
    assert!(screen.contains("https://auth.example/consent"), "{screen}");
    std::thread::sleep(GRACE);
    term.key(Key::Enter);
    term.wait_for(|s| s.contains("Page 2 of 2. Opened."), T)
        .unwrap();
    wait_for_file(&opened, "https://auth.example/consent");
    std::thread::sleep(GRACE);
    term.key(Key::Enter);

    term.wait_for_text("You have 3 open tickets.", T).unwrap();
    let answered = server.requests()[1].last_message().unwrap()["content"][0].clone();
    assert_ne!(answered["is_error"], json!(true), "{answered}");
    assert!(
        answered.to_string().contains("3 open tickets (call 2)"),
        "{answered}"
    );

    term.key(Key::CtrlC);
    term.wait_for_text("Ctrl+C again", T).unwrap();
    term.key(Key::CtrlC);
    assert_eq!(term.wait_exit(T).unwrap(), 0);
    assert!(term.modes().restored());
}
