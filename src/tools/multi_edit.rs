//! MultiEdit: several exact replacements in one file, each applied to the result of the one
//! before; all of them or none. Same rules as Edit (read first, unchanged since, CRLF kept).

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::edit::replace;
use crate::tools::file_change::{Existing, PlannedChange, to_crlf, uses_crlf};
use crate::tools::{ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput, required_str};

pub struct MultiEdit;

impl MultiEdit {
    fn plan(&self, input: &Value, ctx: &ToolContext) -> Result<PlannedChange, ToolError> {
        let path = ctx.resolve(required_str(input, "file_path")?);
        let shown = ctx.display_path(&path);
        let edits = input
            .get("edits")
            .and_then(Value::as_array)
            .filter(|e| !e.is_empty())
            .ok_or_else(|| ToolError::InvalidInput("`edits` must be a non-empty list".into()))?;
        let existing = Existing::read(&path, &shown)?;
        ctx.files
            .lock()
            .map_err(|_| ToolError::Failed("file state poisoned".into()))?
            .check_fresh(&path, &shown)?;
        let crlf = uses_crlf(existing.text());
        let mut text = if crlf {
            existing.text().replace("\r\n", "\n")
        } else {
            existing.text().to_string()
        };
        for (i, edit) in edits.iter().enumerate() {
            let field = |name: &str| -> Result<String, ToolError> {
                let value = required_str(edit, name).map_err(|_| {
                    ToolError::InvalidInput(format!("edit {}: `{name}` is required", i + 1))
                })?;
                Ok(if crlf {
                    value.replace("\r\n", "\n")
                } else {
                    value.to_string()
                })
            };
            let all = edit
                .get("replace_all")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            text = replace(
                &text,
                &field("old_string")?,
                &field("new_string")?,
                all,
                &shown,
            )
            .map_err(|e| {
                ToolError::Failed(format!(
                    "edit {} of {}: {e} (no edit was made)",
                    i + 1,
                    edits.len()
                ))
            })?;
        }
        let after = if crlf { to_crlf(&text) } else { text };
        PlannedChange::new(path, shown, Some(existing), after)
    }
}

impl Tool for MultiEdit {
    fn name(&self) -> Cow<'static, str> {
        "MultiEdit".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Makes several exact replacements in one file, in order, each on the result of the one \
         before: edits is a list of {old_string, new_string, replace_all}. Either every edit \
         applies or none does. Same rules as Edit: Read the file first; each old_string must \
         match exactly and be unique unless replace_all. The user sees the whole diff."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "file_path": {"type": "string"},
                "edits": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "old_string": {"type": "string"},
                            "new_string": {"type": "string"},
                            "replace_all": {"type": "boolean"}
                        },
                        "required": ["old_string", "new_string"]
                    }
                }
            },
            "required": ["file_path", "edits"]
        })
    }

    fn risk(&self) -> Risk {
        Risk::Mutating
    }

    fn summarize(&self, input: &Value) -> String {
        let count = input
            .get("edits")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        format!(
            "{} ({})",
            input["file_path"].as_str().unwrap_or(""),
            crate::words::count(count, "edit", "edits")
        )
    }

    fn preview(&self, input: &Value, ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        Ok(ApprovalPreview::FileChange(self.plan(input, ctx)?.diff()))
    }

    fn run<'a>(
        &'a self,
        input: Value,
        ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move { self.plan(&input, ctx)?.apply(ctx) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::read::Read;
    use std::sync::Arc;

    #[tokio::test]
    async fn all_edits_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.rs");
        std::fs::write(&file, "let a = 1;\nlet b = a;\n").unwrap();
        let ctx = ToolContext::new(dir.path().to_path_buf());
        Read.run(json!({"file_path": "m.rs"}), &ctx, Arc::new(|_| {}))
            .await
            .unwrap();
        let bad = json!({"file_path": "m.rs", "edits": [
            {"old_string": "let a", "new_string": "let x"},
            {"old_string": "missing", "new_string": "y"}
        ]});
        let err = MultiEdit
            .run(bad, &ctx, Arc::new(|_| {}))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("edit 2 of 2") && err.to_string().contains("no edit was made"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "let a = 1;\nlet b = a;\n"
        );
        // Each edit sees the one before: the second renames what the first produced.
        let good = json!({"file_path": "m.rs", "edits": [
            {"old_string": "let a = 1", "new_string": "let value = 1"},
            {"old_string": "value", "new_string": "total", "replace_all": true},
            {"old_string": "= a;", "new_string": "= total;"}
        ]});
        let out = MultiEdit.run(good, &ctx, Arc::new(|_| {})).await.unwrap();
        assert_eq!(out.summary, "+2 -2");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "let total = 1;\nlet b = total;\n"
        );
        assert!(matches!(
            MultiEdit.preview(&json!({"file_path": "m.rs", "edits": []}), &ctx),
            Err(ToolError::InvalidInput(_))
        ));
    }
}
