//! Crash safety: kill the real binary with SIGKILL at 50 points of a scripted session; after
//! every kill the session file loads (a torn last line at most is skipped) and `--continue`
//! goes on with the conversation against the fake server, which accepts only valid requests.

mod support;

use std::path::Path;
use std::time::Duration;

use claw::agent::history::History;
use claw::agent::session_log;
use fake_server::{FakeServer, Reply};
use serde_json::json;
use support::pty::{Key, PtySession};

const T: Duration = Duration::from_secs(15);
const KILLS: usize = 50;

#[test]
fn fifty_kills_and_every_session_resumes() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Every request gets a tool call (Bash, allowed by the mode) then an answer, paced so the
    // kills land in the middle of streams, tool runs and writes.
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let n = std::sync::Arc::clone(&counter);
    let server = runtime
        .block_on(FakeServer::with_handler(0, move |request| {
            let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let last = request
                .last_message()
                .map(|m| m.to_string())
                .unwrap_or_default();
            if last.contains("final round") {
                Reply::text("FINAL ANSWER")
            } else if last.contains("tool_result") {
                Reply::text(&format!(
                    "answer {i}: done with the command and the words keep coming"
                ))
                .paced(Duration::from_millis(3))
            } else {
                Reply::tool_use(
                    "running it",
                    &format!("t{i}"),
                    "Bash",
                    json!({"command": format!("echo step {i}")}),
                )
                .paced(Duration::from_millis(3))
            }
        }))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let base = server.base_url();
    let home = dir.path().display().to_string();
    let data_s = data.display().to_string();
    let env = [
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("ANTHROPIC_API_KEY", "k"),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
        ("XDG_DATA_HOME", data_s.as_str()),
    ];
    let mut seed: u64 = 0xc1a5;
    let mut delays = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % 120
    };
    for round in 0..KILLS {
        let args: &[&str] = if round == 0 {
            &["--permission-mode", "bypassPermissions"]
        } else {
            &["--continue", "--permission-mode", "bypassPermissions"]
        };
        let mut term = PtySession::spawn(
            Path::new(env!("CARGO_BIN_EXE_claw")),
            args,
            &env,
            dir.path(),
            100,
            30,
        )
        .unwrap();
        term.wait_for_text("Ask claw", T).unwrap();
        term.send(&format!("round {round}"));
        term.key(Key::Enter);
        // Kill somewhere in the next ~120 ms: in the stream, the tool, or the write.
        std::thread::sleep(Duration::from_millis(delays()));
        term.kill();
        let _ = term.wait_exit(T);
        // The file always loads.
        let sessions_dir = session_log::project_dir(&data.join("claw"), dir.path());
        let sessions = session_log::list(&sessions_dir);
        assert!(!sessions.is_empty(), "round {round}: a session file exists");
        let loaded = session_log::load(&sessions[0].path).unwrap();
        // A kill mid-write tears at most the line being written: one per round at most.
        assert!(
            loaded.skipped <= round + 1,
            "round {round}: at most one torn line per kill, got {}",
            loaded.skipped
        );
        let (messages, _) = History::replay(&loaded.entries);
        assert!(!messages.is_empty(), "round {round}");
    }
    // A last resume finishes a turn: the conversation of 50 crashes is valid for the API.
    let before = server.requests().len();
    let term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &["--continue", "--permission-mode", "bypassPermissions"],
        &env,
        dir.path(),
        100,
        30,
    )
    .unwrap();
    term.wait_for_text("Resumed", T).unwrap();
    term.send("final round");
    term.key(Key::Enter);
    term.wait_for_text("FINAL ANSWER", T).unwrap();
    let requests = server.requests();
    assert!(requests.len() > before);
    let last = requests.last().unwrap().body["messages"].to_string();
    assert!(
        last.contains("round 0") && last.contains("final round"),
        "the whole history came back"
    );
    // Any 400 from the validator would have shown as an error on screen.
    assert!(!term.screen().contains("bad request"), "{}", term.screen());
}
