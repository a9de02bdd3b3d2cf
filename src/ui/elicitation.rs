//! An MCP server's form, in a box over the screen: the server's message, one row per field
//! (label, value, description, and what is wrong with it after a failed Accept), the buttons,
//! and the keys; for a URL-mode request, the page's host and its whole address instead of the
//! fields (and, for a page a tool call waits on, where the user is with it). The highlighted row
//! stays in sight when the form is taller than the box.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::elicitation::{Button, ElicitationForm, Entry, host, waiting};
use crate::app::model::Model;
use crate::protocol::elicitation::{BeforeRetry, FieldKind, RetryStep};
use crate::ui::text;

/// The widest the box gets.
const FORM_WIDTH: u16 = 90;

pub fn draw(model: &Model, form: &ElicitationForm, screen: Rect, buf: &mut Buffer) {
    let width = screen.width.saturating_sub(4).min(FORM_WIDTH);
    if width < 24 || screen.height < 6 {
        return;
    }
    let inner_width = width.saturating_sub(4) as usize;
    let (lines, cursor_line) = body_lines(model, form, inner_width);
    // The body, a blank line, the keys and the border.
    let height = ((lines.len() + 4).min(u16::MAX as usize) as u16).min(screen.height);
    let asks = match form.request.url {
        Some(_) => "asks you to open a page",
        None => "asks",
    };
    let title = format!(
        " ? MCP server {} {asks} ",
        text::sanitize(&form.request.server)
    );
    let inner =
        crate::ui::centered_box::draw(screen, width, height, &title, model.theme.warning, buf);
    if inner.height < 3 {
        return;
    }
    let body = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        height: inner.height - 2,
        ..inner
    };
    let rows = body.height as usize;
    // The highlighted row and the line under it (its description) in sight, and no scrolling
    // past the last line (the buttons).
    let skip = (cursor_line + 2).min(lines.len()).saturating_sub(rows);
    for (y, line) in lines.iter().skip(skip).take(rows).enumerate() {
        buf.set_line(body.x, body.y + y as u16, line, body.width);
    }
    let keys = key_hints(model, form);
    buf.set_line(body.x, inner.y + inner.height - 1, &keys, body.width);
}

/// The form's lines at `width`, and the line of the highlighted row.
fn body_lines(model: &Model, form: &ElicitationForm, width: usize) -> (Vec<Line<'static>>, usize) {
    let theme = &model.theme;
    let colour = |c| Style::default().fg(c);
    let (fg, dim, accent, error) = (
        colour(theme.fg),
        colour(theme.dim),
        colour(theme.accent),
        colour(theme.error),
    );
    let mut lines: Vec<Line<'static>> = text::wrap(&text::sanitize(&form.request.message), width)
        .into_iter()
        .map(|l| Line::styled(l, fg.add_modifier(Modifier::BOLD)))
        .collect();
    lines.push(Line::raw(""));
    if let Some(page) = &form.request.url {
        // The whole address, and its host set apart, for the user to judge before opening
        // it (MCP 2025-11-25 asks clients to show both).
        let host = host(&page.url).unwrap_or("an unknown host");
        lines.push(Line::from(vec![
            Span::styled("Opens a page on ", fg),
            Span::styled(
                text::sanitize(host),
                accent.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            ),
        ]));
        lines.extend(
            text::wrap(&text::sanitize(&page.url), width)
                .into_iter()
                .map(|part| Line::styled(part, fg)),
        );
        if form.copied {
            lines.push(Line::styled("✓ Address copied to the clipboard", dim));
        }
        if let Some(retry) = &page.before_retry {
            lines.push(Line::raw(""));
            let said = retry_lines(retry, host);
            lines.extend(
                text::wrap(&said, width)
                    .into_iter()
                    .map(|part| Line::styled(part, accent)),
            );
        }
    }
    let mut cursor_line = 0;
    for (i, (field, entry)) in form.request.fields.iter().zip(&form.entries).enumerate() {
        let here = i == form.cursor;
        if here {
            cursor_line = lines.len();
        }
        let label_style = if here {
            accent.add_modifier(Modifier::BOLD)
        } else {
            fg
        };
        let mut spans = vec![
            Span::styled(if here { "› " } else { "  " }, accent),
            Span::styled(text::sanitize(&field.label), label_style),
        ];
        if field.required {
            spans.push(Span::styled(" *", error));
        }
        spans.push(Span::styled(": ", dim));
        spans.extend(value_spans(&field.kind, entry, here, fg, dim, accent));
        lines.push(Line::from(spans));
        let mut about = field.description.trim().to_string();
        if let Some(limits) = limits(&field.kind) {
            about = if about.is_empty() {
                limits
            } else {
                format!("{about} ({limits})")
            };
        }
        if !about.is_empty() {
            for part in text::wrap(&text::sanitize(&about), width.saturating_sub(4)) {
                lines.push(Line::styled(format!("    {part}"), dim));
            }
        }
        if let Some(Some(why)) = form.errors.get(i) {
            lines.push(Line::styled(format!("    ✗ {why}"), error));
        }
    }
    lines.push(Line::raw(""));
    let on_buttons = form.cursor == form.buttons_row();
    if on_buttons {
        cursor_line = lines.len();
    }
    let mut buttons = vec![Span::raw("  ")];
    let accept = match &form.request.url {
        Some(page) if waiting(page) => "Done",
        Some(_) => "Open in browser",
        None => "Accept",
    };
    for (button, label) in [
        (Button::Accept, accept),
        (Button::Decline, "Decline"),
        (Button::Cancel, "Cancel"),
    ] {
        let chosen = on_buttons && form.button == button;
        let style = if chosen {
            accent.add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            fg
        };
        buttons.push(Span::styled(format!("[ {label} ]"), style));
        buttons.push(Span::raw("  "));
    }
    lines.push(Line::from(buttons));
    (lines, cursor_line)
}

/// What a page a tool call waits on says of the call: which page of how many, and what the
/// user does next.
fn retry_lines(retry: &BeforeRetry, host: &str) -> String {
    let which = match retry.pages {
        0 | 1 => String::new(),
        pages => format!("Page {} of {pages}. ", retry.page),
    };
    let then = if retry.page < retry.pages {
        "the next page shows"
    } else {
        "claw makes the tool call again"
    };
    match retry.step {
        RetryStep::Open => {
            format!("{which}A tool call waits on this page: open it and finish there; then {then}.")
        }
        RetryStep::Waiting => format!(
            "{which}Opened. Finish on {} in the browser, then press Done: {then}.",
            text::sanitize(host)
        ),
    }
}

/// How a field's entry reads: typed text with a cursor, yes/no, the chosen option, ticks.
fn value_spans(
    kind: &FieldKind,
    entry: &Entry,
    here: bool,
    fg: Style,
    dim: Style,
    accent: Style,
) -> Vec<Span<'static>> {
    let bold = fg.add_modifier(Modifier::BOLD);
    match (kind, entry) {
        (_, Entry::Typed(typed)) => {
            let mut spans = vec![Span::styled(text::sanitize(typed), bold)];
            if here {
                spans.push(Span::styled("█", accent));
            }
            spans
        }
        (_, Entry::Toggle(value)) => vec![Span::styled(
            match value {
                Some(true) => "[x] yes",
                Some(false) => "[ ] no",
                None => "[ ] (not chosen)",
            },
            if value.is_some() { bold } else { dim },
        )],
        (FieldKind::Choice { options, .. }, Entry::Pick(chosen)) => {
            let shown = chosen
                .and_then(|i| options.get(i))
                .map(|o| text::sanitize(&o.label));
            let mut spans = Vec::new();
            if here {
                spans.push(Span::styled("◂ ", accent));
            }
            spans.push(match shown {
                Some(label) => Span::styled(label, bold),
                None => Span::styled("(choose)", dim),
            });
            if here {
                spans.push(Span::styled(" ▸", accent));
            }
            spans
        }
        (FieldKind::Choice { options, .. }, Entry::Ticks { ticked, at }) => options
            .iter()
            .zip(ticked)
            .enumerate()
            .flat_map(|(i, (option, t))| {
                let mark = if *t { "[x] " } else { "[ ] " };
                let style = if here && i == *at {
                    accent.add_modifier(Modifier::BOLD)
                } else {
                    fg
                };
                [
                    Span::styled(format!("{mark}{}", text::sanitize(&option.label)), style),
                    Span::raw("  "),
                ]
            })
            .collect(),
        (_, Entry::Pick(_) | Entry::Ticks { .. }) => Vec::new(),
    }
}

/// The schema's limits, in words ("1 to 100", "email").
fn limits(kind: &FieldKind) -> Option<String> {
    match kind {
        FieldKind::Number {
            integer,
            minimum,
            maximum,
        } => {
            let what = if *integer { "whole number" } else { "number" };
            Some(match (minimum, maximum) {
                (Some(lo), Some(hi)) => format!("{what}, {lo} to {hi}"),
                (Some(lo), None) => format!("{what}, at least {lo}"),
                (None, Some(hi)) => format!("{what}, at most {hi}"),
                (None, None) => what.to_string(),
            })
        }
        FieldKind::Text {
            format: Some(format),
            ..
        } => Some(format.clone()),
        FieldKind::Choice {
            multiple: true,
            min_items,
            max_items,
            ..
        } => match (min_items, max_items) {
            (Some(lo), Some(hi)) => Some(format!("tick {lo} to {hi}")),
            (Some(lo), None) => Some(format!("tick at least {lo}")),
            (None, Some(hi)) => Some(format!("tick at most {hi}")),
            (None, None) => None,
        },
        FieldKind::Text { format: None, .. } | FieldKind::Boolean | FieldKind::Choice { .. } => {
            None
        }
    }
}

fn key_hints(model: &Model, form: &ElicitationForm) -> Line<'static> {
    let theme = &model.theme;
    let key = Style::default()
        .fg(theme.accent)
        .add_modifier(Modifier::BOLD);
    let label = Style::default().fg(theme.fg);
    let editing = form.request.fields.get(form.cursor).map(|f| &f.kind);
    let mut pairs = vec![("Tab/↑↓", " move  ")];
    match &form.request.url {
        Some(page) if waiting(page) => {
            pairs = vec![("o", " open again  "), ("c", " copy the address  ")]
        }
        Some(_) => pairs = vec![("o", " open  "), ("c", " copy the address  ")],
        None => {}
    }
    match editing {
        Some(FieldKind::Boolean) => pairs.push(("Space", " yes/no  ")),
        Some(FieldKind::Choice {
            multiple: false, ..
        }) => pairs.push(("←/→", " choose  ")),
        Some(FieldKind::Choice { multiple: true, .. }) => {
            pairs.push(("←/→", " move  "));
            pairs.push(("Space", " tick  "));
        }
        Some(FieldKind::Text { .. } | FieldKind::Number { .. }) => {
            pairs.push(("type", " to fill in  "))
        }
        None => pairs.push(("←/→", " button  ")),
    }
    pairs.push((
        "Enter",
        if editing.is_some() {
            " next  "
        } else {
            " press  "
        },
    ));
    pairs.push(("Esc", " cancel"));
    Line::from(
        pairs
            .into_iter()
            .flat_map(|(k, l)| [Span::styled(k, key), Span::styled(l, label)])
            .collect::<Vec<_>>(),
    )
}
