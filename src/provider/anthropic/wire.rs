//! claw's conversation in the Messages API's wire form: messages and their content blocks, a
//! tool result's pictures as image blocks, tools, and thinking (an effort and the catalog's style
//! become a token budget or adaptive thinking).

use serde_json::{Map, Value, json};

use crate::protocol::Effort;
use crate::provider::catalog::LONG_CONTEXT_SUFFIX;
use crate::provider::{
    ContentBlock, Images, Message, Role, Thinking, ThinkingStyle, ToolSpec, image_left_out,
};

pub fn messages(messages: &[Message], images: Images) -> Value {
    Value::Array(messages.iter().map(|m| message(m, images)).collect())
}

/// The id the API knows a model by, and whether it is asked for its long-context window
/// (claw names that `ID[1m]`, as Claude Code does).
pub fn model_id(model: &str) -> (&str, bool) {
    match model.strip_suffix(LONG_CONTEXT_SUFFIX) {
        Some(id) => (id, true),
        None => (model, false),
    }
}

fn message(message: &Message, images: Images) -> Value {
    let role = match message.role {
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    // Thinking without a signature came from another provider: the API would refuse it.
    let content: Vec<Value> = message
        .content
        .iter()
        .filter(|b| !matches!(b, ContentBlock::Thinking { signature, .. } if signature.is_empty()))
        .map(|b| block(b, images))
        .collect();
    json!({"role": role, "content": content})
}

fn block(block: &ContentBlock, accepted: Images) -> Value {
    match block {
        ContentBlock::Text { text } => json!({"type": "text", "text": text}),
        // Sent back unchanged, signature and all, as the API requires while tool use goes on.
        ContentBlock::Thinking {
            thinking,
            signature,
        } => json!({"type": "thinking", "thinking": thinking, "signature": signature}),
        ContentBlock::RedactedThinking { data } => {
            json!({"type": "redacted_thinking", "data": data})
        }
        ContentBlock::ToolUse { id, name, input } => {
            json!({"type": "tool_use", "id": id, "name": name, "input": input})
        }
        ContentBlock::ToolResult {
            tool_use_id,
            content,
            is_error,
            images,
        } => {
            let mut object = Map::new();
            object.insert("type".into(), json!("tool_result"));
            object.insert("tool_use_id".into(), json!(tool_use_id));
            // Text alone goes as a string; with pictures, as a text block then an image each.
            let content = if images.is_empty() {
                json!(content)
            } else if accepted == Images::Refused {
                let notes: String = images
                    .iter()
                    .map(|i| image_left_out(&i.media_type))
                    .collect();
                json!(format!("{content}{notes}"))
            } else {
                let mut blocks = vec![json!({"type": "text", "text": content})];
                blocks.extend(images.iter().map(|image| {
                    json!({"type": "image", "source": {
                        "type": "base64",
                        "media_type": image.media_type,
                        "data": image.data,
                    }})
                }));
                Value::Array(blocks)
            };
            object.insert("content".into(), content);
            if *is_error {
                object.insert("is_error".into(), json!(true));
            }
            Value::Object(object)
        }
        // Sent back as they came: the API checks a search's encrypted results.
        ContentBlock::ServerToolUse { id, name, input } => {
            json!({"type": "server_tool_use", "id": id, "name": name, "input": input})
        }
        ContentBlock::ServerToolResult {
            tool_use_id,
            kind,
            content,
        } => json!({"type": kind, "tool_use_id": tool_use_id, "content": content}),
    }
}

pub fn tools(tools: &[ToolSpec]) -> Vec<Value> {
    tools
        .iter()
        .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.input_schema}))
        .collect()
}

/// Anthropic's form of a thinking request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireThinking {
    Off,
    /// `thinking: {type: "enabled", budget_tokens}`.
    Budget(u32),
    /// `thinking: {type: "adaptive"}` with `output_config: {effort}`.
    Adaptive(&'static str),
}

/// An effort on a model: adaptive where the catalog says so, otherwise a budget kept below
/// `max_tokens` (models the catalog doesn't know are asked the older way, which every Claude
/// model before 4.7 accepts).
pub fn thinking(thinking: Thinking, max_tokens: u32) -> WireThinking {
    let budget = match thinking.effort {
        Effort::Off => return WireThinking::Off,
        Effort::Low => 4_000,
        Effort::Medium => 12_000,
        Effort::High => 24_000,
    };
    let budget = thinking.budget.unwrap_or(budget);
    match thinking.style {
        Some(ThinkingStyle::Adaptive) => WireThinking::Adaptive(thinking.effort.as_str()),
        Some(ThinkingStyle::Budget) | None => {
            WireThinking::Budget(budget.min(max_tokens.saturating_sub(1_000)).max(1_024))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ImageData;

    #[test]
    fn efforts_become_budgets_below_max_tokens_or_adaptive_levels() {
        let ask = |effort, style| Thinking {
            effort,
            style,
            budget: None,
        };
        assert_eq!(thinking(Thinking::OFF, 32_000), WireThinking::Off);
        assert_eq!(
            thinking(ask(Effort::Low, Some(ThinkingStyle::Budget)), 32_000),
            WireThinking::Budget(4_000)
        );
        assert_eq!(
            thinking(ask(Effort::High, None), 16_000),
            WireThinking::Budget(15_000)
        );
        assert_eq!(
            thinking(ask(Effort::High, None), 1_500),
            WireThinking::Budget(1_024)
        );
        assert_eq!(
            thinking(ask(Effort::Medium, Some(ThinkingStyle::Adaptive)), 32_000),
            WireThinking::Adaptive("medium")
        );
        // --max-thinking-tokens: its budget, still below max_tokens.
        let asked = |budget| Thinking {
            budget: Some(budget),
            ..ask(Effort::Low, Some(ThinkingStyle::Budget))
        };
        assert_eq!(thinking(asked(8_000), 32_000), WireThinking::Budget(8_000));
        assert_eq!(
            thinking(asked(50_000), 32_000),
            WireThinking::Budget(31_000)
        );
    }

    #[test]
    fn tool_results_carry_text_pictures_and_errors_as_the_api_expects() {
        let m = Message {
            role: Role::User,
            content: vec![
                ContentBlock::ToolResult {
                    tool_use_id: "a".into(),
                    content: "ok".into(),
                    is_error: false,
                    images: vec![],
                },
                ContentBlock::ToolResult {
                    tool_use_id: "b".into(),
                    content: "pic".into(),
                    is_error: true,
                    images: vec![ImageData {
                        media_type: "image/png".into(),
                        data: "AAAA".into(),
                    }],
                },
            ],
        };
        assert_eq!(
            message(&m, Images::Accepted),
            json!({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "a", "content": "ok"},
                {"type": "tool_result", "tool_use_id": "b", "is_error": true, "content": [
                    {"type": "text", "text": "pic"},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}},
                ]},
            ]})
        );
        assert_eq!(
            message(&m, Images::Refused)["content"][1]["content"],
            "pic\n[a picture (image/png) was left out: this model does not take images]"
        );
    }

    #[test]
    fn server_tool_blocks_go_back_verbatim_and_1m_names_its_beta() {
        let content = json!([{"type": "web_search_result", "title": "T", "url": "https://t.example/", "encrypted_content": "Eq0x", "page_age": null}]);
        let m = Message {
            role: Role::Assistant,
            content: vec![
                ContentBlock::ServerToolUse {
                    id: "srvtoolu_1".into(),
                    name: "web_search".into(),
                    input: json!({"query": "rust"}),
                },
                ContentBlock::ServerToolResult {
                    tool_use_id: "srvtoolu_1".into(),
                    kind: "web_search_tool_result".into(),
                    content: content.clone(),
                },
            ],
        };
        assert_eq!(
            message(&m, Images::Accepted)["content"],
            json!([
                {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "rust"}},
                {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": content},
            ])
        );
        assert_eq!(
            model_id("claude-sonnet-4-5[1m]"),
            ("claude-sonnet-4-5", true)
        );
        assert_eq!(model_id("claude-sonnet-4-5"), ("claude-sonnet-4-5", false));
    }
}
