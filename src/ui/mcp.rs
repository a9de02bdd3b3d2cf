//! The MCP servers on screen: the start-up dialog that asks about the project's new servers,
//! and `/mcp`'s panel (every server with its state, transport and counts; the highlighted one's
//! details and the tail of its stderr; Enter for its tools).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::columns::truncate;
use crate::app::mcp::{McpApprovalDialog, McpPanel};
use crate::app::model::Model;
use crate::protocol::mcp::{McpServerInfo, McpState};
use crate::theme::Theme;
use crate::ui::text;

/// Lines of a failed server's stderr shown in the panel.
const STDERR_SHOWN: usize = 6;

fn key_line(theme: &Theme, keys: &[(&str, &str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (key, what) in keys {
        spans.push(Span::styled(
            key.to_string(),
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(
            format!(" {what}  "),
            Style::default().fg(theme.fg),
        ));
    }
    Line::from(spans)
}

/// A list row: the highlighted one bold in the accent colour.
fn row_style(theme: &Theme, here: bool) -> Style {
    if here {
        Style::default()
            .fg(theme.accent)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().fg(theme.fg)
    }
}

fn put(buf: &mut Buffer, inner: Rect, row: usize, line: &Line) {
    if row < inner.height as usize {
        buf.set_line(
            inner.x + 1,
            inner.y + row as u16,
            line,
            inner.width.saturating_sub(2),
        );
    }
}

/// The start-up dialog.
pub fn draw_approval(model: &Model, dialog: &McpApprovalDialog, screen: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let width = screen.width.saturating_sub(4).min(96);
    let inner_width = width.saturating_sub(4) as usize;
    let mut intro: Vec<Line> = text::wrap(
        "This project's .mcp.json declares MCP servers. They run on your machine with your \
         permissions, and their tools reach the model. Start them?",
        inner_width,
    )
    .into_iter()
    .map(|l| Line::styled(l, Style::default().fg(theme.fg)))
    .collect();
    intro.push(Line::default());
    let keys = [
        key_line(
            theme,
            &[
                ("Space", "check"),
                ("Enter", "start the checked, turn off the rest"),
            ],
        ),
        key_line(
            theme,
            &[
                ("a", "all"),
                ("A", "all, and any added later"),
                ("n", "none"),
                ("Esc", "ask later (/mcp)"),
            ],
        ),
    ];
    let wanted = intro.len() + dialog.servers.len() + 1 + keys.len() + 2;
    let height = (wanted as u16).min(screen.height);
    if width < 20 || height < 5 {
        return;
    }
    let inner = crate::ui::centered_box::draw(
        screen,
        width,
        height,
        " New MCP servers in this project ",
        theme.warning,
        buf,
    );
    let rows = inner.height as usize;
    let list_room = rows.saturating_sub(keys.len() + 1);
    let name_width = dialog
        .servers
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = intro;
    for (i, (name, target)) in dialog.servers.iter().enumerate() {
        let here = i == dialog.selected;
        let style = row_style(theme, here);
        let check = if dialog.checked[i] { "[x]" } else { "[ ]" };
        let room = inner_width.saturating_sub(name_width + 10);
        lines.push(Line::from(vec![
            Span::styled(if here { "› " } else { "  " }, style),
            Span::styled(format!("{check} {name:<name_width$}  "), style),
            Span::styled(
                truncate(&text::sanitize(target), room),
                Style::default().fg(theme.dim),
            ),
        ]));
    }
    // The list keeps the highlighted server in view; the keys always show.
    let skip = lines.len().saturating_sub(list_room);
    let first = skip.min(dialog.selected + 2);
    for (row, line) in lines.iter().skip(first).take(list_room).enumerate() {
        put(buf, inner, row, line);
    }
    for (i, line) in keys.iter().enumerate() {
        put(buf, inner, rows - keys.len() + i, line);
    }
}

fn state_style(theme: &Theme, state: &McpState) -> Style {
    Style::default().fg(match state {
        McpState::Connected => theme.success,
        McpState::Failed(_) => theme.error,
        McpState::NeedsApproval | McpState::NeedsAuth => theme.warning,
        McpState::Connecting | McpState::Disabled | McpState::SigningIn(_) => theme.dim,
    })
}

fn counts(server: &McpServerInfo) -> String {
    let mut parts = vec![server.transport.clone()];
    if server.state == McpState::Connected {
        parts.push(crate::words::count(server.tools.len(), "tool", "tools"));
        parts.push(crate::words::count(
            server.resources.len(),
            "resource",
            "resources",
        ));
        parts.push(crate::words::count(
            server.prompts.len(),
            "prompt",
            "prompts",
        ));
    }
    parts.join(" · ")
}

/// `/mcp`'s panel.
pub fn draw_panel(model: &Model, panel: &McpPanel, screen: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let servers = &model.mcp_servers;
    if panel.tools
        && let Some(server) = servers.get(panel.selected)
    {
        return draw_tools(model, server, panel.scroll, screen, buf);
    }
    let Some(inner) =
        crate::ui::centered_box::picker(screen, None, " MCP servers ", theme.accent, buf)
    else {
        return;
    };
    let width = inner.width.saturating_sub(2) as usize;
    let rows = inner.height as usize;
    let dim = Style::default().fg(theme.dim);
    let keys = key_line(
        theme,
        &[
            ("↑/↓", "choose"),
            ("Enter", "tools"),
            ("r", "reconnect"),
            ("e", "enable"),
            ("d", "disable"),
            ("Esc", "close"),
        ],
    );
    put(buf, inner, rows.saturating_sub(1), &keys);
    if servers.is_empty() {
        let lines = text::wrap(
            "No MCP servers. Declare them in .mcp.json at the project root, under \
             \"mcpServers\" in a settings file, with claw mcp add, or with --mcp-config.",
            width,
        );
        for (row, line) in lines.into_iter().enumerate() {
            put(buf, inner, row, &Line::styled(line, dim));
        }
        return;
    }
    let name_width = servers
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(width / 3);
    // The widest state and a space ("needs authentication" is wider than the rest).
    let state_width = servers
        .iter()
        .map(|s| s.state.label().chars().count() + 1)
        .max()
        .unwrap_or(0)
        .max(15);
    let list_rows = servers.len().min(rows.saturating_sub(2).max(1) / 2 + 1);
    let first = (panel.selected + 1).saturating_sub(list_rows);
    for (row, (i, server)) in servers
        .iter()
        .enumerate()
        .skip(first)
        .take(list_rows)
        .enumerate()
    {
        let here = i == panel.selected;
        let style = row_style(theme, here);
        let line = Line::from(vec![
            Span::styled(if here { "› " } else { "  " }, style),
            Span::styled(
                format!("{:<name_width$}  ", truncate(&server.name, name_width)),
                style,
            ),
            Span::styled(
                format!("{:<state_width$}", server.state.label()),
                state_style(theme, &server.state),
            ),
            Span::styled(counts(server), dim),
        ]);
        put(buf, inner, row, &line);
    }
    // The highlighted server's details, below the list.
    let Some(server) = servers.get(panel.selected) else {
        return;
    };
    let mut details = vec![Line::styled(
        truncate(
            &format!("{} · {}", text::sanitize(&server.target), server.scope),
            width,
        ),
        dim,
    )];
    let why = match &server.state {
        McpState::Failed(why) => Some((format!("failed: {why}"), theme.error)),
        McpState::NeedsApproval => Some((
            "declared by the project's .mcp.json: e starts it (and remembers)".into(),
            theme.warning,
        )),
        McpState::Disabled => Some(("turned off: e starts it again".into(), theme.dim)),
        McpState::NeedsAuth => {
            let again = !server.auth_reason.is_empty();
            let how = match (server.signs_in_without_browser, again) {
                (true, true) => "s signs in again",
                (true, false) => "s signs in",
                (false, _) => "s opens the browser to do it",
            };
            let why = match (again, server.signs_in_without_browser) {
                (true, _) => format!(
                    "it wants you to sign in again ({}): {how}",
                    server.auth_reason
                ),
                (false, true) => format!("it needs a sign-in: {how}"),
                (false, false) => format!("it wants you to sign in: {how}"),
            };
            Some((why, theme.warning))
        }
        McpState::SigningIn(url) => Some((
            format!("signing in: finish in the browser, or open {url}"),
            theme.dim,
        )),
        McpState::Connecting | McpState::Connected => None,
    };
    if let Some((why, colour)) = why {
        for line in text::wrap(&text::sanitize(&why), width) {
            details.push(Line::styled(line, Style::default().fg(colour)));
        }
    }
    if matches!(server.state, McpState::Failed(_)) && !server.stderr.trim().is_empty() {
        details.push(Line::styled("its last stderr lines:", dim));
        let lines: Vec<&str> = server.stderr.lines().collect();
        for line in &lines[lines.len().saturating_sub(STDERR_SHOWN)..] {
            details.push(Line::styled(
                truncate(&format!("  {}", text::sanitize(line)), width),
                dim,
            ));
        }
    }
    let top = list_rows + 1;
    let room = rows.saturating_sub(top + 1);
    for (row, line) in details.iter().take(room).enumerate() {
        put(buf, inner, top + row, line);
    }
}

/// One server's tools: name and description, scrolled by ↑/↓.
fn draw_tools(
    model: &Model,
    server: &McpServerInfo,
    scroll: usize,
    screen: Rect,
    buf: &mut Buffer,
) {
    let theme = &model.theme;
    let title = format!(
        " {}: {} ",
        server.name,
        crate::words::count(server.tools.len(), "tool", "tools")
    );
    let Some(inner) = crate::ui::centered_box::picker(screen, None, &title, theme.accent, buf)
    else {
        return;
    };
    let width = inner.width.saturating_sub(2) as usize;
    let rows = inner.height as usize;
    let keys = key_line(theme, &[("↑/↓", "scroll"), ("Esc", "back to the servers")]);
    put(buf, inner, rows.saturating_sub(1), &keys);
    let dim = Style::default().fg(theme.dim);
    if server.tools.is_empty() {
        let why = match server.state {
            McpState::Connected => "It offers no tools.",
            _ => "Not connected: its tools show once it is.",
        };
        put(buf, inner, 0, &Line::styled(why, dim));
        return;
    }
    let name_width = server
        .tools
        .iter()
        .map(|t| t.remote.chars().count())
        .max()
        .unwrap_or(0)
        .min(width / 2);
    let room = rows.saturating_sub(2);
    let first = scroll.min(server.tools.len().saturating_sub(room));
    for (row, tool) in server.tools.iter().skip(first).take(room).enumerate() {
        let description = tool.description.lines().next().unwrap_or("");
        let line = Line::from(vec![
            Span::styled(
                format!("{:<name_width$}  ", truncate(&tool.remote, name_width)),
                Style::default().fg(theme.fg).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                truncate(
                    &text::sanitize(description),
                    width.saturating_sub(name_width + 2),
                ),
                dim,
            ),
        ]);
        put(buf, inner, row, &line);
    }
}
