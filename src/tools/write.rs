//! Write: creates a file or replaces its content. An existing file must have been Read in this
//! session and be unchanged since; its line endings and encoding (BOM included) are kept; a new
//! file is UTF-8, and missing parent directories are made.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::file_change::{Existing, PlannedChange, to_crlf, uses_crlf};
use crate::tools::{ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput, required_str};

pub struct Write;

impl Write {
    fn plan(&self, input: &Value, ctx: &ToolContext) -> Result<PlannedChange, ToolError> {
        let path = ctx.resolve(required_str(input, "file_path")?);
        let content = required_str(input, "content")?;
        let shown = ctx.display_path(&path);
        if path.is_dir() {
            return Err(ToolError::InvalidInput(format!("{shown} is a directory")));
        }
        let before = match std::fs::read(&path) {
            Ok(bytes) => {
                ctx.files
                    .lock()
                    .map_err(|_| ToolError::Failed("file state poisoned".into()))?
                    .check_fresh(&path, &shown)?;
                Some(Existing::decode(bytes, &shown)?)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(ToolError::Io(format!("cannot read {shown}: {e}"))),
        };
        let after = match &before {
            Some(old) if uses_crlf(old.text()) => to_crlf(content),
            _ => content.to_string(),
        };
        PlannedChange::new(path, shown, before, after)
    }
}

impl Tool for Write {
    fn name(&self) -> Cow<'static, str> {
        "Write".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Writes a file: creates it (with any missing parent directories) or replaces all of its \
         content. To replace an existing file you must have Read it in this session, and it must \
         not have changed since. Prefer Edit for changes to part of a file. The user sees the \
         diff and approves it."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "file_path": {"type": "string", "description": "The file to write (absolute, or relative to the working directory)"},
                "content": {"type": "string", "description": "The whole new content of the file"}
            },
            "required": ["file_path", "content"]
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

    #[tokio::test]
    async fn creates_files_and_parents() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = ToolContext::new(dir.path().to_path_buf());
        let input = json!({"file_path": "a/b/new.txt", "content": "hi\nthere\n"});
        let ApprovalPreview::FileChange(diff) = Write.preview(&input, &ctx).unwrap() else {
            panic!()
        };
        assert!(diff.created);
        assert_eq!(diff.added, 2);
        let out = run(&Write, &ctx, input).await.unwrap();
        assert_eq!(out.summary, "created, 2 lines");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/b/new.txt")).unwrap(),
            "hi\nthere\n"
        );
        // Written by the tool: editing it again needs no new Read.
        run(
            &Write,
            &ctx,
            json!({"file_path": "a/b/new.txt", "content": "bye\n"}),
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn an_existing_file_must_be_read_first_and_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.txt");
        std::fs::write(&file, "old\n").unwrap();
        let ctx = ToolContext::new(dir.path().to_path_buf());
        let input = json!({"file_path": "x.txt", "content": "new\n"});
        assert_eq!(
            Write.preview(&input, &ctx).unwrap_err(),
            ToolError::NotRead {
                path: "x.txt".into()
            }
        );
        run(&Read, &ctx, json!({"file_path": "x.txt"}))
            .await
            .unwrap();
        std::fs::write(&file, "changed behind our back\n").unwrap();
        assert_eq!(
            run(&Write, &ctx, input.clone()).await.unwrap_err(),
            ToolError::Stale {
                path: "x.txt".into()
            }
        );
        run(&Read, &ctx, json!({"file_path": "x.txt"}))
            .await
            .unwrap();
        let out = run(&Write, &ctx, input).await.unwrap();
        assert_eq!(out.summary, "+1 -1");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new\n");
    }

    #[tokio::test]
    async fn crlf_files_stay_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w.txt");
        std::fs::write(&file, "a\r\nb\r\n").unwrap();
        let ctx = ToolContext::new(dir.path().to_path_buf());
        run(&Read, &ctx, json!({"file_path": "w.txt"}))
            .await
            .unwrap();
        run(
            &Write,
            &ctx,
            json!({"file_path": "w.txt", "content": "a\nc\n"}),
        )
        .await
        .unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "a\r\nc\r\n");
    }
}
