//! Snapshots of the conversation pane around a turn: prompts queued behind a stream, the
//! welcome header, the scroll hint.

use std::time::Instant;

use crate::app::{Msg, update};
use crate::protocol::{AgentEvent, TurnStop};
use crate::ui::tests::{feed, model_at, render};

fn submit(model: &mut crate::app::Model, text: &str, now: Instant) {
    update(model, Msg::SubmitPrompt(text.into()), now);
}

#[test]
fn a_prompt_sent_during_a_stream_waits_below_the_answer() {
    let now = Instant::now();
    let mut model = model_at(now);
    submit(&mut model, "count to forty", now);
    feed(
        &mut model,
        now,
        vec![
            AgentEvent::TurnStarted {
                prompt: "count to forty".into(),
            },
            AgentEvent::TextDelta("word0 word1 word2".into()),
        ],
    );
    submit(&mut model, "queued msg", now);
    feed(
        &mut model,
        now,
        vec![AgentEvent::TextDelta(" word3 word4".into())],
    );
    insta::assert_snapshot!("queued_while_streaming", render(&model, 60, 12).backend());

    // Its turn comes: it becomes a user cell after the whole first answer.
    feed(
        &mut model,
        now,
        vec![
            AgentEvent::MessageDone,
            AgentEvent::TurnEnded {
                stop: TurnStop::Done,
            },
            AgentEvent::TurnStarted {
                prompt: "queued msg".into(),
            },
            AgentEvent::TextDelta("second answer".into()),
        ],
    );
    insta::assert_snapshot!("queued_turn_started", render(&model, 60, 12).backend());
}
