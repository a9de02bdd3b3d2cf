//! Markdown of a message that is still streaming, rendered incrementally: top-level blocks that
//! can no longer change (every block but the last) are committed as rendered lines and never
//! parsed or highlighted again; each frame parses and renders only the open tail. An open code
//! fence at the end is taken line by line (`open_fence`), so one huge block costs no more per
//! frame than a small one. The lines equal `render_markdown` of the whole text (a test checks
//! it on generated messages).

use ratatui::text::Line;

use super::{BlockKind, BlockStart, Rendering, render_blocks, trim_blank_end};
use crate::theme::Theme;

mod open_fence;
mod open_paragraph;
use open_fence::OpenFence;
use open_paragraph::OpenParagraph;

/// How many bytes before the cut are remembered to check that the text still starts with what
/// was committed (a message only grows; anything else is rendered anew).
const CHECK_BYTES: usize = 64;

/// The incremental rendering of one growing message at one width.
pub struct LiveMarkdown {
    width: u16,
    /// The bytes of the source whose blocks are committed (the tail starts here, at a line
    /// start), and the last bytes of that prefix.
    committed_source: usize,
    check: Vec<u8>,
    /// Rendered lines: the committed ones first, then the open tail's.
    lines: Vec<Line<'static>>,
    committed_lines: usize,
    /// A link reference definition was seen: it can change blocks above it, so every frame
    /// renders the whole message.
    whole: bool,
    /// How far the text was searched for reference definitions (a line start).
    searched: usize,
    /// The open code fence or paragraph the tail is, read line by line.
    open: Option<OpenBlock>,
}

/// The last block of the text, still open, when the tail is one this renders line by line.
enum OpenBlock {
    Fence(OpenFence),
    Paragraph(OpenParagraph),
}

/// What one render produced: the lines (without trailing blank lines) and how many of the
/// leading ones are unchanged since the previous render.
pub struct LiveLines<'a> {
    pub lines: &'a [Line<'static>],
    pub unchanged: usize,
}

impl LiveMarkdown {
    pub fn new(width: u16) -> Self {
        LiveMarkdown {
            width,
            committed_source: 0,
            check: Vec::new(),
            lines: Vec::new(),
            committed_lines: 0,
            whole: false,
            searched: 0,
            open: None,
        }
    }

    pub fn width(&self) -> u16 {
        self.width
    }

    /// Renders `src`, which extends the text of the previous call, reusing committed blocks.
    pub fn render(&mut self, src: &str, theme: &Theme) -> LiveLines<'_> {
        if !self.continues(src) {
            *self = LiveMarkdown {
                whole: self.whole,
                ..LiveMarkdown::new(self.width)
            };
        }
        let mut unchanged = self.committed_lines;
        // Only the lines not searched before (the last, partial one is searched again).
        let searched = self.searched.max(self.committed_source);
        if !self.whole && has_reference_definition(&src[searched..]) {
            self.whole = true;
        }
        self.searched = src.rfind('\n').map_or(0, |i| i + 1).max(searched);
        if self.whole {
            self.committed_source = 0;
            self.committed_lines = 0;
            self.open = None;
            unchanged = 0;
        }
        let (lines, committed) = (&mut self.lines, self.committed_lines);
        let followed = match &mut self.open {
            Some(OpenBlock::Fence(fence)) => fence.render(src, lines, committed, theme),
            Some(OpenBlock::Paragraph(paragraph)) => paragraph.render(src, lines, committed, theme),
            None => None,
        };
        match followed {
            Some(stable) => return self.shown(stable),
            // Closed (or beyond what it follows): the full renderer takes the block.
            None => self.open = None,
        }
        let tail = &src[self.committed_source..];
        self.lines.truncate(self.committed_lines);
        let mut starts = Vec::new();
        let rendered = render_blocks(
            tail,
            self.width,
            theme,
            Rendering::Streaming,
            self.lines.last(),
            &mut starts,
        );
        self.lines.extend(rendered);
        // The blocks above a settled block start are complete: commit them.
        let mut open_starts = starts.as_slice();
        if !self.whole
            && let Some((at, line)) = settled_start(tail, &starts)
        {
            open_starts = &starts[starts.partition_point(|s| s.source < at)..];
            let cut = self.committed_source + at;
            self.committed_source = cut;
            self.committed_lines += line;
            let from = cut.saturating_sub(CHECK_BYTES);
            self.check = src.as_bytes()[from..cut].to_vec();
        }
        if !self.whole {
            // What is left open may be a fence or a paragraph: from the next frame on, read it
            // line by line.
            self.open = match open_starts {
                [only] if only.kind == BlockKind::Paragraph => Some(OpenBlock::Paragraph(
                    OpenParagraph::start(self.committed_source, self.width),
                )),
                _ => OpenFence::start(
                    src,
                    self.committed_source,
                    &mut self.lines,
                    self.committed_lines,
                    self.width,
                    theme,
                )
                .map(OpenBlock::Fence),
            };
        }
        self.shown(unchanged)
    }

    /// The lines without trailing blank ones, the first `unchanged` of them as last time.
    fn shown(&self, unchanged: usize) -> LiveLines<'_> {
        let mut shown = self.lines.len();
        while shown > 0 && self.lines[shown - 1].width() == 0 {
            shown -= 1;
        }
        LiveLines {
            lines: &self.lines[..shown],
            unchanged: unchanged.min(shown),
        }
    }

    /// Whether `src` still begins with the text whose blocks were committed.
    fn continues(&self, src: &str) -> bool {
        let cut = self.committed_source;
        src.len() >= cut
            && src.is_char_boundary(cut)
            && src.as_bytes()[cut - self.check.len()..cut] == self.check[..]
    }

    /// The lines of the whole text as `render_markdown` gives them (for a finished message).
    pub fn into_lines(mut self) -> Vec<Line<'static>> {
        trim_blank_end(&mut self.lines);
        self.lines
    }
}

/// The latest block start (its line's offset and its first rendered line) above which nothing
/// can change any more: the block begins after a blank line and its first line is complete.
/// Without the blank line a growing line can still join the block above (a table row, a
/// setext underline, a list item of the same list); an unfinished line can still become one.
fn settled_start(tail: &str, starts: &[BlockStart]) -> Option<(usize, usize)> {
    starts
        .iter()
        .skip(1)
        .rev()
        .find_map(|&BlockStart { source, line, .. }| {
            let at = line_start(tail, source);
            let before = tail[..at.checked_sub(1)?].rsplit('\n').next().unwrap_or("");
            let complete = tail[at..].contains('\n');
            (at > 0 && complete && before.trim().is_empty()).then_some((at, line))
        })
}

/// The start of the line holding byte `at` (blocks are cut at line starts, so indentation that
/// decides nesting stays with the block).
fn line_start(src: &str, at: usize) -> usize {
    src[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// A line that may define a link reference (`[name]: url`), which resolves links above it.
fn has_reference_definition(src: &str) -> bool {
    src.lines().any(|line| {
        let trimmed = line.trim_start_matches([' ', '>']);
        trimmed.starts_with('[') && trimmed.contains("]:")
    })
}

#[cfg(test)]
mod tests;
