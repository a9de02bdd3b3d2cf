//! The open paragraph at the end of a streaming message, taken line by line: its first lines
//! are kept as rendered once nothing after them can change them, and each frame parses and
//! wraps only the lines after those. Whether a line is settled is decided conservatively: the
//! lines before it parsed alone must have used up every emphasis, code or link delimiter they
//! hold (so no later closer can reach back into them), and the line after the cut must be one
//! that continues a paragraph the same way on its own (not an underline that makes the whole
//! paragraph a heading, not a table's delimiter row, not the start of another block). Anything
//! else hands the paragraph back to the full renderer.

use pulldown_cmark::{Event, Parser};
use ratatui::text::Line;

use super::super::document::options;
use super::super::{BlockKind, Rendering, render_blocks};
use crate::theme::Theme;

/// A paragraph at the top level that has not ended yet.
pub(super) struct OpenParagraph {
    /// Where its lines not yet settled start (a line start).
    cut: usize,
    /// Lines of it that are final (with the gap before it), after the message's committed
    /// lines.
    rows: usize,
    width: u16,
    /// The length of the last lines that would not settle: they are tried again only once
    /// the open part has doubled (an unclosed `*` early on keeps it open for good).
    failed: usize,
}

impl OpenParagraph {
    /// Follows the paragraph that `src[at..]` is, from its start.
    pub fn start(at: usize, width: u16) -> OpenParagraph {
        OpenParagraph {
            cut: at,
            rows: 0,
            width,
            failed: 0,
        }
    }

    /// Draws the paragraph as `src` now has it into `lines` (after `committed` lines) and
    /// settles what it can. Returns how many lines are unchanged since the last call, or None
    /// when the text is no longer a paragraph this reader can follow.
    pub fn render(
        &mut self,
        src: &str,
        lines: &mut Vec<Line<'static>>,
        committed: usize,
        theme: &Theme,
    ) -> Option<usize> {
        let rest = &src[self.cut..];
        let first = rest.split('\n').next().unwrap_or("");
        // A blank line ends the paragraph: the full renderer commits it.
        let ended = rest
            .split_terminator('\n')
            .any(|line| line.trim().is_empty())
            && rest.contains('\n');
        if ended || self.rows > 0 && changes_lines_above(first) {
            return None;
        }
        let unchanged = committed + self.rows;
        lines.truncate(unchanged);
        let before = if self.rows == 0 { lines.last() } else { None };
        let open = self.one_paragraph(rest, before, theme)?;
        // The complete lines settle when nothing that can follow them reaches back.
        let complete = rest.rfind('\n').map_or(0, |i| i + 1);
        let settled = &rest[..complete];
        if complete > 0 && complete >= 2 * self.failed {
            match inert(settled)
                .then(|| self.one_paragraph(settled, before, theme))
                .flatten()
            {
                Some(rows) if open.starts_with(&rows) => {
                    self.rows += rows.len();
                    self.cut += complete;
                    self.failed = 0;
                }
                _ => self.failed = complete,
            }
        }
        lines.extend(open);
        Some(unchanged)
    }

    /// How many of its lines are settled (for tests).
    #[cfg(test)]
    pub fn settled_rows(&self) -> usize {
        self.rows
    }

    /// `text` rendered on its own, if it is (at most) one paragraph starting on its first line.
    fn one_paragraph(
        &self,
        text: &str,
        before: Option<&Line<'static>>,
        theme: &Theme,
    ) -> Option<Vec<Line<'static>>> {
        let mut starts = Vec::new();
        let lines = render_blocks(
            text,
            self.width,
            theme,
            Rendering::Streaming,
            before,
            &mut starts,
        );
        match starts.as_slice() {
            [] => Some(lines),
            [only] if only.kind == BlockKind::Paragraph && !text[..only.source].contains('\n') => {
                Some(lines)
            }
            _ => None,
        }
    }
}

/// A line that, right after a paragraph's lines, would change how they render: a setext
/// underline (the paragraph becomes a heading) or a table's delimiter row (its last line
/// becomes a header).
fn changes_lines_above(line: &str) -> bool {
    let trimmed = line.trim_start_matches(' ');
    let underline = ['=', '-'].iter().any(|&c| {
        let rest = trimmed.trim_start_matches(c);
        rest.len() < trimmed.len() && rest.trim_matches([' ', '\t']).is_empty()
    });
    let delimiter_row = line.contains('-')
        && line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'));
    underline || delimiter_row
}

/// Whether `text` (complete paragraph lines) has used up every inline delimiter it holds: no
/// character that could still open or close emphasis, a code span, a link or inline HTML
/// with text that comes after it, and no backslash that the next line would make a break.
fn inert(text: &str) -> bool {
    if text.trim_end_matches('\n').ends_with('\\') {
        return false;
    }
    Parser::new_ext(text, options()).all(|event| match event {
        Event::Text(t) => !has_delimiter(&t),
        Event::Html(_) | Event::InlineHtml(_) => false,
        _ => true,
    })
}

/// A character left in text that a later closer could pair with (an `_` between letters or
/// digits can do neither).
fn has_delimiter(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| match c {
        '*' | '`' | '~' | '[' | ']' => true,
        // Inline HTML and autolinks start with `<` and a letter, `/`, `!` or `?`.
        '<' => chars
            .get(i + 1)
            .is_none_or(|c| c.is_alphabetic() || matches!(c, '/' | '!' | '?')),
        '_' => {
            let alnum = |j: Option<&char>| j.is_some_and(|c| c.is_alphanumeric());
            !(i > 0 && alnum(chars.get(i - 1)) && alnum(chars.get(i + 1)))
        }
        _ => false,
    })
}
