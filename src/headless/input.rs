//! `--input-format stream-json`: what the client writes on stdin, one JSON object a line
//! (user messages, control requests and responses, cancels), read on a task of its own so a
//! slow client never holds up the agent's events.

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// One line of the client's input.
#[derive(Clone, Debug, PartialEq)]
pub enum InputLine {
    /// A user message: its text (text blocks joined), and what was left out of it.
    User { text: String, dropped: Vec<String> },
    /// `control_request` from the client.
    Request {
        id: String,
        subtype: String,
        body: Value,
    },
    /// `control_response` to a request of claw's: Ok(the response) or Err(the error).
    Response {
        id: String,
        answer: Result<Value, String>,
    },
    /// `control_cancel_request`: the client no longer wants the answer to `id`.
    Cancel { id: String },
    /// Not something claw reads: why, for stderr.
    Unreadable(String),
}

/// Reads the client's lines until stdin closes (the channel then ends).
pub fn read_stdin() -> UnboundedReceiver<InputLine> {
    let (tx, rx) = unbounded_channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if line.trim().is_empty() {
                continue;
            }
            if tx.send(parse(&line)).is_err() {
                return;
            }
        }
    });
    rx
}

/// Reads one line.
pub fn parse(line: &str) -> InputLine {
    let value: Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(e) => return InputLine::Unreadable(format!("not JSON ({e})")),
    };
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    match value.get("type").and_then(Value::as_str) {
        Some("user") => user(&value),
        Some("control_request") => {
            let body = value.get("request").cloned().unwrap_or(Value::Null);
            InputLine::Request {
                id: text(&value, "request_id").unwrap_or_default(),
                subtype: text(&body, "subtype").unwrap_or_default(),
                body,
            }
        }
        Some("control_response") => {
            let response = value.get("response").cloned().unwrap_or(Value::Null);
            let id = text(&response, "request_id").unwrap_or_default();
            let answer = match text(&response, "subtype").as_deref() {
                Some("success") => Ok(response.get("response").cloned().unwrap_or(Value::Null)),
                Some(_) | None => Err(text(&response, "error").unwrap_or_else(|| "error".into())),
            };
            InputLine::Response { id, answer }
        }
        Some("control_cancel_request") => InputLine::Cancel {
            id: text(&value, "request_id").unwrap_or_default(),
        },
        Some(other) => InputLine::Unreadable(format!("a message of type `{other}`")),
        None => InputLine::Unreadable("a message without a type".into()),
    }
}

/// A user message whose content is a string or a list of blocks.
fn user(value: &Value) -> InputLine {
    let content = value.pointer("/message/content").unwrap_or(&Value::Null);
    if let Some(text) = content.as_str() {
        return InputLine::User {
            text: text.to_string(),
            dropped: Vec::new(),
        };
    }
    let Some(blocks) = content.as_array() else {
        return InputLine::Unreadable("a user message without content".into());
    };
    let mut texts = Vec::new();
    let mut dropped = Vec::new();
    for block in blocks {
        match (
            block.get("type").and_then(Value::as_str),
            block.get("text").and_then(Value::as_str),
        ) {
            (Some("text"), Some(text)) => texts.push(text.to_string()),
            (kind, _) => dropped.push(kind.unwrap_or("untyped").to_string()),
        }
    }
    InputLine::User {
        text: texts.join("\n\n"),
        dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_messages_read_as_a_string_or_as_text_blocks() {
        assert_eq!(
            parse(r#"{"type":"user","message":{"role":"user","content":"hi"},"session_id":""}"#),
            InputLine::User {
                text: "hi".into(),
                dropped: vec![]
            }
        );
        assert_eq!(
            parse(
                r#"{"type":"user","message":{"role":"user","content":[{"type":"text","text":"a"},{"type":"image","source":{}},{"type":"text","text":"b"}]}}"#
            ),
            InputLine::User {
                text: "a\n\nb".into(),
                dropped: vec!["image".into()]
            }
        );
    }

    #[test]
    fn control_lines_keep_their_ids() {
        assert_eq!(
            parse(
                r#"{"type":"control_request","request_id":"r1","request":{"subtype":"interrupt"}}"#
            ),
            InputLine::Request {
                id: "r1".into(),
                subtype: "interrupt".into(),
                body: serde_json::json!({"subtype": "interrupt"})
            }
        );
        assert_eq!(
            parse(
                r#"{"type":"control_response","response":{"subtype":"error","request_id":"c1","error":"no"}}"#
            ),
            InputLine::Response {
                id: "c1".into(),
                answer: Err("no".into())
            }
        );
        assert_eq!(
            parse(r#"{"type":"control_cancel_request","request_id":"c2"}"#),
            InputLine::Cancel { id: "c2".into() }
        );
        assert!(matches!(parse("{oops"), InputLine::Unreadable(_)));
        assert!(matches!(
            parse(r#"{"type":"assistant"}"#),
            InputLine::Unreadable(_)
        ));
    }
}
