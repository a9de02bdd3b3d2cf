//! Task: hands a self-contained piece of work to a sub-agent with its own context and the same
//! tools (Task itself refused). The agent's services run the sub-agent; its steps show nested
//! under the Task call and it obeys the same permissions; its report is the result.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::{
    Risk, SubagentEnd, Tool, ToolCall, ToolContext, ToolError, ToolOutput, required_str,
};

pub struct Task;

impl Tool for Task {
    fn name(&self) -> Cow<'static, str> {
        "Task".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Starts a sub-agent for a self-contained task (a search across the code, an \
         investigation, a well-specified change) and returns its final report. It starts with no \
         knowledge of this conversation: give it everything it needs in prompt, and say what to \
         report back. description is 3-5 words for the user. subagent_type is optional \
         (general-purpose). It uses the same tools and permissions, except Task itself."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "description": {"type": "string"},
                "prompt": {"type": "string"},
                "subagent_type": {"type": "string"}
            },
            "required": ["description", "prompt"]
        })
    }

    fn risk(&self) -> Risk {
        // The sub-agent's own tool calls ask as usual.
        Risk::ReadOnly
    }

    fn summarize(&self, input: &Value) -> String {
        input["description"].as_str().unwrap_or("").to_string()
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        required_str(input, "prompt")?;
        Ok(ApprovalPreview::None)
    }

    fn call<'a>(
        &'a self,
        input: Value,
        call: &'a mut ToolCall<'_>,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let prompt = required_str(&input, "prompt")?.to_string();
            match call.agent.run_subagent(prompt).await? {
                SubagentEnd::Reported(report) => Ok(ToolOutput {
                    content: report,
                    summary: "reported".into(),
                    ..Default::default()
                }),
                SubagentEnd::Interrupted => Err(ToolError::Interrupted(
                    "The user interrupted the sub-agent.".into(),
                )),
                SubagentEnd::Failed => Err(ToolError::Reported {
                    message: "The sub-agent failed before it could report (see the errors shown to the user)."
                        .into(),
                    summary: "failed",
                }),
            }
        })
    }
}
