//! The client-credentials extension (`io.modelcontextprotocol/oauth-client-credentials`): a
//! configured machine client gets its tokens from the token endpoint with its own credentials,
//! no browser and no user: a signed JWT assertion when it has a private key, else its secret
//! (HTTP Basic unless the server takes only the form). How a configured client authenticates
//! (`authenticate`) is shared with cross-app access.

use serde_json::Value;

use super::discovery::AuthServer;
use super::tokens::token_request;
use super::{ClientCredentials, OAuthError, Saved, jwt};

/// The client-credentials grant for `client` at `server`; `saved` learns how the client
/// authenticated (so a renewal does the same) and holds the scope and resource to ask for.
pub(super) async fn tokens(
    client: &ClientCredentials,
    server: &AuthServer,
    saved: &mut Saved,
) -> Result<Value, OAuthError> {
    if client.private_key.is_none() && client.client_secret.is_none() {
        return Err(OAuthError::Token(
            "the client-credentials grant needs a client secret or a private key".into(),
        ));
    }
    let mut form = vec![("grant_type", "client_credentials".to_string())];
    authenticate(client, server, saved, &mut form)?;
    if let Some(scope) = &saved.scope {
        form.push(("scope", scope.clone()));
    }
    if let Some(resource) = &saved.resource {
        form.push(("resource", resource.clone()));
    }
    token_request(saved, form).await
}

/// How `client` authenticates at `server`'s token endpoint: `saved` learns the method (the
/// token request applies it), and a signed assertion goes into `form`. A client with neither
/// a key nor a secret names itself (`none`).
pub(super) fn authenticate(
    client: &ClientCredentials,
    server: &AuthServer,
    saved: &mut Saved,
    form: &mut Vec<(&str, String)>,
) -> Result<(), OAuthError> {
    saved.client_id = client.client_id.clone();
    saved.client_secret = client.client_secret.clone();
    saved.auth_method = match (&client.private_key, &client.client_secret) {
        (Some(key), _) => {
            let assertion = jwt::client_assertion(key, &client.client_id, &server.issuer)
                .map_err(OAuthError::Token)?;
            form.push((
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
            ));
            form.push(("client_assertion", assertion));
            "private_key_jwt"
        }
        (None, Some(_)) => {
            let post_only = !server.auth_methods.is_empty()
                && !server
                    .auth_methods
                    .iter()
                    .any(|m| m == "client_secret_basic")
                && server
                    .auth_methods
                    .iter()
                    .any(|m| m == "client_secret_post");
            if post_only {
                "client_secret_post"
            } else {
                "client_secret_basic"
            }
        }
        (None, None) => "none",
    }
    .into();
    Ok(())
}
