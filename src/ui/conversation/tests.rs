//! The lazy layout: what a frame measures after a resize or a resume, where a scrolled view
//! stays while heights are corrected, how many cells keep rendered lines, and that a message
//! streamed in pieces draws what the whole message draws.

use std::time::Instant;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::layout::{KEPT_CELLS, MEASURED_PER_FRAME};
use super::*;
use crate::app::model::{Scroll, StatusInfo};
use crate::app::{Msg, update};
use crate::protocol::AgentEvent;
use crate::ui::RenderCache;

fn answer(i: usize) -> String {
    if i % 3 == 0 {
        format!(
            "Answer {i}: the parser **reads** each flag.\n\n```rust\nfn parse_{i}() -> Vec<String> {{\n    std::env::args().collect()\n}}\n```\n\nThen it stores them, one by one, in the order given on the command line."
        )
    } else {
        format!(
            "Answer {i}: {}",
            "a sentence that wraps at narrow widths. ".repeat(i % 7 + 1)
        )
    }
}

/// A resumed-looking transcript: `turns` questions and answers, none drawn yet.
fn transcript(turns: usize) -> Model {
    let now = Instant::now();
    let mut model = Model::new(Theme::dark(), StatusInfo::default(), now);
    for i in 0..turns {
        model.push_cell(CellKind::User(format!("Question {i}?")));
        model.push_cell(CellKind::Assistant(answer(i)));
    }
    model
}

/// One frame as the runtime draws it: the view, then its measurements back to the reducer.
/// The clock stands still (`model.now`), so spinners draw the same in every frame.
fn frame(
    model: &mut Model,
    cache: &mut RenderCache,
    width: u16,
    height: u16,
) -> (Buffer, TranscriptMetrics) {
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    let metrics = crate::ui::draw(model, cache, area, &mut buf);
    send(
        model,
        Msg::TranscriptLayout {
            lines: metrics.lines,
            rows: metrics.rows,
            top: metrics.top,
            top_cell: metrics.top_cell,
        },
    );
    (buf, metrics)
}

/// Frames until every height is measured; the last one.
fn settle(
    model: &mut Model,
    cache: &mut RenderCache,
    width: u16,
    height: u16,
) -> (Buffer, TranscriptMetrics) {
    for _ in 0..10_000 {
        let (buf, metrics) = frame(model, cache, width, height);
        if metrics.settled {
            return (buf, metrics);
        }
    }
    panic!("the layout never settled");
}

fn exact_height(model: &Model, width: u16) -> usize {
    model
        .cells
        .iter()
        .map(|c| render_cell(&c.kind, model, width).len() + 1)
        .sum()
}

/// The transcript's rows above its last one (where the "more lines" hint, whose count depends
/// on the heights still estimated, may be drawn).
fn text_rows(buf: &Buffer) -> Vec<String> {
    (0..20)
        .map(|y| (0..60).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

/// A Msg through the reducer at the model's own time.
fn send(model: &mut Model, msg: Msg) {
    let now = model.now;
    update(model, msg, now);
}

fn key(model: &mut Model, code: crossterm::event::KeyCode) {
    send(model, Msg::Key(crossterm::event::KeyEvent::from(code)));
}

#[test]
fn a_resumed_transcript_draws_its_end_after_measuring_only_that() {
    let mut model = transcript(1_000);
    let mut cache = RenderCache::default();
    let (first, metrics) = frame(&mut model, &mut cache, 100, 30);
    assert!(!metrics.settled);
    let measured = cache.transcript.measured_cells(&model, 98);
    assert!(
        measured <= 30,
        "the first frame measured {measured} of 2,000 cells, more than it shows"
    );
    // The frames after it measure the rest in the background, a share each.
    frame(&mut model, &mut cache, 100, 30);
    let more = cache.transcript.measured_cells(&model, 98);
    assert_eq!(more, measured + MEASURED_PER_FRAME);
    // Once every height is known the screen is the same, and the height exact.
    let (settled, metrics) = settle(&mut model, &mut cache, 100, 30);
    assert_eq!(first, settled);
    assert_eq!(metrics.lines, exact_height(&model, 98));
}

#[test]
fn a_resize_measures_what_is_on_screen_and_follow_keeps_the_end() {
    let mut model = transcript(1_000);
    let mut cache = RenderCache::default();
    settle(&mut model, &mut cache, 120, 40);
    let (after, metrics) = frame(&mut model, &mut cache, 70, 25);
    assert!(!metrics.settled);
    assert!(cache.transcript.measured_cells(&model, 68) <= 25 + MEASURED_PER_FRAME);
    // The end is on screen at once: the same frame a fresh cache draws.
    let mut fresh = RenderCache::default();
    let (expected, _) = settle(&mut model, &mut fresh, 70, 25);
    assert_eq!(after, expected);
}

#[test]
fn a_scrolled_view_keeps_its_top_cell_while_heights_are_corrected() {
    let mut model = transcript(600);
    let mut cache = RenderCache::default();
    settle(&mut model, &mut cache, 120, 40);
    for _ in 0..40 {
        key(&mut model, crossterm::event::KeyCode::PageUp);
        frame(&mut model, &mut cache, 120, 40);
    }
    let (_, before) = frame(&mut model, &mut cache, 120, 40);
    assert!(matches!(model.scroll, Scroll::FromTop(_)));
    // Narrower: the same cell stays at the top on every frame while the rest is measured.
    for _ in 0..10_000 {
        let (_, metrics) = frame(&mut model, &mut cache, 60, 40);
        assert_eq!(metrics.top_cell, before.top_cell);
        if metrics.settled {
            // And the line the reducer holds is within that cell, counted exactly.
            let height = |c: &crate::app::model::Cell| render_cell(&c.kind, &model, 58).len() + 1;
            let above: usize = model.cells[..metrics.top_cell].iter().map(height).sum();
            let Scroll::FromTop(top) = model.scroll else {
                panic!("the view stopped being scrolled: {:?}", model.scroll);
            };
            assert!(
                (above..above + height(&model.cells[metrics.top_cell])).contains(&top),
                "line {top}, the cell spans from {above}"
            );
            return;
        }
    }
    panic!("the layout never settled");
}

#[test]
fn paging_up_before_heights_are_known_moves_exactly_a_page() {
    // A resumed transcript, still mostly estimated: Page Up shows what a settled one shows.
    let mut model = transcript(800);
    let mut cache = RenderCache::default();
    frame(&mut model, &mut cache, 100, 30);
    key(&mut model, crossterm::event::KeyCode::PageUp);
    key(&mut model, crossterm::event::KeyCode::PageUp);
    let (paged, _) = frame(&mut model, &mut cache, 100, 30);

    let mut reference = transcript(800);
    let mut settled = RenderCache::default();
    settle(&mut reference, &mut settled, 100, 30);
    key(&mut reference, crossterm::event::KeyCode::PageUp);
    key(&mut reference, crossterm::event::KeyCode::PageUp);
    let (expected, _) = frame(&mut reference, &mut settled, 100, 30);
    assert_eq!(text_rows(&paged), text_rows(&expected));
}

#[test]
fn rendered_lines_are_kept_only_for_cells_near_the_view() {
    let mut model = transcript(600);
    let mut cache = RenderCache::default();
    settle(&mut model, &mut cache, 100, 30);
    send(
        &mut model,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Home,
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    for _ in 0..600 {
        frame(&mut model, &mut cache, 100, 30);
        key(&mut model, crossterm::event::KeyCode::PageDown);
    }
    let kept = cache.transcript.kept_cells();
    assert!(kept <= KEPT_CELLS + KEPT_CELLS / 4, "{kept} cells kept");
    // Cells scrolled back to are rendered again from their text.
    send(
        &mut model,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Home,
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    let (top, _) = frame(&mut model, &mut cache, 100, 30);
    let mut fresh = RenderCache::default();
    let (expected, _) = frame(&mut model, &mut fresh, 100, 30);
    assert_eq!(text_rows(&top), text_rows(&expected));
}

#[test]
fn a_message_streamed_in_pieces_draws_what_the_whole_message_draws() {
    let mut text = String::new();
    for i in 0..60 {
        text.push_str(&answer(i));
        text.push_str("\n\n");
        if i % 10 == 0 {
            text.push_str(
                "| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n> > twice\n\n1. one\n2. two\n\n",
            );
        }
    }
    let mut rng = fastrand::Rng::with_seed(7);
    let mut model = transcript(3);
    let mut cache = RenderCache::default();
    send(
        &mut model,
        Msg::Agent(AgentEvent::TurnStarted {
            prompt: String::new(),
        }),
    );
    let mut at = 0;
    while at < text.len() {
        let end = (at + rng.usize(1..300)).min(text.len());
        send(
            &mut model,
            Msg::Agent(AgentEvent::TextDelta(text[at..end].into())),
        );
        at = end;
        let (streamed, _) = frame(&mut model, &mut cache, 90, 30);
        if rng.usize(..8) == 0 {
            let mut fresh = RenderCache::default();
            let (whole, _) = frame(&mut model, &mut fresh, 90, 30);
            assert_eq!(streamed, whole, "after {at} bytes");
        }
    }
    send(&mut model, Msg::Agent(AgentEvent::MessageDone));
    let streamed = cache.transcript.lines(&model, 3 * 2, 88).to_vec();
    let whole = render_cell(&model.cells[6].kind, &model, 88);
    assert_eq!(streamed, whole);
}

#[test]
fn a_first_frame_with_highlighting_deferred_draws_code_plain_and_the_next_in_colour() {
    let mut model = transcript(3);
    crate::ui::highlight::defer();
    let mut cache = RenderCache::default();
    let (plain, _) = frame(&mut model, &mut cache, 100, 40);
    let code_colours = |buf: &Buffer| -> std::collections::HashSet<_> {
        (0..buf.area.height)
            .filter(|&y| buf[(3, y)].symbol() == "│")
            .flat_map(|y| (5..40).map(move |x| (x, y)))
            .filter(|&(x, y)| buf[(x, y)].symbol().trim() != "")
            .map(|(x, y)| buf[(x, y)].fg)
            .collect()
    };
    assert_eq!(code_colours(&plain).len(), 1, "plain while deferred");
    crate::ui::highlight::highlight_from_now_on();
    let (coloured, _) = frame(&mut model, &mut cache, 100, 40);
    assert!(code_colours(&coloured).len() > 1, "coloured after");
    let mut fresh = RenderCache::default();
    let (expected, _) = frame(&mut model, &mut fresh, 100, 40);
    assert_eq!(coloured, expected);
}
