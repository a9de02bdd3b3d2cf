//! claw's MCP client as the conformance suite (`@modelcontextprotocol/conformance client
//! --command …`) drives it: `mcp_conformance_client URL` connects to the scenario's server over
//! streamable HTTP with claw's own client (`claw::mcp`), signs in when the server answers 401
//! (the "browser" follows the authorization URL), calls every tool the server offers, and
//! answers forms the way a user who accepts the pre-filled defaults would. Exit 0 when it got
//! through, 1 with the reason on stderr otherwise.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use claw::app::elicitation::{ElicitationForm, FormAction};
use claw::config::mcp::{Approval, McpScope, McpServerConfig, McpTransport};
use claw::mcp::oauth::{
    AuthSettings, Browser, ClientCredentials, Grant, IdTokenSource, IdentityProvider, IdpEndpoint,
    PrivateKey,
};
use claw::mcp::{McpOptions, McpServers, Sampling, ServerState};
use claw::protocol::elicitation::{ElicitationAnswer, ElicitationRequest};
use claw::tools::{AgentServices, Cut, ModelQuestion, SubagentEnd, ToolContext};
use crossterm::event::{KeyCode, KeyEvent};
use futures::future::BoxFuture;
use serde_json::{Map, Value, json};

/// Answers what servers ask: forms accepted as pre-filled; there is no model here.
struct Answers;

impl AgentServices for Answers {
    fn interrupted(&mut self) -> BoxFuture<'_, Cut> {
        Box::pin(std::future::pending())
    }
    fn ask_model(
        &mut self,
        _: ModelQuestion,
    ) -> BoxFuture<'_, Result<Result<String, String>, Cut>> {
        Box::pin(async { Ok(Err("no model in the conformance client".to_string())) })
    }
    fn run_subagent(
        &mut self,
        _: String,
        _: Option<String>,
    ) -> BoxFuture<'_, Result<SubagentEnd, Cut>> {
        Box::pin(async { Ok(SubagentEnd::Failed) })
    }
    fn ask_user(
        &mut self,
        _: Vec<claw::protocol::Question>,
    ) -> BoxFuture<'_, Result<claw::protocol::Decision, Cut>> {
        Box::pin(async { Ok(claw::protocol::Decision::Deny) })
    }
    fn elicit(
        &mut self,
        request: ElicitationRequest,
    ) -> BoxFuture<'_, Result<ElicitationAnswer, Cut>> {
        Box::pin(async move {
            // The form as the dialog shows it, then Shift+Tab to the buttons and Enter: Accept.
            let mut form = ElicitationForm::new(request);
            form.on_key(&KeyEvent::from(KeyCode::BackTab));
            Ok(match form.on_key(&KeyEvent::from(KeyCode::Enter)) {
                FormAction::Answered(answer) => answer,
                FormAction::Editing => ElicitationAnswer::Decline,
            })
        })
    }
    fn session_model(&self) -> String {
        "none".into()
    }
}

/// Arguments from a tool's schema: numbers 1, strings "test", booleans true.
fn arguments(schema: &Value) -> Value {
    let mut args = Map::new();
    if let Some(properties) = schema["properties"].as_object() {
        for (name, property) in properties {
            let value = match property["type"].as_str() {
                Some("number" | "integer") => json!(1),
                Some("boolean") => json!(true),
                Some("string") => json!("test"),
                _ => continue,
            };
            args.insert(name.clone(), value);
        }
    }
    Value::Object(args)
}

fn fail(why: impl std::fmt::Display) -> ! {
    eprintln!("mcp_conformance_client: {why}");
    std::process::exit(1)
}

#[tokio::main]
async fn main() {
    let Some(url) = std::env::args().nth(1) else {
        fail("usage: mcp_conformance_client URL");
    };
    let context: Value = std::env::var("MCP_CONFORMANCE_CONTEXT")
        .ok()
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or_default();
    // The client the scenario registered beforehand; the client-credentials scenarios expect
    // the machine grant (as a server entry's `"oauth": {"grantType": "client_credentials"}`).
    let machine = context["name"]
        .as_str()
        .is_some_and(|n| n.starts_with("auth/client-credentials"));
    // Cross-app access (`auth/cross-app-access-complete-flow`): the IdP's token endpoint, claw's
    // client there and the user's ID token, as an entry's `oauth.identityProvider` names them.
    let text = |key: &str| context[key].as_str().unwrap_or_default().to_string();
    let identity_provider = context["idp_token_endpoint"].as_str().map(|endpoint| {
        Box::new(IdentityProvider {
            endpoint: IdpEndpoint::TokenEndpoint(endpoint.to_string()),
            client_id: text("idp_client_id"),
            client_secret: None,
            id_token: IdTokenSource::Text(text("idp_id_token")),
        })
    });
    // The client ID metadata document the suite pretends claw hosts (`auth/basic-cimd`, a
    // scenario without a context: its name comes alone).
    let scenario = std::env::var("MCP_CONFORMANCE_SCENARIO").unwrap_or_default();
    let client_id = match scenario.as_str() {
        "auth/basic-cimd" => Some("https://conformance-test.local/client-metadata.json"),
        _ => context["client_id"].as_str(),
    };
    let clients = match client_id {
        Some(id) => vec![(
            "server".to_string(),
            ClientCredentials {
                client_id: id.to_string(),
                client_secret: context["client_secret"].as_str().map(str::to_string),
                grant: match (machine, &identity_provider) {
                    (_, Some(_)) => Grant::CrossAppAccess,
                    (true, None) => Grant::ClientCredentials,
                    (false, None) => Grant::AuthorizationCode,
                },
                private_key: context["private_key_pem"].as_str().map(|pem| PrivateKey {
                    pem: pem.to_string(),
                    algorithm: context["signing_algorithm"]
                        .as_str()
                        .unwrap_or("ES256")
                        .to_string(),
                }),
                scopes: None,
                identity_provider,
            },
        )],
        None => Vec::new(),
    };
    let store = std::env::temp_dir().join(format!("claw-conformance-{}", std::process::id()));
    let browser = Browser::With(Arc::new(|url: String| {
        tokio::spawn(async move {
            if let Err(e) = reqwest::get(&url).await {
                eprintln!("the browser step failed: {e}");
            }
        });
    }));
    let auth = AuthSettings {
        dir: Some(store.clone()),
        browser,
        clients,
    };
    let config = McpServerConfig {
        name: "server".into(),
        transport: McpTransport::Http {
            url,
            headers: Vec::new(),
            oauth: None,
        },
        source: PathBuf::from("conformance"),
        scope: McpScope::Local,
    };
    let options = McpOptions {
        connect_timeout: Duration::from_secs(20),
        ..McpOptions::default()
    };
    let mcp = McpServers::start_with_auth(
        vec![(config, Approval::Approved)],
        std::env::temp_dir(),
        options,
        auth,
    );
    let serving = mcp.clone();
    tokio::spawn(async move {
        while let Some(request) = serving.next_request().await {
            let _ = claw::mcp::answer_request(request, &mut Answers, Sampling::Declined).await;
        }
    });
    let outcome = run(&mcp).await;
    let _ = std::fs::remove_dir_all(&store);
    if let Err(why) = outcome {
        fail(why);
    }
}

async fn run(mcp: &McpServers) -> Result<(), String> {
    let state = settle(mcp).await;
    let state = match state {
        ServerState::NeedsAuth => {
            mcp.authenticate("server")?;
            settle(mcp).await
        }
        other => other,
    };
    if state != ServerState::Ready {
        return Err(format!("the server is {}", state.label()));
    }
    let ctx = ToolContext::new(std::env::temp_dir());
    for tool in mcp
        .tools()
        .into_iter()
        .filter(|t| t.name().starts_with("mcp__"))
    {
        let args = arguments(&tool.input_schema());
        match tool.run(args, &ctx, Arc::new(|_| {})).await {
            Ok(output) => println!("{}: {}", tool.name(), output.content),
            Err(e) => println!("{}: error: {e}", tool.name()),
        }
    }
    Ok(())
}

/// Waits until the server is no longer connecting or signing in.
async fn settle(mcp: &McpServers) -> ServerState {
    let mut changes = mcp.subscribe();
    let wait = async {
        loop {
            let state = mcp.statuses()[0].state.clone();
            if !matches!(state, ServerState::Connecting | ServerState::SigningIn(_)) {
                return state;
            }
            if changes.changed().await.is_err() {
                return state;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .unwrap_or_else(|_| ServerState::Failed("no answer within 60 s".into()))
}
