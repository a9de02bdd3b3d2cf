//! One tool an MCP server offers, as a claw [`Tool`]: named `mcp__<server>__<tool>`, with the
//! server's description and schema, asking first unless the server marks it `readOnlyHint`.
//! A call is a `tools/call` request; dropping it (Esc, a timeout) sends
//! `notifications/cancelled`, and the server's progress notifications feed the activity line.
//! A call the server refuses until the user opens its pages (-32042) is made again once they
//! did (`url_required.rs`).

use std::borrow::Cow;
use std::sync::Arc;

use futures::future::BoxFuture;
use rmcp::Peer;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CancelledNotification, ClientNotification,
    ClientRequest, RequestId,
};
use rmcp::service::{PeerRequestOptions, RoleClient};
use serde_json::Value;

use crate::mcp::McpOptions;
use crate::mcp::connect::StderrTail;
use crate::mcp::handler::{ProgressMap, token_key};
use crate::mcp::oauth::Credentials;
use crate::mcp::requests::ServerRequests;
use crate::mcp::url_required::{Opened, PagesRequired};
use crate::protocol::ApprovalPreview;
use crate::tools::{ProgressSink, Risk, Tool, ToolCall, ToolContext, ToolError, ToolOutput};

/// The API's limit on a tool name.
const MAX_NAME: usize = 64;

/// `mcp__<server>__<tool>` with characters outside `[A-Za-z0-9_-]` as `_`; a name over 64
/// characters keeps its start and ends with a hash of the whole, so it stays unique and the
/// same from one session to the next.
pub fn tool_name(server: &str, tool: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let full = format!("mcp__{}__{}", clean(server), clean(tool));
    if full.len() <= MAX_NAME {
        return full;
    }
    // FNV-1a over the untruncated name: stable across runs and builds, unlike std's hasher.
    let hash = full.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let suffix = format!("_{:08x}", hash as u32);
    format!("{}{suffix}", &full[..MAX_NAME - suffix.len()])
}

/// What a tool needs of its server's session.
pub(crate) struct Link {
    pub server: String,
    pub peer: Peer<RoleClient>,
    pub progress: ProgressMap,
    pub stderr: StderrTail,
    pub options: McpOptions,
    /// Where the servers' requests (forms, sampling) wait; a call serves them while it runs.
    pub requests: ServerRequests,
    /// The server's sign-in (a remote server claw signs in to).
    pub credentials: Option<Arc<Credentials>>,
}

pub(crate) struct McpTool {
    pub name: String,
    /// The name the server knows it by.
    pub remote: String,
    pub description: String,
    pub schema: Value,
    pub read_only: bool,
    pub link: Arc<Link>,
}

impl McpTool {
    /// The tool a `tools/list` entry describes.
    pub fn from_listing(entry: &Value, link: Arc<Link>) -> Option<McpTool> {
        let remote = entry["name"].as_str()?.to_string();
        let mut schema = entry
            .get("inputSchema")
            .filter(|s| s.is_object())
            .cloned()
            .unwrap_or_else(|| serde_json::json!({"type": "object"}));
        // The API wants an object schema; some servers leave out the type.
        if schema.get("type").is_none() {
            schema["type"] = "object".into();
        }
        Some(McpTool {
            name: tool_name(&link.server, &remote),
            description: entry["description"].as_str().unwrap_or("").to_string(),
            read_only: entry["annotations"]["readOnlyHint"].as_bool() == Some(true),
            remote,
            schema,
            link,
        })
    }
}

/// Sends `notifications/cancelled` for a call dropped before its answer came.
struct CancelOnDrop {
    peer: Peer<RoleClient>,
    id: Option<RequestId>,
    progress: ProgressMap,
    token: String,
}

impl CancelOnDrop {
    fn answered(&mut self) {
        self.id = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Ok(mut routes) = self.progress.lock() {
            routes.remove(&self.token);
        }
        let Some(id) = self.id.take() else {
            return;
        };
        let peer = self.peer.clone();
        let notification: Result<CancelledNotification, _> =
            serde_json::from_value(serde_json::json!({
                "method": "notifications/cancelled",
                "params": {"requestId": id, "reason": "cancelled by the user"},
            }));
        if let (Ok(handle), Ok(notification)) =
            (tokio::runtime::Handle::try_current(), notification)
        {
            handle.spawn(async move {
                let _ = peer
                    .send_notification(ClientNotification::CancelledNotification(notification))
                    .await;
            });
        }
    }
}

impl Tool for McpTool {
    fn name(&self) -> Cow<'static, str> {
        Cow::Owned(self.name.clone())
    }

    fn description(&self) -> Cow<'static, str> {
        Cow::Owned(self.description.clone())
    }

    fn input_schema(&self) -> Value {
        self.schema.clone()
    }

    fn risk(&self) -> Risk {
        if self.read_only {
            Risk::ReadOnly
        } else {
            Risk::Mutating
        }
    }

    fn summarize(&self, input: &Value) -> String {
        let text = match input {
            Value::Object(map) if map.is_empty() => String::new(),
            other => other.to_string(),
        };
        let mut short: String = text.chars().take(80).collect();
        if short.len() < text.len() {
            short.push('…');
        }
        short
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        if !input.is_object() {
            return Err(ToolError::InvalidInput(
                "the input must be a JSON object".into(),
            ));
        }
        Ok(ApprovalPreview::Command {
            command: format!(
                "{} {}",
                self.remote,
                serde_json::to_string_pretty(input).unwrap_or_default()
            ),
            description: Some(format!("MCP server `{}`", self.link.server)),
        })
    }

    /// The call's work, cut short by an interrupt; meanwhile the requests servers make (a form
    /// for the user, a sampling request: what a server asks in the middle of a call) are served
    /// through the agent, while the call waits for its answer. A server that asks for pages to
    /// be opened first has them shown, then gets the call once more.
    fn call<'a>(
        &'a self,
        input: Value,
        call: &'a mut ToolCall<'_>,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let server = &self.link.server;
            let first = self.attempt(input.clone(), call.progress.clone());
            let required = match self.serving(first, call).await? {
                Attempt::Answered(output) => return Ok(output),
                Attempt::PagesRequired(required) if !required.showable() => {
                    return Err(ToolError::Failed(required.unshowable(server)));
                }
                Attempt::PagesRequired(required) => required,
            };
            match required.open(&self.link, &mut *call.agent).await? {
                Opened::All => {}
                Opened::Refused(why) => return Err(ToolError::Failed(why)),
            }
            let again = self.attempt(input, call.progress.clone());
            match self.serving(again, call).await? {
                Attempt::Answered(output) => Ok(output),
                Attempt::PagesRequired(still) => {
                    Err(ToolError::Failed(still.still_required(server)))
                }
            }
        })
    }

    fn run<'a>(
        &'a self,
        input: Value,
        _ctx: &'a ToolContext,
        progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            match self.attempt(input, progress).await? {
                Attempt::Answered(output) => Ok(output),
                Attempt::PagesRequired(required) => {
                    Err(ToolError::Failed(required.not_shown(&self.link.server)))
                }
            }
        })
    }
}

/// How one `tools/call` ended, when the server answered.
enum Attempt {
    Answered(ToolOutput),
    /// The server wants the user to open pages first.
    PagesRequired(PagesRequired),
}

impl McpTool {
    /// `work` to its end, serving the server's requests meanwhile; an interrupt drops it.
    async fn serving<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, ToolError>>,
        call: &mut ToolCall<'_>,
    ) -> Result<T, ToolError> {
        tokio::pin!(work);
        let requests = self.link.requests.clone();
        let sampling = self.link.options.sampling;
        loop {
            tokio::select! {
                out = &mut work => return out,
                cut = call.agent.interrupted() => return Err(cut.into()),
                Some(request) = requests.next() => {
                    crate::mcp::requests::answer(request, &mut *call.agent, sampling).await?;
                }
            }
        }
    }

    /// One `tools/call` with `input`, to its answer or its timeout.
    async fn attempt(&self, input: Value, progress: ProgressSink) -> Result<Attempt, ToolError> {
        let link = &self.link;
        let params: CallToolRequestParams =
            serde_json::from_value(serde_json::json!({"name": self.remote, "arguments": input}))
                .map_err(|e| ToolError::InvalidInput(e.to_string()))?;
        let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
        let handle = link
            .peer
            .send_cancellable_request(request, PeerRequestOptions::no_options())
            .await
            .map_err(|e| self.failure(&e.to_string()))?;
        let token = token_key(&handle.progress_token);
        if let Ok(mut routes) = link.progress.lock() {
            routes.register(token.clone(), progress.clone());
        }
        let mut guard = CancelOnDrop {
            peer: link.peer.clone(),
            id: Some(handle.id.clone()),
            progress: link.progress.clone(),
            token,
        };
        let timeout = link.options.tool_timeout;
        let answered = tokio::time::timeout(timeout, handle.await_response());
        let answer = match self.waiting_for_sign_in(answered, &progress).await {
            Ok(answer) => answer,
            // The guard cancels the call on the server when it goes.
            Err(_) => {
                return Err(ToolError::Timeout {
                    ms: timeout.as_millis() as u64,
                });
            }
        };
        guard.answered();
        let answer = match answer {
            Ok(answer) => answer,
            Err(rmcp::ServiceError::McpError(error)) => {
                return match PagesRequired::from_error(&error) {
                    Some(required) => Ok(Attempt::PagesRequired(required)),
                    None => Err(self.failure(&rmcp::ServiceError::McpError(error).to_string())),
                };
            }
            Err(other) => return Err(self.failure(&other.to_string())),
        };
        let value = serde_json::to_value(&answer).unwrap_or_default();
        crate::mcp::result::tool_output(&value, link.options.max_output_tokens)
            .map(Attempt::Answered)
    }
}

impl McpTool {
    /// `answered`, telling the call's activity line while the server's sign-in waits for the
    /// user in the browser (a step-up: the call goes on once they signed in; Esc cancels it).
    async fn waiting_for_sign_in<T>(
        &self,
        answered: impl std::future::Future<Output = T>,
        progress: &ProgressSink,
    ) -> T {
        let Some(credentials) = &self.link.credentials else {
            return answered.await;
        };
        let mut signing_in = credentials.signing_in();
        let server = &self.link.server;
        let tell = async {
            loop {
                if signing_in.changed().await.is_err() {
                    return std::future::pending().await;
                }
                let url = signing_in.borrow_and_update().clone();
                progress(match url {
                    Some(url) => format!(
                        "waiting for you to sign in to `{server}` in the browser (it asks for more permissions; Esc cancels): {url}\n"
                    ),
                    None => "signed in; the call goes on\n".to_string(),
                });
            }
        };
        tokio::select! {
            out = answered => out,
            never = tell => never,
        }
    }

    /// A failed call, with why the server's sign-in failed and its last stderr lines when
    /// there are any.
    fn failure(&self, error: &str) -> ToolError {
        let tail = self.link.stderr.text();
        let error = match self
            .link
            .credentials
            .as_ref()
            .and_then(|c| c.take_problem())
        {
            Some(problem) => format!("{problem} ({error})"),
            None => error.to_string(),
        };
        let mut message = format!("MCP server `{}`: {error}", self.link.server);
        if !tail.is_empty() {
            message.push_str(&format!("\nIts last stderr lines:\n{tail}"));
        }
        ToolError::Failed(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitised_and_long_ones_shortened_deterministically() {
        assert_eq!(tool_name("everything", "echo"), "mcp__everything__echo");
        assert_eq!(
            tool_name("my server", "get-annotated.message"),
            "mcp__my_server__get-annotated_message"
        );
        let long = tool_name(
            "a-very-long-server-name-indeed",
            "and_an_even_longer_tool_name_than_that",
        );
        assert_eq!(long.len(), 64);
        assert!(long.starts_with("mcp__a-very-long-server-name-indeed__and_an_even_lon"));
        assert_eq!(
            long,
            tool_name(
                "a-very-long-server-name-indeed",
                "and_an_even_longer_tool_name_than_that"
            )
        );
        let other = tool_name(
            "a-very-long-server-name-indeed",
            "and_an_even_longer_tool_name_than_this",
        );
        assert_ne!(
            long, other,
            "the hash tells apart names with the same start"
        );
        assert_eq!(
            tool_name("s", &"x".repeat(59)).len(),
            64,
            "over 64 is shortened to 64"
        );
        assert_eq!(
            tool_name("s", &"x".repeat(56)),
            format!("mcp__s__{}", "x".repeat(56))
        );
    }
}
