//! The git directories a project's commands must write that may lie outside it: a worktree's
//! or a submodule's `.git` is a file naming its real git directory elsewhere, and a worktree's
//! objects and refs live in the main repository (`commondir`). Without them `git commit` fails.

use std::path::{Path, PathBuf};

/// The git directories outside `root` that its `.git` file points to (none for a plain repo,
/// whose `.git` directory is inside the root anyway).
pub fn external_git_dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(root.join(".git")) else {
        return Vec::new();
    };
    let Some(target) = text.trim_end().strip_prefix("gitdir:") else {
        return Vec::new();
    };
    let git_dir = root.join(target.trim());
    let mut dirs = vec![git_dir.clone()];
    if let Ok(common) = std::fs::read_to_string(git_dir.join("commondir")) {
        dirs.push(git_dir.join(common.trim_end()));
    }
    dirs.into_iter()
        .filter_map(|d| std::fs::canonicalize(d).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worktree_points_at_its_git_dir_and_the_common_one() {
        let dir = tempfile::tempdir().unwrap();
        let main = dir.path().join("main/.git");
        let own = main.join("worktrees/wt");
        std::fs::create_dir_all(&own).unwrap();
        std::fs::write(own.join("commondir"), "../..\n").unwrap();
        let wt = dir.path().join("wt");
        std::fs::create_dir(&wt).unwrap();
        std::fs::write(wt.join(".git"), format!("gitdir: {}\n", own.display())).unwrap();
        assert_eq!(
            external_git_dirs(&wt),
            vec![
                std::fs::canonicalize(&own).unwrap(),
                std::fs::canonicalize(&main).unwrap()
            ]
        );
        // A submodule's relative gitdir, without a commondir.
        let sub = dir.path().join("main/sub");
        std::fs::create_dir_all(main.join("modules/sub")).unwrap();
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(".git"), "gitdir: ../.git/modules/sub").unwrap();
        assert_eq!(
            external_git_dirs(&sub),
            vec![std::fs::canonicalize(main.join("modules/sub")).unwrap()]
        );
        // A plain repository's .git directory is inside it: nothing to add.
        assert!(external_git_dirs(&dir.path().join("main")).is_empty());
    }
}
