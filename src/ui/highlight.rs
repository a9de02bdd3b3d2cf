//! Syntax highlighting with syntect, for code blocks and diffs. The syntax and theme sets load
//! lazily on first use (never at start-up), and highlighted blocks are cached by content, so a
//! block is highlighted once however often the transcript is redrawn. A block still streaming
//! is highlighted line by line as its lines arrive, syntect's state carried from one frame to
//! the next, so closing it costs only its last lines.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, ThemeSet};
use syntect::parsing::{SyntaxReference, SyntaxSet};

use crate::theme::Theme;

/// Blocks longer than this are shown plain (highlighting costs per line).
const MAX_LINES: usize = 2000;
const MAX_LINE_CHARS: usize = 2000;
/// Highlighted lines cached per thread before the cache is cleared: enough for every code block
/// of a few long answers, so a resize or a scroll back re-wraps spans instead of re-highlighting.
const CACHE_LINES: usize = 16_384;
/// Lines of a streaming block highlighted ahead per frame at most: more than a frame's deltas
/// bring at full speed (about 8 lines of code), few enough that a key's frame never waits on a
/// burst of them; a backlog is worked off over the next frames.
const AHEAD_PER_FRAME: usize = 24;

thread_local! {
    /// While set for the drawing thread, code blocks are drawn plain and not cached: the first
    /// frame of a resumed session should not wait for the highlighter to load its syntaxes and
    /// compile their patterns (tens of milliseconds). The frame after colours them.
    static DEFERRED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether code drawn now on this thread is provisional (plain, to be drawn again).
pub fn deferred() -> bool {
    DEFERRED.with(|d| d.get())
}

/// Draws code plain on this thread until `highlight_from_now_on` (for one first frame).
pub fn defer() {
    DEFERRED.with(|d| d.set(true));
}

/// Ends `defer`: code drawn from now on is highlighted (provisional lines are drawn again).
pub fn highlight_from_now_on() {
    DEFERRED.with(|d| d.set(false));
}

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
static THEMES: OnceLock<ThemeSet> = OnceLock::new();

fn syntaxes() -> &'static SyntaxSet {
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    THEMES.get_or_init(ThemeSet::load_defaults)
}

/// Loads the syntax and theme sets on a thread of their own (once), so the drawing thread
/// finds them ready instead of waiting tens of milliseconds for them.
pub fn load_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let spawned = std::thread::Builder::new()
            .name("claw-highlighter".into())
            .spawn(|| {
                syntaxes();
                themes();
            });
        // Without a thread the sets load on first use, as they would anyway.
        drop(spawned);
    });
}

/// Whether the syntax and theme sets are loaded.
fn ready() -> bool {
    SYNTAXES.get().is_some() && THEMES.get().is_some()
}

/// Highlighted blocks by a hash of (code, language, theme), and the lines they hold.
#[derive(Default)]
struct BlockCache {
    blocks: HashMap<u64, Vec<Line<'static>>>,
    lines: usize,
}

/// The open code block of the streaming message: the complete lines highlighted so far and
/// syntect's state after them.
struct Pending {
    lang: String,
    syntax_theme: String,
    /// The lines fed, each with its newline.
    fed: String,
    lines: Vec<Vec<Span<'static>>>,
    /// None once the block proved too big to highlight (or syntect failed): it will be plain,
    /// and its further lines are not looked at (nor is it started again from its first line).
    state: Option<HighlightLines<'static>>,
}

thread_local! {
    static CACHE: RefCell<BlockCache> = RefCell::new(BlockCache::default());
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

/// The syntax for a fence's info string or a file extension ("rust", "rs", "py", "sh"…).
fn syntax_for(token: &str) -> Option<&'static SyntaxReference> {
    let token = token.trim().split([',', ' ', '{']).next().unwrap_or("");
    if token.is_empty() {
        return None;
    }
    let set = syntaxes();
    set.find_syntax_by_token(token)
        .or_else(|| set.find_syntax_by_extension(&token.to_ascii_lowercase()))
}

fn to_color(c: syntect::highlighting::Color) -> Color {
    Color::Rgb(c.r, c.g, c.b)
}

fn span_style(style: syntect::highlighting::Style) -> Style {
    let mut out = Style::default().fg(to_color(style.foreground));
    if style.font_style.contains(FontStyle::BOLD) {
        out = out.add_modifier(Modifier::BOLD);
    }
    if style.font_style.contains(FontStyle::ITALIC) {
        out = out.add_modifier(Modifier::ITALIC);
    }
    out
}

fn too_big(lines: &[&str]) -> bool {
    lines.len() > MAX_LINES || lines.iter().any(|l| l.len() > MAX_LINE_CHARS)
}

/// Highlights lines of one file or block, carrying the parser state from line to line. None
/// when the language is unknown or the block too big.
fn highlight(token: &str, lines: &[&str], theme: &Theme) -> Option<Vec<Vec<Span<'static>>>> {
    if too_big(lines) {
        return None;
    }
    let syntax = syntax_for(token)?;
    let mut h = HighlightLines::new(syntax, syntect_theme(theme)?);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        out.push(highlight_line(&mut h, line)?);
    }
    Some(out)
}

/// The syntect theme for claw's theme.
fn syntect_theme(theme: &Theme) -> Option<&'static syntect::highlighting::Theme> {
    let set = themes();
    set.themes
        .get(&theme.syntax)
        .or_else(|| set.themes.values().next())
}

/// One line through the highlighter, its state carried on to the next.
fn highlight_line(h: &mut HighlightLines<'_>, line: &str) -> Option<Vec<Span<'static>>> {
    let with_newline = format!("{line}\n");
    let ranges = h.highlight_line(&with_newline, syntaxes()).ok()?;
    Some(
        ranges
            .into_iter()
            .filter_map(|(style, text)| {
                let text = text.trim_end_matches('\n');
                (!text.is_empty())
                    .then(|| Span::styled(text.replace('\t', "    "), span_style(style)))
            })
            .collect(),
    )
}

/// Highlights the complete lines of a code block that is still streaming (`code` as received,
/// its last line perhaps partial), continuing from the lines highlighted on earlier frames.
pub fn highlight_ahead(code: &str, lang: &str, theme: &Theme) {
    if deferred() {
        return;
    }
    // The block is drawn plain while it streams: this is work ahead of its closing, which
    // never waits for the sets to load (the lines are caught up once they have).
    if !ready() {
        load_in_background();
        return;
    }
    let complete = &code[..code.rfind('\n').map_or(0, |i| i + 1)];
    PENDING.with(|p| {
        let mut pending = p.borrow_mut();
        let continues = pending.as_ref().is_some_and(|p| {
            p.lang == lang
                && p.syntax_theme == theme.syntax
                && complete.len() >= p.fed.len()
                && complete.as_bytes()[..p.fed.len()] == *p.fed.as_bytes()
        });
        if !continues {
            *pending = None;
            let (Some(syntax), Some(syntect_theme)) = (syntax_for(lang), syntect_theme(theme))
            else {
                return;
            };
            *pending = Some(Pending {
                lang: lang.to_string(),
                syntax_theme: theme.syntax.clone(),
                fed: String::new(),
                lines: Vec::new(),
                state: Some(HighlightLines::new(syntax, syntect_theme)),
            });
        }
        let Some(p) = pending.as_mut() else {
            return;
        };
        let Some(state) = p.state.as_mut() else {
            return;
        };
        let new = &complete[p.fed.len()..];
        let give_up = |p: &mut Pending| {
            // Too big to highlight, or syntect failed: the block will be plain.
            p.state = None;
            p.lines = Vec::new();
            p.fed = complete.to_string();
        };
        if p.lines.len() + new.bytes().filter(|&b| b == b'\n').count() > MAX_LINES {
            return give_up(p);
        }
        let mut taken = 0;
        for line in new.split_inclusive('\n').take(AHEAD_PER_FRAME) {
            let code = line.trim_end_matches('\n');
            let highlighted = (code.len() <= MAX_LINE_CHARS)
                .then(|| highlight_line(state, code))
                .flatten();
            match highlighted {
                Some(spans) => p.lines.push(spans),
                None => return give_up(p),
            }
            taken += line.len();
        }
        p.fed.push_str(&new[..taken]);
    });
}

/// The block's lines from the streamed highlighting, when it covered the start of `lines`:
/// only the rest is highlighted now.
fn from_pending(lang: &str, lines: &[&str], theme: &Theme) -> Option<Vec<Vec<Span<'static>>>> {
    let mut p = PENDING.with(|p| p.borrow_mut().take())?;
    if p.lang != lang || p.syntax_theme != theme.syntax || p.lines.len() > lines.len() {
        return None;
    }
    let fed = p.fed.lines();
    if !fed.zip(lines).all(|(a, b)| a == *b) {
        return None;
    }
    let state = p.state.as_mut()?;
    for line in &lines[p.lines.len()..] {
        let spans = highlight_line(state, line)?;
        p.lines.push(spans);
    }
    Some(p.lines)
}

/// A code block as lines, highlighted for `lang` (a fence info string) when known.
pub fn highlight_code(code: &str, lang: &str, theme: &Theme) -> Vec<Line<'static>> {
    if deferred() {
        return plain(code, theme);
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (code, lang, &theme.syntax, &theme.fg).hash(&mut hasher);
    let key = hasher.finish();
    if let Some(hit) = CACHE.with(|c| c.borrow().blocks.get(&key).cloned()) {
        return hit;
    }
    let lines: Vec<&str> = code.lines().collect();
    let highlighted = match too_big(&lines) {
        true => None,
        false => from_pending(lang, &lines, theme).or_else(|| highlight(lang, &lines, theme)),
    };
    let rendered: Vec<Line<'static>> = match highlighted {
        Some(spans) => spans.into_iter().map(Line::from).collect(),
        None => plain(code, theme),
    };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.lines + rendered.len() > CACHE_LINES {
            *c = BlockCache::default();
        }
        c.lines += rendered.len();
        c.blocks.insert(key, rendered.clone());
    });
    rendered
}

/// A code block's lines without colours (an unknown language, or the highlighter not ready).
fn plain(code: &str, theme: &Theme) -> Vec<Line<'static>> {
    code.lines()
        .map(|l| {
            Line::from(Span::styled(
                l.replace('\t', "    "),
                Style::default().fg(theme.fg),
            ))
        })
        .collect()
}

/// Lines of a file (for diffs), highlighted by the path's extension; plain spans in theme.fg
/// when the language is unknown.
pub fn highlight_lines(path: &str, lines: &[&str], theme: &Theme) -> Vec<Vec<Span<'static>>> {
    let extension = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    highlight(extension, lines, theme).unwrap_or_else(|| {
        lines
            .iter()
            .map(|l| {
                vec![Span::styled(
                    l.replace('\t', "    "),
                    Style::default().fg(theme.fg),
                )]
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_colours_unknown_stay_plain() {
        let theme = Theme::dark();
        let lines = highlight_code("fn main() {\n    let x = 1;\n}", "rust", &theme);
        assert_eq!(lines.len(), 3);
        let colours: std::collections::HashSet<_> = lines
            .iter()
            .flat_map(|l| l.spans.iter().map(|s| s.style.fg))
            .collect();
        assert!(colours.len() > 1, "keywords and names differ: {colours:?}");
        let plain = highlight_code("whatever\n", "no-such-language", &theme);
        assert_eq!(plain[0].spans[0].style.fg, Some(theme.fg));
        let text: String = lines[1].spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "    let x = 1;");
    }

    fn pending_lines() -> Option<usize> {
        PENDING.with(|p| p.borrow().as_ref().map(|p| p.lines.len()))
    }

    /// Loads the sets now: a streaming block is not highlighted ahead until they are.
    fn loaded() {
        syntaxes();
        themes();
    }

    #[test]
    fn the_sets_load_on_a_thread_of_their_own() {
        load_in_background();
        let start = std::time::Instant::now();
        while !ready() {
            assert!(start.elapsed() < std::time::Duration::from_secs(60));
            std::thread::yield_now();
        }
    }

    #[test]
    fn a_burst_of_streamed_lines_is_highlighted_a_frame_s_share_at_a_time() {
        loaded();
        let theme = Theme::dark();
        let code: String = (0..100).map(|i| format!("let x{i} = {i};\n")).collect();
        highlight_ahead(&code, "rust", &theme);
        assert_eq!(pending_lines(), Some(AHEAD_PER_FRAME));
        highlight_ahead(&code, "rust", &theme);
        assert_eq!(pending_lines(), Some(2 * AHEAD_PER_FRAME));
        // Closed before the backlog is worked off: the rest is highlighted then, the same.
        let lines: Vec<&str> = code.lines().collect();
        let expected: Vec<Line<'static>> = highlight("rust", &lines, &theme)
            .unwrap()
            .into_iter()
            .map(Line::from)
            .collect();
        assert_eq!(highlight_code(code.trim_end(), "rust", &theme), expected);
    }

    #[test]
    fn a_streaming_block_is_highlighted_as_its_lines_arrive_and_ends_the_same() {
        loaded();
        let theme = Theme::dark();
        let code = "fn streamed() {\n    let s = \"a\\n\";\n    /* multi\n    line */\n}\n";
        // Fed in pieces as the message grows: only complete lines are highlighted.
        for end in [3, 17, 30, 41, 52, code.len()] {
            highlight_ahead(&code[..end], "rust", &theme);
        }
        assert_eq!(pending_lines(), Some(5));
        highlight_ahead("fn streamed() {\n    let", "rust", &theme);
        assert_eq!(pending_lines(), Some(1), "a different block starts anew");
        for end in [17, 30, 41, 52, code.len()] {
            highlight_ahead(&code[..end], "rust", &theme);
        }
        let lines: Vec<&str> = code.trim_end().lines().collect();
        let expected: Vec<Line<'static>> = highlight("rust", &lines, &theme)
            .unwrap()
            .into_iter()
            .map(Line::from)
            .collect();
        assert_eq!(highlight_code(code.trim_end(), "rust", &theme), expected);
        assert_eq!(
            pending_lines(),
            None,
            "the closed block took the streamed lines"
        );
    }

    #[test]
    fn a_streaming_block_too_big_to_highlight_is_not_started_again_each_frame() {
        loaded();
        let theme = Theme::dark();
        let mut code = String::new();
        for i in 0..MAX_LINES + 10 {
            code.push_str(&format!("let x{i} = {i};\n"));
        }
        highlight_ahead(&code, "rust", &theme);
        let fed = || {
            PENDING.with(|p| {
                p.borrow()
                    .as_ref()
                    .map(|p| (p.fed.len(), p.state.is_some()))
            })
        };
        let (at_give_up, highlighting) = fed().unwrap();
        assert!(!highlighting, "past {MAX_LINES} lines the block is plain");
        // The next frames neither start over from line one nor read the new lines.
        code.push_str("let more = 1;\n");
        highlight_ahead(&code, "rust", &theme);
        assert_eq!(fed(), Some((at_give_up, false)));
        let lines: Vec<&str> = code.lines().collect();
        assert!(from_pending("rust", &lines, &theme).is_none());
    }

    #[test]
    fn diff_lines_by_extension() {
        let theme = Theme::dark();
        let spans = highlight_lines("src/x.py", &["def f():", "    return 1"], &theme);
        assert_eq!(spans.len(), 2);
        assert!(spans[0].len() > 1);
        let plain = highlight_lines("README", &["text"], &theme);
        assert_eq!(plain[0].len(), 1);
    }
}
