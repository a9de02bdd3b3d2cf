//! A file change as the protocol carries it: hunks of numbered lines. `crate::diff` computes
//! these; the approval prompt and `/diff` draw them.

use serde::{Deserialize, Serialize};

/// What happens to a line in a diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    Context,
    Added,
    Removed,
}

/// One line of a hunk, with its number in the old and/or new file (1-based).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub kind: LineKind,
    pub old_no: Option<u32>,
    pub new_no: Option<u32>,
    /// The line's text without its line ending.
    pub text: String,
}

/// A run of changed lines with some context around them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffHunk {
    pub old_start: u32,
    pub old_len: u32,
    pub new_start: u32,
    pub new_len: u32,
    pub lines: Vec<DiffLine>,
}

/// The change a Write or Edit would make to one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDiff {
    /// The path as shown to the user (relative to the cwd where possible).
    pub path: String,
    /// True when the file does not exist yet.
    pub created: bool,
    pub hunks: Vec<DiffHunk>,
    pub added: u32,
    pub removed: u32,
}
