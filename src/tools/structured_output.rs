//! StructuredOutput: with `--json-schema`, the model gives its final answer by calling this
//! tool, whose input schema is the user's schema. An input that doesn't match goes back as an
//! error listing what is wrong, so the model can try again; one that matches ends the turn and
//! becomes the session's structured output.

use std::borrow::Cow;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::{ProgressSink, Risk, SessionEffect, Tool, ToolContext, ToolError, ToolOutput};

/// The name the model calls it by (Claude Code's).
pub const NAME: &str = "StructuredOutput";
/// The most validation errors told back to the model at once.
const MAX_ERRORS_SHOWN: usize = 10;

pub struct StructuredOutput {
    /// The schema the model is given: the user's, or (when it isn't one of an object: tool
    /// inputs are objects) an object holding the answer under `value`.
    input_schema: Value,
    validator: Arc<jsonschema::Validator>,
    wrapped: bool,
}

impl StructuredOutput {
    /// The tool for answers matching `schema`; Err says why the schema can't be used.
    pub fn new(schema: &Value) -> Result<Self, String> {
        let validator = jsonschema::validator_for(schema)
            .map_err(|e| format!("not a valid JSON schema: {e}"))?;
        let wrapped = schema.get("type").and_then(Value::as_str) != Some("object");
        let input_schema = if wrapped {
            json!({"type": "object", "properties": {"value": schema}, "required": ["value"]})
        } else {
            schema.clone()
        };
        Ok(StructuredOutput {
            input_schema,
            validator: Arc::new(validator),
            wrapped,
        })
    }

    /// The answer in `input`, checked: Err lists what doesn't match.
    fn answer(&self, input: &Value) -> Result<Value, ToolError> {
        let answer = if self.wrapped {
            input.get("value").cloned().unwrap_or(Value::Null)
        } else {
            input.clone()
        };
        let errors: Vec<String> = self
            .validator
            .iter_errors(&answer)
            .map(|error| {
                let at = error.instance_path().to_string();
                let at = if at.is_empty() { "/".to_string() } else { at };
                format!("- at {at}: {error}")
            })
            .collect();
        if errors.is_empty() {
            return Ok(answer);
        }
        let mut text = format!(
            "The output does not match the required JSON schema ({}):\n",
            crate::words::count(errors.len(), "problem", "problems")
        );
        text.push_str(&errors[..errors.len().min(MAX_ERRORS_SHOWN)].join("\n"));
        text.push_str(&format!(
            "\nCall {NAME} again with output that matches the schema."
        ));
        Err(ToolError::InvalidInput(text))
    }
}

impl Tool for StructuredOutput {
    fn name(&self) -> Cow<'static, str> {
        NAME.into()
    }

    fn description(&self) -> Cow<'static, str> {
        let shape = if self.wrapped {
            "with the answer under `value`, matching the schema of `value`"
        } else {
            "its input is the answer, as JSON matching the input schema"
        };
        format!(
            "Give your final answer with this tool, once, at the end, after any other work: \
             {shape}. The user's program reads this output, not your text. If the call is \
             rejected, fix what it says and call it again."
        )
        .into()
    }

    fn input_schema(&self) -> Value {
        self.input_schema.clone()
    }

    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }

    fn summarize(&self, _input: &Value) -> String {
        "final answer".into()
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        self.answer(input)?;
        Ok(ApprovalPreview::None)
    }

    fn run<'a>(
        &'a self,
        input: Value,
        _ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let answer = self.answer(&input)?;
            Ok(ToolOutput {
                content: "Structured output accepted.".into(),
                summary: "accepted".into(),
                effects: vec![SessionEffect::StructuredOutput(answer)],
                ..Default::default()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(schema: Value) -> StructuredOutput {
        StructuredOutput::new(&schema).unwrap()
    }

    #[test]
    fn a_matching_answer_passes_and_a_wrong_one_lists_each_problem() {
        let tool = tool(json!({
            "type": "object",
            "properties": {"name": {"type": "string"}, "count": {"type": "integer"}},
            "required": ["name", "count"]
        }));
        assert_eq!(tool.input_schema()["required"][1], "count");
        let good = json!({"name": "a", "count": 2});
        assert_eq!(tool.answer(&good).unwrap(), good);
        let Err(ToolError::InvalidInput(text)) = tool.answer(&json!({"count": "two"})) else {
            panic!("a wrong answer passed");
        };
        assert!(text.contains("(2 problems)"), "{text}");
        assert!(text.contains("at /count"), "{text}");
        assert!(text.contains("\"name\" is a required property"), "{text}");
        assert!(
            text.ends_with("with output that matches the schema."),
            "{text}"
        );
    }

    #[test]
    fn a_schema_of_something_else_than_an_object_is_asked_for_under_value() {
        let tool = tool(json!({"type": "array", "items": {"type": "number"}}));
        assert_eq!(tool.input_schema()["properties"]["value"]["type"], "array");
        assert_eq!(
            tool.answer(&json!({"value": [1, 2.5]})).unwrap(),
            json!([1, 2.5])
        );
        assert!(tool.answer(&json!({"value": ["x"]})).is_err());
        assert!(tool.answer(&json!({})).is_err());
    }

    #[test]
    fn an_invalid_schema_is_refused() {
        assert!(StructuredOutput::new(&json!({"type": 7})).is_err());
    }
}
