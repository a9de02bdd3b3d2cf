//! The token endpoint and registration: dynamic client registration (RFC 7591) or a configured
//! client, and the token requests (the code for tokens, a refresh), each authenticated as the
//! client's method says (`none`, HTTP Basic, or the secret in the form).

use serde_json::{Value, json};

use super::discovery::AuthServer;
use super::{ClientCredentials, OAuthError, Saved, http, now};

/// A client as claw authenticates it at the token endpoint.
pub(super) struct Registered {
    pub client_id: String,
    pub client_secret: Option<String>,
    pub auth_method: String,
}

/// How a configured client authenticates: with its secret as the server prefers (HTTP Basic
/// unless only the form is offered), or not at all.
pub(super) fn configured_client(
    credentials: &ClientCredentials,
    server: &AuthServer,
) -> Registered {
    let auth_method = match &credentials.client_secret {
        None => "none",
        Some(_)
            if server
                .auth_methods
                .iter()
                .any(|m| m == "client_secret_basic")
                || server.auth_methods.is_empty() =>
        {
            "client_secret_basic"
        }
        Some(_) => "client_secret_post",
    };
    Registered {
        client_id: credentials.client_id.clone(),
        client_secret: credentials.client_secret.clone(),
        auth_method: auth_method.to_string(),
    }
}

/// Whether claw registers rather than use the configured client: its id is the HTTPS URL of
/// a client ID metadata document, which this server does not take (it says so with
/// `client_id_metadata_document_supported`), and it can register.
pub(super) fn registers_instead(credentials: &ClientCredentials, server: &AuthServer) -> bool {
    credentials.client_id.starts_with("https://")
        && !server.client_metadata_documents
        && server.registration_endpoint.is_some()
}

/// Dynamic client registration (RFC 7591) as a public client with claw's loopback redirect.
pub(super) async fn register(
    client: &reqwest::Client,
    server: &AuthServer,
    redirect_uri: &str,
) -> Result<Registered, OAuthError> {
    let Some(endpoint) = &server.registration_endpoint else {
        return Err(OAuthError::Registration(
            "it offers no dynamic registration; configure a client id (\"mcpOAuth\" in the settings)".into(),
        ));
    };
    let response = client
        .post(endpoint)
        .json(&json!({
            "client_name": "claw",
            "redirect_uris": [redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        }))
        .send()
        .await
        .map_err(|e| OAuthError::Registration(e.to_string()))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    let Some(client_id) = body["client_id"].as_str().filter(|_| status.is_success()) else {
        return Err(OAuthError::Registration(format!("HTTP {status}: {body}")));
    };
    let client_secret = body["client_secret"].as_str().map(str::to_string);
    let auth_method = body["token_endpoint_auth_method"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| {
            if client_secret.is_some() {
                "client_secret_basic"
            } else {
                "none"
            }
            .to_string()
        });
    Ok(Registered {
        client_id: client_id.to_string(),
        client_secret,
        auth_method,
    })
}

/// A token request at the saved client's endpoint, authenticated as its method says.
pub(super) async fn token_request(
    saved: &Saved,
    mut form: Vec<(&str, String)>,
) -> Result<Value, OAuthError> {
    let mut request = http()
        .post(&saved.token_endpoint)
        .header("accept", "application/json");
    match (saved.auth_method.as_str(), &saved.client_secret) {
        ("client_secret_basic", Some(secret)) => {
            request = request.basic_auth(&saved.client_id, Some(secret));
        }
        ("client_secret_post", Some(secret)) => {
            form.push(("client_id", saved.client_id.clone()));
            form.push(("client_secret", secret.clone()));
        }
        // The form carries a signed assertion; its `sub` names the client (RFC 7523 section 3).
        ("private_key_jwt", _) => {}
        _ => form.push(("client_id", saved.client_id.clone())),
    }
    let response = request
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&form))
        .send()
        .await
        .map_err(|e| OAuthError::Token(e.to_string()))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    if !status.is_success() || body["access_token"].as_str().is_none() {
        let why = body["error_description"]
            .as_str()
            .or(body["error"].as_str())
            .map_or_else(|| format!("HTTP {status}"), str::to_string);
        return Err(OAuthError::Token(why));
    }
    Ok(body)
}

/// `application/x-www-form-urlencoded` of `pairs`.
pub(super) fn form_body(pairs: &[(&str, String)]) -> String {
    let mut url = reqwest::Url::parse("http://form.invalid/").expect("a valid constant URL");
    url.query_pairs_mut()
        .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
    url.query().unwrap_or_default().to_string()
}

pub(super) fn apply_tokens(saved: &mut Saved, tokens: &Value) {
    if let Some(access) = tokens["access_token"].as_str() {
        saved.access_token = access.to_string();
    }
    if let Some(refresh) = tokens["refresh_token"].as_str() {
        saved.refresh_token = Some(refresh.to_string());
    }
    saved.expires_at = tokens["expires_in"].as_u64().map(|secs| now() + secs);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::oauth::AuthSettings;

    #[test]
    fn configured_clients_come_from_the_settings_and_authenticate_as_the_server_prefers() {
        let settings = AuthSettings::default().with_clients(Some(&json!({
            "linear": {"clientId": "abc", "clientSecret": "s3"},
            "public": {"clientId": "pub"},
            "broken": {"secret": "no id"}
        })));
        assert_eq!(settings.clients.len(), 2);
        let (_, linear) = settings
            .clients
            .iter()
            .find(|(n, _)| n == "linear")
            .unwrap();
        let mut server = AuthServer::at_origin("http://127.0.0.1:1");
        assert_eq!(
            configured_client(linear, &server).auth_method,
            "client_secret_basic"
        );
        server.auth_methods = vec!["client_secret_post".into()];
        assert_eq!(
            configured_client(linear, &server).auth_method,
            "client_secret_post"
        );
        let (_, public) = settings
            .clients
            .iter()
            .find(|(n, _)| n == "public")
            .unwrap();
        assert_eq!(configured_client(public, &server).auth_method, "none");
        // A client ID metadata document's URL is the client id where the server takes those.
        let document = ClientCredentials {
            client_id: "https://claw.example/client.json".into(),
            ..ClientCredentials::default()
        };
        assert!(registers_instead(&document, &server));
        server.client_metadata_documents = true;
        assert!(!registers_instead(&document, &server));
        assert!(!registers_instead(public, &server));
        assert_eq!(
            form_body(&[("a", "x y".into()), ("b", "&=".into())]),
            "a=x+y&b=%26%3D"
        );
    }
}
