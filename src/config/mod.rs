//! Configuration: the layered settings files (user, project, local; Claude Code's `.claude/`
//! files read too) and where they live.

pub mod agents;
pub mod custom_commands;
pub mod install_id;
pub mod mcp;
pub mod memory;
pub mod providers;
pub mod settings;

use std::path::{Path, PathBuf};

/// Which of the user's, the project's and the local files a session reads beyond the settings
/// (memory, commands, agents, `.mcp.json`): what `--setting-sources` keeps; all by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sources {
    pub user: bool,
    pub project: bool,
    pub local: bool,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            user: true,
            project: true,
            local: true,
        }
    }
}

/// The repository root above `start` (the nearest directory holding `.git`), if any.
pub fn find_git_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The project root: the repository root, or `cwd` outside a repository.
pub fn project_root(cwd: &Path) -> PathBuf {
    find_git_root(cwd).unwrap_or_else(|| cwd.to_path_buf())
}
