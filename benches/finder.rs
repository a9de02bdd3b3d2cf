//! The `@` file finder on a 100,000-file tree (names only: empty files, in nested directories):
//! the time from starting the finder to the first results of a query, the time to the complete
//! answer, and one query over the fully listed tree. The figure: first results in under
//! 100 ms. Prints the figures; asserts nothing.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use claw::finder::{Finder, FinderResults};

const FILES: usize = 100_000;

/// Makes (once) `FILES` empty files, 100 per directory, two levels deep.
fn tree() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/finder-tree-{FILES}"));
    let done = root.join(".complete");
    if done.exists() {
        return root;
    }
    let _ = std::fs::remove_dir_all(&root);
    for i in 0..FILES {
        let dir = root.join(format!("pkg{:02}/module{:03}", i % 100, (i / 100) % 10));
        if i < 1000 {
            std::fs::create_dir_all(&dir).expect("mkdir");
        }
        std::fs::write(dir.join(format!("file_{i}.rs")), "").expect("write");
    }
    std::fs::create_dir_all(root.join("src/app")).expect("mkdir");
    std::fs::write(root.join("src/app/model.rs"), "").expect("write");
    std::fs::write(&done, "").expect("mark");
    root
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let root = tree();
    let mut first = Vec::new();
    let mut complete = Vec::new();
    let mut warm = Vec::new();
    for _ in 0..7 {
        let (tx, rx) = mpsc::channel::<FinderResults>();
        let started = Instant::now();
        let finder = Finder::start(root.clone(), move |r| {
            let _ = tx.send(r);
        });
        finder.query(1, "model.rs", 12);
        let mut seen_first = false;
        loop {
            let r = rx.recv_timeout(Duration::from_secs(60)).expect("an answer");
            if !seen_first && !r.matches.is_empty() {
                first.push(started.elapsed());
                seen_first = true;
            }
            if r.indexing_done {
                complete.push(started.elapsed());
                assert_eq!(r.matches[0].path, "src/app/model.rs");
                break;
            }
        }
        let t = Instant::now();
        finder.query(2, "file_99999", 12);
        let r = rx.recv_timeout(Duration::from_secs(60)).expect("an answer");
        warm.push(t.elapsed());
        assert_eq!(r.generation, 2);
    }
    println!("finder over {FILES} files:");
    println!(
        "  first results after start: {:.1} ms (median of 7)",
        median(first).as_secs_f64() * 1e3
    );
    println!(
        "  complete answer after start: {:.1} ms",
        median(complete).as_secs_f64() * 1e3
    );
    println!(
        "  one query, tree listed:     {:.1} ms",
        median(warm).as_secs_f64() * 1e3
    );
}
