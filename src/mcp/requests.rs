//! Requests an MCP server makes of claw: `elicitation/create` (a form for the user, or a page
//! for them to open) and `sampling/createMessage` (a question for the model). The server's
//! session hands each one to a queue the agent serves, during a tool call (that is when servers
//! ask) or while idle; the user answers forms and pages through the UI, and sampling runs on the
//! session's model only when the user allowed it (`allowMcpSampling`).

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::{Mutex, oneshot};

use crate::mcp::form;
use crate::mcp::url_elicitation::{self, Completions, Finished};
use crate::protocol::elicitation::{ElicitationAnswer, ElicitationRequest, UrlElicitation};
use crate::tools::{AgentServices, Asked, Cut, ModelQuestion};

/// Output tokens a sampling answer may use at most, whatever the server asks for.
const SAMPLING_MAX_TOKENS: u32 = 16_000;

/// Whether servers may have the model answer their `sampling/createMessage` requests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sampling {
    /// Declined with an error the server can show (the default).
    #[default]
    Declined,
    /// Answered by the session's model (`"allowMcpSampling": true` in the settings).
    Allowed,
}

impl Sampling {
    /// From the settings' `allowMcpSampling` value.
    pub fn from_setting(value: Option<&Value>) -> Sampling {
        match value {
            Some(Value::Bool(true)) => Sampling::Allowed,
            _ => Sampling::Declined,
        }
    }
}

/// What a server asks.
#[derive(Debug)]
pub enum ServerAsk {
    /// A form: the message, the requested schema, and its properties' names in the order the
    /// server wrote them.
    Elicit {
        message: String,
        schema: Value,
        order: Vec<String>,
    },
    /// A page to open (URL mode), and what ends the wait when the server says it is done.
    Url {
        message: String,
        page: UrlElicitation,
        finished: Finished,
    },
    /// A model answer: the `sampling/createMessage` params.
    Sample(Value),
}

/// One request waiting for claw: the answer (a result's JSON, or an error's message) goes back
/// through `reply` to the server's session.
#[derive(Debug)]
pub struct ServerRequest {
    pub server: String,
    pub ask: ServerAsk,
    reply: oneshot::Sender<Result<Value, String>>,
}

/// The queue of requests from every server of the session.
#[derive(Clone)]
pub(crate) struct ServerRequests {
    sender: UnboundedSender<ServerRequest>,
    receiver: Arc<Mutex<UnboundedReceiver<ServerRequest>>>,
    /// The URL elicitations servers said are done.
    pub(crate) completions: Completions,
}

impl Default for ServerRequests {
    fn default() -> Self {
        let (sender, receiver) = unbounded_channel();
        ServerRequests {
            sender,
            receiver: Arc::new(Mutex::new(receiver)),
            completions: Completions::default(),
        }
    }
}

impl ServerRequests {
    /// Asks on behalf of `server` and waits for the answer (Err: claw is gone).
    pub(crate) async fn ask(&self, server: &str, ask: ServerAsk) -> Result<Value, String> {
        let (reply, answer) = oneshot::channel();
        let request = ServerRequest {
            server: server.to_string(),
            ask,
            reply,
        };
        self.sender
            .send(request)
            .map_err(|_| "claw is shutting down".to_string())?;
        answer
            .await
            .unwrap_or_else(|_| Err("claw dropped the request unanswered".to_string()))
    }

    /// The next request. Cancel-safe: a request is either taken whole or left queued.
    pub(crate) async fn next(&self) -> Option<ServerRequest> {
        self.receiver.lock().await.recv().await
    }
}

/// Answers `request` with the agent's help: a form goes to the user, a sampling request to the
/// session's model when `sampling` allows it. Err: the user interrupted or claw shuts down
/// (the server is told the form was cancelled).
pub async fn answer(
    request: ServerRequest,
    agent: &mut dyn AgentServices,
    sampling: Sampling,
) -> Result<(), Cut> {
    let ServerRequest { server, ask, reply } = request;
    let (result, cut) = match ask {
        ServerAsk::Elicit {
            message,
            schema,
            order,
        } => match form::fields(&schema, &order) {
            Err(why) => (Err(format!("claw cannot show this form: {why}")), None),
            Ok(fields) => {
                let asked = ElicitationRequest {
                    id: 0,
                    server,
                    message,
                    fields,
                    url: None,
                };
                match agent.elicit(asked).await {
                    Ok(answer) => (Ok(form::result(&answer)), None),
                    Err(cut) => (Ok(form::result(&ElicitationAnswer::Cancel)), Some(cut)),
                }
            }
        },
        ServerAsk::Url {
            message,
            page,
            finished,
        } => {
            let asked = ElicitationRequest {
                id: 0,
                server,
                message,
                fields: Vec::new(),
                url: Some(page),
            };
            match agent.elicit_until(asked, finished.0).await {
                Ok(answer) => (Ok(url_elicitation::result(&answer)), None),
                Err(cut) => (
                    Ok(url_elicitation::result(&ElicitationAnswer::Cancel)),
                    Some(cut),
                ),
            }
        }
        ServerAsk::Sample(params) => match sampling {
            Sampling::Declined => (
                Err(format!(
                    "claw declines sampling requests from `{server}`: the user has not allowed \
                     them (set \"allowMcpSampling\": true in claw's settings to allow them)"
                )),
                None,
            ),
            Sampling::Allowed => {
                let model = agent.session_model();
                match agent.ask_model(question(&params)).await {
                    Ok(Ok(text)) => (Ok(sampled(&text, &model)), None),
                    Ok(Err(error)) => (Err(format!("the model failed: {error}")), None),
                    Err(cut) => (
                        Err("the user interrupted the request".to_string()),
                        Some(cut),
                    ),
                }
            }
        },
    };
    let _ = reply.send(result);
    cut.map_or(Ok(()), Err)
}

/// The one-shot question for a sampling request: its system prompt, and its messages as one
/// prompt (the question service takes a single user message).
fn question(params: &Value) -> ModelQuestion {
    let messages = params["messages"].as_array().cloned().unwrap_or_default();
    let text_of = |content: &Value| -> String {
        let blocks = match content {
            Value::Array(blocks) => blocks.clone(),
            other => vec![other.clone()],
        };
        blocks
            .iter()
            .map(|b| match b["type"].as_str() {
                Some("text") => b["text"].as_str().unwrap_or("").to_string(),
                Some(other) => format!("[{other} omitted]"),
                None => String::new(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let prompt = match messages.as_slice() {
        [only] => text_of(&only["content"]),
        many => many
            .iter()
            .map(|m| {
                let who = match m["role"].as_str() {
                    Some("assistant") => "Assistant",
                    _ => "User",
                };
                format!("{who}: {}", text_of(&m["content"]))
            })
            .collect::<Vec<_>>()
            .join("\n\n"),
    };
    let asked = params["maxTokens"].as_u64().unwrap_or(1024);
    ModelQuestion {
        model: Asked::SessionModel,
        system: params["systemPrompt"].as_str().unwrap_or("").to_string(),
        prompt,
        max_tokens: (asked.clamp(1, u64::from(SAMPLING_MAX_TOKENS))) as u32,
        server_tools: Vec::new(),
    }
}

/// The `CreateMessageResult` for the model's answer.
fn sampled(text: &str, model: &str) -> Value {
    json!({
        "role": "assistant",
        "content": {"type": "text", "text": text},
        "model": model,
        "stopReason": "endTurn",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_is_the_prompt_and_several_read_as_a_conversation() {
        let q = question(&json!({
            "messages": [{"role": "user", "content": {"type": "text", "text": "What is 2+2?"}}],
            "systemPrompt": "Be brief", "maxTokens": 100
        }));
        assert_eq!(
            (q.prompt.as_str(), q.system.as_str(), q.max_tokens),
            ("What is 2+2?", "Be brief", 100)
        );
        assert_eq!(q.model, Asked::SessionModel);
        let q = question(&json!({"maxTokens": 10_000_000, "messages": [
            {"role": "user", "content": {"type": "text", "text": "hi"}},
            {"role": "assistant", "content": [{"type": "text", "text": "hello"}, {"type": "image", "data": ""}]},
            {"role": "user", "content": {"type": "text", "text": "and?"}}
        ]}));
        assert_eq!(
            q.prompt,
            "User: hi\n\nAssistant: hello\n[image omitted]\n\nUser: and?"
        );
        assert_eq!(q.max_tokens, SAMPLING_MAX_TOKENS);
    }

    #[test]
    fn sampling_is_allowed_only_by_a_true_setting() {
        assert_eq!(
            Sampling::from_setting(Some(&json!(true))),
            Sampling::Allowed
        );
        assert_eq!(
            Sampling::from_setting(Some(&json!("yes"))),
            Sampling::Declined
        );
        assert_eq!(Sampling::from_setting(None), Sampling::Declined);
    }
}
