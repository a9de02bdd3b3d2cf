//! The JSON body of a Chat Completions request: claw's conversation in the OpenAI wire form.
//! The system prompt is the first message; tools are functions; an assistant's tool calls carry
//! their arguments as JSON text; each tool result is a `tool` message answering its call.
//! Thinking blocks stay behind (their signatures belong to the provider that made them).
//! Pictures from tools follow as a user message where the model takes images, otherwise the
//! tool's text says one was left out.

use serde_json::{Value, json};

use crate::protocol::Effort;
use crate::provider::{ChatRequest, ContentBlock, ImageData, Message, Role};

/// Whether the model takes pictures in its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Images {
    Accepted,
    Refused,
}

pub fn request_body(request: &ChatRequest, images: Images) -> Value {
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
    let mut body = json!({
        "model": request.model,
        "max_tokens": request.max_tokens,
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
    // Only where the catalog says the model reasons: other models refuse the field.
    if request.thinking.style.is_some() && request.thinking.effort != Effort::Off {
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
                            content.push_str(&format!(
                                "\n[a picture ({}) was left out: this model does not take images]",
                                image.media_type
                            ));
                        }
                    }
                }
                out.push(json!({"role": "tool", "tool_call_id": tool_use_id, "content": content}));
            }
            ContentBlock::Thinking { .. }
            | ContentBlock::RedactedThinking { .. }
            | ContentBlock::ToolUse { .. } => {}
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
        }
    }

    #[test]
    fn tool_calls_and_results_go_as_functions_and_tool_messages() {
        let body = request_body(&conversation(), Images::Refused);
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
        let body = request_body(&request, Images::Accepted);
        assert_eq!(body["messages"][3]["content"], "a picture");
        assert_eq!(
            body["messages"][4]["content"][1],
            json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}})
        );
        assert_eq!(body["reasoning_effort"], "high");
    }
}
