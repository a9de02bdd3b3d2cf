//! Signing in to a server that answered 401 (`/mcp auth NAME`, `Op::McpAuthenticate`): the
//! OAuth flow of `crate::mcp::oauth` runs in the background, its URL shown in the server's
//! state (so the user can copy it when no browser opens), then the server connects with the
//! new token.

use crate::config::mcp::{McpServerConfig, McpTransport};
use crate::mcp::connect::header_map;
use crate::mcp::{McpServers, ServerState};

/// The `WWW-Authenticate` challenge of a remote server that wants a sign-in (None: it does not,
/// or it is not a streamable HTTP server).
pub(crate) async fn challenge(config: &McpServerConfig) -> Option<String> {
    let McpTransport::Http { url, headers } = &config.transport else {
        return None;
    };
    let headers = header_map(headers).ok()?;
    crate::mcp::oauth::probe(url, headers).await
}

impl McpServers {
    /// Starts signing in to `name` in the background; Err: why it cannot.
    pub fn authenticate(&self, name: &str) -> Result<(), String> {
        let Some(config) = self.find(name, |e| e.config.clone()) else {
            return Err(format!("No MCP server `{name}`."));
        };
        let McpTransport::Http { url, .. } = &config.transport else {
            return Err(format!(
                "`{name}` is not a remote (http) server: there is nothing to sign in to."
            ));
        };
        let url = url.clone();
        let servers = self.clone();
        let name = name.to_string();
        self.update(&name, |e| e.state = ServerState::SigningIn(String::new()));
        tokio::spawn(async move {
            let header = challenge(&config).await.unwrap_or_default();
            let shown = {
                let servers = servers.clone();
                let name = name.clone();
                move |at: &str| {
                    servers.update(&name, |e| e.state = ServerState::SigningIn(at.to_string()));
                }
            };
            let auth = servers.shared_auth();
            match crate::mcp::oauth::sign_in(&auth, &name, &url, &header, &shown).await {
                Ok(_) => {
                    servers.reconnect(&name);
                }
                Err(error) => {
                    servers.update(&name, |e| e.state = ServerState::Failed(error.to_string()));
                }
            }
        });
        Ok(())
    }
}
