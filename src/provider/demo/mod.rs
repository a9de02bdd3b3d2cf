//! The built-in `demo` provider: a scripted model, in-process, with no network and no key, so a
//! newcomer sees the whole product (streaming markdown, tool calls, a diff to approve) before
//! configuring anything. It plays `script` (the same one `examples/demo_server.rs` serves),
//! streaming each answer in small paced pieces as a server would.

pub mod script;

use std::time::Duration;

use futures::future::BoxFuture;

use crate::provider::{
    ChatRequest, Completed, ContentBlock, Endpoint, Images, Message, ModelFacts, Provider,
    ProviderError, RemoteModel, Role, StopReason, StreamEvent, Usage,
};
use script::{Said, Scripted, ToolResult};

/// The demo's one model.
pub const MODEL: &str = "demo";
/// How long the demo waits between two streamed pieces, like a server streaming events.
pub const PACE: Duration = Duration::from_millis(15);
/// The characters in one streamed piece.
const PIECE: usize = 12;
/// What the demo says it can read (nothing is counted: it is a script).
const CONTEXT_WINDOW: u64 = 200_000;

/// The scripted model.
pub struct Demo {
    pace: Duration,
}

impl Demo {
    /// The demo at a server's pace.
    pub fn new() -> Self {
        Demo { pace: PACE }
    }

    /// The demo streaming at `pace` (tests use zero).
    pub fn with_pace(pace: Duration) -> Self {
        Demo { pace }
    }
}

impl Default for Demo {
    fn default() -> Self {
        Demo::new()
    }
}

/// What the script reads from claw's conversation: the last message's tool results, or the
/// user's words in it.
pub fn said(messages: &[Message]) -> Said {
    let serial = messages.len();
    let Some(last) = messages.last().filter(|m| m.role == Role::User) else {
        return Said {
            serial,
            ..Said::default()
        };
    };
    let results: Vec<ToolResult> = last
        .content
        .iter()
        .filter_map(|block| match block {
            ContentBlock::ToolResult {
                tool_use_id,
                content,
                is_error,
                ..
            } => Some(ToolResult {
                call_id: tool_use_id.clone(),
                is_error: *is_error,
                content: content.clone(),
            }),
            _ => None,
        })
        .collect();
    let prompt = last
        .content
        .iter()
        .filter_map(|block| match block {
            ContentBlock::Text { text } => script::user_words(text),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    Said {
        prompt,
        results,
        serial,
    }
}

/// Splits `text` into pieces of about `size` characters (on character boundaries).
fn pieces(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(size.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

impl Provider for Demo {
    fn stream<'a>(
        &'a self,
        request: &'a ChatRequest,
        on_event: &'a mut (dyn FnMut(StreamEvent) + Send),
    ) -> BoxFuture<'a, Result<Completed, ProviderError>> {
        Box::pin(async move {
            let Scripted { text, call } = script::reply(&said(&request.messages));
            // Dropping this future (Esc) stops the stream between two pieces.
            for piece in pieces(&text, PIECE) {
                if !self.pace.is_zero() {
                    tokio::time::sleep(self.pace).await;
                }
                on_event(StreamEvent::TextDelta(piece));
            }
            let mut content = Vec::new();
            if !text.is_empty() {
                content.push(ContentBlock::Text { text });
            }
            let stop_reason = match call {
                Some(call) => {
                    on_event(StreamEvent::ToolUseStarted {
                        id: call.id.clone(),
                        name: call.name.clone(),
                    });
                    content.push(ContentBlock::ToolUse {
                        id: call.id,
                        name: call.name,
                        input: call.input,
                    });
                    StopReason::ToolUse
                }
                None => StopReason::EndTurn,
            };
            Ok(Completed {
                message: Message {
                    role: Role::Assistant,
                    content,
                },
                stop_reason,
                // A script reads and writes no tokens.
                usage: Usage::default(),
            })
        })
    }

    fn list_models(&self) -> BoxFuture<'_, Result<Vec<RemoteModel>, ProviderError>> {
        Box::pin(async {
            Ok(vec![RemoteModel {
                id: MODEL.into(),
                display_name: "Scripted demo (offline)".into(),
                context_window: Some(CONTEXT_WINDOW),
            }])
        })
    }

    fn model_facts<'a>(&'a self, _model: &'a str) -> BoxFuture<'a, ModelFacts> {
        Box::pin(async {
            ModelFacts {
                context_window: Some(CONTEXT_WINDOW),
                // A script reads no pictures.
                prices: None,
                images: Some(Images::Refused),
                reasoning: Some(false),
            }
        })
    }

    fn describe(&self) -> Endpoint {
        // No address: /doctor reports a built-in provider that needs no network.
        Endpoint {
            base_url: String::new(),
            wire: "the built-in scripted demo",
            credential: String::new(),
            key_hint: String::new(),
            official: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Thinking;

    fn request(messages: Vec<Message>) -> ChatRequest {
        ChatRequest {
            model: MODEL.into(),
            max_tokens: 1000,
            system: String::new(),
            messages,
            tools: Vec::new(),
            server_tools: Vec::new(),
            thinking: Thinking::OFF,
            images: crate::provider::Images::Refused,
            raw_events: crate::provider::RawEvents::Off,
        }
    }

    #[tokio::test]
    async fn hello_streams_markdown_in_pieces_then_calls_glob() {
        let demo = Demo::with_pace(Duration::ZERO);
        let mut shown = Vec::new();
        let request = request(vec![Message {
            role: Role::User,
            content: vec![
                ContentBlock::Text {
                    text: "<system-reminder>cwd: /p</system-reminder>\n".into(),
                },
                ContentBlock::Text {
                    text: "hello".into(),
                },
            ],
        }]);
        let done = demo.stream(&request, &mut |e| shown.push(e)).await.unwrap();
        let deltas: Vec<&str> = shown
            .iter()
            .filter_map(|e| match e {
                StreamEvent::TextDelta(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert!(deltas.len() > 10, "streamed in pieces: {deltas:?}");
        assert_eq!(deltas.concat(), done.message.text());
        assert_eq!(done.stop_reason, StopReason::ToolUse);
        let (id, name, _) = done.message.tool_uses().next().unwrap();
        assert_eq!((id, name), ("demo_glob-1", "Glob"));
        assert!(matches!(
            shown.last(),
            Some(StreamEvent::ToolUseStarted { name, .. }) if name == "Glob"
        ));
    }

    #[tokio::test]
    async fn a_tool_result_moves_the_script_on() {
        let demo = Demo::with_pace(Duration::ZERO);
        let request = request(vec![
            Message::user_text("hello"),
            Message {
                role: Role::Assistant,
                content: vec![ContentBlock::ToolUse {
                    id: "demo_glob-1".into(),
                    name: "Glob".into(),
                    input: serde_json::json!({"pattern": "*.md"}),
                }],
            },
            Message {
                role: Role::User,
                content: vec![ContentBlock::ToolResult {
                    tool_use_id: "demo_glob-1".into(),
                    content: "README.md".into(),
                    is_error: false,
                    images: Vec::new(),
                }],
            },
        ]);
        let done = demo.stream(&request, &mut |_| {}).await.unwrap();
        assert!(done.message.text().starts_with("Found 1 file"));
        let (_, name, input) = done.message.tool_uses().next().unwrap();
        assert_eq!(name, "Write");
        assert_eq!(input["file_path"], script::DEMO_FILE_NAME);
    }

    #[test]
    fn it_needs_no_key_and_no_network() {
        let endpoint = Demo::new().describe();
        assert!(endpoint.base_url.is_empty() && !endpoint.official);
    }
}
