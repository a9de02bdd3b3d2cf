//! A tool call's row in the conversation: its status mark, name, key argument and result on one
//! line, and when expanded the hooks that gated it and its output. The activity pane shares the
//! marks and the output lines.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::model::{Model, ToolCall, ToolStatus};
use crate::protocol::ToolOutcome;
use crate::ui::text;

/// The status mark of a tool call: a spinner while it runs, then ✓ ✗ ⊘ ■.
pub fn status_mark(call: &ToolCall, model: &Model) -> Span<'static> {
    let theme = &model.theme;
    match call.status {
        ToolStatus::Running => Span::styled(
            text::spinner(model.now.saturating_duration_since(call.started)),
            Style::default().fg(theme.accent),
        ),
        ToolStatus::WaitingApproval => Span::styled("?", Style::default().fg(theme.warning)),
        ToolStatus::Done(ToolOutcome::Success) => {
            Span::styled("✓", Style::default().fg(theme.success))
        }
        ToolStatus::Done(ToolOutcome::Failed) => {
            Span::styled("✗", Style::default().fg(theme.error))
        }
        ToolStatus::Done(ToolOutcome::Denied) => {
            Span::styled("⊘", Style::default().fg(theme.warning))
        }
        ToolStatus::Done(ToolOutcome::Interrupted) => {
            Span::styled("■", Style::default().fg(theme.dim))
        }
    }
}

/// What follows the tool name: the result, or what it waits for.
pub fn status_text(call: &ToolCall, model: &Model) -> String {
    let elapsed = call
        .duration
        .unwrap_or_else(|| model.now.saturating_duration_since(call.started));
    match call.status {
        ToolStatus::Running => text::duration(elapsed),
        ToolStatus::WaitingApproval if call.tool == "AskUserQuestion" => {
            "waiting for your answer".into()
        }
        ToolStatus::WaitingApproval => "waiting for approval".into(),
        ToolStatus::Done(ToolOutcome::Success) | ToolStatus::Done(ToolOutcome::Failed) => {
            // A call redrawn from a saved session has no known time.
            let time = call.duration.map(text::duration);
            match (call.result_summary.as_str(), time) {
                ("", Some(time)) => time,
                ("", None) => String::new(),
                (summary, Some(time)) => format!("{summary} · {time}"),
                (summary, None) => summary.to_string(),
            }
        }
        ToolStatus::Done(ToolOutcome::Denied) => "denied".into(),
        ToolStatus::Done(ToolOutcome::Interrupted) => "interrupted".into(),
    }
}

/// The row of a tool call: `✓ Read src/lib.rs  42 lines · 3ms`, and when expanded (Ctrl+O,
/// or a `!` command) its output and the hooks that gated it below.
pub fn lines(call: &ToolCall, model: &Model, width: u16) -> Vec<Line<'static>> {
    let mut lines = vec![header(call, model, width)];
    if call.expanded {
        let w = width as usize;
        for hook in call.hooks.iter().filter_map(|&i| model.tools.get(i)) {
            lines.push(Line::from(vec![
                Span::raw("  "),
                status_mark(hook, model),
                Span::styled(
                    text::truncate(
                        &format!(
                            " {} {}  {}",
                            hook.tool,
                            text::sanitize(&hook.summary),
                            status_text(hook, model)
                        ),
                        w.saturating_sub(3),
                    ),
                    Style::default().fg(model.theme.dim),
                ),
            ]));
        }
        lines.extend(output_lines(call, &model.theme, w, EXPANDED_LINES, ""));
    }
    lines
}

/// Output lines shown under an expanded row in the conversation.
const EXPANDED_LINES: usize = 12;

/// The first `limit` lines of a call's output, `  │ `-ruled, and how many more there are
/// (with `hint`, the key that shows them, if there is one).
pub fn output_lines(
    call: &ToolCall,
    theme: &crate::theme::Theme,
    width: usize,
    limit: usize,
    hint: &str,
) -> Vec<Line<'static>> {
    let output = call.output.trim_end();
    let total = output.lines().count();
    let mut lines: Vec<Line<'static>> = output
        .lines()
        .take(limit)
        .map(|raw| {
            let shown = match call.tool.as_str() {
                "Read" => aligned_line_number(raw),
                _ => std::borrow::Cow::Borrowed(raw),
            };
            Line::styled(
                format!(
                    "  │ {}",
                    text::truncate(&text::sanitize(&shown), width.saturating_sub(4))
                ),
                Style::default().fg(theme.dim),
            )
        })
        .collect();
    if total > limit {
        lines.push(Line::styled(
            text::truncate(
                &format!(
                    "  │ … {}{hint}",
                    crate::words::count(total - limit, "more line", "more lines")
                ),
                width,
            ),
            Style::default()
                .fg(theme.dim)
                .add_modifier(Modifier::ITALIC),
        ));
    }
    lines
}

/// Read numbers its lines for the model without padding (`12\tcode`); on screen the numbers
/// are right-aligned, so the code lines up as in `cat -n`.
fn aligned_line_number(raw: &str) -> std::borrow::Cow<'_, str> {
    match raw.split_once('\t') {
        Some((number, rest))
            if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) =>
        {
            std::borrow::Cow::Owned(format!("{number:>6}  {rest}"))
        }
        _ => std::borrow::Cow::Borrowed(raw),
    }
}

/// What a row says of the hooks folded into it: how many ran, or that one stopped the call.
fn hooks_note(call: &ToolCall, model: &Model) -> String {
    if call.hooks.is_empty() {
        return String::new();
    }
    let failed = call
        .hooks
        .iter()
        .filter_map(|&i| model.tools.get(i))
        .find(|h| h.status == ToolStatus::Done(ToolOutcome::Failed));
    match failed {
        Some(hook) => format!(" · {} {}", hook.tool, hook.result_summary),
        None => format!(
            " · {}",
            crate::words::count(call.hooks.len(), "hook", "hooks")
        ),
    }
}

/// The first line of a row.
fn header(call: &ToolCall, model: &Model, width: u16) -> Line<'static> {
    let theme = &model.theme;
    let status = format!("{}{}", status_text(call, model), hooks_note(call, model));
    let fixed = call.tool.chars().count() + status.chars().count() + 6;
    let summary = text::truncate(
        &text::sanitize(call.summary.lines().next().unwrap_or("")),
        (width as usize).saturating_sub(fixed),
    );
    Line::from(vec![
        status_mark(call, model),
        Span::raw(" "),
        Span::styled(
            call.tool.clone(),
            Style::default().fg(theme.tool).add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        Span::styled(summary, Style::default().fg(theme.fg)),
        Span::styled(format!("  {status}"), Style::default().fg(theme.dim)),
    ])
}
