//! A first run: the built-in demo provider through the agent loop (its Write and Edit approved
//! land on disk), `--provider demo` headless, the switch to it mid-session by name, the probe for
//! local model servers against a fake OpenAI-compatible server on a loopback port, and, in a pty,
//! the real binary with no key opening on the first-run screen, where choosing the demo leads to
//! a file written.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use claw::agent::local_servers::{Candidate, probe};
use claw::agent::{self, AgentConfig, Setup};
use claw::protocol::local_server::LocalServer;
use claw::protocol::{AgentEvent, Decision, Lookup, LookupAnswer, Op, Pricing, TurnStop};
use claw::provider::demo::Demo;
use fake_server::{FakeServer, Reply};
use support::agent::config;
use support::pty::{Key, PtySession};
use support::turns::next;

const T: Duration = Duration::from_secs(15);
/// Approval prompts ignore keys for 0.4 s after they appear (see tests/e2e.rs).
const GRACE: Duration = Duration::from_millis(450);

/// Runs a turn to its end, approving every request; returns the tools approved and the stop.
async fn approve_all(handle: &mut agent::AgentHandle) -> (Vec<String>, TurnStop, Option<Pricing>) {
    let mut approved = Vec::new();
    let mut pricing = None;
    loop {
        match next(handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                approved.push(request.tool.clone());
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::AllowOnce,
                    })
                    .unwrap();
            }
            AgentEvent::Usage { pricing: p, .. } => pricing = Some(p),
            AgentEvent::TurnEnded { stop } => return (approved, stop, pricing),
            _ => {}
        }
    }
}

#[tokio::test]
async fn the_demo_tours_the_tools_and_its_approved_edit_lands_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    // (The config wants a server; the demo never calls it.)
    let server = FakeServer::start(Vec::new()).await.unwrap();
    let mut handle = agent::spawn(AgentConfig {
        provider: Arc::new(Demo::with_pace(Duration::ZERO)),
        model: "demo".into(),
        small_model: "demo".into(),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "hello".into(),
        })
        .unwrap();
    let (approved, stop, pricing) = approve_all(&mut handle).await;
    assert_eq!(stop, TurnStop::Done);
    // Glob and `cat` are read-only: only the Write and the Edit ask.
    assert_eq!(approved, ["Write", "Edit"]);
    let written = std::fs::read_to_string(dir.path().join("claw-demo.md")).unwrap();
    assert!(written.contains("- status: edited by claw"), "{written}");
    assert_eq!(pricing, Some(Pricing::Unknown), "the demo has no price");
    assert!(server.requests().is_empty(), "no network");
}

#[tokio::test]
async fn a_session_switches_to_the_demo_by_name_mid_session() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::text("from the server")])
        .await
        .unwrap();
    let mut handle = agent::spawn(AgentConfig {
        providers: Some(claw::config::providers::factory(
            serde_json::Value::Null,
            None,
        )),
        ..config(&server, dir.path())
    });
    let send = |op| handle.ops.send(op).unwrap();
    send(Op::SetModel {
        model: "demo/demo".into(),
    });
    send(Op::UserTurn {
        text: "run: touch made-by-demo".into(),
    });
    let mut model = None;
    let mut command = None;
    loop {
        match next(&mut handle).await {
            AgentEvent::SessionInfo { model: m, .. } => model = Some(m),
            AgentEvent::ApprovalNeeded(request) => {
                command = Some(request.summary.clone());
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::Deny,
                    })
                    .unwrap();
            }
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
    assert_eq!(model.as_deref(), Some("demo"));
    assert_eq!(command.as_deref(), Some("touch made-by-demo"));
    assert!(!dir.path().join("made-by-demo").exists(), "denied");
    assert!(server.requests().is_empty(), "the demo answered");
}

/// A port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn fake_ollama() -> FakeServer {
    let server = FakeServer::start(Vec::new()).await.unwrap();
    server.serve_page(
        "/v1/models",
        Reply::page(
            200,
            "application/json",
            r#"{"object":"list","data":[{"id":"qwen3:8b","object":"model"},{"id":"llama3.2:3b","object":"model"}]}"#,
        ),
    );
    server
}

fn candidates(ollama: &FakeServer) -> Vec<Candidate> {
    vec![
        Candidate {
            provider: "ollama".into(),
            label: "Ollama".into(),
            base_url: format!("{}/v1", ollama.base_url()),
        },
        Candidate {
            provider: "vllm".into(),
            label: "vLLM".into(),
            base_url: format!("http://127.0.0.1:{}/v1", closed_port()),
        },
    ]
}

#[tokio::test]
async fn the_probe_lists_the_server_that_answers_with_its_models() {
    let ollama = fake_ollama().await;
    let found = probe(&candidates(&ollama)).await;
    let address = ollama.base_url().trim_start_matches("http://").to_string();
    assert_eq!(
        found,
        [LocalServer {
            provider: "ollama".into(),
            label: "Ollama".into(),
            address,
            models: vec!["qwen3:8b".into(), "llama3.2:3b".into()],
        }]
    );
    let asked: Vec<String> = ollama.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(asked, ["/v1/models"]);
}

#[tokio::test]
async fn the_agent_answers_the_lookup_mid_session() {
    let dir = tempfile::tempdir().unwrap();
    let ollama = fake_ollama().await;
    let mut handle = agent::spawn(AgentConfig {
        setup: Setup {
            local_servers: candidates(&ollama),
            ..Setup::default()
        },
        ..config(&ollama, dir.path())
    });
    handle
        .ops
        .send(Op::Lookup {
            id: 3,
            lookup: Lookup::LocalServers,
        })
        .unwrap();
    let found = loop {
        if let AgentEvent::LookedUp {
            id: 3,
            answer: LookupAnswer::LocalServers(found),
        } = next(&mut handle).await
        {
            break found;
        }
    };
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].models[0], "qwen3:8b");
}

#[test]
fn provider_demo_answers_a_headless_prompt_with_no_key_and_no_server() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["--provider", "demo", "-p", "run: echo from-the-demo"])
        .current_dir(root)
        .env("ANTHROPIC_API_KEY", "")
        .env("ANTHROPIC_AUTH_TOKEN", "")
        .env("ANTHROPIC_BASE_URL", "")
        .env("CLAW_MODEL", "")
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root)
        .env("XDG_DATA_HOME", root.join("data"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    // `echo` is read-only, so -p runs it; the demo reports what it printed.
    assert!(stdout.contains("It printed:"), "{stdout}");
    assert!(stdout.contains("from-the-demo"), "{stdout}");
}

#[test]
fn with_no_key_claw_opens_on_the_first_run_screen_and_the_demo_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let home = home.display().to_string();
    let config = format!("{home}/.config");
    let data = format!("{home}/.data");
    let env = [
        ("ANTHROPIC_API_KEY", ""),
        ("ANTHROPIC_AUTH_TOKEN", ""),
        ("ANTHROPIC_BASE_URL", ""),
        ("CLAW_MODEL", ""),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", config.as_str()),
        ("XDG_DATA_HOME", data.as_str()),
    ];
    let mut term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &[],
        &env,
        &project,
        110,
        36,
    )
    .unwrap();
    let screen = term.wait_for_text("Welcome to claw", T).unwrap();
    assert!(screen.contains("ANTHROPIC_API_KEY"), "{screen}");
    assert!(screen.contains("Demo"), "{screen}");
    // The demo is the last offer, whatever servers this machine runs.
    term.key(Key::End);
    term.key(Key::Enter);
    term.wait_for_text("Using the demo", T).unwrap();
    term.send("hello");
    term.key(Key::Enter);
    let screen = term.wait_for_text("Allow Write claw-demo.md", T).unwrap();
    assert!(screen.contains("This file was written"), "{screen}");
    std::thread::sleep(GRACE);
    term.key(Key::Char('y'));
    term.wait_for_text("Allow Edit", T).unwrap();
    let written = std::fs::read_to_string(project.join("claw-demo.md")).unwrap();
    assert!(written.starts_with("# claw demo"), "{written}");
    // Nothing was saved: the next session would open on the screen again.
    assert!(!Path::new(&config).join("claw/settings.json").exists());
    std::thread::sleep(GRACE);
    term.key(Key::Esc);
    term.wait_for(|s| s.lines().last().is_some_and(|l| l.contains("idle")), T)
        .unwrap();
    term.key(Key::CtrlC);
    term.wait_for_text("Ctrl+C again", T).unwrap();
    term.key(Key::CtrlC);
    assert_eq!(term.wait_exit(T).unwrap(), 0);
    assert!(term.modes().restored());
}
