//! The conversation pane: a virtualised transcript. Each cell renders to lines for a width,
//! cached by (cell version, width); only the visible window is drawn, so a long session costs
//! no more per frame than a short one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::model::{CellKind, Model, ToolCall, ToolStatus};
use crate::protocol::ToolOutcome;
use crate::theme::Theme;
use crate::ui::markdown::render_markdown;
use crate::ui::text::{self, wrap};

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
    // Heights (one blank line after each cell): measured where known, estimated elsewhere; the
    // cells the view shows are measured as it finds them.
    let mut pass = Pass::new(model, cache, width);
    let start = pass.view_start(rows);
    let mut y = 0usize;
    for (index, cell) in model.cells.iter().enumerate().skip(start.cell) {
        if y >= rows {
            break;
        }
        let skip = if index == start.cell { start.skip } else { 0 };
        let drawn = match cell.kind {
            CellKind::Tool(tool) => {
                if let Some(call) = model.tools.get(tool)
                    && skip == 0
                {
                    let line = tool_line(call, model, width);
                    buf.set_line(area.x + 1, area.y + y as u16, &line, width);
                    y += 1;
                }
                1
            }
            CellKind::User(_)
            | CellKind::Assistant(_)
            | CellKind::Thinking(_)
            | CellKind::Error(_)
            | CellKind::Notice(_)
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
    let Pass {
        cache, mut heights, ..
    } = pass;
    let settled = cache.measure_some(model, width, &mut heights);
    cache.evict();
    let total: usize = heights.iter().sum();
    let max_top = total.saturating_sub(rows);
    let top = (heights[..start.cell].iter().sum::<usize>() + start.skip).min(max_top);
    cache.anchor = Some(Anchor { line: top, start });
    if top < max_top {
        let hint = format!(" ↓ {} more lines (End / PgDn) ", max_top - top);
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
    if let Some(search) = &model.search {
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

/// Renders one (non-tool) cell at `width` columns.
pub fn render_cell(
    kind: &CellKind,
    thinking_expanded: bool,
    width: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
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
                let mut lines = vec![Line::styled("✻ Thinking (Ctrl+T to collapse)", style)];
                lines.extend(
                    wrap(text.trim(), w.saturating_sub(2))
                        .into_iter()
                        .map(|l| Line::styled(format!("  {l}"), style)),
                );
                lines
            } else {
                let count = text.trim().lines().count();
                vec![Line::styled(
                    format!("✻ Thinking… ({count} lines, Ctrl+T to expand)"),
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
                wrap(body.trim_end(), w)
                    .into_iter()
                    .map(|l| Line::styled(l, Style::default().fg(theme.fg))),
            );
            lines
        }
        CellKind::Tool(_) => Vec::new(),
    }
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

/// The status mark of a tool call: a spinner while it runs, then ✓ ✗ ⊘ ■.
pub fn status_mark(call: &ToolCall, model: &Model) -> Span<'static> {
    let theme = &model.theme;
    match call.status {
        ToolStatus::Running => Span::styled(
            text::spinner(model.now.saturating_duration_since(call.started)),
            Style::default().fg(theme.accent),
        ),
        ToolStatus::WaitingApproval => Span::styled("?", Style::default().fg(theme.warning)),
        ToolStatus::Done(ToolOutcome::Success) => {
            Span::styled("✓", Style::default().fg(theme.success))
        }
        ToolStatus::Done(ToolOutcome::Failed) => {
            Span::styled("✗", Style::default().fg(theme.error))
        }
        ToolStatus::Done(ToolOutcome::Denied) => {
            Span::styled("⊘", Style::default().fg(theme.warning))
        }
        ToolStatus::Done(ToolOutcome::Interrupted) => {
            Span::styled("■", Style::default().fg(theme.dim))
        }
    }
}

/// What follows the tool name: the result, or what it waits for.
pub fn status_text(call: &ToolCall, model: &Model) -> String {
    let elapsed = call
        .duration
        .unwrap_or_else(|| model.now.saturating_duration_since(call.started));
    match call.status {
        ToolStatus::Running => text::duration(elapsed),
        ToolStatus::WaitingApproval => "waiting for approval".into(),
        ToolStatus::Done(ToolOutcome::Success) | ToolStatus::Done(ToolOutcome::Failed) => {
            let summary = call.result_summary.as_str();
            if summary.is_empty() {
                text::duration(elapsed)
            } else {
                format!("{summary} · {}", text::duration(elapsed))
            }
        }
        ToolStatus::Done(ToolOutcome::Denied) => "denied".into(),
        ToolStatus::Done(ToolOutcome::Interrupted) => "interrupted".into(),
    }
}

/// One line for a tool call: `✓ Read src/lib.rs · 42 lines · 3ms`.
fn tool_line(call: &ToolCall, model: &Model, width: u16) -> Line<'static> {
    let theme = &model.theme;
    let status = status_text(call, model);
    let fixed = call.tool.chars().count() + status.chars().count() + 6;
    let summary = text::truncate(
        &text::sanitize(call.summary.lines().next().unwrap_or("")),
        (width as usize).saturating_sub(fixed),
    );
    Line::from(vec![
        status_mark(call, model),
        Span::raw(" "),
        Span::styled(
            call.tool.clone(),
            Style::default().fg(theme.tool).add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        Span::styled(summary, Style::default().fg(theme.fg)),
        Span::styled(format!("  {status}"), Style::default().fg(theme.dim)),
    ])
}
