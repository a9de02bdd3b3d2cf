//! Copying from the transcript: the palette's Copy list offers the newest messages and code
//! blocks, whole and without the screen's hard wraps; the runtime puts the text on the
//! clipboard (OSC 52, and the system's clipboard tool where there is one).

use crate::app::model::{CellKind, Model, Scroll};
use crate::app::palette::{PaletteAction, PaletteItem};

/// At most this many entries are offered, newest first.
const MAX_CHOICES: usize = 40;

/// The transcript's messages and code blocks, newest first.
pub fn choices(model: &Model) -> Vec<PaletteItem> {
    entries(model).into_iter().map(|(_, item)| item).collect()
}

/// Where the Copy list starts: on the message at the top of the view when the user has
/// scrolled up to it, else on the newest.
pub fn start_index(model: &Model) -> usize {
    if model.scroll == Scroll::Follow {
        return 0;
    }
    entries(model)
        .iter()
        .position(|(cell, _)| *cell <= model.transcript_top_cell)
        .unwrap_or(0)
}

/// (cell index, entry), newest first.
fn entries(model: &Model) -> Vec<(usize, PaletteItem)> {
    let mut out = Vec::new();
    for (index, cell) in model.cells.iter().enumerate().rev() {
        let (group, text) = match &cell.kind {
            CellKind::Assistant(text) => ("answer", text),
            CellKind::User(text) => ("prompt", text),
            CellKind::Info { body, .. } => ("info", body),
            CellKind::Thinking(_)
            | CellKind::Welcome(_)
            | CellKind::Tool(_)
            | CellKind::Error(_)
            | CellKind::Notice(_) => continue,
        };
        if group == "answer" {
            for (lang, code) in code_blocks(text).into_iter().rev() {
                out.push((index, item("code", &code, lang)));
            }
        }
        out.push((index, item(group, text, String::new())));
        if out.len() >= MAX_CHOICES {
            break;
        }
    }
    out.truncate(MAX_CHOICES);
    out
}

fn item(group: &'static str, text: &str, lang: String) -> PaletteItem {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let lines = text.lines().count();
    let mut detail = crate::words::count(lines, "line", "lines");
    if !lang.is_empty() {
        detail = format!("{lang} · {detail}");
    }
    PaletteItem {
        group,
        label: crate::app::columns::truncate(first.trim().trim_start_matches('#').trim(), 70),
        detail,
        current: false,
        action: PaletteAction::Copy(text.to_string()),
    }
}

/// The fenced code blocks of a markdown text: (language, code).
pub fn code_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    // The fence character ('`' or '~'), the language, the code so far.
    let mut open: Option<(char, String, String)> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                for fence in ['`', '~'] {
                    if let Some(rest) = trimmed.strip_prefix(&fence.to_string().repeat(3)) {
                        open = Some((fence, rest.trim().to_string(), String::new()));
                        break;
                    }
                }
            }
            Some((fence, lang, code)) => {
                let closing = trimmed.trim_end();
                if closing.len() >= 3 && closing.chars().all(|c| c == *fence) {
                    blocks.push((std::mem::take(lang), std::mem::take(code)));
                    open = None;
                } else {
                    code.push_str(line);
                    code.push('\n');
                }
            }
        }
    }
    blocks
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fenced_code_blocks() {
        let md = "Here:\n\n```rust\nfn main() {}\n```\n\ntext\n~~~\nplain\n~~~\n```\nunclosed";
        assert_eq!(
            code_blocks(md),
            vec![
                ("rust".to_string(), "fn main() {}\n".to_string()),
                (String::new(), "plain\n".to_string())
            ]
        );
    }

    #[test]
    fn osc52_encodes_the_text() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
