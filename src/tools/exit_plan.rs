//! ExitPlanMode: in plan mode the model presents its plan with this tool; the user approves it
//! (and changes may begin) or rejects it with a note.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::{ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput, required_str};

pub struct ExitPlanMode;

impl Tool for ExitPlanMode {
    fn name(&self) -> Cow<'static, str> {
        "ExitPlanMode".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "In plan mode, when your plan is ready, present it with this tool (plan: markdown, the \
         steps you will take and the files you will change). The user approves it, and then you \
         may make the changes, or rejects it with a note. Use it only to present an \
         implementation plan, not for research."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {"plan": {"type": "string", "description": "The plan, in markdown"}},
            "required": ["plan"]
        })
    }

    fn risk(&self) -> Risk {
        // It changes nothing itself, but it always asks: the answer is the point.
        Risk::Mutating
    }

    fn summarize(&self, input: &Value) -> String {
        input["plan"]
            .as_str()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        let plan = required_str(input, "plan")?;
        if plan.trim().is_empty() {
            return Err(ToolError::InvalidInput("`plan` is empty".into()));
        }
        Ok(ApprovalPreview::Plan(plan.to_string()))
    }

    fn run<'a>(
        &'a self,
        _input: Value,
        _ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async {
            Ok(ToolOutput {
                content: "The user approved the plan. Plan mode is off: carry it out now.".into(),
                summary: "approved".into(),
                effects: vec![crate::tools::SessionEffect::LeavePlanMode],
                ..Default::default()
            })
        })
    }
}
