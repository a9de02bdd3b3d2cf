//! The session's MCP servers: each one connects in its own task (so the first frame never
//! waits), reports its state, and offers its tools once ready; a server that fails, crashes or
//! times out says why and leaves the rest of the session alone. The agent reads a snapshot of
//! the tools whenever the generation counter moved. Each server's task (`supervise.rs`) writes
//! the states kept here.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use crate::config::mcp::{Approval, McpServerConfig};
use crate::mcp::McpOptions;
use crate::mcp::connect::{Connection, StderrTail};
use crate::mcp::oauth::AuthSettings;
use crate::mcp::requests::{ServerRequest, ServerRequests};
use crate::mcp::tool::McpTool;
use crate::protocol::mcp::{McpPromptInfo, McpResourceInfo, McpToolInfo};
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
    /// A remote server answered 401: the user must sign in (`/mcp auth NAME`).
    NeedsAuth,
    /// Signing in, in the browser at this URL (empty until it is known).
    SigningIn(String),
}

impl ServerState {
    pub fn label(&self) -> String {
        match self {
            ServerState::NeedsApproval => "needs approval".into(),
            ServerState::Disabled => "disabled".into(),
            ServerState::Connecting => "connecting…".into(),
            ServerState::Ready => "connected".into(),
            ServerState::Failed(why) => format!("failed: {why}"),
            ServerState::NeedsAuth => "needs authentication".into(),
            ServerState::SigningIn(url) if url.is_empty() => "signing in…".into(),
            ServerState::SigningIn(url) => format!("signing in: open {url}"),
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
            ServerState::NeedsAuth | ServerState::SigningIn(_) => "needs-auth",
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
    /// Its tools with their remote names and descriptions (as `tools`).
    pub tool_listing: Vec<McpToolInfo>,
    pub resources: Vec<McpResourceInfo>,
    pub prompts: Vec<McpPromptInfo>,
    /// Why it needs authentication again (its sign-in expired and could not be renewed…).
    pub auth_reason: Option<String>,
}

pub(super) struct Entry {
    pub(super) config: McpServerConfig,
    pub(super) state: ServerState,
    pub(super) tools: Vec<Arc<McpTool>>,
    pub(super) version: String,
    pub(super) instructions: Option<String>,
    pub(super) stderr: StderrTail,
    pub(super) connection: Option<Connection>,
    pub(super) task: Option<tokio::task::JoinHandle<()>>,
    pub(super) resources: Vec<McpResourceInfo>,
    pub(super) prompts: Vec<McpPromptInfo>,
    /// Why it needs authentication, and the challenge it answered (for the next sign-in).
    pub(super) auth_reason: Option<String>,
    pub(super) auth_challenge: Option<String>,
    /// The state a step-up's browser sign-in interrupted, to go back to.
    pub(super) before_step_up: Option<ServerState>,
}

impl Entry {
    fn new(config: McpServerConfig, approval: Approval) -> Entry {
        Entry {
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
            resources: Vec::new(),
            prompts: Vec::new(),
            auth_reason: None,
            auth_challenge: None,
            before_step_up: None,
        }
    }

    /// Ends its session (and the task following it), forgets what it offered, and puts it
    /// in `state`.
    pub(super) fn stop(&mut self, state: ServerState) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        self.connection = None;
        self.tools.clear();
        self.resources.clear();
        self.prompts.clear();
        self.state = state;
    }
}

pub(super) struct Shared {
    entries: Mutex<Vec<Entry>>,
    /// Bumped on every change of a state or a tool list.
    generation: watch::Sender<u64>,
    pub(super) options: McpOptions,
    pub(super) cwd: PathBuf,
    /// Where sign-ins are kept and how the browser opens.
    auth: AuthSettings,
    /// What the servers ask of claw (forms, sampling), for the agent to serve.
    pub(super) requests: ServerRequests,
}

/// The handle the agent holds; clones share the servers.
#[derive(Clone)]
pub struct McpServers {
    pub(super) shared: Arc<Shared>,
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
        McpServers::start_with_auth(servers, cwd, options, AuthSettings::in_data_dir())
    }

    /// `start`, with sign-ins kept and the browser opened as `auth` says.
    pub fn start_with_auth(
        servers: Vec<(McpServerConfig, Approval)>,
        cwd: PathBuf,
        options: McpOptions,
        auth: AuthSettings,
    ) -> McpServers {
        let servers = McpServers::declare_with_auth(servers, cwd, options, auth);
        servers.launch_approved();
        servers
    }

    /// The servers, the approved ones connecting but not started yet: `launch_approved` starts
    /// them (the full-screen UI does once its first frame is drawn, so forking the servers
    /// never delays it).
    pub fn declare(
        servers: Vec<(McpServerConfig, Approval)>,
        cwd: PathBuf,
        options: McpOptions,
    ) -> McpServers {
        McpServers::declare_with_auth(servers, cwd, options, AuthSettings::in_data_dir())
    }

    /// `declare`, with sign-ins kept and the browser opened as `auth` says.
    pub fn declare_with_auth(
        servers: Vec<(McpServerConfig, Approval)>,
        cwd: PathBuf,
        options: McpOptions,
        auth: AuthSettings,
    ) -> McpServers {
        let configs: Vec<McpServerConfig> = servers.iter().map(|(c, _)| c.clone()).collect();
        let auth = auth.with_entries(&configs);
        let entries = servers
            .into_iter()
            .map(|(config, approval)| Entry::new(config, approval))
            .collect();
        McpServers {
            shared: Arc::new(Shared {
                entries: Mutex::new(entries),
                generation: watch::channel(0).0,
                options,
                cwd,
                auth,
                requests: ServerRequests::default(),
            }),
        }
    }

    /// The session's declared servers (None when there are none), not started yet: the
    /// project's wait for the user's approval (by the keys in the merged `settings`), the
    /// others for `launch_approved`.
    pub fn for_session(
        servers: &[McpServerConfig],
        settings: &serde_json::Value,
        cwd: &std::path::Path,
    ) -> Option<McpServers> {
        if servers.is_empty() {
            return None;
        }
        let (mut options, _) = McpOptions::from_env(&|name| std::env::var(name).ok());
        options.sampling = crate::mcp::Sampling::from_setting(settings.get("allowMcpSampling"));
        let servers = servers
            .iter()
            .map(|s| (s.clone(), crate::config::mcp::approval(s, settings)))
            .collect();
        let auth = AuthSettings::in_data_dir().with_clients(settings.get("mcpOAuth"));
        Some(McpServers::declare_with_auth(
            servers,
            cwd.to_path_buf(),
            options,
            auth,
        ))
    }

    /// Adds servers declared after the start (an Agent SDK's `sdkMcpServers`), approved;
    /// `launch_approved` starts them. A name already declared keeps its first declaration.
    /// Returns the names added.
    pub fn add(&self, servers: Vec<McpServerConfig>) -> Vec<String> {
        let added: Vec<String> = {
            let mut entries = self
                .shared
                .entries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let mut added = Vec::new();
            for config in servers {
                if entries.iter().any(|e| e.config.name == config.name) {
                    continue;
                }
                added.push(config.name.clone());
                entries.push(Entry::new(config, Approval::Approved));
            }
            added
        };
        if !added.is_empty() {
            self.shared.generation.send_modify(|g| *g += 1);
        }
        added
    }

    /// Starts the approved servers once `signal` comes (or its sender is gone): the
    /// full-screen UI signals after its first frame.
    pub fn launch_after(self, signal: tokio::sync::oneshot::Receiver<()>) {
        tokio::spawn(async move {
            let _ = signal.await;
            self.launch_approved();
        });
    }

    /// Starts the servers connecting that have no task yet (call inside the tokio runtime).
    pub fn launch_approved(&self) {
        let waiting: Vec<String> = self.with_entries(|entries| {
            entries
                .iter()
                .filter(|e| e.state == ServerState::Connecting && e.task.is_none())
                .map(|e| e.config.name.clone())
                .collect()
        });
        for name in waiting {
            self.launch(&name);
        }
    }

    pub fn options(&self) -> McpOptions {
        self.shared.options
    }

    pub(super) fn shared_auth(&self) -> AuthSettings {
        self.shared.auth.clone()
    }

    /// The next request a server made of claw (a form, a sampling request). Cancel-safe.
    pub async fn next_request(&self) -> Option<ServerRequest> {
        self.shared.requests.next().await
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
                    tool_listing: e
                        .tools
                        .iter()
                        .map(|t| McpToolInfo {
                            name: t.name.clone(),
                            remote: t.remote.clone(),
                            description: t.description.clone(),
                        })
                        .collect(),
                    resources: e.resources.clone(),
                    prompts: e.prompts.clone(),
                    auth_reason: e.auth_reason.clone(),
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
            e.auth_reason = None;
            e.stop(ServerState::Connecting);
        });
        if known {
            self.launch(name);
        }
        known
    }

    /// Stops a server and leaves it off (the user disabled or denied it).
    pub fn disable(&self, name: &str) -> bool {
        self.update(name, |e| e.stop(ServerState::Disabled))
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

    pub(super) fn find<T>(&self, name: &str, read: impl FnOnce(&Entry) -> T) -> Option<T> {
        self.with_entries(|entries| entries.iter().find(|e| e.config.name == name).map(read))
    }

    /// Changes one entry and bumps the generation; false when there is no such server.
    pub(super) fn update(&self, name: &str, change: impl FnOnce(&mut Entry)) -> bool {
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
