//! The MCP servers on screen: the list the agent sends (`AgentEvent::McpServers`), the start-up
//! dialog that asks about the project's new `.mcp.json` servers (approve all, choose, deny),
//! `/mcp`'s panel (every server, Enter for its tools, keys to reconnect, enable, disable), and
//! the servers' prompts offered as slash commands.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::commands::CustomEntry;
use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::app::overlay::{Overlay, OverlayKind};
use crate::protocol::Op;
use crate::protocol::mcp::{McpAction, McpServerInfo, McpState};

/// The start-up dialog: the project's servers waiting for the user's word, each checked or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct McpApprovalDialog {
    /// (name, command or URL), in the order listed.
    pub servers: Vec<(String, String)>,
    pub checked: Vec<bool>,
    pub selected: usize,
    /// When it appeared: keys typed just before (meant for the input) don't answer it.
    pub shown_at: Instant,
}

impl McpApprovalDialog {
    pub fn new(servers: Vec<(String, String)>, shown_at: Instant) -> Self {
        let checked = vec![true; servers.len()];
        McpApprovalDialog {
            servers,
            checked,
            selected: 0,
            shown_at,
        }
    }
}

/// `/mcp`'s panel: the highlighted server, and whether its tools are shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct McpPanel {
    pub selected: usize,
    /// Showing the tools of the highlighted server (Enter; Esc goes back).
    pub tools: bool,
    /// The first tool line shown.
    pub scroll: usize,
}

/// The servers changed: kept for the panel, the popup and the finder; the first list that
/// holds project servers waiting for approval opens the dialog.
pub(crate) fn on_servers(model: &mut Model, servers: Vec<McpServerInfo>, now: Instant) {
    if !model.mcp_asked {
        let waiting: Vec<(String, String)> = servers
            .iter()
            .filter(|s| s.from_mcp_json && s.state == McpState::NeedsApproval)
            .map(|s| (s.name.clone(), s.target.clone()))
            .collect();
        if !waiting.is_empty() {
            model.mcp_asked = true;
            model
                .overlays
                .open(Overlay::McpApproval(McpApprovalDialog::new(waiting, now)));
        }
    }
    let count = servers.len();
    model.mcp_servers = servers;
    if let Some(panel) = model.overlays.mcp_panel_mut() {
        panel.selected = panel.selected.min(count.saturating_sub(1));
    }
}

fn send(action: McpAction, servers: Vec<String>) -> Vec<Effect> {
    if servers.is_empty() {
        return Vec::new();
    }
    vec![Effect::Send(Op::Mcp { action, servers })]
}

fn plain(key: &KeyEvent) -> bool {
    !key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// Keys of the start-up dialog: Space toggles, Enter starts the checked ones and turns the
/// others off, `a` approves all, `A` all and those the project adds later, `n` denies all, Esc
/// decides later (they wait in `/mcp`). Keys within the approval grace after it appeared
/// were typed for the input, at start-up: they are dropped, never taken as an answer.
pub(crate) fn on_approval_key(model: &mut Model, key: &KeyEvent, now: Instant) -> Vec<Effect> {
    let Some(dialog) = model.overlays.mcp_approval_mut() else {
        return Vec::new();
    };
    if now.saturating_duration_since(dialog.shown_at) < crate::app::model::APPROVAL_GRACE {
        return Vec::new();
    }
    let count = dialog.servers.len();
    let names = |dialog: &McpApprovalDialog, checked: bool| -> Vec<String> {
        dialog
            .servers
            .iter()
            .zip(&dialog.checked)
            .filter(|(_, c)| **c == checked)
            .map(|((name, _), _)| name.clone())
            .collect()
    };
    let all: Vec<String> = dialog.servers.iter().map(|(n, _)| n.clone()).collect();
    let effects = match key.code {
        KeyCode::Up | KeyCode::Char('k') if plain(key) => {
            dialog.selected = dialog.selected.checked_sub(1).unwrap_or(count - 1);
            return Vec::new();
        }
        KeyCode::Down | KeyCode::Char('j') if plain(key) => {
            dialog.selected = (dialog.selected + 1) % count;
            return Vec::new();
        }
        KeyCode::Char(' ') => {
            let at = dialog.selected;
            dialog.checked[at] = !dialog.checked[at];
            return Vec::new();
        }
        KeyCode::Enter => {
            let mut effects = send(McpAction::Enable, names(dialog, true));
            effects.extend(send(McpAction::Disable, names(dialog, false)));
            effects
        }
        KeyCode::Char('a') if plain(key) => send(McpAction::Enable, all),
        KeyCode::Char('A') if plain(key) => send(McpAction::EnableAllProject, all),
        KeyCode::Char('n' | 'd') if plain(key) => send(McpAction::Disable, all),
        KeyCode::Esc => Vec::new(),
        _ => return Vec::new(),
    };
    model.overlays.close(OverlayKind::McpApproval);
    effects
}

/// Opens `/mcp`'s panel.
pub(crate) fn open_panel(model: &mut Model) -> Vec<Effect> {
    model.overlays.open(Overlay::McpPanel(McpPanel::default()));
    Vec::new()
}

/// Keys of `/mcp`'s panel: ↑/↓ choose, Enter shows the tools (Esc back), `r` reconnects,
/// `e` enables (approves), `d` disables, Esc closes.
pub(crate) fn on_panel_key(model: &mut Model, key: &KeyEvent) -> Vec<Effect> {
    let count = model.mcp_servers.len();
    let Some(panel) = model.overlays.mcp_panel_mut() else {
        return Vec::new();
    };
    let chosen = model
        .mcp_servers
        .get(panel.selected)
        .map(|s| vec![s.name.clone()])
        .unwrap_or_default();
    match key.code {
        KeyCode::Esc | KeyCode::Backspace | KeyCode::Left if panel.tools => {
            panel.tools = false;
            panel.scroll = 0;
        }
        KeyCode::Up | KeyCode::Char('k') if panel.tools && plain(key) => {
            panel.scroll = panel.scroll.saturating_sub(1)
        }
        KeyCode::Down | KeyCode::Char('j') if panel.tools && plain(key) => panel.scroll += 1,
        KeyCode::Up | KeyCode::Char('k') if count > 0 && plain(key) => {
            panel.selected = panel.selected.checked_sub(1).unwrap_or(count - 1)
        }
        KeyCode::Down | KeyCode::Char('j') if count > 0 && plain(key) => {
            panel.selected = (panel.selected + 1) % count
        }
        KeyCode::Enter | KeyCode::Right if count > 0 => {
            panel.tools = true;
            panel.scroll = 0;
        }
        KeyCode::Char('r') if plain(key) => return send(McpAction::Reconnect, chosen),
        KeyCode::Char('e') if plain(key) => return send(McpAction::Enable, chosen),
        KeyCode::Char('d') if plain(key) => return send(McpAction::Disable, chosen),
        KeyCode::Esc | KeyCode::Char('q') => model.overlays.close(OverlayKind::McpPanel),
        _ => {}
    }
    Vec::new()
}

/// The connected servers' prompts, as slash commands for the popup and the palette.
pub fn prompt_entries(servers: &[McpServerInfo]) -> Vec<CustomEntry> {
    servers
        .iter()
        .filter(|s| s.state == McpState::Connected)
        .flat_map(|s| {
            s.prompts.iter().map(move |p| CustomEntry {
                name: p.command.clone(),
                description: if p.description.is_empty() {
                    format!("prompt of the MCP server {}", s.name)
                } else {
                    format!("{} (MCP {})", p.description, s.name)
                },
                argument_hint: p.argument_hint(),
            })
        })
        .collect()
}

/// The prompt offered as `/name`, if a connected server has one.
pub(crate) fn prompt_named<'a>(
    model: &'a Model,
    name: &str,
) -> Option<&'a crate::protocol::mcp::McpPromptInfo> {
    model
        .mcp_servers
        .iter()
        .filter(|s| s.state == McpState::Connected)
        .flat_map(|s| s.prompts.iter())
        .find(|p| p.command == name)
}

/// `@` mentions the connected servers' resources offer for `query`: `server:uri`, best first.
pub(crate) fn resource_matches(
    servers: &[McpServerInfo],
    query: &str,
) -> Vec<crate::app::model::ResourceMatch> {
    let mut matcher = crate::fuzzy::FuzzyMatcher::new(query, crate::fuzzy::MatchKind::Text);
    let mut found: Vec<(u32, usize, crate::app::model::ResourceMatch)> = servers
        .iter()
        .filter(|s| s.state == McpState::Connected)
        .flat_map(|s| s.resources.iter().map(move |r| (s, r)))
        .enumerate()
        .filter_map(|(i, (server, resource))| {
            let mention = format!("{}:{}", server.name, resource.uri);
            let haystack = format!("{mention} {}", resource.name);
            let score = matcher.score(&haystack)?;
            let length = mention.chars().count();
            let positions = matcher
                .positions(&haystack)
                .unwrap_or_default()
                .into_iter()
                .filter(|p| *p < length)
                .collect();
            Some((
                score,
                i,
                crate::app::model::ResourceMatch {
                    mention,
                    name: resource.name.clone(),
                    positions,
                },
            ))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found
        .into_iter()
        .map(|(_, _, m)| m)
        .take(crate::app::mention::LIMIT)
        .collect()
}
