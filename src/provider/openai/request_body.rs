//! The JSON body of a Chat Completions request: claw's conversation in the OpenAI wire form.
//! The system prompt is the first message; tools are functions; an assistant's tool calls carry
//! their arguments as JSON text; each tool result is a `tool` message answering its call.
//! Thinking blocks stay behind (their signatures belong to the provider that made them).
//! Pictures from tools follow as a user message where the model takes images, otherwise the
//! tool's text says one was left out. Another provider's own tool blocks (Anthropic's web
//! search) stay behind, as its thinking does.

use serde_json::{Value, json};

use crate::protocol::Effort;
pub use crate::provider::Images;
use crate::provider::{ChatRequest, ContentBlock, ImageData, Message, Role, image_left_out};

/// OpenAI's reasoning models (o1, o3, o4-mini…, gpt-5…): they refuse `max_tokens` for
/// `max_completion_tokens`, and take a `reasoning_effort` whether the catalog knows them or not.
/// OpenRouter's `openai/o3` is the same model.
pub fn openai_reasoning_model(model: &str) -> bool {
    let id = model.rsplit('/').next().unwrap_or(model);
    let o_series = id
        .strip_prefix('o')
        .is_some_and(|rest| rest.chars().next().is_some_and(|c| c.is_ascii_digit()));
    o_series || id.starts_with("gpt-5")
}

pub fn request_body(request: &ChatRequest) -> Value {
    let images = request.images;
    let mut messages = Vec::new();
    if !request.system.is_empty() {
        messages.push(json!({"role": "system", "content": request.system}));
    }
    for message in &request.messages {
        match message.role {
            Role::User => user(message, images, &mut messages),
            Role::Assistant => assistant(message, &mut messages),
        }
    }
    let limit = if openai_reasoning_model(&request.model) {
        "max_completion_tokens"
    } else {
        "max_tokens"
    };
    let mut body = json!({
        "model": request.model,
        limit: request.max_tokens,
        "messages": messages,
        "stream": true,
        "stream_options": {"include_usage": true},
    });
    if !request.tools.is_empty() {
        let tools: Vec<Value> = request
            .tools
            .iter()
            .map(|t| {
                json!({"type": "function", "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.input_schema,
                }})
            })
            .collect();
        body["tools"] = Value::Array(tools);
    }
    // Only where the model is known to reason (the catalog, the settings, the server, or an
    // OpenAI reasoning model's name): other models refuse the field.
    let reasons = request.thinking.style.is_some() || openai_reasoning_model(&request.model);
    if reasons && request.thinking.effort != Effort::Off {
        body["reasoning_effort"] = json!(request.thinking.effort.as_str());
    }
    body
}

fn user(message: &Message, images: Images, out: &mut Vec<Value>) {
    let mut text = String::new();
    let mut pictures: Vec<(&str, &ImageData)> = Vec::new();
    for block in &message.content {
        match block {
            ContentBlock::Text { text: t } => {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(t);
            }
            ContentBlock::ToolResult {
                tool_use_id,
                content,
                is_error,
                images: attached,
            } => {
                let mut content = if *is_error {
                    format!("Error: {content}")
                } else {
                    content.clone()
                };
                match images {
                    Images::Accepted => {
                        pictures.extend(attached.iter().map(|i| (tool_use_id.as_str(), i)))
                    }
                    Images::Refused => {
                        for image in attached {
                            content.push_str(&image_left_out(&image.media_type));
                        }
                    }
                }
                out.push(json!({"role": "tool", "tool_call_id": tool_use_id, "content": content}));
            }
            ContentBlock::Thinking { .. }
            | ContentBlock::RedactedThinking { .. }
            | ContentBlock::ToolUse { .. }
            | ContentBlock::ServerToolUse { .. }
            | ContentBlock::ServerToolResult { .. } => {}
        }
    }
    if !pictures.is_empty() {
        let mut parts = Vec::new();
        for (id, image) in pictures {
            parts.push(
                json!({"type": "text", "text": format!("The picture returned by tool call {id}:")}),
            );
            parts.push(json!({"type": "image_url", "image_url": {
                "url": format!("data:{};base64,{}", image.media_type, image.data),
            }}));
        }
        if !text.is_empty() {
            parts.push(json!({"type": "text", "text": text}));
        }
        out.push(json!({"role": "user", "content": parts}));
    } else if !text.is_empty() {
        out.push(json!({"role": "user", "content": text}));
    }
}

fn assistant(message: &Message, out: &mut Vec<Value>) {
    let text = message.text();
    let calls: Vec<Value> = message
        .tool_uses()
        .map(|(id, name, input)| {
            json!({"id": id, "type": "function", "function": {
                "name": name,
                "arguments": input.to_string(),
            }})
        })
        .collect();
    // A message of thinking alone has nothing to say on this wire.
    if text.is_empty() && calls.is_empty() {
        return;
    }
    let mut value = json!({"role": "assistant", "content": if text.is_empty() { Value::Null } else { json!(text) }});
    if !calls.is_empty() {
        value["tool_calls"] = Value::Array(calls);
    }
    out.push(value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{Thinking, ThinkingStyle, ToolSpec};

    fn conversation() -> ChatRequest {
        ChatRequest {
            model: "gpt-4o".into(),
            max_tokens: 4000,
            system: "be brief".into(),
            messages: vec![
                Message::user_text("look"),
                Message {
                    role: Role::Assistant,
                    content: vec![
                        ContentBlock::Thinking {
                            thinking: "hm".into(),
                            signature: "sig".into(),
                        },
                        ContentBlock::ToolUse {
                            id: "c1".into(),
                            name: "Read".into(),
                            input: json!({"file_path": "a.png"}),
                        },
                    ],
                },
                Message {
                    role: Role::User,
                    content: vec![ContentBlock::ToolResult {
                        tool_use_id: "c1".into(),
                        content: "a picture".into(),
                        is_error: false,
                        images: vec![ImageData {
                            media_type: "image/png".into(),
                            data: "AAAA".into(),
                        }],
                    }],
                },
            ],
            tools: vec![ToolSpec {
                name: "Read".into(),
                description: "reads".into(),
                input_schema: json!({"type": "object"}),
            }],
            server_tools: Vec::new(),
            thinking: Thinking::OFF,
            images: Images::Refused,
            raw_events: crate::provider::RawEvents::Off,
        }
    }

    #[test]
    fn tool_calls_and_results_go_as_functions_and_tool_messages() {
        let body = request_body(&conversation());
        assert_eq!(
            body["messages"],
            json!([
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "look"},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "Read", "arguments": "{\"file_path\":\"a.png\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "c1", "content": "a picture\n[a picture (image/png) was left out: this model does not take images]"},
            ])
        );
        assert_eq!(
            body["tools"],
            json!([{"type": "function", "function": {"name": "Read", "description": "reads", "parameters": {"type": "object"}}}])
        );
        assert_eq!(body["stream_options"], json!({"include_usage": true}));
        assert!(body.get("reasoning_effort").is_none());
    }

    #[test]
    fn pictures_follow_as_a_user_message_where_the_model_takes_them() {
        let mut request = conversation();
        request.thinking = Thinking {
            effort: Effort::High,
            style: Some(ThinkingStyle::Adaptive),
            budget: None,
        };
        request.images = Images::Accepted;
        let body = request_body(&request);
        assert_eq!(body["messages"][3]["content"], "a picture");
        assert_eq!(
            body["messages"][4]["content"][1],
            json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}})
        );
        assert_eq!(body["reasoning_effort"], "high");
        assert_eq!(body["max_tokens"], 4000);
    }

    #[test]
    fn openai_reasoning_models_take_max_completion_tokens_and_an_effort() {
        let body_for = |model: &str| {
            let mut request = conversation();
            request.model = model.into();
            request.thinking = Thinking {
                effort: Effort::Medium,
                style: None,
                budget: None,
            };
            request_body(&request)
        };
        for model in ["o3", "o4-mini", "o1", "gpt-5", "gpt-5-mini", "openai/o3"] {
            let body = body_for(model);
            assert_eq!(body["max_completion_tokens"], 4000, "{model}");
            assert!(body.get("max_tokens").is_none(), "{model}");
            assert_eq!(body["reasoning_effort"], "medium", "{model}");
        }
        for model in ["gpt-4o", "ollama-model", "omni", "qwen3:8b"] {
            let body = body_for(model);
            assert_eq!(body["max_tokens"], 4000, "{model}");
            assert!(body.get("reasoning_effort").is_none(), "{model}");
        }
        let mut request = conversation();
        request.thinking = Thinking {
            effort: Effort::Off,
            style: None,
            budget: None,
        };
        request.model = "o3".into();
        assert!(request_body(&request).get("reasoning_effort").is_none());
    }
}
