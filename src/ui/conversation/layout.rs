//! The transcript's layout, lazily: each cell's height at the current width is measured when the
//! cell comes on screen (and a few more each frame in the background) and estimated from its
//! text until then, so a frame after a resize or a resume costs the same with 10 cells or
//! 10,000. Rendered lines are kept only for the cells last on screen (re-rendered from the
//! source when they come back), and the live message renders only its open tail.

use ratatui::text::Line;

use crate::app::model::{Cell, CellKind, Model};
use crate::ui::highlight;
use crate::ui::markdown::live::LiveMarkdown;

use super::{assistant_line, assistant_width, render_cell, tool_height};

/// Cells whose rendered lines are kept; past this the least recently shown are dropped.
pub(super) const KEPT_CELLS: usize = 64;
/// Cells measured per frame in the background until every height is known.
pub(super) const MEASURED_PER_FRAME: usize = 48;

/// What is known of one cell at the current width.
#[derive(Default)]
struct Slot {
    /// The cell version and width `height` and `lines` are for.
    version: u64,
    width: u16,
    /// The measured height in lines (without the blank line after the cell).
    height: Option<usize>,
    lines: Option<Vec<Line<'static>>>,
    /// `lines` were drawn while highlighting was deferred (code in them is plain): draw them
    /// again once it is not. Heights stay: colour does not change how text wraps.
    provisional: bool,
    /// The frame that last used `lines`.
    used: u64,
    /// The height guessed from the text, for `estimate_version`.
    estimate: usize,
    estimate_version: u64,
    estimate_width: u16,
}

/// The live message's incremental rendering.
struct Live {
    index: usize,
    markdown: LiveMarkdown,
    /// Started while highlighting was deferred: its committed code is plain, so start again.
    provisional: bool,
}

/// Where the view begins: a cell and the lines of it scrolled past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ViewStart {
    pub cell: usize,
    pub skip: usize,
}

/// The view of the last frame: its first line as reported, and what was shown there.
#[derive(Clone, Copy, Debug)]
pub(super) struct Anchor {
    pub line: usize,
    pub start: ViewStart,
}

/// Per-cell heights and rendered lines, indexed like `Model::cells`.
#[derive(Default)]
pub struct TranscriptCache {
    slots: Vec<Slot>,
    live: Option<Live>,
    frame: u64,
    kept: usize,
    pub(super) anchor: Option<Anchor>,
}

impl TranscriptCache {
    /// Starts a frame: one slot per cell, and the live renderer only for the live cell.
    pub(super) fn begin(&mut self, model: &Model) {
        self.frame += 1;
        self.slots.resize_with(model.cells.len(), Slot::default);
        if self
            .live
            .as_ref()
            .is_some_and(|live| Some(live.index) != model.live_cell)
        {
            self.live = None;
        }
        if self
            .anchor
            .is_some_and(|a| a.start.cell >= model.cells.len())
        {
            self.anchor = None;
        }
    }

    /// Each cell's height plus its blank line: measured where known, estimated elsewhere.
    pub(super) fn heights(&mut self, model: &Model, width: u16) -> Vec<usize> {
        model
            .cells
            .iter()
            .zip(self.slots.iter_mut())
            .map(|(cell, slot)| {
                // A height measured for an older version at this width is the better guess
                // (the live message grows by a line or two a frame; its text is not rescanned).
                1 + match (&cell.kind, slot.height) {
                    (CellKind::Tool(_), _) => tool_height(model, &cell.kind, width),
                    (_, Some(height)) if slot.width == width => height,
                    _ => slot.estimated(cell, width),
                }
            })
            .collect()
    }

    pub(super) fn is_measured(&self, model: &Model, index: usize, width: u16) -> bool {
        let slot = &self.slots[index];
        slot.height.is_some() && slot.version == model.cells[index].version && slot.width == width
    }

    /// The exact height of cell `index` (plus its blank line), rendering it if needed; the
    /// rendered lines are kept only when `keep` (the cell is on screen).
    pub(super) fn measure(
        &mut self,
        model: &Model,
        index: usize,
        width: u16,
        heights: &mut [usize],
        keep: bool,
    ) -> usize {
        if matches!(model.cells[index].kind, CellKind::Tool(_)) {
            // Drawn afresh every frame: its height is what it shows now.
            let height = tool_height(model, &model.cells[index].kind, width);
            let slot = &mut self.slots[index];
            slot.version = model.cells[index].version;
            slot.width = width;
            slot.height = Some(height);
            heights[index] = height + 1;
            return height + 1;
        }
        // The live message is always measured through its incremental rendering.
        let keep = keep || model.live_cell == Some(index);
        let height = if self.is_measured(model, index, width) {
            if keep {
                self.lines(model, index, width);
            }
            self.slots[index].height.unwrap_or(0)
        } else if keep {
            self.lines(model, index, width).len()
        } else {
            let height = render(model, index, width).len();
            let slot = &mut self.slots[index];
            let cell = &model.cells[index];
            if slot.version != cell.version || slot.width != width {
                slot.drop_lines(&mut self.kept);
            }
            slot.version = cell.version;
            slot.width = width;
            slot.height = Some(height);
            height
        };
        heights[index] = height + 1;
        height + 1
    }

    /// The rendered lines of cell `index` at `width` (tool cells have none: they are drawn
    /// live), rendering them if they are not kept.
    pub(super) fn lines(&mut self, model: &Model, index: usize, width: u16) -> &[Line<'static>] {
        let cell = &model.cells[index];
        let frame = self.frame;
        let fresh = {
            let slot = &self.slots[index];
            slot.lines.is_some()
                && slot.version == cell.version
                && slot.width == width
                && (!slot.provisional || highlight::deferred())
        };
        if matches!(cell.kind, CellKind::Tool(_)) {
            let height = tool_height(model, &cell.kind, width);
            let slot = &mut self.slots[index];
            slot.version = cell.version;
            slot.width = width;
            slot.height = Some(height);
            return &[];
        }
        if !fresh {
            let live_markdown =
                model.live_cell == Some(index) && matches!(cell.kind, CellKind::Assistant(_));
            if live_markdown {
                self.render_live(model, index, width);
            } else {
                let lines = render(model, index, width);
                let slot = &mut self.slots[index];
                if slot.lines.is_none() {
                    self.kept += 1;
                }
                slot.lines = Some(lines);
            }
            let slot = &mut self.slots[index];
            slot.version = cell.version;
            slot.width = width;
            slot.height = slot.lines.as_ref().map(Vec::len);
            slot.provisional = highlight::deferred();
        }
        let slot = &mut self.slots[index];
        slot.used = frame;
        slot.lines.as_deref().unwrap_or(&[])
    }

    /// Updates the live message's lines from its open tail only.
    fn render_live(&mut self, model: &Model, index: usize, width: u16) {
        let CellKind::Assistant(text) = &model.cells[index].kind else {
            return;
        };
        let md_width = assistant_width(width);
        let live = match &mut self.live {
            Some(live)
                if live.index == index
                    && live.markdown.width() == md_width
                    && (!live.provisional || highlight::deferred()) =>
            {
                live
            }
            _ => self.live.insert(Live {
                index,
                markdown: LiveMarkdown::new(md_width),
                provisional: highlight::deferred(),
            }),
        };
        let shown = live.markdown.render(text, &model.theme);
        let slot = &mut self.slots[index];
        let same_width = slot.width == width;
        let lines = match &mut slot.lines {
            Some(lines) => lines,
            None => {
                self.kept += 1;
                slot.lines.insert(Vec::new())
            }
        };
        let unchanged = if same_width {
            shown.unchanged.min(lines.len())
        } else {
            0
        };
        lines.truncate(unchanged);
        lines.extend(
            shown.lines[unchanged..]
                .iter()
                .enumerate()
                .map(|(i, line)| assistant_line(unchanged + i, line.clone(), &model.theme)),
        );
        if lines.is_empty() {
            lines.push(assistant_line(0, Line::raw(""), &model.theme));
        }
    }

    /// Measures up to a frame's share of the cells whose height is still a guess, the newest
    /// first. Returns whether every height is now known.
    pub(super) fn measure_some(
        &mut self,
        model: &Model,
        width: u16,
        heights: &mut [usize],
    ) -> bool {
        let mut budget = MEASURED_PER_FRAME;
        for index in (0..model.cells.len()).rev() {
            if self.is_measured(model, index, width) {
                continue;
            }
            if budget == 0 {
                return false;
            }
            budget -= 1;
            self.measure(model, index, width, heights, false);
        }
        true
    }

    /// Drops the rendered lines of the cells shown longest ago, past `KEPT_CELLS`.
    pub(super) fn evict(&mut self) {
        if self.kept <= KEPT_CELLS + KEPT_CELLS / 4 {
            return;
        }
        let mut used: Vec<(u64, usize)> = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.lines.is_some())
            .map(|(i, s)| (s.used, i))
            .collect();
        used.sort_unstable();
        let excess = used.len().saturating_sub(KEPT_CELLS);
        for &(stamp, index) in &used[..excess] {
            if stamp == self.frame {
                break;
            }
            self.slots[index].drop_lines(&mut self.kept);
        }
    }

    /// How many cells hold rendered lines (for tests of the memory bound).
    #[cfg(test)]
    pub(super) fn kept_cells(&self) -> usize {
        self.slots.iter().filter(|s| s.lines.is_some()).count()
    }

    /// How many cells have a measured height at `width` (for tests of the lazy layout).
    #[cfg(test)]
    pub(super) fn measured_cells(&self, model: &Model, width: u16) -> usize {
        (0..self.slots.len().min(model.cells.len()))
            .filter(|&i| self.is_measured(model, i, width))
            .count()
    }
}

impl Slot {
    fn drop_lines(&mut self, kept: &mut usize) {
        if self.lines.take().is_some() {
            *kept = kept.saturating_sub(1);
        }
    }

    /// A guess of the cell's height from its text: its lines, wrapped at `width`.
    fn estimated(&mut self, cell: &Cell, width: u16) -> usize {
        if self.estimate_version != cell.version || self.estimate_width != width {
            self.estimate = estimate(&cell.kind, width);
            self.estimate_version = cell.version;
            self.estimate_width = width;
        }
        self.estimate
    }
}

fn estimate(kind: &CellKind, width: u16) -> usize {
    let width = (width as usize).saturating_sub(2).max(1);
    let rows = |text: &str| {
        text.lines()
            .map(|line| line.len().div_ceil(width).max(1))
            .sum::<usize>()
            .max(1)
    };
    match kind {
        CellKind::Tool(_) => 1,
        CellKind::Thinking(_) => 1,
        CellKind::User(text)
        | CellKind::Assistant(text)
        | CellKind::Error(text)
        | CellKind::Notice(text) => rows(text),
        CellKind::Info { body, .. } => 1 + rows(body),
        CellKind::Welcome(_) => 4,
    }
}

fn render(model: &Model, index: usize, width: u16) -> Vec<Line<'static>> {
    render_cell(&model.cells[index].kind, model, width)
}
