//! Signing in to remote MCP servers with OAuth 2.1, as the MCP authorization spec asks: a 401's
//! `WWW-Authenticate` leads to discovery (`discovery`), the client registers itself (RFC 7591)
//! unless one is configured, the user signs in in the browser with PKCE (S256) and a loopback
//! redirect (`callback`), and the tokens are kept for the next session (`store`) and refreshed
//! when they expire.

mod authorized;
mod callback;
mod client_credentials;
mod cross_app;
mod discovery;
mod id_token;
mod jwt;
mod pkce;
mod session;
mod store;
mod tokens;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

pub use crate::config::mcp::oauth::{
    ClientCredentials, Grant, IdTokenSource, IdentityProvider, IdpEndpoint, PrivateKey,
};
pub(crate) use authorized::AuthorizedClient;
pub(crate) use session::{AuthEvent, Credentials};
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
    /// With the clients the servers' entries configure (`oauth`), which win over `mcpOAuth`.
    pub fn with_entries(mut self, servers: &[crate::config::mcp::McpServerConfig]) -> AuthSettings {
        for server in servers {
            if let crate::config::mcp::McpTransport::Http {
                oauth: Some(client),
                ..
            } = &server.transport
            {
                self.clients.retain(|(name, _)| *name != server.name);
                self.clients.push((server.name.clone(), client.clone()));
            }
        }
        self
    }
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
                            ..ClientCredentials::default()
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
    /// Cross-app access: the ID token or the identity provider's token exchange.
    #[error("cross-app access failed: {0}")]
    IdentityProvider(String),
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

/// The kept sign-in for `server_url` (None: none, or nowhere to keep it).
pub(crate) fn kept(settings: &AuthSettings, server_url: &str) -> Option<Saved> {
    store::load(settings.dir.as_ref()?, server_url)
}

/// Keeps `saved` for the next session (where sign-ins are kept).
pub(crate) fn keep(settings: &AuthSettings, saved: &Saved) {
    if let Some(dir) = &settings.dir {
        let _ = store::save(dir, saved);
    }
}

/// Forgets the kept sign-in for `server_url`.
pub(crate) fn forget(settings: &AuthSettings, server_url: &str) {
    if let Some(dir) = &settings.dir {
        store::forget(dir, server_url);
    }
}

/// New tokens for `saved` from its refresh token (Err: it has none, or the server refused).
pub(crate) async fn refresh(saved: &Saved) -> Result<Saved, OAuthError> {
    let Some(refresh) = saved.refresh_token.clone() else {
        return Err(OAuthError::Token("there is no refresh token".into()));
    };
    let mut form = vec![
        ("grant_type", "refresh_token".to_string()),
        ("refresh_token", refresh),
    ];
    if let Some(resource) = &saved.resource {
        form.push(("resource", resource.clone()));
    }
    let tokens = token_request(saved, form).await?;
    let mut renewed = saved.clone();
    apply_tokens(&mut renewed, &tokens);
    Ok(renewed)
}

/// Whether the access token of `saved` has expired (or is about to).
pub(crate) fn expired(saved: &Saved) -> bool {
    saved
        .expires_at
        .is_some_and(|at| at <= now() + EXPIRY_MARGIN_SECS)
}

/// One sign-in to a server: which, what it answered, and the scopes already held.
pub(crate) struct SignIn<'a> {
    /// The server's name in the configuration.
    pub server: &'a str,
    pub server_url: &'a str,
    /// Its `WWW-Authenticate` challenge (may be empty).
    pub www_authenticate: &'a str,
    /// The scopes the current token was asked for: a step-up asks for them too.
    pub held_scope: Option<&'a str>,
}

/// Signs in to a server: discovery from its challenge, then either the client's own
/// credentials (the client-credentials extension, no user), the user's ID token traded at the
/// enterprise IdP (cross-app access, no browser), or registration and the browser
/// (`on_url` is told the URL so the user can copy it) with the code for tokens; the tokens are
/// kept. Returns the sign-in.
pub(crate) async fn sign_in(
    settings: &AuthSettings,
    request: &SignIn<'_>,
    on_url: &(dyn Fn(&str) + Send + Sync),
) -> Result<Saved, OAuthError> {
    let client = http();
    let url = reqwest::Url::parse(request.server_url)
        .map_err(|e| OAuthError::Discovery(e.to_string()))?;
    let found = discovery::discover(&client, &url, request.www_authenticate).await?;
    let configured = settings
        .clients
        .iter()
        .find(|(name, _)| name == request.server)
        .map(|(_, c)| c);
    let pinned = configured.and_then(|c| c.scopes.as_deref());
    let scope = discovery::union(request.held_scope, pinned.or(found.scope.as_deref()));
    let auth_server = &found.auth_server;
    let mut saved = Saved {
        server_url: request.server_url.to_string(),
        client_id: String::new(),
        client_secret: None,
        auth_method: String::new(),
        token_endpoint: auth_server.token_endpoint.clone(),
        resource: found.resource.clone(),
        access_token: String::new(),
        refresh_token: None,
        expires_at: None,
        scope: scope.clone(),
    };
    let tokens = match configured.map(|c| (c, c.grant)) {
        Some((machine, Grant::ClientCredentials)) => {
            client_credentials::tokens(machine, auth_server, &mut saved).await?
        }
        Some((enterprise, Grant::CrossAppAccess)) => {
            cross_app::tokens(enterprise, auth_server, &mut saved).await?
        }
        Some((_, Grant::AuthorizationCode)) | None => {
            browser_sign_in(settings, configured, &client, &found, &mut saved, on_url).await?
        }
    };
    apply_tokens(&mut saved, &tokens);
    keep(settings, &saved);
    Ok(saved)
}

/// The authorization-code flow: registration (unless configured), the browser with PKCE, and
/// the code for tokens.
async fn browser_sign_in(
    settings: &AuthSettings,
    configured: Option<&ClientCredentials>,
    client: &reqwest::Client,
    found: &discovery::Discovered,
    saved: &mut Saved,
    on_url: &(dyn Fn(&str) + Send + Sync),
) -> Result<Value, OAuthError> {
    let auth_server = &found.auth_server;
    let callback = callback::Callback::bind()
        .await
        .map_err(|e| OAuthError::Denied(format!("cannot listen on 127.0.0.1: {e}")))?;
    let registered = match configured {
        Some(credentials) if !tokens::registers_instead(credentials, auth_server) => {
            configured_client(credentials, auth_server)
        }
        _ => register(client, auth_server, &callback.redirect_uri).await?,
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
        if let Some(scope) = &saved.scope {
            query.append_pair("scope", scope);
        }
        if let Some(resource) = &found.resource {
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
    saved.client_id = registered.client_id;
    saved.client_secret = registered.client_secret;
    saved.auth_method = registered.auth_method;
    let mut form = vec![
        ("grant_type", "authorization_code".to_string()),
        ("code", code),
        ("redirect_uri", callback_uri_of(&authorize)),
        ("code_verifier", verifier),
    ];
    if let Some(resource) = &found.resource {
        form.push(("resource", resource.clone()));
    }
    token_request(saved, form).await
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

fn open_browser(browser: &Browser, url: &str) {
    match browser {
        Browser::With(open) => open(url.to_string()),
        // The URL is shown too: when no browser opens, the user copies it.
        Browser::System => crate::browser::open(url),
    }
}
