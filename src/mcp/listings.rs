//! What a server offers besides tools: its resources (mentioned as `@server:uri`, their text
//! attached to the prompt) and its prompts (run as `/mcp__server__prompt args`: the typed words
//! become the prompt's arguments in order, and its messages become the user's turn).

use std::time::Duration;

use rmcp::Peer;
use rmcp::model::GetPromptResponse;
use rmcp::service::RoleClient;
use serde_json::{Map, Value, json};

use crate::mcp::tool::tool_name;
use crate::mcp::{McpServers, ServerState};
use crate::protocol::mcp::{McpPromptArgument, McpPromptInfo, McpResourceInfo};

/// The resources and prompts a server lists, when it says it has them (an error or a silence
/// leaves that list empty: they are extras, the server's tools still work).
pub(crate) async fn extras(
    server: &str,
    peer: &Peer<RoleClient>,
    limit: Duration,
) -> (Vec<McpResourceInfo>, Vec<McpPromptInfo>) {
    let capabilities = peer
        .peer_info()
        .and_then(|info| serde_json::to_value(&info.capabilities).ok())
        .unwrap_or_default();
    let mut resources = Vec::new();
    if capabilities.get("resources").is_some()
        && let Ok(Ok(listed)) = tokio::time::timeout(limit, peer.list_all_resources()).await
    {
        resources = listed
            .iter()
            .filter_map(|r| serde_json::to_value(r).ok())
            .map(|r| McpResourceInfo {
                uri: text(&r, "uri"),
                name: text(&r, "name"),
                description: text(&r, "description"),
            })
            .filter(|r| !r.uri.is_empty())
            .collect();
    }
    let mut prompts = Vec::new();
    if capabilities.get("prompts").is_some()
        && let Ok(Ok(listed)) = tokio::time::timeout(limit, peer.list_all_prompts()).await
    {
        prompts = listed
            .iter()
            .filter_map(|p| serde_json::to_value(p).ok())
            .filter_map(|p| prompt_info(server, &p))
            .collect();
    }
    (resources, prompts)
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or("").to_string()
}

/// A `prompts/list` entry as claw shows it.
fn prompt_info(server: &str, entry: &Value) -> Option<McpPromptInfo> {
    let remote = entry["name"].as_str()?.to_string();
    let arguments = entry["arguments"]
        .as_array()
        .map(|args| {
            args.iter()
                .filter_map(|a| {
                    Some(McpPromptArgument {
                        name: a["name"].as_str()?.to_string(),
                        description: text(a, "description"),
                        required: a["required"].as_bool() == Some(true),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(McpPromptInfo {
        command: tool_name(server, &remote),
        description: text(entry, "description"),
        remote,
        arguments,
    })
}

/// The typed words as the prompt's arguments, in order (`"two words"` is one); extra words join
/// the last argument. Err names the missing required ones and the usage.
pub(crate) fn prompt_arguments(
    prompt: &McpPromptInfo,
    typed: &str,
) -> Result<Map<String, Value>, String> {
    let mut words = split_words(typed);
    let mut out = Map::new();
    let count = prompt.arguments.len();
    if count > 0 && words.len() > count {
        let rest = words.split_off(count - 1).join(" ");
        words.push(rest);
    }
    for (argument, word) in prompt.arguments.iter().zip(words.iter()) {
        out.insert(argument.name.clone(), Value::String(word.clone()));
    }
    let missing: Vec<&str> = prompt
        .arguments
        .iter()
        .filter(|a| a.required && !out.contains_key(&a.name))
        .map(|a| a.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "/{} needs {}: /{} {}",
            prompt.command,
            missing
                .iter()
                .map(|m| format!("<{m}>"))
                .collect::<Vec<_>>()
                .join(" "),
            prompt.command,
            prompt.argument_hint()
        ));
    }
    if count == 0 && !words.is_empty() {
        return Err(format!("/{} takes no arguments", prompt.command));
    }
    Ok(out)
}

/// Words split at spaces; double quotes keep spaces inside one.
fn split_words(typed: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in typed.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            c => {
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(current);
    }
    words
}

/// Runs `prompts/get`; the text of its messages, for the user's turn.
pub(crate) async fn get_prompt(
    peer: &Peer<RoleClient>,
    prompt: &McpPromptInfo,
    arguments: Map<String, Value>,
    limit: Duration,
) -> Result<String, String> {
    let params = serde_json::from_value(json!({"name": prompt.remote, "arguments": arguments}))
        .map_err(|e| e.to_string())?;
    let answer = tokio::time::timeout(limit, peer.get_prompt_once(params))
        .await
        .map_err(|_| format!("no answer to prompts/get within {} s", limit.as_secs()))?
        .map_err(|e| format!("prompts/get failed: {e}"))?;
    let result = match answer {
        GetPromptResponse::Complete(result) => result,
        // Input requests (and whatever a later rmcp adds) are not answered for prompts.
        _ => {
            return Err("the server asked for more input, which claw does not give prompts".into());
        }
    };
    let value = serde_json::to_value(&result).map_err(|e| e.to_string())?;
    let text = prompt_text(&value);
    if text.trim().is_empty() {
        return Err(format!("the prompt `{}` came back empty", prompt.remote));
    }
    Ok(text)
}

/// The messages of a `prompts/get` answer as one text: each message's content (text, the text
/// of an embedded resource), an assistant's marked as such.
pub(crate) fn prompt_text(result: &Value) -> String {
    let mut parts = Vec::new();
    for message in result["messages"].as_array().into_iter().flatten() {
        let contents: Vec<&Value> = match &message["content"] {
            Value::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        let mut text = String::new();
        for content in contents {
            let piece = match content["type"].as_str() {
                Some("text") => content["text"].as_str().map(str::to_string),
                Some("resource") => {
                    let resource = &content["resource"];
                    resource["text"].as_str().map(|t| {
                        format!(
                            "<resource uri=\"{}\">\n{t}\n</resource>",
                            resource["uri"].as_str().unwrap_or("")
                        )
                    })
                }
                Some("resource_link") => content["uri"].as_str().map(|u| format!("(resource {u})")),
                _ => None,
            };
            if let Some(piece) = piece {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&piece);
            }
        }
        if text.is_empty() {
            continue;
        }
        if message["role"] == "assistant" {
            text = format!("<assistant>\n{text}\n</assistant>");
        }
        parts.push(text);
    }
    parts.join("\n\n")
}

/// The text of a `resources/read` answer; Err when none of its contents is text.
pub(crate) fn resource_text(result: &Value) -> Result<String, String> {
    let mut texts = Vec::new();
    let mut skipped = Vec::new();
    for content in result["contents"].as_array().into_iter().flatten() {
        match content["text"].as_str() {
            Some(text) => texts.push(text.to_string()),
            None => skipped.push(
                content["mimeType"]
                    .as_str()
                    .unwrap_or("binary data")
                    .to_string(),
            ),
        }
    }
    if texts.is_empty() {
        return Err(match skipped.first() {
            Some(kind) => format!("{kind}, not text"),
            None => "it is empty".into(),
        });
    }
    Ok(texts.join("\n"))
}

impl McpServers {
    /// Runs the prompt offered as the slash command `/command` with the typed `args`; the text
    /// of its messages, or why not.
    pub async fn get_prompt(&self, command: &str, args: &str) -> Result<String, String> {
        let unknown =
            || format!("/{command}: no connected MCP server offers this prompt (/mcp lists them)");
        let (server, prompt) = self
            .statuses()
            .into_iter()
            .filter(|s| s.state == ServerState::Ready)
            .find_map(|s| {
                let prompt = s.prompts.iter().find(|p| p.command == command)?.clone();
                Some((s.config.name, prompt))
            })
            .ok_or_else(unknown)?;
        let peer = self.peer(&server).ok_or_else(unknown)?;
        let arguments = prompt_arguments(&prompt, args)?;
        get_prompt(&peer, &prompt, arguments, self.options().tool_timeout)
            .await
            .map_err(|e| format!("MCP server `{server}`: {e}"))
    }

    /// The text of resource `uri` of the connected server `server`, for an `@server:uri`
    /// mention; None when no connected server has that name (the mention is something else).
    pub async fn read_resource_text(
        &self,
        server: &str,
        uri: &str,
    ) -> Option<Result<String, String>> {
        let peer = self.peer(server)?;
        let limit = self.options().tool_timeout;
        let read = async {
            let params =
                serde_json::from_value(json!({ "uri": uri })).map_err(|e| e.to_string())?;
            let read = tokio::time::timeout(limit, peer.read_resource(params))
                .await
                .map_err(|_| format!("no answer within {} s", limit.as_secs()))?
                .map_err(|e| e.to_string())?;
            resource_text(&serde_json::to_value(&read).unwrap_or_default())
        };
        Some(read.await)
    }

    fn peer(&self, server: &str) -> Option<Peer<RoleClient>> {
        self.peers()
            .into_iter()
            .find(|(name, _)| name == server)
            .map(|(_, peer)| peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt() -> McpPromptInfo {
        prompt_info(
            "everything",
            &json!({"name": "args-prompt", "description": "d", "arguments": [
                {"name": "city", "required": true},
                {"name": "state"}
            ]}),
        )
        .unwrap()
    }

    #[test]
    fn typed_words_become_arguments_in_order() {
        let p = prompt();
        assert_eq!(p.command, "mcp__everything__args-prompt");
        assert_eq!(
            Value::Object(prompt_arguments(&p, "Paris").unwrap()),
            json!({"city": "Paris"})
        );
        assert_eq!(
            Value::Object(prompt_arguments(&p, "\"New York\" NY state").unwrap()),
            json!({"city": "New York", "state": "NY state"})
        );
        assert_eq!(
            prompt_arguments(&p, "  ").unwrap_err(),
            "/mcp__everything__args-prompt needs <city>: /mcp__everything__args-prompt <city> [state]"
        );
        let bare = prompt_info("s", &json!({"name": "simple"})).unwrap();
        assert!(prompt_arguments(&bare, "").unwrap().is_empty());
        assert!(
            prompt_arguments(&bare, "x")
                .unwrap_err()
                .contains("takes no arguments")
        );
    }

    #[test]
    fn messages_join_as_the_turn_text() {
        let result = json!({"messages": [
            {"role": "user", "content": {"type": "text", "text": "What is the weather?"}},
            {"role": "assistant", "content": {"type": "text", "text": "Where?"}},
            {"role": "user", "content": {"type": "resource", "resource": {"uri": "demo://1", "text": "body"}}},
            {"role": "user", "content": {"type": "image", "data": "AAAA", "mimeType": "image/png"}}
        ]});
        assert_eq!(
            prompt_text(&result),
            "What is the weather?\n\n<assistant>\nWhere?\n</assistant>\n\n<resource uri=\"demo://1\">\nbody\n</resource>"
        );
    }

    #[test]
    fn resources_attach_their_text() {
        assert_eq!(
            resource_text(&json!({"contents": [{"uri": "a", "text": "hello"}]})).unwrap(),
            "hello"
        );
        assert_eq!(
            resource_text(
                &json!({"contents": [{"uri": "a", "blob": "AA", "mimeType": "image/png"}]})
            )
            .unwrap_err(),
            "image/png, not text"
        );
    }
}
