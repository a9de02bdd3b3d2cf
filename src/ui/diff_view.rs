//! Renders a `FileDiff` for the approval prompt: a header, then each hunk with old/new line
//! numbers, +/- signs, syntax colour and added/removed backgrounds; unified, or side by side on
//! wide screens. Long lines are cut with `…` to the width. Pure: diff and width in, lines out.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::app::diff_layout::{DiffLayout, side_by_side_rows};
use crate::diff::{DiffHunk, FileDiff, LineKind};
use crate::theme::Theme;
use crate::ui::highlight::highlight_lines;

pub struct DiffRender {
    pub lines: Vec<Line<'static>>,
    /// The index in `lines` of each hunk's header, for next/previous-hunk keys.
    pub hunk_starts: Vec<usize>,
}

pub fn render_diff(diff: &FileDiff, width: u16, layout: DiffLayout, theme: &Theme) -> DiffRender {
    let width = width as usize;
    let mut lines = Vec::new();
    let summary = if diff.created {
        format!(
            "new file, {}",
            crate::words::count(diff.added as usize, "line", "lines")
        )
    } else {
        format!("+{} -{}", diff.added, diff.removed)
    };
    lines.push(Line::from(vec![
        Span::styled(
            clip(&diff.path, width.saturating_sub(summary.width() + 2)),
            Style::default().fg(theme.fg).add_modifier(Modifier::BOLD),
        ),
        Span::raw("  "),
        Span::styled(summary, Style::default().fg(theme.dim)),
    ]));
    if diff.hunks.is_empty() {
        lines.push(Line::styled("(no changes)", Style::default().fg(theme.dim)));
    }
    let number_width = diff
        .hunks
        .iter()
        .map(|h| (h.old_start + h.old_len).max(h.new_start + h.new_len))
        .max()
        .unwrap_or(1)
        .to_string()
        .len();
    let mut hunk_starts = Vec::new();
    for hunk in &diff.hunks {
        hunk_starts.push(lines.len());
        lines.push(Line::styled(
            clip(
                &format!(
                    "@@ -{},{} +{},{} @@",
                    hunk.old_start, hunk.old_len, hunk.new_start, hunk.new_len
                ),
                width,
            ),
            Style::default().fg(theme.dim),
        ));
        let texts: Vec<&str> = hunk.lines.iter().map(|l| l.text.as_str()).collect();
        let highlighted = highlight_lines(&diff.path, &texts, theme);
        match layout {
            DiffLayout::Unified => {
                unified(hunk, &highlighted, number_width, width, theme, &mut lines)
            }
            DiffLayout::SideBySide => {
                side_by_side(hunk, &highlighted, number_width, width, theme, &mut lines)
            }
        }
    }
    DiffRender { lines, hunk_starts }
}

fn background(kind: LineKind, theme: &Theme) -> Option<ratatui::style::Color> {
    match kind {
        LineKind::Context => None,
        LineKind::Added => Some(theme.diff_added_bg),
        LineKind::Removed => Some(theme.diff_removed_bg),
    }
}

fn sign(kind: LineKind, theme: &Theme) -> Span<'static> {
    match kind {
        LineKind::Context => Span::raw(" "),
        LineKind::Added => Span::styled(
            "+",
            Style::default()
                .fg(theme.diff_added_fg)
                .add_modifier(Modifier::BOLD),
        ),
        LineKind::Removed => Span::styled(
            "-",
            Style::default()
                .fg(theme.diff_removed_fg)
                .add_modifier(Modifier::BOLD),
        ),
    }
}

fn number(n: Option<u32>, width: usize) -> String {
    match n {
        Some(n) => format!("{n:>width$}"),
        None => " ".repeat(width),
    }
}

/// Spans cut to `width` columns (with `…`), then padded to exactly `width` on `bg`.
fn fit(
    spans: &[Span<'static>],
    width: usize,
    bg: Option<ratatui::style::Color>,
) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    let total: usize = spans.iter().map(|s| s.content.width()).sum();
    let cut = total > width;
    let room = if cut { width.saturating_sub(1) } else { width };
    'outer: for span in spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > room {
                if !text.is_empty() {
                    out.push(Span::styled(text, with_bg(span.style, bg)));
                }
                break 'outer;
            }
            text.push(c);
            used += w;
        }
        if !text.is_empty() {
            out.push(Span::styled(text, with_bg(span.style, bg)));
        }
    }
    if cut && width > 0 {
        out.push(Span::styled("…", with_bg(Style::default(), bg)));
        used += 1;
    }
    if used < width {
        out.push(Span::styled(
            " ".repeat(width - used),
            with_bg(Style::default(), bg),
        ));
    }
    out
}

fn with_bg(style: Style, bg: Option<ratatui::style::Color>) -> Style {
    match bg {
        Some(bg) => style.bg(bg),
        None => style,
    }
}

fn clip(text: &str, width: usize) -> String {
    let spans = fit(&[Span::raw(text.to_string())], width, None);
    spans
        .iter()
        .map(|s| s.content.as_ref())
        .collect::<String>()
        .trim_end()
        .to_string()
}

fn unified(
    hunk: &DiffHunk,
    highlighted: &[Vec<Span<'static>>],
    number_width: usize,
    width: usize,
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let gutter = Style::default().fg(theme.diff_gutter);
    // "old new ± text"
    let text_width = width.saturating_sub(2 * number_width + 4);
    for (line, spans) in hunk.lines.iter().zip(highlighted) {
        let bg = background(line.kind, theme);
        let mut row = vec![
            Span::styled(number(line.old_no, number_width), gutter),
            Span::raw(" "),
            Span::styled(number(line.new_no, number_width), gutter),
            Span::raw(" "),
        ];
        let mut sign_span = sign(line.kind, theme);
        sign_span.style = with_bg(sign_span.style, bg);
        row.push(sign_span);
        row.push(Span::styled(" ", with_bg(Style::default(), bg)));
        row.extend(fit(spans, text_width.saturating_sub(1), bg));
        out.push(Line::from(row));
    }
}

fn side_by_side(
    hunk: &DiffHunk,
    highlighted: &[Vec<Span<'static>>],
    number_width: usize,
    width: usize,
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let gutter = Style::default().fg(theme.diff_gutter);
    let half = width.saturating_sub(1) / 2;
    let text_width = half.saturating_sub(number_width + 3);
    let cell = |index: Option<usize>, old: bool| -> Vec<Span<'static>> {
        match index {
            None => vec![Span::raw(" ".repeat(half))],
            Some(i) => {
                let line = &hunk.lines[i];
                let bg = background(line.kind, theme);
                let n = if old { line.old_no } else { line.new_no };
                let mut s = sign(line.kind, theme);
                s.style = with_bg(s.style, bg);
                let mut row = vec![
                    Span::styled(number(n, number_width), gutter),
                    Span::raw(" "),
                    s,
                    Span::styled(" ", with_bg(Style::default(), bg)),
                ];
                row.extend(fit(&highlighted[i], text_width, bg));
                row
            }
        }
    };
    let separator = Span::styled("│", Style::default().fg(theme.border));
    for (old, new) in side_by_side_rows(hunk) {
        let mut row = cell(old, true);
        row.push(separator.clone());
        row.extend(cell(new, false));
        out.push(Line::from(row));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::app::diff_layout::auto_layout;
    use crate::ui::text::plain as text;

    fn two_hunks() -> FileDiff {
        let old: String = (1..=30).map(|i| format!("let v{i} = {i};\n")).collect();
        let new = old
            .replace("let v4 = 4;\n", "let v4 = 40;\nlet extra = 0;\n")
            .replace("let v25 = 25;\n", "");
        FileDiff::compute("src/lib.rs", &old, &new, false)
    }

    #[test]
    fn unified_with_numbers_signs_and_hunks() {
        let theme = Theme::dark();
        let render = render_diff(&two_hunks(), 60, DiffLayout::Unified, &theme);
        assert_eq!(render.hunk_starts.len(), 2);
        assert!(
            render.lines[render.hunk_starts[1]].spans[0]
                .content
                .starts_with("@@")
        );
        insta::assert_snapshot!(text(&render.lines));
        let added = render
            .lines
            .iter()
            .find(|l| l.spans.iter().any(|s| s.content == "+"))
            .unwrap();
        assert!(
            added
                .spans
                .iter()
                .any(|s| s.style.bg == Some(theme.diff_added_bg))
        );
        for line in &render.lines {
            assert!(line.width() <= 60, "{line:?}");
        }
    }

    #[test]
    fn side_by_side_pairs_changes() {
        let theme = Theme::dark();
        let render = render_diff(&two_hunks(), 100, DiffLayout::SideBySide, &theme);
        insta::assert_snapshot!(text(&render.lines));
        for line in &render.lines {
            assert!(line.width() <= 100, "{line:?}");
        }
    }

    #[test]
    fn a_created_file_and_long_lines() {
        let theme = Theme::dark();
        let diff = FileDiff::compute(
            "notes.md",
            "",
            &format!("# Notes\n{}\n", "x".repeat(200)),
            true,
        );
        let render = render_diff(&diff, 40, DiffLayout::Unified, &theme);
        assert_eq!(text(&render.lines[..1]), "notes.md  new file, 2 lines");
        assert!(render.lines.iter().all(|l| l.width() <= 40));
        assert!(text(&render.lines).contains('…'));
        assert_eq!(auto_layout(200), DiffLayout::SideBySide);
        assert_eq!(auto_layout(100), DiffLayout::Unified);
    }

    #[test]
    fn the_rendered_rows_have_the_shape_the_reducer_counts() {
        let theme = Theme::dark();
        let empty = FileDiff::compute("a.txt", "same\n", "same\n", false);
        for diff in [two_hunks(), empty] {
            for layout in [DiffLayout::Unified, DiffLayout::SideBySide] {
                let render = render_diff(&diff, 90, layout, &theme);
                let shape = crate::app::diff_layout::shape(&diff, layout);
                assert_eq!(render.lines.len(), shape.lines, "{layout:?}");
                assert_eq!(render.hunk_starts, shape.hunk_starts, "{layout:?}");
            }
        }
    }
}
