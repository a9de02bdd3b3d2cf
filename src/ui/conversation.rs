//! The conversation pane: a virtualised transcript. Each cell renders to lines for a width,
//! cached by (cell version, width); only the visible window is drawn, so a long session costs
//! no more per frame than a short one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::keymap::GlobalAction;
use crate::app::model::{CellKind, Model};
use crate::theme::Theme;
use crate::ui::markdown::render_markdown;
use crate::ui::text::wrap;
use crate::ui::tool_row;

mod layout;
mod scroll;
#[cfg(test)]
mod tests;

use layout::Anchor;
pub use layout::TranscriptCache;
use scroll::Pass;

/// What drawing the transcript measured, reported back to the reducer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TranscriptMetrics {
    pub lines: usize,
    pub rows: usize,
    pub top: usize,
    /// The cell at the top of the view.
    pub top_cell: usize,
    /// Every cell's height is measured (false while some are still estimated: draw again).
    pub settled: bool,
}

/// The columns the transcript's text gets: one column of margin on each side.
fn text_width(area: Rect) -> u16 {
    area.width.saturating_sub(2).max(1)
}

pub fn draw(
    model: &Model,
    cache: &mut TranscriptCache,
    area: Rect,
    buf: &mut Buffer,
) -> TranscriptMetrics {
    let width = text_width(area);
    let rows = area.height as usize;
    cache.begin(model);
    // Prompts waiting for their turn come last, below the live answer (not cached: few, short).
    let queued = queued_lines(model, width);
    let queued_height = if queued.is_empty() {
        0
    } else {
        queued.len() + 1
    };
    // Heights (one blank line after each cell): measured where known, estimated elsewhere; the
    // cells the view shows are measured as it finds them.
    let mut pass = Pass::new(model, cache, width);
    let start = pass.view_start(rows.saturating_sub(queued_height).max(1));
    let mut y = 0usize;
    for (index, cell) in model.cells.iter().enumerate().skip(start.cell) {
        if y >= rows {
            break;
        }
        let skip = if index == start.cell { start.skip } else { 0 };
        let drawn = match cell.kind {
            CellKind::Tool(tool) => {
                let lines = model
                    .tools
                    .get(tool)
                    .map(|call| tool_row::lines(call, model, width))
                    .unwrap_or_default();
                for line in lines.iter().skip(skip) {
                    if y >= rows {
                        break;
                    }
                    buf.set_line(area.x + 1, area.y + y as u16, line, width);
                    y += 1;
                }
                let drawn = lines.len().max(1);
                pass.heights[index] = drawn + 1;
                drawn
            }
            CellKind::User(_)
            | CellKind::Assistant(_)
            | CellKind::Thinking(_)
            | CellKind::Error(_)
            | CellKind::Notice(_)
            | CellKind::Welcome(_)
            | CellKind::Info { .. } => {
                let lines = pass.cache.lines(model, index, width);
                for line in lines.iter().skip(skip) {
                    if y >= rows {
                        break;
                    }
                    buf.set_line(area.x + 1, area.y + y as u16, line, width);
                    y += 1;
                }
                let drawn = lines.len();
                pass.heights[index] = drawn + 1;
                drawn
            }
        };
        // The separator line (left blank).
        if skip <= drawn {
            y += 1;
        }
    }
    if y < rows {
        for line in &queued {
            if y >= rows {
                break;
            }
            buf.set_line(area.x + 1, area.y + y as u16, line, width);
            y += 1;
        }
    }
    let Pass {
        cache, mut heights, ..
    } = pass;
    let settled = cache.measure_some(model, width, &mut heights);
    cache.evict();
    let total: usize = heights.iter().sum::<usize>() + queued_height;
    let max_top = total.saturating_sub(rows);
    let top = (heights[..start.cell].iter().sum::<usize>() + start.skip).min(max_top);
    cache.anchor = Some(Anchor { line: top, start });
    // Scrolled up, the last row is the hint's alone: it never covers text.
    let text_rows = if top < max_top {
        rows.saturating_sub(1)
    } else {
        rows
    };
    if text_rows < rows && area.width > 0 {
        let blank = Line::raw(" ".repeat(area.width as usize));
        buf.set_line(area.x, area.y + text_rows as u16, &blank, area.width);
    }
    if top < max_top {
        let below = total.saturating_sub(top + text_rows);
        let hint = format!(
            " ↓ {} (End / PgDn) ",
            crate::words::count(below, "more line", "more lines")
        );
        let hint_width = hint.chars().count() as u16;
        if area.width > hint_width + 2 && area.height > 0 {
            buf.set_string(
                area.x + area.width - hint_width - 1,
                area.y + area.height - 1,
                hint,
                Style::default()
                    .fg(model.theme.status_fg)
                    .bg(model.theme.status_bg),
            );
        }
    }
    if let Some(search) = model.overlays.search() {
        highlight_matches(&search.query, area, buf, &model.theme);
    }
    TranscriptMetrics {
        lines: total,
        rows,
        top,
        top_cell: start.cell,
        settled,
    }
}

/// Marks every on-screen occurrence of `query` (ignoring case) in `area`.
fn highlight_matches(query: &str, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let needle: Vec<char> = query.to_lowercase().chars().collect();
    if needle.is_empty() {
        return;
    }
    let style = Style::default().fg(theme.status_bg).bg(theme.warning);
    for y in area.y..area.y + area.height {
        // One char per column (wide characters' second column is skipped).
        let mut columns = Vec::with_capacity(area.width as usize);
        for x in area.x..area.x + area.width {
            let symbol = buf[(x, y)].symbol();
            if symbol.is_empty() {
                continue;
            }
            let c = symbol.chars().next().unwrap_or(' ');
            columns.push((x, c.to_lowercase().next().unwrap_or(c)));
        }
        let mut i = 0;
        while i + needle.len() <= columns.len() {
            if columns[i..i + needle.len()]
                .iter()
                .map(|(_, c)| *c)
                .eq(needle.iter().copied())
            {
                for (x, _) in &columns[i..i + needle.len()] {
                    buf[(*x, y)].set_style(style);
                }
                i += needle.len();
            } else {
                i += 1;
            }
        }
    }
}

/// The rows a tool cell takes: one, or a few more when expanded. Tool rows animate (spinner,
/// elapsed time), so they are drawn afresh every frame and never cached.
fn tool_height(model: &Model, cell: &CellKind, width: u16) -> usize {
    match cell {
        CellKind::Tool(tool) => model.tools.get(*tool).map_or(1, |call| {
            if call.expanded {
                tool_row::lines(call, model, width).len().max(1)
            } else {
                1
            }
        }),
        _ => 1,
    }
}

/// Renders one (non-tool) cell at `width` columns.
pub fn render_cell(kind: &CellKind, model: &Model, width: u16) -> Vec<Line<'static>> {
    let theme = &model.theme;
    let thinking_expanded = model.thinking_expanded;
    let w = width as usize;
    match kind {
        CellKind::User(text) => prefixed(
            wrap(text, w.saturating_sub(2)),
            Span::styled(
                "› ",
                Style::default().fg(theme.user).add_modifier(Modifier::BOLD),
            ),
            Style::default().fg(theme.user),
        ),
        CellKind::Assistant(text) => {
            let mut lines = render_markdown(text, assistant_width(width), theme);
            if lines.is_empty() {
                lines.push(Line::raw(""));
            }
            lines
                .into_iter()
                .enumerate()
                .map(|(i, line)| assistant_line(i, line, theme))
                .collect()
        }
        CellKind::Thinking(text) => {
            let style = Style::default()
                .fg(theme.dim)
                .add_modifier(Modifier::ITALIC);
            if thinking_expanded {
                let key = model.keymap.key_for(GlobalAction::ToggleThinking);
                let mut lines = vec![Line::styled(
                    format!("✻ Thinking ({key} to collapse)"),
                    style,
                )];
                lines.extend(
                    wrap(text.trim(), w.saturating_sub(2))
                        .into_iter()
                        .map(|l| Line::styled(format!("  {l}"), style)),
                );
                lines
            } else {
                let count = text.trim().lines().count();
                vec![Line::styled(
                    format!(
                        "✻ Thinking… ({count} lines, {} to expand)",
                        model.keymap.key_for(GlobalAction::ToggleThinking)
                    ),
                    style,
                )]
            }
        }
        CellKind::Error(text) => prefixed(
            wrap(text, w.saturating_sub(2)),
            Span::styled(
                "✗ ",
                Style::default()
                    .fg(theme.error)
                    .add_modifier(Modifier::BOLD),
            ),
            Style::default().fg(theme.error),
        ),
        CellKind::Notice(text) => prefixed(
            wrap(text, w.saturating_sub(2)),
            Span::styled("· ", Style::default().fg(theme.dim)),
            Style::default().fg(theme.dim),
        ),
        CellKind::Info { title, body } => {
            let mut lines = vec![Line::styled(
                title.clone(),
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD),
            )];
            lines.extend(
                crate::ui::text::wrap_indented(body.trim_end(), w)
                    .into_iter()
                    .map(|l| Line::styled(l, Style::default().fg(theme.fg))),
            );
            lines
        }
        CellKind::Welcome(welcome) => crate::ui::welcome::lines(welcome, w, theme),
        CellKind::Tool(_) => Vec::new(),
    }
}

/// The prompts sent while a turn runs, dimmed and marked, in the order they will run.
fn queued_lines(model: &Model, width: u16) -> Vec<Line<'static>> {
    let theme = &model.theme;
    let style = Style::default().fg(theme.dim);
    let mark = Style::default()
        .fg(theme.dim)
        .add_modifier(Modifier::ITALIC);
    let w = width as usize;
    let mut out = Vec::new();
    for prompt in &model.queued {
        let mut lines = prefixed(
            wrap(prompt, w.saturating_sub(2)),
            Span::styled("› ", style),
            style,
        );
        const MARK: &str = "  (queued)";
        match lines.last_mut() {
            Some(last) if last.width() + MARK.len() <= w => {
                last.spans.push(Span::styled(MARK, mark))
            }
            _ => lines.push(Line::from(Span::styled(MARK, mark))),
        }
        out.extend(lines);
    }
    out
}

/// The markdown width of an assistant message: two columns go to its marker.
fn assistant_width(width: u16) -> u16 {
    width.saturating_sub(2).max(1)
}

/// Line `i` of an assistant message: the first gets the message's marker.
fn assistant_line(i: usize, line: Line<'static>, theme: &Theme) -> Line<'static> {
    let marker = if i == 0 {
        Span::styled("● ", Style::default().fg(theme.assistant))
    } else {
        Span::raw("  ")
    };
    let mut spans = vec![marker];
    spans.extend(line.spans);
    Line::from(spans).style(line.style)
}

fn prefixed(lines: Vec<String>, first: Span<'static>, style: Style) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let lead = if i == 0 {
                first.clone()
            } else {
                Span::raw("  ")
            };
            Line::from(vec![lead, Span::styled(text, style)])
        })
        .collect()
}
