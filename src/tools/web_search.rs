//! WebSearch: searches the web through the Anthropic API's own server-side search tool, in one
//! request to the session's model made through the agent's services. Where the provider has no
//! such tool, the result says the search is unavailable.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::{
    Asked, ModelQuestion, Risk, Tool, ToolCall, ToolContext, ToolError, ToolOutput, required_str,
};

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

    fn call<'a>(
        &'a self,
        input: Value,
        call: &'a mut ToolCall<'_>,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let query = required_str(&input, "query")?;
            let question = ModelQuestion {
                model: Asked::SessionModel,
                system: "Search the web for the user's query and report what you find: for each relevant result, its title, URL and the facts it gives. Be factual and brief.".into(),
                prompt: format!("Search the web for: {query}"),
                max_tokens: 4096,
                server_tools: vec![server_tool(&input)],
            };
            match call.agent.ask_model(question).await? {
                Ok(text) if text.trim().is_empty() => Err(ToolError::Reported {
                    message: "The search returned nothing.".into(),
                    summary: "no results",
                }),
                Ok(text) => Ok(ToolOutput {
                    content: text,
                    summary: "searched".into(),
                    ..Default::default()
                }),
                Err(error) => Err(ToolError::Reported {
                    message: format!(
                        "Web search is unavailable with this provider or model ({error}). Use WebFetch on a known URL instead."
                    ),
                    summary: "unavailable",
                }),
            }
        })
    }
}
