//! What the pty harness reports when a wait fails: the screen and the last output bytes, so a
//! failing end-to-end test explains itself without a rerun.

use std::fmt;
use std::time::Duration;

/// What went wrong while driving the program; Debug prints the same readable report as Display,
/// so a failed `unwrap()` shows the screen.
#[derive(thiserror::Error)]
pub enum HarnessError {
    #[error("could not start {program} in a pseudo-terminal: {reason}")]
    Spawn { program: String, reason: String },
    #[error("timed out after {waited:?} waiting for {what}\n{snapshot}")]
    Timeout {
        what: String,
        waited: Duration,
        snapshot: Snapshot,
    },
    #[error("the program closed its terminal while we waited for {what}\n{snapshot}")]
    OutputEnded { what: String, snapshot: Snapshot },
    #[error("the program was still running after {waited:?}\n{snapshot}")]
    StillRunning {
        waited: Duration,
        snapshot: Snapshot,
    },
    #[error("the program was killed by signal {signal}\n{snapshot}")]
    Killed { signal: i32, snapshot: Snapshot },
}

impl fmt::Debug for HarnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl HarnessError {
    /// The screen when the error happened (None for a failed spawn).
    pub fn screen(&self) -> Option<&str> {
        match self {
            HarnessError::Spawn { .. } => None,
            HarnessError::Timeout { snapshot, .. }
            | HarnessError::OutputEnded { snapshot, .. }
            | HarnessError::StillRunning { snapshot, .. }
            | HarnessError::Killed { snapshot, .. } => Some(&snapshot.screen),
        }
    }
}

/// The screen and the tail of the raw output at the moment something failed.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub screen: String,
    /// The last bytes the program wrote, control characters escaped (ESC shown as `\e`).
    pub output_tail: String,
}

impl fmt::Display for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "--- screen ---")?;
        for line in self.screen.lines() {
            writeln!(f, "|{line}")?;
        }
        writeln!(f, "--- last output bytes ---")?;
        write!(f, "{}", self.output_tail)
    }
}

pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::new();
    for c in String::from_utf8_lossy(bytes).chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\n' => out.push_str("\\n\n"),
            c if c.is_control() => out.extend(c.escape_debug()),
            c => out.push(c),
        }
    }
    out
}
