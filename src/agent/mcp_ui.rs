//! The MCP servers as the UI steers and shows them: the state of every server sent as data
//! (`AgentEvent::McpServers`), the user's choices (`Op::Mcp`: approve, deny, reconnect, enable,
//! disable) applied at once and remembered in the local settings with Claude Code's keys, the
//! servers' prompts run as the user's turn, and `@server:uri` mentions attached.

use std::path::PathBuf;

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use crate::agent::mentions::{Attached, MARKER};
use crate::config::mcp::McpScope;
use crate::mcp::{McpServers, ServerState, ServerStatus};
use crate::protocol::AgentEvent;
use crate::protocol::mcp::{McpAction, McpServerInfo, McpState};

/// The local settings' keys for the user's choices about project servers (Claude Code's).
pub(crate) const ENABLED: &str = "enabledMcpjsonServers";
pub(crate) const DISABLED: &str = "disabledMcpjsonServers";
pub(crate) const ENABLE_ALL: &str = "enableAllProjectMcpServers";

/// What the UI's MCP choices act on.
#[derive(Clone, Default)]
pub(crate) struct Steering {
    pub mcp: Option<McpServers>,
    /// Where the choices are remembered (None: not saved, e.g. in tests).
    pub local_settings: Option<PathBuf>,
    pub events: Option<UnboundedSender<AgentEvent>>,
}

impl Steering {
    /// Carries out `action` on `servers`; problems are reported as errors.
    pub(crate) fn apply(&self, action: McpAction, servers: &[String]) {
        let Some(mcp) = &self.mcp else {
            return;
        };
        let mut problems = Vec::new();
        if action == McpAction::EnableAllProject
            && let Some(path) = &self.local_settings
            && let Err(e) =
                crate::config::settings::save_setting(path, ENABLE_ALL, Value::Bool(true))
        {
            problems.push(format!("Could not save {ENABLE_ALL}: {e}"));
        }
        for name in servers {
            let Some(status) = mcp.statuses().into_iter().find(|s| s.config.name == *name) else {
                problems.push(format!("No MCP server `{name}`."));
                continue;
            };
            match action {
                McpAction::Enable | McpAction::EnableAllProject => {
                    if let Err(e) = save_choice(self.local_settings.as_ref(), ENABLED, name) {
                        problems.push(format!("Could not save the approval of `{name}`: {e}"));
                    }
                    if !matches!(status.state, ServerState::Ready | ServerState::Connecting) {
                        mcp.reconnect(name);
                    }
                }
                McpAction::Disable => {
                    if let Err(e) = save_choice(self.local_settings.as_ref(), DISABLED, name) {
                        problems.push(format!("Could not save the choice for `{name}`: {e}"));
                    }
                    mcp.disable(name);
                }
                McpAction::Reconnect => {
                    mcp.reconnect(name);
                }
            }
        }
        if let Some(events) = &self.events {
            for message in problems {
                let _ = events.send(AgentEvent::Error { message });
            }
        }
    }
}

/// Adds `name` to the list `key` of the local settings, and takes it off the other list (the
/// one way the start-up dialog, `/mcp`'s keys and `/mcp approve|deny` remember a choice).
pub(crate) fn save_choice(path: Option<&PathBuf>, key: &str, name: &str) -> Result<(), String> {
    let Some(path) = path else {
        return Ok(());
    };
    let other = if key == ENABLED { DISABLED } else { ENABLED };
    let current: Value = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let list = |key: &str| -> Vec<String> {
        current[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut chosen = list(key);
    if !chosen.iter().any(|n| n == name) {
        chosen.push(name.to_string());
    }
    let rest: Vec<String> = list(other).into_iter().filter(|n| n != name).collect();
    crate::config::settings::save_setting(path, key, chosen.into())?;
    crate::config::settings::save_setting(path, other, rest.into())
}

/// Every server as the UI shows it.
pub(crate) fn infos(mcp: &McpServers) -> Vec<McpServerInfo> {
    mcp.statuses().into_iter().map(info).collect()
}

pub(crate) fn info(status: ServerStatus) -> McpServerInfo {
    let config = status.config;
    let signs_in_without_browser = config.signs_in_without_browser();
    McpServerInfo {
        state: match status.state {
            ServerState::NeedsApproval => McpState::NeedsApproval,
            ServerState::Disabled => McpState::Disabled,
            ServerState::Connecting => McpState::Connecting,
            ServerState::Ready => McpState::Connected,
            ServerState::Failed(why) => McpState::Failed(why),
            ServerState::NeedsAuth => McpState::NeedsAuth,
            ServerState::SigningIn(url) => McpState::SigningIn(url),
        },
        transport: config.transport.kind().to_string(),
        target: config.target(),
        scope: config.scope.as_str().to_string(),
        from_mcp_json: config.scope == McpScope::Project,
        name: config.name,
        tools: status.tool_listing,
        resources: status.resources,
        prompts: status.prompts,
        stderr: status.stderr,
        version: status.version,
        auth_reason: status.auth_reason.unwrap_or_default(),
        signs_in_without_browser,
    }
}

/// The `@server:uri` mentions of `prompt` that name a connected server, their text attached
/// the way files are.
pub(crate) async fn attach_resources(mcp: &McpServers, prompt: &str) -> Attached {
    let mut attached = Attached::default();
    for mention in crate::agent::mentions::mentions(prompt) {
        let Some((server, uri)) = mention.split_once(':') else {
            continue;
        };
        if uri.is_empty() {
            continue;
        }
        let shown = format!("{server}:{uri}");
        match mcp.read_resource_text(server, uri).await {
            None => {}
            Some(Ok(text)) => {
                attached.notes.push(format!(
                    "Attached {shown} ({})",
                    crate::words::count(text.lines().count(), "line", "lines")
                ));
                let end = if text.ends_with('\n') { "" } else { "\n" };
                attached.blocks.push(format!(
                    "{MARKER}server=\"{server}\" uri=\"{uri}\">\n{text}{end}</attached-file>"
                ));
            }
            Some(Err(why)) => attached
                .notes
                .push(format!("Not attached: {shown} ({why})")),
        }
    }
    attached
}

impl crate::agent::turn::Session {
    /// `/mcp__server__prompt args`: the prompt's messages, fetched from its server, become the
    /// user's turn; a prompt that can't be had ends the turn with the reason. Returns false
    /// when the agent should shut down.
    pub(crate) async fn mcp_prompt(
        &mut self,
        command: &str,
        args: &str,
        inbox: &mut crate::agent::inbox::Inbox,
    ) -> bool {
        let got = match self.services.setup.mcp.clone() {
            Some(mcp) => match inbox.watch(mcp.get_prompt(command, args)).await {
                crate::agent::inbox::Watched::Done(got) => got,
                crate::agent::inbox::Watched::Interrupted => Err("interrupted".into()),
                crate::agent::inbox::Watched::Shutdown => return false,
            },
            None => Err(format!("/{command}: no MCP servers are configured")),
        };
        match got {
            Ok(text) => self.turn(text, inbox).await,
            Err(message) => {
                self.emit(AgentEvent::Error { message });
                self.emit(AgentEvent::TurnEnded {
                    stop: crate::protocol::TurnStop::Failed,
                });
                true
            }
        }
    }

    /// After the wait for servers still starting: the `@server:uri` mentions of the prompt
    /// join the user's message, as attached files do (Esc goes on without them). False: shut
    /// down.
    pub(crate) async fn attach_mcp_resources(
        &mut self,
        prompt: &str,
        inbox: &mut crate::agent::inbox::Inbox,
    ) -> bool {
        let Some(mcp) = self.services.setup.mcp.clone() else {
            return true;
        };
        let attached = match inbox.watch(attach_resources(&mcp, prompt)).await {
            crate::agent::inbox::Watched::Done(attached) => attached,
            crate::agent::inbox::Watched::Interrupted => return true,
            crate::agent::inbox::Watched::Shutdown => return false,
        };
        for block in attached.blocks {
            self.conversation.history.push_user_text(block);
        }
        for note in attached.notes {
            self.emit(AgentEvent::Notice { message: note });
        }
        true
    }
}
