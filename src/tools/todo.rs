//! TodoWrite: the model's task list for the current work. The list replaces the previous one;
//! the UI shows it live in the activity pane.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::{ApprovalPreview, TodoItem, TodoStatus};
use crate::tools::{ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput};

pub struct TodoWrite;

/// The todos of a TodoWrite input, checked.
pub fn parse_todos(input: &Value) -> Result<Vec<TodoItem>, ToolError> {
    let list = input
        .get("todos")
        .and_then(Value::as_array)
        .ok_or_else(|| ToolError::InvalidInput("`todos` must be a list".into()))?;
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_string);
            let content = text("content")
                .filter(|c| !c.trim().is_empty())
                .ok_or_else(|| {
                    ToolError::InvalidInput(format!("todo {}: `content` is required", i + 1))
                })?;
            let status = match text("status").as_deref() {
                Some("pending") => TodoStatus::Pending,
                Some("in_progress") => TodoStatus::InProgress,
                Some("completed") => TodoStatus::Completed,
                other => {
                    return Err(ToolError::InvalidInput(format!(
                        "todo {}: status {other:?} must be pending, in_progress or completed",
                        i + 1
                    )));
                }
            };
            let active_form = text("activeForm").unwrap_or_else(|| content.clone());
            Ok(TodoItem {
                content,
                status,
                active_form,
            })
        })
        .collect()
}

impl Tool for TodoWrite {
    fn name(&self) -> Cow<'static, str> {
        "TodoWrite".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Keeps your task list for multi-step work, shown to the user as you go. Send the whole \
         list each time: todos is a list of {content (imperative: \"Run the tests\"), status \
         (pending, in_progress or completed), activeForm (continuous: \"Running the tests\")}. \
         Keep exactly one task in_progress while working; mark tasks completed as soon as they \
         are done. Use it for work of three steps or more."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "todos": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "content": {"type": "string"},
                            "status": {"type": "string", "enum": ["pending", "in_progress", "completed"]},
                            "activeForm": {"type": "string"}
                        },
                        "required": ["content", "status", "activeForm"]
                    }
                }
            },
            "required": ["todos"]
        })
    }

    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }

    fn summarize(&self, input: &Value) -> String {
        let count = input
            .get("todos")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        crate::words::count(count, "task", "tasks")
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        parse_todos(input)?;
        Ok(ApprovalPreview::None)
    }

    fn run<'a>(
        &'a self,
        input: Value,
        _ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let todos = parse_todos(&input)?;
            let done = todos
                .iter()
                .filter(|t| t.status == TodoStatus::Completed)
                .count();
            Ok(ToolOutput {
                content: format!(
                    "The task list is updated ({done} of {} done). Keep it current as you work.",
                    todos.len()
                ),
                summary: format!("{done}/{} done", todos.len()),
                effects: vec![crate::tools::SessionEffect::ShowTodos(todos)],
                ..Default::default()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn todos_are_checked() {
        let todos = parse_todos(&json!({"todos": [
            {"content": "Run tests", "status": "in_progress", "activeForm": "Running tests"},
            {"content": "Fix bug", "status": "pending"}
        ]}))
        .unwrap();
        assert_eq!(todos[0].status, TodoStatus::InProgress);
        assert_eq!(todos[1].active_form, "Fix bug");
        let err =
            parse_todos(&json!({"todos": [{"content": "x", "status": "doing"}]})).unwrap_err();
        assert!(
            err.to_string()
                .contains("must be pending, in_progress or completed")
        );
        assert!(parse_todos(&json!({"todos": [{"content": " ", "status": "pending"}]})).is_err());
        assert!(parse_todos(&json!({})).is_err());
    }
}
