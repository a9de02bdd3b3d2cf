//! `--permission-prompt-tool mcp__server__tool`: when a call needs approval and no rule,
//! flag or hook decides, claw asks that MCP tool, as Claude Code does. The tool gets
//! `{"tool_name", "input", "tool_use_id"}` and answers with text holding JSON:
//! `{"behavior": "allow", "updatedInput": {…}}` or `{"behavior": "deny", "message": "…"}`.
//! A tool that is missing, fails, or answers anything else denies, saying why.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::mcp::McpServers;
use crate::protocol::{ApprovalRequest, Decision};
use crate::tools::ToolContext;

use super::shapes::Denial;

/// Whether `name` names an MCP tool (what `--permission-prompt-tool` takes besides `stdio`).
pub fn is_mcp_tool(name: &str) -> bool {
    name.strip_prefix("mcp__").is_some_and(|rest| {
        rest.split_once("__")
            .is_some_and(|(s, t)| !s.is_empty() && !t.is_empty())
    })
}

/// Asks `tool` about `request`: its answer as JSON, or why there is none.
pub async fn ask(
    mcp: Option<McpServers>,
    tool: &str,
    request: &ApprovalRequest,
) -> Result<Value, String> {
    let Some(mcp) = mcp else {
        return Err("no MCP server is configured".into());
    };
    // A turn waits for the servers still starting; so does the question.
    mcp.wait_ready(mcp.options().startup_wait).await;
    let Some(prompt) = mcp.tools().into_iter().find(|t| t.name() == tool) else {
        return Err("no MCP server of this session offers it (see `claw mcp list`)".into());
    };
    let input = json!({
        "tool_name": request.tool,
        "input": request.input,
        "tool_use_id": request.call_id,
    });
    let cwd = std::env::current_dir().unwrap_or_else(|_| std::env::temp_dir());
    let ctx = ToolContext::new(cwd);
    let output = prompt
        .run(input, &ctx, Arc::new(|_| {}))
        .await
        .map_err(|e| format!("it failed: {e}"))?;
    let text = output.content.trim();
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| format!("it answered {}, which is not a JSON object", shown(text)))
}

/// What the tool's answer (or its absence) decides, and the denial to report, if it was one.
pub fn decision(
    tool: &str,
    request: &ApprovalRequest,
    answer: Result<Value, String>,
) -> (Decision, Option<Denial>) {
    let denial = || Denial::of(request);
    let deny = |why: String| {
        let message = format!("Permission denied: the permission prompt tool {tool} {why}.");
        (
            Decision::DenyWith {
                message,
                stop: false,
            },
            Some(denial()),
        )
    };
    let answer = match answer {
        Ok(answer) => answer,
        Err(why) => return deny(why),
    };
    match answer.get("behavior").and_then(Value::as_str) {
        Some("allow") => {
            let input = match answer.get("updatedInput") {
                None | Some(Value::Null) => None,
                Some(updated @ Value::Object(_)) => {
                    (*updated != request.input).then(|| updated.clone())
                }
                Some(_) => return deny("answered an updatedInput that is not an object".into()),
            };
            (
                Decision::AllowWith {
                    input,
                    updates: Vec::new(),
                },
                None,
            )
        }
        Some("deny") => {
            let message = answer
                .get("message")
                .and_then(Value::as_str)
                .filter(|m| !m.trim().is_empty())
                .unwrap_or("The user denied this tool call.")
                .to_string();
            (
                Decision::DenyWith {
                    message,
                    stop: false,
                },
                Some(denial()),
            )
        }
        _ => deny(format!(
            "answered {}, which is neither {{\"behavior\": \"allow\"}} nor {{\"behavior\": \"deny\"}}",
            shown(&answer.to_string())
        )),
    }
}

/// An answer quoted in a message: its start only, when long.
fn shown(text: &str) -> String {
    let mut cut: String = text.chars().take(120).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    format!("`{cut}`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ApprovalPreview;

    fn request() -> ApprovalRequest {
        ApprovalRequest {
            id: 3,
            call_id: "toolu_9".into(),
            tool: "Bash".into(),
            summary: "rm -rf build".into(),
            preview: ApprovalPreview::None,
            session_rule: String::new(),
            input: json!({"command": "rm -rf build"}),
            rules: Vec::new(),
        }
    }

    const TOOL: &str = "mcp__perm__ask";

    #[test]
    fn allow_runs_the_call_with_the_updated_input_if_any() {
        let (decision, denial) = decision(
            TOOL,
            &request(),
            Ok(json!({"behavior": "allow", "updatedInput": {"command": "rm -rf build/tmp"}})),
        );
        assert_eq!(
            decision,
            Decision::AllowWith {
                input: Some(json!({"command": "rm -rf build/tmp"})),
                updates: vec![]
            }
        );
        assert_eq!(denial, None);
        let same = json!({"behavior": "allow", "updatedInput": {"command": "rm -rf build"}});
        assert_eq!(
            super::decision(TOOL, &request(), Ok(same)).0,
            Decision::AllowWith {
                input: None,
                updates: vec![]
            }
        );
    }

    #[test]
    fn deny_tells_the_model_the_tools_message_and_is_reported() {
        let (decision, denial) = decision(
            TOOL,
            &request(),
            Ok(json!({"behavior": "deny", "message": "not on CI"})),
        );
        assert_eq!(
            decision,
            Decision::DenyWith {
                message: "not on CI".into(),
                stop: false
            }
        );
        assert_eq!(denial.unwrap().tool_use_id, "toolu_9");
    }

    #[test]
    fn a_malformed_answer_or_a_failure_denies_with_the_reason() {
        let message = |answer| match decision(TOOL, &request(), answer).0 {
            Decision::DenyWith { message, .. } => message,
            other => panic!("{other:?}"),
        };
        let maybe = message(Ok(json!({"behavior": "maybe"})));
        assert!(
            maybe.contains(TOOL) && maybe.contains("\"maybe\""),
            "{maybe}"
        );
        let failed = message(Err("it failed: MCP server `perm`: closed".into()));
        assert!(
            failed.contains("it failed: MCP server `perm`: closed"),
            "{failed}"
        );
        let odd = message(Ok(json!({"behavior": "allow", "updatedInput": "rm"})));
        assert!(odd.contains("not an object"), "{odd}");
    }

    #[test]
    fn only_mcp_tool_names_are_prompt_tools() {
        assert!(is_mcp_tool("mcp__perm__ask"));
        assert!(is_mcp_tool("mcp__my-server__approve_it"));
        assert!(!is_mcp_tool("stdio"));
        assert!(!is_mcp_tool("mcp__perm"));
        assert!(!is_mcp_tool("mcp____ask"));
        assert!(!is_mcp_tool("Bash"));
    }
}
