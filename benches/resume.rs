//! The in-process steps of `claw --continue` before its first frame, each on its own, as
//! start-up runs them: reading the session file and rebuilding the conversation (start-up,
//! before the terminal is set up), the agent's history and the session-started event with the
//! transcript as events (the agent task), the Model taking that event, and the first frame (code
//! drawn plain, as the runtime draws it); for a 200-turn session of 2,000-character
//! answers and a 5,000-message one. A long session's first frame needs only its file's last
//! turns; the whole file is read beside it. (benches/startup.rs times the binary in a pty.)

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use claw::agent::history::{History, LogTarget, replay_events};
use claw::agent::resume::Restored;
use claw::agent::session_log::{self, Entry};
use claw::app::model::StatusInfo;
use claw::app::{Model, Msg, update};
use claw::protocol::AgentEvent;
use claw::protocol::session_start::SessionStart;
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

/// The session-started event the agent sends for `messages`.
fn session_started(messages: &[Message]) -> AgentEvent {
    AgentEvent::SessionStarted(Box::new(SessionStart {
        model: "claude-sonnet-4-6".into(),
        transcript: replay_events(messages),
        ..SessionStart::default()
    }))
}

/// The Model of a screen the size of `AREA` once it has taken `event`.
fn ingest(event: AgentEvent) -> Model {
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
    update(&mut model, Msg::Agent(event), now);
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

/// The agent takes the conversation as its history (no log: nothing is appended).
#[divan::bench(args = SIZES)]
fn agent_history(bencher: divan::Bencher, size: (usize, usize)) {
    let messages = messages(size);
    bencher
        .with_inputs(|| messages.clone())
        .bench_values(|messages| History::new(messages, LogTarget::None));
}

#[divan::bench(args = SIZES)]
fn session_started_event(bencher: divan::Bencher, size: (usize, usize)) {
    let messages = messages(size);
    bencher.bench(|| session_started(&messages));
}

#[divan::bench(args = SIZES)]
fn model_takes_the_event(bencher: divan::Bencher, size: (usize, usize)) {
    let messages = messages(size);
    bencher
        .with_inputs(|| session_started(&messages))
        .bench_values(ingest);
}

/// The first frame: code drawn plain, as the runtime draws a resumed session's first frame.
#[divan::bench(args = SIZES)]
fn first_frame(bencher: divan::Bencher, size: (usize, usize)) {
    let messages = messages(size);
    claw::ui::highlight::defer();
    bencher
        .with_inputs(|| ingest(session_started(&messages)))
        .bench_local_refs(|model| {
            let mut cache = RenderCache::default();
            let mut buf = Buffer::empty(AREA);
            draw(model, &mut cache, AREA, &mut buf);
        });
    claw::ui::highlight::highlight_from_now_on();
}

/// Reading a session file's last turns, as start-up does before the first frame.
#[divan::bench(args = SIZES)]
fn tail_of_session_file(bencher: divan::Bencher, size: (usize, usize)) {
    let file = session_file(size.0, size.1);
    bencher.bench(|| {
        let bytes = std::fs::read(&file).expect("read");
        session_log::tail(&bytes, usize::MAX).expect("a long session has a tail")
    });
}

/// Everything between the file and the first frame, as start-up does it: the file's last
/// turns, their events, the Model taking them, the frame. (The whole file is read on another
/// thread meanwhile: `whole_conversation_restored`.)
#[divan::bench(args = SIZES)]
fn file_to_first_frame(bencher: divan::Bencher, size: (usize, usize)) {
    let file = session_file(size.0, size.1);
    claw::ui::highlight::defer();
    bencher.bench(|| {
        let bytes = std::fs::read(&file).expect("read");
        let tail = session_log::tail(&bytes, usize::MAX).expect("a long session has a tail");
        let (last, _) = History::replay_owned(tail);
        let model = ingest(session_started(&last));
        let mut cache = RenderCache::default();
        let mut buf = Buffer::empty(AREA);
        draw(&model, &mut cache, AREA, &mut buf);
        (bytes, model)
    });
    claw::ui::highlight::highlight_from_now_on();
}

/// After the first frame: the whole file read (on its own thread), the agent's events for it,
/// the Model putting it in place of the last turns, and the next frame.
#[divan::bench(args = SIZES)]
fn whole_conversation_restored(bencher: divan::Bencher, size: (usize, usize)) {
    let file = session_file(size.0, size.1);
    let bytes = std::fs::read(&file).expect("read");
    let tail = session_log::tail(&bytes, usize::MAX).expect("a long session has a tail");
    let (last, _) = History::replay_owned(tail);
    claw::ui::highlight::defer();
    bencher
        .with_inputs(|| ingest(session_started(&last)))
        .bench_local_values(|mut model| {
            let mut loaded = session_log::parse(&bytes);
            let restored = Restored::from_entries(std::mem::take(&mut loaded.entries));
            let event = AgentEvent::TranscriptRestored {
                transcript: replay_events(restored.history.messages()),
                notices: Vec::new(),
            };
            update(&mut model, Msg::Agent(event), Instant::now());
            let mut cache = RenderCache::default();
            let mut buf = Buffer::empty(AREA);
            draw(&model, &mut cache, AREA, &mut buf);
            (restored, model)
        });
    claw::ui::highlight::highlight_from_now_on();
}
