//! The tool-activity pane: every tool call with its key argument, a spinner then ✓/✗, its
//! duration and the first lines of its output; the selected call can be expanded.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};

use crate::app::keymap::GlobalAction;
use crate::app::model::{Focus, Model, ToolCall};
use crate::ui::text;
use crate::ui::tool_row::{output_lines, status_mark, status_text};

/// Output lines shown under a collapsed call.
const PREVIEW_LINES: usize = 3;
/// Output lines shown under an expanded call.
const EXPANDED_LINES: usize = 500;

pub fn draw(model: &Model, area: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let focused = model.focus == Focus::Activity;
    let border = if focused { theme.accent } else { theme.border };
    let title = if focused {
        " Activity  j/k select · Enter expand · Esc back ".to_string()
    } else {
        format!(
            " Activity  ({}) ",
            model.keymap.key_for(GlobalAction::SwitchFocus)
        )
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(border))
        .title(Span::styled(title, Style::default().fg(theme.dim)));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let inner = draw_todos(model, inner, buf);
    if inner.height == 0 {
        return;
    }
    if model.tools.is_empty() {
        buf.set_string(
            inner.x + 1,
            inner.y,
            "No tool calls yet.",
            Style::default().fg(theme.dim),
        );
        return;
    }
    let width = inner.width as usize;
    let rows = inner.height as usize;
    let selected = if focused { model.selected_tool } else { None };
    // Collect calls from the newest backwards until the pane is full, keeping the selected call
    // in view.
    let anchor = selected.unwrap_or(model.tools.len() - 1);
    let mut blocks: Vec<Vec<Line<'static>>> = Vec::new();
    let mut used = 0;
    let mut index = anchor + 1;
    while index > 0 && used < rows {
        index -= 1;
        let lines = call_lines(&model.tools[index], model, width, selected == Some(index));
        used += lines.len();
        blocks.push(lines);
    }
    // blocks[0] is the anchor call: if it alone overflows, show its top; otherwise show the
    // newest lines ending with it.
    let anchor_len = blocks.first().map_or(0, Vec::len);
    blocks.reverse();
    let mut all: Vec<Line<'static>> = blocks.into_iter().flatten().collect();
    if anchor_len >= rows {
        all.drain(..all.len() - anchor_len);
    } else if all.len() > rows {
        all.drain(..all.len() - rows);
    }
    for (y, line) in all.iter().take(rows).enumerate() {
        buf.set_line(inner.x, inner.y + y as u16, line, inner.width);
    }
}

/// The task list at the top of the pane; returns the area left below it.
fn draw_todos(model: &Model, area: Rect, buf: &mut Buffer) -> Rect {
    use crate::protocol::TodoStatus;
    if !model.show_todos || model.todos.is_empty() {
        return area;
    }
    let theme = &model.theme;
    let width = area.width as usize;
    let done = model
        .todos
        .iter()
        .filter(|t| t.status == TodoStatus::Completed)
        .count();
    let mut lines = vec![Line::styled(
        format!(
            "Tasks {done}/{}  ({} hides)",
            model.todos.len(),
            model.keymap.key_for(GlobalAction::ToggleTodos)
        ),
        Style::default().fg(theme.dim),
    )];
    for todo in &model.todos {
        let (mark, label, style) = match todo.status {
            TodoStatus::Completed => (
                "☑",
                &todo.content,
                Style::default()
                    .fg(theme.dim)
                    .add_modifier(Modifier::CROSSED_OUT),
            ),
            TodoStatus::InProgress => (
                "◐",
                &todo.active_form,
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD),
            ),
            TodoStatus::Pending => ("☐", &todo.content, Style::default().fg(theme.fg)),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{mark} "),
                style.remove_modifier(Modifier::CROSSED_OUT),
            ),
            Span::styled(
                text::truncate(&text::sanitize(label), width.saturating_sub(2)),
                style,
            ),
        ]));
    }
    // Leave at least a few rows for the tool calls.
    let rows = lines
        .len()
        .min((area.height as usize).saturating_sub(4).max(1));
    for (y, line) in lines.iter().take(rows).enumerate() {
        buf.set_line(area.x, area.y + y as u16, line, area.width);
    }
    let used = (rows as u16 + 1).min(area.height);
    Rect {
        y: area.y + used,
        height: area.height - used,
        ..area
    }
}

fn call_lines(call: &ToolCall, model: &Model, width: usize, selected: bool) -> Vec<Line<'static>> {
    let theme = &model.theme;
    let status = status_text(call, model);
    let name_style = Style::default().fg(theme.tool).add_modifier(Modifier::BOLD);
    let summary_width = width.saturating_sub(call.tool.chars().count() + 3);
    let mut header = Line::from(vec![
        status_mark(call, model),
        Span::raw(" "),
        Span::styled(call.tool.clone(), name_style),
        Span::raw(" "),
        Span::styled(
            text::truncate(
                &text::sanitize(call.summary.lines().next().unwrap_or("")),
                summary_width,
            ),
            Style::default().fg(theme.fg),
        ),
    ]);
    if selected {
        header = header.style(Style::default().add_modifier(Modifier::REVERSED));
    }
    let mut lines = vec![header];
    lines.push(Line::styled(
        format!("  {}", text::truncate(&status, width.saturating_sub(2))),
        Style::default().fg(theme.dim),
    ));
    let limit = if call.expanded {
        EXPANDED_LINES
    } else {
        PREVIEW_LINES
    };
    let hint = if call.expanded {
        String::new()
    } else {
        format!(" ({})", model.keymap.key_for(GlobalAction::ToggleLastTool))
    };
    lines.extend(output_lines(call, theme, width, limit, &hint));
    lines
}
