//! A settings file that doesn't parse, as the start-up dialog and `claw -p` report it.

use std::path::PathBuf;

/// A settings file that exists but could not be parsed, so none of it applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenFile {
    pub path: PathBuf,
    /// Where the parser gave up (1-based).
    pub line: usize,
    pub column: usize,
    /// What the parser said.
    pub message: String,
}

impl std::fmt::Display for BrokenFile {
    /// `path:line:column: message`, as compilers write it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}
