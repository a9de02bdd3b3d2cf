//! The MCP servers in the session: a turn waits (up to `MCP_TIMEOUT`) for servers still
//! connecting, each request offers the tools of the ready ones, `/mcp` lists and steers them,
//! and a watcher tells the user when a server connects or fails.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::agent::inbox::{Inbox, Watched};
use crate::agent::mcp_ui::{DISABLED, ENABLED, save_choice};
use crate::agent::turn::Session;
use crate::mcp::{McpServers, ServerState, ServerStatus};
use crate::protocol::AgentEvent;

/// Starts the servers' instructions section, always the last of the system prompt.
const INSTRUCTIONS_HEADING: &str = "\n\n# MCP server instructions\n\n";

impl Session {
    /// Before a turn's first request: waits for servers still connecting, up to `MCP_TIMEOUT`.
    /// Esc stops the wait (the turn goes on with the servers that are ready). False: shut down.
    pub(crate) async fn wait_for_mcp(&mut self, inbox: &mut Inbox) -> bool {
        let Some(mcp) = self.services.setup.mcp.clone() else {
            return true;
        };
        if !mcp.connecting() {
            return true;
        }
        let limit = mcp.options().startup_wait;
        match inbox.watch(mcp.wait_ready(limit)).await {
            Watched::Shutdown => return false,
            Watched::Done(true) | Watched::Interrupted => {}
            Watched::Done(false) => {
                let waiting: Vec<String> = mcp
                    .statuses()
                    .into_iter()
                    .filter(|s| s.state == ServerState::Connecting)
                    .map(|s| s.config.name)
                    .collect();
                self.emit(AgentEvent::Notice {
                    message: format!(
                        "MCP: still connecting after {:.1} s (MCP_TIMEOUT): {}; this turn goes on without their tools",
                        limit.as_secs_f32(),
                        waiting.join(", ")
                    ),
                });
            }
        }
        true
    }

    /// Offers the ready servers' tools from the next request on, when they changed, and puts
    /// their `instructions` at the end of the system prompt (replacing the previous ones).
    pub(crate) fn refresh_tools(&mut self) {
        let Some(mcp) = &self.services.setup.mcp else {
            return;
        };
        let generation = mcp.generation();
        if generation == self.services.tools.found_generation() {
            return;
        }
        self.services.tools = Arc::new(self.services.tools.with_found(mcp.tools(), generation));
        let system = &mut self.conversation.system;
        if let Some(at) = system.find(INSTRUCTIONS_HEADING) {
            system.truncate(at);
        }
        let instructions: Vec<String> = mcp
            .statuses()
            .into_iter()
            .filter(|s| s.state == ServerState::Ready)
            .filter_map(|s| {
                let text = s.instructions?;
                let text = text.trim();
                (!text.is_empty()).then(|| format!("## {}\n\n{text}", s.config.name))
            })
            .collect();
        if !instructions.is_empty() {
            system.push_str(INSTRUCTIONS_HEADING);
            system.push_str(&instructions.join("\n\n"));
        }
    }

    /// `/mcp [reconnect NAME | approve NAME|all | deny NAME]`: the servers and their states.
    pub(crate) fn mcp_command(&mut self, args: &str) -> String {
        let Some(mcp) = self.services.setup.mcp.clone() else {
            return "No MCP servers declared. Add them to .mcp.json at the project root, under \
                    \"mcpServers\" in a settings file, or with --mcp-config."
                .into();
        };
        let mut words = args.split_whitespace();
        let (action, name) = (words.next(), words.next());
        let known = |name: &str| mcp.statuses().iter().any(|s| s.config.name == name);
        let note = match (action, name) {
            (None, _) => String::new(),
            (Some("reconnect"), Some(name)) if known(name) => {
                mcp.reconnect(name);
                format!("Reconnecting `{name}`.\n\n")
            }
            (Some("auth"), Some(name)) if known(name) => match mcp.authenticate(name) {
                Ok(()) => format!("Signing in to `{name}`: your browser opens.\n\n"),
                Err(why) => format!("{why}\n\n"),
            },
            (Some("approve"), Some(name)) if name == "all" || known(name) => {
                self.approve_project_servers(&mcp, name)
            }
            (Some("deny"), Some(name)) if known(name) => {
                mcp.disable(name);
                match save_choice(self.policy.local_settings.as_ref(), DISABLED, name) {
                    Ok(()) => format!("`{name}` stays off in this project.\n\n"),
                    Err(e) => format!("Could not save the choice: {e}\n\n"),
                }
            }
            (Some("reconnect" | "approve" | "deny" | "auth"), Some(name)) => {
                format!("No MCP server `{name}`.\n\n")
            }
            _ => {
                "Use /mcp, /mcp reconnect NAME, /mcp auth NAME, /mcp approve NAME|all or /mcp deny NAME.\n\n".into()
            }
        };
        let mut body = note;
        for status in mcp.statuses() {
            body.push_str(&describe(&status));
        }
        body
    }

    fn approve_project_servers(&mut self, mcp: &McpServers, name: &str) -> String {
        let waiting: Vec<String> = mcp
            .statuses()
            .into_iter()
            .filter(|s| name == "all" || s.config.name == name)
            .filter(|s| matches!(s.state, ServerState::NeedsApproval | ServerState::Disabled))
            .map(|s| s.config.name)
            .collect();
        let mut note = String::new();
        for server in &waiting {
            if let Err(e) = save_choice(self.policy.local_settings.as_ref(), ENABLED, server) {
                note.push_str(&format!("Could not save the approval of `{server}`: {e}\n"));
            }
            mcp.reconnect(server);
        }
        if waiting.is_empty() {
            note.push_str("Nothing waits for approval.\n");
        } else {
            note.push_str(&format!("Approved and starting: {}.\n", waiting.join(", ")));
        }
        note.push('\n');
        note
    }
}

/// One server for `/mcp`: name, state, transport, tools, and why it failed.
fn describe(status: &ServerStatus) -> String {
    let config = &status.config;
    let mut text = format!(
        "{}  {}\n  {} · {} · from {} ({})\n",
        config.name,
        status.state.label(),
        config.transport.kind(),
        config.target(),
        config.source.display(),
        config.scope.as_str(),
    );
    match &status.state {
        ServerState::Ready => {
            text.push_str(&format!(
                "  protocol {} · {}\n",
                status.version,
                crate::tools::count(status.tools.len(), "tool", "tools")
            ));
            for tool in &status.tools {
                text.push_str(&format!("    {tool}\n"));
            }
        }
        ServerState::NeedsApproval => text.push_str(&format!(
            "  declared by the project: start it with /mcp approve {}\n",
            config.name
        )),
        ServerState::Failed(_) if !status.stderr.is_empty() => {
            text.push_str("  its last stderr lines:\n");
            for line in status.stderr.lines() {
                text.push_str(&format!("    {line}\n"));
            }
            text.push_str(&format!(
                "  try again with /mcp reconnect {}\n",
                config.name
            ));
        }
        ServerState::Failed(_) => {
            text.push_str(&format!(
                "  try again with /mcp reconnect {}\n",
                config.name
            ));
        }
        ServerState::NeedsAuth => {
            if let Some(why) = &status.auth_reason {
                text.push_str(&format!("  {why}\n"));
            }
            text.push_str(&format!(
                "  the server wants you to sign in: /mcp auth {}\n",
                config.name
            ));
        }
        ServerState::SigningIn(url) if !url.is_empty() => text.push_str(&format!(
            "  sign in in your browser; if none opened, open this address:\n    {url}\n"
        )),
        ServerState::Disabled | ServerState::Connecting | ServerState::SigningIn(_) => {}
    }
    text.push('\n');
    text
}

/// Tells the user, as notices, when a server becomes ready or fails.
pub(crate) fn watch_servers(mcp: McpServers, events: UnboundedSender<AgentEvent>) {
    tokio::spawn(async move {
        let mut seen: Vec<(String, ServerState)> = Vec::new();
        let mut changes = mcp.subscribe();
        loop {
            changes.mark_unchanged();
            let shown = AgentEvent::McpServers(crate::agent::mcp_ui::infos(&mcp));
            if events.send(shown).is_err() {
                return;
            }
            for status in mcp.statuses() {
                let before = seen
                    .iter()
                    .find(|(n, _)| *n == status.config.name)
                    .map(|(_, s)| s);
                if before == Some(&status.state) {
                    continue;
                }
                let name = &status.config.name;
                let message = match &status.state {
                    ServerState::Ready => Some(format!(
                        "MCP server `{name}` connected ({})",
                        crate::tools::count(status.tools.len(), "tool", "tools")
                    )),
                    ServerState::Failed(why) => {
                        let mut m = format!("MCP server `{name}` failed: {why}");
                        if let Some(last) = status.stderr.lines().last() {
                            m.push_str(&format!(" (stderr: {last})"));
                        }
                        m.push_str(" · /mcp for details");
                        Some(m)
                    }
                    ServerState::NeedsApproval => Some(format!(
                        "The project's .mcp.json declares the MCP server `{name}` ({}): start it with /mcp approve {name}",
                        status.config.target()
                    )),
                    ServerState::NeedsAuth => Some(match &status.auth_reason {
                        Some(why) => format!(
                            "MCP server `{name}` needs authentication ({why}): sign in with /mcp auth {name}"
                        ),
                        None => format!(
                            "MCP server `{name}` needs authentication: sign in with /mcp auth {name}"
                        ),
                    }),
                    ServerState::SigningIn(url) if !url.is_empty() => Some(format!(
                        "MCP server `{name}`: sign in in your browser (if none opened, open {url})"
                    )),
                    ServerState::Disabled | ServerState::Connecting | ServerState::SigningIn(_) => {
                        None
                    }
                };
                if let Some(message) = message
                    && events.send(AgentEvent::Notice { message }).is_err()
                {
                    return;
                }
                seen.retain(|(n, _)| n != name);
                seen.push((name.clone(), status.state.clone()));
            }
            if changes.changed().await.is_err() {
                return;
            }
        }
    });
}
