//! Reading a session file's lines without serde's internally-tagged detour. The derived
//! readers of `Entry` and `ContentBlock` copy each object into an intermediate tree before
//! they look at its tag; claw writes the tag first, so this reads it first and then the
//! variant's fields straight into their types. An object in any other shape (the tag later, a
//! variant left to serde) goes through the derived readers, so every file that loaded before
//! loads the same.

use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::Entry;
use crate::provider::{ContentBlock, ImageData, Message, Role};

/// One line of a session file.
pub(super) fn entry(line: &[u8]) -> serde_json::Result<Entry> {
    let mut reader = serde_json::Deserializer::from_slice(line);
    let entry = de::Deserializer::deserialize_map(&mut reader, TagFirst::<Entry>(PhantomData))?;
    reader.end()?;
    Ok(entry)
}

/// A type serde reads as an object tagged by "type", whose common variants this module reads
/// directly once the tag is known.
trait Tagged: for<'de> Deserialize<'de> {
    /// The variant `tag` read from the rest of its object, or the object back (unread) when
    /// the variant is left to serde.
    fn read_variant<'de, A: MapAccess<'de>>(
        tag: &str,
        rest: A,
    ) -> Result<Result<Self, A>, A::Error>;
}

/// Reads the fields of a variant from the rest of its object.
fn fields<'de, T: Deserialize<'de>, A: MapAccess<'de>>(rest: A) -> Result<T, A::Error> {
    T::deserialize(MapAccessDeserializer::new(rest))
}

struct TagFirst<T>(PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TagFirst<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object with a \"type\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut read = Map::new();
        if let Some(key) = map.next_key::<String>()? {
            if key == "type" {
                let tag: String = map.next_value()?;
                match T::read_variant(&tag, map)? {
                    Ok(value) => return Ok(value),
                    Err(unread) => map = unread,
                }
                read.insert(key, Value::String(tag));
            } else {
                read.insert(key, map.next_value()?);
            }
        }
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            read.insert(key, value);
        }
        T::deserialize(Value::Object(read)).map_err(de::Error::custom)
    }
}

impl Tagged for Entry {
    fn read_variant<'de, A: MapAccess<'de>>(
        tag: &str,
        rest: A,
    ) -> Result<Result<Self, A>, A::Error> {
        #[derive(Deserialize)]
        struct MessageFields {
            message: LogMessage,
        }
        #[derive(Deserialize)]
        struct PromptFields {
            text: String,
            #[serde(default)]
            at: Option<u64>,
        }
        #[derive(Deserialize)]
        struct TextFields {
            text: String,
        }
        Ok(Ok(match tag {
            "message" => Entry::Message {
                message: fields::<MessageFields, _>(rest)?.message.0,
            },
            "prompt" => {
                let PromptFields { text, at } = fields(rest)?;
                Entry::Prompt { text, at }
            }
            "user_text" => Entry::UserText {
                text: fields::<TextFields, _>(rest)?.text,
            },
            _ => return Ok(Err(rest)),
        }))
    }
}

/// A message whose blocks are read tag first.
struct LogMessage(Message);

impl<'de> Deserialize<'de> for LogMessage {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct MessageFields {
            role: Role,
            content: Vec<LogBlock>,
        }
        let MessageFields { role, content } = MessageFields::deserialize(d)?;
        Ok(LogMessage(Message {
            role,
            content: content.into_iter().map(|b| b.0).collect(),
        }))
    }
}

struct LogBlock(ContentBlock);

impl<'de> Deserialize<'de> for LogBlock {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(TagFirst::<ContentBlock>(PhantomData))
            .map(LogBlock)
    }
}

impl Tagged for ContentBlock {
    fn read_variant<'de, A: MapAccess<'de>>(
        tag: &str,
        rest: A,
    ) -> Result<Result<Self, A>, A::Error> {
        #[derive(Deserialize)]
        struct TextFields {
            text: String,
        }
        #[derive(Deserialize)]
        struct ThinkingFields {
            thinking: String,
            signature: String,
        }
        #[derive(Deserialize)]
        struct ToolUseFields {
            id: String,
            name: String,
            input: Value,
        }
        #[derive(Deserialize)]
        struct ToolResultFields {
            tool_use_id: String,
            content: String,
            #[serde(default)]
            is_error: bool,
            #[serde(default)]
            images: Vec<ImageData>,
        }
        Ok(Ok(match tag {
            "text" => ContentBlock::Text {
                text: fields::<TextFields, _>(rest)?.text,
            },
            "thinking" => {
                let ThinkingFields {
                    thinking,
                    signature,
                } = fields(rest)?;
                ContentBlock::Thinking {
                    thinking,
                    signature,
                }
            }
            "tool_use" => {
                let ToolUseFields { id, name, input } = fields(rest)?;
                ContentBlock::ToolUse { id, name, input }
            }
            "tool_result" => {
                let ToolResultFields {
                    tool_use_id,
                    content,
                    is_error,
                    images,
                } = fields(rest)?;
                ContentBlock::ToolResult {
                    tool_use_id,
                    content,
                    is_error,
                    images,
                }
            }
            _ => return Ok(Err(rest)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::PermissionMode;

    /// Every kind of line claw writes, read both ways.
    fn samples() -> Vec<Entry> {
        let blocks = vec![
            ContentBlock::Text {
                text: "a \"quoted\"\nline ✓".into(),
            },
            ContentBlock::Thinking {
                thinking: "hm".into(),
                signature: "sig".into(),
            },
            ContentBlock::RedactedThinking { data: "x".into() },
            ContentBlock::ToolUse {
                id: "t1".into(),
                name: "Bash".into(),
                input: serde_json::json!({"command": "ls", "n": [1, 2]}),
            },
            ContentBlock::ToolResult {
                tool_use_id: "t1".into(),
                content: "out".into(),
                is_error: true,
                images: vec![ImageData {
                    media_type: "image/png".into(),
                    data: "AAAA".into(),
                }],
            },
            ContentBlock::ToolResult {
                tool_use_id: "t2".into(),
                content: String::new(),
                is_error: false,
                images: Vec::new(),
            },
        ];
        vec![
            Entry::Meta {
                id: "i".into(),
                cwd: "/w".into(),
                model: "m".into(),
                started: 7,
            },
            Entry::Prompt {
                text: "p".into(),
                at: Some(9),
            },
            Entry::Prompt {
                text: "p".into(),
                at: None,
            },
            Entry::UserText { text: "u".into() },
            Entry::Message {
                message: Message {
                    role: Role::Assistant,
                    content: blocks,
                },
            },
            Entry::Usage {
                model: "m".into(),
                usage: Default::default(),
                cost: 0.25,
            },
            Entry::Clear,
            Entry::Rewind { turn: 2 },
            Entry::Mode {
                mode: PermissionMode::Plan,
            },
            Entry::Compacted {
                summary: "s".into(),
                kept: 3,
            },
        ]
    }

    #[test]
    fn every_entry_reads_as_serde_reads_it() {
        for sample in samples() {
            let line = serde_json::to_vec(&sample).unwrap();
            assert_eq!(
                entry(&line).unwrap(),
                sample,
                "{}",
                String::from_utf8_lossy(&line)
            );
        }
    }

    #[test]
    fn a_tag_after_the_fields_and_unknown_fields_still_read() {
        let lines = [
            r#"{"message":{"content":[{"text":"hi","type":"text"}],"role":"user"},"type":"message"}"#,
            r#"{"type":"message","extra":1,"message":{"role":"user","content":[{"type":"text","text":"hi","x":null}]}}"#,
        ];
        for line in lines {
            assert_eq!(
                entry(line.as_bytes()).unwrap(),
                Entry::Message {
                    message: Message::user_text("hi")
                },
                "{line}"
            );
            assert_eq!(
                entry(line.as_bytes()).unwrap(),
                serde_json::from_str::<Entry>(line).unwrap()
            );
        }
    }

    #[test]
    fn what_serde_rejects_is_rejected() {
        for line in [
            r#"{"type":"user_te"#,
            r#"{"type":"message","message":{"role":"user","content":[{"type":"text"}]}}"#,
            r#"{"type":"no_such_entry"}"#,
            r#"{"type":"text","text":"x"} trailing"#,
            r#"[1]"#,
        ] {
            assert!(serde_json::from_str::<Entry>(line).is_err(), "{line}");
            assert!(entry(line.as_bytes()).is_err(), "{line}");
        }
    }
}
