//! Which files the model has read in this session, and what they looked like then: Write and
//! Edit refuse to change a file the model hasn't read, or that changed since (by someone else).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::tools::ToolError;

/// A file's identity when it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStamp {
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
    /// A hash of the content: catches changes within the mtime's resolution.
    pub hash: u64,
}

impl FileStamp {
    pub fn of(bytes: &[u8], metadata: &std::fs::Metadata) -> Self {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        FileStamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            hash: hasher.finish(),
        }
    }

    /// The stamp of the file as it is on disk now.
    pub fn read(path: &Path) -> std::io::Result<Self> {
        let bytes = std::fs::read(path)?;
        let metadata = std::fs::metadata(path)?;
        Ok(FileStamp::of(&bytes, &metadata))
    }
}

#[derive(Debug, Default)]
pub struct FileState {
    pub read: HashMap<PathBuf, FileStamp>,
}

/// The key a path is stored under: canonical where the file exists.
fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl FileState {
    pub fn record(&mut self, path: &Path, stamp: FileStamp) {
        self.read.insert(key(path), stamp);
    }

    /// Ok when the file was read in this session and is unchanged since.
    pub fn check_fresh(&self, path: &Path, shown: &str) -> Result<(), ToolError> {
        let Some(recorded) = self.read.get(&key(path)) else {
            return Err(ToolError::NotRead { path: shown.into() });
        };
        let now = FileStamp::read(path).map_err(|e| ToolError::Io(format!("{shown}: {e}")))?;
        if now.len != recorded.len || now.hash != recorded.hash {
            return Err(ToolError::Stale { path: shown.into() });
        }
        Ok(())
    }
}
