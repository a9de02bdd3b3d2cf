//! The in-process steps of `claw --continue` before its first frame, each on its own: reading
//! the session file, rebuilding the conversation, turning it into the UI's events, taking them
//! into the Model, and drawing the first frame; for a 200-turn session of 2,000-character
//! answers and a 5,000-message one. (benches/startup.rs times the whole binary in a pty.)

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use claw::agent::history::{History, replay_events};
use claw::agent::session_log::{self, Entry};
use claw::app::model::StatusInfo;
use claw::app::{Model, Msg, update};
use claw::protocol::AgentEvent;
use claw::provider::Message;
use claw::ui::theme::Theme;
use claw::ui::{RenderCache, draw};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

#[path = "support/session.rs"]
mod session;

const AREA: Rect = Rect {
    x: 0,
    y: 0,
    width: 120,
    height: 40,
};

/// The sessions: (messages, answer length).
const SIZES: [(usize, usize); 2] = [(400, 2_000), (5_000, 0)];

fn session_file(messages: usize, answer_chars: usize) -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"));
    let file = dir.path().join(format!("{messages}-{answer_chars}.jsonl"));
    if !file.exists() {
        session::write_session(&file, messages, answer_chars);
    }
    file
}

fn entries(messages: usize, answer_chars: usize) -> Vec<Entry> {
    session_log::load(&session_file(messages, answer_chars))
        .expect("load")
        .entries
}

fn messages(size: (usize, usize)) -> Vec<Message> {
    History::replay(&entries(size.0, size.1)).0
}

fn ingest(events: Vec<AgentEvent>) -> Model {
    let now = Instant::now();
    let mut model = Model::new(Theme::dark(), StatusInfo::default(), now);
    update(
        &mut model,
        Msg::Resize {
            width: AREA.width,
            height: AREA.height,
        },
        now,
    );
    for event in events {
        update(&mut model, Msg::Agent(event), now);
    }
    model
}

fn main() {
    divan::main();
}

#[divan::bench(args = SIZES)]
fn load_session_file(bencher: divan::Bencher, size: (usize, usize)) {
    let file = session_file(size.0, size.1);
    bencher.bench(|| session_log::load(&file).expect("load"));
}

#[divan::bench(args = SIZES)]
fn rebuild_conversation(bencher: divan::Bencher, size: (usize, usize)) {
    let entries = entries(size.0, size.1);
    bencher.bench(|| History::replay(&entries));
}

#[divan::bench(args = SIZES)]
fn replayed_events(bencher: divan::Bencher, size: (usize, usize)) {
    let messages = messages(size);
    bencher.bench(|| replay_events(&messages));
}

#[divan::bench(args = SIZES)]
fn model_takes_the_events(bencher: divan::Bencher, size: (usize, usize)) {
    let messages = messages(size);
    bencher
        .with_inputs(|| replay_events(&messages))
        .bench_values(ingest);
}

#[divan::bench(args = SIZES)]
fn first_frame(bencher: divan::Bencher, size: (usize, usize)) {
    let messages = messages(size);
    claw::ui::highlight::defer();
    bencher
        .with_inputs(|| ingest(replay_events(&messages)))
        .bench_local_refs(|model| {
            let mut cache = RenderCache::default();
            let mut buf = Buffer::empty(AREA);
            draw(model, &mut cache, AREA, &mut buf);
        });
    claw::ui::highlight::highlight_from_now_on();
}

/// Everything between the file and the first frame, as start-up does it.
#[divan::bench(args = SIZES)]
fn file_to_first_frame(bencher: divan::Bencher, size: (usize, usize)) {
    let file = session_file(size.0, size.1);
    claw::ui::highlight::defer();
    bencher.bench(|| {
        let loaded = session_log::load(&file).expect("load");
        let (messages, _) = History::replay(&loaded.entries);
        let model = ingest(replay_events(&messages));
        let mut cache = RenderCache::default();
        let mut buf = Buffer::empty(AREA);
        draw(&model, &mut cache, AREA, &mut buf);
        (messages, model)
    });
    claw::ui::highlight::highlight_from_now_on();
}
