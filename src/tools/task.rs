//! Task: hands a self-contained piece of work to a sub-agent with its own context and the same
//! tools (Task itself refused). The agent's services run the sub-agent; its steps show nested
//! under the Task call and it obeys the same permissions; its report is the result. The
//! session's custom agents (`subagent_type`) are listed in its description.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::{
    Risk, SubagentEnd, Tool, ToolCall, ToolContext, ToolError, ToolOutput, required_str,
};

/// The built-in agent's name, what `subagent_type` means when left out.
const GENERAL_PURPOSE: &str = "general-purpose";

/// A custom agent the model may pick, as the Task tool lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentChoice {
    pub name: String,
    /// When to use it.
    pub description: String,
}

/// The Task tool, with the session's custom agents (none: general-purpose only).
#[derive(Clone, Debug, Default)]
pub struct Task {
    agents: Vec<AgentChoice>,
}

impl Task {
    pub fn with_agents(agents: Vec<AgentChoice>) -> Task {
        Task { agents }
    }

    /// The custom agent `subagent_type` names (None: the general-purpose one), or the error to
    /// give the model for a name no agent has.
    fn chosen(&self, input: &Value) -> Result<Option<String>, ToolError> {
        let Some(kind) = input["subagent_type"]
            .as_str()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        else {
            return Ok(None);
        };
        if self.agents.iter().any(|a| a.name == kind) {
            return Ok(Some(kind.to_string()));
        }
        if kind == GENERAL_PURPOSE {
            return Ok(None);
        }
        let known: Vec<&str> = std::iter::once(GENERAL_PURPOSE)
            .chain(self.agents.iter().map(|a| a.name.as_str()))
            .collect();
        Err(ToolError::InvalidInput(format!(
            "no agent type `{kind}`: use one of {}",
            known.join(", ")
        )))
    }
}

impl Tool for Task {
    fn name(&self) -> Cow<'static, str> {
        "Task".into()
    }

    fn description(&self) -> Cow<'static, str> {
        let base = "Starts a sub-agent for a self-contained task (a search across the code, an \
         investigation, a well-specified change) and returns its final report. It starts with no \
         knowledge of this conversation: give it everything it needs in prompt, and say what to \
         report back. description is 3-5 words for the user. subagent_type is optional \
         (general-purpose). It uses the same tools and permissions, except Task itself.";
        if self.agents.is_empty() {
            return base.into();
        }
        let mut text = format!(
            "{base}\n\nAgent types for subagent_type (a custom agent has its own instructions, \
             and may have fewer tools or another model):\n- {GENERAL_PURPOSE}: any task, with \
             all the tools"
        );
        for agent in &self.agents {
            text.push_str(&format!("\n- {}: {}", agent.name, agent.description));
        }
        text.into()
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
        self.chosen(input)?;
        Ok(ApprovalPreview::None)
    }

    fn call<'a>(
        &'a self,
        input: Value,
        call: &'a mut ToolCall<'_>,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let prompt = required_str(&input, "prompt")?.to_string();
            let agent = self.chosen(&input)?;
            match call.agent.run_subagent(prompt, agent).await? {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_agents_are_listed_and_an_unknown_type_is_refused() {
        let plain = Task::default();
        assert!(!plain.description().contains("Agent types"));
        assert_eq!(
            plain.chosen(&json!({"subagent_type": "general-purpose"})),
            Ok(None)
        );
        let task = Task::with_agents(vec![AgentChoice {
            name: "reviewer".into(),
            description: "Reviews diffs".into(),
        }]);
        let text = task.description();
        assert!(text.contains("- general-purpose:"), "{text}");
        assert!(text.contains("- reviewer: Reviews diffs"), "{text}");
        assert_eq!(
            task.chosen(&json!({"subagent_type": "reviewer"})),
            Ok(Some("reviewer".into()))
        );
        assert_eq!(task.chosen(&json!({})), Ok(None));
        let error = task
            .chosen(&json!({"subagent_type": "tester"}))
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("no agent type `tester`: use one of general-purpose, reviewer"),
            "{error}"
        );
    }
}
