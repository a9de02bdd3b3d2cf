//! The block-level pieces of the markdown renderer that draw more than a line of text: fenced
//! code (highlighted, in a margin) and tables (columns fitted to the width).

use super::*;

/// A code fence: its character and how many of them open it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Fence {
    ch: char,
    len: usize,
}

impl Fence {
    /// The fence `line` opens (indentation aside), if it opens one.
    pub fn opening(line: &str) -> Option<Fence> {
        let line = line.trim_start();
        let ch = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let len = line.len() - line.trim_start_matches(ch).len();
        (len >= 3).then_some(Fence { ch, len })
    }

    /// Whether `line` closes the block: at most `indent` columns of spaces, at least as many
    /// fence characters as opened it, then only spaces or tabs.
    pub fn closed_by(self, line: &str, indent: usize) -> bool {
        let body = line.trim_start_matches([' ', '\t']);
        if line.len() - body.len() > indent
            || line[..line.len() - body.len()].contains('\t') && indent < 4
        {
            return false;
        }
        let rest = body.trim_start_matches(self.ch);
        body.len() - rest.len() >= self.len && rest.trim_matches([' ', '\t']).is_empty()
    }
}

/// Whether a fenced block's source, as the parser delimits it, ends with its closing fence
/// (an open one runs to the end of the text, whatever its last line).
pub(super) fn fence_closed(source: &str) -> bool {
    let trimmed = source.trim_end();
    let Some((opener, rest)) = trimmed.split_once('\n') else {
        return false;
    };
    let last = rest.rsplit('\n').next().unwrap_or(rest);
    Fence::opening(opener).is_some_and(|fence| fence.closed_by(last, usize::MAX))
}

/// A line of a code block whose fence is still open: plain (highlighted once it closes).
pub(super) fn open_code_line(line: &str, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(sanitize(line), Style::default().fg(theme.fg)))
}

/// The rows one line of code takes in `available` columns, each behind the block's bar (and
/// without the margins of the blocks around it).
pub(super) fn code_rows(
    line: &Line<'static>,
    available: usize,
    theme: &Theme,
) -> impl Iterator<Item = Line<'static>> {
    let bar = Style::default().fg(theme.dim);
    wrap_chars(&line.spans, available)
        .into_iter()
        .map(move |row| {
            let mut spans = vec![Span::styled("│ ", bar)];
            spans.extend(row);
            Line::from(spans)
        })
}

impl Renderer<'_> {
    pub(super) fn code_block(&mut self, lang: &str, code: &str, closed: bool) {
        if !closed && self.rendering == Rendering::Streaming {
            highlight_ahead(code, lang, self.theme);
        }
        let code = code.trim_end_matches('\n');
        let rendered = if closed {
            highlight_code(code, lang, self.theme)
        } else {
            // Still streaming: plain until the fence closes (highlight once, not every frame).
            code.lines()
                .map(|l| open_code_line(l, self.theme))
                .collect()
        };
        let bar = Style::default().fg(self.theme.dim);
        let available = self.width.saturating_sub(self.margin_width() + 2).max(1);
        if !lang.trim().is_empty() {
            let mut spans = self.margin();
            spans.push(Span::styled(format!("╭ {}", lang.trim()), bar));
            self.lines.push(Line::from(spans));
        }
        for line in rendered {
            for row in code_rows(&line, available, self.theme) {
                let mut spans = self.margin();
                spans.extend(row.spans);
                self.lines.push(Line::from(spans));
            }
        }
    }

    pub(super) fn draw_table(&mut self, table: Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let text_width =
            |cell: &Vec<Span<'static>>| cell.iter().map(|s| s.content.width()).sum::<usize>();
        let mut widths = vec![1usize; columns];
        for row in &table.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(text_width(cell));
            }
        }
        // Borders: "│ " before each column, " │" after the last: 3 per column + 1.
        let available = self
            .width
            .saturating_sub(self.margin_width() + 3 * columns + 1);
        while widths.iter().sum::<usize>() > available && widths.iter().any(|&w| w > 1) {
            if let Some(widest) = widths.iter_mut().max() {
                *widest -= 1;
            }
        }
        if widths.iter().sum::<usize>() > available {
            // Too narrow for a grid: one line per row, cells separated by bars.
            for row in &table.rows {
                let mut spans: Vec<Span<'static>> = Vec::new();
                for (c, cell) in row.iter().enumerate() {
                    if c > 0 {
                        spans.push(Span::styled(" │ ", Style::default().fg(self.theme.border)));
                    }
                    spans.extend(cell.iter().cloned());
                }
                self.inline = spans;
                self.flush();
            }
            return;
        }
        let border = Style::default().fg(self.theme.border);
        let rule = |left: &str, mid: &str, right: &str| {
            let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
            format!("{left}{}{right}", parts.join(mid))
        };
        let top = rule("┌", "┬", "┐");
        let middle = rule("├", "┼", "┤");
        let bottom = rule("└", "┴", "┘");
        let mut spans = self.margin();
        spans.push(Span::styled(top, border));
        self.lines.push(Line::from(spans));
        for (r, row) in table.rows.iter().enumerate() {
            let mut spans = self.margin();
            for (c, width) in widths.iter().enumerate() {
                spans.push(Span::styled("│ ", border));
                let cell = row.get(c).cloned().unwrap_or_default();
                let mut cut = clip_spans(&cell, *width);
                if r < table.header_rows {
                    cut = cut
                        .into_iter()
                        .map(|s| {
                            let style = s.style.add_modifier(Modifier::BOLD);
                            s.style(style)
                        })
                        .collect();
                }
                let used: usize = cut.iter().map(|s| s.content.width()).sum();
                let pad = width.saturating_sub(used);
                let (before, after) = match table.alignments.get(c) {
                    Some(Alignment::Right) => (pad, 0),
                    Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                    _ => (0, pad),
                };
                spans.push(Span::raw(" ".repeat(before)));
                spans.extend(cut);
                spans.push(Span::raw(" ".repeat(after + 1)));
            }
            spans.push(Span::styled("│", border));
            self.lines.push(Line::from(spans));
            if r + 1 == table.header_rows && table.rows.len() > table.header_rows {
                let mut spans = self.margin();
                spans.push(Span::styled(middle.clone(), border));
                self.lines.push(Line::from(spans));
            }
        }
        let mut spans = self.margin();
        spans.push(Span::styled(bottom, border));
        self.lines.push(Line::from(spans));
    }
}
