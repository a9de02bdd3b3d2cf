//! (stub until the rendering branch lands)
use ratatui::text::Line;

use crate::diff::FileDiff;
use crate::ui::theme::Theme;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffLayout {
    Unified,
    SideBySide,
}

pub struct DiffRender {
    pub lines: Vec<Line<'static>>,
    pub hunk_starts: Vec<usize>,
}

pub fn auto_layout(width: u16) -> DiffLayout {
    if width >= 160 {
        DiffLayout::SideBySide
    } else {
        DiffLayout::Unified
    }
}

pub fn render_diff(
    diff: &FileDiff,
    _width: u16,
    _layout: DiffLayout,
    _theme: &Theme,
) -> DiffRender {
    let mut lines = Vec::new();
    let mut hunk_starts = Vec::new();
    for h in &diff.hunks {
        hunk_starts.push(lines.len());
        for l in &h.lines {
            lines.push(Line::raw(l.text.clone()));
        }
    }
    DiffRender { lines, hunk_starts }
}
