//! Which files the model has read in this session, and what they looked like then.

use std::collections::HashMap;
use std::path::PathBuf;

/// A file's identity when it was read: an edit is refused if the file changed since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStamp {
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

#[derive(Debug, Default)]
pub struct FileState {
    pub read: HashMap<PathBuf, FileStamp>,
}
