//! The command palette and pickers: a box over the middle of the screen with the filter on top,
//! the matching entries (matched letters highlighted, the one in force marked) and the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::model::Model;
use crate::app::palette::{self, Palette, PaletteKind};
use crate::ui::text;

pub fn draw(model: &Model, palette: &Palette, screen: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let Some(inner) = crate::ui::centered_box::picker(
        screen,
        None,
        &format!(" {} ", palette.kind.title()),
        theme.accent,
        buf,
    ) else {
        return;
    };

    let shown = palette::shown(model, palette);
    let prompt = Line::from(vec![
        Span::styled("› ", Style::default().fg(theme.accent)),
        Span::styled(palette.query.clone(), Style::default().fg(theme.fg)),
        Span::styled("▏", Style::default().fg(theme.accent)),
        Span::styled(
            format!(
                "  {} of {}",
                shown.len(),
                palette::items(model, palette.kind).len()
            ),
            Style::default().fg(theme.dim),
        ),
    ]);
    buf.set_line(inner.x + 1, inner.y, &prompt, inner.width.saturating_sub(1));

    let list = Rect {
        x: inner.x,
        y: inner.y + 1,
        width: inner.width,
        height: inner.height.saturating_sub(2),
    };
    let selected = palette.selected.min(shown.len().saturating_sub(1));
    let first = selected.saturating_sub(list.height.saturating_sub(1) as usize);
    let tags = palette.kind == PaletteKind::Everything || palette.kind == PaletteKind::Copy;
    let label_width = shown
        .iter()
        .map(|s| s.item.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(list.width as usize / 2);
    if shown.is_empty() {
        let waiting = match palette.kind {
            PaletteKind::Sessions if model.sessions.is_none() => "loading the sessions…",
            PaletteKind::Sessions => "no saved sessions in this project",
            _ => "nothing matches",
        };
        buf.set_line(
            list.x + 2,
            list.y,
            &Line::styled(waiting, Style::default().fg(theme.dim)),
            list.width.saturating_sub(2),
        );
    }
    for (row, (i, entry)) in shown
        .iter()
        .enumerate()
        .skip(first)
        .take(list.height as usize)
        .enumerate()
    {
        let is_selected = i == selected;
        let base = if is_selected {
            Style::default().bg(theme.border).fg(theme.fg)
        } else {
            Style::default().fg(theme.fg)
        };
        let mut spans = vec![Span::styled(
            if entry.item.current { " ● " } else { "   " },
            base.fg(theme.success),
        )];
        if tags {
            spans.push(Span::styled(
                format!("{:<8}", entry.item.group),
                base.fg(theme.dim),
            ));
        }
        let label = text::truncate(&entry.item.label, label_width);
        for (n, ch) in label.chars().enumerate() {
            let style = if entry.positions.contains(&n) {
                base.fg(theme.accent).add_modifier(Modifier::BOLD)
            } else {
                base
            };
            spans.push(Span::styled(ch.to_string(), style));
        }
        let used: usize = spans.iter().map(|s| s.width()).sum();
        let pad = (label_width + if tags { 11 } else { 3 }).saturating_sub(used) + 2;
        spans.push(Span::styled(" ".repeat(pad), base));
        let room = (list.width as usize).saturating_sub(used + pad);
        let detail = text::truncate(&entry.item.detail, room);
        let fill = room.saturating_sub(detail.chars().count());
        spans.push(Span::styled(detail, base.fg(theme.dim)));
        spans.push(Span::styled(" ".repeat(fill), base));
        buf.set_line(list.x, list.y + row as u16, &Line::from(spans), list.width);
    }

    let keys = match palette.kind {
        PaletteKind::Models => format!(
            "thinking ‹{}› ←/→ · Enter use · Ctrl+S use and save as default · Esc close",
            palette.effort.as_str()
        ),
        PaletteKind::Copy => "Enter copy · Esc close".to_string(),
        PaletteKind::Themes => "Enter use · Ctrl+S use and save as default · Esc close".to_string(),
        _ => "type to filter · ↑/↓ choose · Enter run · Esc close".to_string(),
    };
    buf.set_line(
        inner.x + 1,
        inner.y + inner.height - 1,
        &Line::styled(
            text::truncate(&keys, inner.width.saturating_sub(2) as usize),
            Style::default().fg(theme.dim),
        ),
        inner.width.saturating_sub(1),
    );
}
