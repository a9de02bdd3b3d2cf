//! The `@` file finder's popup: the files best matching what follows the `@`, matched letters
//! highlighted, above the input box (Up/Down choose, Tab or Enter attach, Esc close).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::app::model::{MentionPicker, Model};

/// Draws the finder so that it ends just above `input` (within `bounds`).
pub fn draw(model: &Model, picker: &MentionPicker, input: Rect, bounds: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let rows = picker.len().clamp(1, crate::app::mention::LIMIT);
    let Some(area) = crate::ui::slash_popup::above_input(rows, input, bounds) else {
        return;
    };
    Clear.render(area, buf);
    let state = if picker.searching {
        " · searching…"
    } else {
        ""
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme.border))
        .title(Span::styled(
            format!(
                " {} · Tab attaches · Esc closes{state} ",
                if picker.resources.is_empty() {
                    "files"
                } else {
                    "MCP resources and files"
                }
            ),
            Style::default().fg(theme.dim),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    if picker.is_empty() {
        let message = if picker.searching {
            "looking…"
        } else {
            "no files match"
        };
        buf.set_line(
            inner.x + 1,
            inner.y,
            &Line::styled(message, Style::default().fg(theme.dim)),
            inner.width.saturating_sub(1),
        );
        return;
    }
    let selected = picker.selected.min(picker.len() - 1);
    let first = selected.saturating_sub(inner.height.saturating_sub(1) as usize);
    // The resources first, each with its name after it; then the files.
    let choices: Vec<(&str, &[usize], &str)> = picker
        .resources
        .iter()
        .map(|r| (r.mention.as_str(), r.positions.as_slice(), r.name.as_str()))
        .chain(
            picker
                .matches
                .iter()
                .map(|m| (m.path.as_str(), m.positions.as_slice(), "")),
        )
        .collect();
    for (row, (i, (path, positions, name))) in choices
        .iter()
        .enumerate()
        .skip(first)
        .take(inner.height as usize)
        .enumerate()
    {
        let name_room = if name.is_empty() {
            0
        } else {
            (name.chars().count() + 2).min(inner.width as usize / 3)
        };
        let width = (inner.width as usize).saturating_sub(2 + name_room);
        let mut base = Style::default().fg(theme.fg);
        if i == selected {
            base = base.add_modifier(Modifier::REVERSED);
        }
        // Long paths lose their start: the file name matters most.
        let chars: Vec<char> = path.chars().collect();
        let skip = chars.len().saturating_sub(width);
        let mut spans = vec![Span::styled(" ", base)];
        if skip > 0 {
            spans.push(Span::styled("…", base.fg(theme.dim)));
        }
        for (n, c) in chars
            .iter()
            .enumerate()
            .skip(if skip > 0 { skip + 1 } else { 0 })
        {
            let style = if positions.contains(&n) {
                base.fg(theme.accent).add_modifier(Modifier::BOLD)
            } else {
                base
            };
            spans.push(Span::styled(c.to_string(), style));
        }
        if !name.is_empty() {
            spans.push(Span::styled(
                format!(
                    "  {}",
                    crate::app::columns::truncate(name, name_room.saturating_sub(2))
                ),
                base.fg(theme.dim),
            ));
        }
        let used: usize = spans.iter().map(|s| s.width()).sum();
        spans.push(Span::styled(
            " ".repeat((inner.width as usize).saturating_sub(used)),
            base,
        ));
        buf.set_line(
            inner.x,
            inner.y + row as u16,
            &Line::from(spans),
            inner.width,
        );
    }
}
