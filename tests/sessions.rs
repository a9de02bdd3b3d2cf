//! A session's history through the agent loop against the scripted fake server: compaction keeps
//! the last turns and a valid request, rewind restores files (byte for byte) and the conversation.

mod support;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::slash_command::SlashCommand;
use claw::protocol::{AgentEvent, Op};
use fake_server::{FakeServer, Reply};
use serde_json::json;

use support::agent::config;
use support::turns::{finish_turn, next, start, tool_results};

#[tokio::test]
async fn compaction_keeps_the_last_turns_and_the_request_stays_valid() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("n.txt");
    std::fs::write(&notes, "x\n").unwrap();
    let server = FakeServer::start(vec![
        Reply::text("answer one"),
        Reply::tool_use(
            "",
            "r1",
            "Read",
            json!({"file_path": notes.display().to_string()}),
        ),
        Reply::text("answer two"),
        Reply::text("answer three"),
        // The summary request.
        Reply::text("Goal: test compaction. Files touched: none."),
        Reply::text("answer four"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    for text in ["one", "two", "three"] {
        handle.ops.send(Op::UserTurn { text: text.into() }).unwrap();
        finish_turn(&mut handle).await;
    }
    handle
        .ops
        .send(Op::Command {
            command: SlashCommand::Compact,
            args: "keep file names".into(),
        })
        .unwrap();
    let mut compacted = None;
    while compacted.is_none() {
        if let AgentEvent::Compacted { summarized, kept } = next(&mut handle).await {
            compacted = Some((summarized, kept));
        }
    }
    assert_eq!(
        compacted,
        Some((2, 6)),
        "turn one summarized; turns two and three kept"
    );
    handle
        .ops
        .send(Op::UserTurn {
            text: "four".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        6,
        "every request accepted by the API's rules"
    );
    let summary_request = requests[4].body["messages"].to_string();
    assert!(summary_request.contains("Open tasks") && summary_request.contains("keep file names"));
    let after = requests[5].body["messages"].as_array().unwrap();
    let before = requests[3].body["messages"].as_array().unwrap();
    assert!(
        after.len() < before.len() + 2,
        "shorter than without compaction"
    );
    let first = after[0].to_string();
    assert!(
        first.contains("Goal: test compaction") && first.contains("\"two\""),
        "{first}"
    );
    assert!(!after.iter().any(|m| m.to_string().contains("answer one")));
    assert!(after.iter().any(|m| m.to_string().contains("answer three")));
}

async fn command(handle: &mut AgentHandle, name: &str, args: &str) -> Vec<AgentEvent> {
    handle
        .ops
        .send(Op::Command {
            command: SlashCommand::from_name(name).expect("a built-in command"),
            args: args.into(),
        })
        .unwrap();
    let mut events = Vec::new();
    loop {
        let event = next(handle).await;
        let done = matches!(&event, AgentEvent::Notice { message } if message.starts_with("Rewound"))
            || matches!(
                &event,
                AgentEvent::Info { .. } | AgentEvent::Error { .. } | AgentEvent::RewindPoints(_)
            );
        events.push(event);
        if done {
            return events;
        }
    }
}

#[tokio::test]
async fn rewind_restores_files_and_the_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "w1",
            "Write",
            json!({"file_path": "a.txt", "content": "one\n"}),
        ),
        Reply::text("wrote it"),
        Reply::tool_use(
            "",
            "e1",
            "Edit",
            json!({"file_path": "a.txt", "old_string": "one", "new_string": "two"}),
        ),
        Reply::text("edited it"),
        Reply::text("fresh start from turn two"),
    ])
    .await
    .unwrap();
    let mut handle = agent::spawn(AgentConfig {
        system_prompt: Some("s".into()),
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir.path(), None),
        local_settings: None,
        ..config(&server, dir.path())
    });
    let file = dir.path().join("a.txt");
    for prompt in ["create a.txt", "change it"] {
        handle
            .ops
            .send(Op::UserTurn {
                text: prompt.into(),
            })
            .unwrap();
        finish_turn(&mut handle).await;
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "two\n");
    let listed = command(&mut handle, "rewind", "").await;
    // The prompts to pick from, oldest first, each with its age.
    assert!(
        matches!(listed.last(), Some(AgentEvent::RewindPoints(points))
            if points.iter().map(|p| (p.turn, p.prompt.as_str())).eq([(1, "create a.txt"), (2, "change it")])
                && points.iter().all(|p| p.age_secs.is_some())),
        "{listed:?}"
    );
    // Files only: back to after turn one; the conversation keeps both turns.
    command(&mut handle, "rewind", "2 code").await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "one\n");
    // Both, to before turn two: the edit's snapshot is gone from the conversation too.
    let events = command(&mut handle, "rewind", "2").await;
    assert!(events.contains(&AgentEvent::TranscriptReset));
    assert!(events.contains(&AgentEvent::UserText {
        text: "create a.txt".into()
    }));
    assert!(!events.contains(&AgentEvent::UserText {
        text: "change it".into()
    }));
    handle
        .ops
        .send(Op::UserTurn {
            text: "again".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let last = server.requests().last().unwrap().body["messages"].to_string();
    assert!(
        last.contains("create a.txt") && last.contains("again") && !last.contains("change it"),
        "{last}"
    );
    // Back to before turn one: the file didn't exist then.
    command(&mut handle, "rewind", "1").await;
    assert!(!file.exists());
}

#[tokio::test]
async fn rewind_restores_a_latin1_file_byte_for_byte_and_the_log_keeps_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("menu.txt");
    let original: &[u8] = b"caf\xE9 cr\xE8me\r\nprix: 3\r\n\xE0 bient\xF4t\r\n";
    std::fs::write(&file, original).unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use("", "r1", "Read", json!({"file_path": "menu.txt"})),
        Reply::tool_use(
            "",
            "e1",
            "Edit",
            json!({"file_path": "menu.txt", "old_string": "prix: 3", "new_string": "prix: 4 €"}),
        ),
        Reply::text("done"),
    ])
    .await
    .unwrap();
    let log = dir.path().join("session.jsonl");
    let mut handle = agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, dir.path(), None),
        local_settings: None,
        log: claw::agent::history::LogTarget::Pending {
            path: log.clone(),
            meta: claw::agent::session_log::Entry::Clear,
        },
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "raise the price".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    // The model saw the text decoded, and the edit kept the encoding and the other bytes.
    let read = tool_results(server.requests()[1].last_message().unwrap());
    assert!(read[0].2.contains("café crème"), "{read:?}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"caf\xE9 cr\xE8me\r\nprix: 4 \x80\r\n\xE0 bient\xF4t\r\n"
    );
    command(&mut handle, "rewind", "1 code").await;
    assert_eq!(std::fs::read(&file).unwrap(), original);
    let saved = claw::agent::session_log::load(&log).unwrap();
    let before = saved.entries.iter().find_map(|e| match e {
        claw::agent::session_log::Entry::Snapshot { before, .. } => before.clone(),
        _ => None,
    });
    assert_eq!(before.map(|b| b.0), Some(original.to_vec()));
}
