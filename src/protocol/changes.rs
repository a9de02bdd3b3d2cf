//! The working tree's changes as `/diff` shows them: each file's diff and what git says of it.

use serde::{Deserialize, Serialize};

use crate::protocol::diff::FileDiff;

/// One changed file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedFile {
    pub diff: FileDiff,
    pub status: FileStatus,
    /// A binary file, or one too large to show: listed without hunks, with why.
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileStatus {
    Modified,
    Added,
    Deleted,
    Renamed { from: String },
    Untracked,
}
