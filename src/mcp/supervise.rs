//! Following one server's session: connecting it, listing what it offers, listing again when
//! it says its lists changed, and marking it failed when it exits or stops answering. Each
//! server runs this in its own task; [`McpServers`] holds the states it writes.

use std::sync::Arc;

use crate::mcp::connect::connect;
use crate::mcp::servers::{McpServers, ServerState};
use crate::mcp::tool::{Link, McpTool};

impl McpServers {
    pub(super) fn launch(&self, name: &str) {
        let servers = self.clone();
        let owned = name.to_string();
        let task = tokio::spawn(async move { servers.supervise(&owned).await });
        self.update(name, |e| e.task = Some(task));
    }

    /// Connects, lists the tools, then follows the server: a tool list change re-lists, the
    /// child's exit marks it failed.
    async fn supervise(&self, name: &str) {
        let Some((config, stderr)) = self.find(name, |e| (e.config.clone(), e.stderr.clone()))
        else {
            return;
        };
        let options = self.shared.options;
        let requests = self.shared.requests.clone();
        let credentials = self.credentials_for(&config);
        let connected = connect(
            &config,
            &self.shared.cwd,
            &stderr,
            options.connect_timeout,
            requests,
            credentials.clone(),
        )
        .await;
        let connection = match connected {
            Ok(connection) => connection,
            Err(error) => {
                // A remote server that answers 401 waits for the user to sign in.
                let state = match crate::mcp::sign_in::challenge(&config).await {
                    Some(_) => ServerState::NeedsAuth,
                    None => ServerState::Failed(error),
                };
                self.update(name, |e| {
                    if e.state != ServerState::NeedsAuth {
                        e.state = state;
                    }
                });
                return;
            }
        };
        let link = Arc::new(Link {
            server: name.to_string(),
            peer: connection.service.peer().clone(),
            progress: connection.progress.clone(),
            stderr: stderr.clone(),
            options,
            requests: self.shared.requests.clone(),
            credentials,
        });
        let changed = connection.tools_changed.clone();
        let lists_changed = connection.lists_changed.clone();
        let mut exited = connection.child.as_ref().map(|c| c.exited.clone());
        let (version, instructions) = (connection.version.clone(), connection.instructions.clone());
        self.update(name, |e| {
            e.connection = Some(connection);
            e.version = version;
            e.instructions = instructions;
        });
        // Resources and prompts first: once it shows as ready, all it offers is listed.
        self.list_catalog(name, &link).await;
        if let Err(error) = self.list_tools(name, &link).await {
            self.fail(name, error);
            return;
        }
        loop {
            let exit = async {
                match exited.as_mut() {
                    Some(rx) => rx
                        .wait_for(Option::is_some)
                        .await
                        .ok()
                        .and_then(|v| v.clone()),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = changed.notified() => {
                    if let Err(error) = self.list_tools(name, &link).await {
                        self.fail(name, error);
                        return;
                    }
                }
                () = lists_changed.notified() => self.list_catalog(name, &link).await,
                how = exit => {
                    let how = how.unwrap_or_else(|| "stopped".into());
                    self.fail(name, format!("the server {how}"));
                    return;
                }
            }
        }
    }

    async fn list_tools(&self, name: &str, link: &Arc<Link>) -> Result<(), String> {
        let listed = tokio::time::timeout(
            self.shared.options.connect_timeout,
            link.peer.list_all_tools(),
        )
        .await
        .map_err(|_| "no answer to tools/list".to_string())?
        .map_err(|e| format!("tools/list failed: {e}"))?;
        let tools: Vec<Arc<McpTool>> = listed
            .iter()
            .filter_map(|tool| serde_json::to_value(tool).ok())
            .filter_map(|entry| McpTool::from_listing(&entry, link.clone()))
            .map(Arc::new)
            .collect();
        self.update(name, |e| {
            e.tools = tools;
            e.state = ServerState::Ready;
        });
        Ok(())
    }

    /// Lists the server's prompts and resources (those it offers: a server without the
    /// capability, or one that fails to answer, has none); again on each
    /// `notifications/prompts|resources/list_changed`.
    async fn list_catalog(&self, name: &str, link: &Arc<Link>) {
        let limit = self.shared.options.connect_timeout;
        let (resources, prompts) = crate::mcp::listings::extras(name, &link.peer, limit).await;
        self.update(name, |e| {
            e.resources = resources;
            e.prompts = prompts;
        });
    }

    fn fail(&self, name: &str, error: String) {
        self.update(name, |e| {
            // A lost sign-in says so itself (and what to do).
            if e.state == ServerState::NeedsAuth {
                return;
            }
            e.connection = None;
            e.tools.clear();
            e.resources.clear();
            e.prompts.clear();
            e.state = ServerState::Failed(error);
        });
    }
}
