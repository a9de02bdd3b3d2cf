//! Paths as the file system will see them: symlinks resolved (also a dangling last link, which a
//! write would create through), and the places that change how claw, git or the user's shell
//! behave, which always ask before a change.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// How many links one path may pass through (as Linux's limit).
const MAX_LINKS: usize = 40;

/// `path` (absolute) with every symlink on it resolved, the last component included even when
/// its target does not exist yet. Components that don't exist are kept as written.
pub fn resolve_links(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    let mut pending: VecDeque<OsString> = VecDeque::new();
    let mut hops = 0;
    push_components(path, &mut out, &mut pending);
    while let Some(name) = pending.pop_front() {
        if name == ".." {
            out.pop();
            continue;
        }
        let next = out.join(&name);
        match std::fs::symlink_metadata(&next) {
            Ok(meta) if meta.file_type().is_symlink() && hops < MAX_LINKS => {
                hops += 1;
                let Ok(target) = std::fs::read_link(&next) else {
                    out = next;
                    continue;
                };
                let mut rest = std::mem::take(&mut pending);
                push_components(&target, &mut out, &mut pending);
                pending.append(&mut rest);
            }
            _ => out = next,
        }
    }
    out
}

/// Queues `path`'s components; an absolute path starts again from the root.
fn push_components(path: &Path, out: &mut PathBuf, pending: &mut VecDeque<OsString>) {
    for component in path.components() {
        match component {
            Component::RootDir | Component::Prefix(_) => {
                *out = PathBuf::from("/");
                pending.clear();
            }
            Component::CurDir => {}
            Component::ParentDir => pending.push_back("..".into()),
            Component::Normal(name) => pending.push_back(name.to_os_string()),
        }
    }
}

/// Directories whose files steer claw, Claude Code or git: a change there asks in every mode
/// but bypass.
const PROTECTED_DIRS: &[&str] = &[".git", ".claude", ".claw"];
/// Files of the same kind, by name, wherever they are.
const PROTECTED_FILES: &[&str] = &[".mcp.json", ".envrc", ".gitmodules"];
/// Files under the home directory that run or configure programs at start-up.
const HOME_FILES: &[&str] = &[
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".bash_logout",
    ".profile",
    ".zshrc",
    ".zshenv",
    ".zprofile",
    ".zlogin",
    ".zlogout",
    ".kshrc",
    ".cshrc",
    ".tcshrc",
    ".inputrc",
    ".gitconfig",
    ".ssh",
    ".config/fish",
    ".config/git",
    ".config/autostart",
    ".config/systemd",
    ".local/bin",
];

/// Whether changing `path` (absolute) must ask even where edits are otherwise allowed.
pub fn is_protected(path: &Path, home: Option<&Path>, config: Option<&Path>) -> bool {
    let named = path.components().any(|c| match c {
        Component::Normal(name) => PROTECTED_DIRS.iter().any(|d| name == *d),
        _ => false,
    });
    let file = path
        .file_name()
        .is_some_and(|name| PROTECTED_FILES.iter().any(|f| name == *f));
    let in_home =
        home.is_some_and(|home| HOME_FILES.iter().any(|f| path.starts_with(home.join(f))));
    let in_config = config.is_some_and(|dir| path.starts_with(dir));
    named || file || in_home || in_config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_followed_including_a_dangling_last_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let outside = tempfile::tempdir().unwrap();
        let outside = std::fs::canonicalize(outside.path()).unwrap();
        std::fs::write(root.join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink("secret.txt", root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("out")).unwrap();
        std::os::unix::fs::symlink(outside.join("new.txt"), root.join("dangling")).unwrap();
        std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
        assert_eq!(
            resolve_links(&root.join("link.txt")),
            root.join("secret.txt")
        );
        assert_eq!(resolve_links(&root.join("out/a/b")), outside.join("a/b"));
        assert_eq!(
            resolve_links(&root.join("dangling")),
            outside.join("new.txt")
        );
        assert_eq!(
            resolve_links(&root.join("out/../x")),
            outside.parent().unwrap().join("x")
        );
        assert_eq!(
            resolve_links(&root.join("plain/new")),
            root.join("plain/new")
        );
        // A loop ends instead of spinning.
        let _ = resolve_links(&root.join("loop"));
    }

    #[test]
    fn protected_places() {
        let home = Path::new("/home/me");
        let config = Path::new("/home/me/.config/claw");
        let yes = [
            "/p/.claude/settings.local.json",
            "/p/.claw/settings.json",
            "/p/.git/hooks/pre-commit",
            "/p/sub/.git/config",
            "/p/.mcp.json",
            "/home/me/.bashrc",
            "/home/me/.zshrc",
            "/home/me/.profile",
            "/home/me/.ssh/authorized_keys",
            "/home/me/.config/claw/keybindings.json",
            "/home/me/.claude/settings.json",
        ];
        let no = [
            "/p/src/main.rs",
            "/p/.gitignore",
            "/p/.github/workflows/ci.yml",
            "/p/.bashrc",
            "/home/me/notes.txt",
        ];
        for path in yes {
            assert!(
                is_protected(Path::new(path), Some(home), Some(config)),
                "{path}"
            );
        }
        for path in no {
            assert!(
                !is_protected(Path::new(path), Some(home), Some(config)),
                "{path}"
            );
        }
    }
}
