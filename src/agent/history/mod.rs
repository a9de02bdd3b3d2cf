//! The conversation as the API sees it, kept valid (roles alternate, every tool_use answered)
//! and written to the session log as it changes. Replaying a log goes through the same methods,
//! so a resumed conversation is the one that was saved.

mod replay;

use crate::agent::session_log::{Entry, SessionLog};
use crate::provider::{ContentBlock, Message, Role};

pub use replay::replay_events;

/// Where the conversation is saved.
pub enum LogTarget {
    /// Not saved (tests, or no data directory).
    None,
    /// A new session: the file is created with its first entry, so sessions where nothing was
    /// said leave no file behind.
    Pending {
        path: std::path::PathBuf,
        meta: Entry,
    },
    Open(SessionLog),
}

/// Where a prompt sits in the conversation: its message and block.
#[derive(Clone, Debug, PartialEq)]
pub struct PromptAt {
    pub message: usize,
    pub block: usize,
    pub text: String,
    /// When it was sent (seconds since the Unix epoch), if known.
    pub at: Option<u64>,
}

/// What a session switched to (`History::switch_to`) brought along.
#[derive(Debug, PartialEq)]
pub struct Switched {
    /// Damaged lines of its file, skipped.
    pub skipped: usize,
    /// The usage it recorded: (model, usage, cost) per request.
    pub usage: Vec<(String, crate::provider::Usage, f64)>,
}

pub struct History {
    messages: Vec<Message>,
    /// Every prompt still in the conversation, in order (turn N is `prompts[N-1]`).
    prompts: Vec<PromptAt>,
    /// Files as they were before each change, with the turn that changed them.
    snapshots: Vec<(usize, std::path::PathBuf, Option<Vec<u8>>)>,
    log: LogTarget,
    /// The first write error, reported once.
    pub log_error: Option<String>,
}

impl Default for History {
    /// An empty conversation, saved nowhere.
    fn default() -> Self {
        History::new(Vec::new(), LogTarget::None)
    }
}

impl History {
    pub fn new(messages: Vec<Message>, log: LogTarget) -> Self {
        History {
            messages,
            prompts: Vec::new(),
            snapshots: Vec::new(),
            log,
            log_error: None,
        }
    }

    /// The conversation rebuilt from a session file's entries (and the cost they record).
    pub fn replay(entries: &[Entry]) -> (Vec<Message>, f64) {
        Self::replay_owned(entries.to_vec())
    }

    /// `replay`, taking the entries.
    pub fn replay_owned(entries: Vec<Entry>) -> (Vec<Message>, f64) {
        let (history, cost) = Self::rebuild(entries);
        (history.messages, cost)
    }

    /// The conversation a session file's entries leave, with its prompts (what /rewind goes
    /// back to) and file snapshots, not saved anywhere until `set_log`.
    pub fn restored(entries: Vec<Entry>) -> Self {
        Self::rebuild(entries).0
    }

    /// Where the conversation is saved from now on.
    pub fn set_log(&mut self, log: LogTarget) {
        self.log = log;
    }

    /// Where the conversation was being saved; it is saved nowhere after this.
    pub fn take_log(&mut self) -> LogTarget {
        std::mem::replace(&mut self.log, LogTarget::None)
    }

    /// The directory this session is saved in (where the other sessions of the project are).
    pub fn sessions_dir(&self) -> Option<std::path::PathBuf> {
        match &self.log {
            LogTarget::None => None,
            LogTarget::Pending { path, .. } => path.parent().map(std::path::Path::to_path_buf),
            LogTarget::Open(log) => log.path().parent().map(std::path::Path::to_path_buf),
        }
    }

    /// The session's id: its log file's name without `.jsonl` (None when it is not saved).
    pub fn session_id(&self) -> Option<String> {
        let path = match &self.log {
            LogTarget::None => return None,
            LogTarget::Pending { path, .. } => path.as_path(),
            LogTarget::Open(log) => log.path(),
        };
        Some(path.file_stem()?.to_string_lossy().into_owned())
    }

    /// Continues in the session saved at `path`: its conversation replaces this one, and new
    /// events are appended to that file.
    pub fn switch_to(&mut self, path: &std::path::Path) -> Result<Switched, String> {
        let loaded = crate::agent::session_log::load(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let log = SessionLog::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let usage = crate::agent::session_log::recorded_usage(&loaded.entries);
        let (mut rebuilt, _) = Self::rebuild(loaded.entries);
        rebuilt.log = LogTarget::Open(log);
        *self = rebuilt;
        Ok(Switched {
            skipped: loaded.skipped,
            usage,
        })
    }

    /// A history (without a log) from a session file's entries, and the cost they record.
    fn rebuild(entries: Vec<Entry>) -> (History, f64) {
        let mut history = History::new(Vec::new(), LogTarget::None);
        let mut cost = 0.0;
        // (Per-model totals are rebuilt by the agent from the same Usage entries.)
        for entry in entries {
            match entry {
                Entry::Prompt { text, at } => history.push_prompt_at(text, at),
                Entry::UserText { text } => history.push_user_text(text),
                Entry::Snapshot { turn, path, before } => {
                    history.snapshots.push((turn, path, before.map(|b| b.0)))
                }
                Entry::Rewind { turn } => history.truncate_to(turn),
                Entry::Message { message } => history.push(message),
                Entry::Clear => history.clear(),
                Entry::Compacted { summary, kept } => history.compact(&summary, kept),
                Entry::Usage { cost: c, .. } => cost += c,
                Entry::Meta { .. } | Entry::Mode { .. } => {}
            }
        }
        history.answer_open_tool_calls();
        (history, cost)
    }

    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Records the entry `entry` makes, built only when there is a log to write it to (a
    /// replayed history has none: its entries are not copied again).
    fn record_with(&mut self, entry: impl FnOnce() -> Entry) {
        if !matches!(self.log, LogTarget::None) {
            self.record(&entry());
        }
    }

    pub fn record(&mut self, entry: &Entry) {
        if let LogTarget::Pending { path, meta } = &self.log {
            let opened = SessionLog::open(path).and_then(|mut log| log.append(meta).map(|()| log));
            self.log = match opened {
                Ok(log) => LogTarget::Open(log),
                Err(e) => {
                    self.log_error = Some(format!(
                        "the session can't be saved to {}: {e}",
                        path.display()
                    ));
                    LogTarget::None
                }
            };
        }
        if let LogTarget::Open(log) = &mut self.log
            && let Err(e) = log.append(entry)
            && self.log_error.is_none()
        {
            self.log_error = Some(format!(
                "the session can't be saved to {}: {e}",
                log.path().display()
            ));
        }
    }

    /// Adds the user's text: a new message, or joined to the last one if that is the user's
    /// too (after an interrupted or failed turn), since the API wants roles to alternate.
    pub fn push_user_text(&mut self, text: String) {
        self.record_with(|| Entry::UserText { text: text.clone() });
        self.append_user_text(text);
    }

    /// The user's prompt: like `push_user_text`, and it starts a turn.
    pub fn push_prompt(&mut self, text: String) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs());
        self.push_prompt_at(text, now);
    }

    /// A prompt sent at `at` (seconds since the Unix epoch), when known.
    fn push_prompt_at(&mut self, text: String, at: Option<u64>) {
        self.record_with(|| Entry::Prompt {
            text: text.clone(),
            at,
        });
        self.append_user_text(text.clone());
        let message = self.messages.len() - 1;
        let block = self.messages[message].content.len() - 1;
        self.prompts.push(PromptAt {
            message,
            block,
            text,
            at,
        });
    }

    /// The prompts of the conversation, in order.
    pub fn prompts(&self) -> &[PromptAt] {
        &self.prompts
    }

    /// The number of the current turn (1-based; 0 before the first prompt).
    pub fn turn(&self) -> usize {
        self.prompts.len()
    }

    /// Keeps a file's earlier bytes, to restore on /rewind.
    pub fn snapshot(&mut self, path: std::path::PathBuf, before: Option<Vec<u8>>) {
        let turn = self.turn();
        self.record_with(|| Entry::Snapshot {
            turn,
            path: path.clone(),
            before: before.clone().map(crate::agent::saved_bytes::SavedBytes),
        });
        self.snapshots.push((turn, path, before));
    }

    /// The files as they were before prompt `turn` (1-based): the oldest snapshot of each file
    /// a tool changed since.
    pub fn files_since(&self, turn: usize) -> Vec<(std::path::PathBuf, Option<Vec<u8>>)> {
        let mut restore: Vec<(std::path::PathBuf, Option<Vec<u8>>)> = Vec::new();
        for (_, path, before) in self.snapshots.iter().filter(|(t, _, _)| *t >= turn) {
            if !restore.iter().any(|(p, _)| p == path) {
                restore.push((path.clone(), before.clone()));
            }
        }
        restore
    }

    /// Cuts the conversation back to before prompt `turn` (1-based).
    pub fn rewind(&mut self, turn: usize) {
        self.record(&Entry::Rewind { turn });
        self.truncate_to(turn);
    }

    fn truncate_to(&mut self, turn: usize) {
        let Some(at) = turn
            .checked_sub(1)
            .and_then(|i| self.prompts.get(i))
            .cloned()
        else {
            return;
        };
        if at.block == 0 {
            self.messages.truncate(at.message);
        } else {
            self.messages.truncate(at.message + 1);
            self.messages[at.message].content.truncate(at.block);
        }
        self.prompts.truncate(turn - 1);
        self.snapshots.retain(|(t, _, _)| *t < turn);
    }

    fn append_user_text(&mut self, text: String) {
        self.answer_open_tool_calls();
        let block = ContentBlock::Text { text };
        match self.messages.last_mut() {
            Some(last) if last.role == Role::User => last.content.push(block),
            _ => self.messages.push(Message {
                role: Role::User,
                content: vec![block],
            }),
        }
    }

    pub fn push(&mut self, message: Message) {
        self.record_with(|| Entry::Message {
            message: message.clone(),
        });
        // A resumed answer (the API paused it) continues the assistant message before it:
        // roles must alternate.
        match self.messages.last_mut() {
            Some(last) if last.role == Role::Assistant && message.role == Role::Assistant => {
                last.content.extend(message.content)
            }
            _ => self.messages.push(message),
        }
    }

    /// Replaces all but the last `kept` messages with `summary` (see `compact::compacted`).
    pub fn compact(&mut self, summary: &str, kept: usize) {
        self.record(&Entry::Compacted {
            summary: summary.to_string(),
            kept,
        });
        let cut = self.messages.len().saturating_sub(kept);
        self.messages = crate::agent::compact::compacted(&self.messages, cut, summary);
        // Prompts before the cut are gone; later ones moved (the summary joined the first
        // kept message as one more block at its start).
        self.prompts.retain(|p| p.message >= cut);
        for p in &mut self.prompts {
            if p.message == cut {
                p.block += 1;
            }
            p.message -= cut;
        }
    }

    pub fn clear(&mut self) {
        self.record(&Entry::Clear);
        self.messages.clear();
        self.prompts.clear();
    }

    /// Starts a new session (`/clear`): an empty conversation saved to a new file beside the
    /// old one, which stays as it was. Returns the new file's path.
    pub fn start_new_session(&mut self, model: &str, cwd: &str) -> Option<std::path::PathBuf> {
        let dir = match &self.log {
            LogTarget::None => {
                self.messages.clear();
                return None;
            }
            LogTarget::Pending { path, .. } => path.parent()?.to_path_buf(),
            LogTarget::Open(log) => log.path().parent()?.to_path_buf(),
        };
        let id = crate::agent::session_log::new_id();
        let path = dir.join(format!("{id}.jsonl"));
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        self.log = LogTarget::Pending {
            path: path.clone(),
            meta: Entry::Meta {
                id,
                cwd: cwd.to_string(),
                model: model.to_string(),
                started,
            },
        };
        self.messages.clear();
        self.prompts.clear();
        self.snapshots.clear();
        Some(path)
    }

    /// Makes the log durable (end of a turn).
    pub fn sync(&mut self) {
        if let LogTarget::Open(log) = &mut self.log {
            let _ = log.sync();
        }
    }

    /// After a crash mid-turn the log may hold tool calls that never got results: answer them
    /// (the same way on every replay, so nothing needs logging), keeping the next request valid.
    fn answer_open_tool_calls(&mut self) {
        let Some(last) = self.messages.last() else {
            return;
        };
        if last.role != Role::Assistant {
            return;
        }
        let results: Vec<ContentBlock> = last
            .tool_uses()
            .map(|(id, _, _)| ContentBlock::ToolResult {
                tool_use_id: id.to_string(),
                content: crate::tools::endings::NOT_FINISHED.into(),
                is_error: true,
                images: Vec::new(),
            })
            .collect();
        if !results.is_empty() {
            self.messages.push(Message {
                role: Role::User,
                content: results,
            });
        }
    }
}

/// What the user is told on resuming a session, or on forking one into a new session (when
/// the original file is no longer the one written to, so it isn't named as resumed).
pub fn resumed_notice(shown: &str, messages: usize, forked_into: Option<&str>) -> String {
    let messages = crate::words::count(messages, "message", "messages");
    match forked_into {
        Some(id) => format!(
            "Forked {shown} ({messages}) into a new session {id}; the original is unchanged."
        ),
        None => format!("Resumed {shown} ({messages})."),
    }
}

#[cfg(test)]
mod tests;
