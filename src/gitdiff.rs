//! Placeholder until the git diff reader lands (replaced by the gitdiff branch).

use std::path::Path;

use crate::diff::FileDiff;

pub fn working_tree_changes(_cwd: &Path) -> Result<Vec<FileDiff>, String> {
    Err("reading git changes is not wired yet".into())
}
