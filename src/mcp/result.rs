//! A `tools/call` answer turned into what the model gets: text, images as image blocks,
//! resource links and embedded resources described, `structuredContent` when there is no
//! text, `isError` as an error result; output over the token cap cut with a notice. Read from
//! the JSON of the answer (the MCP schema), so it is a pure function tested on plain values.

use serde_json::Value;

use crate::provider::ImageData;
use crate::tools::{ToolError, ToolOutput};

/// About this many characters make a token, for the output cap.
const CHARS_PER_TOKEN: usize = 4;

pub(crate) fn tool_output(result: &Value, max_tokens: usize) -> Result<ToolOutput, ToolError> {
    let mut parts: Vec<String> = Vec::new();
    let mut images = Vec::new();
    let empty = Vec::new();
    for block in result["content"].as_array().unwrap_or(&empty) {
        let text = |key: &str| block[key].as_str().unwrap_or("");
        match text("type") {
            "text" => parts.push(text("text").to_string()),
            "image" => images.push(ImageData {
                media_type: text("mimeType").to_string(),
                data: text("data").to_string(),
            }),
            "audio" => parts.push(format!(
                "[audio ({}) returned; claw does not pass audio to the model]",
                text("mimeType")
            )),
            "resource_link" => parts.push(resource_link(block)),
            "resource" => {
                let resource = &block["resource"];
                let uri = resource["uri"].as_str().unwrap_or("");
                let mime = resource["mimeType"].as_str().unwrap_or("");
                match (resource["text"].as_str(), resource["blob"].as_str()) {
                    (Some(body), _) => parts.push(format!("[resource {uri}]\n{body}")),
                    (None, Some(blob)) if mime.starts_with("image/") => images.push(ImageData {
                        media_type: mime.to_string(),
                        data: blob.to_string(),
                    }),
                    (None, Some(blob)) => parts.push(format!(
                        "[resource {uri} ({mime}, {} bytes of binary data not shown)]",
                        blob.len() * 3 / 4
                    )),
                    (None, None) => parts.push(format!("[resource {uri}]")),
                }
            }
            other => parts.push(format!("[content of type `{other}` not shown]")),
        }
    }
    if parts.is_empty()
        && let Some(structured) = result.get("structuredContent").filter(|v| !v.is_null())
    {
        parts.push(serde_json::to_string_pretty(structured).unwrap_or_default());
    }
    let mut content = parts.join("\n");
    if result["isError"].as_bool() == Some(true) {
        if content.is_empty() {
            content = "the tool reported an error without a message".into();
        }
        return Err(ToolError::Failed(cap(content, max_tokens)));
    }
    let summary = summary(&content, images.len());
    Ok(ToolOutput {
        content: cap(content, max_tokens),
        summary,
        images,
        effects: Vec::new(),
    })
}

fn resource_link(block: &Value) -> String {
    let uri = block["uri"].as_str().unwrap_or("");
    let mut line = format!("[resource link: {uri}");
    for key in ["name", "mimeType", "description"] {
        if let Some(value) = block[key].as_str() {
            line.push_str(&format!(" {key}={value:?}"));
        }
    }
    line.push(']');
    line
}

/// `text` within `max_tokens`, cut at a character boundary with a notice saying so.
fn cap(text: String, max_tokens: usize) -> String {
    let limit = max_tokens.saturating_mul(CHARS_PER_TOKEN);
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n\n[Output cut: the tool returned about {} tokens, over the limit of {max_tokens} \
         (MAX_MCP_OUTPUT_TOKENS). Ask for less, e.g. with a narrower query or paging.]",
        &text[..end],
        text.len() / CHARS_PER_TOKEN
    )
}

fn summary(content: &str, images: usize) -> String {
    let lines = content.lines().count();
    let mut parts = Vec::new();
    if lines > 0 {
        parts.push(crate::tools::count(lines, "line", "lines"));
    }
    if images > 0 {
        parts.push(crate::tools::count(images, "image", "images"));
    }
    if parts.is_empty() {
        "no output".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_images_and_resources_reach_the_model() {
        let result = json!({"content": [
            {"type": "text", "text": "hello"},
            {"type": "image", "mimeType": "image/png", "data": "iVBOR"},
            {"type": "resource_link", "uri": "test://static/1", "name": "one", "mimeType": "text/plain"},
            {"type": "resource", "resource": {"uri": "test://r/2", "mimeType": "text/plain", "text": "body"}},
            {"type": "resource", "resource": {"uri": "test://r/3", "mimeType": "application/octet-stream", "blob": "AAAA"}},
            {"type": "resource", "resource": {"uri": "test://r/4", "mimeType": "image/gif", "blob": "R0lG"}},
        ]});
        let out = tool_output(&result, 25_000).unwrap();
        assert_eq!(
            out.content,
            "hello\n[resource link: test://static/1 name=\"one\" mimeType=\"text/plain\"]\n\
             [resource test://r/2]\nbody\n\
             [resource test://r/3 (application/octet-stream, 3 bytes of binary data not shown)]"
        );
        assert_eq!(
            out.images,
            [
                ImageData {
                    media_type: "image/png".into(),
                    data: "iVBOR".into()
                },
                ImageData {
                    media_type: "image/gif".into(),
                    data: "R0lG".into()
                },
            ]
        );
        assert_eq!(out.summary, "5 lines, 2 images");
    }

    #[test]
    fn structured_content_speaks_when_there_is_no_text() {
        let result = json!({"content": [], "structuredContent": {"sum": 3}});
        assert_eq!(
            tool_output(&result, 100).unwrap().content,
            "{\n  \"sum\": 3\n}"
        );
        let both =
            json!({"content": [{"type": "text", "text": "3"}], "structuredContent": {"sum": 3}});
        assert_eq!(tool_output(&both, 100).unwrap().content, "3");
    }

    #[test]
    fn is_error_is_an_error_result() {
        let result =
            json!({"content": [{"type": "text", "text": "no such table"}], "isError": true});
        assert_eq!(
            tool_output(&result, 100),
            Err(ToolError::Failed("no such table".into()))
        );
        let bare = json!({"content": [], "isError": true});
        assert!(
            matches!(tool_output(&bare, 100), Err(ToolError::Failed(m)) if m.contains("without a message"))
        );
    }

    #[test]
    fn output_over_the_cap_is_cut_with_a_notice() {
        let long = "é".repeat(30);
        let result = json!({"content": [{"type": "text", "text": long}]});
        let out = tool_output(&result, 5).unwrap();
        let (kept, notice) = out.content.split_once("\n\n").unwrap();
        assert_eq!(
            kept,
            "é".repeat(10),
            "20 bytes, cut on a character boundary"
        );
        assert!(notice.contains("about 15 tokens, over the limit of 5 (MAX_MCP_OUTPUT_TOKENS)"));
        let short = json!({"content": [{"type": "text", "text": "ok"}]});
        assert_eq!(tool_output(&short, 5).unwrap().content, "ok");
    }
}
