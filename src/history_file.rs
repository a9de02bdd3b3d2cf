//! The input history kept per project (Up/Down and Ctrl+R reach prompts of earlier sessions):
//! one JSON string per line in `<data>/claw/projects/<project>/prompts.history`, appended as
//! prompts are sent, the newest few hundred read back at start.

use std::io::Write;
use std::path::{Path, PathBuf};

/// At most this many prompts are loaded.
const KEEP: usize = 500;

/// The history file of the project at `cwd`.
pub fn path_for(cwd: &Path) -> Option<PathBuf> {
    Some(crate::agent::session_log::default_project_dir(cwd)?.join("prompts.history"))
}

/// The saved prompts, oldest first (the newest `KEEP`); damaged lines are skipped.
pub fn load(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut entries: Vec<String> = text
        .lines()
        .filter_map(|line| serde_json::from_str::<String>(line).ok())
        .collect();
    entries.dedup();
    let skip = entries.len().saturating_sub(KEEP);
    entries.split_off(skip)
}

/// Appends one prompt.
pub fn append(path: &Path, prompt: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_string(prompt).map_err(std::io::Error::other)?;
    line.push('\n');
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?
        .write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_and_loads_multiline_prompts_skipping_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p/prompts.history");
        append(&path, "first").unwrap();
        append(&path, "two\nlines").unwrap();
        append(&path, "two\nlines").unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"\"torn")
            .unwrap();
        assert_eq!(load(&path), vec!["first", "two\nlines"]);
        assert!(load(&dir.path().join("missing")).is_empty());
    }
}
