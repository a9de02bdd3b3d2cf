//! Grep against a small tree: the modes, context, filters, limits and paging.

use super::*;
use std::path::Path;
use std::sync::Arc;

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let w = |rel: &str, text: &[u8]| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w("src/a.rs", b"fn alpha() {}\nfn beta() {}\n// TODO alpha\n");
    w("src/b.py", b"def alpha():\n    pass\n");
    w("notes.md", b"one\ntwo\nAlpha three\nfour\nfive\n");
    w("target/x.rs", b"fn alpha() {}\n");
    w("bin.dat", b"alpha\0binary");
    w(".gitignore", b"target/\n");
    dir
}

async fn grep(dir: &Path, input: Value) -> Result<ToolOutput, ToolError> {
    let ctx = ToolContext::new(dir.to_path_buf());
    Grep.run(input, &ctx, Arc::new(|_| {})).await
}

#[tokio::test]
async fn files_with_matches_by_default_skipping_ignored_and_binary() {
    let dir = tree();
    let out = grep(dir.path(), json!({"pattern": "alpha"})).await.unwrap();
    assert_eq!(out.content, "src/a.rs\nsrc/b.py");
    assert_eq!(out.summary, "2 files");
    let ci = grep(dir.path(), json!({"pattern": "alpha", "-i": true}))
        .await
        .unwrap();
    assert_eq!(ci.content, "notes.md\nsrc/a.rs\nsrc/b.py");
}

#[tokio::test]
async fn content_with_numbers_and_context() {
    let dir = tree();
    let out = grep(
        dir.path(),
        json!({"pattern": "three", "output_mode": "content", "-C": 1}),
    )
    .await
    .unwrap();
    assert_eq!(
        out.content,
        "notes.md-2-two\nnotes.md:3:Alpha three\nnotes.md-4-four"
    );
    let plain = grep(
        dir.path(),
        json!({"pattern": "beta", "output_mode": "content", "-n": false}),
    )
    .await
    .unwrap();
    assert_eq!(plain.content, "src/a.rs:fn beta() {}");
}

#[tokio::test]
async fn count_glob_type_and_head_limit() {
    let dir = tree();
    let count = grep(
        dir.path(),
        json!({"pattern": "alpha", "output_mode": "count"}),
    )
    .await
    .unwrap();
    assert_eq!(count.content, "src/a.rs:2\nsrc/b.py:1");
    let globbed = grep(dir.path(), json!({"pattern": "alpha", "glob": "*.py"}))
        .await
        .unwrap();
    assert_eq!(globbed.content, "src/b.py");
    let typed = grep(dir.path(), json!({"pattern": "alpha", "type": "rust"}))
        .await
        .unwrap();
    assert_eq!(typed.content, "src/a.rs");
    let head = grep(dir.path(), json!({"pattern": "alpha", "head_limit": 1}))
        .await
        .unwrap();
    assert_eq!(
        head.content,
        "src/a.rs\n(1 more files not shown; use offset 1 to see them, or a larger head_limit)"
    );
    let page = grep(
        dir.path(),
        json!({"pattern": "alpha", "head_limit": 1, "offset": 1}),
    )
    .await
    .unwrap();
    assert_eq!(page.content, "src/b.py");
    let file = grep(
        dir.path(),
        json!({"pattern": "fn", "path": "src/a.rs", "output_mode": "count"}),
    )
    .await
    .unwrap();
    assert_eq!(file.content, "src/a.rs:2");
}

#[tokio::test]
async fn multiline_and_errors() {
    let dir = tree();
    let out = grep(
        dir.path(),
        json!({"pattern": "alpha\\(\\):\\n\\s+pass", "multiline": true}),
    )
    .await
    .unwrap();
    assert_eq!(out.content, "src/b.py");
    assert_eq!(
        grep(dir.path(), json!({"pattern": "zzz"}))
            .await
            .unwrap()
            .content,
        "No matches found"
    );
    let bad = grep(dir.path(), json!({"pattern": "("})).await.unwrap_err();
    assert!(bad.to_string().contains("bad regular expression"), "{bad}");
    assert!(
        grep(dir.path(), json!({"pattern": "a", "output_mode": "lines"}))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn files_and_counts_are_limited_by_default_and_page() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        std::fs::write(dir.path().join(format!("f{i:03}.txt")), "hit\nhit\n").unwrap();
    }
    let files = grep(dir.path(), json!({"pattern": "hit"})).await.unwrap();
    let lines: Vec<&str> = files.content.lines().collect();
    assert_eq!(lines.len(), 251);
    assert_eq!((lines[0], lines[249]), ("f000.txt", "f249.txt"));
    assert_eq!(
        lines[250],
        "(50 more files not shown; use offset 250 to see them, or a larger head_limit)"
    );
    assert_eq!(files.summary, "300 files");
    let counts = grep(
        dir.path(),
        json!({"pattern": "hit", "output_mode": "count"}),
    )
    .await
    .unwrap();
    let lines: Vec<&str> = counts.content.lines().collect();
    assert_eq!((lines.len(), lines[249]), (251, "f249.txt:2"));
    assert!(lines[250].starts_with("(50 more files not shown"));
    let rest = grep(dir.path(), json!({"pattern": "hit", "offset": 250}))
        .await
        .unwrap();
    assert_eq!(rest.content.lines().count(), 50);
    assert!(rest.content.ends_with("f299.txt"));
    let all = grep(dir.path(), json!({"pattern": "hit", "head_limit": 1000}))
        .await
        .unwrap();
    assert_eq!(all.content.lines().count(), 300);
}

#[tokio::test]
async fn content_of_a_huge_file_keeps_only_what_can_be_shown() {
    let dir = tempfile::tempdir().unwrap();
    let body: String = (0..100_000).map(|i| format!("hit {i}\n")).collect();
    std::fs::write(dir.path().join("a.txt"), &body).unwrap();
    std::fs::write(dir.path().join("b.txt"), "hit b\n").unwrap();
    let out = grep(
        dir.path(),
        json!({"pattern": "hit", "output_mode": "content"}),
    )
    .await
    .unwrap();
    let lines: Vec<&str> = out.content.lines().collect();
    assert_eq!((lines.len(), lines[499]), (501, "a.txt:500:hit 499"));
    assert_eq!(
        lines[500],
        "(99501 more lines not shown; use offset 500 to see them, or a larger head_limit)"
    );
    assert_eq!(out.summary, "100,001 matches");
    let last = grep(
        dir.path(),
        json!({"pattern": "hit", "output_mode": "content", "offset": 100_000}),
    )
    .await
    .unwrap();
    assert_eq!(last.content, "b.txt:1:hit b");
}
