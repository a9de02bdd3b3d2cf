//! Snapshots of the conversation pane around a turn: prompts queued behind a stream, the
//! welcome header, the scroll hint.

use std::time::Instant;

use crate::app::welcome::Welcome;
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

#[test]
fn the_first_screen_has_a_header_that_scrolls_away_like_a_cell() {
    let now = Instant::now();
    let mut model = model_at(now);
    let header = crate::app::welcome::welcome(
        &model,
        crate::app::welcome::SessionFacts {
            provider: "anthropic".into(),
            memory: vec!["CLAUDE.md".into(), "~/.claude/CLAUDE.md".into()],
            mcp: vec!["github".into()],
        },
    );
    model.push_cell(crate::app::model::CellKind::Welcome(Welcome {
        version: "0.1.0".into(),
        ..header
    }));
    insta::assert_snapshot!("welcome_first_screen", render(&model, 80, 16).backend());
    insta::assert_snapshot!("welcome_narrow", render(&model, 40, 16).backend());
    submit(&mut model, "hello", now);
    feed(
        &mut model,
        now,
        vec![AgentEvent::TextDelta(
            (1..=12).map(|i| format!("line {i}\n")).collect(),
        )],
    );
    let screen = format!("{:?}", render(&model, 80, 16).backend());
    assert!(!screen.contains("claw 0.1.0"), "scrolled away:\n{screen}");
}

fn started(call_id: &str, tool: &str, summary: &str) -> AgentEvent {
    AgentEvent::ToolStarted {
        call_id: call_id.into(),
        tool: tool.into(),
        summary: summary.into(),
    }
}

fn finished(call_id: &str, output: &str, summary: &str) -> AgentEvent {
    AgentEvent::ToolFinished {
        call_id: call_id.into(),
        outcome: crate::protocol::ToolOutcome::Success,
        output: output.into(),
        summary: summary.into(),
        duration_ms: 4,
    }
}

#[test]
fn a_bang_command_shows_its_output_in_the_conversation() {
    let now = Instant::now();
    let mut model = model_at(now);
    submit(&mut model, "!seq 1 20", now);
    let output: String = (1..=20).map(|i| format!("{i}\n")).collect();
    feed(
        &mut model,
        now,
        vec![
            started("shell-1", "Bash", "seq 1 20"),
            finished("shell-1", &output, "exit 0"),
        ],
    );
    insta::assert_snapshot!("bang_command_output", render(&model, 60, 22).backend());
}

#[test]
fn hooks_fold_into_the_row_of_the_call_they_gated_and_ctrl_o_opens_it() {
    let now = Instant::now();
    let mut model = model_at(now);
    feed(
        &mut model,
        now,
        vec![
            started("t1", "Write", "f.txt"),
            started("hook-1", "hook PreToolUse", "./check.sh"),
            finished("hook-1", "", "passed"),
            finished("t1", "Created f.txt (1 line).", "+1 -0"),
            started("hook-2", "hook PostToolUse", "cargo fmt"),
            finished("hook-2", "", "passed"),
        ],
    );
    // On a terminal too narrow for the activity pane, the conversation holds the details.
    insta::assert_snapshot!("hooks_folded", render(&model, 70, 10).backend());
    update(
        &mut model,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('o'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
        now,
    );
    insta::assert_snapshot!("hooks_expanded", render(&model, 70, 10).backend());
}

#[test]
fn the_more_lines_hint_has_a_row_of_its_own() {
    let now = Instant::now();
    let mut model = model_at(now);
    let answer: String = (1..=30)
        .map(|i| {
            format!("answer line {i} that is long enough to reach the right edge of the pane\n")
        })
        .collect();
    feed(&mut model, now, vec![AgentEvent::TextDelta(answer)]);
    model.scroll = crate::app::model::Scroll::FromTop(0);
    insta::assert_snapshot!("more_lines_hint", render(&model, 80, 14).backend());
}
