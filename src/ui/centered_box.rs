//! A box over the middle of the screen, a third of the way down, cleared and framed with a
//! bold title in one colour: the palette, the pickers and dialogs draw inside it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
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
