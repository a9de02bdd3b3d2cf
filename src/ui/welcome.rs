//! The first screen's header, drawn as the conversation's first cell.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::welcome::Welcome;
use crate::theme::Theme;
use crate::ui::text::{self, wrap};

/// The first screen's header: `✻ claw 0.1.0`, the provider, model and directory, the memory
/// files and MCP servers in use, the hint (wrapped).
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
    // The provider's model and the directory on one line when they fit, else one line each.
    let model = if welcome.provider.is_empty() {
        welcome.model.clone()
    } else {
        format!("{} · {}", welcome.provider, welcome.model)
    };
    let both = format!("{model} · {}", welcome.cwd);
    let facts = if both.chars().count() + 2 <= width {
        vec![both]
    } else {
        vec![model, welcome.cwd.clone()]
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
        wrap(&in_use(welcome), width.saturating_sub(2))
            .into_iter()
            .map(|l| {
                Line::from(vec![
                    Span::raw("  "),
                    Span::styled(l, Style::default().fg(theme.fg)),
                ])
            }),
    );
    lines.extend(
        wrap(&welcome.hint, width.saturating_sub(2))
            .into_iter()
            .map(|l| Line::from(vec![Span::raw("  "), Span::styled(l, dim)])),
    );
    lines
}

/// "memory CLAUDE.md, AGENTS.md · MCP github": what the session reads and reaches.
fn in_use(welcome: &Welcome) -> String {
    let memory = if welcome.memory.is_empty() {
        "no memory file (CLAW.md, CLAUDE.md, AGENTS.md)".to_string()
    } else {
        format!("memory {}", welcome.memory.join(", "))
    };
    let mcp = if welcome.mcp.is_empty() {
        "no MCP servers".to_string()
    } else {
        format!("MCP {}", welcome.mcp.join(", "))
    };
    format!("{memory} · {mcp}")
}
