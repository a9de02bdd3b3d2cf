//! The `oauth` object of a remote server's entry: a client registered with the authorization
//! server beforehand, in Claude Code's names (`clientId`, `scopes`), and what claw adds for the
//! MCP client-credentials extension (`io.modelcontextprotocol/oauth-client-credentials`):
//! `grantType: "client_credentials"` with a `clientSecret` or a private key that signs a JWT
//! client assertion (RFC 7523, `private_key_jwt`); and for the enterprise-managed authorization
//! extension (cross-app access) an `identityProvider` whose ID-JAG claw presents instead of a
//! browser sign-in (`identity_provider`).

use serde_json::Value;

use super::identity_provider;
pub use super::identity_provider::{IdTokenSource, IdentityProvider, IdpEndpoint};

/// A client registered beforehand (the entry's `oauth`, or `mcpOAuth` in the settings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: Option<String>,
    /// How tokens are obtained.
    pub grant: Grant,
    /// A PKCS#8 PEM private key: claw authenticates with a signed JWT assertion
    /// (`private_key_jwt`) instead of a secret.
    pub private_key: Option<PrivateKey>,
    /// The scopes to ask for, space-separated, instead of those the metadata suggests.
    pub scopes: Option<String>,
    /// The enterprise IdP of a cross-app-access client (`Grant::CrossAppAccess`).
    pub identity_provider: Option<Box<IdentityProvider>>,
}

/// How a configured client gets its tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grant {
    /// The user signs in in the browser (authorization code with PKCE).
    #[default]
    AuthorizationCode,
    /// Machine to machine: the client's own credentials, no browser (`client_credentials`).
    ClientCredentials,
    /// Enterprise-managed (cross-app access): the user's ID token is exchanged at the IdP for
    /// an ID-JAG (RFC 8693), which the authorization server takes as a JWT bearer grant
    /// (RFC 7523); no browser.
    CrossAppAccess,
}

/// A key that signs client assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivateKey {
    pub pem: String,
    /// `ES256` (the default) or `RS256`.
    pub algorithm: String,
}

/// The entry's `oauth` object (None when it has none); `expand` expands `${VAR}` in its texts.
/// `privateKeyFile` is read here; a relative path is taken from `base` (the declaring file's
/// folder).
pub fn parse(
    entry: &Value,
    base: &std::path::Path,
    expand: &mut dyn FnMut(&str) -> String,
) -> Result<Option<ClientCredentials>, String> {
    let Some(oauth) = entry.get("oauth") else {
        return Ok(None);
    };
    let Some(object) = oauth.as_object() else {
        return Err("has an `oauth` that is not an object".into());
    };
    let identity_provider = match object.get("identityProvider") {
        None => None,
        Some(Value::Object(idp)) => {
            Some(Box::new(identity_provider::parse(idp, base, &mut *expand)?))
        }
        Some(_) => return Err("has an oauth `identityProvider` that is not an object".into()),
    };
    let mut text = |key: &str| object.get(key).and_then(Value::as_str).map(&mut *expand);
    let Some(client_id) = text("clientId").filter(|id| !id.is_empty()) else {
        return Err("has an `oauth` without a `clientId`".into());
    };
    let grant = match text("grantType").as_deref() {
        None if identity_provider.is_some() => Grant::CrossAppAccess,
        None | Some("authorization_code") => Grant::AuthorizationCode,
        Some("client_credentials") => Grant::ClientCredentials,
        Some("cross_app_access" | JWT_BEARER) => Grant::CrossAppAccess,
        Some(other) => {
            return Err(format!(
                "has an unknown oauth `grantType` `{other}` (use authorization_code, client_credentials or cross_app_access)"
            ));
        }
    };
    match (grant, &identity_provider) {
        (Grant::CrossAppAccess, None) => {
            return Err("has oauth `grantType` cross_app_access but no `identityProvider`".into());
        }
        (Grant::AuthorizationCode | Grant::ClientCredentials, Some(_)) => {
            return Err(
                "has an oauth `identityProvider`, which only `grantType` cross_app_access uses"
                    .into(),
            );
        }
        _ => {}
    }
    let algorithm = text("signingAlgorithm").unwrap_or_else(|| "ES256".into());
    if !matches!(algorithm.as_str(), "ES256" | "RS256") {
        return Err(format!(
            "has an oauth `signingAlgorithm` `{algorithm}` claw cannot sign with (use ES256 or RS256)"
        ));
    }
    let pem = match (text("privateKey"), text("privateKeyFile")) {
        (Some(pem), _) => Some(pem),
        (None, Some(file)) => {
            let path = base.join(&file);
            Some(
                std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read its oauth `privateKeyFile` {file}: {e}"))?,
            )
        }
        (None, None) => None,
    };
    let client_secret = text("clientSecret");
    if grant == Grant::ClientCredentials && client_secret.is_none() && pem.is_none() {
        return Err(
            "has oauth `grantType` client_credentials but neither a `clientSecret` nor a `privateKey`"
                .into(),
        );
    }
    Ok(Some(ClientCredentials {
        client_id,
        client_secret,
        grant,
        private_key: pem.map(|pem| PrivateKey { pem, algorithm }),
        scopes: text("scopes").filter(|s| !s.trim().is_empty()),
        identity_provider,
    }))
}

/// The JWT bearer grant's URN (RFC 7523 section 2.1), also taken as the `grantType` of
/// cross-app access.
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(entry: Value) -> Result<Option<ClientCredentials>, String> {
        parse(&entry, std::path::Path::new("/"), &mut |s: &str| {
            s.replace("${SECRET}", "s3")
        })
    }

    #[test]
    fn the_entry_names_a_client_and_how_it_gets_tokens() {
        assert_eq!(read(json!({"url": "x"})), Ok(None));
        let browser = read(json!({"oauth": {"clientId": "abc", "scopes": "read write"}}))
            .unwrap()
            .unwrap();
        assert_eq!(browser.grant, Grant::AuthorizationCode);
        assert_eq!(browser.scopes.as_deref(), Some("read write"));
        let machine = read(
            json!({"oauth": {"clientId": "svc", "clientSecret": "${SECRET}",
                                             "grantType": "client_credentials"}}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(machine.grant, Grant::ClientCredentials);
        assert_eq!(machine.client_secret.as_deref(), Some("s3"));
        let signed = read(
            json!({"oauth": {"clientId": "svc", "grantType": "client_credentials",
                                            "privateKey": "-----BEGIN PRIVATE KEY-----"}}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(signed.private_key.unwrap().algorithm, "ES256");
    }

    #[test]
    fn a_broken_oauth_object_says_what_is_wrong() {
        assert!(
            read(json!({"oauth": "abc"}))
                .unwrap_err()
                .contains("not an object")
        );
        assert!(read(json!({"oauth": {}})).unwrap_err().contains("clientId"));
        assert!(
            read(json!({"oauth": {"clientId": "a", "grantType": "password"}}))
                .unwrap_err()
                .contains("password")
        );
        assert!(
            read(json!({"oauth": {"clientId": "a", "grantType": "client_credentials"}}))
                .unwrap_err()
                .contains("neither")
        );
        assert!(
            read(
                json!({"oauth": {"clientId": "a", "privateKey": "k", "signingAlgorithm": "HS256"}})
            )
            .unwrap_err()
            .contains("HS256")
        );
    }

    #[test]
    fn an_identity_provider_makes_the_client_use_cross_app_access() {
        let idp = json!({"tokenEndpoint": "https://idp.example/token", "clientId": "at-idp",
                         "idToken": "eyJ"});
        let inferred = read(
            json!({"oauth": {"clientId": "at-mcp", "clientSecret": "${SECRET}",
                                             "identityProvider": idp}}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(inferred.grant, Grant::CrossAppAccess);
        assert_eq!(inferred.client_secret.as_deref(), Some("s3"));
        assert_eq!(inferred.identity_provider.unwrap().client_id, "at-idp");
        for named in ["cross_app_access", JWT_BEARER] {
            let explicit = read(json!({"oauth": {"clientId": "c", "grantType": named,
                                                 "identityProvider": idp}}))
            .unwrap()
            .unwrap();
            assert_eq!(explicit.grant, Grant::CrossAppAccess);
        }
        let without =
            read(json!({"oauth": {"clientId": "c", "grantType": "cross_app_access"}})).unwrap_err();
        assert!(without.contains("no `identityProvider`"), "{without}");
        let mixed = read(json!({"oauth": {"clientId": "c", "clientSecret": "s",
                                          "grantType": "client_credentials",
                                          "identityProvider": idp}}))
        .unwrap_err();
        assert!(
            mixed.contains("only `grantType` cross_app_access"),
            "{mixed}"
        );
        let broken =
            read(json!({"oauth": {"clientId": "c", "identityProvider": "idp"}})).unwrap_err();
        assert!(broken.contains("not an object"), "{broken}");
        let incomplete = read(json!({"oauth": {"clientId": "c",
                                               "identityProvider": {"clientId": "x"}}}))
        .unwrap_err();
        assert!(incomplete.contains("tokenEndpoint"), "{incomplete}");
    }
}
