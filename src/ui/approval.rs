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

/// The rows the prompt wants for this preview at `width` columns, given the rows available.
pub fn wanted_height(model: &Model, approval: &PendingApproval, width: u16, available: u16) -> u16 {
    // The key line may wrap: its extra rows come on top of the preview's.
    let extra = key_hints(model, approval, body_width(width))
        .len()
        .saturating_sub(1) as u16;
    (preview_height(approval, available.saturating_sub(extra)) + extra).min(available)
}

/// The columns inside the border and its one column of padding.
fn body_width(width: u16) -> u16 {
    width.saturating_sub(3)
}

fn preview_height(approval: &PendingApproval, available: u16) -> u16 {
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
    // The keys at the bottom, flowed onto as many rows as they need.
    let keys = key_hints(model, approval, body.width);
    let extra = (keys.len() as u16)
        .saturating_sub(1)
        .min(body.height.saturating_sub(1));
    let body = Rect {
        height: body.height - extra,
        ..body
    };
    let keys_row = keys_row - extra;
    let key_rows = extra + 1;
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
    for (i, line) in keys.iter().take(key_rows as usize).enumerate() {
        buf.set_line(body.x, keys_row + i as u16, line, body.width);
    }
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

/// The key line, flowed onto as many rows as `width` needs: a key stays with its label, and
/// a label too long for a row of its own is shortened.
fn key_hints(model: &Model, approval: &PendingApproval, width: u16) -> Vec<Line<'static>> {
    let width = width.max(1) as usize;
    let mut rows: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for group in hint_groups(model, approval, width) {
        let group = fit(group, width);
        let len: usize = group.iter().map(|s| s.content.chars().count()).sum();
        let gap = if used == 0 { 0 } else { 2 };
        if used > 0 && used + gap + len > width {
            rows.push(Vec::new());
            used = 0;
        } else if gap > 0
            && let Some(row) = rows.last_mut()
        {
            row.push(Span::raw("  "));
            used += gap;
        }
        used += len;
        if let Some(row) = rows.last_mut() {
            row.extend(group);
        }
    }
    rows.into_iter().map(Line::from).collect()
}

/// `group` shortened to `width` columns: its last span loses its end, marked by `…`.
fn fit(mut group: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let len: usize = group.iter().map(|s| s.content.chars().count()).sum();
    if len <= width {
        return group;
    }
    if let Some(last) = group.last_mut() {
        let others = len - last.content.chars().count();
        last.content = text::truncate(&last.content, width.saturating_sub(others)).into();
    }
    group
}

/// The hints as groups that stay together on a row ("y yes", "a this session (…)").
fn hint_groups(model: &Model, approval: &PendingApproval, width: usize) -> Vec<Vec<Span<'static>>> {
    let theme = &model.theme;
    let key = Style::default()
        .fg(theme.accent)
        .add_modifier(Modifier::BOLD);
    let label = Style::default().fg(theme.fg);
    let dim = Style::default().fg(theme.dim);
    if let Some(note) = &approval.note {
        let prompt = "Tell the model why (Enter send · Esc back): ";
        // The end of what is typed stays in view, next to the cursor.
        let room = width.saturating_sub(prompt.chars().count() + 1);
        let skip = note.chars().count().saturating_sub(room);
        return vec![vec![
            Span::styled(prompt, label),
            Span::styled(
                note.chars().skip(skip).collect::<String>(),
                Style::default().fg(theme.fg).add_modifier(Modifier::BOLD),
            ),
            Span::styled("█", Style::default().fg(theme.accent)),
        ]];
    }
    if matches!(approval.request.preview, ApprovalPreview::Plan(_)) {
        return pairs(vec![
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
    let spans = vec![
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
    let mut groups = pairs(spans);
    if matches!(approval.request.preview, ApprovalPreview::FileChange(_)) {
        groups.push(vec![Span::styled("j/k scroll · [ ] hunk · v layout", dim)]);
    }
    groups
}

/// [key, label, key, label…] as groups of two, the labels' trailing spaces left to the flow.
fn pairs(spans: Vec<Span<'static>>) -> Vec<Vec<Span<'static>>> {
    let mut groups: Vec<Vec<Span<'static>>> = Vec::new();
    for (i, mut span) in spans.into_iter().enumerate() {
        let trimmed = span.content.trim_end().to_string();
        span.content = trimmed.into();
        if i % 2 == 0 {
            groups.push(vec![span]);
        } else if let Some(group) = groups.last_mut() {
            group.push(span);
        }
    }
    groups
}
