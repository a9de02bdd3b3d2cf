//! The approval prompt: what a risky tool will do (a diff for Write/Edit, the command for Bash)
//! and the keys that answer it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::app::diff_layout::{self, DiffLayout};
use crate::app::model::{Model, PendingApproval};
use crate::protocol::ApprovalPreview;
use crate::ui::diff_view::{self, DiffRender};
use crate::ui::text;

/// A rendered diff, kept while the same prompt is shown at the same width and layout.
#[derive(Default)]
pub struct ApprovalCache {
    key: Option<(u64, u16, DiffLayout)>,
    render: Option<DiffRender>,
}

/// The rows the prompt wants for this preview, given the rows available.
pub fn wanted_height(approval: &PendingApproval, available: u16) -> u16 {
    match &approval.request.preview {
        ApprovalPreview::FileChange(diff) => {
            // Header, hunk headers and lines, plus the border and the key line.
            let lines: usize = 1 + diff.hunks.iter().map(|h| 1 + h.lines.len()).sum::<usize>();
            let wanted = (lines + 3).min(u16::MAX as usize) as u16;
            wanted.min(available * 2 / 3).max(8).min(available)
        }
        ApprovalPreview::Command {
            command,
            description,
        } => {
            let lines = command.lines().count() + usize::from(description.is_some()) + 5;
            (lines as u16).min(available)
        }
        ApprovalPreview::Plan(plan) => {
            let wanted = (plan.lines().count() + 4).min(u16::MAX as usize) as u16;
            wanted.min(available * 2 / 3).max(8).min(available)
        }
        // Measured by ui::question, which draws it.
        ApprovalPreview::Questions(_) | ApprovalPreview::None => 5.min(available),
    }
}

pub fn draw(
    model: &Model,
    approval: &PendingApproval,
    cache: &mut ApprovalCache,
    area: Rect,
    buf: &mut Buffer,
) {
    let theme = &model.theme;
    let request = &approval.request;
    Clear.render(area, buf);
    let title = if matches!(request.preview, ApprovalPreview::Plan(_)) {
        Line::from(Span::styled(
            " The plan is ready: approve it? ",
            Style::default()
                .fg(theme.warning)
                .add_modifier(Modifier::BOLD),
        ))
    } else {
        Line::from(vec![
            Span::styled(
                " Allow ",
                Style::default()
                    .fg(theme.warning)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                request.tool.clone(),
                Style::default().fg(theme.tool).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(
                    " {}? ",
                    text::truncate(
                        &text::sanitize(&request.summary),
                        area.width.saturating_sub(20) as usize
                    )
                ),
                Style::default().fg(theme.fg),
            ),
        ])
    };
    let Some((body, keys_row)) = frame(model, title, area, buf) else {
        return;
    };
    match &request.preview {
        ApprovalPreview::FileChange(diff) => {
            let layout = model
                .diff_layout
                .unwrap_or_else(|| diff_layout::auto_layout(body.width));
            let key = (request.id, body.width, layout);
            if cache.key != Some(key) {
                cache.render = Some(diff_view::render_diff(diff, body.width, layout, theme));
                cache.key = Some(key);
            }
            if let Some(render) = &cache.render {
                let max_scroll = render.lines.len().saturating_sub(body.height as usize);
                let scroll = approval.scroll.min(max_scroll);
                for (y, line) in render
                    .lines
                    .iter()
                    .skip(scroll)
                    .take(body.height as usize)
                    .enumerate()
                {
                    buf.set_line(body.x, body.y + y as u16, line, body.width);
                }
            }
        }
        ApprovalPreview::Command {
            command,
            description,
        } => {
            let mut lines = Vec::new();
            if let Some(description) = description {
                lines.push(Line::styled(
                    text::sanitize(description),
                    Style::default().fg(theme.dim),
                ));
            }
            for (i, l) in text::wrap(command, body.width.saturating_sub(2) as usize)
                .into_iter()
                .enumerate()
            {
                let lead = if i == 0 { "$ " } else { "  " };
                lines.push(Line::from(vec![
                    Span::styled(lead, Style::default().fg(theme.accent)),
                    Span::styled(
                        l,
                        Style::default().fg(theme.fg).add_modifier(Modifier::BOLD),
                    ),
                ]));
            }
            for (y, line) in lines
                .iter()
                .skip(approval.scroll)
                .take(body.height as usize)
                .enumerate()
            {
                buf.set_line(body.x, body.y + y as u16, line, body.width);
            }
        }
        ApprovalPreview::Plan(plan) => {
            let lines = crate::ui::markdown::render_markdown(plan, body.width, theme);
            let max_scroll = lines.len().saturating_sub(body.height as usize);
            for (y, line) in lines
                .iter()
                .skip(approval.scroll.min(max_scroll))
                .take(body.height as usize)
                .enumerate()
            {
                buf.set_line(body.x, body.y + y as u16, line, body.width);
            }
        }
        // Drawn as a choice dialog (ui::question).
        ApprovalPreview::Questions(_) | ApprovalPreview::None => {}
    }
    let keys = key_hints(model, approval);
    buf.set_line(body.x, keys_row, &keys, body.width);
}

/// The frame of a prompt waiting for the user, in the warning colour with `title`: returns the
/// body inside it (one column of padding) and the row of the keys below the body, or None
/// when there is no room.
pub fn frame(model: &Model, title: Line<'_>, area: Rect, buf: &mut Buffer) -> Option<(Rect, u16)> {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(model.theme.warning))
        .title(title);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height < 2 || inner.width < 4 {
        return None;
    }
    let body = Rect {
        x: inner.x + 1,
        width: inner.width - 1,
        height: inner.height - 1,
        ..inner
    };
    Some((body, inner.y + inner.height - 1))
}

fn key_hints(model: &Model, approval: &PendingApproval) -> Line<'static> {
    let theme = &model.theme;
    let key = Style::default()
        .fg(theme.accent)
        .add_modifier(Modifier::BOLD);
    let label = Style::default().fg(theme.fg);
    let dim = Style::default().fg(theme.dim);
    if let Some(note) = &approval.note {
        return Line::from(vec![
            Span::styled("Tell the model why (Enter send · Esc back): ", label),
            Span::styled(
                note.clone(),
                Style::default().fg(theme.fg).add_modifier(Modifier::BOLD),
            ),
            Span::styled("█", Style::default().fg(theme.accent)),
        ]);
    }
    if matches!(approval.request.preview, ApprovalPreview::Plan(_)) {
        return Line::from(vec![
            Span::styled("y", key),
            Span::styled(" approve and start  ", label),
            Span::styled("n", key),
            Span::styled(" keep planning  ", label),
            Span::styled("d", key),
            Span::styled(" say what to change  ", label),
            Span::styled("Esc", key),
            Span::styled(" stop   ", label),
            Span::styled("j/k scroll", dim),
        ]);
    }
    let mut spans = vec![
        Span::styled("y", key),
        Span::styled(" yes  ", label),
        Span::styled("a", key),
        Span::styled(
            format!(" this session ({})  ", approval.request.session_rule),
            label,
        ),
        Span::styled("A", key),
        Span::styled(" always  ", label),
        Span::styled("n", key),
        Span::styled(" no  ", label),
        Span::styled("d", key),
        Span::styled(" no, and say why  ", label),
        Span::styled("Esc", key),
        Span::styled(" stop", label),
    ];
    if matches!(approval.request.preview, ApprovalPreview::FileChange(_)) {
        spans.push(Span::styled("   j/k scroll · [ ] hunk · v layout", dim));
    }
    Line::from(spans)
}
