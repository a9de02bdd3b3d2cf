//! Claude Code's resource tools, offered while some MCP server is ready:
//! `ListMcpResourcesTool` (every server's resources, or one server's) and
//! `ReadMcpResourceTool` (one resource's contents: text, and images the model sees).

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::mcp::McpServers;
use crate::protocol::ApprovalPreview;
use crate::tools::{ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput};

pub(crate) struct ListResources(pub McpServers);
pub(crate) struct ReadResource(pub McpServers);

fn server_of(input: &Value) -> Option<&str> {
    input.get("server").and_then(Value::as_str)
}

impl Tool for ListResources {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("ListMcpResourcesTool")
    }
    fn description(&self) -> Cow<'static, str> {
        Cow::Borrowed(
            "Lists the resources the connected MCP servers offer (all of them, or one server's \
             with `server`). Read one with ReadMcpResourceTool.",
        )
    }
    fn input_schema(&self) -> Value {
        json!({"type": "object", "properties": {
            "server": {"type": "string", "description": "Only this server's resources"}
        }})
    }
    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }
    fn summarize(&self, input: &Value) -> String {
        server_of(input).unwrap_or("all servers").to_string()
    }
    fn preview(&self, _input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        Ok(ApprovalPreview::None)
    }
    fn run<'a>(
        &'a self,
        input: Value,
        _ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let wanted = server_of(&input).map(str::to_string);
            let mut lines = Vec::new();
            for (server, peer) in self.0.peers() {
                if wanted.as_deref().is_some_and(|w| w != server) {
                    continue;
                }
                match peer.list_all_resources().await {
                    Ok(resources) => {
                        for resource in resources {
                            let r = serde_json::to_value(&resource).unwrap_or_default();
                            let mut line = format!("{server}: {}", r["uri"].as_str().unwrap_or(""));
                            for key in ["name", "mimeType", "description"] {
                                if let Some(v) = r[key].as_str() {
                                    line.push_str(&format!(" {key}={v:?}"));
                                }
                            }
                            lines.push(line);
                        }
                    }
                    Err(e) => lines.push(format!("{server}: cannot list resources: {e}")),
                }
            }
            if let Some(w) = &wanted
                && !self.0.peers().iter().any(|(s, _)| s == w)
            {
                return Err(ToolError::InvalidInput(format!(
                    "no connected MCP server `{w}`"
                )));
            }
            let summary = crate::tools::count(lines.len(), "resource", "resources");
            Ok(ToolOutput {
                content: if lines.is_empty() {
                    "No resources.".into()
                } else {
                    lines.join("\n")
                },
                summary,
                ..ToolOutput::default()
            })
        })
    }
}

impl Tool for ReadResource {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("ReadMcpResourceTool")
    }
    fn description(&self) -> Cow<'static, str> {
        Cow::Borrowed("Reads one resource of an MCP server by its URI.")
    }
    fn input_schema(&self) -> Value {
        json!({"type": "object", "required": ["server", "uri"], "properties": {
            "server": {"type": "string", "description": "The MCP server's name"},
            "uri": {"type": "string", "description": "The resource's URI"}
        }})
    }
    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }
    fn summarize(&self, input: &Value) -> String {
        format!(
            "{}:{}",
            server_of(input).unwrap_or(""),
            input["uri"].as_str().unwrap_or("")
        )
    }
    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        crate::tools::required_str(input, "server")?;
        crate::tools::required_str(input, "uri")?;
        Ok(ApprovalPreview::None)
    }
    fn run<'a>(
        &'a self,
        input: Value,
        _ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let server = crate::tools::required_str(&input, "server")?;
            let uri = crate::tools::required_str(&input, "uri")?;
            let peer = self
                .0
                .peers()
                .into_iter()
                .find(|(s, _)| s == server)
                .map(|(_, p)| p)
                .ok_or_else(|| {
                    ToolError::InvalidInput(format!("no connected MCP server `{server}`"))
                })?;
            let params = serde_json::from_value(json!({ "uri": uri }))
                .map_err(|e| ToolError::InvalidInput(e.to_string()))?;
            let read = peer
                .read_resource(params)
                .await
                .map_err(|e| ToolError::Failed(format!("MCP server `{server}`: {e}")))?;
            let read = serde_json::to_value(&read).unwrap_or_default();
            let blocks: Vec<Value> = read["contents"]
                .as_array()
                .map(|c| {
                    c.iter()
                        .map(|r| json!({"type": "resource", "resource": r}))
                        .collect()
                })
                .unwrap_or_default();
            crate::mcp::result::tool_output(
                &json!({ "content": blocks }),
                self.0.options().max_output_tokens,
            )
        })
    }
}
