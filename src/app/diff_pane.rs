//! `/diff`'s pane while open: the changed files, which one is shown, how far its diff is
//! scrolled and in which layout. Keys: Up/Down (k/j) choose the file, PgUp/PgDn/Space scroll,
//! J/K a line, [ ] hunks, Home/End, v unified/side by side, Esc or q close.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::diff_layout::{self, DiffLayout};
use crate::protocol::changes::ChangedFile;

/// The diff's area is this wide on a 160-column terminal.
const SIDE_BY_SIDE_AREA: u16 = 110;

/// The file list's width: 30% of the pane, at least 24 columns.
pub fn list_width(inner_width: u16) -> u16 {
    (inner_width * 3 / 10).max(24).min(inner_width / 2)
}

/// The size of the diff's area on a `(width, height)` screen: the pane takes everything above
/// the input and status bar (4 rows); inside its border, right of the file list and its
/// separator, above the key line.
pub fn diff_area(screen: (u16, u16)) -> (u16, u16) {
    let inner_width = screen.0.saturating_sub(2);
    let inner_height = screen.1.saturating_sub(4).saturating_sub(2);
    let list = list_width(inner_width);
    (
        inner_width.saturating_sub(list + 1),
        inner_height.saturating_sub(1),
    )
}

#[derive(Clone, Debug, PartialEq)]
pub struct DiffPane {
    pub files: Vec<ChangedFile>,
    pub selected: usize,
    /// The first line of the selected file's diff on screen.
    pub scroll: usize,
    /// None: side by side on wide screens, unified on narrow ones.
    pub layout: Option<DiffLayout>,
}

/// What a key did to the pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaneKey {
    Handled,
    Close,
}

impl DiffPane {
    pub fn new(files: Vec<ChangedFile>) -> Self {
        DiffPane {
            files,
            selected: 0,
            scroll: 0,
            layout: None,
        }
    }

    /// The layout used at a diff area `width` columns wide: side by side from
    /// `SIDE_BY_SIDE_AREA` columns (a terminal of about 160), unless the user chose.
    pub fn layout_at(&self, width: u16) -> DiffLayout {
        self.layout.unwrap_or(if width >= SIDE_BY_SIDE_AREA {
            DiffLayout::SideBySide
        } else {
            DiffLayout::Unified
        })
    }

    /// The layout for `file`: a file that only gains or only loses lines has nothing to put
    /// beside them, so it is unified unless the user chose.
    pub fn layout_for(&self, file: &ChangedFile, width: u16) -> DiffLayout {
        let one_sided = file.diff.added == 0 || file.diff.removed == 0;
        match self.layout {
            None if one_sided => DiffLayout::Unified,
            _ => self.layout_at(width),
        }
    }

    /// `screen` is the terminal's size (the pane's geometry follows from it).
    pub fn on_key(&mut self, key: &KeyEvent, screen: (u16, u16)) -> PaneKey {
        let (width, height) = diff_area(screen);
        let page = (height as usize).saturating_sub(2).max(1);
        let layout = self
            .files
            .get(self.selected)
            .map_or(DiffLayout::Unified, |f| self.layout_for(f, width));
        let shape = self
            .files
            .get(self.selected)
            .map(|f| diff_layout::shape(&f.diff, layout));
        let lines = shape.as_ref().map_or(0, |s| s.lines);
        let max_scroll = lines.saturating_sub(height as usize);
        let last = self.files.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return PaneKey::Close,
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                self.scroll = 0;
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(last);
                self.scroll = 0;
            }
            KeyCode::PageDown | KeyCode::Char(' ') => {
                self.scroll = (self.scroll + page).min(max_scroll)
            }
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(page),
            KeyCode::Char('J') => self.scroll = (self.scroll + 1).min(max_scroll),
            KeyCode::Char('K') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => self.scroll = 0,
            KeyCode::End | KeyCode::Char('G') => self.scroll = max_scroll,
            KeyCode::Char(']') | KeyCode::Char('[') => {
                let starts = shape.map(|s| s.hunk_starts).unwrap_or_default();
                let target = if key.code == KeyCode::Char(']') {
                    starts.into_iter().find(|&s| s > self.scroll)
                } else {
                    starts.into_iter().rev().find(|&s| s < self.scroll)
                };
                if let Some(target) = target {
                    self.scroll = target.min(max_scroll);
                }
            }
            KeyCode::Char('v') => {
                self.layout = Some(match layout {
                    DiffLayout::Unified => DiffLayout::SideBySide,
                    DiffLayout::SideBySide => DiffLayout::Unified,
                });
            }
            _ => {}
        }
        PaneKey::Handled
    }
}
