//! The session's MCP servers: each one connects in its own task (so the first frame never
//! waits), reports its state, and offers its tools once ready; a server that fails, crashes or
//! times out says why and leaves the rest of the session alone. The agent reads a snapshot of
//! the tools whenever the generation counter moved.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use crate::config::mcp::{Approval, McpServerConfig};
use crate::mcp::McpOptions;
use crate::mcp::connect::{Connection, StderrTail, connect};
use crate::mcp::tool::{Link, McpTool};
use crate::tools::Tool;

/// Where a server stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerState {
    /// A project server (`.mcp.json`) the user has not approved yet.
    NeedsApproval,
    /// Turned off by the user (`disabledMcpjsonServers`).
    Disabled,
    Connecting,
    Ready,
    /// It could not start, crashed or timed out: why.
    Failed(String),
}

impl ServerState {
    pub fn label(&self) -> String {
        match self {
            ServerState::NeedsApproval => "needs approval".into(),
            ServerState::Disabled => "disabled".into(),
            ServerState::Connecting => "connecting…".into(),
            ServerState::Ready => "connected".into(),
            ServerState::Failed(why) => format!("failed: {why}"),
        }
    }

    /// The state as Claude Code's `mcp_servers` entries name it.
    pub fn wire_name(&self) -> &'static str {
        match self {
            ServerState::NeedsApproval => "needs-approval",
            ServerState::Disabled => "disabled",
            ServerState::Connecting => "pending",
            ServerState::Ready => "connected",
            ServerState::Failed(_) => "failed",
        }
    }
}

/// One server as `/mcp` and `/doctor` show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerStatus {
    pub config: McpServerConfig,
    pub state: ServerState,
    pub tools: Vec<String>,
    pub version: String,
    pub instructions: Option<String>,
    /// The last lines it wrote to stderr.
    pub stderr: String,
}

struct Entry {
    config: McpServerConfig,
    state: ServerState,
    tools: Vec<Arc<McpTool>>,
    version: String,
    instructions: Option<String>,
    stderr: StderrTail,
    connection: Option<Connection>,
    task: Option<tokio::task::JoinHandle<()>>,
}

struct Shared {
    entries: Mutex<Vec<Entry>>,
    /// Bumped on every change of a state or a tool list.
    generation: watch::Sender<u64>,
    options: McpOptions,
    cwd: PathBuf,
}

/// The handle the agent holds; clones share the servers.
#[derive(Clone)]
pub struct McpServers {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for McpServers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpServers")
            .field("servers", &self.statuses().len())
            .finish()
    }
}

impl McpServers {
    /// Starts every approved server in the background (call inside the tokio runtime).
    pub fn start(
        servers: Vec<(McpServerConfig, Approval)>,
        cwd: PathBuf,
        options: McpOptions,
    ) -> McpServers {
        let entries = servers
            .into_iter()
            .map(|(config, approval)| Entry {
                config,
                state: match approval {
                    Approval::Approved => ServerState::Connecting,
                    Approval::Pending => ServerState::NeedsApproval,
                    Approval::Denied => ServerState::Disabled,
                },
                tools: Vec::new(),
                version: String::new(),
                instructions: None,
                stderr: StderrTail::default(),
                connection: None,
                task: None,
            })
            .collect();
        let servers = McpServers {
            shared: Arc::new(Shared {
                entries: Mutex::new(entries),
                generation: watch::channel(0).0,
                options,
                cwd,
            }),
        };
        for status in servers.statuses() {
            if status.state == ServerState::Connecting {
                servers.launch(&status.config.name);
            }
        }
        servers
    }

    pub fn options(&self) -> McpOptions {
        self.shared.options
    }

    /// Changes whenever a server's state or tools change.
    pub fn generation(&self) -> u64 {
        *self.shared.generation.borrow()
    }

    /// A receiver that sees each change of a state or a tool list.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.shared.generation.subscribe()
    }

    pub fn statuses(&self) -> Vec<ServerStatus> {
        self.with_entries(|entries| {
            entries
                .iter()
                .map(|e| ServerStatus {
                    config: e.config.clone(),
                    state: e.state.clone(),
                    tools: e.tools.iter().map(|t| t.name.clone()).collect(),
                    version: e.version.clone(),
                    instructions: e.instructions.clone(),
                    stderr: e.stderr.text(),
                })
                .collect()
        })
    }

    /// Whether any server is still connecting.
    pub fn connecting(&self) -> bool {
        self.with_entries(|entries| entries.iter().any(|e| e.state == ServerState::Connecting))
    }

    /// Waits until no server is connecting, or `limit` passed; true when none is.
    pub async fn wait_ready(&self, limit: Duration) -> bool {
        let mut changes = self.shared.generation.subscribe();
        let settled = async {
            while self.connecting() {
                if changes.changed().await.is_err() {
                    return;
                }
            }
        };
        tokio::time::timeout(limit, settled).await.is_ok()
    }

    /// The tools of the ready servers, sorted by name (so the list, and the prompt cache,
    /// stays the same from one request to the next).
    pub fn tools(&self) -> Vec<Arc<dyn Tool>> {
        let mut tools: Vec<Arc<dyn Tool>> = self.with_entries(|entries| {
            entries
                .iter()
                .filter(|e| e.state == ServerState::Ready)
                .flat_map(|e| e.tools.iter().map(|t| t.clone() as Arc<dyn Tool>))
                .collect()
        });
        if !tools.is_empty() {
            tools.push(Arc::new(crate::mcp::resources::ListResources(self.clone())));
            tools.push(Arc::new(crate::mcp::resources::ReadResource(self.clone())));
        }
        tools.sort_by_key(|t| t.name().into_owned());
        tools.dedup_by_key(|t| t.name().into_owned());
        tools
    }

    /// The ready servers' sessions, by name.
    pub(crate) fn peers(&self) -> Vec<(String, rmcp::Peer<rmcp::service::RoleClient>)> {
        self.with_entries(|entries| {
            entries
                .iter()
                .filter(|e| e.state == ServerState::Ready)
                .filter_map(|e| {
                    let connection = e.connection.as_ref()?;
                    Some((e.config.name.clone(), connection.service.peer().clone()))
                })
                .collect()
        })
    }

    /// (Re)connects a server, whatever its state: `/mcp reconnect`, or an approval.
    pub fn reconnect(&self, name: &str) -> bool {
        let known = self.update(name, |e| {
            if let Some(task) = e.task.take() {
                task.abort();
            }
            e.connection = None;
            e.tools.clear();
            e.state = ServerState::Connecting;
        });
        if known {
            self.launch(name);
        }
        known
    }

    fn launch(&self, name: &str) {
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
        let connection =
            match connect(&config, &self.shared.cwd, &stderr, options.connect_timeout).await {
                Ok(connection) => connection,
                Err(error) => {
                    self.update(name, |e| e.state = ServerState::Failed(error));
                    return;
                }
            };
        let link = Arc::new(Link {
            server: name.to_string(),
            peer: connection.service.peer().clone(),
            progress: connection.progress.clone(),
            stderr: stderr.clone(),
            options,
        });
        let changed = connection.tools_changed.clone();
        let mut exited = connection.child.as_ref().map(|c| c.exited.clone());
        let (version, instructions) = (connection.version.clone(), connection.instructions.clone());
        self.update(name, |e| {
            e.connection = Some(connection);
            e.version = version;
            e.instructions = instructions;
        });
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

    fn fail(&self, name: &str, error: String) {
        self.update(name, |e| {
            e.connection = None;
            e.tools.clear();
            e.state = ServerState::Failed(error);
        });
    }

    fn with_entries<T>(&self, read: impl FnOnce(&[Entry]) -> T) -> T {
        // Entries are replaced field by field under the lock; a panic elsewhere cannot leave
        // one half-written, so a poisoned lock still holds usable data.
        let entries = self
            .shared
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        read(&entries)
    }

    fn find<T>(&self, name: &str, read: impl FnOnce(&Entry) -> T) -> Option<T> {
        self.with_entries(|entries| entries.iter().find(|e| e.config.name == name).map(read))
    }

    /// Changes one entry and bumps the generation; false when there is no such server.
    fn update(&self, name: &str, change: impl FnOnce(&mut Entry)) -> bool {
        let found = {
            let mut entries = self
                .shared
                .entries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match entries.iter_mut().find(|e| e.config.name == name) {
                Some(entry) => {
                    change(entry);
                    true
                }
                None => false,
            }
        };
        if found {
            self.shared.generation.send_modify(|g| *g += 1);
        }
        found
    }
}
