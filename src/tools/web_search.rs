//! WebSearch: searches the web through the Anthropic API's own server-side search tool (the
//! agent makes that request; see `agent::web`). Where the provider has no such tool, the result
//! says the search is unavailable.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::{ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput, required_str};

pub struct WebSearch;

/// The API's web search tool definition for a query's domain limits.
pub fn server_tool(input: &Value) -> Value {
    let mut tool = json!({"type": "web_search_20250305", "name": "web_search", "max_uses": 5});
    for key in ["allowed_domains", "blocked_domains"] {
        if let Some(list) = input
            .get(key)
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty())
        {
            tool[key] = Value::Array(list.clone());
        }
    }
    tool
}

impl Tool for WebSearch {
    fn name(&self) -> Cow<'static, str> {
        "WebSearch".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Searches the web and returns the results with their URLs. allowed_domains or \
         blocked_domains limit where results come from. Use it for facts newer than your \
         training or outside this repository."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "query": {"type": "string"},
                "allowed_domains": {"type": "array", "items": {"type": "string"}},
                "blocked_domains": {"type": "array", "items": {"type": "string"}}
            },
            "required": ["query"]
        })
    }

    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }

    fn summarize(&self, input: &Value) -> String {
        input["query"].as_str().unwrap_or("").to_string()
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        let query = required_str(input, "query")?;
        if query.trim().len() < 2 {
            return Err(ToolError::InvalidInput("the query is too short".into()));
        }
        Ok(ApprovalPreview::None)
    }

    fn run<'a>(
        &'a self,
        _input: Value,
        _ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async {
            Err(ToolError::Failed(
                "web search runs through the model provider".into(),
            ))
        })
    }
}
