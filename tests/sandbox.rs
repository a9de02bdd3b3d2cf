//! The Bash sandbox through the whole agent: the `sandbox` settings reach the tools, a model's
//! command that writes outside the project is refused, and the tool result says the sandbox
//! may be why. Skipped (saying so) where the kernel has no Landlock.

mod support;

use std::time::Duration;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::{AgentEvent, Op};
use claw::sandbox::{Network, SandboxSettings, Support, kernel_support};
use fake_server::{FakeServer, Reply};
use serde_json::{Value, json};

use support::agent::config;

async fn finish_turn(handle: &mut AgentHandle) {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), handle.events.recv())
            .await
            .expect("the agent went quiet")
            .expect("the agent stopped");
        if matches!(event, AgentEvent::TurnEnded { .. }) {
            return;
        }
    }
}

/// The (is_error, content) of the tool results in a request's last message.
fn tool_results(message: &Value) -> Vec<(bool, String)> {
    message["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "tool_result")
        .map(|b| {
            (
                b["is_error"].as_bool().unwrap_or(false),
                b["content"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_models_write_outside_the_project_is_refused_and_explained() {
    if let Support::Missing(why) = kernel_support() {
        eprintln!("skipped: {why}");
        return;
    }
    let project = tempfile::tempdir().unwrap();
    // Under the target directory: outside the project and the temp directories.
    let elsewhere = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    if elsewhere.path().starts_with(std::env::temp_dir()) || elsewhere.path().starts_with("/tmp") {
        eprintln!("skipped: the target directory lies under a temp directory");
        return;
    }
    let outside = elsewhere.path().join("f");
    let inside = project.path().join("g");
    let command = format!(
        "echo x > {}; echo y > {}",
        inside.display(),
        outside.display()
    );
    let server = FakeServer::start(vec![
        Reply::tool_use("", "b1", "Bash", json!({ "command": command })),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let mut handle = agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, project.path(), None),
        setup: agent::Setup {
            sandbox: SandboxSettings {
                enabled: true,
                network: Network::Off,
                writable: Vec::new(),
            },
            ..Default::default()
        },
        ..config(&server, project.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "write".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let results = tool_results(server.requests()[1].last_message().unwrap());
    let (is_error, content) = &results[0];
    assert!(*is_error, "{content}");
    assert!(content.contains("Permission denied"), "{content}");
    assert!(
        content.contains(&format!(
            "[sandbox: writes outside {} and /tmp are blocked, and network access is off; \
             this may be why the command failed]",
            project.path().display()
        )),
        "{content}"
    );
    assert_eq!(std::fs::read_to_string(&inside).unwrap(), "x\n");
    assert!(!outside.exists());
}
