//! How a path is shown to the user: relative to the working directory when it is inside it,
//! with `~` for the home directory, as given otherwise. The one place every notice, tool row,
//! activity line and approval prompt shortens a path, so long absolute paths don't wrap.

use std::path::{Component, Path};

/// `path` as the user should read it. `cwd` itself shows as `.`; the home directory as `~`.
/// Only whole components match: `/work/projx` is not inside `/work/proj`.
pub fn shown(path: &Path, cwd: &Path, home: Option<&Path>) -> String {
    if !path.is_absolute() {
        return path.display().to_string();
    }
    if let Ok(inside) = path.strip_prefix(cwd)
        && !cwd.as_os_str().is_empty()
    {
        if inside.as_os_str().is_empty() {
            return ".".into();
        }
        if inside
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            return inside.display().to_string();
        }
    }
    if let Some(home) = home.filter(|h| h.components().count() > 1)
        && let Ok(inside) = path.strip_prefix(home)
    {
        return if inside.as_os_str().is_empty() {
            "~".into()
        } else {
            format!("~/{}", inside.display())
        };
    }
    path.display().to_string()
}

/// `shown` with the process's home directory (`$HOME`).
pub fn shown_from(path: &Path, cwd: &Path) -> String {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    shown(path, cwd, home.as_deref())
}

/// A directory itself (the working directory in the status bar), with `~` for home.
pub fn shown_dir(path: &Path) -> String {
    shown_from(path, Path::new(""))
}

/// A tool's one-line summary with the path it starts with shortened ("/p/src/a.rs (2 edits)"
/// → "src/a.rs (2 edits)"), and a trailing "in /p/src" of a search likewise. Other words
/// (a shell command, a pattern) are left exactly as the model wrote them.
pub fn in_summary(summary: &str, cwd: &Path, home: Option<&Path>) -> String {
    let (head, rest) = summary.split_once(' ').unwrap_or((summary, ""));
    let head = if head.starts_with('/') {
        shown(Path::new(head), cwd, home)
    } else {
        head.to_string()
    };
    let rest = match rest.rsplit_once(" in /") {
        Some((before, path)) if !path.contains(' ') => format!(
            "{before} in {}",
            shown(&Path::new("/").join(path), cwd, home)
        ),
        _ => match rest.strip_prefix("in /") {
            Some(path) if !path.contains(' ') => {
                format!("in {}", shown(&Path::new("/").join(path), cwd, home))
            }
            _ => rest.to_string(),
        },
    };
    if rest.is_empty() {
        head
    } else {
        format!("{head} {rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CWD: &str = "/tmp/proj-1a2b";
    const HOME: &str = "/home/ada";

    fn show(path: &str) -> String {
        shown(Path::new(path), Path::new(CWD), Some(Path::new(HOME)))
    }

    #[test]
    fn inside_the_working_directory_is_relative() {
        assert_eq!(show("/tmp/proj-1a2b/src/parser.rs"), "src/parser.rs");
        assert_eq!(show("/tmp/proj-1a2b"), ".");
        assert_eq!(
            show("/tmp/proj-1a2b/.claw/settings.local.json"),
            ".claw/settings.local.json"
        );
    }

    #[test]
    fn a_sibling_with_the_same_prefix_is_not_inside() {
        assert_eq!(show("/tmp/proj-1a2b-old/x"), "/tmp/proj-1a2b-old/x");
    }

    #[test]
    fn under_home_uses_a_tilde_and_elsewhere_stays_absolute() {
        assert_eq!(
            show("/home/ada/.claw/settings.json"),
            "~/.claw/settings.json"
        );
        assert_eq!(show("/home/ada"), "~");
        assert_eq!(show("/home/adam/x"), "/home/adam/x");
        assert_eq!(show("/etc/hosts"), "/etc/hosts");
        assert_eq!(show("relative/already"), "relative/already");
    }

    #[test]
    fn a_root_home_does_not_turn_every_path_into_a_tilde() {
        assert_eq!(
            shown(
                Path::new("/etc/hosts"),
                Path::new(CWD),
                Some(Path::new("/"))
            ),
            "/etc/hosts"
        );
    }

    #[test]
    fn a_working_directory_under_home_is_still_relative() {
        let cwd = Path::new("/home/ada/proj");
        let home = Some(Path::new(HOME));
        assert_eq!(shown(Path::new("/home/ada/proj/a.rs"), cwd, home), "a.rs");
        assert_eq!(
            shown(Path::new("/home/ada/other/a.rs"), cwd, home),
            "~/other/a.rs"
        );
    }

    #[test]
    fn summaries_shorten_their_leading_path_and_search_root_only() {
        let cwd = Path::new(CWD);
        let home = Some(Path::new(HOME));
        let sum = |s| in_summary(s, cwd, home);
        assert_eq!(sum("/tmp/proj-1a2b/src/parser.rs"), "src/parser.rs");
        assert_eq!(sum("/tmp/proj-1a2b/a.rs (2 edits)"), "a.rs (2 edits)");
        assert_eq!(sum("/tmp/proj-1a2b/n.ipynb cell-3"), "n.ipynb cell-3");
        assert_eq!(sum("fn main in /tmp/proj-1a2b/src"), "fn main in src");
        assert_eq!(sum("*.md in /home/ada/notes"), "*.md in ~/notes");
        assert_eq!(sum("cat /tmp/proj-1a2b/x"), "cat /tmp/proj-1a2b/x");
        assert_eq!(sum("*.rs"), "*.rs");
        assert_eq!(sum(""), "");
    }
}
