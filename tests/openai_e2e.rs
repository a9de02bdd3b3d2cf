//! End to end in a pty: `claw --provider openai --model gpt-4o` with OPENAI_BASE_URL at the fake
//! server's Chat Completions side, a tool turn approved with a key.

mod support;

use std::path::Path;
use std::time::Duration;

use fake_server::Reply;
use serde_json::json;
use support::claw::Claw;
use support::pty::{Key, PtySession};

const T: Duration = Duration::from_secs(15);
/// The approval prompt ignores keys typed just before it opened (see tests/e2e.rs).
const GRACE: Duration = Duration::from_millis(450);

#[test]
fn an_openai_model_edits_a_file_approved_with_a_key() {
    let setup = Claw::new(Vec::new());
    let notes = setup.root().join("notes.txt");
    std::fs::write(&notes, "hello world\n").unwrap();
    let path = notes.display().to_string();
    setup.server.push(Reply::tool_use(
        "Reading it first.",
        "call_r1",
        "Read",
        json!({"file_path": path}),
    ));
    setup.server.push(Reply::tool_use(
        "Changing the greeting.",
        "call_e1",
        "Edit",
        json!({"file_path": path, "old_string": "hello world", "new_string": "goodbye world"}),
    ));
    setup
        .server
        .push(Reply::text("Done: the greeting is now a farewell."));
    let base = format!("{}/v1", setup.server.base_url());
    let home = setup.root().display().to_string();
    let data = format!("{home}/data");
    let env = [
        ("OPENAI_BASE_URL", base.as_str()),
        ("OPENAI_API_KEY", "sk-test"),
        ("ANTHROPIC_API_KEY", ""),
        ("CLAW_MODEL", ""),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
        ("XDG_DATA_HOME", data.as_str()),
    ];
    let mut term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &["--provider", "openai", "--model", "gpt-4o"],
        &env,
        setup.root(),
        110,
        36,
    )
    .unwrap();
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("change the greeting");
    term.key(Key::Enter);
    let screen = term.wait_for_text("Allow Edit", T).unwrap();
    assert!(screen.contains("goodbye world"), "{screen}");
    std::thread::sleep(GRACE);
    term.key(Key::Char('y'));
    term.wait_for_text("the greeting is now a farewell", T)
        .unwrap();
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "goodbye world\n");
    let requests = setup.server.requests();
    // (gpt-4o is not in the catalog: claw asked the server about its window too.)
    let posts: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .collect();
    assert_eq!(posts.len(), 3, "every request accepted");
    assert!(posts.iter().all(|r| r.path == "/v1/chat/completions"));
    assert_eq!(posts[0].body["model"], "gpt-4o");
    assert_eq!(posts[0].header("authorization"), Some("Bearer sk-test"));
    let sent = posts[2].body["messages"].as_array().unwrap();
    assert_eq!(sent.last().unwrap()["role"], "tool");
    assert_eq!(sent.last().unwrap()["tool_call_id"], "call_e1");
    term.wait_for(|s| s.lines().last().is_some_and(|l| l.contains("idle")), T)
        .unwrap();
    term.key(Key::CtrlC);
    term.wait_for_text("Ctrl+C again", T).unwrap();
    term.key(Key::CtrlC);
    assert_eq!(term.wait_exit(T).unwrap(), 0);
    assert!(term.modes().restored());
}
