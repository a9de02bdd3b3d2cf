//! The input box: a ratatui-textarea in a bordered block.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Widget};

use crate::app::keymap::GlobalAction;
use crate::app::model::{Focus, Model};

/// Rows the input box wants: its text (at most 8 lines) plus the border.
pub fn wanted_height(model: &Model) -> u16 {
    let lines = model.input.lines().len().clamp(1, 8) as u16;
    lines + 2
}

pub fn draw(model: &Model, area: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let focused = model.focus == Focus::Input && model.approvals.is_empty();
    let border = if focused { theme.accent } else { theme.border };
    let title = if model.busy {
        format!(
            " › ({} queues the message · {} interrupts) ",
            model.keymap.submit_key(),
            model.keymap.key_for(GlobalAction::Interrupt)
        )
    } else {
        " › ".to_string()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(border))
        .title(Span::styled(title, Style::default().fg(theme.dim)));
    let inner = block.inner(area);
    block.render(area, buf);
    if let Some(search) = model.overlays.history_search() {
        // Ctrl+R: the query, and the entry it finds (Enter takes it).
        let found = search
            .found
            .as_ref()
            .map_or("(no match)", |(_, e)| e.as_str());
        let line = ratatui::text::Line::from(vec![
            Span::styled(
                format!("search: {}", search.query),
                Style::default().fg(theme.accent),
            ),
            Span::styled("  →  ", Style::default().fg(theme.dim)),
            Span::styled(
                crate::ui::text::truncate(
                    &crate::ui::text::sanitize(found.lines().next().unwrap_or("")),
                    inner.width as usize,
                ),
                Style::default().fg(theme.fg),
            ),
        ]);
        buf.set_line(inner.x, inner.y, &line, inner.width);
        return;
    }
    if let Some(search) = model.overlays.search() {
        // Ctrl+F: the query and where the shown match is among them.
        let position = if search.matches.is_empty() {
            if search.query.is_empty() {
                String::new()
            } else {
                "no match".to_string()
            }
        } else {
            format!("match {} of {}", search.current + 1, search.matches.len())
        };
        let keys = if search.typing {
            "Enter done · Esc close"
        } else {
            "n older · N newer · Esc close"
        };
        let line = ratatui::text::Line::from(vec![
            Span::styled(
                format!("find in conversation: {}", search.query),
                Style::default().fg(theme.accent),
            ),
            Span::styled(
                if search.typing { "▏" } else { " " },
                Style::default().fg(theme.accent),
            ),
            Span::styled(
                format!("  {position}  ·  {keys}"),
                Style::default().fg(theme.dim),
            ),
        ]);
        buf.set_line(inner.x, inner.y, &line, inner.width);
        return;
    }
    (&model.input).render(inner, buf);
}
