//! The session a start-up runs: a new one (under `--session-id` if given), or one resumed from
//! disk (`--continue`, `--resume`, `--fork-session`), saved or not (`--no-session-persistence`).
//! The full screen resumes a long session from its file's end, reading the rest on a thread.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::agent::history::LogTarget;
use crate::agent::resume::{Reading, Restored, Resume};
use crate::agent::session_log::{self, Entry, SessionLog};
use crate::cli::Args;

/// How far from its end a session file is searched for where its last turns begin; past
/// that it is read whole before the first frame.
const TAIL_LIMIT: usize = 4 << 20;

/// The session to run: a new one, or one resumed from disk.
pub(super) struct SessionStart {
    pub log: LogTarget,
    pub resumed: Resume,
    pub notices: Vec<String>,
}

/// How a resumed session is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reads {
    /// All of it before the session starts (headless: the first request needs it all).
    Whole,
    /// Its last turns first, for the first frame, and the rest on a thread.
    LastTurnsFirst,
}

/// Where this directory's sessions are kept.
fn sessions_dir(cwd: &Path) -> Option<PathBuf> {
    session_log::default_project_dir(cwd)
}

/// Resolves --continue / --resume / --fork-session / --session-id. None: nothing to run (the
/// list was shown).
pub(super) fn open_session(
    args: &Args,
    cwd: &Path,
    model: &str,
    reads: Reads,
) -> anyhow::Result<Option<SessionStart>> {
    let opened = open_saved(args, cwd, model, reads)?;
    if !args.run.no_session_persistence {
        return Ok(opened);
    }
    // Nothing goes to disk: a resumed conversation is read, and new turns are kept in memory.
    Ok(opened.map(|mut session| {
        session.log = LogTarget::None;
        session.notices.push(
            "This session is not saved (--no-session-persistence): its turns stay in memory."
                .into(),
        );
        session
    }))
}

/// Why `--session-id` can't be used as given, if it can't (a usage error).
pub(super) fn session_id_problem(args: &Args, cwd: &Path) -> Option<String> {
    let id = args.run.session_id.as_deref()?;
    let resuming = args.continue_session || args.resume.is_some();
    if resuming && !args.fork_session {
        return Some(
            "--session-id names a new session: with --continue or --resume it needs --fork-session (the copy gets the id)"
                .into(),
        );
    }
    let dir = sessions_dir(cwd)?;
    dir.join(format!("{id}.jsonl")).exists().then(|| {
        format!(
            "--session-id {id}: a session with this id exists already (--resume {id} continues it)"
        )
    })
}

fn open_saved(
    args: &Args,
    cwd: &Path,
    model: &str,
    reads: Reads,
) -> anyhow::Result<Option<SessionStart>> {
    // The id a new session or a fork gets.
    let new_id = || {
        args.run
            .session_id
            .clone()
            .unwrap_or_else(session_log::new_id)
    };
    let Some(dir) = sessions_dir(cwd) else {
        return Ok(Some(SessionStart {
            log: LogTarget::None,
            resumed: Resume::default(),
            notices: vec!["No data directory: this session will not be saved.".into()],
        }));
    };
    let new_target = |id: &str| LogTarget::Pending {
        path: dir.join(format!("{id}.jsonl")),
        meta: Entry::Meta {
            id: id.to_string(),
            cwd: cwd.display().to_string(),
            model: model.to_string(),
            started: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        },
    };
    let chosen = match (&args.resume, args.continue_session) {
        // Full screen: start fresh, in the session picker.
        (Some(id), _) if id.is_empty() && args.print.is_none() => None,
        (Some(id), _) if id.is_empty() => {
            let sessions = session_log::list(&dir);
            if sessions.is_empty() {
                println!("No saved sessions for {}.", cwd.display());
            }
            for s in sessions {
                println!(
                    "{}  {:>4} messages  ${:.4}  {}",
                    s.id, s.messages, s.cost, s.first_prompt
                );
            }
            println!("\nResume one with: claw --resume <id>");
            return Ok(None);
        }
        (Some(id), _) => Some(dir.join(format!("{id}.jsonl"))),
        (None, true) => match session_log::latest(&dir) {
            Some(latest) => Some(latest),
            None => anyhow::bail!("no saved session to continue in {}", cwd.display()),
        },
        (None, false) => None,
    };
    let Some(path) = chosen else {
        return Ok(Some(SessionStart {
            log: new_target(&new_id()),
            resumed: Resume::default(),
            notices: Vec::new(),
        }));
    };
    let bytes = std::fs::read(&path)
        .with_context(|| format!("cannot read the session {}", path.display()))?;
    let shown = crate::shown_path::shown_from(&path, cwd);
    if args.fork_session && !args.run.no_session_persistence {
        let id = new_id();
        let copy = dir.join(format!("{id}.jsonl"));
        let mut log =
            SessionLog::open(&copy).with_context(|| format!("cannot create {}", copy.display()))?;
        let loaded = session_log::parse(&bytes);
        for entry in &loaded.entries {
            log.append(entry)?;
        }
        return Ok(Some(SessionStart {
            log: LogTarget::Open(log),
            resumed: Resume::Whole(Box::new(restored(loaded, &shown, Some(&id)))),
            notices: Vec::new(),
        }));
    }
    let log = if args.fork_session {
        // A copy that is never written: the original stays as it was all the same.
        LogTarget::None
    } else {
        LogTarget::Open(
            SessionLog::open(&path)
                .with_context(|| format!("cannot append to {}", path.display()))?,
        )
    };
    let tail = match reads {
        Reads::LastTurnsFirst => session_log::tail(&bytes, TAIL_LIMIT),
        Reads::Whole => None,
    };
    let resumed = match tail {
        Some(tail) => Resume::Reading(
            Reading::start(tail, move || {
                restored(session_log::parse(&bytes), &shown, None)
            })
            .context("cannot start reading the session")?,
        ),
        None => Resume::Whole(Box::new(restored(session_log::parse(&bytes), &shown, None))),
    };
    Ok(Some(SessionStart {
        log,
        resumed,
        notices: Vec::new(),
    }))
}

/// A session file's conversation, with what the user is told of it.
fn restored(loaded: session_log::Loaded, shown: &str, forked_into: Option<&str>) -> Restored {
    let session_log::Loaded { entries, skipped } = loaded;
    let mut restored = Restored::from_entries(entries);
    restored.notices = resumed_notices(shown, skipped, &restored, forked_into);
    restored
}

/// What the user is told of a session resumed (or forked into `forked_into`).
fn resumed_notices(
    shown: &str,
    skipped: usize,
    restored: &Restored,
    forked_into: Option<&str>,
) -> Vec<String> {
    let mut notices = Vec::new();
    if skipped > 0 {
        notices.push(format!(
            "Skipped {} of {shown} (a crash mid-write); the rest is restored.",
            crate::words::count(skipped, "damaged line", "damaged lines"),
        ));
    }
    notices.push(crate::agent::history::resumed_notice(
        shown,
        restored.history.len(),
        forked_into,
    ));
    notices
}
