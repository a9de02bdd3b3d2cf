//! Saved sessions for the resume benchmarks: markdown answers with a code block, as a model
//! writes them, in a session file of claw's own format.

use std::path::Path;

use claw::agent::session_log::{Entry, SessionLog};
use claw::provider::{ContentBlock, Message, Role};

/// An answer of about `chars` characters: markdown with a code block.
pub fn answer(i: usize, chars: usize) -> String {
    let mut text = format!(
        "## Answer {i}\n\nThe parser **reads** each flag:\n\n- checks it\n- stores it\n\n```rust\nfn parse() -> Vec<String> {{\n    std::env::args().collect()\n}}\n```\n"
    );
    while text.len() < chars {
        text.push_str("\nA paragraph that explains what the flag does and why its default is safe for most users.\n");
    }
    // Its last line names it: the end of a resumed session is on screen when it shows.
    text.push_str(&format!("\nThat was answer {i}.\n"));
    text
}

/// Writes a session of `messages` messages (answers about `answer_chars` long) to `file`.
/// Returns the size of its text.
pub fn write_session(file: &Path, messages: usize, answer_chars: usize) -> usize {
    let _ = std::fs::remove_file(file);
    let mut log = SessionLog::open(file).expect("session file");
    let mut size = 0;
    for i in 0..messages / 2 {
        let question = format!("Question {i}: how do the flags work?");
        let text = answer(i, answer_chars);
        size += question.len() + text.len();
        log.append(&Entry::UserText { text: question })
            .expect("write");
        log.append(&Entry::Message {
            message: Message {
                role: Role::Assistant,
                content: vec![ContentBlock::Text { text }],
            },
        })
        .expect("write");
    }
    size
}
