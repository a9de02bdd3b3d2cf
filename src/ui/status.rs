//! The status bar: model (with its provider when not Anthropic), cwd, permission mode, what the agent is doing, tokens, context and cost.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::app::keymap::GlobalAction;
use crate::app::model::{Activity, Model, QUIT_WINDOW};
use crate::protocol::Pricing;
use crate::ui::text;

pub fn draw(model: &Model, area: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let base = Style::default().fg(theme.status_fg).bg(theme.status_bg);
    buf.set_style(area, base);
    let s = &model.status;
    let sep = Span::styled(" │ ", Style::default().fg(theme.dim).bg(theme.status_bg));
    let quit_hint = model
        .quit_armed
        .is_some_and(|at| model.now.saturating_duration_since(at) <= QUIT_WINDOW)
        && !model.busy;
    let state = if quit_hint {
        let key = model
            .keymap
            .keys_for(GlobalAction::Quit)
            .into_iter()
            .next()
            .unwrap_or_else(|| "the quit key".into());
        Span::styled(format!("Press {key} again to quit"), base.fg(theme.warning))
    } else {
        activity_span(model)
    };
    let claw = Span::styled(" claw", base.fg(theme.accent).add_modifier(Modifier::BOLD));
    // Anthropic is the default: any other provider is named with its model.
    let model_name = match s.provider.as_str() {
        "" | "anthropic" => Span::styled(s.model.clone(), base),
        provider => Span::styled(format!("{provider}/{}", s.model), base),
    };
    let mode = Span::styled(s.permission_mode.clone(), base);
    let full = Line::from(vec![
        claw.clone(),
        sep.clone(),
        model_name,
        sep.clone(),
        mode.clone(),
        sep.clone(),
        state.clone(),
    ]);
    // On a narrow screen the state (and the quit hint) matter most: drop the model, then the mode.
    let left = if full.width() <= area.width as usize {
        full
    } else {
        let shorter = Line::from(vec![
            claw.clone(),
            sep.clone(),
            mode,
            sep.clone(),
            state.clone(),
        ]);
        if shorter.width() <= area.width as usize {
            shorter
        } else {
            Line::from(vec![claw, sep, state])
        }
    };
    let context = if s.context_window > 0 && s.context_used > 0 {
        format!(" · ctx {}%", s.context_used * 100 / s.context_window)
    } else {
        String::new()
    };
    let cost = match s.pricing {
        Pricing::Known => format!("${:.4}", s.cost),
        Pricing::Partial => format!("${:.4}+?", s.cost),
        Pricing::Unknown => "$?".to_string(),
    };
    let right = format!(
        "↑{} ↓{}{} · {cost} · {} ",
        text::tokens(s.tokens_in),
        text::tokens(s.tokens_out),
        context,
        s.cwd
    );
    let right_width = right.width() as u16;
    let left_width = left.width() as u16;
    buf.set_line(area.x, area.y, &left, area.width);
    if area.width > left_width + right_width + 1 {
        buf.set_string(
            area.x + area.width - right_width,
            area.y,
            right,
            base.fg(theme.dim),
        );
    } else if area.width > left_width + 12 {
        let room = (area.width - left_width - 1) as usize;
        let cut = text::truncate(&right, room);
        let w = cut.width() as u16;
        buf.set_string(area.x + area.width - w, area.y, cut, base.fg(theme.dim));
    }
}

fn activity_span(model: &Model) -> Span<'static> {
    let theme = &model.theme;
    let base = Style::default().bg(theme.status_bg);
    let spin = text::spinner(model.now.saturating_duration_since(model.started));
    let (label, color) = match model.activity() {
        Activity::Idle => ("idle".to_string(), theme.dim),
        Activity::Waiting => (format!("{spin} waiting for the model"), theme.accent),
        Activity::Thinking => (format!("{spin} thinking"), theme.accent),
        Activity::Streaming => (format!("{spin} streaming"), theme.accent),
        Activity::RunningTool => (format!("{spin} running tool"), theme.tool),
        Activity::WaitingApproval => ("● waiting for approval".to_string(), theme.warning),
        Activity::AskingQuestion => ("? the model asks you a question".to_string(), theme.warning),
        Activity::FillingForm => ("? an MCP server asks for input".to_string(), theme.warning),
    };
    Span::styled(label, base.fg(color))
}
