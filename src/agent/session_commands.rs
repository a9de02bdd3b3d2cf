//! The session commands the agent answers: `/rewind` (back to before a prompt: the
//! conversation, the files, or both) and `/resume` (this project's sessions; continue in one).

use crate::agent::conversation::Totals;
use crate::agent::turn::Session;
use crate::protocol::{AgentEvent, RewindPoint};

impl Session {
    /// `/rewind`: lists the prompts; `/rewind N [conversation|code]` goes back to before
    /// prompt N: the conversation, the files the tools changed since, or both (the default).
    pub(crate) fn rewind_command(&mut self, args: &str) {
        let mut words = args.split_whitespace();
        let Some(n) = words.next().and_then(|n| n.parse::<usize>().ok()) else {
            // The UI shows them as a picker; choosing one sends `/rewind N`.
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let points = (self.conversation.history.prompts().iter().enumerate())
                .map(|(i, prompt)| RewindPoint {
                    turn: i + 1,
                    prompt: prompt.text.clone(),
                    age_secs: prompt.at.map(|at| now.saturating_sub(at)),
                })
                .collect();
            self.emit(AgentEvent::RewindPoints(points));
            return;
        };
        if n == 0 || n > self.conversation.history.prompts().len() {
            self.emit(AgentEvent::Error {
                message: format!("There is no prompt {n}: /rewind lists them."),
            });
            return;
        }
        let what = words.next().unwrap_or("both");
        let (conversation, code) = match what {
            "conversation" => (true, false),
            "code" => (false, true),
            _ => (true, true),
        };
        let prompt = self.conversation.history.prompts()[n - 1].text.clone();
        let files = self.conversation.history.files_since(n);
        if conversation {
            self.conversation.history.rewind(n);
        }
        let mut restored = 0;
        let mut problems = Vec::new();
        if code {
            for (path, before) in &files {
                let result = match before {
                    Some(bytes) => std::fs::write(path, bytes),
                    None => std::fs::remove_file(path).or_else(|e| {
                        if e.kind() == std::io::ErrorKind::NotFound {
                            Ok(())
                        } else {
                            Err(e)
                        }
                    }),
                };
                match result {
                    Ok(()) => restored += 1,
                    Err(e) => problems.push(format!("{}: {e}", path.display())),
                }
            }
        }
        if conversation {
            self.emit(AgentEvent::TranscriptReset);
            for event in crate::agent::history::replay_events(self.conversation.history.messages())
            {
                self.emit(event);
            }
        }
        let mut message = format!(
            "Rewound to before prompt {n} (\"{}\"): {}{} restored.",
            prompt.lines().next().unwrap_or(""),
            if conversation {
                "conversation cut back; "
            } else {
                ""
            },
            crate::words::count(restored, "file", "files")
        );
        for problem in problems {
            message.push_str(&format!("\nCould not restore {problem}"));
        }
        self.emit(AgentEvent::Notice { message });
    }

    /// `/resume`: this project's sessions, newest first (`/resume text` filters them);
    /// `/resume N` or `/resume <id>` continues in one.
    pub(crate) fn resume_command(&mut self, args: &str) {
        let Some(dir) = self.conversation.history.sessions_dir() else {
            self.emit(AgentEvent::Error {
                message: "Sessions aren't saved here (no data directory).".into(),
            });
            return;
        };
        let sessions = crate::agent::session_log::list(&dir);
        let chosen = args
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| sessions.get(i))
            .or_else(|| sessions.iter().find(|s| s.id == args));
        let Some(chosen) = chosen else {
            let filter = args.to_lowercase();
            let mut body = String::new();
            for (i, s) in sessions.iter().enumerate() {
                if !filter.is_empty()
                    && !s.first_prompt.to_lowercase().contains(&filter)
                    && !s.id.contains(&filter)
                {
                    continue;
                }
                let age = crate::time_ago::ago(s.modified.elapsed().map_or(0, |d| d.as_secs()));
                body.push_str(&format!(
                    "{:>3}. {:<9} {:>4} msgs  ${:<7.4} {}\n",
                    i + 1,
                    age,
                    s.messages,
                    s.cost,
                    s.first_prompt.chars().take(70).collect::<String>()
                ));
            }
            if body.is_empty() {
                body = "No saved sessions match.".into();
            } else {
                body.push_str("\n/resume N continues one; /resume <words> filters the list.");
            }
            self.info("Sessions", body);
            return;
        };
        let path = chosen.path.clone();
        match self.conversation.history.switch_to(&path) {
            Ok(switched) => {
                let skipped = switched.skipped;
                // The session continued in is the one hooks and totals speak of from now on:
                // its recorded cost and tokens, not the previous session's.
                self.conversation.totals =
                    Totals::recorded(&self.services.catalog, &switched.usage);
                self.conversation.compact_due = false;
                if let Some(id) = self.conversation.history.session_id() {
                    self.services.session_id = id;
                }
                self.emit(self.conversation.totals.usage_event());
                self.emit(AgentEvent::TranscriptReset);
                for event in
                    crate::agent::history::replay_events(self.conversation.history.messages())
                {
                    self.emit(event);
                }
                let mut message = crate::agent::history::resumed_notice(
                    &self.services.ctx.shown_to_user(&path),
                    self.conversation.history.len(),
                    None,
                );
                if skipped > 0 {
                    message.push_str(&format!(
                        " Skipped {}.",
                        crate::words::count(skipped, "damaged line", "damaged lines")
                    ));
                }
                self.emit(AgentEvent::Notice { message });
            }
            Err(e) => self.emit(AgentEvent::Error {
                message: format!("Could not resume: {e}"),
            }),
        }
    }
}
