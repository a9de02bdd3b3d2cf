//! Signing in to remote servers, as the server list sees it: `/mcp auth NAME`
//! (`Op::McpAuthenticate`) runs the OAuth flow of `crate::mcp::oauth` in the background, its
//! URL shown in the server's state (so the user can copy it when no browser opens), then the
//! server connects with the new token; while connected, the sign-in's events (a step-up's
//! browser step, a sign-in lost for good) change the server's state.

use std::sync::{Arc, Weak};

use crate::config::mcp::{McpServerConfig, McpTransport};
use crate::mcp::connect::{header_map, signs_in};
use crate::mcp::oauth::{AuthEvent, Credentials, SignIn};
use crate::mcp::servers::Shared;
use crate::mcp::{McpServers, ServerState};

/// The `WWW-Authenticate` challenge of a remote server that wants a sign-in (None: it does not,
/// or it is not a streamable HTTP server).
pub(crate) async fn challenge(config: &McpServerConfig) -> Option<String> {
    let McpTransport::Http { url, headers, .. } = &config.transport else {
        return None;
    };
    let headers = header_map(headers).ok()?;
    crate::mcp::oauth::probe(url, headers).await
}

impl McpServers {
    /// Starts signing in to `name` in the background; Err: why it cannot.
    pub fn authenticate(&self, name: &str) -> Result<(), String> {
        let Some((config, answered)) =
            self.find(name, |e| (e.config.clone(), e.auth_challenge.clone()))
        else {
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
            // The challenge the server answered a request with, else the one it answers now.
            let header = match answered {
                Some(header) => header,
                None => challenge(&config).await.unwrap_or_default(),
            };
            let shown = {
                let servers = servers.clone();
                let name = name.clone();
                move |at: &str| {
                    servers.update(&name, |e| e.state = ServerState::SigningIn(at.to_string()));
                }
            };
            let auth = servers.shared_auth();
            let request = SignIn {
                server: &name,
                server_url: &url,
                www_authenticate: &header,
                held_scope: None,
            };
            match crate::mcp::oauth::sign_in(&auth, &request, &shown).await {
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

    /// The sign-in a remote server's requests carry (None: it is not one claw signs in to).
    pub(super) fn credentials_for(&self, config: &McpServerConfig) -> Option<Arc<Credentials>> {
        let url = signs_in(config)?;
        // Weak: the sign-in lives in the server's session, which the list owns.
        let list = Arc::downgrade(&self.shared);
        let name = config.name.clone();
        let events = Arc::new(move |event: AuthEvent| on_event(&list, &name, event));
        Some(Credentials::new(
            self.shared_auth(),
            &config.name,
            url,
            events,
        ))
    }
}

fn on_event(list: &Weak<Shared>, name: &str, event: AuthEvent) {
    let Some(shared) = list.upgrade() else {
        return;
    };
    let servers = McpServers { shared };
    match event {
        AuthEvent::SigningIn(url) => {
            servers.update(name, |e| {
                if e.before_step_up.is_none() {
                    e.before_step_up = Some(e.state.clone());
                }
                e.state = ServerState::SigningIn(url);
            });
        }
        AuthEvent::SignInEnded => {
            servers.update(name, |e| {
                if let Some(before) = e.before_step_up.take()
                    && matches!(e.state, ServerState::SigningIn(_))
                {
                    e.state = before;
                }
            });
        }
        AuthEvent::Lost { why, challenge } => {
            servers.update(name, |e| {
                e.auth_reason = why;
                e.auth_challenge = Some(challenge);
                e.before_step_up = None;
                e.state = ServerState::NeedsAuth;
                // Its follower is waiting for the answer this refusal fails: it must not take
                // the failure for a crash (this runs in the session's own worker, not there).
                if let Some(task) = e.task.take() {
                    task.abort();
                }
            });
            // The session ends, outside the request this runs in.
            let name = name.to_string();
            tokio::spawn(async move {
                servers.update(&name, |e| {
                    if e.state == ServerState::NeedsAuth {
                        e.stop(ServerState::NeedsAuth);
                    }
                });
            });
        }
    }
}
