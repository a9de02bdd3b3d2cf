//! Cross-app access's two requests, their shapes and what the user reads when a party refuses,
//! against an IdP and an authorization server played by one loopback listener.

use std::sync::{Arc, Mutex};

use base64::Engine;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;
use crate::config::mcp::oauth::{Grant, IdTokenSource};

fn idp(secret: Option<&str>, endpoint: IdpEndpoint) -> IdentityProvider {
    IdentityProvider {
        endpoint,
        client_id: "claw-at-idp".into(),
        client_secret: secret.map(str::to_string),
        id_token: IdTokenSource::Text("eyJ.id.token".into()),
    }
}

fn pairs(form: &[(&str, String)]) -> Vec<(String, String)> {
    form.iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn the_token_exchange_asks_the_idp_for_an_id_jag_for_the_server() {
    let endpoint = IdpEndpoint::TokenEndpoint("http://idp/token".into());
    let form = exchange_form(
        &idp(None, endpoint.clone()),
        "eyJ.id.token",
        "https://auth.example/",
        "https://mcp.example/mcp",
        Some("read write"),
    );
    let expected = [
        ("grant_type", TOKEN_EXCHANGE),
        ("requested_token_type", ID_JAG),
        ("audience", "https://auth.example/"),
        ("resource", "https://mcp.example/mcp"),
        ("scope", "read write"),
        ("subject_token", "eyJ.id.token"),
        ("subject_token_type", ID_TOKEN),
        ("client_id", "claw-at-idp"),
    ];
    assert_eq!(
        pairs(&form),
        expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    );
    // A confidential client at the IdP sends its secret in the form; no scope, none asked.
    let form = pairs(&exchange_form(
        &idp(Some("s3"), endpoint),
        "t",
        "a",
        "r",
        None,
    ));
    assert!(form.contains(&("client_secret".into(), "s3".into())));
    assert!(!form.iter().any(|(k, _)| k == "scope"));
}

#[test]
fn the_jwt_bearer_grant_presents_the_id_jag() {
    assert_eq!(
        pairs(&bearer_form("eyJ.jag", None)),
        vec![
            ("grant_type".to_string(), JWT_BEARER.to_string()),
            ("assertion".to_string(), "eyJ.jag".to_string()),
        ]
    );
    assert!(
        pairs(&bearer_form("eyJ.jag", Some("read")))
            .contains(&("scope".to_string(), "read".to_string()))
    );
}

#[test]
fn an_idp_answer_without_an_id_jag_says_why() {
    let ok = reqwest::StatusCode::OK;
    let jag = json!({"access_token": "eyJ.jag", "issued_token_type": ID_JAG, "token_type": "N_A"});
    assert_eq!(id_jag(ok, &jag).unwrap(), "eyJ.jag");
    let refused = id_jag(
        reqwest::StatusCode::BAD_REQUEST,
        &json!({"error": "invalid_grant", "error_description": "Invalid ID token"}),
    )
    .unwrap_err();
    assert_eq!(
        refused,
        "the identity provider refused the token exchange: invalid_grant: Invalid ID token \
         (the ID token may have expired: sign in to the identity provider again)"
    );
    let policy = id_jag(
        reqwest::StatusCode::FORBIDDEN,
        &json!({"error": "access_denied"}),
    )
    .unwrap_err();
    assert!(
        policy.ends_with("token exchange: access_denied"),
        "{policy}"
    );
    let bare = id_jag(reqwest::StatusCode::BAD_GATEWAY, &Value::Null).unwrap_err();
    assert!(bare.contains("HTTP 502"), "{bare}");
    let wrong = json!({"access_token": "x",
                       "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"});
    assert!(
        id_jag(ok, &wrong).unwrap_err().contains(
            "issued a urn:ietf:params:oauth:token-type:access_token instead of an ID-JAG"
        )
    );
    assert!(
        id_jag(ok, &json!({"issued_token_type": ID_JAG}))
            .unwrap_err()
            .contains("no `access_token`")
    );
}

/// One request the loopback parties received.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    authorization: Option<String>,
    form: Vec<(String, String)>,
}

/// An IdP (`/.well-known/openid-configuration`, `/idp/token`) and an authorization server
/// (`/as/token`) on 127.0.0.1; the IdP answers `idp_answer` with `idp_status`.
async fn parties(
    idp_status: &'static str,
    idp_answer: Value,
) -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (record, origin) = (seen.clone(), base.clone());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head, body) = loop {
                let n = stream.read(&mut chunk).await.unwrap_or(0);
                buf.extend_from_slice(&chunk[..n]);
                let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                    assert!(n > 0, "the request ended early");
                    continue;
                };
                let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                if buf.len() >= end + 4 + length {
                    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                    break (head, buf[end + 4..end + 4 + length].to_vec());
                }
                assert!(n > 0, "the body ended early");
            };
            let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
            let authorization = head.lines().find_map(|l| {
                l.to_lowercase()
                    .starts_with("authorization:")
                    .then(|| l["authorization:".len()..].trim().to_string())
            });
            let form =
                reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(&body)))
                    .unwrap()
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
            record.lock().unwrap().push(Received {
                path: path.clone(),
                authorization,
                form,
            });
            let (status, answer) = match path.as_str() {
                "/.well-known/openid-configuration" => (
                    "200 OK",
                    json!({"issuer": origin, "token_endpoint": format!("{origin}/idp/token")}),
                ),
                "/idp/token" => (idp_status, idp_answer.clone()),
                "/as/token" => (
                    "200 OK",
                    json!({"access_token": "mcp-token", "token_type": "Bearer", "expires_in": 600}),
                ),
                _ => ("404 Not Found", json!({})),
            };
            let body = answer.to_string();
            let reply = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes()).await;
        }
    });
    (base, seen)
}

fn enterprise_client(base: &str) -> ClientCredentials {
    ClientCredentials {
        client_id: "claw-at-mcp".into(),
        client_secret: Some("mcp-secret".into()),
        grant: Grant::CrossAppAccess,
        identity_provider: Some(Box::new(idp(None, IdpEndpoint::Issuer(base.to_string())))),
        ..ClientCredentials::default()
    }
}

fn saved_for(base: &str) -> (AuthServer, Saved) {
    let mut server = AuthServer::at_origin(base);
    server.issuer = format!("{base}/as");
    server.token_endpoint = format!("{base}/as/token");
    let saved = Saved {
        server_url: format!("{base}/mcp"),
        client_id: String::new(),
        client_secret: None,
        auth_method: String::new(),
        token_endpoint: server.token_endpoint.clone(),
        resource: Some(format!("{base}/mcp")),
        access_token: String::new(),
        refresh_token: None,
        expires_at: None,
        scope: None,
    };
    (server, saved)
}

#[tokio::test]
async fn the_id_jag_from_the_idp_is_presented_to_the_authorization_server() {
    let jag =
        json!({"access_token": "eyJ.the.jag", "issued_token_type": ID_JAG, "token_type": "N_A"});
    let (base, seen) = parties("200 OK", jag).await;
    let (server, mut saved) = saved_for(&base);
    let tokens = tokens(&enterprise_client(&base), &server, &mut saved)
        .await
        .unwrap();
    assert_eq!(tokens["access_token"], "mcp-token");
    let seen = seen.lock().unwrap().clone();
    let paths: Vec<&str> = seen.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths.last(), Some(&"/as/token"), "{paths:?}");
    let exchange = seen.iter().find(|r| r.path == "/idp/token").unwrap();
    let field = |r: &Received, k: &str| {
        r.form
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(field(exchange, "audience"), Some(format!("{base}/as")));
    assert_eq!(field(exchange, "resource"), Some(format!("{base}/mcp")));
    assert_eq!(
        field(exchange, "subject_token").as_deref(),
        Some("eyJ.id.token")
    );
    let grant = seen.iter().find(|r| r.path == "/as/token").unwrap();
    assert_eq!(field(grant, "grant_type").as_deref(), Some(JWT_BEARER));
    assert_eq!(field(grant, "assertion").as_deref(), Some("eyJ.the.jag"));
    let basic = base64::engine::general_purpose::STANDARD.encode("claw-at-mcp:mcp-secret");
    assert_eq!(grant.authorization, Some(format!("Basic {basic}")));
    assert_eq!(saved.auth_method, "client_secret_basic");
}

#[tokio::test]
async fn an_idp_that_refuses_ends_as_a_readable_error_and_nothing_reaches_the_server() {
    let refusal = json!({"error": "invalid_grant", "error_description": "Invalid ID token"});
    let (base, seen) = parties("400 Bad Request", refusal).await;
    let (server, mut saved) = saved_for(&base);
    let error = tokens(&enterprise_client(&base), &server, &mut saved)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(
            "cross-app access failed: the identity provider refused the token exchange: \
             invalid_grant: Invalid ID token"
        ),
        "{error}"
    );
    assert!(!seen.lock().unwrap().iter().any(|r| r.path == "/as/token"));
}

#[tokio::test]
async fn an_idp_without_metadata_asks_for_its_token_endpoint() {
    let (base, _) = parties("200 OK", json!({})).await;
    let error = token_endpoint(&http(), &IdpEndpoint::Issuer(format!("{base}/tenant")))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("publishes no metadata"), "{error}");
    assert!(error.contains("`tokenEndpoint`"), "{error}");
}
