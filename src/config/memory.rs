//! Project memory: CLAW.md, CLAUDE.md and AGENTS.md from the user's config directory, from every
//! directory between the repository root and the cwd, and the `.local.md` variants; `@path`
//! imports (up to 5 levels); files in subdirectories join when the model first reads there.
//! The directories of `--add-dir` add theirs when `CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD`
//! says so, as in Claude Code.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The memory file names read in each directory, in this order.
pub const NAMES: &[&str] = &[
    "CLAW.md",
    "CLAUDE.md",
    "AGENTS.md",
    "CLAW.local.md",
    "CLAUDE.local.md",
];
/// One file is cut after this many bytes, with a notice.
const FILE_CAP: usize = 40_000;
/// Imports nest at most this deep.
const MAX_IMPORT_DEPTH: usize = 5;
/// Claude Code's switch for reading the memory files of `--add-dir` directories (off unless
/// set to a true value).
pub const ADDED_DIRS_VARIABLE: &str = "CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD";

/// Where a memory file came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    User,
    Project,
    /// Joined when the model read a file in its directory.
    Nested,
    /// From a directory given with `--add-dir`.
    Added,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MemoryFile {
    pub path: PathBuf,
    pub source: Source,
    /// The text with imports inlined.
    pub content: String,
}

/// Where to look.
#[derive(Clone, Debug)]
pub struct MemoryPlaces {
    pub cwd: PathBuf,
    pub root: PathBuf,
    pub home: Option<PathBuf>,
    /// `<config dir>/claw`.
    pub user_config: Option<PathBuf>,
    /// Which of the user's, project and local files count (`--setting-sources`).
    pub sources: crate::config::Sources,
    /// The `--add-dir` directories whose memory files are read too (see `added_dirs`).
    pub added: Vec<PathBuf>,
}

impl MemoryPlaces {
    /// Whether memory file `name` of a project directory is read (`.local.md` ones are the
    /// local source's).
    fn reads_in_project(&self, name: &str) -> bool {
        if name.ends_with(".local.md") {
            self.sources.local
        } else {
            self.sources.project
        }
    }
}

/// The `--add-dir` directories (relative to `cwd`) whose memory files load: all of them when
/// `ADDED_DIRS_VARIABLE` is true (`1`, `true`, `yes`, `on`), none otherwise.
pub fn added_dirs(
    dirs: &[PathBuf],
    cwd: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<PathBuf> {
    let on = env(ADDED_DIRS_VARIABLE).is_some_and(|value| {
        matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    });
    if !on {
        return Vec::new();
    }
    dirs.iter()
        .map(|dir| {
            let dir = cwd.join(dir);
            // `../shared` is named as the directory it is.
            std::fs::canonicalize(&dir).unwrap_or(dir)
        })
        .collect()
}

fn cut(mut text: String) -> String {
    if text.len() > FILE_CAP {
        let mut at = FILE_CAP;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.truncate(at);
        text.push_str("\n\n[… cut: the file is longer than claw reads into the prompt]");
    }
    text
}

/// Inlines `@path` imports (outside code), relative to `dir`, `~/` from home.
pub fn expand_imports(
    text: &str,
    dir: &Path,
    home: Option<&Path>,
    depth: usize,
    seen: &mut HashSet<PathBuf>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence {
            out.push_str(line);
            continue;
        }
        out.push_str(line);
        for word in line.split_whitespace() {
            let Some(target) = word.strip_prefix('@') else {
                continue;
            };
            // Not an e-mail address or a mention in inline code.
            if target.is_empty() || line.contains(&format!("`{word}")) {
                continue;
            }
            let path = if let Some(rest) = target.strip_prefix("~/") {
                match home {
                    Some(home) => home.join(rest),
                    None => continue,
                }
            } else if Path::new(target).is_absolute() {
                PathBuf::from(target)
            } else {
                dir.join(target)
            };
            if depth >= MAX_IMPORT_DEPTH || !path.is_file() || !seen.insert(path.clone()) {
                continue;
            }
            let Ok(imported) = std::fs::read_to_string(&path) else {
                continue;
            };
            let base = path.parent().unwrap_or(dir).to_path_buf();
            let expanded = expand_imports(&imported, &base, home, depth + 1, seen);
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!(
                "\n<!-- imported from {} -->\n{}\n",
                path.display(),
                expanded.trim_end()
            ));
        }
    }
    out
}

fn read(
    path: &Path,
    source: Source,
    home: Option<&Path>,
    seen: &mut HashSet<PathBuf>,
) -> Option<MemoryFile> {
    let text = std::fs::read_to_string(path).ok()?;
    if !seen.insert(path.to_path_buf()) {
        return None;
    }
    let dir = path.parent().unwrap_or(Path::new("/"));
    let content = cut(expand_imports(&text, dir, home, 0, seen));
    Some(MemoryFile {
        path: path.to_path_buf(),
        source,
        content,
    })
}

/// The memory files for the start of a session, user's first, then from the root down.
pub fn load(places: &MemoryPlaces, seen: &mut HashSet<PathBuf>) -> Vec<MemoryFile> {
    let home = places.home.as_deref();
    let mut files = Vec::new();
    let mut user_dirs = Vec::new();
    if let Some(dir) = places.user_config.as_ref().filter(|_| places.sources.user) {
        user_dirs.push(dir.clone());
    }
    if let Some(home) = home.filter(|_| places.sources.user) {
        user_dirs.push(home.join(".claude"));
    }
    for dir in user_dirs {
        for name in NAMES {
            files.extend(read(&dir.join(name), Source::User, home, seen));
        }
    }
    // The root, then each directory down to the cwd.
    let mut dirs: Vec<&Path> = places
        .cwd
        .ancestors()
        .take_while(|d| d.starts_with(&places.root))
        .collect();
    dirs.reverse();
    for dir in dirs {
        for name in NAMES.iter().filter(|n| places.reads_in_project(n)) {
            files.extend(read(&dir.join(name), Source::Project, home, seen));
        }
    }
    // Then the added directories, in the order given (a file read already is not read again).
    for dir in &places.added {
        for name in NAMES {
            files.extend(read(&dir.join(name), Source::Added, home, seen));
        }
    }
    files
}

/// Memory files of directories between the cwd and `file` (which the model just read) that
/// aren't loaded yet.
pub fn nested_for(
    file: &Path,
    places: &MemoryPlaces,
    seen: &mut HashSet<PathBuf>,
) -> Vec<MemoryFile> {
    let Some(parent) = file.parent() else {
        return Vec::new();
    };
    if !parent.starts_with(&places.cwd) || parent == places.cwd {
        return Vec::new();
    }
    let mut dirs: Vec<&Path> = parent
        .ancestors()
        .take_while(|d| *d != places.cwd.as_path())
        .collect();
    dirs.reverse();
    let mut files = Vec::new();
    for dir in dirs {
        for name in NAMES.iter().filter(|n| places.reads_in_project(n)) {
            files.extend(read(
                &dir.join(name),
                Source::Nested,
                places.home.as_deref(),
                seen,
            ));
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: PathBuf, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn user_root_and_every_directory_down_to_the_cwd() {
        let home = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        write(home.path().join(".claude/CLAUDE.md"), "user prefs");
        write(root.path().join("CLAUDE.md"), "root rules");
        write(root.path().join("CLAW.local.md"), "my local notes");
        write(root.path().join("app/AGENTS.md"), "app rules");
        write(root.path().join("app/web/CLAW.md"), "web rules");
        write(root.path().join("other/CLAW.md"), "not on the path");
        let places = MemoryPlaces {
            cwd: root.path().join("app/web"),
            root: root.path().to_path_buf(),
            home: Some(home.path().to_path_buf()),
            user_config: None,
            sources: Default::default(),
            added: Vec::new(),
        };
        let files = load(&places, &mut HashSet::new());
        let contents: Vec<&str> = files.iter().map(|f| f.content.as_str()).collect();
        assert_eq!(
            contents,
            vec![
                "user prefs",
                "root rules",
                "my local notes",
                "app rules",
                "web rules"
            ]
        );
        assert_eq!(files[0].source, Source::User);

        // `--setting-sources`: without user, project or local, their files are not read.
        let only = |user, project, local| {
            let places = MemoryPlaces {
                sources: crate::config::Sources {
                    user,
                    project,
                    local,
                },
                ..places.clone()
            };
            load(&places, &mut HashSet::new())
                .into_iter()
                .map(|f| f.content)
                .collect::<Vec<_>>()
        };
        assert_eq!(only(true, false, false), ["user prefs"]);
        assert_eq!(only(false, false, true), ["my local notes"]);
        assert_eq!(
            only(false, true, false),
            ["root rules", "app rules", "web rules"]
        );
        assert!(only(false, false, false).is_empty());
    }

    #[test]
    fn added_directories_bring_their_memory_after_the_projects_when_asked() {
        let root = tempfile::tempdir().unwrap();
        let shared = tempfile::tempdir().unwrap();
        write(root.path().join("CLAW.md"), "project rules");
        write(shared.path().join("CLAUDE.md"), "shared rules");
        write(shared.path().join("AGENTS.md"), "shared agents");
        write(
            shared.path().join("sub/CLAW.md"),
            "not the added directory's own",
        );
        let given = [shared.path().to_path_buf(), PathBuf::from(".")];
        let on = |value: &'static str| {
            move |name: &str| (name == ADDED_DIRS_VARIABLE).then(|| value.to_string())
        };
        assert!(added_dirs(&given, root.path(), &|_| None).is_empty());
        assert!(added_dirs(&given, root.path(), &on("0")).is_empty());
        let added = added_dirs(&given, root.path(), &on("1"));
        assert_eq!(added, added_dirs(&given, root.path(), &on("true")));
        let places = MemoryPlaces {
            cwd: root.path().into(),
            root: root.path().into(),
            home: None,
            user_config: None,
            sources: Default::default(),
            added,
        };
        let files = load(&places, &mut HashSet::new());
        let read: Vec<(&str, Source)> = files
            .iter()
            .map(|f| (f.content.as_str(), f.source))
            .collect();
        // `.` is the project itself: its file is read once, as the project's.
        assert_eq!(
            read,
            [
                ("project rules", Source::Project),
                ("shared rules", Source::Added),
                ("shared agents", Source::Added),
            ]
        );
    }

    #[test]
    fn imports_nest_up_to_five_levels_and_skip_code() {
        let root = tempfile::tempdir().unwrap();
        write(
            root.path().join("CLAW.md"),
            "Top. See @docs/a.md\n\n```\n@docs/b.md stays\n```\nAlso `@docs/b.md` stays.\n",
        );
        write(root.path().join("docs/a.md"), "A imports @b.md");
        write(root.path().join("docs/b.md"), "B imports @c.md");
        write(root.path().join("docs/c.md"), "C imports @d.md");
        write(root.path().join("docs/d.md"), "D imports @e.md");
        write(root.path().join("docs/e.md"), "E imports @f.md");
        write(root.path().join("docs/f.md"), "F is too deep");
        let places = MemoryPlaces {
            cwd: root.path().into(),
            root: root.path().into(),
            home: None,
            user_config: None,
            sources: Default::default(),
            added: Vec::new(),
        };
        let text = &load(&places, &mut HashSet::new())[0].content;
        for part in [
            "A imports",
            "B imports",
            "C imports",
            "D imports",
            "E imports",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        assert!(!text.contains("F is too deep"), "{text}");
        assert!(text.contains("@docs/b.md stays"));
        assert_eq!(text.matches("B imports").count(), 1);
    }

    #[test]
    fn big_files_are_cut_with_a_notice() {
        let root = tempfile::tempdir().unwrap();
        write(root.path().join("CLAW.md"), &"é".repeat(30_000));
        let places = MemoryPlaces {
            cwd: root.path().into(),
            root: root.path().into(),
            home: None,
            user_config: None,
            sources: Default::default(),
            added: Vec::new(),
        };
        let text = &load(&places, &mut HashSet::new())[0].content;
        assert!(text.len() < 41_000);
        assert!(text.ends_with("longer than claw reads into the prompt]"));
    }

    #[test]
    fn subdirectory_memory_joins_once_when_first_read_there() {
        let root = tempfile::tempdir().unwrap();
        write(root.path().join("CLAW.md"), "root");
        write(root.path().join("crates/core/CLAUDE.md"), "core rules");
        write(root.path().join("crates/core/src/lib.rs"), "");
        let places = MemoryPlaces {
            cwd: root.path().into(),
            root: root.path().into(),
            home: None,
            user_config: None,
            sources: Default::default(),
            added: Vec::new(),
        };
        let mut seen = HashSet::new();
        load(&places, &mut seen);
        let nested = nested_for(
            &root.path().join("crates/core/src/lib.rs"),
            &places,
            &mut seen,
        );
        assert_eq!(nested.len(), 1);
        assert_eq!(nested[0].content, "core rules");
        assert!(nested_for(&root.path().join("crates/core/x.rs"), &places, &mut seen).is_empty());
        assert!(nested_for(&root.path().join("top.rs"), &places, &mut seen).is_empty());
    }
}
