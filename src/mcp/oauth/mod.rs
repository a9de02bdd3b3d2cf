//! Signing in to remote MCP servers with OAuth 2.1, as the MCP authorization spec asks: a 401's
//! `WWW-Authenticate` leads to discovery (`discovery`), the client registers itself (RFC 7591)
//! unless one is configured, the user signs in in the browser with PKCE (S256) and a loopback
//! redirect (`callback`), and the tokens are kept for the next session (`store`) and refreshed
//! when they expire.

mod callback;
mod discovery;
mod pkce;
mod store;
mod tokens;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use discovery::AuthServer;
pub use store::Saved;
use tokens::{apply_tokens, configured_client, register, token_request};

/// How long the user has to finish signing in in the browser.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);
/// A token this close to its expiry is refreshed before use.
const EXPIRY_MARGIN_SECS: u64 = 60;

/// How claw opens the authorization URL.
#[derive(Clone, Default)]
pub enum Browser {
    /// `$BROWSER` (a command the URL is appended to), else `xdg-open` (`open` on macOS).
    #[default]
    System,
    /// Something else that visits the URL (tests, the conformance client).
    With(Arc<dyn Fn(String) + Send + Sync>),
}

/// A client registered with the authorization server beforehand (`mcpOAuth` in the settings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: Option<String>,
}

/// Where sign-ins are kept and how the browser is opened.
#[derive(Clone, Default)]
pub struct AuthSettings {
    /// Where tokens are kept (None: nowhere; every session signs in again).
    pub dir: Option<PathBuf>,
    pub browser: Browser,
    /// Pre-registered clients, by server name.
    pub clients: Vec<(String, ClientCredentials)>,
}

impl AuthSettings {
    /// Pre-registered clients from the settings' `mcpOAuth`:
    /// `{"NAME": {"clientId": "…", "clientSecret": "…"}}` (the secret is optional).
    pub fn with_clients(mut self, setting: Option<&Value>) -> AuthSettings {
        if let Some(Value::Object(servers)) = setting {
            for (name, client) in servers {
                if let Some(client_id) = client["clientId"].as_str() {
                    self.clients.push((
                        name.clone(),
                        ClientCredentials {
                            client_id: client_id.to_string(),
                            client_secret: client["clientSecret"].as_str().map(str::to_string),
                        },
                    ));
                }
            }
        }
        self
    }

    /// claw's data directory's `mcp-oauth/`.
    pub fn in_data_dir() -> AuthSettings {
        AuthSettings {
            dir: directories::ProjectDirs::from("", "", "claw")
                .map(|dirs| dirs.data_dir().join("mcp-oauth")),
            ..AuthSettings::default()
        }
    }
}

/// Why signing in failed, in the user's terms.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("cannot find where to sign in: {0}")]
    Discovery(String),
    #[error("the authorization server refused to register claw: {0}")]
    Registration(String),
    #[error("signing in failed: {0}")]
    Denied(String),
    #[error("no sign-in within {} minutes", SIGN_IN_TIMEOUT.as_secs() / 60)]
    TimedOut,
    #[error("the token request failed: {0}")]
    Token(String),
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether `url` answers an unauthenticated `initialize` with 401: its `WWW-Authenticate`
/// (empty when it sent none).
pub(crate) async fn probe(url: &str, headers: reqwest::header::HeaderMap) -> Option<String> {
    let initialize = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": crate::mcp::handler::OFFERED_VERSION, "capabilities": {},
        "clientInfo": {"name": "claw", "version": env!("CARGO_PKG_VERSION")}}});
    let response = http()
        .post(url)
        .headers(headers)
        .header("accept", "application/json, text/event-stream")
        .json(&initialize)
        .send()
        .await
        .ok()?;
    (response.status() == reqwest::StatusCode::UNAUTHORIZED).then(|| {
        response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    })
}

/// The kept access token for `server_url`, refreshed first when it expired (None: sign in).
pub(crate) async fn stored_token(settings: &AuthSettings, server_url: &str) -> Option<String> {
    let dir = settings.dir.as_ref()?;
    let mut saved = store::load(dir, server_url)?;
    let expired = saved
        .expires_at
        .is_some_and(|at| at <= now() + EXPIRY_MARGIN_SECS);
    if !expired {
        return Some(saved.access_token);
    }
    let refresh = saved.refresh_token.clone()?;
    let mut form = vec![
        ("grant_type", "refresh_token".to_string()),
        ("refresh_token", refresh),
    ];
    if let Some(resource) = &saved.resource {
        form.push(("resource", resource.clone()));
    }
    match token_request(&saved, form).await {
        Ok(tokens) => {
            apply_tokens(&mut saved, &tokens);
            let _ = store::save(dir, &saved);
            Some(saved.access_token)
        }
        Err(_) => {
            store::forget(dir, server_url);
            None
        }
    }
}

/// Signs in to the server at `server_url` (named `server`): discovery from its challenge,
/// registration, the browser (`on_url` is told the URL so the user can copy it), the code for
/// tokens; the tokens are kept. Returns the access token.
pub(crate) async fn sign_in(
    settings: &AuthSettings,
    server: &str,
    server_url: &str,
    www_authenticate: &str,
    on_url: &(dyn Fn(&str) + Send + Sync),
) -> Result<String, OAuthError> {
    let client = http();
    let url = reqwest::Url::parse(server_url).map_err(|e| OAuthError::Discovery(e.to_string()))?;
    let challenge = discovery::challenge(www_authenticate);
    // The protected resource's metadata names its authorization server.
    let mut resource_metadata = None;
    for at in discovery::resource_metadata_urls(&url, &challenge) {
        if let Some(metadata) = get_json(&client, &at).await
            && metadata["authorization_servers"].is_array()
        {
            resource_metadata = Some(metadata);
            break;
        }
    }
    let (issuer, resource, resource_scopes) = match &resource_metadata {
        Some(m) => (
            m["authorization_servers"][0]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            m["resource"].as_str().map(str::to_string),
            m["scopes_supported"].as_array().map(|s| {
                s.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
        ),
        // 2025-03-26: the server's origin is its authorization server.
        None => (discovery::origin(&url), None, None),
    };
    // Metadata naming another resource is not this server's (RFC 9728 section 3.3): a token
    // for it must not be asked for on this server's behalf.
    if let Some(named) = &resource
        && !discovery::covers(named, &url)
    {
        return Err(OAuthError::Discovery(format!(
            "the server's metadata is for another resource ({named})"
        )));
    }
    let mut auth_server = None;
    for at in discovery::authorization_metadata_urls(&issuer) {
        if let Some(found) = get_json(&client, &at)
            .await
            .and_then(|m| AuthServer::from_metadata(&m))
        {
            auth_server = Some(found);
            break;
        }
    }
    let auth_server = match auth_server {
        Some(found) => found,
        None if resource_metadata.is_none() => AuthServer::at_origin(&issuer),
        None => {
            return Err(OAuthError::Discovery(format!(
                "the authorization server {issuer} publishes no metadata"
            )));
        }
    };
    let scope = challenge
        .scope
        .clone()
        .or(resource_scopes.filter(|s| !s.is_empty()))
        .or_else(|| {
            (!auth_server.scopes_supported.is_empty())
                .then(|| auth_server.scopes_supported.join(" "))
        });

    let callback = callback::Callback::bind()
        .await
        .map_err(|e| OAuthError::Denied(format!("cannot listen on 127.0.0.1: {e}")))?;
    let registered = match settings.clients.iter().find(|(name, _)| name == server) {
        Some((_, credentials)) => configured_client(credentials, &auth_server),
        None => register(&client, &auth_server, &callback.redirect_uri).await?,
    };
    let verifier = pkce::random_token();
    let state = pkce::random_token();
    let mut authorize = reqwest::Url::parse(&auth_server.authorization_endpoint)
        .map_err(|e| OAuthError::Discovery(format!("bad authorization endpoint: {e}")))?;
    {
        let mut query = authorize.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", &registered.client_id)
            .append_pair("redirect_uri", &callback.redirect_uri)
            .append_pair("code_challenge", &pkce::challenge(&verifier))
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", &state);
        if let Some(scope) = &scope {
            query.append_pair("scope", scope);
        }
        if let Some(resource) = &resource {
            query.append_pair("resource", resource);
        }
    }
    let authorize = authorize.to_string();
    on_url(&authorize);
    open_browser(&settings.browser, &authorize);
    let code = tokio::time::timeout(SIGN_IN_TIMEOUT, callback.code(&state))
        .await
        .map_err(|_| OAuthError::TimedOut)?
        .map_err(OAuthError::Denied)?;

    let mut saved = Saved {
        server_url: server_url.to_string(),
        client_id: registered.client_id,
        client_secret: registered.client_secret,
        auth_method: registered.auth_method,
        token_endpoint: auth_server.token_endpoint.clone(),
        resource: resource.clone(),
        access_token: String::new(),
        refresh_token: None,
        expires_at: None,
    };
    let mut form = vec![
        ("grant_type", "authorization_code".to_string()),
        ("code", code),
        ("redirect_uri", callback_uri_of(&authorize)),
        ("code_verifier", verifier),
    ];
    if let Some(resource) = resource {
        form.push(("resource", resource));
    }
    let tokens = token_request(&saved, form).await?;
    apply_tokens(&mut saved, &tokens);
    if let Some(dir) = &settings.dir {
        let _ = store::save(dir, &saved);
    }
    Ok(saved.access_token)
}

/// The `redirect_uri` an authorization URL carries (the token request repeats it).
fn callback_uri_of(authorize: &str) -> String {
    reqwest::Url::parse(authorize)
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "redirect_uri")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default()
}

async fn get_json(client: &reqwest::Client, url: &str) -> Option<Value> {
    let response = client
        .get(url)
        .header("accept", "application/json")
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    response.json().await.ok()
}

fn open_browser(browser: &Browser, url: &str) {
    match browser {
        Browser::With(open) => open(url.to_string()),
        Browser::System => {
            let (program, mut args) = match std::env::var("BROWSER") {
                Ok(command) if !command.trim().is_empty() => {
                    let mut words = command.split_whitespace().map(str::to_string);
                    let program = words.next().unwrap_or_default();
                    (program, words.collect::<Vec<_>>())
                }
                _ if cfg!(target_os = "macos") => ("open".to_string(), Vec::new()),
                _ => ("xdg-open".to_string(), Vec::new()),
            };
            args.push(url.to_string());
            // The URL is shown too: when no browser opens, the user copies it.
            let started = std::process::Command::new(program)
                .args(args)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
            if let Ok(mut child) = started {
                std::thread::spawn(move || child.wait());
            }
        }
    }
}
