//! A planned change to one file, shared by Write and Edit: computed (and validated) before the
//! user is asked, shown as a diff, then applied after checking nothing changed meanwhile. The
//! file is written back in its own encoding (see `encoding`), so untouched bytes stay as they were.

use std::path::{Path, PathBuf};

use crate::diff::FileDiff;
use crate::tools::encoding::{self, FileText};
use crate::tools::file_state::FileStamp;
use crate::tools::{FileBefore, ToolContext, ToolError, ToolOutput, count};

/// A file as it is on disk: its bytes, and its text as the model sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Existing {
    pub bytes: Vec<u8>,
    pub file: FileText,
}

impl Existing {
    /// Decodes `bytes` (the content of the file shown as `shown`).
    pub fn decode(bytes: Vec<u8>, shown: &str) -> Result<Self, ToolError> {
        let file = encoding::decode(&bytes).map_err(|problem| ToolError::Encoding {
            path: shown.into(),
            problem,
        })?;
        Ok(Existing { bytes, file })
    }

    /// Reads and decodes the file at `path`.
    pub fn read(path: &Path, shown: &str) -> Result<Self, ToolError> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ToolError::NotFound(shown.into()),
            _ => ToolError::Io(format!("cannot read {shown}: {e}")),
        })?;
        Existing::decode(bytes, shown)
    }

    /// The decoded text.
    pub fn text(&self) -> &str {
        &self.file.text
    }
}

pub struct PlannedChange {
    pub path: PathBuf,
    /// The path as shown to the user.
    pub shown: String,
    /// The file as it is (None for a new file).
    pub before: Option<Existing>,
    /// The new text, with the file's own line endings, as the diff shows it.
    pub after: String,
    /// `after` in the file's encoding (UTF-8 for a new file): what is written.
    after_bytes: Vec<u8>,
}

impl PlannedChange {
    /// A change of the file at `path` from `before` to `after`; refused when `after` cannot be
    /// written in the file's encoding.
    pub fn new(
        path: PathBuf,
        shown: String,
        before: Option<Existing>,
        after: String,
    ) -> Result<Self, ToolError> {
        let after_bytes = match &before {
            Some(existing) => {
                existing
                    .file
                    .encode(&after)
                    .map_err(|problem| ToolError::Encoding {
                        path: shown.clone(),
                        problem,
                    })?
            }
            None => after.clone().into_bytes(),
        };
        Ok(PlannedChange {
            path,
            shown,
            before,
            after,
            after_bytes,
        })
    }

    /// The diff the user approves (line endings don't show).
    pub fn diff(&self) -> FileDiff {
        FileDiff::compute(
            &self.shown,
            self.before.as_ref().map_or("", Existing::text),
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
                content: self.before.as_ref().map(|b| b.bytes.clone()),
            });
        }
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ToolError::Io(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&self.path, &self.after_bytes)
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
                "Created {} ({}).",
                self.shown,
                crate::words::count(self.after.lines().count(), "line", "lines")
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
