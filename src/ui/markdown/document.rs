//! One pass of the renderer over a text: its top-level blocks in order, after a given line (the
//! last one drawn above), with where each block starts. `render_markdown` renders a whole
//! message this way; `live` renders only a streaming message's open tail.

use super::*;

/// Where a top-level block of the source starts: its byte offset and its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BlockStart {
    pub source: usize,
    pub line: usize,
    pub kind: BlockKind,
}

/// What a top-level block is, as far as the streaming renderer needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Paragraph,
    Other,
}

/// Renders `src` as the blocks that follow `before` (the last line drawn above them, which
/// decides the gap before the first block), without trimming blank lines at the end, and
/// records where each top-level block starts. `render_markdown` is this with nothing before.
pub(crate) fn render_blocks(
    src: &str,
    width: u16,
    theme: &Theme,
    rendering: Rendering,
    before: Option<&Line<'static>>,
    starts: &mut Vec<BlockStart>,
) -> Vec<Line<'static>> {
    let seed = usize::from(before.is_some());
    let mut r = Renderer {
        theme,
        rendering,
        width: (width as usize).max(4),
        lines: before.cloned().into_iter().collect(),
        margins: Vec::new(),
        inline: Vec::new(),
        styles: vec![Style::default().fg(theme.fg)],
        lists: Vec::new(),
        link: None,
        link_text: String::new(),
        code: None,
        table: None,
        cell: Vec::new(),
        heading: None,
    };
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(src, options()).into_offset_iter() {
        if depth == 0 && starts_block(&event) {
            // What these blocks do first; done here so the lines before belong to the block
            // above (an HTML block's text waits in `inline` for the next block).
            r.flush();
            starts.push(BlockStart {
                source: range.start,
                line: r.lines.len() - seed,
                kind: match event {
                    Event::Start(Tag::Paragraph) => BlockKind::Paragraph,
                    _ => BlockKind::Other,
                },
            });
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        r.event(event, &src[range]);
    }
    r.flush();
    if let Some((lang, code, _)) = r.code.take() {
        r.code_block(&lang, &code, false);
    }
    r.lines.split_off(seed)
}

/// The markdown claw reads: CommonMark with tables, strikethrough and task lists.
pub(crate) fn options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    options
}

/// A top-level event that begins a block by flushing what came before it: where the text can
/// be cut for incremental rendering.
fn starts_block(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Rule
            | Event::Start(
                Tag::Paragraph
                    | Tag::Heading { .. }
                    | Tag::BlockQuote(_)
                    | Tag::CodeBlock(_)
                    | Tag::List(_)
                    | Tag::Table(_)
            )
    )
}

/// Drops blank lines at the end: a message ends with its last text.
pub(crate) fn trim_blank_end(lines: &mut Vec<Line<'static>>) {
    while lines.last().is_some_and(|l| l.width() == 0) {
        lines.pop();
    }
}
