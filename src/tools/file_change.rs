//! A planned change to one file, shared by Write and Edit: computed (and validated) before the
//! user is asked, shown as a diff, then applied after checking nothing changed meanwhile.

use std::path::PathBuf;

use crate::diff::FileDiff;
use crate::tools::file_state::FileStamp;
use crate::tools::{FileBefore, ToolContext, ToolError, ToolOutput, count};

pub struct PlannedChange {
    pub path: PathBuf,
    /// The path as shown to the user.
    pub shown: String,
    /// The current content (None for a new file), as the diff shows it.
    pub before: Option<String>,
    /// The content to write, with the file's own line endings.
    pub after: String,
}

impl PlannedChange {
    /// The diff the user approves (line endings don't show).
    pub fn diff(&self) -> FileDiff {
        FileDiff::compute(
            &self.shown,
            self.before.as_deref().unwrap_or(""),
            &self.after,
            self.before.is_none(),
        )
    }

    /// Writes the change, refusing if the file changed since it was read.
    pub fn apply(&self, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        {
            let files = ctx
                .files
                .lock()
                .map_err(|_| ToolError::Failed("file state poisoned".into()))?;
            if self.before.is_some() {
                files.check_fresh(&self.path, &self.shown)?;
            } else if self.path.exists() {
                return Err(ToolError::Failed(format!(
                    "{} was created by someone else since the change was planned: Read it first",
                    self.shown
                )));
            }
        }
        if let Ok(mut changes) = ctx.changes.lock() {
            changes.push(FileBefore {
                path: self.path.clone(),
                content: self.before.clone(),
            });
        }
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ToolError::Io(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&self.path, &self.after)
            .map_err(|e| ToolError::Io(format!("cannot write {}: {e}", self.shown)))?;
        let stamp = FileStamp::read(&self.path)
            .map_err(|e| ToolError::Io(format!("{}: {e}", self.shown)))?;
        if let Ok(mut files) = ctx.files.lock() {
            files.record(&self.path, stamp);
        }
        let diff = self.diff();
        let summary = if self.before.is_none() {
            format!(
                "created, {}",
                count(self.after.lines().count(), "line", "lines")
            )
        } else {
            format!("+{} -{}", diff.added, diff.removed)
        };
        let content = if self.before.is_none() {
            format!(
                "Created {} ({} lines).",
                self.shown,
                self.after.lines().count()
            )
        } else {
            format!(
                "Updated {} (+{} -{} lines).",
                self.shown, diff.added, diff.removed
            )
        };
        Ok(ToolOutput {
            content,
            summary,
            ..Default::default()
        })
    }
}

/// Whether `text` uses CRLF line endings.
pub fn uses_crlf(text: &str) -> bool {
    text.contains("\r\n")
}

/// `text` with its LF line endings made CRLF (existing CRLFs kept).
pub fn to_crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}
