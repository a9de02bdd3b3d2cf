//! claw's own conversation model: messages, content blocks, stop reasons, tool definitions.
//!
//! The agent's history, the session log and the protocol hold these; each provider maps them to
//! and from its wire form in its own module. Their serde form is the session file's: it must keep
//! reading files written by earlier versions (tests/old_session.rs).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// One message of the conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: Vec<ContentBlock>,
}

impl Message {
    pub fn user_text(text: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: vec![ContentBlock::Text { text: text.into() }],
        }
    }

    /// The concatenated text blocks of this message.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for block in &self.content {
            if let ContentBlock::Text { text } = block {
                out.push_str(text);
            }
        }
        out
    }

    /// The tool_use blocks of this message, in order.
    pub fn tool_uses(&self) -> impl Iterator<Item = (&str, &str, &Value)> {
        self.content.iter().filter_map(|b| match b {
            ContentBlock::ToolUse { id, name, input } => Some((id.as_str(), name.as_str(), input)),
            _ => None,
        })
    }
}

/// A block of message content. Unknown block types from the API are dropped by the stream
/// accumulator, never stored here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentBlock {
    Text {
        text: String,
    },
    Thinking {
        thinking: String,
        signature: String,
    },
    RedactedThinking {
        data: String,
    },
    ToolUse {
        id: String,
        name: String,
        input: Value,
    },
    ToolResult {
        tool_use_id: String,
        content: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
        /// Pictures returned with the text (the request body turns them into image blocks).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        images: Vec<ImageData>,
    },
    /// A tool the provider ran itself (Anthropic's `server_tool_use`: its web search), kept to
    /// send back to that provider as it came.
    ServerToolUse {
        id: String,
        name: String,
        input: Value,
    },
    /// What such a tool returned: `kind` is the provider's name for the block
    /// (`web_search_tool_result`) and `content` the result as sent, encrypted parts and all.
    ServerToolResult {
        tool_use_id: String,
        kind: String,
        content: Value,
    },
}

/// A server tool's result as a person reads it: the title and address of each result, or
/// the error the tool reported.
pub fn server_result_digest(content: &Value) -> Result<Vec<(String, String)>, String> {
    if let Some(code) = content.get("error_code").and_then(Value::as_str) {
        return Err(code.replace('_', " "));
    }
    let field = |item: &Value, key: &str| {
        item.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    Ok(content
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let title = field(item, "title");
            let url = field(item, "url");
            (!title.is_empty() || !url.is_empty()).then_some((title, url))
        })
        .collect())
}

/// A picture for the model (base64), as in an image content block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageData {
    pub media_type: String,
    pub data: String,
}

/// Why the model stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    EndTurn,
    MaxTokens,
    StopSequence,
    ToolUse,
    PauseTurn,
    Refusal,
    /// The conversation no longer fits the model's context window.
    ModelContextWindowExceeded,
    #[serde(untagged)]
    Other(String),
}

/// A tool as advertised to the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub input_schema: Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_search_result_reads_as_titles_or_its_error() {
        let results = json!([
            {"type": "web_search_result", "title": "Rust 1.90", "url": "https://blog.rust-lang.org/", "encrypted_content": "x"},
            {"type": "web_search_result", "title": "", "url": "https://example.com/"},
            {"type": "web_search_result"},
        ]);
        assert_eq!(
            server_result_digest(&results),
            Ok(vec![
                ("Rust 1.90".into(), "https://blog.rust-lang.org/".into()),
                (String::new(), "https://example.com/".into()),
            ])
        );
        let error =
            json!({"type": "web_search_tool_result_error", "error_code": "max_uses_exceeded"});
        assert_eq!(
            server_result_digest(&error),
            Err("max uses exceeded".into())
        );
    }

    #[test]
    fn server_tool_blocks_survive_the_session_file() {
        let block = ContentBlock::ServerToolResult {
            tool_use_id: "srvtoolu_1".into(),
            kind: "web_search_tool_result".into(),
            content: json!([{"type": "web_search_result", "encrypted_content": "Eq0x"}]),
        };
        let text = serde_json::to_string(&block).unwrap();
        assert_eq!(serde_json::from_str::<ContentBlock>(&text).unwrap(), block);
    }
}
