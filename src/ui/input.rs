//! The input box: a ratatui-textarea in a bordered block.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Widget};

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
        " › (Enter queues the message · Esc interrupts) "
    } else {
        " › "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(border))
        .title(Span::styled(title, Style::default().fg(theme.dim)));
    let inner = block.inner(area);
    block.render(area, buf);
    (&model.input).render(inner, buf);
}
