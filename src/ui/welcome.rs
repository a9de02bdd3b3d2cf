//! The first screen's header, drawn as the conversation's first cell.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::welcome::Welcome;
use crate::theme::Theme;
use crate::ui::text::{self, wrap};

/// The first screen's header: `✻ claw 0.1.0`, the model and directory, the hint (wrapped).
pub fn lines(welcome: &Welcome, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let dim = Style::default().fg(theme.dim);
    let mut lines = vec![Line::from(vec![
        Span::styled("✻ ", Style::default().fg(theme.accent)),
        Span::styled(
            "claw",
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!(" {}", welcome.version), dim),
    ])];
    // The model and the directory on one line when they fit, else one line each.
    let both = format!("{} · {}", welcome.model, welcome.cwd);
    let facts = if both.chars().count() + 2 <= width {
        vec![both]
    } else {
        vec![welcome.model.clone(), welcome.cwd.clone()]
    };
    for fact in facts {
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(
                text::truncate(&fact, width.saturating_sub(2)),
                Style::default().fg(theme.fg),
            ),
        ]));
    }
    lines.extend(
        wrap(&welcome.hint, width.saturating_sub(2))
            .into_iter()
            .map(|l| Line::from(vec![Span::raw("  "), Span::styled(l, dim)])),
    );
    lines
}
