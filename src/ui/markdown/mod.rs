//! Markdown to terminal lines, with pulldown-cmark: headings, paragraphs wrapped to the width,
//! emphasis, inline code, links, lists (nested, hanging indent, task boxes), block quotes,
//! rules, tables and highlighted code blocks. Pure: text and width in, lines out, every line at
//! most `width` columns. Robust to partial input (a streaming message): an unclosed code fence
//! renders as plain code until it closes.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::theme::Theme;
use crate::ui::highlight::{highlight_ahead, highlight_code};
use crate::ui::styled_wrap::{clip_spans, wrap_chars, wrap_spans};
use crate::ui::text::sanitize;

/// A piece of a line's left margin: quote bars and list indents, nested.
#[derive(Clone, Debug)]
enum Margin {
    Quote,
    /// A list item: its marker on the first line, spaces of the same width after.
    Item {
        marker: String,
        used: bool,
    },
}

#[derive(Default)]
struct Table {
    alignments: Vec<Alignment>,
    rows: Vec<Vec<Vec<Span<'static>>>>,
    header_rows: usize,
    in_head: bool,
}

/// Whether the text is a whole message or one still streaming (whose open code block is
/// highlighted ahead, line by line, for when it closes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rendering {
    Whole,
    Streaming,
}

struct Renderer<'t> {
    theme: &'t Theme,
    rendering: Rendering,
    width: usize,
    lines: Vec<Line<'static>>,
    margins: Vec<Margin>,
    /// Inline content of the current block, not yet wrapped. A span "\n" forces a break.
    inline: Vec<Span<'static>>,
    styles: Vec<Style>,
    lists: Vec<Option<u64>>,
    link: Option<String>,
    link_text: String,
    code: Option<(String, String, bool)>,
    table: Option<Table>,
    cell: Vec<Span<'static>>,
    heading: Option<HeadingLevel>,
}

use document::render_blocks;
pub(crate) use document::{BlockKind, BlockStart, trim_blank_end};

pub fn render_markdown(src: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = render_blocks(src, width, theme, Rendering::Whole, None, &mut Vec::new());
    trim_blank_end(&mut lines);
    lines
}

impl Renderer<'_> {
    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, f: impl FnOnce(Style) -> Style) {
        let next = f(self.style());
        self.styles.push(next);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    /// The margin for the next line, marking list markers as used.
    fn margin(&mut self) -> Vec<Span<'static>> {
        let quote = Style::default().fg(self.theme.quote);
        let marker_style = Style::default().fg(self.theme.accent);
        let mut spans = Vec::new();
        for m in self.margins.iter_mut() {
            match m {
                Margin::Quote => spans.push(Span::styled("│ ", quote)),
                Margin::Item { marker, used } => {
                    if *used {
                        spans.push(Span::raw(" ".repeat(marker.width())));
                    } else {
                        spans.push(Span::styled(marker.clone(), marker_style));
                        *used = true;
                    }
                }
            }
        }
        spans
    }

    fn margin_width(&self) -> usize {
        self.margins
            .iter()
            .map(|m| match m {
                Margin::Quote => 2,
                Margin::Item { marker, .. } => marker.width(),
            })
            .sum()
    }

    /// A blank line between blocks (with quote bars inside a quote), never two in a row.
    fn gap(&mut self) {
        if self.lines.is_empty()
            || self
                .lines
                .last()
                .is_some_and(|l| l.width() == 0 || is_bare_margin(l))
        {
            return;
        }
        let bars: Vec<Span<'static>> = self
            .margins
            .iter()
            .filter(|m| matches!(m, Margin::Quote))
            .map(|_| Span::styled("│", Style::default().fg(self.theme.quote)))
            .collect();
        self.lines.push(Line::from(bars));
    }

    fn push_text(&mut self, text: &str) {
        let text = sanitize(text);
        if self.table.is_some() {
            self.cell.push(Span::styled(text, self.style()));
        } else {
            self.inline.push(Span::styled(text, self.style()));
        }
    }

    fn event(&mut self, event: Event<'_>, source: &str) {
        match event {
            Event::Start(tag) => self.start(tag, source),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if let Some((_, code, _)) = self.code.as_mut() {
                    code.push_str(&text);
                } else {
                    if self.link.is_some() {
                        self.link_text.push_str(&text);
                    }
                    self.push_text(&text);
                }
            }
            Event::Code(code) => {
                let style = Style::default().fg(self.theme.inline_code);
                if self.table.is_some() {
                    self.cell.push(Span::styled(sanitize(&code), style));
                } else {
                    self.inline.push(Span::styled(sanitize(&code), style));
                }
            }
            // Model output means its single newlines as line breaks (a list of lines, an
            // address), so they are kept, as other coding agents do.
            Event::SoftBreak | Event::HardBreak => self.inline.push(Span::raw("\n")),
            Event::Rule => {
                self.flush();
                self.gap();
                let width = self.width.saturating_sub(self.margin_width());
                let mut spans = self.margin();
                spans.push(Span::styled(
                    "─".repeat(width),
                    Style::default().fg(self.theme.dim),
                ));
                self.lines.push(Line::from(spans));
            }
            Event::TaskListMarker(done) => self.push_text(if done { "☑ " } else { "☐ " }),
            Event::Html(html) | Event::InlineHtml(html) => {
                let style = Style::default().fg(self.theme.dim);
                self.inline
                    .push(Span::styled(sanitize(html.trim_end_matches('\n')), style));
            }
            Event::FootnoteReference(name) => self.push_text(&format!("[{name}]")),
            Event::InlineMath(m) | Event::DisplayMath(m) => self.push_text(&m),
        }
    }

    fn start(&mut self, tag: Tag<'_>, source: &str) {
        match tag {
            Tag::Paragraph => {
                self.flush();
                self.gap();
            }
            Tag::Heading { level, .. } => {
                self.flush();
                self.gap();
                self.heading = Some(level);
                let theme = self.theme;
                self.push_style(|_| {
                    let s = Style::default()
                        .fg(theme.heading)
                        .add_modifier(Modifier::BOLD);
                    if level == HeadingLevel::H1 {
                        s.add_modifier(Modifier::UNDERLINED)
                    } else {
                        s
                    }
                });
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.gap();
                self.margins.push(Margin::Quote);
                let quote = self.theme.quote;
                self.push_style(|s| s.fg(quote).add_modifier(Modifier::ITALIC));
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.gap();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let closed = !kind_is_fenced(source) || blocks::fence_closed(source);
                self.code = Some((lang, String::new(), closed));
            }
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.gap();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => match depth {
                        0 | 1 => "• ".to_string(),
                        2 => "◦ ".to_string(),
                        _ => "▪ ".to_string(),
                    },
                };
                self.margins.push(Margin::Item {
                    marker,
                    used: false,
                });
            }
            Tag::Emphasis => self.push_style(|s| s.add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(|s| s.add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(|s| s.add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.link = Some(dest_url.to_string());
                self.link_text.clear();
                let link = self.theme.link;
                self.push_style(|s| s.fg(link).add_modifier(Modifier::UNDERLINED));
            }
            Tag::Image { dest_url, .. } => {
                self.push_text("[image: ");
                self.link = Some(dest_url.to_string());
                self.link_text.clear();
                self.push_style(|s| s);
            }
            Tag::Table(alignments) => {
                self.flush();
                self.gap();
                self.table = Some(Table {
                    alignments,
                    ..Table::default()
                });
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => self.cell.clear(),
            Tag::FootnoteDefinition(_)
            | Tag::HtmlBlock
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.pop_style();
                self.heading = None;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.pop_style();
                if let Some(i) = self
                    .margins
                    .iter()
                    .rposition(|m| matches!(m, Margin::Quote))
                {
                    self.margins.remove(i);
                }
            }
            TagEnd::CodeBlock => {
                if let Some((lang, code, closed)) = self.code.take() {
                    self.code_block(&lang, &code, closed);
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                if let Some(i) = self
                    .margins
                    .iter()
                    .rposition(|m| matches!(m, Margin::Item { .. }))
                {
                    self.margins.remove(i);
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                if let Some(url) = self.link.take()
                    && url != self.link_text
                    && !url.starts_with('#')
                {
                    let style = Style::default().fg(self.theme.dim);
                    let span = Span::styled(format!(" ({})", sanitize(&url)), style);
                    if self.table.is_some() {
                        self.cell.push(span);
                    } else {
                        self.inline.push(span);
                    }
                }
            }
            TagEnd::Image => {
                self.pop_style();
                self.link = None;
                self.push_text("]");
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.cell);
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = false;
                    t.header_rows = t.rows.len();
                }
            }
            TagEnd::TableRow => {}
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.draw_table(table);
                }
            }
            TagEnd::FootnoteDefinition
            | TagEnd::HtmlBlock
            | TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Superscript
            | TagEnd::Subscript => {}
        }
    }

    /// Wraps the pending inline content into lines under the current margins.
    fn flush(&mut self) {
        if self.inline.is_empty() {
            return;
        }
        let inline = std::mem::take(&mut self.inline);
        let available = self.width.saturating_sub(self.margin_width()).max(1);
        for row in wrap_spans(&inline, available) {
            let mut spans = self.margin();
            spans.extend(row);
            self.lines.push(Line::from(spans));
        }
    }
}

fn kind_is_fenced(source: &str) -> bool {
    let start = source.trim_start();
    start.starts_with("```") || start.starts_with("~~~")
}

fn is_bare_margin(line: &Line<'_>) -> bool {
    line.spans
        .iter()
        .all(|s| s.content.trim() == "│" || s.content.trim().is_empty())
}

mod blocks;
mod document;
pub mod live;
#[cfg(test)]
mod tests;
