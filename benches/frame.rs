//! Drawing one frame with a long transcript: the steady state (everything cached, nothing
//! changed) and the streaming state (the newest message grew by a delta). The issue's figure:
//! a 2,000-message transcript at 200x60 in under 2 ms. And a keystroke's way to the screen
//! (reducer plus frame) with a 5,000-message transcript, which should stay under 5 ms.

use std::time::Instant;

use claw::app::model::StatusInfo;
use claw::app::{Model, Msg, update};
use claw::protocol::AgentEvent;
use claw::ui::theme::Theme;
use claw::ui::{RenderCache, draw};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const MESSAGES: usize = 2_000;
const AREA: Rect = Rect {
    x: 0,
    y: 0,
    width: 200,
    height: 60,
};

fn transcript() -> Model {
    transcript_of(MESSAGES)
}

fn transcript_of(messages: usize) -> Model {
    let now = Instant::now();
    let mut model = Model::new(Theme::dark(), StatusInfo::default(), now);
    for i in 0..messages / 2 {
        update(
            &mut model,
            Msg::Paste(format!("Question {i}: how does the parser handle flags?")),
            now,
        );
        update(
            &mut model,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Enter,
            )),
            now,
        );
        let answer = format!(
            "## Answer {i}\n\nThe parser **reads** each flag in `parse_args` and:\n\n- checks it\n- stores it\n\n```rust\nfn parse_args() -> Vec<String> {{\n    std::env::args().collect()\n}}\n```\n"
        );
        for event in [
            AgentEvent::TextDelta(answer),
            AgentEvent::MessageDone,
            AgentEvent::TurnEnded {
                stop: claw::protocol::TurnStop::Done,
            },
        ] {
            update(&mut model, Msg::Agent(event), now);
        }
    }
    model
}

fn main() {
    divan::main();
}

#[divan::bench]
fn frame_2000_messages_200x60_cached(bencher: divan::Bencher) {
    let model = transcript();
    let mut cache = RenderCache::default();
    let mut buf = Buffer::empty(AREA);
    draw(&model, &mut cache, AREA, &mut buf);
    bencher.bench_local(|| {
        buf.reset();
        draw(&model, &mut cache, AREA, &mut buf)
    });
}

#[divan::bench]
fn frame_2000_messages_200x60_streaming(bencher: divan::Bencher) {
    let mut model = transcript();
    let mut cache = RenderCache::default();
    let mut buf = Buffer::empty(AREA);
    update(
        &mut model,
        Msg::Agent(AgentEvent::TurnStarted {
            prompt: String::new(),
        }),
        Instant::now(),
    );
    update(
        &mut model,
        Msg::Agent(AgentEvent::TextDelta("Streaming answer: ".into())),
        Instant::now(),
    );
    draw(&model, &mut cache, AREA, &mut buf);
    let mut deltas = 0usize;
    bencher.bench_local(|| {
        // Keep the live message at a realistic size: a new one every 200 deltas.
        deltas += 1;
        if deltas % 200 == 0 {
            update(
                &mut model,
                Msg::Agent(AgentEvent::MessageDone),
                Instant::now(),
            );
        }
        update(
            &mut model,
            Msg::Agent(AgentEvent::TextDelta("more words ".into())),
            Instant::now(),
        );
        buf.reset();
        draw(&model, &mut cache, AREA, &mut buf)
    });
}

/// A key typed into the input box and the frame that shows it, with 5,000 messages above.
/// Typing and deleting alternate so the input stays one line.
#[divan::bench]
fn keystroke_to_echo_5000_messages(bencher: divan::Bencher) {
    use crossterm::event::{KeyCode, KeyEvent};
    let mut model = transcript_of(5_000);
    let mut cache = RenderCache::default();
    let mut buf = Buffer::empty(AREA);
    draw(&model, &mut cache, AREA, &mut buf);
    let mut typed = false;
    bencher.bench_local(|| {
        let key = if typed {
            KeyCode::Backspace
        } else {
            KeyCode::Char('x')
        };
        typed = !typed;
        update(&mut model, Msg::Key(KeyEvent::from(key)), Instant::now());
        buf.reset();
        draw(&model, &mut cache, AREA, &mut buf)
    });
}

/// The command palette over commands, models, modes, themes and 500 saved sessions: a key typed
/// into its filter and the frame that shows the new list.
#[divan::bench]
fn palette_filter_keystroke_500_sessions(bencher: divan::Bencher) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut model = transcript_of(200);
    model.catalog_models =
        claw::agent::lookup::catalog_choices(&claw::provider::catalog::Catalog::builtin());
    model.sessions = Some(
        (0..500)
            .map(|i| claw::protocol::SessionChoice {
                id: format!("s{i}"),
                first_prompt: format!("fix the parser bug number {i} in the flags module"),
                age_secs: i * 60,
                messages: 10,
                cost: 0.1,
            })
            .collect(),
    );
    let now = Instant::now();
    update(
        &mut model,
        Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
        now,
    );
    let mut cache = RenderCache::default();
    let mut buf = Buffer::empty(AREA);
    let mut typed = false;
    bencher.bench_local(|| {
        let key = if typed {
            KeyCode::Backspace
        } else {
            KeyCode::Char('f')
        };
        typed = !typed;
        update(&mut model, Msg::Key(KeyEvent::from(key)), Instant::now());
        buf.reset();
        draw(&model, &mut cache, AREA, &mut buf)
    });
}
