//! Fitting styled text to a width: word wrap (for prose), character wrap (for code) and
//! clipping with an ellipsis (for table cells). Widths are display columns.

use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Spans cut to `width` columns, ending with `…` when cut.
pub fn clip_spans(spans: &[Span<'static>], width: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|s| s.content.width()).sum();
    if total <= width {
        return spans.to_vec();
    }
    let mut out = Vec::new();
    let mut used = 0;
    for span in spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            text.push(c);
            used += w;
        }
        if !text.is_empty() {
            out.push(Span::styled(text, span.style));
        }
        if used + 1 >= width {
            break;
        }
    }
    out.push(Span::raw("…"));
    out
}

/// Breaks styled text into rows of at most `width` columns at character boundaries (code).
pub fn wrap_chars(spans: &[Span<'static>], width: usize) -> Vec<Vec<Span<'static>>> {
    let mut rows = vec![Vec::new()];
    let mut used = 0;
    for span in spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > 0 {
                if !text.is_empty() {
                    if let Some(row) = rows.last_mut() {
                        row.push(Span::styled(std::mem::take(&mut text), span.style));
                    }
                }
                rows.push(Vec::new());
                used = 0;
            }
            text.push(c);
            used += w;
        }
        if !text.is_empty()
            && let Some(row) = rows.last_mut()
        {
            row.push(Span::styled(text, span.style));
        }
    }
    rows
}

/// Word-wraps styled text to `width` columns. Spaces at the start of a wrapped row are dropped;
/// words wider than the row are broken; a "\n" span forces a break.
pub fn wrap_spans(spans: &[Span<'static>], width: usize) -> Vec<Vec<Span<'static>>> {
    // Tokens: (text, style, is_space).
    let mut tokens: Vec<(String, Style, bool)> = Vec::new();
    for span in spans {
        if span.content == "\n" {
            tokens.push(("\n".into(), span.style, false));
            continue;
        }
        let mut current = String::new();
        let mut current_space = false;
        for c in span.content.chars() {
            let space = c == ' ';
            if !current.is_empty() && space != current_space {
                tokens.push((std::mem::take(&mut current), span.style, current_space));
            }
            current_space = space;
            current.push(c);
        }
        if !current.is_empty() {
            tokens.push((current, span.style, current_space));
        }
    }
    let mut rows: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0usize;
    let push = |rows: &mut Vec<Vec<Span<'static>>>, text: String, style: Style| {
        if let Some(row) = rows.last_mut() {
            match row.last_mut() {
                Some(last) if last.style == style => {
                    last.content = format!("{}{}", last.content, text).into()
                }
                _ => row.push(Span::styled(text, style)),
            }
        }
    };
    // A word and the words glued to it (no space between) move to the next row together.
    let mut i = 0;
    while i < tokens.len() {
        let (text, style, is_space) = &tokens[i];
        if text == "\n" {
            rows.push(Vec::new());
            used = 0;
            i += 1;
            continue;
        }
        if *is_space {
            if used > 0 && used + text.width() <= width {
                push(&mut rows, text.clone(), *style);
                used += text.width();
            } else if used > 0 {
                rows.push(Vec::new());
                used = 0;
            }
            i += 1;
            continue;
        }
        // The run of non-space tokens starting here.
        let mut j = i;
        let mut run_width = 0;
        while j < tokens.len() && !tokens[j].2 && tokens[j].0 != "\n" {
            run_width += tokens[j].0.width();
            j += 1;
        }
        if used > 0 && used + run_width > width {
            // Trim trailing spaces of the row, then start a new one.
            if let Some(row) = rows.last_mut()
                && let Some(last) = row.last_mut()
            {
                let trimmed = last.content.trim_end().to_string();
                last.content = trimmed.into();
            }
            rows.push(Vec::new());
            used = 0;
        }
        for (text, style, _) in &tokens[i..j] {
            if used + text.width() <= width {
                push(&mut rows, text.clone(), *style);
                used += text.width();
                continue;
            }
            // Longer than a row: break it by characters.
            let mut piece = String::new();
            for c in text.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > width && used > 0 {
                    push(&mut rows, std::mem::take(&mut piece), *style);
                    rows.push(Vec::new());
                    used = 0;
                }
                piece.push(c);
                used += w;
            }
            if !piece.is_empty() {
                push(&mut rows, piece, *style);
            }
        }
        i = j;
    }
    while rows.len() > 1 && rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    rows
}
