//! Where the view starts, found by measuring only the cells it passes over: Follow lays out
//! from the bottom up; a scrolled view moves from the cell it showed last (so heights corrected
//! above it never move it); a search match shows its cell near the top.

use crate::app::model::{Model, Scroll};

use super::layout::{Anchor, TranscriptCache, ViewStart};

/// One frame's layout work: the cells' heights as they stand, measured as the view needs them.
pub(super) struct Pass<'f> {
    model: &'f Model,
    pub cache: &'f mut TranscriptCache,
    width: u16,
    /// Each cell's height plus its blank line, measured or estimated.
    pub heights: Vec<usize>,
}

impl<'f> Pass<'f> {
    pub fn new(model: &'f Model, cache: &'f mut TranscriptCache, width: u16) -> Self {
        let heights = cache.heights(model, width);
        Pass {
            model,
            cache,
            width,
            heights,
        }
    }

    fn measure(&mut self, index: usize) -> usize {
        self.cache
            .measure(self.model, index, self.width, &mut self.heights, true)
    }

    /// The first cell and line the view shows on a screen of `rows` rows.
    pub fn view_start(&mut self, rows: usize) -> ViewStart {
        let count = self.model.cells.len();
        let top = ViewStart { cell: 0, skip: 0 };
        let wanted = match self.model.scroll {
            Scroll::Follow => return self.ending_at_bottom(rows),
            Scroll::FromTop(0) => top,
            Scroll::FromTop(line) => match self.cache.anchor {
                Some(anchor) => self.moved(anchor, line),
                None => self.at_line(line),
            },
            // A line of the cell before it stays in view, for context.
            Scroll::Cell(cell) => match cell.min(count) {
                0 => top,
                cell => ViewStart {
                    cell: cell - 1,
                    skip: self.measure(cell - 1) - 1,
                },
            },
        };
        // A view that would end above the bottom of the screen shows the end instead.
        let mut below = 0;
        for index in wanted.cell..count {
            below += self.measure(index);
            if below.saturating_sub(wanted.skip) >= rows {
                return wanted;
            }
        }
        self.ending_at_bottom(rows)
    }

    /// The view that ends with the last cell's blank line.
    fn ending_at_bottom(&mut self, rows: usize) -> ViewStart {
        let mut above = 0;
        for index in (0..self.model.cells.len()).rev() {
            above += self.measure(index);
            if above >= rows {
                return ViewStart {
                    cell: index,
                    skip: above - rows,
                };
            }
        }
        ViewStart { cell: 0, skip: 0 }
    }

    /// The cell holding line `line`, by the heights as they stand.
    fn at_line(&self, line: usize) -> ViewStart {
        let mut first = 0;
        for (cell, height) in self.heights.iter().enumerate() {
            if line < first + height {
                return ViewStart {
                    cell,
                    skip: line - first,
                };
            }
            first += height;
        }
        ViewStart {
            cell: self.heights.len().saturating_sub(1),
            skip: 0,
        }
    }

    /// The view `line - anchor.line` lines below (or above) the one the anchor shows, counted
    /// over measured cells.
    fn moved(&mut self, anchor: Anchor, line: usize) -> ViewStart {
        let mut cell = anchor.start.cell;
        let mut skip = anchor.start.skip.min(self.measure(cell) - 1);
        if line >= anchor.line {
            let mut down = line - anchor.line;
            loop {
                let height = self.measure(cell);
                if skip + down < height || cell + 1 >= self.model.cells.len() {
                    return ViewStart {
                        cell,
                        skip: (skip + down).min(height - 1),
                    };
                }
                down -= height - skip;
                skip = 0;
                cell += 1;
            }
        }
        let mut up = anchor.line - line;
        while up > skip {
            if cell == 0 {
                return ViewStart { cell: 0, skip: 0 };
            }
            up -= skip + 1;
            cell -= 1;
            skip = self.measure(cell) - 1;
        }
        ViewStart {
            cell,
            skip: skip - up,
        }
    }
}
