//! Grep and Glob pass over files a Read deny rule covers (plain or through a link) and say how
//! many they skipped.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::permissions::{PermissionMode, Permissions, RuleKind};
use crate::tools::glob::Glob;
use crate::tools::grep::Grep;
use crate::tools::{Tool, ToolContext, ToolOutput};

fn project() -> (tempfile::TempDir, ToolContext) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(root.join("secret.txt"), "TOPSECRET here\n").unwrap();
    std::fs::create_dir(root.join("keys")).unwrap();
    std::fs::write(root.join("keys/a.pem"), "TOPSECRET key\n").unwrap();
    std::fs::write(root.join("open.txt"), "TOPSECRET is a word\n").unwrap();
    let mut permissions = Permissions::new(PermissionMode::Default, &root, None);
    permissions.add(RuleKind::Deny, "Read(./secret.txt)", &root);
    permissions.add(RuleKind::Deny, "Read(./keys/**)", &root);
    let ctx = ToolContext::new(root);
    *ctx.read_denials.write().unwrap() = permissions.read_denials();
    (dir, ctx)
}

async fn run(tool: &dyn Tool, ctx: &ToolContext, input: Value) -> ToolOutput {
    tool.run(input, ctx, Arc::new(|_| {})).await.unwrap()
}

#[tokio::test]
async fn grep_skips_denied_files_in_every_mode() {
    let (_dir, ctx) = project();
    for mode in ["files_with_matches", "content", "count"] {
        let out = run(
            &Grep,
            &ctx,
            json!({"pattern": "TOPSECRET", "output_mode": mode}),
        )
        .await;
        assert!(out.content.contains("open.txt"), "{mode}: {}", out.content);
        assert!(
            !out.content.contains("secret.txt"),
            "{mode}: {}",
            out.content
        );
        assert!(!out.content.contains("TOPSECRET here"), "{mode}");
        assert!(!out.content.contains("a.pem"), "{mode}");
        assert!(
            out.content.contains("2 files skipped"),
            "{mode}: {}",
            out.content
        );
    }
}

#[tokio::test]
async fn glob_skips_denied_files_and_says_so() {
    let (_dir, ctx) = project();
    let out = run(&Glob, &ctx, json!({"pattern": "**/*"})).await;
    assert!(out.content.contains("open.txt"), "{}", out.content);
    assert!(!out.content.contains("secret.txt"));
    assert!(!out.content.contains("a.pem"));
    assert!(out.content.contains("2 files skipped"), "{}", out.content);
}

#[tokio::test]
async fn a_search_root_reached_through_a_link_is_filtered_where_it_leads() {
    let (dir, ctx) = project();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::os::unix::fs::symlink(root.join("keys"), root.join("alias")).unwrap();
    let out = run(
        &Grep,
        &ctx,
        json!({"pattern": "TOPSECRET", "path": "alias"}),
    )
    .await;
    assert!(!out.content.contains("a.pem"), "{}", out.content);
    assert!(out.content.contains("1 file skipped"), "{}", out.content);
    assert!(Path::new(&root.join("alias")).exists());
}
