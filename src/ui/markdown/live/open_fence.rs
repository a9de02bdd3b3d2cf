//! The open code fence at the end of a streaming message, taken line by line: each complete
//! line of code is rendered once, when it arrives, and only the partial last line is redone
//! per frame, so a delta costs the same in a fence of 20 lines or 20,000. Its lines equal what
//! `render_markdown` draws for the same text; anything this reader does not follow exactly (a
//! closing fence, a carriage return, a NUL) hands the block back to the full renderer.

use ratatui::text::Line;

use super::super::blocks::{Fence, code_rows, open_code_line};
use super::super::{Rendering, render_blocks};
use crate::theme::Theme;
use crate::ui::highlight::highlight_ahead;

/// A fenced code block at the top level whose closing fence has not come yet.
pub(super) struct OpenFence {
    fence: Fence,
    /// Where the block starts in the message (its opening fence).
    at: usize,
    /// The info string, for the highlighter that reads ahead.
    lang: String,
    /// Where the code starts in the message (after the opening fence's line).
    body: usize,
    /// Where the next complete line not yet taken starts.
    scanned: usize,
    /// Empty lines taken but not drawn: a block's trailing empty lines are not shown, so they
    /// wait for a line with text.
    held: usize,
    /// Lines of the block that are final (its gap and header, then drawn code), counted after
    /// the message's committed lines.
    rows: usize,
    /// The width code wraps at (the bar takes two columns of the message's width).
    available: usize,
}

impl OpenFence {
    /// Starts reading the fence that opens `src[at..]` at column 0, if the text there is one
    /// whose opening line is complete: its gap and header go into `lines` (after `committed`
    /// lines, the last of which decides the gap), and the code that came so far is taken.
    pub fn start(
        src: &str,
        at: usize,
        lines: &mut Vec<Line<'static>>,
        committed: usize,
        width: u16,
        theme: &Theme,
    ) -> Option<OpenFence> {
        let tail = &src[at..];
        if tail.starts_with([' ', '\t']) {
            return None;
        }
        let opener = &tail[..tail.find('\n')?];
        let fence = Fence::opening(opener)?;
        let info = opener.trim_start_matches(['`', '~']);
        if (opener.starts_with('`') && info.contains('`')) || has_unfollowed(opener) {
            return None;
        }
        let body = at + opener.len() + 1;
        // The full renderer's lines stay if this is not a fence to follow.
        let rendered = lines.split_off(committed);
        let head = render_blocks(
            &src[at..body],
            width,
            theme,
            Rendering::Streaming,
            lines.last(),
            &mut Vec::new(),
        );
        let rows = head.len();
        lines.extend(head);
        let mut open = OpenFence {
            fence,
            at,
            lang: info.trim().to_string(),
            body,
            scanned: body,
            held: 0,
            rows,
            available: (width as usize).max(4).saturating_sub(2).max(1),
        };
        if open.render(src, lines, committed, theme).is_none() {
            lines.truncate(committed);
            lines.extend(rendered);
            return None;
        }
        Some(open)
    }

    /// Draws the block as `src` now has it into `lines` (after `committed` lines): the new
    /// complete lines are taken for good, the partial last one drawn afresh. Returns how many
    /// lines are unchanged since the last call, or None when the block is no longer one this
    /// reader can follow (the caller renders it in full).
    pub fn render(
        &mut self,
        src: &str,
        lines: &mut Vec<Line<'static>>,
        committed: usize,
        theme: &Theme,
    ) -> Option<usize> {
        let complete = src.rfind('\n').map_or(0, |i| i + 1).max(self.scanned);
        let unchanged = committed + self.rows;
        lines.truncate(unchanged);
        for line in src[self.scanned..complete].split_terminator('\n') {
            if self.fence.closed_by(line, 3) || has_unfollowed(line) {
                return None;
            }
            if line.is_empty() {
                self.held += 1;
            } else {
                self.draw(line, lines, theme);
                self.rows = lines.len() - committed;
            }
        }
        self.scanned = complete;
        let partial = &src[complete..];
        if self.fence.closed_by(partial, 3) || has_unfollowed(partial) {
            return None;
        }
        // The renderer takes a block whose last line looks like its fence (at any indentation)
        // as closed: so does this.
        let block = src[self.at..].trim_end();
        if let Some((_, last)) = block.rsplit_once('\n')
            && self.fence.closed_by(last, usize::MAX)
        {
            return None;
        }
        // (The parser leaves out a last line of up to three spaces, as if it were empty.)
        if partial.len() > 3 || partial.bytes().any(|b| b != b' ') {
            // Drawn with the empty lines before it, which it makes part of the block; both are
            // redrawn next frame (a delta may extend the line).
            let held = self.held;
            self.draw(partial, lines, theme);
            self.held = held;
        }
        highlight_ahead(&src[self.body..complete], &self.lang, theme);
        Some(unchanged)
    }

    /// Draws the held empty lines and then `line`.
    fn draw(&mut self, line: &str, lines: &mut Vec<Line<'static>>, theme: &Theme) {
        for _ in 0..std::mem::take(&mut self.held) {
            lines.extend(code_rows(&open_code_line("", theme), self.available, theme));
        }
        lines.extend(code_rows(
            &open_code_line(line, theme),
            self.available,
            theme,
        ));
    }
}

/// Characters the markdown parser rewrites in code (line endings, NUL): left to it.
fn has_unfollowed(line: &str) -> bool {
    line.contains(['\r', '\0'])
}
