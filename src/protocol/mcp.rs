//! The MCP servers as the UI sees them: the agent sends every server's state, transport, tools,
//! resources and prompts as data (`AgentEvent::McpServers`) whenever one changes, and the UI
//! steers them with `Op::Mcp` (approve, deny, reconnect, enable, disable) and runs their
//! prompts with `Op::McpPrompt`.

use serde::{Deserialize, Serialize};

/// Where a server stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum McpState {
    /// A project server (`.mcp.json`) the user has not approved or denied yet.
    NeedsApproval,
    /// Turned off by the user.
    Disabled,
    #[default]
    Connecting,
    Connected,
    /// It could not start, crashed or timed out: why.
    Failed(String),
    /// A remote server that wants the user to sign in (OAuth) first.
    NeedsAuth,
    /// Signing in: the authorization URL, opened in the browser (shown to copy too).
    SigningIn(String),
}

impl McpState {
    pub fn label(&self) -> &'static str {
        match self {
            McpState::NeedsApproval => "needs approval",
            McpState::Disabled => "disabled",
            McpState::Connecting => "connecting…",
            McpState::Connected => "connected",
            McpState::Failed(_) => "failed",
            McpState::NeedsAuth => "needs authentication",
            McpState::SigningIn(_) => "signing in…",
        }
    }
}

/// One server, as `/mcp` lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpServerInfo {
    pub name: String,
    pub state: McpState,
    /// "stdio", "http" or "sse".
    pub transport: String,
    /// The command line or the URL.
    pub target: String,
    /// "user", "project", "local" or "command line".
    pub scope: String,
    /// Whether it comes from the project's `.mcp.json` (the ones the start-up dialog asks about).
    pub from_mcp_json: bool,
    pub tools: Vec<McpToolInfo>,
    pub resources: Vec<McpResourceInfo>,
    pub prompts: Vec<McpPromptInfo>,
    /// The last lines it wrote to stderr.
    pub stderr: String,
    /// The version its `initialize` answer gave ("" before it connected).
    #[serde(default)]
    pub version: String,
    /// Why it needs authentication again (its sign-in could not be renewed…); empty when it
    /// simply has not been signed in to.
    #[serde(default)]
    pub auth_reason: String,
    /// Whether it signs in without the browser (client credentials, cross-app access).
    #[serde(default)]
    pub signs_in_without_browser: bool,
}

/// A tool of a server: its name as the model calls it and as the server knows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpToolInfo {
    /// `mcp__<server>__<tool>`.
    pub name: String,
    pub remote: String,
    pub description: String,
}

/// A resource a server offers, mentioned in a prompt as `@<server>:<uri>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpResourceInfo {
    pub uri: String,
    pub name: String,
    pub description: String,
}

/// A prompt a server offers, run as the slash command `/<command>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpPromptInfo {
    /// `mcp__<server>__<prompt>`, as typed after `/`.
    pub command: String,
    /// The name the server knows it by.
    pub remote: String,
    pub description: String,
    pub arguments: Vec<McpPromptArgument>,
}

impl McpPromptInfo {
    /// The arguments as the popup shows them: `<required> [optional]`.
    pub fn argument_hint(&self) -> String {
        self.arguments
            .iter()
            .map(|a| {
                if a.required {
                    format!("<{}>", a.name)
                } else {
                    format!("[{}]", a.name)
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpPromptArgument {
    pub name: String,
    pub description: String,
    pub required: bool,
}

/// What the user does to servers (the start-up dialog, `/mcp`'s keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum McpAction {
    /// Start it, and remember the choice (`enabledMcpjsonServers`).
    Enable,
    /// Stop it, and remember the choice (`disabledMcpjsonServers`).
    Disable,
    /// Start these and every server the project's `.mcp.json` adds later
    /// (`enableAllProjectMcpServers`).
    EnableAllProject,
    /// Connect again, whatever its state.
    Reconnect,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_marks_required_arguments() {
        let prompt = McpPromptInfo {
            arguments: vec![
                McpPromptArgument {
                    name: "city".into(),
                    required: true,
                    ..Default::default()
                },
                McpPromptArgument {
                    name: "units".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(prompt.argument_hint(), "<city> [units]");
    }
}
