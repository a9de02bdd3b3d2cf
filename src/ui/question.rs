//! The model's question as a choice dialog below the conversation: the header, the question,
//! each option with its description, "Other" for an answer in the user's words, and the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

use crate::app::model::Model;
use crate::app::question::QuestionDialog;
use crate::ui::text;

/// The rows the dialog wants (border included), given the rows available.
pub fn wanted_height(dialog: &QuestionDialog, width: u16, available: u16) -> u16 {
    let lines = body_lines(dialog, None, width.saturating_sub(4)).0.len();
    // The body, a blank line, the keys and the border.
    ((lines + 4).min(u16::MAX as usize) as u16).min(available)
}

pub fn draw(model: &Model, dialog: &QuestionDialog, area: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let Some(question) = dialog.current() else {
        return;
    };
    Clear.render(area, buf);
    let bold = Modifier::BOLD;
    let mut title = vec![Span::styled(
        " ? The model asks ",
        Style::default().fg(theme.warning).add_modifier(bold),
    )];
    if !question.header.trim().is_empty() {
        title.push(Span::styled(
            format!("· {} ", text::sanitize(&question.header)),
            Style::default().fg(theme.accent).add_modifier(bold),
        ));
    }
    if dialog.questions.len() > 1 {
        title.push(Span::styled(
            format!(
                "· {} of {} ",
                dialog.answers.len() + 1,
                dialog.questions.len()
            ),
            Style::default().fg(theme.dim),
        ));
    }
    let Some((body, keys_row)) = crate::ui::approval::frame(model, Line::from(title), area, buf)
    else {
        return;
    };
    let (lines, cursor_line) = body_lines(dialog, Some(model), body.width);
    // Keep the highlighted row in sight.
    let rows = body.height as usize;
    let skip = (cursor_line + 1).saturating_sub(rows);
    for (y, line) in lines.iter().skip(skip).take(rows).enumerate() {
        buf.set_line(body.x, body.y + y as u16, line, body.width);
    }
    buf.set_line(body.x, keys_row, &key_hints(model, dialog), body.width);
}

/// The dialog's lines at `width`, and the line of the highlighted row. Without a model (for
/// measuring) the lines are unstyled.
fn body_lines(
    dialog: &QuestionDialog,
    model: Option<&Model>,
    width: u16,
) -> (Vec<Line<'static>>, usize) {
    let style = |pick: fn(&crate::theme::Theme) -> ratatui::style::Color| {
        model.map_or(Style::default(), |m| Style::default().fg(pick(&m.theme)))
    };
    let (fg, dim, accent, success) = (
        style(|t| t.fg),
        style(|t| t.dim),
        style(|t| t.accent),
        style(|t| t.success),
    );
    let width = width.max(8) as usize;
    let mut lines = Vec::new();
    for (asked, answer) in dialog.questions.iter().zip(&dialog.answers) {
        lines.push(Line::from(vec![
            Span::styled("✓ ", success),
            Span::styled(text::sanitize(&asked.question), dim),
            Span::styled(format!(" → {}", text::sanitize(answer)), success),
        ]));
    }
    let Some(question) = dialog.current() else {
        return (lines, 0);
    };
    for part in text::wrap(&text::sanitize(&question.question), width) {
        lines.push(Line::styled(part, fg.add_modifier(Modifier::BOLD)));
    }
    lines.push(Line::raw(""));
    let mut cursor_line = lines.len();
    let other_row = dialog.other_row();
    for row in 0..=other_row {
        let here = row == dialog.cursor;
        if here {
            cursor_line = lines.len();
        }
        let pointer = if here { "› " } else { "  " };
        let label_style = if here {
            accent.add_modifier(Modifier::BOLD)
        } else {
            fg
        };
        let mut spans = vec![
            Span::styled(pointer, accent),
            Span::styled(format!("{}. ", row + 1), accent),
        ];
        if question.multi_select && row < other_row {
            let mark = if dialog.ticked.get(row).copied().unwrap_or(false) {
                "[x] "
            } else {
                "[ ] "
            };
            spans.push(Span::styled(mark, label_style));
        }
        if row < other_row {
            spans.push(Span::styled(
                text::sanitize(&question.options[row]),
                label_style,
            ));
            lines.push(Line::from(spans));
            let description = question.descriptions.get(row).map_or("", |d| d.trim());
            if !description.is_empty() {
                for part in text::wrap(&text::sanitize(description), width.saturating_sub(5)) {
                    lines.push(Line::styled(format!("     {part}"), dim));
                }
            }
        } else {
            match &dialog.other {
                Some(typed) => {
                    spans.push(Span::styled("Other: ", label_style));
                    spans.push(Span::styled(
                        text::sanitize(typed),
                        fg.add_modifier(Modifier::BOLD),
                    ));
                    spans.push(Span::styled("█", accent));
                }
                None => {
                    spans.push(Span::styled("Other", label_style));
                    spans.push(Span::styled(": answer in your own words", dim));
                }
            }
            lines.push(Line::from(spans));
        }
    }
    (lines, cursor_line)
}

fn key_hints(model: &Model, dialog: &QuestionDialog) -> Line<'static> {
    let theme = &model.theme;
    let key = Style::default()
        .fg(theme.accent)
        .add_modifier(Modifier::BOLD);
    let label = Style::default().fg(theme.fg);
    let pairs: Vec<(String, &str)> = if dialog.other.is_some() {
        vec![("Enter".into(), " answer  "), ("Esc".into(), " back")]
    } else {
        let rows = dialog.other_row() + 1;
        let mut pairs = vec![("↑/↓".to_string(), " move  ")];
        if dialog.current().is_some_and(|q| q.multi_select) {
            pairs.push(("Space".into(), " tick  "));
            pairs.push(("Enter".into(), " submit  "));
        } else {
            pairs.push(("Enter".into(), " choose  "));
        }
        pairs.push((format!("1-{}", rows.min(9)), " shortcut  "));
        pairs.push(("Esc".into(), " decline"));
        pairs
    };
    Line::from(
        pairs
            .into_iter()
            .flat_map(|(k, l)| [Span::styled(k, key), Span::styled(l, label)])
            .collect::<Vec<_>>(),
    )
}
