//! Costs that grow with the size of what is shown (issue 12), printed as figures: the render
//! work per streamed delta with a live message of 2 KB, 50 KB and 200 KB; a keystroke's way to
//! the screen while a 200,000-character code-heavy answer streams at full speed (p50/p99/max in
//! each third of the stream); and the next frame after a resize with 10,000 cells of which
//! 1,000 hold code blocks. Asserts nothing.

use std::time::{Duration, Instant};

use claw::app::model::StatusInfo;
use claw::app::{Model, Msg, update};
use claw::protocol::{AgentEvent, TurnStop};
use claw::ui::theme::Theme;
use claw::ui::{RenderCache, draw};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const WIDE: Rect = Rect {
    x: 0,
    y: 0,
    width: 200,
    height: 60,
};
const NARROW: Rect = Rect {
    x: 0,
    y: 0,
    width: 120,
    height: 40,
};

/// A code-heavy answer of about `chars` characters: prose, lists and a code block every
/// ~150 characters (a 200 KB answer holds ~1,300 of them).
fn code_heavy_answer(chars: usize) -> String {
    let mut out = String::with_capacity(chars + 256);
    let mut i = 0;
    while out.len() < chars {
        match i % 4 {
            0 => out.push_str(&format!(
                "Step {i}: the parser **reads** the flag in `parse_{i}` and keeps it.\n\n```rust\nfn parse_{i}(x: u32) -> u32 {{\n    x + {i} // add\n}}\n```\n\n"
            )),
            1 => out.push_str(&format!(
                "- item {i} with *emphasis*\n- another item\n\n```python\ndef f_{i}(x):\n    return x * {i}\n```\n\n"
            )),
            2 => out.push_str(&format!(
                "A longer paragraph {i} that explains what happens when the flag is missing, and why the default is safe enough for most users of the tool.\n\n"
            )),
            _ => out.push_str(&format!(
                "```sh\ncargo run -- --flag {i}\necho done\n```\n\n"
            )),
        }
        i += 1;
    }
    out
}

/// One code fence of about `chars` characters that has not closed yet.
fn one_open_fence(chars: usize) -> String {
    let mut out = String::from("Here is the file:\n\n```rust\n");
    let mut i = 0;
    while out.len() < chars {
        out.push_str(&format!(
            "    let value_{i} = compute({i}, \"flag\"); // step {i}\n"
        ));
        i += 1;
    }
    out
}

/// One paragraph of about `chars` characters (lines of prose with inline markup, no blank
/// line), still streaming.
fn one_paragraph(chars: usize) -> String {
    let mut out = String::from("Intro.\n\n");
    let mut i = 0;
    while out.len() < chars {
        out.push_str(&format!(
            "Line {i} explains how the **parser** reads `flag_{i}` and why its default is safe.\n"
        ));
        i += 1;
    }
    out
}

/// A long answer of a given shape, about so many characters long.
type Shape = fn(usize) -> String;

/// The shapes of a long answer the per-delta figure is printed for.
const SHAPES: [(&str, Shape); 3] = [
    ("code-heavy answer", code_heavy_answer),
    ("one open code fence", one_open_fence),
    ("one paragraph", one_paragraph),
];

fn new_model() -> Model {
    let mut model = Model::new(Theme::dark(), StatusInfo::default(), Instant::now());
    update(
        &mut model,
        Msg::Resize {
            width: WIDE.width,
            height: WIDE.height,
        },
        Instant::now(),
    );
    model
}

fn agent(model: &mut Model, event: AgentEvent) {
    update(model, Msg::Agent(event), Instant::now());
}

fn frame(model: &Model, cache: &mut RenderCache, buf: &mut Buffer, area: Rect) {
    buf.resize(area);
    buf.reset();
    draw(model, cache, area, buf);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

/// Render work per 40-character delta once the live message is `size` characters long.
fn per_delta(size: usize, shape: Shape) {
    let text = shape(size + 40 * 200);
    let mut model = new_model();
    let mut cache = RenderCache::default();
    let mut buf = Buffer::empty(WIDE);
    agent(
        &mut model,
        AgentEvent::TurnStarted {
            prompt: String::new(),
        },
    );
    let mut at = 0;
    // Grow to the size in frame-sized steps, drawing as the runtime would.
    while at < size {
        let end = (at + 400).min(size);
        agent(&mut model, AgentEvent::TextDelta(text[at..end].into()));
        frame(&model, &mut cache, &mut buf, WIDE);
        at = end;
    }
    let mut times = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        agent(&mut model, AgentEvent::TextDelta(text[at..at + 40].into()));
        frame(&model, &mut cache, &mut buf, WIDE);
        times.push(start.elapsed());
        at += 40;
    }
    times.sort();
    println!(
        "  live message of {:>3} KB: median {:.3} ms, p99 {:.3} ms per delta and frame",
        size / 1000,
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    );
}

/// A 200,000-character answer streamed at full speed (the deltas of a frame coalesced: 400
/// characters a frame), a key typed before each frame: the time from the key to its frame.
fn keystroke_while_streaming(shape: Shape) {
    const SIZE: usize = 200_000;
    const PER_FRAME: usize = 400;
    let text = shape(SIZE);
    let mut model = new_model();
    let mut cache = RenderCache::default();
    let mut buf = Buffer::empty(WIDE);
    agent(
        &mut model,
        AgentEvent::TurnStarted {
            prompt: String::new(),
        },
    );
    let mut thirds: [Vec<Duration>; 3] = Default::default();
    let mut at = 0;
    let mut typed = false;
    while at < SIZE {
        let end = (at + PER_FRAME).min(text.len());
        let mut end = end;
        while !text.is_char_boundary(end) {
            end += 1;
        }
        agent(&mut model, AgentEvent::TextDelta(text[at..end].into()));
        let key = if typed {
            KeyCode::Backspace
        } else {
            KeyCode::Char('x')
        };
        typed = !typed;
        let start = Instant::now();
        update(&mut model, Msg::Key(KeyEvent::from(key)), Instant::now());
        frame(&model, &mut cache, &mut buf, WIDE);
        thirds[(at * 3 / SIZE).min(2)].push(start.elapsed());
        at = end;
    }
    for (i, times) in thirds.iter_mut().enumerate() {
        times.sort();
        println!(
            "  keystroke to frame, {} third of a 200 KB stream: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            ["first", "second", "last"][i],
            ms(percentile(times, 0.5)),
            ms(percentile(times, 0.99)),
            ms(*times.last().unwrap_or(&Duration::ZERO))
        );
    }
}

/// 5,000 turns (10,000 cells), 1,000 answers with a code block; the frame after each resize
/// between 120x40 and 200x60.
fn resize_10000_cells() {
    let mut model = new_model();
    let now = Instant::now();
    for i in 0..5_000 {
        model.push_cell(claw::app::model::CellKind::User(format!(
            "Question {i}: how does the parser handle flags?"
        )));
        let answer = if i % 5 == 0 {
            format!(
                "The parser **reads** each flag in `parse_{i}`:\n\n```rust\nfn parse_{i}() -> Vec<String> {{\n    std::env::args().collect()\n}}\n```\n"
            )
        } else {
            format!("Answer {i}: the parser reads each flag and stores it; nothing else happens.")
        };
        agent(&mut model, AgentEvent::TextDelta(answer));
        agent(&mut model, AgentEvent::MessageDone);
        agent(
            &mut model,
            AgentEvent::TurnEnded {
                stop: TurnStop::Done,
            },
        );
    }
    let _ = now;
    let mut cache = RenderCache::default();
    let mut buf = Buffer::empty(WIDE);
    frame(&model, &mut cache, &mut buf, WIDE);
    let mut times = Vec::new();
    for i in 0..20 {
        let area = if i % 2 == 0 { NARROW } else { WIDE };
        update(
            &mut model,
            Msg::Resize {
                width: area.width,
                height: area.height,
            },
            Instant::now(),
        );
        let start = Instant::now();
        frame(&model, &mut cache, &mut buf, area);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "  next frame after a resize, 10,000 cells (1,000 code blocks): median {:.2} ms, max {:.2} ms",
        ms(percentile(&times, 0.5)),
        ms(*times.last().unwrap_or(&Duration::ZERO))
    );
}

fn main() {
    // `cargo bench` passes --bench; nothing else to parse.
    println!("streaming a long answer (200x60):");
    for (name, shape) in SHAPES {
        println!(" {name}:");
        for size in [2_000, 50_000, 200_000] {
            per_delta(size, shape);
        }
        keystroke_while_streaming(shape);
    }
    println!("resizing a long transcript:");
    resize_10000_cells();
}
