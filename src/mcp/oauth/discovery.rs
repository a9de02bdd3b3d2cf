//! Finding where to sign in: the server's `WWW-Authenticate` challenge, its protected-resource
//! metadata (RFC 9728: the challenge's `resource_metadata`, else the well-known places), then its
//! authorization server's metadata (RFC 8414 and OpenID Connect discovery, with the path-aware
//! forms), and the 2025-03-26 fallback of endpoints at the server's own origin.

use serde_json::Value;

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
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub registration_endpoint: Option<String>,
    pub scopes_supported: Vec<String>,
    pub auth_methods: Vec<String>,
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
        Some(AuthServer {
            authorization_endpoint: text("authorization_endpoint")?,
            token_endpoint: text("token_endpoint")?,
            registration_endpoint: text("registration_endpoint"),
            scopes_supported: list("scopes_supported"),
            auth_methods: list("token_endpoint_auth_methods_supported"),
        })
    }

    /// The 2025-03-26 fallback for a server without metadata: endpoints at its origin.
    pub fn at_origin(origin: &str) -> AuthServer {
        AuthServer {
            authorization_endpoint: format!("{origin}/authorize"),
            token_endpoint: format!("{origin}/token"),
            registration_endpoint: Some(format!("{origin}/register")),
            scopes_supported: Vec::new(),
            auth_methods: Vec::new(),
        }
    }
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
