//! The one way a `Msg` reaches the reducer: `Runtime::dispatch` runs `update` and then every
//! effect it returned. Effects that need the terminal loop (quitting, suspending the screen for
//! an editor) are kept as `Deferred` work for the loop to take once the current batch is done.

use std::io;
use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::app::{Effect, Model, Msg, update};
use crate::finder::{Finder, FinderResults};
use crate::protocol::Op;

/// Work an effect asked for that only the terminal loop can do.
#[derive(Debug, PartialEq)]
pub enum Deferred {
    /// Suspend the screen and edit this file.
    OpenEditor(PathBuf),
    /// Suspend the screen and edit the message being typed.
    EditInput(String),
    /// Leave the app.
    Quit,
}

/// Carries out the reducer's effects: sends to the agent, saves history, runs the file finder.
pub struct Runtime {
    ops: UnboundedSender<Op>,
    /// Where submitted prompts are appended (the project's input history).
    history_path: Option<PathBuf>,
    /// The `@` file finder starts on the first `@` (walking the tree costs nothing until then).
    finder: Option<Finder>,
    found_tx: UnboundedSender<FinderResults>,
    found_rx: UnboundedReceiver<FinderResults>,
    edit: Option<PathBuf>,
    edit_input: Option<String>,
    quit: bool,
}

impl Runtime {
    pub fn new(ops: UnboundedSender<Op>, history_path: Option<PathBuf>) -> Self {
        let (found_tx, found_rx) = unbounded_channel();
        Runtime {
            ops,
            history_path,
            finder: None,
            found_tx,
            found_rx,
            edit: None,
            edit_input: None,
            quit: false,
        }
    }

    /// Waits for the file finder's next answer (for the event loop to turn into a Msg).
    pub async fn found(&mut self) -> Option<FinderResults> {
        self.found_rx.recv().await
    }

    /// The file finder's next answer if one is already waiting.
    pub fn try_found(&mut self) -> Option<FinderResults> {
        self.found_rx.try_recv().ok()
    }

    /// Sends an operation to the agent directly (start-up lookups, the final shutdown).
    pub fn send(&self, op: Op) {
        // The agent gone means nothing is left to tell it.
        let _ = self.ops.send(op);
    }

    /// Runs the reducer on `msg`, then every effect it returned.
    pub fn dispatch(&mut self, model: &mut Model, msg: Msg, now: Instant) {
        for effect in update(model, msg, now) {
            self.run(effect);
        }
    }

    /// The next piece of work for the terminal loop, in the order the loop has always done it:
    /// the file editor, then the message editor, then quitting.
    pub fn take_deferred(&mut self) -> Option<Deferred> {
        if let Some(path) = self.edit.take() {
            return Some(Deferred::OpenEditor(path));
        }
        if let Some(text) = self.edit_input.take() {
            return Some(Deferred::EditInput(text));
        }
        if std::mem::take(&mut self.quit) {
            return Some(Deferred::Quit);
        }
        None
    }

    fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Send(op) => self.send(op),
            Effect::Quit => self.quit = true,
            Effect::OpenEditor(path) => self.edit = Some(path),
            Effect::Copy(text) => super::copy_to_clipboard(&text),
            Effect::EditInput(text) => self.edit_input = Some(text),
            Effect::MouseCapture(on) => {
                let _ = if on {
                    execute!(io::stdout(), EnableMouseCapture)
                } else {
                    execute!(io::stdout(), DisableMouseCapture)
                };
            }
            Effect::FindFiles { generation, query } => {
                let found_tx = &self.found_tx;
                let finder = self.finder.get_or_insert_with(|| {
                    let tx = found_tx.clone();
                    let root = std::env::current_dir().unwrap_or_else(|_| ".".into());
                    Finder::start(root, move |results| {
                        let _ = tx.send(results);
                    })
                });
                finder.query(generation, &query, crate::app::mention::LIMIT);
            }
            Effect::OpenUrl(url) => crate::browser::open(&url),
            Effect::SaveHistory(text) => {
                if let Some(path) = &self.history_path {
                    // Losing a history line is not worth interrupting the user for.
                    let _ = crate::history_file::append(path, &text);
                }
            }
        }
    }
}
