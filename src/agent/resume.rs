//! A saved conversation coming back at start-up: read whole, or its last turns first while the
//! whole file is read on a thread of its own. The screen shows the last turns at once; the agent
//! takes the whole conversation before it does anything with it.

use tokio::sync::oneshot;

use crate::agent::history::History;
use crate::agent::session_log::{self, Entry};
use crate::provider::{Message, Usage};

/// A session file's conversation, ready for the agent.
#[derive(Default)]
pub struct Restored {
    /// With its prompts and snapshots; saved nowhere (the agent gives it the session's log).
    pub history: History,
    /// The usage the log recorded: (model, usage, cost) per request.
    pub usage: Vec<(String, Usage, f64)>,
    /// What the user is told of it (resumed from where, damaged lines passed over).
    pub notices: Vec<String>,
}

impl Restored {
    /// The conversation `entries` leave, and their usage.
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        Restored {
            usage: session_log::recorded_usage(&entries),
            history: History::restored(entries),
            notices: Vec::new(),
        }
    }

    /// A conversation given as its messages, with no usage recorded.
    pub fn from_messages(messages: Vec<Message>) -> Self {
        Restored {
            history: History::new(messages, crate::agent::history::LogTarget::None),
            usage: Vec::new(),
            notices: Vec::new(),
        }
    }
}

/// What a session starts from.
pub enum Resume {
    /// Everything (empty for a new session).
    Whole(Box<Restored>),
    /// The last turns now, the whole conversation when its file has been read.
    Reading(Reading),
}

impl Default for Resume {
    fn default() -> Self {
        Resume::Whole(Box::default())
    }
}

impl Resume {
    pub fn messages(messages: Vec<Message>) -> Self {
        Resume::Whole(Box::new(Restored::from_messages(messages)))
    }
}

/// A session file being read.
pub struct Reading {
    /// Its last messages, exactly as the whole conversation ends (`session_log::tail`).
    pub last: Vec<Message>,
    /// The whole conversation; dropped unsent only if the reading thread failed.
    pub rest: oneshot::Receiver<Restored>,
}

impl Reading {
    /// Shows `tail` (a session file's last entries, `session_log::tail`) at once, and runs
    /// `read` (the whole file's conversation) on a thread.
    pub fn start(
        tail: Vec<Entry>,
        read: impl FnOnce() -> Restored + Send + 'static,
    ) -> std::io::Result<Reading> {
        let (last, _) = History::replay_owned(tail);
        let (send, rest) = oneshot::channel();
        std::thread::Builder::new()
            .name("session-read".into())
            .spawn(move || {
                // The agent may be gone already (a quick quit): nothing to hand over then.
                let _ = send.send(read());
            })?;
        Ok(Reading { last, rest })
    }
}
