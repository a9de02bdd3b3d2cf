//! History's unit tests: replay, repair, snapshots, rewind and clear.

use super::*;
use crate::protocol::AgentEvent;
use serde_json::json;

#[test]
fn replay_rebuilds_merges_and_repairs() {
    let entries = vec![
        Entry::UserText { text: "one".into() },
        Entry::UserText { text: "two".into() },
        Entry::Message {
            message: Message {
                role: Role::Assistant,
                content: vec![ContentBlock::ToolUse {
                    id: "t".into(),
                    name: "Bash".into(),
                    input: json!({"command": "ls"}),
                }],
            },
        },
        Entry::Usage {
            model: "m".into(),
            usage: Default::default(),
            cost: 0.25,
        },
    ];
    let (messages, cost) = History::replay(&entries);
    assert_eq!(cost, 0.25);
    assert_eq!(messages.len(), 3);
    assert_eq!(
        messages[0].content.len(),
        2,
        "two texts joined in one user message"
    );
    assert!(matches!(
        &messages[2].content[0],
        ContentBlock::ToolResult { is_error: true, .. }
    ));
    let events = replay_events(&messages);
    assert_eq!(events[0], AgentEvent::UserText { text: "one".into() });
    assert!(
        events
            .iter()
            .any(|e| matches!(e, AgentEvent::ToolStarted { summary, .. } if summary == "ls"))
    );
    let (after_clear, _) = History::replay(&[Entry::UserText { text: "x".into() }, Entry::Clear]);
    assert!(after_clear.is_empty());
}

#[test]
fn text_after_an_unanswered_call_comes_after_its_result() {
    let call = Entry::Message {
        message: Message {
            role: Role::Assistant,
            content: vec![ContentBlock::ToolUse {
                id: "t".into(),
                name: "Bash".into(),
                input: json!({}),
            }],
        },
    };
    let (messages, _) = History::replay(&[
        Entry::UserText { text: "go".into() },
        call,
        Entry::UserText {
            text: "after the crash".into(),
        },
    ]);
    assert_eq!(messages.len(), 3);
    assert!(
        matches!(&messages[2].content[0], ContentBlock::ToolResult { tool_use_id, .. } if tool_use_id == "t")
    );
    assert!(
        matches!(&messages[2].content[1], ContentBlock::Text { text } if text == "after the crash")
    );
}

#[test]
fn snapshots_keep_exact_bytes_in_the_log_and_old_text_snapshots_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.jsonl");
    let mut h = History::new(
        Vec::new(),
        LogTarget::Open(SessionLog::open(&path).unwrap()),
    );
    h.push_prompt("change it".into());
    h.snapshot("/latin.txt".into(), Some(b"caf\xE9\n".to_vec()));
    // A line as sessions saved it before snapshots were bytes.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut f| {
            std::io::Write::write_all(
                &mut f,
                b"{\"type\":\"snapshot\",\"turn\":1,\"path\":\"/old.txt\",\"before\":\"caf\xC3\xA9\\n\"}\n",
            )
        })
        .unwrap();
    let mut resumed = History::new(Vec::new(), LogTarget::None);
    assert_eq!(
        resumed.switch_to(&path),
        Ok(Switched {
            skipped: 0,
            usage: Vec::new()
        })
    );
    assert_eq!(
        resumed.files_since(1),
        vec![
            ("/latin.txt".into(), Some(b"caf\xE9\n".to_vec())),
            ("/old.txt".into(), Some("café\n".as_bytes().to_vec())),
        ]
    );
}

#[test]
fn rewind_cuts_at_a_prompt_even_one_joined_to_another() {
    let answer = Entry::Message {
        message: Message {
            role: Role::Assistant,
            content: vec![ContentBlock::Text { text: "ok".into() }],
        },
    };
    // Prompt b was typed after an interrupted turn: it joined a's message as block 1.
    let entries = vec![
        Entry::Prompt {
            text: "a".into(),
            at: None,
        },
        Entry::Prompt {
            text: "b".into(),
            at: None,
        },
        answer.clone(),
        Entry::Prompt {
            text: "c".into(),
            at: None,
        },
        Entry::Snapshot {
            turn: 3,
            path: "/f".into(),
            before: Some(crate::agent::saved_bytes::SavedBytes(b"old".to_vec())),
        },
        answer,
    ];
    let mut h = History::new(Vec::new(), LogTarget::None);
    for e in &entries {
        match e {
            Entry::Prompt { text, .. } => h.push_prompt(text.clone()),
            Entry::Message { message } => h.push(message.clone()),
            Entry::Snapshot { path, before, .. } => {
                h.snapshot(path.clone(), before.as_ref().map(|b| b.0.clone()))
            }
            Entry::Meta { .. }
            | Entry::UserText { .. }
            | Entry::Usage { .. }
            | Entry::Clear
            | Entry::Rewind { .. }
            | Entry::Mode { .. }
            | Entry::Compacted { .. } => {}
        }
    }
    assert_eq!(h.turn(), 3);
    assert_eq!(h.files_since(3), vec![("/f".into(), Some(b"old".to_vec()))]);
    assert!(h.files_since(4).is_empty());
    h.rewind(2);
    assert_eq!(h.messages().len(), 1);
    assert_eq!(
        h.messages()[0].content,
        vec![ContentBlock::Text { text: "a".into() }]
    );
    assert!(
        h.files_since(1).is_empty(),
        "later snapshots go with the turns"
    );
    let mut replayed = entries.clone();
    replayed.push(Entry::Rewind { turn: 2 });
    assert_eq!(History::replay(&replayed).0, h.messages().to_vec());
}

#[test]
fn clear_starts_a_new_file_and_leaves_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.jsonl");
    let meta = Entry::Meta {
        id: "first".into(),
        cwd: "/w".into(),
        model: "m".into(),
        started: 0,
    };
    let mut history = History::new(
        Vec::new(),
        LogTarget::Pending {
            path: first.clone(),
            meta,
        },
    );
    history.push_user_text("old".into());
    let second = history.start_new_session("m", "/w").unwrap();
    assert!(history.is_empty());
    history.push_user_text("new".into());
    assert_ne!(first, second);
    let old = crate::agent::session_log::load(&first).unwrap().entries;
    let new = crate::agent::session_log::load(&second).unwrap().entries;
    assert_eq!(old.last(), Some(&Entry::UserText { text: "old".into() }));
    assert!(matches!(&new[0], Entry::Meta { cwd, .. } if cwd == "/w"));
    assert_eq!(new.last(), Some(&Entry::UserText { text: "new".into() }));
}

#[test]
fn a_fork_names_the_new_session_and_never_says_resumed() {
    let forked = resumed_notice("~/s/a.jsonl", 1, Some("0042"));
    assert_eq!(
        forked,
        "Forked ~/s/a.jsonl (1 message) into a new session 0042; the original is unchanged."
    );
    assert!(!forked.contains("Resumed"));
    assert_eq!(
        resumed_notice("~/s/a.jsonl", 3, None),
        "Resumed ~/s/a.jsonl (3 messages)."
    );
}

#[test]
fn a_replayed_history_shows_what_the_user_typed_not_claws_notes() {
    use crate::agent::notes::{INTERRUPTED, PLAN_ON};
    let messages = vec![
        Message {
            role: Role::User,
            content: vec![ContentBlock::Text {
                text: PLAN_ON.into(),
            }],
        },
        Message {
            role: Role::Assistant,
            content: vec![ContentBlock::Text {
                text: "Half an answ".into(),
            }],
        },
        Message {
            role: Role::User,
            content: vec![
                ContentBlock::Text {
                    text: INTERRUPTED.into(),
                },
                ContentBlock::Text {
                    text: "go on".into(),
                },
            ],
        },
    ];
    let shown: Vec<String> = replay::replay_events(&messages)
        .into_iter()
        .filter_map(|e| match e {
            AgentEvent::UserText { text } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(shown, vec!["go on".to_string()]);
}

#[test]
fn an_interruption_recorded_in_the_log_is_shown_where_it_happened_on_resume() {
    use crate::agent::notes::{INTERRUPTED, INTERRUPTED_FOR_TOOL_USE};
    let entries = vec![
        Entry::Prompt {
            text: "write it".into(),
            at: None,
        },
        Entry::Message {
            message: Message {
                role: Role::Assistant,
                content: vec![ContentBlock::ToolUse {
                    id: "t1".into(),
                    name: "Bash".into(),
                    input: serde_json::json!({"command": "sleep 9"}),
                }],
            },
        },
        Entry::Message {
            message: Message {
                role: Role::User,
                content: vec![ContentBlock::ToolResult {
                    tool_use_id: "t1".into(),
                    content: "Interrupted by the user before it finished.".into(),
                    is_error: true,
                    images: Vec::new(),
                }],
            },
        },
        Entry::UserText {
            text: INTERRUPTED_FOR_TOOL_USE.into(),
        },
        Entry::Prompt {
            text: "again".into(),
            at: None,
        },
        Entry::UserText {
            text: INTERRUPTED.into(),
        },
    ];
    let (messages, _) = History::replay(&entries);
    // The note follows the tool result in its message, the next prompt after it: valid for
    // the API, and the model reads that the turn was cut.
    assert_eq!(messages.len(), 3);
    assert_eq!(
        messages[2].content[1..],
        [
            ContentBlock::Text {
                text: INTERRUPTED_FOR_TOOL_USE.into()
            },
            ContentBlock::Text {
                text: "again".into()
            },
            ContentBlock::Text {
                text: INTERRUPTED.into()
            },
        ]
    );
    let shown: Vec<AgentEvent> = replay::replay_events(&messages)
        .into_iter()
        .filter(|e| matches!(e, AgentEvent::UserText { .. } | AgentEvent::Notice { .. }))
        .collect();
    assert_eq!(
        shown,
        [
            AgentEvent::UserText {
                text: "write it".into()
            },
            AgentEvent::Notice {
                message: "Interrupted.".into()
            },
            AgentEvent::UserText {
                text: "again".into()
            },
            AgentEvent::Notice {
                message: "Interrupted.".into()
            },
        ]
    );
}
