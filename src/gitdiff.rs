//! `/diff`'s data: the working tree's changes against HEAD as git reports them (staged and
//! unstaged, renames found), plus untracked files as new ones. The unified diff text is parsed
//! here into the same `FileDiff` the approval prompt draws.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::diff::{DiffHunk, DiffLine, FileDiff, LineKind};
pub use crate::protocol::changes::{ChangedFile, FileStatus};

/// git's empty tree: what a repository without commits is compared with.
const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
/// Untracked files larger than this are listed without their text.
const MAX_UNTRACKED_BYTES: u64 = 1024 * 1024;

impl FileStatus {
    /// A one-letter mark for the file list.
    pub fn mark(&self) -> &'static str {
        match self {
            FileStatus::Modified => "M",
            FileStatus::Added => "A",
            FileStatus::Deleted => "D",
            FileStatus::Renamed { .. } => "R",
            FileStatus::Untracked => "?",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GitDiffError {
    #[error("git is not installed (or not on PATH)")]
    NoGit,
    #[error("{0} is not inside a git repository")]
    NotARepository(String),
    #[error("git failed: {0}")]
    Failed(String),
}

/// The changes of the repository holding `cwd`.
pub fn working_tree_changes(cwd: &Path) -> Result<Vec<ChangedFile>, GitDiffError> {
    let inside = git(cwd, &["rev-parse", "--is-inside-work-tree"]);
    match inside {
        Err(GitDiffError::Failed(_)) => {
            return Err(GitDiffError::NotARepository(cwd.display().to_string()));
        }
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    let base = if git(cwd, &["rev-parse", "--verify", "--quiet", "HEAD"]).is_ok() {
        "HEAD"
    } else {
        EMPTY_TREE
    };
    let text = git(
        cwd,
        &["diff", base, "--no-color", "--no-ext-diff", "-M", "--"],
    )?;
    let mut files = parse(&text);
    // Untracked files of the whole repository, named from its root like the diff's.
    let root = git(cwd, &["rev-parse", "--show-toplevel"])?;
    let root = Path::new(root.trim());
    let untracked = git(root, &["ls-files", "--others", "--exclude-standard", "-z"])?;
    for name in untracked.split('\0').filter(|n| !n.is_empty()) {
        files.push(untracked_file(&root.join(name), name));
    }
    files.sort_by(|a, b| a.diff.path.cmp(&b.diff.path));
    Ok(files)
}

fn untracked_file(path: &Path, shown: &str) -> ChangedFile {
    let mut file = ChangedFile {
        diff: FileDiff::compute(shown, "", "", true),
        status: FileStatus::Untracked,
        note: None,
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_UNTRACKED_BYTES => {
            file.note = Some(format!("{} KB: too large to show", m.len() / 1024))
        }
        Ok(_) => match std::fs::read(path) {
            Ok(bytes) if bytes.iter().take(8192).any(|b| *b == 0) => {
                file.note = Some("binary file".into())
            }
            Ok(bytes) => {
                file.diff = FileDiff::compute(shown, "", &String::from_utf8_lossy(&bytes), true)
            }
            Err(e) => file.note = Some(e.to_string()),
        },
        Err(e) => file.note = Some(e.to_string()),
    }
    file
}

fn git(cwd: &Path, args: &[&str]) -> Result<String, GitDiffError> {
    let output = Command::new("git")
        .args(["-c", "core.quotepath=false"])
        .args(args)
        .current_dir(cwd)
        .env("GIT_PAGER", "cat")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GitDiffError::NoGit,
            _ => GitDiffError::Failed(e.to_string()),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(GitDiffError::Failed(
            stderr.lines().next().unwrap_or("").trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Parses `git diff` output (unified, with git's extended headers) into files.
pub fn parse(text: &str) -> Vec<ChangedFile> {
    let mut files: Vec<ChangedFile> = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(header) = line.strip_prefix("diff --git ") else {
            continue;
        };
        let mut file = ChangedFile {
            diff: FileDiff {
                path: header_path(header),
                created: false,
                hunks: Vec::new(),
                added: 0,
                removed: 0,
            },
            status: FileStatus::Modified,
            note: None,
        };
        let mut rename_from = None;
        // Extended headers, up to the first hunk or the next file.
        while let Some(next) = lines.peek() {
            if next.starts_with("diff --git ") || next.starts_with("@@") {
                break;
            }
            let next = lines.next().unwrap_or_default();
            if next.starts_with("new file mode") {
                file.status = FileStatus::Added;
                file.diff.created = true;
            } else if next.starts_with("deleted file mode") {
                file.status = FileStatus::Deleted;
            } else if let Some(from) = next.strip_prefix("rename from ") {
                rename_from = Some(unquote(from));
            } else if let Some(to) = next.strip_prefix("rename to ") {
                file.diff.path = unquote(to);
            } else if next.starts_with("Binary files ") {
                file.note = Some("binary file".into());
            } else if let Some(new) = next.strip_prefix("+++ ") {
                if new != "/dev/null" {
                    file.diff.path = strip_side(&unquote(new));
                }
            } else if let Some(old) = next.strip_prefix("--- ")
                && old != "/dev/null"
                && file.status == FileStatus::Deleted
            {
                file.diff.path = strip_side(&unquote(old));
            }
        }
        if let Some(from) = rename_from {
            file.status = FileStatus::Renamed { from };
        }
        while lines.peek().is_some_and(|l| l.starts_with("@@")) {
            let head = lines.next().unwrap_or_default();
            let Some(mut hunk) = hunk_header(head) else {
                break;
            };
            let (mut old_no, mut new_no) = (hunk.old_start, hunk.new_start);
            while let Some(body) = lines.peek() {
                let kind = match body.chars().next() {
                    Some(' ') => LineKind::Context,
                    Some('+') => LineKind::Added,
                    Some('-') => LineKind::Removed,
                    Some('\\') => {
                        // "\ No newline at end of file": about the line before.
                        lines.next();
                        continue;
                    }
                    // An empty line inside a hunk is an empty context line (some tools strip
                    // the space); anything else ends the hunk.
                    None => LineKind::Context,
                    _ => break,
                };
                let body = lines.next().unwrap_or_default();
                let text = body.get(1..).unwrap_or("").to_string();
                let (old, new) = match kind {
                    LineKind::Context => {
                        old_no += 1;
                        new_no += 1;
                        (Some(old_no - 1), Some(new_no - 1))
                    }
                    LineKind::Added => {
                        file.diff.added += 1;
                        new_no += 1;
                        (None, Some(new_no - 1))
                    }
                    LineKind::Removed => {
                        file.diff.removed += 1;
                        old_no += 1;
                        (Some(old_no - 1), None)
                    }
                };
                hunk.lines.push(DiffLine {
                    kind,
                    old_no: old,
                    new_no: new,
                    text,
                });
                if lines.peek().is_some_and(|l| l.is_empty())
                    && old_no >= hunk.old_start + hunk.old_len
                    && new_no >= hunk.new_start + hunk.new_len
                {
                    break;
                }
            }
            file.diff.hunks.push(hunk);
        }
        files.push(file);
    }
    files
}

/// `@@ -a,b +c,d @@ …` → an empty hunk with its ranges.
fn hunk_header(line: &str) -> Option<DiffHunk> {
    let inner = line.strip_prefix("@@ ")?;
    let end = inner.find(" @@")?;
    let mut parts = inner[..end].split(' ');
    let range = |text: &str, sign: char| -> Option<(u32, u32)> {
        let text = text.strip_prefix(sign)?;
        match text.split_once(',') {
            Some((start, len)) => Some((start.parse().ok()?, len.parse().ok()?)),
            None => Some((text.parse().ok()?, 1)),
        }
    };
    let (old_start, old_len) = range(parts.next()?, '-')?;
    let (new_start, new_len) = range(parts.next()?, '+')?;
    Some(DiffHunk {
        old_start,
        old_len,
        new_start,
        new_len,
        lines: Vec::new(),
    })
}

/// The new path from `a/x b/y` (used when there are no ---/+++ lines, e.g. binary files).
fn header_path(header: &str) -> String {
    let header = header.trim();
    match header.rfind(" b/") {
        Some(i) => unquote(&header[i + 3..]),
        None => header.to_string(),
    }
}

fn strip_side(path: &str) -> String {
    path.strip_prefix("a/")
        .or_else(|| path.strip_prefix("b/"))
        .unwrap_or(path)
        .to_string()
}

/// git quotes unusual names C-style: `"a\tb"`.
fn unquote(text: &str) -> String {
    let text = text.trim_end_matches('\t');
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return text.to_string();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "diff --git a/src/lib.rs b/src/lib.rs
index 1111111..2222222 100644
--- a/src/lib.rs
+++ b/src/lib.rs
@@ -1,3 +1,4 @@
 fn a() {}
-fn b() {}
+fn b() { todo() }
+fn c() {}
 fn d() {}
@@ -10 +11 @@ impl X
-old
\\ No newline at end of file
+new
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
index 3333333..0000000
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/old name.rs b/new name.rs
similarity index 90%
rename from old name.rs
rename to new name.rs
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..4444444
Binary files /dev/null and b/logo.png differ
";

    #[test]
    fn parses_hunks_renames_deletions_and_binaries() {
        let files = parse(SAMPLE);
        assert_eq!(files.len(), 4);
        let lib = &files[0];
        assert_eq!(lib.diff.path, "src/lib.rs");
        assert_eq!(lib.status, FileStatus::Modified);
        assert_eq!((lib.diff.added, lib.diff.removed), (3, 2));
        assert_eq!(lib.diff.hunks.len(), 2);
        let first = &lib.diff.hunks[0];
        assert_eq!((first.old_start, first.new_start), (1, 1));
        assert_eq!(first.lines[1].kind, LineKind::Removed);
        assert_eq!(first.lines[1].old_no, Some(2));
        assert_eq!(first.lines[2].new_no, Some(2));
        assert_eq!(first.lines[4].text, "fn d() {}");
        assert_eq!(
            (first.lines[4].old_no, first.lines[4].new_no),
            (Some(3), Some(4))
        );
        assert_eq!(lib.diff.hunks[1].lines.len(), 2);
        assert_eq!(files[1].status, FileStatus::Deleted);
        assert_eq!(files[1].diff.path, "gone.txt");
        assert_eq!(files[1].diff.removed, 1);
        assert_eq!(
            files[2].status,
            FileStatus::Renamed {
                from: "old name.rs".into()
            }
        );
        assert_eq!(files[2].diff.path, "new name.rs");
        assert_eq!(files[3].note.as_deref(), Some("binary file"));
        assert_eq!(files[3].status, FileStatus::Added);
        assert_eq!(files[3].diff.path, "logo.png");
    }

    #[test]
    fn every_truncation_of_a_diff_parses_without_breaking() {
        for end in 0..SAMPLE.len() {
            if SAMPLE.is_char_boundary(end) {
                let _ = parse(&SAMPLE[..end]);
            }
        }
        assert!(parse("@@ -x +y @@\n+a\n").is_empty());
        let odd = parse("diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n@@ nonsense\n");
        assert_eq!(odd[0].diff.hunks.len(), 1);
    }

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(["-c", "user.email=t@t", "-c", "user.name=t"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn a_real_repository_with_every_kind_of_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        run(root, &["init", "-q"]);
        // Without a commit, everything staged shows as added.
        std::fs::write(root.join("a.txt"), "one\ntwo\n").unwrap();
        run(root, &["add", "a.txt"]);
        let files = working_tree_changes(root).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].status, FileStatus::Added);
        run(root, &["commit", "-qm", "first"]);
        assert!(working_tree_changes(root).unwrap().is_empty());

        std::fs::write(root.join("a.txt"), "one\n2\n").unwrap();
        std::fs::write(root.join("new.txt"), "fresh\n").unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/bin.dat"), [0u8, 1, 2]).unwrap();
        let files = working_tree_changes(&root.join("sub")).unwrap();
        let summary: Vec<_> = files
            .iter()
            .map(|f| {
                (
                    f.diff.path.as_str(),
                    f.status.mark(),
                    f.diff.added,
                    f.diff.removed,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("a.txt", "M", 1, 1),
                ("new.txt", "?", 1, 0),
                ("sub/bin.dat", "?", 0, 0)
            ]
        );
        assert_eq!(files[2].note.as_deref(), Some("binary file"));
    }

    #[test]
    fn outside_a_repository_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let err = working_tree_changes(dir.path()).unwrap_err();
        assert!(matches!(err, GitDiffError::NotARepository(_)), "{err:?}");
        assert!(err.to_string().contains("not inside a git repository"));
    }
}
