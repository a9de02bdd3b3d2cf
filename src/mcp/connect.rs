//! Opening one MCP session: the transport the declaration names (a child process on stdio,
//! streamable HTTP, or legacy SSE), then rmcp's `initialize` handshake, bounded by a timeout.
//! A child runs in its own process group, killed when the session is dropped; the tail of its
//! stderr is kept to show why it failed.

use std::collections::VecDeque;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use rmcp::ServiceExt;
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use tokio::io::AsyncBufReadExt;
use tokio::sync::{Notify, oneshot, watch};

use crate::config::mcp::{McpServerConfig, McpTransport};
use crate::mcp::handler::{Handler, KNOWN_VERSIONS, ProgressMap};
use crate::mcp::oauth::{AuthorizedClient, Credentials};
use crate::mcp::requests::ServerRequests;

/// Held while a child process is being started.
static SPAWNING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Lines of a server's stderr kept for its error report.
const STDERR_LINES: usize = 20;

/// The last lines a server wrote to stderr.
#[derive(Clone, Default)]
pub(crate) struct StderrTail(Arc<Mutex<VecDeque<String>>>);

impl StderrTail {
    fn push(&self, line: String) {
        if let Ok(mut lines) = self.0.lock() {
            if lines.len() == STDERR_LINES {
                lines.pop_front();
            }
            lines.push_back(line);
        }
    }

    pub fn text(&self) -> String {
        self.0
            .lock()
            .map(|lines| lines.iter().cloned().collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    }
}

/// A live session with one server.
pub(crate) struct Connection {
    pub service: RunningService<RoleClient, Handler>,
    pub progress: ProgressMap,
    pub tools_changed: Arc<Notify>,
    /// Woken when the server says its prompts or resources changed.
    pub lists_changed: Arc<Notify>,
    pub version: String,
    pub instructions: Option<String>,
    /// The child process (stdio): killed, with its group, when this is dropped.
    pub child: Option<ChildProcess>,
}

/// Whether a remote server's requests carry claw's sign-in: not when its entry sets its own
/// `Authorization` header.
pub(crate) fn signs_in(config: &McpServerConfig) -> Option<&str> {
    match &config.transport {
        McpTransport::Http { url, headers, .. }
            if !headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("authorization")) =>
        {
            Some(url)
        }
        _ => None,
    }
}

pub(crate) struct ChildProcess {
    /// Dropping it stops the child.
    _stop: oneshot::Sender<()>,
    /// Set once the child exited, to how it exited.
    pub exited: watch::Receiver<Option<String>>,
}

/// Connects and initializes; an error says why in the user's terms.
pub(crate) async fn connect(
    config: &McpServerConfig,
    cwd: &Path,
    stderr: &StderrTail,
    timeout: Duration,
    requests: ServerRequests,
    credentials: Option<Arc<Credentials>>,
) -> Result<Connection, String> {
    let progress = ProgressMap::default();
    let tools_changed = Arc::new(Notify::new());
    let lists_changed = Arc::new(Notify::new());
    let handler = Handler {
        progress: progress.clone(),
        tools_changed: tools_changed.clone(),
        lists_changed: lists_changed.clone(),
        roots: vec![cwd.to_path_buf()],
        server: config.name.clone(),
        requests,
    };
    let mut child = None;
    let started = async {
        match &config.transport {
            McpTransport::Stdio { command, args, env } => {
                // One fork at a time: starting many servers at once must leave a core to the
                // UI's first frame (each start forks the server and its group's watchdog).
                let forking = SPAWNING.lock().await;
                let spawned = spawn(command, args, env, cwd, stderr);
                drop(forking);
                let (process, stdout, stdin) = spawned?;
                child = Some(process);
                handler
                    .serve((stdout, stdin))
                    .await
                    .map_err(|e| e.to_string())
            }
            McpTransport::Http { url, headers, .. } => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let http = reqwest::Client::builder()
                    .default_headers(header_map(headers)?)
                    .build()
                    .map_err(|e| e.to_string())?;
                let config = StreamableHttpClientTransportConfig::with_uri(url.as_str());
                match credentials {
                    // Each request carries the sign-in's token, renewed as it must be.
                    Some(credentials) => {
                        let client = AuthorizedClient { http, credentials };
                        let transport = StreamableHttpClientTransport::with_client(client, config);
                        handler.serve(transport).await.map_err(|e| e.to_string())
                    }
                    None => {
                        let transport = StreamableHttpClientTransport::with_client(http, config);
                        handler.serve(transport).await.map_err(|e| e.to_string())
                    }
                }
            }
            McpTransport::Sdk => handler
                .serve(crate::mcp::sdk::connect(&config.name))
                .await
                .map_err(|e| e.to_string()),
            McpTransport::Sse { url, headers } => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let transport = crate::mcp::sse::connect(url, header_map(headers)?)
                    .await
                    .map_err(|e| e.to_string())?;
                handler.serve(transport).await.map_err(|e| e.to_string())
            }
        }
    };
    let outcome = tokio::time::timeout(timeout, started).await;
    let service = match outcome {
        Ok(Ok(service)) => service,
        Ok(Err(error)) => return Err(with_exit(error, child.as_mut()).await),
        Err(_) => {
            let error = format!(
                "no answer to initialize within {} s",
                timeout.as_secs_f32().round()
            );
            return Err(with_exit(error, child.as_mut()).await);
        }
    };
    let info = serde_json::to_value(service.peer_info()).unwrap_or_default();
    let version = info["protocolVersion"].as_str().unwrap_or("").to_string();
    if !KNOWN_VERSIONS.contains(&version.as_str()) {
        return Err(format!(
            "the server answered protocol version `{version}`, which claw does not speak (it speaks {})",
            KNOWN_VERSIONS.join(", ")
        ));
    }
    Ok(Connection {
        service,
        progress,
        tools_changed,
        lists_changed,
        version,
        instructions: info["instructions"].as_str().map(str::to_string),
        child,
    })
}

/// `error`, with how the child exited when it did (the usual reason for a closed stream). The
/// exit is noticed a moment after the stream closes: wait for it briefly.
async fn with_exit(error: String, child: Option<&mut ChildProcess>) -> String {
    let Some(child) = child else {
        return error;
    };
    let exited = &mut child.exited;
    let _ = tokio::time::timeout(Duration::from_secs(1), exited.wait_for(Option::is_some)).await;
    let exit = exited.borrow().clone();
    match exit {
        Some(exit) => format!("the server {exit} ({error})"),
        None => error,
    }
}

type Pipes = (
    ChildProcess,
    tokio::process::ChildStdout,
    tokio::process::ChildStdin,
);

fn spawn(
    command: &str,
    args: &[String],
    env: &[(String, String)],
    cwd: &Path,
    stderr: &StderrTail,
) -> Result<Pipes, String> {
    let mut cmd = tokio::process::Command::new(command);
    cmd.args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    crate::process_groups::die_with_claw(cmd.as_std_mut());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start `{command}`: {e}"))?;
    let pgid = child.id().map_or(0, |pid| pid as i32);
    let registration = crate::process_groups::Registration::new(pgid);
    let (Some(stdout), Some(stdin), Some(err)) =
        (child.stdout.take(), child.stdin.take(), child.stderr.take())
    else {
        return Err("the child's pipes were not opened".into());
    };
    let tail = stderr.clone();
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(err).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            tail.push(line);
        }
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let (exit_tx, exited) = watch::channel(None);
    tokio::spawn(async move {
        tokio::select! {
            status = child.wait() => {
                let how = match status {
                    Ok(status) => match (status.code(), std::os::unix::process::ExitStatusExt::signal(&status)) {
                        (Some(code), _) => format!("exited with status {code}"),
                        (None, Some(signal)) => format!("was killed by signal {signal}"),
                        (None, None) => "exited".to_string(),
                    },
                    Err(e) => format!("could not be waited for: {e}"),
                };
                let _ = exit_tx.send(Some(how));
                // What the server left running in its group goes with it.
                drop(registration);
            }
            _ = stopped => {
                drop(registration);
                let _ = child.wait().await;
            }
        }
    });
    Ok((
        ChildProcess {
            _stop: stop,
            exited,
        },
        stdout,
        stdin,
    ))
}

pub(crate) fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("`{name}` is not a valid header name"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| format!("the value of header `{name}` is not valid"))?;
        map.insert(name, value);
    }
    Ok(map)
}
