//! `claw -p` says on stderr why it stopped when it did not finish: a tool call it could not ask
//! about, or a model that refused.

mod support;

use std::process::Output;

use fake_server::Reply;
use serde_json::json;
use support::claw::Claw;

/// The fake server and the project directory.
type Setup = Claw;

fn setup(replies: Vec<Reply>) -> Setup {
    Claw::new(replies)
}

fn claw_p(setup: &Setup, prompt: &str) -> Output {
    let root = setup.dir.path();
    std::process::Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["-p", prompt])
        .current_dir(root)
        .env("ANTHROPIC_BASE_URL", setup.server.base_url())
        .env("ANTHROPIC_API_KEY", "test-key")
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root)
        .env("XDG_DATA_HOME", root.join("data"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_tool_that_needs_approval_is_named_with_how_to_allow_it() {
    let setup = setup(vec![
        Reply::tool_use(
            "Let me look.",
            "t1",
            "Bash",
            json!({"command": "touch made-by-bash", "description": "Make a file"}),
        ),
        Reply::text("I could not run it."),
    ]);
    let out = claw_p(&setup, "make a file");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!setup.dir.path().join("made-by-bash").exists());
    assert!(
        stderr.contains("claw: stopped: Bash needs approval, which -p cannot ask for"),
        "{stderr}"
    );
    assert!(stderr.contains("Bash(touch:*)"), "{stderr}");
    assert_eq!(
        setup.server.requests().len(),
        1,
        "the turn stopped at the denial"
    );
}

#[test]
fn a_refusal_says_the_model_refused() {
    let setup = setup(vec![Reply::message(Vec::new(), "refusal")]);
    let out = claw_p(&setup, "something it won't do");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("claw: stopped: the model refused to answer"),
        "{stderr}"
    );
}

#[test]
fn every_request_names_claw_and_the_same_hashed_install() {
    let setup = setup(vec![Reply::text("one"), Reply::text("two")]);
    assert_eq!(claw_p(&setup, "first").status.code(), Some(0));
    assert_eq!(claw_p(&setup, "second").status.code(), Some(0));
    let requests: Vec<_> = setup
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/messages")
        .collect();
    assert_eq!(requests.len(), 2);
    let user_agent = format!("claw/{}", env!("CARGO_PKG_VERSION"));
    for r in &requests {
        assert_eq!(r.header("user-agent"), Some(user_agent.as_str()));
    }
    let id = |i: usize| {
        requests[i].body["metadata"]["user_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // One id per install, kept between runs, and nothing of the user's in it.
    assert_eq!(id(0), id(1));
    assert!(id(0).starts_with("claw_") && id(0).len() == 69, "{}", id(0));
}
