//! The client-credentials extension (`io.modelcontextprotocol/oauth-client-credentials`): a
//! configured machine client gets its tokens from the token endpoint with its own credentials,
//! no browser and no user: a signed JWT assertion when it has a private key, else its secret
//! (HTTP Basic unless the server takes only the form).

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
    saved.client_id = client.client_id.clone();
    saved.client_secret = client.client_secret.clone();
    let mut form = vec![("grant_type", "client_credentials".to_string())];
    match (&client.private_key, &client.client_secret) {
        (Some(key), _) => {
            let assertion = jwt::client_assertion(key, &client.client_id, &server.issuer)
                .map_err(OAuthError::Token)?;
            saved.auth_method = "private_key_jwt".into();
            form.push((
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
            ));
            form.push(("client_assertion", assertion));
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
            saved.auth_method = if post_only {
                "client_secret_post"
            } else {
                "client_secret_basic"
            }
            .into();
        }
        (None, None) => {
            return Err(OAuthError::Token(
                "the client-credentials grant needs a client secret or a private key".into(),
            ));
        }
    }
    if let Some(scope) = &saved.scope {
        form.push(("scope", scope.clone()));
    }
    if let Some(resource) = &saved.resource {
        form.push(("resource", resource.clone()));
    }
    token_request(saved, form).await
}
