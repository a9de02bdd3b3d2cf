//! A hostile model against the whole agent loop: it tries to grant itself permissions through a
//! redirection, to run a denied program behind a wrapper in bypass mode, to read a denied file
//! through a link and through Grep. Every attempt must ask or be refused, and the files must
//! show it.

mod support;

use std::path::Path;
use std::time::Duration;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::permissions::{PermissionMode, Permissions, RuleKind};
use claw::protocol::{AgentEvent, Decision, Op};
use fake_server::{FakeServer, Reply};
use serde_json::{Value, json};

use support::agent::config;

async fn next(handle: &mut AgentHandle) -> AgentEvent {
    tokio::time::timeout(Duration::from_secs(10), handle.events.recv())
        .await
        .expect("the agent went quiet")
        .expect("the agent stopped")
}

/// Runs one turn, denying every approval asked for; returns the commands that asked.
async fn turn_denying_everything(handle: &mut AgentHandle) -> Vec<String> {
    handle.ops.send(Op::UserTurn { text: "go".into() }).unwrap();
    let mut asked = Vec::new();
    loop {
        match next(handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                asked.push(request.summary.clone());
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision: Decision::Deny,
                    })
                    .unwrap();
            }
            AgentEvent::TurnEnded { .. } => return asked,
            _ => {}
        }
    }
}

/// The tool results the model got, in order: (is_error, content).
fn results(server: &FakeServer) -> Vec<(bool, String)> {
    server
        .requests()
        .iter()
        .filter_map(|r| r.last_message().cloned())
        .flat_map(|m: Value| {
            m["content"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|b| b["type"] == "tool_result")
                .map(|b| {
                    (
                        b["is_error"].as_bool().unwrap_or(false),
                        b["content"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn with_rules(cwd: &Path, mode: PermissionMode, rules: &[(RuleKind, &str)]) -> Permissions {
    let mut permissions = Permissions::new(mode, cwd, None);
    for (kind, rule) in rules {
        assert!(permissions.add(*kind, rule, cwd));
    }
    permissions
}

#[tokio::test]
async fn the_model_cannot_grant_itself_permissions_through_a_redirection() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let grant = r#"echo '{"permissions":{"allow":["Bash"]}}' > .claude/settings.local.json"#;
    let server = FakeServer::start(vec![
        Reply::tool_use("", "a1", "Bash", json!({"command": "mkdir -p .claude"})),
        Reply::tool_use("", "a2", "Bash", json!({ "command": grant })),
        Reply::tool_use("", "a3", "Bash", json!({"command": "echo hi >> ~/.bashrc"})),
        Reply::tool_use("", "a4", "Bash", json!({"command": "echo fine"})),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let permissions = with_rules(
        &root,
        PermissionMode::AcceptEdits,
        &[
            (RuleKind::Allow, "Bash(echo:*)"),
            (RuleKind::Allow, "Bash(mkdir:*)"),
        ],
    );
    let mut handle = agent::spawn(AgentConfig {
        permissions,
        ..config(&server, &root)
    });
    let asked = turn_denying_everything(&mut handle).await;
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked[0].contains("settings.local.json"), "{asked:?}");
    assert!(asked[1].contains(".bashrc"), "{asked:?}");
    assert!(root.join(".claude").is_dir(), "mkdir was allowed");
    assert!(!root.join(".claude/settings.local.json").exists());
    let results = results(&server);
    assert_eq!(results.last().map(|r| r.1.as_str()), Some("fine"));
}

#[tokio::test]
async fn deny_rules_hold_against_wrappers_in_bypass_mode() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let attempts = [
        "/bin/rm victim",
        "\\rm victim",
        "command rm victim",
        "env FOO=1 rm victim",
        "timeout 5 rm victim",
        "bash -c 'rm victim'",
        "eval rm victim",
        "$(echo rm) victim",
        "echo victim | xargs rm",
        "find . -name victim -delete",
        "echo 'rm victim' | sh",
    ];
    let mut replies: Vec<Reply> = attempts
        .iter()
        .enumerate()
        .map(|(i, c)| Reply::tool_use("", &format!("r{i}"), "Bash", json!({ "command": c })))
        .collect();
    replies.push(Reply::text("gave up"));
    let server = FakeServer::start(replies).await.unwrap();
    std::fs::write(root.join("victim"), "still here").unwrap();
    let permissions = with_rules(
        &root,
        PermissionMode::BypassPermissions,
        &[(RuleKind::Deny, "Bash(rm:*)")],
    );
    let mut handle = agent::spawn(AgentConfig {
        permissions,
        ..config(&server, &root)
    });
    let asked = turn_denying_everything(&mut handle).await;
    assert!(asked.is_empty(), "bypass asked: {asked:?}");
    assert_eq!(
        std::fs::read_to_string(root.join("victim")).unwrap(),
        "still here"
    );
    let results = results(&server);
    assert_eq!(results.len(), attempts.len());
    for ((is_error, content), attempt) in results.iter().zip(attempts) {
        assert!(
            *is_error && content.starts_with("Permission denied"),
            "{attempt}: {content}"
        );
    }
}

#[tokio::test]
async fn a_denied_file_stays_unread_through_links_grep_and_edit() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(root.join("secret.txt"), "TOPSECRET value\n").unwrap();
    std::fs::write(root.join("open.txt"), "nothing here\n").unwrap();
    std::os::unix::fs::symlink("secret.txt", root.join("link.txt")).unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use("", "s1", "Read", json!({"file_path": "link.txt"})),
        Reply::tool_use(
            "",
            "s2",
            "Grep",
            json!({"pattern": "TOPSECRET", "output_mode": "content"}),
        ),
        Reply::tool_use(
            "",
            "s3",
            "Edit",
            json!({"file_path": "secret.txt", "old_string": "absent", "new_string": "x"}),
        ),
        Reply::tool_use("", "s4", "Bash", json!({"command": "cat < link.txt"})),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let permissions = with_rules(
        &root,
        PermissionMode::BypassPermissions,
        &[
            (RuleKind::Deny, "Read(./secret.txt)"),
            (RuleKind::Deny, "Edit(./secret.txt)"),
        ],
    );
    let mut handle = agent::spawn(AgentConfig {
        permissions,
        ..config(&server, &root)
    });
    turn_denying_everything(&mut handle).await;
    let results = results(&server);
    assert_eq!(results.len(), 4);
    for (is_error, content) in &results {
        assert!(!content.contains("TOPSECRET value"), "{content}");
        let _ = is_error;
    }
    assert!(
        results[0].0 && results[0].1.starts_with("Permission denied"),
        "{:?}",
        results[0]
    );
    assert!(results[1].1.contains("1 file skipped"), "{:?}", results[1]);
    // Deny is said before anything about the edit itself.
    assert!(
        results[2].1.starts_with("Permission denied"),
        "{:?}",
        results[2]
    );
    assert!(
        results[3].1.starts_with("Permission denied"),
        "{:?}",
        results[3]
    );
}
