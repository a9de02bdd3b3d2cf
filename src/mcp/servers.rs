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
use crate::mcp::oauth::AuthSettings;
use crate::mcp::requests::{ServerRequest, ServerRequests};
use crate::mcp::tool::{Link, McpTool};
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
    tools: Vec<Arc<McpTool>>,
    version: String,
    instructions: Option<String>,
    stderr: StderrTail,
    connection: Option<Connection>,
    pub(super) task: Option<tokio::task::JoinHandle<()>>,
    resources: Vec<McpResourceInfo>,
    prompts: Vec<McpPromptInfo>,
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
    options: McpOptions,
    cwd: PathBuf,
    /// Where sign-ins are kept and how the browser opens.
    auth: AuthSettings,
    /// What the servers ask of claw (forms, sampling), for the agent to serve.
    requests: ServerRequests,
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
