//! AskUserQuestion: the model asks the user to choose (1 to 4 questions, each with options);
//! the agent's services show the choice dialog and the answers go back as the result.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::{ApprovalPreview, Decision, Question};
use crate::tools::{Risk, Tool, ToolCall, ToolContext, ToolError, ToolOutput};

pub struct AskUserQuestion;

/// The questions of an AskUserQuestion input, checked. Options may be strings or
/// `{label, description}` objects (Claude Code's form); the label is what is shown and returned.
pub fn parse_questions(input: &Value) -> Result<Vec<Question>, ToolError> {
    let list = input
        .get("questions")
        .and_then(Value::as_array)
        .filter(|q| (1..=4).contains(&q.len()))
        .ok_or_else(|| ToolError::InvalidInput("`questions` must list 1 to 4 questions".into()))?;
    list.iter()
        .enumerate()
        .map(|(i, q)| {
            let question = q
                .get("question")
                .and_then(Value::as_str)
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| {
                    ToolError::InvalidInput(format!("question {}: `question` is required", i + 1))
                })?;
            let (options, descriptions): (Vec<String>, Vec<String>) = q
                .get("options")
                .and_then(Value::as_array)
                .map(|o| {
                    o.iter()
                        .filter_map(|opt| match opt {
                            Value::String(s) => Some((s.clone(), String::new())),
                            other => other.get("label").and_then(Value::as_str).map(|label| {
                                let description = other.get("description").and_then(Value::as_str);
                                (label.to_string(), description.unwrap_or("").to_string())
                            }),
                        })
                        .unzip()
                })
                .unwrap_or_default();
            if !(2..=9).contains(&options.len()) {
                return Err(ToolError::InvalidInput(format!(
                    "question {}: give 2 to 9 options",
                    i + 1
                )));
            }
            let text = |key: &str| q.get(key).and_then(Value::as_str).unwrap_or("").to_string();
            Ok(Question {
                question: question.to_string(),
                header: text("header"),
                options,
                descriptions,
                multi_select: q
                    .get("multiSelect")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            })
        })
        .collect()
}

/// The result the model gets: each question with the user's answer.
pub fn format_answers(questions: &[Question], answers: &[String]) -> String {
    let mut out = String::from("The user answered:\n");
    for (q, a) in questions.iter().zip(answers) {
        out.push_str(&format!("- {} → {}\n", q.question, a));
    }
    out
}

impl Tool for AskUserQuestion {
    fn name(&self) -> Cow<'static, str> {
        "AskUserQuestion".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Asks the user to choose when a decision is theirs to make (1 to 4 questions, each with \
         2 to 9 options; the user may also answer in their own words). Use it instead of \
         guessing about preferences or requirements; don't use it for things you can find out \
         with the other tools."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "questions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "question": {"type": "string"},
                            "header": {"type": "string", "description": "A short tag shown above the question (a few words, e.g. \"Database\")"},
                            "options": {"type": "array", "items": {"type": "object", "properties": {
                                "label": {"type": "string", "description": "The choice as shown and returned: short and self-explanatory"},
                                "description": {"type": "string", "description": "Shown under the label: what choosing it means"}
                            }, "required": ["label"]}},
                            "multiSelect": {"type": "boolean", "description": "Let the user tick several options; the answer lists them joined with \", \""}
                        },
                        "required": ["question", "options"]
                    }
                }
            },
            "required": ["questions"]
        })
    }

    fn risk(&self) -> Risk {
        // Nothing to approve: the call itself asks the user, whatever the mode, and the answer
        // is the result.
        Risk::ReadOnly
    }

    fn summarize(&self, input: &Value) -> String {
        input
            .pointer("/questions/0/question")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        Ok(ApprovalPreview::Questions(parse_questions(input)?))
    }

    fn call<'a>(
        &'a self,
        input: Value,
        call: &'a mut ToolCall<'_>,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let questions = parse_questions(&input)?;
            let decision = call.agent.ask_user(questions.clone()).await?;
            if decision == Decision::Deny {
                // Not a tool call the user refused: questions they chose not to answer.
                return Err(ToolError::Declined(
                    "The user declined to answer these questions.".into(),
                ));
            }
            if let Some(refusal) = ToolError::refusal(&decision) {
                return Err(refusal);
            }
            match decision {
                Decision::Answered(answers) => Ok(ToolOutput {
                    content: format_answers(&questions, &answers),
                    summary: "answered".into(),
                    ..Default::default()
                }),
                Decision::AllowOnce
                | Decision::AllowForSession
                | Decision::AllowAlways
                | Decision::Deny
                | Decision::DenyWithNote(_)
                | Decision::DenyAndStop
                | Decision::AllowWith { .. }
                | Decision::DenyWith { .. } => Err(ToolError::Failed(
                    "the user closed the question without answering".into(),
                )),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_in_both_option_forms() {
        let q = parse_questions(&json!({"questions": [
            {"question": "Which database?", "options": [{"label": "Postgres", "description": "x"}, {"label": "SQLite"}]},
            {"question": "Tabs?", "options": ["yes", "no"]}
        ]}))
        .unwrap();
        assert_eq!(q[0].options, vec!["Postgres", "SQLite"]);
        assert_eq!(q[1].options, vec!["yes", "no"]);
        assert_eq!(q[0].descriptions, vec!["x", ""]);
        let multi = parse_questions(
            &json!({"questions": [{"question": "Which?", "header": "Parts",
            "multiSelect": true, "options": [{"label": "a"}, {"label": "b"}]}]}),
        )
        .unwrap();
        assert!(multi[0].multi_select && !q[0].multi_select);
        assert_eq!(multi[0].header, "Parts");
        assert!(
            parse_questions(&json!({"questions": [{"question": "x", "options": ["only one"]}]}))
                .is_err()
        );
        assert!(parse_questions(&json!({"questions": []})).is_err());
        let text = format_answers(&q, &["SQLite".into(), "no".into()]);
        assert!(text.contains("Which database? → SQLite") && text.contains("Tabs? → no"));
    }
}
