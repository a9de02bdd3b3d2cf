//! End to end in a pty: the model picker lists another provider's models (a `providers` entry
//! of the settings, at the fake server's Chat Completions side) beside Claude's; choosing one
//! switches provider, the status bar names it, and the next prompt goes there.

mod support;

use std::time::Duration;

use fake_server::Reply;
use support::claw::Claw;
use support::pty::Key;
use support::terminal::Profile;

const T: Duration = Duration::from_secs(15);

#[test]
fn another_providers_model_is_picked_and_answers() {
    let setup = Claw::new(vec![Reply::text("Hello from the box.")]);
    setup.settings(serde_json::json!({
        "providers": {"box": {"kind": "openai", "baseUrl": format!("{}/v1", setup.server.base_url()),
                              "models": {"fake-model": {"contextWindow": 65536, "input": 1, "output": 2}}}}
    }));
    let term = setup.start(110, 34, Profile::default());
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("/model");
    term.key(Key::Enter);
    // The picker opens on Claude's catalog and fills as the providers answer.
    let screen = term.wait_for_text("box/fake-model", T).unwrap();
    assert!(screen.contains("anthropic/claude-sonnet-4-6"), "{screen}");
    assert!(screen.contains("65K context · $1/$2 per M"), "{screen}");
    term.send("box/fake");
    term.wait_for(
        |s| s.contains("box/fake-model") && !s.contains("anthropic/claude-opus-5"),
        T,
    )
    .unwrap();
    term.key(Key::Enter);
    term.wait_for_text("│ box/fake-model │", T).unwrap();
    term.send("who is there?");
    term.key(Key::Enter);
    term.wait_for_text("Hello from the box.", T).unwrap();
    let asked: Vec<_> = setup
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/messages" || r.path == "/v1/chat/completions")
        .collect();
    assert_eq!(
        asked.len(),
        1,
        "{:?}",
        asked.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    assert_eq!(asked[0].path, "/v1/chat/completions");
    assert_eq!(asked[0].body["model"], "fake-model");
    // What the catalog doesn't know was asked of the new provider's server (Ollama's
    // question, here unanswered), before the prompt went.
    let show = setup
        .server
        .requests()
        .iter()
        .position(|r| r.path == "/api/show");
    assert!(show.is_some(), "the model's facts were asked");
}
