//! Compaction: when the context fills (or on `/compact`), the model summarizes the conversation
//! and the history becomes that summary plus the last turns verbatim. The planner is pure: it
//! picks a cut that never separates a tool_use from its tool_result and keeps the roles valid.

use crate::provider::{ContentBlock, Message, Role};

/// Turns (user messages with text) kept verbatim after the summary.
pub const KEEP_TURNS: usize = 2;

/// What the model is asked to write.
pub const SUMMARY_PROMPT: &str = "Your context is about to be compacted. Write a summary of the \
conversation so far that lets you continue the work without the earlier messages. Use these \
sections: Goal (what the user wants), Decisions (what was decided and why), Files touched (paths \
and what changed), Open tasks (what is left, in order), User preferences (style, constraints, \
things to avoid). Be specific: names, paths, commands, error messages. Reply with the summary \
only.";

/// Where a user message starts a turn: it carries the user's text, not tool results (a cut
/// there keeps every tool_use with its tool_result).
fn starts_turn(message: &Message) -> bool {
    message.role == Role::User
        && !message
            .content
            .iter()
            .any(|b| matches!(b, ContentBlock::ToolResult { .. }))
}

/// The index from which messages are kept verbatim: the start of the `keep`-th last turn.
/// None when there is nothing before it to summarize.
pub fn cut_point(messages: &[Message], keep: usize) -> Option<usize> {
    let starts: Vec<usize> = (0..messages.len())
        .filter(|&i| starts_turn(&messages[i]))
        .collect();
    if starts.len() <= keep {
        return None;
    }
    let cut = starts[starts.len() - keep.max(1)];
    (cut > 0).then_some(cut)
}

/// The history after compaction: the summary joined to the first kept user message.
pub fn compacted(messages: &[Message], cut: usize, summary: &str) -> Vec<Message> {
    let preface = ContentBlock::Text {
        text: format!(
            "This session continues an earlier conversation, which was compacted. Its summary:\n\n{}",
            summary.trim()
        ),
    };
    let mut kept: Vec<Message> = messages[cut.min(messages.len())..].to_vec();
    match kept.first_mut() {
        Some(first) if first.role == Role::User => first.content.insert(0, preface),
        _ => kept.insert(
            0,
            Message {
                role: Role::User,
                content: vec![preface],
            },
        ),
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(text: &str) -> Message {
        Message::user_text(text)
    }
    fn call(id: &str) -> Message {
        Message {
            role: Role::Assistant,
            content: vec![ContentBlock::ToolUse {
                id: id.into(),
                name: "Read".into(),
                input: json!({}),
            }],
        }
    }
    fn result(id: &str) -> Message {
        Message {
            role: Role::User,
            content: vec![ContentBlock::ToolResult {
                tool_use_id: id.into(),
                content: "x".into(),
                is_error: false,
                images: Vec::new(),
            }],
        }
    }
    fn answer(text: &str) -> Message {
        Message {
            role: Role::Assistant,
            content: vec![ContentBlock::Text { text: text.into() }],
        }
    }

    #[test]
    fn the_cut_falls_on_a_turn_and_never_splits_a_tool_pair() {
        let messages = vec![
            user("one"),
            call("a"),
            result("a"),
            answer("done one"),
            user("two"),
            call("b"),
            result("b"),
            call("c"),
            result("c"),
            answer("done two"),
            user("three"),
            answer("done three"),
        ];
        assert_eq!(cut_point(&messages, 2), Some(4));
        assert_eq!(cut_point(&messages, 1), Some(10));
        assert_eq!(
            cut_point(&messages, 3),
            None,
            "nothing before the kept turns"
        );
        let after = compacted(&messages, 4, "SUMMARY");
        assert_eq!(after.len(), 8);
        assert_eq!(after[0].role, Role::User);
        assert!(
            matches!(&after[0].content[0], ContentBlock::Text { text } if text.contains("SUMMARY"))
        );
        assert!(matches!(&after[0].content[1], ContentBlock::Text { text } if text == "two"));
        // Every tool_use in what is kept still has its result right after it.
        for pair in after.windows(2) {
            let uses: Vec<_> = pair[0]
                .tool_uses()
                .map(|(id, _, _)| id.to_string())
                .collect();
            for id in uses {
                assert!(pair[1].content.iter().any(|b| matches!(b, ContentBlock::ToolResult { tool_use_id, .. } if *tool_use_id == id)));
            }
        }
    }
}
