//! Small text helpers shared by the panes: plain word wrapping by display width, making
//! untrusted text (tool output, model text) safe to draw, and human-readable numbers.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Makes one line of untrusted text safe for the terminal: ANSI escape sequences are removed,
/// tabs become spaces, other control characters are dropped.
pub fn sanitize(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                // CSI: ESC [ params final(0x40..=0x7e); OSC: ESC ] ... BEL or ESC \; others: ESC x.
                match chars.next() {
                    Some('[') => {
                        for c in chars.by_ref() {
                            if ('\x40'..='\x7e').contains(&c) {
                                break;
                            }
                        }
                    }
                    Some(']') => {
                        while let Some(c) = chars.next() {
                            if c == '\x07' || (c == '\x1b' && chars.peek() == Some(&'\\')) {
                                if c == '\x1b' {
                                    chars.next();
                                }
                                break;
                            }
                        }
                    }
                    _ => {}
                }
            }
            '\t' => out.push_str("    "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Word-wraps plain text to `width` display columns. Words longer than the width are broken.
/// Every input line yields at least one output line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let line = sanitize(raw);
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let mut current = String::new();
        let mut current_width = 0;
        for word in line.split_inclusive(' ') {
            let word_width = word.width();
            if current_width + word_width.saturating_sub(trailing_spaces(word)) > width
                && !current.is_empty()
            {
                out.push(current.trim_end().to_string());
                current.clear();
                current_width = 0;
            }
            if word_width > width {
                for c in word.chars() {
                    let w = c.width().unwrap_or(0);
                    if current_width + w > width {
                        out.push(std::mem::take(&mut current));
                        current_width = 0;
                    }
                    current.push(c);
                    current_width += w;
                }
            } else {
                current.push_str(word);
                current_width += word_width;
            }
        }
        out.push(current.trim_end().to_string());
    }
    out
}

/// As `wrap`, with each line's continuation rows indented like the line itself and two
/// columns more (so wrapped JSON and lists keep their shape instead of falling to column 0).
/// The indent is capped at half the width, so deep nesting still leaves room for text.
pub fn wrap_indented(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let line = sanitize(raw);
        let indent = line.len() - line.trim_start_matches(' ').len();
        let hang = (indent + 2).min(width / 2);
        if line.width() <= width || hang == 0 {
            out.extend(wrap(&line, width));
            continue;
        }
        let lead = " ".repeat(indent.min(hang));
        let pad = " ".repeat(hang);
        for (i, row) in wrap(line.trim_start_matches(' '), width - hang)
            .into_iter()
            .enumerate()
        {
            out.push(format!("{}{row}", if i == 0 { &lead } else { &pad }));
        }
    }
    out
}

fn trailing_spaces(word: &str) -> usize {
    word.len() - word.trim_end_matches(' ').len()
}

/// The reducer cuts labels too, so the function lives with it.
pub use crate::app::columns::truncate;

/// 1234 -> "1.2k", 1234567 -> "1.2M".
pub fn tokens(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=999_999 => format!("{:.1}k", n as f64 / 1_000.0),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

/// A duration for the activity pane: "80ms", "1.2s", "2m05s".
pub fn duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms / 1000) % 60)
    }
}

/// The spinner frame for `elapsed` time.
pub fn spinner(elapsed: std::time::Duration) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    FRAMES[(elapsed.as_millis() / 80) as usize % FRAMES.len()]
}

/// The text of rendered lines, one per row, trailing spaces trimmed (for tests and snapshots).
#[cfg(test)]
pub fn plain(lines: &[ratatui::text::Line<'_>]) -> String {
    lines
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_escapes_and_controls() {
        assert_eq!(sanitize("\x1b[31mred\x1b[0m\tx\x07"), "red    x");
        assert_eq!(sanitize("a\x1b]0;title\x07b"), "ab");
        assert_eq!(sanitize("a\x1b]8;;url\x1b\\b"), "ab");
    }

    #[test]
    fn wrap_respects_width_and_breaks_long_words() {
        let lines = wrap("the quick brown fox jumps over", 10);
        assert_eq!(lines, vec!["the quick", "brown fox", "jumps over"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\n\nb", 4), vec!["a", "", "b"]);
        for line in wrap("日本語のテキストを折り返す", 5) {
            assert!(line.width() <= 5, "{line}");
        }
    }

    #[test]
    fn truncate_and_numbers() {
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("hi", 6), "hi");
        assert_eq!(tokens(999), "999");
        assert_eq!(tokens(12_345), "12.3k");
        assert_eq!(duration(std::time::Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn wrapped_rows_keep_the_indent_of_their_line() {
        let json = "{\n  \"hooks\": {\n    \"PreToolUse\": \"./scripts/check-the-command-before-it-runs.sh --strict\"\n  }\n}";
        let rows = super::wrap_indented(json, 40);
        assert_eq!(
            rows,
            [
                "{",
                "  \"hooks\": {",
                "    \"PreToolUse\":",
                "      \"./scripts/check-the-command-befor",
                "      e-it-runs.sh --strict\"",
                "  }",
                "}",
            ]
        );
        assert!(rows.iter().all(|r| r.chars().count() <= 40), "{rows:?}");
    }
}
