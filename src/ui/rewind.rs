//! Esc Esc's rewind picker: the user's prompts, newest last, each with how long ago it was sent
//! and its first line; the highlighted one is where Enter goes back to.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::model::Model;
use crate::app::rewind::RewindPicker;
use crate::ui::text;

pub fn draw(model: &Model, picker: &RewindPicker, screen: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    // The list, a line of explanation, the keys and the border.
    let wanted = (picker.points.len() + 4).min(u16::MAX as usize) as u16;
    let Some(inner) = crate::ui::centered_box::picker(
        screen,
        Some(wanted),
        " Rewind to before a prompt ",
        theme.accent,
        buf,
    ) else {
        return;
    };
    let dim = Style::default().fg(theme.dim);
    buf.set_line(
        inner.x + 1,
        inner.y,
        &Line::styled("The conversation and the files go back to before it.", dim),
        inner.width.saturating_sub(1),
    );
    let rows = inner.height.saturating_sub(2) as usize;
    let first = (picker.selected + 1).saturating_sub(rows);
    let ages: Vec<String> = picker
        .points
        .iter()
        .map(|p| p.age_secs.map(crate::time_ago::ago).unwrap_or_default())
        .collect();
    let age_width = ages.iter().map(|a| a.chars().count()).max().unwrap_or(0);
    for (row, (i, point)) in picker
        .points
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .enumerate()
    {
        let here = i == picker.selected;
        let style = if here {
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(theme.fg)
        };
        let first_line = point.prompt.lines().next().unwrap_or("");
        let line = Line::from(vec![
            Span::styled(if here { "› " } else { "  " }, style),
            Span::styled(format!("{:>3}. ", point.turn), dim),
            Span::styled(format!("{:>age_width$}  ", ages[i]), dim),
            Span::styled(text::sanitize(first_line), style),
        ]);
        buf.set_line(
            inner.x + 1,
            inner.y + 1 + row as u16,
            &line,
            inner.width.saturating_sub(2),
        );
    }
    let keys = Line::from(vec![
        Span::styled("↑/↓", Style::default().fg(theme.accent)),
        Span::styled(" choose  ", Style::default().fg(theme.fg)),
        Span::styled("Enter", Style::default().fg(theme.accent)),
        Span::styled(" rewind  ", Style::default().fg(theme.fg)),
        Span::styled("Esc", Style::default().fg(theme.accent)),
        Span::styled(" close", Style::default().fg(theme.fg)),
    ]);
    buf.set_line(
        inner.x + 1,
        inner.y + inner.height.saturating_sub(1),
        &keys,
        inner.width.saturating_sub(1),
    );
}
