use super::*;
use crate::agent::history::{History, replay_events};
use crate::provider::{Message, Usage};

fn file(entries: &[Entry]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in entries {
        bytes.extend_from_slice(serde_json::to_string(entry).unwrap().as_bytes());
        bytes.push(b'\n');
    }
    bytes
}

/// Text of `lines` lines.
fn text(tag: &str, lines: usize) -> String {
    (0..lines)
        .map(|i| format!("{tag} line {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn prompt(text: String) -> Entry {
    Entry::Prompt { text, at: None }
}

fn answer(text: String) -> Entry {
    Entry::Message {
        message: Message {
            role: Role::Assistant,
            content: vec![ContentBlock::Text { text }],
        },
    }
}

fn call(id: &str) -> Entry {
    Entry::Message {
        message: Message {
            role: Role::Assistant,
            content: vec![
                ContentBlock::Text {
                    text: format!("calling {id}"),
                },
                ContentBlock::ToolUse {
                    id: id.into(),
                    name: "Read".into(),
                    input: serde_json::json!({"file_path": format!("/src/{id}.rs")}),
                },
            ],
        },
    }
}

fn result(id: &str) -> Entry {
    Entry::Message {
        message: Message {
            role: Role::User,
            content: vec![ContentBlock::ToolResult {
                tool_use_id: id.into(),
                content: format!("the contents of {id}"),
                is_error: false,
                images: Vec::new(),
            }],
        },
    }
}

fn usage() -> Entry {
    Entry::Usage {
        model: "claude-sonnet-4-6".into(),
        usage: Usage::default(),
        cost: 0.01,
    }
}

/// A tail, when there is one, replays to the whole conversation's last messages, and draws
/// as they do.
fn assert_tail_is_the_end(entries: &[Entry]) -> Option<usize> {
    let bytes = file(entries);
    let tail = tail(&bytes, usize::MAX)?;
    let (whole, _) = History::replay(entries);
    let (end, _) = History::replay(&tail);
    assert!(!end.is_empty() && end.len() < whole.len());
    assert_eq!(
        end,
        whole[whole.len() - end.len()..],
        "the same last messages"
    );
    assert_eq!(
        replay_events(&end),
        replay_events(&whole[whole.len() - end.len()..])
    );
    Some(end.len())
}

/// A deterministic mix of what sessions hold: prompts with hook context, tool calls and their
/// results, calls left open by an interrupt, answers continued after a pause, usage lines.
fn mixed_session(seed: u64, turns: usize) -> Vec<Entry> {
    let mut state = seed;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let mut entries = vec![Entry::Meta {
        id: "s".into(),
        cwd: "/p".into(),
        model: "m".into(),
        started: 0,
    }];
    for turn in 0..turns {
        entries.push(prompt(text(
            &format!("question {turn}"),
            1 + next(4) as usize,
        )));
        if next(4) == 0 {
            entries.push(Entry::UserText {
                text: "<user-prompt-submit-hook>context</user-prompt-submit-hook>".into(),
            });
        }
        for step in 0..next(4) {
            let id = format!("t{turn}-{step}");
            entries.push(call(&id));
            entries.push(usage());
            if next(6) == 0 {
                // Interrupted: the next prompt answers the open call.
                break;
            }
            entries.push(result(&id));
        }
        entries.push(answer(text(
            &format!("answer {turn}"),
            1 + next(12) as usize,
        )));
        if next(5) == 0 {
            entries.push(answer(text(&format!("continued {turn}"), 3)));
        }
        entries.push(usage());
    }
    entries
}

#[test]
fn the_tail_replays_to_the_conversations_last_messages() {
    let mut tails = 0;
    for seed in 0..200 {
        if assert_tail_is_the_end(&mixed_session(seed, 120)).is_some() {
            tails += 1;
        }
    }
    assert!(tails > 190, "long sessions have a tail: {tails} of 200");
}

#[test]
fn the_tail_holds_a_tall_screens_worth() {
    let entries: Vec<Entry> = (0..500)
        .flat_map(|i| [prompt(format!("q{i}")), answer(text("a", 9))])
        .collect();
    let shown = assert_tail_is_the_end(&entries).unwrap();
    // Each pair is about 13 rows: 400 rows is about 31 pairs.
    assert!((60..=70).contains(&shown), "{shown} messages");
}

#[test]
fn a_short_session_is_read_whole() {
    let entries = mixed_session(1, 3);
    assert_eq!(tail(&file(&entries), usize::MAX), None);
}

#[test]
fn a_rewind_or_a_compaction_near_the_end_needs_the_whole_file() {
    for change in [
        Entry::Rewind { turn: 2 },
        Entry::Compacted {
            summary: "earlier".into(),
            kept: 4,
        },
    ] {
        let mut entries = mixed_session(7, 120);
        let at = entries.len() - 5;
        entries.insert(at, change);
        assert_eq!(tail(&file(&entries), usize::MAX), None);
    }
}

#[test]
fn after_a_clear_the_tail_is_everything_since() {
    let mut entries = mixed_session(3, 120);
    entries.push(Entry::Clear);
    entries.push(prompt("after".into()));
    entries.push(answer("the answer".into()));
    let tail = tail(&file(&entries), usize::MAX).unwrap();
    assert_eq!(tail.len(), 3);
    assert_eq!(History::replay(&tail).0, History::replay(&entries).0);
}

#[test]
fn one_long_turn_of_tool_calls_is_cut_between_a_result_and_the_next_call() {
    let mut entries = vec![prompt("fix everything".into())];
    for i in 0..400 {
        let id = format!("t{i}");
        entries.push(call(&id));
        entries.push(result(&id));
    }
    entries.push(answer("done".into()));
    let shown = assert_tail_is_the_end(&entries).unwrap();
    assert!(shown < 801, "{shown}");
    let bytes = file(&entries);
    let tail = tail(&bytes, usize::MAX).unwrap();
    assert!(
        matches!(&tail[0], Entry::Message { message } if message.role == Role::Assistant),
        "it starts at a call, never at a result: {:?}",
        tail[0]
    );
}

#[test]
fn no_place_to_pick_up_within_the_limit_reads_the_whole_file() {
    // One prompt whose answer is a single huge message: no cut after the prompt.
    let entries = vec![prompt("write a lot".into()), answer(text("a", 20_000))];
    let bytes = file(&entries);
    assert_eq!(tail(&bytes, 64 * 1024), None);
}

#[test]
fn damaged_lines_in_the_tail_are_passed_over() {
    let entries = mixed_session(11, 120);
    let mut bytes = file(&entries);
    bytes.extend_from_slice(b"{\"type\":\"message\",\"mess");
    let tail = tail(&bytes, usize::MAX).unwrap();
    let (whole, _) = History::replay(&entries);
    let (end, _) = History::replay(&tail);
    assert_eq!(end, whole[whole.len() - end.len()..]);
}
