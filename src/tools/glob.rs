//! Glob: files matching a glob pattern under a directory, newest first, respecting .gitignore.
//! Paths are shown relative to the working directory when inside it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use futures::future::BoxFuture;
use globset::GlobBuilder;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::{
    ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput, count, optional_str,
    pattern_summary, required_str, walk_blocking,
};

/// At most this many paths are listed.
const MAX_RESULTS: usize = 100;

pub struct Glob;

/// The directory to search: `path` (resolved) or the working directory; it must exist.
pub fn search_root(input: &Value, ctx: &ToolContext) -> Result<PathBuf, ToolError> {
    let root = optional_str(input, "path")
        .filter(|p| !p.trim().is_empty())
        .map(|p| ctx.resolve(p))
        .unwrap_or_else(|| ctx.cwd.clone());
    if !root.exists() {
        return Err(ToolError::NotFound(ctx.display_path(&root)));
    }
    Ok(root)
}

/// A walker over `root` that respects .gitignore (also outside git repositories) and skips
/// hidden files unless `hidden` is set.
pub fn walker(root: &Path, hidden: bool) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(!hidden)
        .git_ignore(true)
        .require_git(false)
        .parents(true)
        .follow_links(false);
    builder
}

impl Glob {
    fn find(
        &self,
        input: &Value,
        ctx: &ToolContext,
        skipped: &AtomicUsize,
    ) -> Result<ToolOutput, ToolError> {
        let pattern = required_str(input, "pattern")?;
        let root = search_root(input, ctx)?;
        let matcher = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| ToolError::InvalidInput(format!("bad glob pattern `{pattern}`: {e}")))?
            .compile_matcher();
        let hidden = pattern.starts_with('.') || pattern.contains("/.");
        // Walk in parallel (a large tree is mostly waiting on the file system).
        let collected = std::sync::Mutex::new(Vec::new());
        let denied = ctx.denied_reads(&root);
        walker(&root, hidden).build_parallel().run(|| {
            let (matcher, root, collected, denied) = (&matcher, &root, &collected, &denied);
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return ignore::WalkState::Continue;
                };
                if entry.file_type().is_some_and(|t| t.is_file())
                    && let Ok(relative) = entry.path().strip_prefix(root)
                    && matcher.is_match(relative)
                {
                    if denied(entry.path()) {
                        skipped.fetch_add(1, Ordering::Relaxed);
                        return ignore::WalkState::Continue;
                    }
                    let modified = entry
                        .metadata()
                        .ok()
                        .and_then(|m| m.modified().ok())
                        .unwrap_or(SystemTime::UNIX_EPOCH);
                    if let Ok(mut found) = collected.lock() {
                        found.push((modified, entry.into_path()));
                    }
                }
                ignore::WalkState::Continue
            })
        });
        let mut found: Vec<(SystemTime, PathBuf)> = collected.into_inner().unwrap_or_default();
        if found.is_empty() {
            return Ok(ToolOutput {
                content: "No files found".into(),
                summary: "0 files".into(),
                ..Default::default()
            });
        }
        // Newest first; ties by path so the order is stable.
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let total = found.len();
        let mut lines: Vec<String> = found
            .iter()
            .take(MAX_RESULTS)
            .map(|(_, p)| ctx.display_path(p))
            .collect();
        if total > MAX_RESULTS {
            lines.push(format!(
                "({} not shown; narrow the pattern)",
                count(total - MAX_RESULTS, "more file", "more files")
            ));
        }
        Ok(ToolOutput {
            content: lines.join("\n"),
            summary: count(total, "file", "files"),
            ..Default::default()
        })
    }
}

impl Tool for Glob {
    fn name(&self) -> Cow<'static, str> {
        "Glob".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Finds files by glob pattern (`**/*.rs`, `src/**/mod.rs`, `*.md`), newest first. `*` \
         doesn't cross directories; use `**/` to search subdirectories. Files ignored by \
         .gitignore and hidden files are skipped. path is the directory to search (default: the \
         working directory). At most 100 paths are listed."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "pattern": {"type": "string", "description": "The glob pattern, relative to path"},
                "path": {"type": "string", "description": "The directory to search (default: the working directory)"}
            },
            "required": ["pattern"]
        })
    }

    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }

    fn summarize(&self, input: &Value) -> String {
        pattern_summary(input)
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        required_str(input, "pattern")?;
        Ok(ApprovalPreview::None)
    }

    fn run<'a>(
        &'a self,
        input: Value,
        ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        walk_blocking(input, ctx, "glob", |input, ctx, skipped| {
            Glob.find(input, ctx, skipped)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    fn touch(dir: &Path, rel: &str, age_secs: u64) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, rel).unwrap();
        let time = SystemTime::now() - Duration::from_secs(age_secs);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(time)
            .unwrap();
    }

    async fn glob(dir: &Path, input: Value) -> Result<ToolOutput, ToolError> {
        let ctx = ToolContext::new(dir.to_path_buf());
        Glob.run(input, &ctx, Arc::new(|_| {})).await
    }

    #[tokio::test]
    async fn newest_first_and_gitignore_respected() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "old.rs", 300);
        touch(dir.path(), "src/new.rs", 10);
        touch(dir.path(), "src/mid.rs", 100);
        touch(dir.path(), "target/gen.rs", 1);
        touch(dir.path(), ".hidden/h.rs", 1);
        std::fs::write(dir.path().join(".gitignore"), "target/\n").unwrap();
        let out = glob(dir.path(), json!({"pattern": "**/*.rs"}))
            .await
            .unwrap();
        assert_eq!(out.content, "src/new.rs\nsrc/mid.rs\nold.rs");
        assert_eq!(out.summary, "3 files");
        let top = glob(dir.path(), json!({"pattern": "*.rs"})).await.unwrap();
        assert_eq!(top.content, "old.rs");
        let sub = glob(dir.path(), json!({"pattern": "*.rs", "path": "src"}))
            .await
            .unwrap();
        assert_eq!(sub.content, "src/new.rs\nsrc/mid.rs");
    }

    #[tokio::test]
    async fn nothing_found_limits_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            glob(dir.path(), json!({"pattern": "*.zz"}))
                .await
                .unwrap()
                .content,
            "No files found"
        );
        for i in 0..105 {
            touch(dir.path(), &format!("f{i}.txt"), 0);
        }
        let out = glob(dir.path(), json!({"pattern": "*.txt"})).await.unwrap();
        assert!(
            out.content
                .ends_with("(5 more files not shown; narrow the pattern)")
        );
        assert!(matches!(
            glob(dir.path(), json!({"pattern": "a[", })).await,
            Err(ToolError::InvalidInput(_))
        ));
        assert!(matches!(
            glob(dir.path(), json!({"pattern": "*", "path": "missing"})).await,
            Err(ToolError::NotFound(_))
        ));
    }
}
