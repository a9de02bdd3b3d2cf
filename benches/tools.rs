//! Tool speed on a large generated tree (100,000 files, ~1 GB by default; CLAW_BENCH_FILES and
//! CLAW_BENCH_FILE_KB change it): Glob listing every file, Grep for a rare word (and ripgrep on
//! the same search when `rg` is installed, for comparison), and Bash's overhead for `true`.
//! Prints the figures; asserts nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use claw::tools::bash::Bash;
use claw::tools::glob::Glob;
use claw::tools::grep::Grep;
use claw::tools::{Tool, ToolContext};
use serde_json::json;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Makes (once) a tree of `files` files of `kb` KiB in 1,000 directories; one file in 10,000
/// holds the word the search looks for.
fn tree(files: usize, kb: usize) -> PathBuf {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-tree-{files}-{kb}"));
    let done = root.join(".complete");
    if done.exists() {
        return root;
    }
    let _ = std::fs::remove_dir_all(&root);
    let line = "the quick brown fox jumps over the lazy dog while the compiler checks the borrow\n";
    let body: String = line.repeat(kb * 1024 / line.len() + 1);
    for i in 0..files {
        let dir = root.join(format!("d{:03}", i % 1000));
        if i < 1000 {
            std::fs::create_dir_all(&dir).expect("mkdir");
        }
        let mut text = body.clone();
        if i % 10_000 == 7 {
            text.push_str("needle_xyzzy found here\n");
        }
        std::fs::write(dir.join(format!("f{i}.txt")), text).expect("write");
    }
    std::fs::write(&done, "").expect("mark");
    root
}

fn time<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let files = env_number("CLAW_BENCH_FILES", 100_000);
    let kb = env_number("CLAW_BENCH_FILE_KB", 10);
    let started = Instant::now();
    let root = tree(files, kb);
    println!(
        "tree: {files} files of {kb} KiB at {} (ready in {:.1} s)",
        root.display(),
        started.elapsed().as_secs_f64()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ctx = ToolContext::new(root.clone());
    let quiet: claw::tools::ProgressSink = Arc::new(|_| {});

    let glob = time(5, || {
        let out = runtime
            .block_on(Glob.run(json!({"pattern": "**/*.txt"}), &ctx, quiet.clone()))
            .expect("glob");
        assert!(
            out.summary.starts_with(&files.to_string()),
            "{}",
            out.summary
        );
    });
    println!(
        "Glob **/*.txt over {files} files: median {:.0} ms",
        glob.as_secs_f64() * 1000.0
    );

    let grep = time(3, || {
        let out = runtime
            .block_on(Grep.run(json!({"pattern": "needle_xyzzy"}), &ctx, quiet.clone()))
            .expect("grep");
        assert!(out.summary.contains("file"), "{}", out.summary);
    });
    println!(
        "Grep needle_xyzzy (files_with_matches): median {:.0} ms",
        grep.as_secs_f64() * 1000.0
    );
    let rg = std::process::Command::new("rg")
        .arg("--version")
        .output()
        .is_ok()
        .then(|| {
            time(3, || {
                let out = std::process::Command::new("rg")
                    .args(["-l", "needle_xyzzy"])
                    .current_dir(&root)
                    .output()
                    .expect("rg");
                assert!(!out.stdout.is_empty());
            })
        });
    match rg {
        Some(rg) => println!(
            "ripgrep -l needle_xyzzy: median {:.0} ms (claw's Grep takes {:.2}x)",
            rg.as_secs_f64() * 1000.0,
            grep.as_secs_f64() / rg.as_secs_f64()
        ),
        None => println!("ripgrep is not installed: no comparison (apt-get install ripgrep)"),
    }

    let bash = time(50, || {
        runtime
            .block_on(Bash.run(json!({"command": "true"}), &ctx, quiet.clone()))
            .expect("bash");
    });
    println!(
        "Bash `true`, start to result: median {:.1} ms",
        bash.as_secs_f64() * 1000.0
    );
}
