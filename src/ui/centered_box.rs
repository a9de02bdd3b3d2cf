//! A box over the middle of the screen, a third of the way down, cleared and framed with a
//! bold title in one colour: the palette, the pickers and dialogs draw inside it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

/// The widest and tallest a picker gets.
const PICKER_WIDTH: u16 = 96;
const PICKER_HEIGHT: u16 = 22;

/// A picker's box (the palette, the rewind picker): as wide as the screen allows up to a
/// limit, `rows` tall (all the screen allows when None); its inside, or None when too little
/// fits to be of use.
pub fn picker(
    screen: Rect,
    rows: Option<u16>,
    title: &str,
    colour: Color,
    buf: &mut Buffer,
) -> Option<Rect> {
    let width = screen.width.saturating_sub(4).min(PICKER_WIDTH);
    let height = rows
        .unwrap_or(u16::MAX)
        .min(screen.height.saturating_sub(1))
        .min(PICKER_HEIGHT);
    if width < 20 || height < 5 {
        return None;
    }
    Some(draw(screen, width, height, title, colour, buf))
}

/// Draws the frame of a `width` x `height` box centred on `screen` and returns its inside.
pub fn draw(
    screen: Rect,
    width: u16,
    height: u16,
    title: &str,
    colour: Color,
    buf: &mut Buffer,
) -> Rect {
    let (width, height) = (width.min(screen.width), height.min(screen.height));
    let area = Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 3,
        width,
        height,
    };
    Clear.render(area, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(colour))
        .title(Span::styled(
            title.to_string(),
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// What a dialog shows: `body` above `keys`, under `title` in `colour`. On a short screen the
/// keys stay and the body is cut, keeping its line `keep` in view.
pub struct Dialog<'a> {
    pub title: &'a str,
    pub colour: Color,
    pub body: &'a [Line<'static>],
    pub keys: &'a [Line<'static>],
    pub keep: usize,
}

/// Draws `dialog` in a `width`-wide box centred on `screen`, as tall as it needs.
pub fn dialog(screen: Rect, width: u16, dialog: Dialog<'_>, buf: &mut Buffer) {
    let Dialog {
        title,
        colour,
        body,
        keys,
        keep,
    } = dialog;
    let height = ((body.len() + keys.len()) as u16 + 2).min(screen.height);
    let inner = draw(screen, width, height, title, colour, buf);
    let rows = inner.height as usize;
    let room = rows.saturating_sub(keys.len());
    // The kept line shows; the body scrolls no further than its end.
    let first = (keep + 1)
        .saturating_sub(room)
        .min(body.len().saturating_sub(room));
    let shown = body.iter().skip(first).take(room).chain(keys.iter());
    for (row, line) in shown.take(rows).enumerate() {
        buf.set_line(
            inner.x + 1,
            inner.y + row as u16,
            line,
            inner.width.saturating_sub(2),
        );
    }
}

/// A key and what it does, for a dialog's key lines: the key bold in `colour`.
pub fn key_hint(key: &str, does: String, colour: Color, text: Color) -> Vec<Span<'static>> {
    vec![
        Span::styled(
            key.to_string(),
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
        ),
        Span::styled(does, Style::default().fg(text)),
    ]
}
