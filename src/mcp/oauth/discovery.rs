//! Finding where to sign in: the server's `WWW-Authenticate` challenge, its protected-resource
//! metadata (RFC 9728: the challenge's `resource_metadata`, else the well-known places), then its
//! authorization server's metadata (RFC 8414 and OpenID Connect discovery, with the path-aware
//! forms), and the 2025-03-26 fallback of endpoints at the server's own origin.

use serde_json::Value;

use super::OAuthError;

/// What a `WWW-Authenticate: Bearer …` challenge says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Challenge {
    pub resource_metadata: Option<String>,
    pub scope: Option<String>,
    pub error: Option<String>,
}

/// Reads the parameters of a Bearer challenge (`key="value"` or `key=token`, comma-separated).
pub fn challenge(header: &str) -> Challenge {
    let mut found = Challenge::default();
    let rest = header.trim();
    let rest = rest
        .strip_prefix("Bearer")
        .or_else(|| rest.strip_prefix("bearer"))
        .unwrap_or(rest);
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ',')).collect();
        if key.is_empty() {
            break;
        }
        if chars.next() != Some('=') {
            continue;
        }
        let value: String = if chars.peek() == Some(&'"') {
            chars.next();
            let mut value = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => value.extend(chars.next()),
                    c => value.push(c),
                }
            }
            value
        } else {
            std::iter::from_fn(|| chars.next_if(|c| *c != ','))
                .collect::<String>()
                .trim()
                .to_string()
        };
        match key.trim() {
            "resource_metadata" => found.resource_metadata = Some(value),
            "scope" => found.scope = Some(value),
            "error" => found.error = Some(value),
            _ => {}
        }
    }
    found
}

/// Where the protected-resource metadata may be, in the order to try.
pub fn resource_metadata_urls(server: &reqwest::Url, challenge: &Challenge) -> Vec<String> {
    let mut urls: Vec<String> = challenge.resource_metadata.iter().cloned().collect();
    let origin = origin(server);
    let path = server.path().trim_end_matches('/');
    if !path.is_empty() {
        urls.push(format!(
            "{origin}/.well-known/oauth-protected-resource{path}"
        ));
    }
    urls.push(format!("{origin}/.well-known/oauth-protected-resource"));
    urls
}

/// Where an authorization server's metadata may be (RFC 8414 section 3.1, then OpenID
/// Connect discovery with and without path insertion).
pub fn authorization_metadata_urls(issuer: &str) -> Vec<String> {
    let Ok(url) = reqwest::Url::parse(issuer) else {
        return Vec::new();
    };
    let origin = origin(&url);
    let path = url.path().trim_end_matches('/');
    if path.is_empty() {
        vec![
            format!("{origin}/.well-known/oauth-authorization-server"),
            format!("{origin}/.well-known/openid-configuration"),
        ]
    } else {
        vec![
            format!("{origin}/.well-known/oauth-authorization-server{path}"),
            format!("{origin}/.well-known/openid-configuration{path}"),
            format!("{origin}{path}/.well-known/openid-configuration"),
        ]
    }
}

/// Whether the resource `named` in metadata is the server at `server` (same origin, and a
/// path that is the server's or leads to it).
pub fn covers(named: &str, server: &reqwest::Url) -> bool {
    let Ok(named) = reqwest::Url::parse(named) else {
        return false;
    };
    let prefix = named.path().trim_end_matches('/');
    named.origin() == server.origin()
        && (server.path().trim_end_matches('/') == prefix
            || server.path().starts_with(&format!("{prefix}/")))
}

pub fn origin(url: &reqwest::Url) -> String {
    url.origin().ascii_serialization()
}

/// An authorization server's endpoints and what it supports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthServer {
    /// Its identifier (the audience of a client assertion).
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub registration_endpoint: Option<String>,
    pub scopes_supported: Vec<String>,
    pub auth_methods: Vec<String>,
    /// Whether it takes an HTTPS URL of a client ID metadata document as a client id.
    pub client_metadata_documents: bool,
}

impl AuthServer {
    pub fn from_metadata(metadata: &Value) -> Option<AuthServer> {
        let text = |key: &str| metadata[key].as_str().map(str::to_string);
        let list = |key: &str| -> Vec<String> {
            metadata[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let authorization_endpoint = text("authorization_endpoint")?;
        Some(AuthServer {
            issuer: text("issuer").unwrap_or_else(|| {
                reqwest::Url::parse(&authorization_endpoint)
                    .map(|u| origin(&u))
                    .unwrap_or_default()
            }),
            authorization_endpoint,
            token_endpoint: text("token_endpoint")?,
            registration_endpoint: text("registration_endpoint"),
            scopes_supported: list("scopes_supported"),
            auth_methods: list("token_endpoint_auth_methods_supported"),
            client_metadata_documents: metadata["client_id_metadata_document_supported"]
                == Value::Bool(true),
        })
    }

    /// The 2025-03-26 fallback for a server without metadata: endpoints at its origin.
    pub fn at_origin(origin: &str) -> AuthServer {
        AuthServer {
            issuer: origin.to_string(),
            authorization_endpoint: format!("{origin}/authorize"),
            token_endpoint: format!("{origin}/token"),
            registration_endpoint: Some(format!("{origin}/register")),
            scopes_supported: Vec::new(),
            auth_methods: Vec::new(),
            client_metadata_documents: false,
        }
    }
}

/// Where and how to sign in to one server.
pub struct Discovered {
    pub auth_server: AuthServer,
    /// The resource the token is for (RFC 8707), when the server's metadata names it.
    pub resource: Option<String>,
    /// The scopes to ask for: the challenge's, else the resource's, else the authorization
    /// server's (None: ask for none).
    pub scope: Option<String>,
}

/// Follows a server's challenge (`www_authenticate`, may be empty) to its authorization server.
pub async fn discover(
    client: &reqwest::Client,
    url: &reqwest::Url,
    www_authenticate: &str,
) -> Result<Discovered, OAuthError> {
    let challenge = challenge(www_authenticate);
    // The protected resource's metadata names its authorization server.
    let mut resource_metadata = None;
    for at in resource_metadata_urls(url, &challenge) {
        if let Some(metadata) = get_json(client, &at).await
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
        None => (origin(url), None, None),
    };
    // Metadata naming another resource is not this server's (RFC 9728 section 3.3): a token
    // for it must not be asked for on this server's behalf.
    if let Some(named) = &resource
        && !covers(named, url)
    {
        return Err(OAuthError::Discovery(format!(
            "the server's metadata is for another resource ({named})"
        )));
    }
    let mut auth_server = None;
    for at in authorization_metadata_urls(&issuer) {
        if let Some(found) = get_json(client, &at)
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
    Ok(Discovered {
        auth_server,
        resource,
        scope,
    })
}

pub(super) async fn get_json(client: &reqwest::Client, url: &str) -> Option<Value> {
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

/// The scopes of `a` and then those of `b` not in `a`, space-separated (None: neither has any).
pub fn union(a: Option<&str>, b: Option<&str>) -> Option<String> {
    let mut scopes: Vec<&str> = Vec::new();
    for scope in a.into_iter().chain(b).flat_map(str::split_whitespace) {
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    (!scopes.is_empty()).then(|| scopes.join(" "))
}

/// Whether `wanted` names a scope that `held` lacks.
pub fn names_new_scopes(wanted: Option<&str>, held: Option<&str>) -> bool {
    let held: Vec<&str> = held
        .map(|h| h.split_whitespace().collect())
        .unwrap_or_default();
    wanted.is_some_and(|w| w.split_whitespace().any(|s| !held.contains(&s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_names_the_metadata_and_the_scope() {
        let c = challenge(
            r#"Bearer error="invalid_token", resource_metadata="http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp", scope="read write""#,
        );
        assert_eq!(
            c.resource_metadata.as_deref(),
            Some("http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp")
        );
        assert_eq!(c.scope.as_deref(), Some("read write"));
        assert_eq!(c.error.as_deref(), Some("invalid_token"));
        assert_eq!(challenge("Bearer realm=x"), Challenge::default());
        assert_eq!(challenge("").scope, None);
    }

    #[test]
    fn step_up_asks_for_the_union_of_the_scopes() {
        assert_eq!(
            union(Some("mcp:basic"), Some("mcp:basic mcp:write")).as_deref(),
            Some("mcp:basic mcp:write")
        );
        assert_eq!(union(None, Some("a")).as_deref(), Some("a"));
        assert_eq!(union(None, Some("  ")), None);
        assert!(names_new_scopes(Some("a b"), Some("a")));
        assert!(!names_new_scopes(Some("a"), Some("b a")));
        assert!(!names_new_scopes(None, None));
        assert!(names_new_scopes(Some("a"), None));
    }

    #[test]
    fn well_known_places_are_tried_path_first() {
        let server = reqwest::Url::parse("https://mcp.example.com/v1/mcp").unwrap();
        assert_eq!(
            resource_metadata_urls(&server, &Challenge::default()),
            vec![
                "https://mcp.example.com/.well-known/oauth-protected-resource/v1/mcp",
                "https://mcp.example.com/.well-known/oauth-protected-resource",
            ]
        );
        assert_eq!(
            authorization_metadata_urls("https://auth.example.com/tenant1"),
            vec![
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                "https://auth.example.com/.well-known/openid-configuration/tenant1",
                "https://auth.example.com/tenant1/.well-known/openid-configuration",
            ]
        );
        assert_eq!(
            authorization_metadata_urls("https://auth.example.com/").len(),
            2
        );
    }
}
