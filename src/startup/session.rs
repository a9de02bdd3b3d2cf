//! The session a start-up runs: a new one (under `--session-id` if given), or one resumed from
//! disk (`--continue`, `--resume`, `--fork-session`), saved or not (`--no-session-persistence`).

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::agent::history::{History, LogTarget};
use crate::agent::session_log::{self, Entry, SessionLog};
use crate::cli::Args;

/// The session to run: a new one, or one resumed from disk.
pub(super) struct SessionStart {
    pub log: LogTarget,
    pub messages: Vec<crate::provider::Message>,
    pub usage: Vec<(String, crate::provider::Usage, f64)>,
    pub notices: Vec<String>,
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
) -> anyhow::Result<Option<SessionStart>> {
    let opened = open_saved(args, cwd, model)?;
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

fn open_saved(args: &Args, cwd: &Path, model: &str) -> anyhow::Result<Option<SessionStart>> {
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
            messages: Vec::new(),
            usage: Vec::new(),
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
            messages: Vec::new(),
            usage: Vec::new(),
            notices: Vec::new(),
        }));
    };
    let loaded = session_log::load(&path)
        .with_context(|| format!("cannot read the session {}", path.display()))?;
    // (The cost comes back with the usage entries: the agent sums them and reports both.)
    let (messages, _) = History::replay(&loaded.entries);
    let usage = session_log::recorded_usage(&loaded.entries);
    let shown = crate::shown_path::shown_from(&path, cwd);
    let mut notices = Vec::new();
    if loaded.skipped > 0 {
        notices.push(format!(
            "Skipped {} of {shown} (a crash mid-write); the rest is restored.",
            crate::words::count(loaded.skipped, "damaged line", "damaged lines"),
        ));
    }
    let log = if args.fork_session && args.run.no_session_persistence {
        // A copy that is never written: the original stays as it was all the same.
        LogTarget::None
    } else if args.fork_session {
        let id = new_id();
        let copy = dir.join(format!("{id}.jsonl"));
        let mut log =
            SessionLog::open(&copy).with_context(|| format!("cannot create {}", copy.display()))?;
        for entry in &loaded.entries {
            log.append(entry)?;
        }
        notices.push(crate::agent::history::resumed_notice(
            &shown,
            messages.len(),
            Some(&id),
        ));
        LogTarget::Open(log)
    } else {
        notices.push(crate::agent::history::resumed_notice(
            &shown,
            messages.len(),
            None,
        ));
        LogTarget::Open(
            SessionLog::open(&path)
                .with_context(|| format!("cannot append to {}", path.display()))?,
        )
    };
    Ok(Some(SessionStart {
        log,
        messages,
        usage,
        notices,
    }))
}
