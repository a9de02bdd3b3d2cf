//! (stub until the rendering branch lands)
use ratatui::text::Line;

use crate::ui::theme::Theme;

pub fn render_markdown(src: &str, width: u16, _theme: &Theme) -> Vec<Line<'static>> {
    let w = width.max(1) as usize;
    let mut out = Vec::new();
    for line in src.lines() {
        let chars: Vec<char> = line.chars().collect();
        if chars.is_empty() {
            out.push(Line::raw(""));
        }
        for chunk in chars.chunks(w) {
            out.push(Line::raw(chunk.iter().collect::<String>()));
        }
    }
    out
}
