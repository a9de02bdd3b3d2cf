//! The `identityProvider` of a server entry's `oauth` (the MCP enterprise-managed authorization
//! extension, `io.modelcontextprotocol/enterprise-managed-authorization`, "cross-app access"):
//! the enterprise IdP where claw trades the user's ID token for an ID-JAG, claw's client there,
//! and where the ID token comes from.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The enterprise identity provider of a cross-app-access client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityProvider {
    pub endpoint: IdpEndpoint,
    /// claw's client at the IdP (the one the user signed in to with single sign-on).
    pub client_id: String,
    pub client_secret: Option<String>,
    pub id_token: IdTokenSource,
}

/// Where the token exchange is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdpEndpoint {
    /// The IdP's token endpoint, as configured.
    TokenEndpoint(String),
    /// The IdP's issuer: its token endpoint comes from its metadata
    /// (`/.well-known/openid-configuration` or `/.well-known/oauth-authorization-server`).
    Issuer(String),
}

/// Where the user's ID token comes from; read at every sign-in, so a renewed token is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdTokenSource {
    /// Given in the entry (usually `${VAR}`).
    Text(String),
    /// A file that holds it (a single-sign-on helper keeps it fresh).
    File(PathBuf),
    /// A shell command that prints it.
    Command(String),
}

/// The `identityProvider` object of an `oauth` object; `base` is the declaring file's folder.
pub fn parse(
    object: &Map<String, Value>,
    base: &Path,
    expand: &mut dyn FnMut(&str) -> String,
) -> Result<IdentityProvider, String> {
    let mut text = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .map(&mut *expand)
            .filter(|t| !t.trim().is_empty())
    };
    let endpoint = match (text("tokenEndpoint"), text("issuer")) {
        (Some(url), _) => IdpEndpoint::TokenEndpoint(url),
        (None, Some(issuer)) => IdpEndpoint::Issuer(issuer),
        (None, None) => {
            return Err(
                "has an oauth `identityProvider` without a `tokenEndpoint` or an `issuer`".into(),
            );
        }
    };
    let Some(client_id) = text("clientId") else {
        return Err("has an oauth `identityProvider` without a `clientId`".into());
    };
    let id_token = match (text("idToken"), text("idTokenFile"), text("idTokenCommand")) {
        (Some(token), None, None) => IdTokenSource::Text(token.trim().to_string()),
        (None, Some(file), None) => IdTokenSource::File(base.join(file)),
        (None, None, Some(command)) => IdTokenSource::Command(command),
        (None, None, None) => {
            return Err(
                "has an oauth `identityProvider` without an `idToken`, `idTokenFile` or `idTokenCommand`"
                    .into(),
            );
        }
        _ => {
            return Err(
                "has an oauth `identityProvider` with more than one of `idToken`, `idTokenFile` and `idTokenCommand`"
                    .into(),
            );
        }
    };
    Ok(IdentityProvider {
        endpoint,
        client_id,
        client_secret: text("clientSecret"),
        id_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> Result<IdentityProvider, String> {
        let object = value.as_object().unwrap().clone();
        parse(&object, Path::new("/etc/claw"), &mut |s: &str| {
            s.replace("${ID}", "eyJ.id.token")
        })
    }

    #[test]
    fn an_identity_provider_names_its_endpoint_client_and_id_token() {
        let idp = read(json!({"tokenEndpoint": "https://idp.example/token",
                              "clientId": "claw-at-idp", "idToken": "${ID}"}))
        .unwrap();
        assert_eq!(
            idp.endpoint,
            IdpEndpoint::TokenEndpoint("https://idp.example/token".into())
        );
        assert_eq!(idp.client_id, "claw-at-idp");
        assert_eq!(idp.client_secret, None);
        assert_eq!(idp.id_token, IdTokenSource::Text("eyJ.id.token".into()));
        let discovered = read(json!({"issuer": "https://idp.example", "clientId": "c",
                                     "clientSecret": "s", "idTokenFile": "id.jwt"}))
        .unwrap();
        assert_eq!(
            discovered.endpoint,
            IdpEndpoint::Issuer("https://idp.example".into())
        );
        assert_eq!(discovered.client_secret.as_deref(), Some("s"));
        assert_eq!(
            discovered.id_token,
            IdTokenSource::File(PathBuf::from("/etc/claw/id.jwt"))
        );
        let command = read(json!({"issuer": "https://idp.example", "clientId": "c",
                                  "idTokenCommand": "sso-helper print-id-token"}))
        .unwrap();
        assert_eq!(
            command.id_token,
            IdTokenSource::Command("sso-helper print-id-token".into())
        );
    }

    #[test]
    fn a_broken_identity_provider_says_what_is_missing() {
        let no_endpoint = read(json!({"clientId": "c", "idToken": "t"})).unwrap_err();
        assert!(no_endpoint.contains("tokenEndpoint"), "{no_endpoint}");
        let no_client = read(json!({"issuer": "i", "idToken": "t"})).unwrap_err();
        assert!(no_client.contains("clientId"), "{no_client}");
        let no_token = read(json!({"issuer": "i", "clientId": "c"})).unwrap_err();
        assert!(no_token.contains("idTokenFile"), "{no_token}");
        let two = read(json!({"issuer": "i", "clientId": "c", "idToken": "t",
                              "idTokenFile": "f"}))
        .unwrap_err();
        assert!(two.contains("more than one"), "{two}");
    }
}
