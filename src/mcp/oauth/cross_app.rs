//! Cross-app access (the enterprise-managed authorization extension,
//! `io.modelcontextprotocol/enterprise-managed-authorization`): the user's ID token is exchanged
//! at the enterprise IdP for an ID-JAG (RFC 8693 token exchange), which claw presents to the MCP
//! server's authorization server as a JWT bearer grant (RFC 7523) for the access token. No
//! browser: a renewal does the same again with the ID token read afresh.

use serde_json::Value;

use super::client_credentials::authenticate;
use super::discovery::{AuthServer, authorization_metadata_urls, get_json};
use super::tokens::{form_body, token_request};
use super::{ClientCredentials, OAuthError, Saved, http, id_token};
use crate::config::mcp::oauth::{IdentityProvider, IdpEndpoint};

const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
const ID_JAG: &str = "urn:ietf:params:oauth:token-type:id-jag";
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// Tokens for `client` at `server` by cross-app access; `saved` holds the resource and scope
/// to ask for and learns how the client authenticated.
pub(super) async fn tokens(
    client: &ClientCredentials,
    server: &AuthServer,
    saved: &mut Saved,
) -> Result<Value, OAuthError> {
    let Some(idp) = &client.identity_provider else {
        return Err(OAuthError::IdentityProvider(
            "the server's `oauth` names no `identityProvider`".into(),
        ));
    };
    let subject = id_token::read(&idp.id_token).await?;
    let http = http();
    let endpoint = token_endpoint(&http, &idp.endpoint).await?;
    // The MCP server's resource identifier (RFC 9728), else its URL.
    let resource = saved.resource.as_deref().unwrap_or(&saved.server_url);
    let exchange = exchange_form(
        idp,
        &subject,
        &server.issuer,
        resource,
        saved.scope.as_deref(),
    );
    let response = http
        .post(&endpoint)
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&exchange))
        .send()
        .await
        .map_err(|e| {
            OAuthError::IdentityProvider(format!(
                "cannot reach the identity provider at {endpoint}: {e}"
            ))
        })?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    let id_jag = id_jag(status, &body).map_err(OAuthError::IdentityProvider)?;
    let mut form = bearer_form(&id_jag, saved.scope.as_deref());
    authenticate(client, server, saved, &mut form)?;
    token_request(saved, form).await.map_err(|e| match e {
        OAuthError::Token(why) => OAuthError::Token(format!(
            "the authorization server refused the ID-JAG: {why}"
        )),
        other => other,
    })
}

/// The IdP's token endpoint: configured, or from its issuer's metadata.
async fn token_endpoint(
    http: &reqwest::Client,
    endpoint: &IdpEndpoint,
) -> Result<String, OAuthError> {
    let issuer = match endpoint {
        IdpEndpoint::TokenEndpoint(url) => return Ok(url.clone()),
        IdpEndpoint::Issuer(issuer) => issuer,
    };
    // OpenID Connect discovery first: an IdP is an OpenID provider (and may share its origin
    // with an authorization server whose RFC 8414 metadata names another token endpoint).
    for at in authorization_metadata_urls(issuer).into_iter().rev() {
        if let Some(url) = get_json(http, &at)
            .await
            .and_then(|m| m["token_endpoint"].as_str().map(str::to_string))
        {
            return Ok(url);
        }
    }
    Err(OAuthError::IdentityProvider(format!(
        "the identity provider {issuer} publishes no metadata with a token endpoint \
         (set `tokenEndpoint` in its `identityProvider`)"
    )))
}

/// The token exchange at the IdP (the extension's section 4): the ID token for an ID-JAG whose
/// audience is the authorization server's issuer, for the MCP server's resource. claw's client
/// at the IdP names itself, with its secret in the form when it has one.
fn exchange_form(
    idp: &IdentityProvider,
    id_token: &str,
    audience: &str,
    resource: &str,
    scope: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("grant_type", TOKEN_EXCHANGE.to_string()),
        ("requested_token_type", ID_JAG.to_string()),
        ("audience", audience.to_string()),
        ("resource", resource.to_string()),
    ];
    if let Some(scope) = scope {
        form.push(("scope", scope.to_string()));
    }
    form.push(("subject_token", id_token.to_string()));
    form.push(("subject_token_type", ID_TOKEN.to_string()));
    form.push(("client_id", idp.client_id.clone()));
    if let Some(secret) = &idp.client_secret {
        form.push(("client_secret", secret.clone()));
    }
    form
}

/// The ID-JAG in the IdP's answer; Err: why there is none, in the user's terms.
fn id_jag(status: reqwest::StatusCode, body: &Value) -> Result<String, String> {
    if !status.is_success() {
        let error = body["error"].as_str();
        let mut why = match (error, body["error_description"].as_str()) {
            (Some(error), Some(description)) => format!("{error}: {description}"),
            (Some(text), None) | (None, Some(text)) => text.to_string(),
            (None, None) => format!("HTTP {status}"),
        };
        if error == Some("invalid_grant") {
            why.push_str(
                " (the ID token may have expired: sign in to the identity provider again)",
            );
        }
        return Err(format!(
            "the identity provider refused the token exchange: {why}"
        ));
    }
    let Some(token) = body["access_token"].as_str().filter(|t| !t.is_empty()) else {
        return Err("the identity provider's token exchange answer has no `access_token`".into());
    };
    match body["issued_token_type"].as_str() {
        Some(ID_JAG) => Ok(token.to_string()),
        other => Err(format!(
            "the identity provider issued a {} instead of an ID-JAG",
            other.unwrap_or("token of no stated type")
        )),
    }
}

/// The JWT bearer grant at the authorization server (the extension's section 5).
fn bearer_form(id_jag: &str, scope: Option<&str>) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("grant_type", JWT_BEARER.to_string()),
        ("assertion", id_jag.to_string()),
    ];
    if let Some(scope) = scope {
        form.push(("scope", scope.to_string()));
    }
    form
}

#[cfg(test)]
mod tests;
