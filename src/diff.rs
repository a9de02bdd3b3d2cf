//! Line diffs of a file change, computed with `similar`: the agent computes one for every Write
//! and Edit before asking, and the UI draws it (line numbers, +/- gutters, hunks).

use similar::{ChangeTag, TextDiff};

pub use crate::protocol::diff::{DiffHunk, DiffLine, FileDiff, LineKind};

/// Lines of unchanged context around each change.
const CONTEXT: usize = 3;

impl FileDiff {
    /// The line diff from `old` to `new`, grouped into hunks with 3 lines of context.
    pub fn compute(path: &str, old: &str, new: &str, created: bool) -> FileDiff {
        let diff = TextDiff::from_lines(old, new);
        let mut hunks = Vec::new();
        let (mut added, mut removed) = (0u32, 0u32);
        for group in diff.grouped_ops(CONTEXT) {
            let mut lines = Vec::new();
            for op in &group {
                for change in diff.iter_changes(op) {
                    let kind = match change.tag() {
                        ChangeTag::Equal => LineKind::Context,
                        ChangeTag::Insert => {
                            added += 1;
                            LineKind::Added
                        }
                        ChangeTag::Delete => {
                            removed += 1;
                            LineKind::Removed
                        }
                    };
                    let text = change.value();
                    let text = text.strip_suffix('\n').unwrap_or(text);
                    let text = text.strip_suffix('\r').unwrap_or(text);
                    lines.push(DiffLine {
                        kind,
                        old_no: change.old_index().map(|i| i as u32 + 1),
                        new_no: change.new_index().map(|i| i as u32 + 1),
                        text: text.to_string(),
                    });
                }
            }
            let start = |pick: fn(&DiffLine) -> Option<u32>| lines.iter().find_map(pick);
            let count = |pick: fn(&DiffLine) -> Option<u32>| {
                lines.iter().filter(|l| pick(l).is_some()).count() as u32
            };
            let (old_len, new_len) = (count(|l| l.old_no), count(|l| l.new_no));
            hunks.push(DiffHunk {
                old_start: start(|l| l.old_no).unwrap_or(0),
                old_len,
                new_start: start(|l| l.new_no).unwrap_or(0),
                new_len,
                lines,
            });
        }
        FileDiff {
            path: path.to_string(),
            created,
            hunks,
            added,
            removed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_all_additions() {
        let d = FileDiff::compute("a.txt", "", "one\ntwo\n", true);
        assert!(d.created);
        assert_eq!((d.added, d.removed), (2, 0));
        assert_eq!(d.hunks.len(), 1);
        assert_eq!(
            d.hunks[0].lines[1],
            DiffLine {
                kind: LineKind::Added,
                old_no: None,
                new_no: Some(2),
                text: "two".into()
            }
        );
    }

    #[test]
    fn one_change_with_context_and_numbers() {
        let old: String = (1..=10).map(|i| format!("l{i}\n")).collect();
        let new = old.replace("l5\n", "five\n");
        let d = FileDiff::compute("a", &old, &new, false);
        assert_eq!((d.added, d.removed), (1, 1));
        let h = &d.hunks[0];
        assert_eq!(
            (h.old_start, h.old_len, h.new_start, h.new_len),
            (2, 7, 2, 7)
        );
        let removed = h
            .lines
            .iter()
            .find(|l| l.kind == LineKind::Removed)
            .unwrap();
        assert_eq!((removed.old_no, removed.text.as_str()), (Some(5), "l5"));
        let added = h.lines.iter().find(|l| l.kind == LineKind::Added).unwrap();
        assert_eq!((added.new_no, added.text.as_str()), (Some(5), "five"));
    }

    #[test]
    fn distant_changes_make_separate_hunks() {
        let old: String = (1..=40).map(|i| format!("l{i}\n")).collect();
        let new = old.replace("l3\n", "x\n").replace("l35\n", "y\n");
        assert_eq!(FileDiff::compute("a", &old, &new, false).hunks.len(), 2);
    }

    #[test]
    fn missing_final_newline_and_crlf() {
        let d = FileDiff::compute("a", "a\r\nb", "a\r\nc", false);
        assert_eq!((d.added, d.removed), (1, 1));
        assert!(d.hunks[0].lines.iter().all(|l| !l.text.ends_with('\r')));
        assert!(
            FileDiff::compute("a", "same\n", "same\n", false)
                .hunks
                .is_empty()
        );
    }
}
