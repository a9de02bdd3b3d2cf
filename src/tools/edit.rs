//! Edit: replaces an exact string in a file (once, where it must be unique, or everywhere with
//! replace_all). The file must have been Read and be unchanged since; CRLF files stay CRLF.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::file_change::{Existing, PlannedChange, to_crlf, uses_crlf};
use crate::tools::{
    ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput, optional_bool, required_str,
};

pub struct Edit;

/// `content` with `old` replaced by `new` (once or everywhere), or why not.
pub fn replace(
    content: &str,
    old: &str,
    new: &str,
    replace_all: bool,
    shown: &str,
) -> Result<String, ToolError> {
    if old == new {
        return Err(ToolError::NoChange);
    }
    if old.is_empty() {
        return Err(ToolError::InvalidInput(
            "old_string is empty: to create a file use Write".into(),
        ));
    }
    let count = content.matches(old).count();
    match count {
        0 => Err(ToolError::NoMatch { path: shown.into() }),
        1 => Ok(content.replacen(old, new, 1)),
        _ if replace_all => Ok(content.replace(old, new)),
        _ => Err(ToolError::NotUnique {
            path: shown.into(),
            count,
        }),
    }
}

impl Edit {
    fn plan(&self, input: &Value, ctx: &ToolContext) -> Result<PlannedChange, ToolError> {
        let path = ctx.resolve(required_str(input, "file_path")?);
        let old = required_str(input, "old_string")?;
        let new = required_str(input, "new_string")?;
        let replace_all = optional_bool(input, "replace_all");
        let shown = ctx.display_path(&path);
        let existing = Existing::read(&path, &shown)?;
        ctx.files
            .lock()
            .map_err(|_| ToolError::Failed("file state poisoned".into()))?
            .check_fresh(&path, &shown)?;
        let content = existing.text();
        let after = if uses_crlf(content) {
            // Match in LF form (the model sees lines, not line endings), write back CRLF.
            let lf = content.replace("\r\n", "\n");
            to_crlf(&replace(
                &lf,
                &old.replace("\r\n", "\n"),
                &new.replace("\r\n", "\n"),
                replace_all,
                &shown,
            )?)
        } else {
            replace(content, old, new, replace_all, &shown)?
        };
        PlannedChange::new(path, shown, Some(existing), after)
    }
}

impl Tool for Edit {
    fn name(&self) -> Cow<'static, str> {
        "Edit".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Replaces old_string with new_string in a file. old_string must match the file exactly \
         (whitespace and indentation included; don't include Read's line-number prefix) and be \
         unique unless replace_all is true; give enough surrounding lines to make it unique. You \
         must have Read the file in this session, and it must not have changed since. The user \
         sees the diff and approves it."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "file_path": {"type": "string", "description": "The file to change: absolute, or relative to the working directory; a file outside the working directories always needs the user's approval"},
                "old_string": {"type": "string", "description": "The exact text to replace"},
                "new_string": {"type": "string", "description": "The text to put in its place"},
                "replace_all": {"type": "boolean", "description": "Replace every occurrence (default false)"}
            },
            "required": ["file_path", "old_string", "new_string"]
        })
    }

    fn risk(&self) -> Risk {
        Risk::Mutating
    }

    fn summarize(&self, input: &Value) -> String {
        input["file_path"].as_str().unwrap_or("").to_string()
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

    async fn run(
        tool: &dyn Tool,
        ctx: &ToolContext,
        input: Value,
    ) -> Result<ToolOutput, ToolError> {
        tool.run(input, ctx, Arc::new(|_| {})).await
    }

    async fn setup(content: &str) -> (tempfile::TempDir, ToolContext) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f.rs"), content).unwrap();
        let ctx = ToolContext::new(dir.path().to_path_buf());
        run(&Read, &ctx, json!({"file_path": "f.rs"}))
            .await
            .unwrap();
        (dir, ctx)
    }

    #[test]
    fn replace_rules() {
        assert_eq!(replace("a b a", "b", "c", false, "f").unwrap(), "a c a");
        assert_eq!(replace("a b a", "a", "c", true, "f").unwrap(), "c b c");
        assert_eq!(
            replace("a b a", "a", "c", false, "f").unwrap_err(),
            ToolError::NotUnique {
                path: "f".into(),
                count: 2
            }
        );
        assert_eq!(
            replace("a", "z", "c", false, "f").unwrap_err(),
            ToolError::NoMatch { path: "f".into() }
        );
        assert_eq!(
            replace("a", "a", "a", false, "f").unwrap_err(),
            ToolError::NoChange
        );
        assert!(replace("a", "", "b", false, "f").is_err());
    }

    #[tokio::test]
    async fn edits_after_a_read_and_shows_the_diff() {
        let (dir, ctx) = setup("fn main() {\n    old();\n}\n").await;
        let input = json!({"file_path": "f.rs", "old_string": "old()", "new_string": "new()"});
        let ApprovalPreview::FileChange(diff) = Edit.preview(&input, &ctx).unwrap() else {
            panic!()
        };
        assert_eq!((diff.added, diff.removed), (1, 1));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("f.rs")).unwrap(),
            "fn main() {\n    old();\n}\n"
        );
        let out = run(&Edit, &ctx, input).await.unwrap();
        assert_eq!(out.summary, "+1 -1");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("f.rs")).unwrap(),
            "fn main() {\n    new();\n}\n"
        );
        // A second edit works without another Read: the tool recorded its own write.
        run(
            &Edit,
            &ctx,
            json!({"file_path": "f.rs", "old_string": "new()", "new_string": "newer()"}),
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn errors_name_the_problem() {
        let (dir, ctx) = setup("x x\n").await;
        let err = Edit
            .preview(
                &json!({"file_path": "f.rs", "old_string": "x", "new_string": "y"}),
                &ctx,
            )
            .unwrap_err();
        assert!(err.to_string().contains("matches 2 places"), "{err}");
        let err = Edit
            .preview(
                &json!({"file_path": "f.rs", "old_string": "q", "new_string": "y"}),
                &ctx,
            )
            .unwrap_err();
        assert!(err.to_string().contains("not found"), "{err}");
        let err = Edit
            .preview(
                &json!({"file_path": "nope.rs", "old_string": "q", "new_string": "y"}),
                &ctx,
            )
            .unwrap_err();
        assert_eq!(err, ToolError::NotFound("nope.rs".into()));
        std::fs::write(dir.path().join("unread.rs"), "a").unwrap();
        let err = Edit
            .preview(
                &json!({"file_path": "unread.rs", "old_string": "a", "new_string": "b"}),
                &ctx,
            )
            .unwrap_err();
        assert!(err.to_string().contains("has not been read"), "{err}");
        std::fs::write(dir.path().join("f.rs"), "x x changed\n").unwrap();
        let err = Edit.preview(&json!({"file_path": "f.rs", "old_string": "x x", "new_string": "y", "replace_all": true}), &ctx).unwrap_err();
        assert!(err.to_string().contains("changed since"), "{err}");
    }

    #[tokio::test]
    async fn crlf_is_kept() {
        let (dir, ctx) = setup("one\r\ntwo\r\nthree\r\n").await;
        run(
            &Edit,
            &ctx,
            json!({"file_path": "f.rs", "old_string": "one\ntwo", "new_string": "uno\ndos"}),
        )
        .await
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("f.rs")).unwrap(),
            "uno\r\ndos\r\nthree\r\n"
        );
    }
}
