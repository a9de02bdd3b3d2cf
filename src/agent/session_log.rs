//! Sessions on disk: one JSON-lines file per session under the data directory, grouped by
//! project. Each line is one event, written as it happens; the file is synced at the end of each
//! turn. A torn last line (a crash mid-write) is skipped on load with a notice, never an error.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::provider::{Message, Usage};

mod read;
mod tail;

pub use tail::tail;

/// One line of a session file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entry {
    Meta {
        id: String,
        cwd: String,
        model: String,
        started: u64,
    },
    /// The user's prompt: starts a turn (what /rewind goes back to), and when it was sent
    /// (seconds since the Unix epoch; absent in sessions saved before claw kept it).
    Prompt {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<u64>,
    },
    /// Other text in the user's role (hook context), joined to the last user message.
    UserText {
        text: String,
    },
    Message {
        message: Message,
    },
    Usage {
        model: String,
        usage: Usage,
        cost: f64,
    },
    /// The conversation was cleared (`/clear`).
    Clear,
    /// A file as it was before a tool changed it in `turn` (None: it didn't exist).
    Snapshot {
        turn: usize,
        path: PathBuf,
        before: Option<crate::agent::saved_bytes::SavedBytes>,
    },
    /// The conversation went back to before prompt `turn` (1-based).
    Rewind {
        turn: usize,
    },
    /// The permission mode changed (Shift+Tab, the palette, an approved plan).
    Mode {
        mode: crate::protocol::PermissionMode,
    },
    /// The conversation was compacted: the summary replaces all but the last `kept` messages
    /// (the earlier lines stay in the file).
    Compacted {
        summary: String,
        kept: usize,
    },
}

/// An open session file.
pub struct SessionLog {
    path: PathBuf,
    file: File,
}

impl SessionLog {
    /// Opens (or creates) `path` for appending.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)?;
        // After a crash the last line may be torn: start the next entry on a line of its own.
        let len = file.metadata()?.len();
        if len > 0 {
            use std::io::{Read, Seek, SeekFrom};
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
            }
        }
        Ok(SessionLog {
            path: path.to_path_buf(),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line, in a single write so a crash can only tear the last one.
    pub fn append(&mut self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.flush()
    }

    /// Makes what was written durable (end of a turn).
    pub fn sync(&mut self) -> std::io::Result<()> {
        self.file.sync_data()
    }
}

/// The directory of a project's sessions: `<data>/projects/<cwd with / as ->`.
/// The project's directory under the user's data directory (None when there is no home).
pub fn default_project_dir(cwd: &Path) -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "claw")?;
    Some(project_dir(dirs.data_dir(), cwd))
}

pub fn project_dir(data_dir: &Path, cwd: &Path) -> PathBuf {
    let key: String = cwd
        .display()
        .to_string()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    data_dir.join("projects").join(key)
}

/// What a session file held.
#[derive(Debug, Default, PartialEq)]
pub struct Loaded {
    pub entries: Vec<Entry>,
    /// Lines that could not be read (a torn last line, or damage): skipped.
    pub skipped: usize,
}

pub fn load(path: &Path) -> std::io::Result<Loaded> {
    Ok(parse(&std::fs::read(path)?))
}

/// The entries of a session file's bytes.
pub fn parse(bytes: &[u8]) -> Loaded {
    // Cut in place: no buffer per line (a long session has thousands).
    let mut loaded = Loaded::default();
    for line in bytes.split(|&b| b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match read::entry(line) {
            Ok(entry) => loaded.entries.push(entry),
            Err(_) => loaded.skipped += 1,
        }
    }
    loaded
}

/// The usage a session's log records: (model, usage, cost) per request, in order.
pub fn recorded_usage(entries: &[Entry]) -> Vec<(String, Usage, f64)> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Usage { model, usage, cost } => Some((model.clone(), *usage, *cost)),
            _ => None,
        })
        .collect()
}

/// A session as the resume list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub id: String,
    pub path: PathBuf,
    pub modified: SystemTime,
    pub first_prompt: String,
    pub messages: usize,
    pub cost: f64,
}

/// The sessions of a project, newest first.
pub fn list(dir: &Path) -> Vec<Summary> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Summary> = read
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|e| {
            let path = e.path();
            let modified = e.metadata().ok()?.modified().ok()?;
            let loaded = load(&path).ok()?;
            let id = path.file_stem()?.to_string_lossy().into_owned();
            let first_prompt = loaded
                .entries
                .iter()
                .find_map(|e| {
                    let Entry::Prompt { text, .. } = e else {
                        return None;
                    };
                    Some(text.lines().next().unwrap_or("").to_string())
                })
                .unwrap_or_default();
            let messages = loaded
                .entries
                .iter()
                .filter(|e| matches!(e, Entry::Prompt { .. } | Entry::Message { .. }))
                .count();
            let cost = loaded
                .entries
                .iter()
                .filter_map(|e| {
                    let Entry::Usage { cost, .. } = e else {
                        return None;
                    };
                    Some(*cost)
                })
                .sum();
            Some(Summary {
                id,
                path,
                modified,
                first_prompt,
                messages,
                cost,
            })
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.modified));
    out
}

/// The most recently written session file of a project (without reading any of them).
pub fn latest(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max_by_key(|(modified, _)| *modified)
        .map(|(_, path)| path)
}

/// A new session id: a random (v4) UUID, as Claude Code's are, so `--resume ID` and the
/// Agent SDKs take claw's ids and claw's the SDKs'. Sessions saved before, named by the old
/// `<seconds in hex>-<random>` ids, keep loading by their names: nothing parses an id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_random_v4_uuids() {
        let id = new_id();
        let parsed = uuid::Uuid::parse_str(&id).unwrap();
        assert_eq!(parsed.get_version_num(), 4, "{id}");
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(
            parsed.hyphenated().to_string(),
            id,
            "lower case, hyphenated"
        );
        assert_ne!(new_id(), id);
    }

    #[test]
    fn entries_round_trip_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let mut log = SessionLog::open(&path).unwrap();
        log.append(&Entry::UserText {
            text: "hello".into(),
        })
        .unwrap();
        log.append(&Entry::Message {
            message: Message::user_text("x"),
        })
        .unwrap();
        log.sync().unwrap();
        // A crash in the middle of the next write.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"type\":\"user_te")
            .unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.entries.len(), 2);
        assert_eq!(loaded.skipped, 1);
        // Reopened after the crash, the next entry starts on a line of its own.
        let mut log = SessionLog::open(&path).unwrap();
        log.append(&Entry::Clear).unwrap();
        log.append(&Entry::Mode {
            mode: crate::protocol::PermissionMode::AcceptEdits,
        })
        .unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.entries.len(), 4);
        assert_eq!(loaded.entries[2], Entry::Clear);
        assert_eq!(
            loaded.entries.last(),
            Some(&Entry::Mode {
                mode: crate::protocol::PermissionMode::AcceptEdits
            })
        );
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("acceptEdits")
        );
        assert_eq!(loaded.skipped, 1);
    }

    #[test]
    fn listing_newest_first_with_first_prompt_and_cost() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = SessionLog::open(&dir.path().join("a.jsonl")).unwrap();
        a.append(&Entry::Prompt {
            text: "first session\nmore".into(),
            at: None,
        })
        .unwrap();
        a.append(&Entry::Usage {
            model: "m".into(),
            usage: Usage::default(),
            cost: 0.5,
        })
        .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let mut b = SessionLog::open(&dir.path().join("b.jsonl")).unwrap();
        b.append(&Entry::Prompt {
            text: "second".into(),
            at: None,
        })
        .unwrap();
        let sessions = list(dir.path());
        assert_eq!(
            sessions.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            vec!["b", "a"]
        );
        assert_eq!(sessions[1].first_prompt, "first session");
        assert_eq!(sessions[1].cost, 0.5);
        assert_eq!(
            project_dir(Path::new("/d"), Path::new("/home/me/my repo")),
            PathBuf::from("/d/projects/-home-me-my-repo")
        );
    }
}
