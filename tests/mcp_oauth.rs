//! Signing in to a remote MCP server with OAuth, against a protected MCP server and its
//! authorization server written here (loopback only): the 401 leaves the server "needs
//! authentication", signing in discovers the metadata, registers claw, sends the browser (the
//! test follows the URL) through PKCE to the loopback callback, and the server connects with
//! the token; the next session refreshes the expired token instead of signing in again.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use claw::config::mcp::{Approval, McpScope, McpServerConfig, McpTransport};
use claw::mcp::oauth::{AuthSettings, Browser};
use claw::mcp::{McpOptions, McpServers, ServerState};
use claw::tools::ToolContext;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the fake servers saw.
#[derive(Default)]
struct Seen {
    challenge: Option<String>,
    registered: bool,
    pkce_verified: bool,
    resource_param: Option<String>,
    grants: Vec<String>,
    /// The access token each MCP request carried.
    bearers: Vec<String>,
    /// The scope of each authorization request.
    scopes_asked: Vec<String>,
    /// How many requests the MCP server refused (401 or 403).
    refusals: usize,
    /// How the server behaves (the tests change it mid-session).
    knobs: Knobs,
    /// The access tokens the server honours, with their scopes.
    tokens: Vec<(String, String)>,
    /// The scope each authorization code was issued for.
    code_scope: String,
}

/// How the fake servers behave.
struct Knobs {
    /// The lifetime of the first access token (refreshed ones live an hour).
    first_lifetime: u64,
    /// Whether the refresh token is honoured.
    refresh_works: bool,
    /// The scopes `tools/call` needs (it answers 403 `insufficient_scope` without them).
    call_scope: Option<String>,
    /// Scopes the authorization server never grants.
    withheld: Vec<String>,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            first_lifetime: 3600,
            refresh_works: true,
            call_scope: None,
            withheld: Vec::new(),
        }
    }
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn read(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

async fn reply(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &str) {
    let extra: String = headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}\r\n"))
        .collect();
    let text = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(text.as_bytes()).await;
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(body)))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn s256(verifier: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// The protected MCP server (`/mcp`) and its authorization server, on one port.
async fn start_servers() -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let (b, s) = (base.clone(), seen.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let (base, seen) = (b.clone(), s.clone());
            tokio::spawn(async move {
                let Some(request) = read(&mut stream).await else {
                    return;
                };
                handle(&mut stream, request, &base, &seen).await;
            });
        }
    });
    (base, seen)
}

async fn handle(stream: &mut TcpStream, request: Request, base: &str, seen: &Mutex<Seen>) {
    let json_type = [("content-type", "application/json".to_string())];
    let path = request.target.split('?').next().unwrap_or("").to_string();
    match (request.method.as_str(), path.as_str()) {
        ("GET", "/.well-known/oauth-protected-resource/mcp") => {
            let body = json!({"resource": format!("{base}/mcp"), "authorization_servers": [base],
                              "scopes_supported": ["mcp:tools"]});
            reply(stream, "200 OK", &json_type, &body.to_string()).await;
        }
        ("GET", "/.well-known/oauth-authorization-server") => {
            let body = json!({"issuer": base, "authorization_endpoint": format!("{base}/authorize"),
                "token_endpoint": format!("{base}/token"), "registration_endpoint": format!("{base}/register"),
                "response_types_supported": ["code"], "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["none"]});
            reply(stream, "200 OK", &json_type, &body.to_string()).await;
        }
        ("POST", "/register") => {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            seen.lock().unwrap().registered = body["redirect_uris"][0]
                .as_str()
                .is_some_and(|u| u.starts_with("http://127.0.0.1:"));
            reply(
                stream,
                "201 Created",
                &json_type,
                &json!({"client_id": "claw-client"}).to_string(),
            )
            .await;
        }
        ("GET", "/authorize") => {
            let url = reqwest::Url::parse(&format!("{base}{}", request.target)).unwrap();
            let param = |k: &str| {
                url.query_pairs()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.into_owned())
            };
            assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
            assert_eq!(param("client_id").as_deref(), Some("claw-client"));
            {
                let mut seen = seen.lock().unwrap();
                seen.challenge = param("code_challenge");
                seen.resource_param = param("resource");
                let asked = param("scope").unwrap_or_default();
                seen.scopes_asked.push(asked.clone());
                let withheld = seen.knobs.withheld.clone();
                seen.code_scope = asked
                    .split_whitespace()
                    .filter(|s| !withheld.iter().any(|w| w == s))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            let location = format!(
                "{}?code=the-code&state={}",
                param("redirect_uri").unwrap(),
                param("state").unwrap()
            );
            reply(stream, "302 Found", &[("location", location)], "").await;
        }
        ("POST", "/token") => {
            let form = form(&request.body);
            let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let grant = get("grant_type").unwrap_or_default();
            let body = {
                let mut seen = seen.lock().unwrap();
                seen.grants.push(grant.clone());
                let issued = format!("token-{}", seen.grants.len());
                let (body, scope) = match grant.as_str() {
                    "authorization_code" => {
                        let verifier = get("code_verifier").unwrap_or_default();
                        seen.pkce_verified = get("code").as_deref() == Some("the-code")
                            && seen.challenge.as_deref() == Some(s256(&verifier).as_str());
                        let body = json!({"access_token": issued, "token_type": "Bearer",
                            "expires_in": seen.knobs.first_lifetime, "refresh_token": "refresh-1"});
                        (body, seen.code_scope.clone())
                    }
                    "refresh_token"
                        if get("refresh_token").as_deref() == Some("refresh-1")
                            && seen.knobs.refresh_works =>
                    {
                        let body = json!({"access_token": issued, "token_type": "Bearer", "expires_in": 3600});
                        (body, seen.code_scope.clone())
                    }
                    _ => (json!({"error": "invalid_grant"}), String::new()),
                };
                if let Some(token) = body["access_token"].as_str() {
                    seen.tokens.push((token.to_string(), scope));
                }
                body
            };
            let status = if body["error"].is_string() {
                "400 Bad Request"
            } else {
                "200 OK"
            };
            reply(stream, status, &json_type, &body.to_string()).await;
        }
        ("POST", "/mcp") => {
            let bearer = request
                .headers
                .iter()
                .find(|(n, _)| n == "authorization")
                .and_then(|(_, v)| v.strip_prefix("Bearer "))
                .map(str::to_string);
            let message: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let metadata = format!("{base}/.well-known/oauth-protected-resource/mcp");
            let granted = {
                let seen = seen.lock().unwrap();
                bearer.as_ref().and_then(|b| {
                    seen.tokens
                        .iter()
                        .find(|(t, _)| t == b)
                        .map(|(_, scope)| scope.clone())
                })
            };
            let Some(granted) = granted else {
                seen.lock().unwrap().refusals += 1;
                let error = if bearer.is_some() {
                    ", error=\"invalid_token\""
                } else {
                    ""
                };
                let challenge =
                    format!("Bearer resource_metadata=\"{metadata}\", scope=\"mcp:tools\"{error}");
                reply(
                    stream,
                    "401 Unauthorized",
                    &[("www-authenticate", challenge)],
                    "",
                )
                .await;
                return;
            };
            let needed = seen.lock().unwrap().knobs.call_scope.clone();
            if message["method"] == "tools/call"
                && let Some(needed) = needed
                && !needed
                    .split_whitespace()
                    .all(|s| granted.split_whitespace().any(|g| g == s))
            {
                seen.lock().unwrap().refusals += 1;
                let challenge = format!(
                    "Bearer error=\"insufficient_scope\", scope=\"{needed}\", resource_metadata=\"{metadata}\""
                );
                reply(
                    stream,
                    "403 Forbidden",
                    &[("www-authenticate", challenge)],
                    "",
                )
                .await;
                return;
            }
            let bearer = bearer.unwrap_or_default();
            seen.lock().unwrap().bearers.push(bearer.clone());
            let result = match message["method"].as_str() {
                Some("initialize") => {
                    json!({"protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
                                            "serverInfo": {"name": "protected", "version": "1"}})
                }
                Some("tools/list") => {
                    json!({"tools": [{"name": "whoami", "inputSchema": {"type": "object"}}]})
                }
                Some("tools/call") => json!({"content": [{"type": "text", "text": bearer}]}),
                _ => {
                    reply(stream, "202 Accepted", &[], "").await;
                    return;
                }
            };
            let body = json!({"jsonrpc": "2.0", "id": message["id"], "result": result});
            reply(stream, "200 OK", &json_type, &body.to_string()).await;
        }
        _ => reply(stream, "405 Method Not Allowed", &[], "").await,
    }
}

fn remote(base: &str) -> McpServerConfig {
    McpServerConfig {
        name: "remote".into(),
        transport: McpTransport::Http {
            url: format!("{base}/mcp"),
            headers: Vec::new(),
            oauth: None,
        },
        source: PathBuf::from(".mcp.json"),
        scope: McpScope::Local,
    }
}

/// The browser: follows the authorization URL and its redirect to claw's callback.
fn following_browser() -> Browser {
    Browser::With(Arc::new(|url: String| {
        tokio::spawn(async move {
            let _ = reqwest::get(url).await;
        });
    }))
}

fn start(base: &str, dir: &std::path::Path) -> McpServers {
    start_with(base, dir, following_browser())
}

fn start_with(base: &str, dir: &std::path::Path, browser: Browser) -> McpServers {
    let options = McpOptions {
        connect_timeout: Duration::from_secs(20),
        ..McpOptions::default()
    };
    let auth = AuthSettings {
        dir: Some(dir.to_path_buf()),
        browser,
        clients: Vec::new(),
    };
    McpServers::start_with_auth(
        vec![(remote(base), Approval::Approved)],
        std::env::temp_dir(),
        options,
        auth,
    )
}

async fn until_state(mcp: &McpServers, wanted: impl Fn(&ServerState) -> bool) -> ServerState {
    let mut changes = mcp.subscribe();
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let state = mcp.statuses()[0].state.clone();
            if wanted(&state) {
                return state;
            }
            changes.changed().await.unwrap();
        }
    })
    .await
    .unwrap_or_else(|_| panic!("stuck at {:?}", mcp.statuses()[0].state))
}

async fn whoami(mcp: &McpServers) -> String {
    call(mcp, Arc::new(|_| {})).await.unwrap()
}

/// Calls `whoami`, its progress lines going to `progress`: the token it was called with, or
/// the error.
async fn call(mcp: &McpServers, progress: claw::tools::ProgressSink) -> Result<String, String> {
    let tool = mcp
        .tools()
        .into_iter()
        .find(|t| t.name() == "mcp__remote__whoami")
        .unwrap();
    let ctx = ToolContext::new(std::env::temp_dir());
    tool.run(json!({}), &ctx, progress)
        .await
        .map(|out| out.content)
        .map_err(|e| e.to_string())
}

/// Every state the server goes through from now on.
fn record_states(mcp: &McpServers) -> Arc<Mutex<Vec<ServerState>>> {
    let states = Arc::new(Mutex::new(Vec::new()));
    let (mcp, kept) = (mcp.clone(), states.clone());
    let mut changes = mcp.subscribe();
    tokio::spawn(async move {
        while changes.changed().await.is_ok() {
            let state = mcp.statuses()[0].state.clone();
            kept.lock().unwrap().push(state);
        }
    });
    states
}

/// The servers, the fake ones behaving as `knobs` say, with claw signed in to the MCP server.
async fn signed_in(knobs: Knobs, dir: &std::path::Path) -> (McpServers, Arc<Mutex<Seen>>) {
    signed_in_with(knobs, dir, following_browser()).await
}

async fn signed_in_with(
    knobs: Knobs,
    dir: &std::path::Path,
    browser: Browser,
) -> (McpServers, Arc<Mutex<Seen>>) {
    let (base, seen) = start_servers().await;
    seen.lock().unwrap().knobs = knobs;
    let mcp = start_with(&base, dir, browser);
    until_state(&mcp, |s| *s == ServerState::NeedsAuth).await;
    mcp.authenticate("remote").unwrap();
    until_state(&mcp, |s| *s == ServerState::Ready).await;
    (mcp, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_server_that_answers_401_is_signed_in_to_and_its_token_refreshed() {
    let (base, seen) = start_servers().await;
    let store = tempfile::tempdir().unwrap();
    let dir = store.path().join("mcp-oauth");

    let mcp = start(&base, &dir);
    assert_eq!(
        until_state(&mcp, |s| *s != ServerState::Connecting).await,
        ServerState::NeedsAuth
    );
    assert!(mcp.tools().is_empty());
    mcp.authenticate("remote").unwrap();
    until_state(&mcp, |s| *s == ServerState::Ready).await;
    assert_eq!(whoami(&mcp).await, "token-1");
    {
        let seen = seen.lock().unwrap();
        assert!(
            seen.registered,
            "claw registered itself with its loopback redirect"
        );
        assert!(
            seen.pkce_verified,
            "the verifier matched the S256 challenge"
        );
        assert_eq!(
            seen.resource_param.as_deref(),
            Some(format!("{base}/mcp").as_str())
        );
        assert_eq!(seen.grants, vec!["authorization_code"]);
    }
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(
        std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        std::fs::read_to_string(&files[0])
            .unwrap()
            .contains("refresh-1")
    );
    drop(mcp);
    // An hour goes by: the kept token expires.
    let mut kept: Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    kept["expires_at"] = json!(1);
    std::fs::write(&files[0], kept.to_string()).unwrap();

    // The next session: the kept token has expired, so it is refreshed, without a sign-in.
    let mcp = start(&base, &dir);
    until_state(&mcp, |s| *s == ServerState::Ready).await;
    assert_eq!(whoami(&mcp).await, "token-2");
    assert_eq!(
        seen.lock().unwrap().grants,
        vec!["authorization_code", "refresh_token"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_sign_in_says_why() {
    let (base, _seen) = start_servers().await;
    let store = tempfile::tempdir().unwrap();
    // A browser that never comes back is not waited for here: the user refuses instead.
    let refusing = Browser::With(Arc::new(|url: String| {
        tokio::spawn(async move {
            let parsed = reqwest::Url::parse(&url).unwrap();
            let param = |k: &str| {
                parsed
                    .query_pairs()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.into_owned())
                    .unwrap()
            };
            let back = format!(
                "{}?error=access_denied&error_description=the+user+said+no&state={}",
                param("redirect_uri"),
                param("state")
            );
            let _ = reqwest::get(back).await;
        });
    }));
    let auth = AuthSettings {
        dir: Some(store.path().to_path_buf()),
        browser: refusing,
        clients: Vec::new(),
    };
    let mcp = McpServers::start_with_auth(
        vec![(remote(&base), Approval::Approved)],
        std::env::temp_dir(),
        McpOptions::default(),
        auth,
    );
    until_state(&mcp, |s| *s == ServerState::NeedsAuth).await;
    mcp.authenticate("remote").unwrap();
    let ServerState::Failed(why) = until_state(&mcp, |s| matches!(s, ServerState::Failed(_))).await
    else {
        unreachable!()
    };
    assert!(why.contains("access_denied: the user said no"), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refreshed_before_a_request_and_a_refused_one_on_its_401_unseen() {
    let store = tempfile::tempdir().unwrap();
    // The first token has expired by the time it is used: claw refreshes it before sending.
    let knobs = Knobs {
        first_lifetime: 1,
        ..Knobs::default()
    };
    let (mcp, seen) = signed_in(knobs, store.path()).await;
    assert_eq!(whoami(&mcp).await, "token-2");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.grants, vec!["authorization_code", "refresh_token"]);
        assert!(
            !seen.bearers.iter().any(|b| b == "token-1"),
            "the expired token was never sent: {:?}",
            seen.bearers
        );
    }
    let states = record_states(&mcp);
    let refused_before = seen.lock().unwrap().refusals;

    // Mid-session the server stops honouring the token (revoked, or its clock ran ahead).
    seen.lock().unwrap().tokens.clear();
    assert_eq!(
        whoami(&mcp).await,
        "token-3",
        "refreshed, and the call sent again"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.grants,
        vec!["authorization_code", "refresh_token", "refresh_token"]
    );
    assert_eq!(
        seen.refusals,
        refused_before + 1,
        "one 401, then the retry went through"
    );
    assert_eq!(mcp.statuses()[0].state, ServerState::Ready);
    assert!(
        states
            .lock()
            .unwrap()
            .iter()
            .all(|s| *s == ServerState::Ready),
        "the user saw nothing: {:?}",
        states.lock().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_that_cannot_be_renewed_leaves_the_server_needing_authentication_with_why() {
    let store = tempfile::tempdir().unwrap();
    let (mcp, seen) = signed_in(Knobs::default(), store.path()).await;
    assert_eq!(whoami(&mcp).await, "token-1");
    {
        let mut seen = seen.lock().unwrap();
        seen.knobs.refresh_works = false;
        seen.tokens.clear();
    }
    let error = call(&mcp, Arc::new(|_| {})).await.unwrap_err();
    assert!(error.contains("could not be renewed"), "{error}");
    until_state(&mcp, |s| *s == ServerState::NeedsAuth).await;
    let why = mcp.statuses()[0].auth_reason.clone().unwrap();
    assert!(why.contains("invalid_grant"), "{why}");
    assert!(
        mcp.tools().is_empty(),
        "its tools are gone until it is signed in again"
    );

    // The session goes on: signing in again brings the server back.
    seen.lock().unwrap().knobs.refresh_works = true;
    mcp.authenticate("remote").unwrap();
    until_state(&mcp, |s| *s == ServerState::Ready).await;
    assert_eq!(whoami(&mcp).await, "token-3");
    assert_eq!(mcp.statuses()[0].auth_reason, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_scopes_asked_for_after_connecting_start_a_sign_in_for_their_union() {
    let store = tempfile::tempdir().unwrap();
    let knobs = Knobs {
        call_scope: Some("mcp:tools mcp:write".into()),
        ..Knobs::default()
    };
    let (mcp, seen) = signed_in(knobs, store.path()).await;
    let states = record_states(&mcp);
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let kept = lines.clone();
    let answer = call(&mcp, Arc::new(move |line| kept.lock().unwrap().push(line))).await;
    assert_eq!(
        answer.as_deref(),
        Ok("token-2"),
        "the call went again with the new token"
    );
    assert_eq!(
        seen.lock().unwrap().scopes_asked,
        vec!["mcp:tools", "mcp:tools mcp:write"]
    );
    let lines = lines.lock().unwrap();
    assert!(
        lines.iter().any(|l| l
            .starts_with("waiting for you to sign in to `remote` in the browser")
            && l.contains("/authorize?")),
        "the call says what it waits for: {lines:?}"
    );
    // The browser step shows in the server's state, as a sign-in from /mcp does, then it is
    // connected again.
    let states = states.lock().unwrap();
    assert!(
        states
            .iter()
            .any(|s| matches!(s, ServerState::SigningIn(url) if url.contains("/authorize?"))),
        "{states:?}"
    );
    assert_eq!(mcp.statuses()[0].state, ServerState::Ready);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_keeps_refusing_is_not_asked_forever() {
    let store = tempfile::tempdir().unwrap();
    let knobs = Knobs {
        call_scope: Some("mcp:admin".into()),
        withheld: vec!["mcp:admin".into()],
        ..Knobs::default()
    };
    let (mcp, seen) = signed_in(knobs, store.path()).await;
    let error = call(&mcp, Arc::new(|_| {})).await.unwrap_err();
    assert!(error.contains("MCP server `remote`"), "{error}");
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.scopes_asked,
        vec!["mcp:tools", "mcp:tools mcp:admin"],
        "one step-up: the same refusal again means more sign-ins will not help"
    );
    drop(seen);
    assert_eq!(
        mcp.statuses()[0].state,
        ServerState::Ready,
        "the session goes on"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_waiting_for_a_step_up_is_cancelled_and_the_server_stays_connected() {
    let store = tempfile::tempdir().unwrap();
    // The user signs in the first time, and never finishes the second sign-in.
    let visits = Arc::new(Mutex::new(0));
    let counted = visits.clone();
    let browser = Browser::With(Arc::new(move |url: String| {
        let first = {
            let mut visits = counted.lock().unwrap();
            *visits += 1;
            *visits == 1
        };
        if first {
            tokio::spawn(async move {
                let _ = reqwest::get(url).await;
            });
        }
    }));
    let knobs = Knobs {
        call_scope: Some("mcp:tools mcp:write".into()),
        ..Knobs::default()
    };
    let (mcp, _seen) = signed_in_with(knobs, store.path(), browser).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut waiting = Box::pin(call(
        &mcp,
        Arc::new(move |line| {
            let _ = tx.send(line);
        }),
    ));
    // Esc: the turn drops the call once it says it waits for the browser.
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            tokio::select! {
                out = &mut waiting => panic!("the call ended before the sign-in: {out:?}"),
                Some(line) = rx.recv() => if line.starts_with("waiting for you to sign in") {
                    return;
                },
            }
        }
    })
    .await
    .expect("the call says it waits for the sign-in");
    assert!(matches!(mcp.statuses()[0].state, ServerState::SigningIn(_)));
    drop(waiting);
    until_state(&mcp, |s| *s == ServerState::Ready).await;
    assert_eq!(
        mcp.tools().len(),
        3,
        "whoami and the two resource tools are still offered"
    );
    assert_eq!(*visits.lock().unwrap(), 2);
}
