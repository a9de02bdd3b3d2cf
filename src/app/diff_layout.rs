//! How a diff is laid out in rows, before any colour: unified or side by side, how many rows
//! it takes and where each hunk starts. Pure and cheap (no highlighting), so the reducer can page
//! and jump between hunks; `ui::diff_view` draws exactly these rows.

use crate::protocol::diff::{DiffHunk, FileDiff, LineKind};

/// Side by side from this many columns.
const SIDE_BY_SIDE_MIN: u16 = 160;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffLayout {
    Unified,
    SideBySide,
}

/// The layout for a screen `width` columns wide when the user hasn't chosen one.
pub fn auto_layout(width: u16) -> DiffLayout {
    if width >= SIDE_BY_SIDE_MIN {
        DiffLayout::SideBySide
    } else {
        DiffLayout::Unified
    }
}

/// The rows a rendered diff has: the same at every width (long lines are cut, not wrapped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffShape {
    /// How many lines the whole diff takes, its header included.
    pub lines: usize,
    /// The line of each hunk's `@@` header, for next/previous-hunk keys.
    pub hunk_starts: Vec<usize>,
}

/// The shape of `diff` rendered in `layout`: a header line (and "(no changes)" when there are
/// no hunks), then per hunk its header and its rows.
pub fn shape(diff: &FileDiff, layout: DiffLayout) -> DiffShape {
    let mut lines = 1;
    if diff.hunks.is_empty() {
        lines += 1;
    }
    let mut hunk_starts = Vec::with_capacity(diff.hunks.len());
    for hunk in &diff.hunks {
        hunk_starts.push(lines);
        lines += 1 + match layout {
            DiffLayout::Unified => hunk.lines.len(),
            DiffLayout::SideBySide => side_by_side_rows(hunk).len(),
        };
    }
    DiffShape { lines, hunk_starts }
}

/// The rows of a hunk side by side: per row, the index (in `hunk.lines`) of the line shown on
/// the old side and on the new side. A context line is on both; a run of removals followed by
/// additions is paired row by row.
pub fn side_by_side_rows(hunk: &DiffHunk) -> Vec<(Option<usize>, Option<usize>)> {
    let mut rows = Vec::new();
    let mut i = 0;
    while i < hunk.lines.len() {
        if hunk.lines[i].kind == LineKind::Context {
            rows.push((Some(i), Some(i)));
            i += 1;
            continue;
        }
        let removed: Vec<usize> = (i..hunk.lines.len())
            .take_while(|&j| hunk.lines[j].kind == LineKind::Removed)
            .collect();
        let after_removed = i + removed.len();
        let added: Vec<usize> = (after_removed..hunk.lines.len())
            .take_while(|&j| hunk.lines[j].kind == LineKind::Added)
            .collect();
        for k in 0..removed.len().max(added.len()) {
            rows.push((removed.get(k).copied(), added.get(k).copied()));
        }
        i = after_removed + added.len();
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_by_side_pairs_removals_with_the_additions_after_them() {
        let old = "a\nb\nc\nd\n";
        let new = "a\nB\nC\nX\nd\n";
        let diff = FileDiff::compute("f.txt", old, new, false);
        let rows = side_by_side_rows(&diff.hunks[0]);
        // a | a, b | B, c | C, - | X, d | d
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0], (Some(0), Some(0)));
        assert_eq!(rows[3].0, None);
        let unified = shape(&diff, DiffLayout::Unified);
        let paired = shape(&diff, DiffLayout::SideBySide);
        assert_eq!(unified.hunk_starts, vec![1]);
        assert_eq!(unified.lines, 2 + diff.hunks[0].lines.len());
        assert_eq!(paired.lines, 2 + 5);
    }

    #[test]
    fn an_empty_diff_has_its_header_and_a_note() {
        let diff = FileDiff::compute("f.txt", "same\n", "same\n", false);
        assert_eq!(
            shape(&diff, DiffLayout::Unified),
            DiffShape {
                lines: 2,
                hunk_starts: Vec::new()
            }
        );
    }
}
