//! The slash-command popup: while `/name` is being typed, the matching commands with what they
//! do, above the input box (Up/Down choose, Tab completes).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::app::commands::Completion;
use crate::app::model::Model;
use crate::ui::text;

/// At most this many commands are listed.
const MAX_ROWS: usize = 10;

/// Where a popup of `rows` lines (plus its border) goes: just above the input box, as tall as
/// fits below the top of `bounds`; None when not even one row fits.
pub fn above_input(rows: usize, input: Rect, bounds: Rect) -> Option<Rect> {
    let height = (rows as u16 + 2).min(input.y.saturating_sub(bounds.y));
    (height >= 3).then(|| Rect {
        x: input.x,
        y: input.y - height,
        width: input.width,
        height,
    })
}

/// Draws the popup for `choices` so that it ends just above `input` (within `bounds`).
pub fn draw(model: &Model, choices: &[Completion], input: Rect, bounds: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let Some(area) = above_input(choices.len().min(MAX_ROWS), input, bounds) else {
        return;
    };
    Clear.render(area, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme.border))
        .title(Span::styled(
            " commands · Tab completes ",
            Style::default().fg(theme.dim),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    let selected = model.slash_selected.min(choices.len().saturating_sub(1));
    // Keep the selection in view.
    let first = selected.saturating_sub(inner.height.saturating_sub(1) as usize);
    let name_width = choices
        .iter()
        .map(|c| c.name.len() + c.args.len() + 2)
        .max()
        .unwrap_or(0);
    for (row, (i, command)) in choices
        .iter()
        .enumerate()
        .skip(first)
        .take(inner.height as usize)
        .enumerate()
    {
        let name = if command.args.is_empty() {
            format!("/{}", command.name)
        } else {
            format!("/{} {}", command.name, command.args)
        };
        let mut style = Style::default().fg(theme.fg);
        if i == selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        let description = text::truncate(
            &command.description,
            (inner.width as usize).saturating_sub(name_width + 3),
        );
        let line = Line::from(vec![
            Span::styled(format!(" {name:<name_width$} "), style.fg(theme.accent)),
            Span::styled(format!(" {description}"), style.fg(theme.dim)),
        ]);
        buf.set_line(inner.x, inner.y + row as u16, &line, inner.width);
    }
}
