//! The `@` file finder's engine: a background thread lists the repository's files (the `ignore`
//! crate's parallel walk: .gitignore respected, .git skipped) and another answers fuzzy queries
//! over them. Queries coalesce (only the newest waiting one is answered) and are answered from
//! the files found so far, so results show while a big tree is still being walked.

use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use crate::fuzzy::{FuzzyMatcher, MatchKind};

/// A file that matched, with the matched characters of its path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMatch {
    /// Relative to the root, with `/` separators.
    pub path: String,
    pub positions: Vec<usize>,
}

/// The answer to one query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinderResults {
    pub generation: u64,
    pub query: String,
    pub matches: Vec<FileMatch>,
    /// False while the walk is still going (more matches may come).
    pub indexing_done: bool,
}

#[derive(Clone)]
struct Query {
    generation: u64,
    text: String,
    limit: usize,
}

#[derive(Default)]
struct Shared {
    /// The files found so far, in batches (a query snapshots the list of batches, not names).
    files: Vec<Arc<[String]>>,
    walked: bool,
    /// The newest query not yet answered.
    pending: Option<Query>,
    /// The newest query asked: answered again, complete, when the walk ends.
    latest: Option<Query>,
    stopped: bool,
}

/// The running finder; dropping it stops its threads.
pub struct Finder {
    shared: Arc<(Mutex<Shared>, Condvar)>,
    stop: Arc<AtomicBool>,
}

impl Finder {
    /// Starts walking `root`; every answer goes to `on_results` (called on the finder's thread).
    pub fn start(root: PathBuf, on_results: impl Fn(FinderResults) + Send + 'static) -> Finder {
        let shared = Arc::new((Mutex::new(Shared::default()), Condvar::new()));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let shared = shared.clone();
            let stop = stop.clone();
            std::thread::spawn(move || walk(&root, &shared, &stop));
        }
        {
            let shared = shared.clone();
            std::thread::spawn(move || answer(&shared, on_results));
        }
        Finder { shared, stop }
    }

    /// Asks for the best `limit` files for `text`; answered with `generation`.
    pub fn query(&self, generation: u64, text: &str, limit: usize) {
        let (lock, wake) = &*self.shared;
        if let Ok(mut shared) = lock.lock() {
            let query = Query {
                generation,
                text: text.to_string(),
                limit,
            };
            shared.latest = Some(query.clone());
            shared.pending = Some(query);
            wake.notify_all();
        }
    }
}

impl Drop for Finder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let (lock, wake) = &*self.shared;
        if let Ok(mut shared) = lock.lock() {
            shared.stopped = true;
        }
        wake.notify_all();
    }
}

/// Files are handed over in batches of this many (fewer lock round trips).
const BATCH: usize = 512;
/// The walk stops after this many files (claw started in a home directory, say): memory and
/// time stay bounded, and the nearest files are the ones found.
const MAX_FILES: usize = 300_000;
/// While the walk runs, the newest query is answered again this often.
const REFRESH: std::time::Duration = std::time::Duration::from_millis(15);

fn walk(root: &Path, shared: &Arc<(Mutex<Shared>, Condvar)>, stop: &Arc<AtomicBool>) {
    let found = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build_parallel();
    walker.run(|| {
        let stop = stop.clone();
        let found = found.clone();
        let root = root.to_path_buf();
        let mut batch = Batch {
            files: Vec::with_capacity(BATCH),
            shared: shared.clone(),
        };
        Box::new(move |entry| {
            if stop.load(Ordering::Relaxed) || found.load(Ordering::Relaxed) >= MAX_FILES {
                return ignore::WalkState::Quit;
            }
            if let Ok(entry) = entry
                && entry.file_type().is_some_and(|t| t.is_file())
                && let Ok(relative) = entry.path().strip_prefix(&root)
            {
                batch
                    .files
                    .push(relative.to_string_lossy().replace('\\', "/"));
                found.fetch_add(1, Ordering::Relaxed);
                if batch.files.len() >= BATCH {
                    batch.flush();
                }
            }
            ignore::WalkState::Continue
        })
    });
    let (lock, wake) = &**shared;
    if let Ok(mut s) = lock.lock() {
        s.walked = true;
        if s.pending.is_none() {
            s.pending = s.latest.clone();
        }
    }
    wake.notify_all();
}

/// One walker thread's files not yet handed over; the rest go when the thread's visitor ends.
struct Batch {
    files: Vec<String>,
    shared: Arc<(Mutex<Shared>, Condvar)>,
}

impl Batch {
    fn flush(&mut self) {
        if self.files.is_empty() {
            return;
        }
        let batch: Arc<[String]> = std::mem::take(&mut self.files).into();
        if let Ok(mut s) = self.shared.0.lock() {
            s.files.push(batch);
        }
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        self.flush();
    }
}

fn answer(shared: &Arc<(Mutex<Shared>, Condvar)>, on_results: impl Fn(FinderResults)) {
    let (lock, wake) = &**shared;
    // Batches seen by the last answer: while the walk goes on, the newest query is answered
    // again every REFRESH if more files came, so results grow as the tree is listed.
    let mut answered_batches = 0;
    loop {
        let (query, files, walked) = {
            let Ok(mut s) = lock.lock() else {
                return;
            };
            while s.pending.is_none() && !s.stopped {
                if s.walked || s.latest.is_none() {
                    s = match wake.wait(s) {
                        Ok(s) => s,
                        Err(_) => return,
                    };
                } else {
                    s = match wake.wait_timeout(s, REFRESH) {
                        Ok((s, _)) => s,
                        Err(_) => return,
                    };
                    if s.pending.is_none() && !s.walked && s.files.len() > answered_batches {
                        s.pending = s.latest.clone();
                    }
                }
            }
            if s.stopped {
                return;
            }
            let Some(query) = s.pending.take() else {
                continue;
            };
            // Matching runs outside the lock on a snapshot of the names found so far.
            answered_batches = s.files.len();
            (query, s.files.clone(), s.walked)
        };
        let matches = best(
            files.iter().flat_map(|b| b.iter()),
            &query.text,
            query.limit,
        );
        on_results(FinderResults {
            generation: query.generation,
            query: query.text.clone(),
            matches,
            indexing_done: walked,
        });
        if !walked
            && let Ok(mut s) = lock.lock()
            && s.walked
            && s.pending.is_none()
            && s.latest.as_ref().map(|q| q.generation) == Some(query.generation)
        {
            // The walk ended while this query ran: answer it again, complete.
            s.pending = Some(query);
        }
    }
}

/// How a file ranks: higher score, then shorter path, then found earlier.
type Ranked<'a> = (
    u32,
    std::cmp::Reverse<usize>,
    std::cmp::Reverse<usize>,
    &'a String,
);

/// The best `limit` of `files` for `query`: highest score first, then shorter paths.
pub fn best<'a>(
    files: impl IntoIterator<Item = &'a String>,
    query: &str,
    limit: usize,
) -> Vec<FileMatch> {
    if limit == 0 {
        return Vec::new();
    }
    let mut matcher = FuzzyMatcher::new(query, MatchKind::Path);
    // A min-heap of the best so far (the worst on top, to be dropped).
    let mut heap: BinaryHeap<std::cmp::Reverse<Ranked<'_>>> = BinaryHeap::with_capacity(limit + 1);
    for (i, path) in files.into_iter().enumerate() {
        let Some(score) = matcher.score(path) else {
            continue;
        };
        heap.push(std::cmp::Reverse((
            score,
            std::cmp::Reverse(path.len()),
            std::cmp::Reverse(i),
            path,
        )));
        if heap.len() > limit {
            heap.pop();
        }
    }
    let mut best: Vec<_> = heap.into_iter().map(|r| r.0).collect();
    best.sort_by(|a, b| b.cmp(a));
    best.into_iter()
        .map(|(_, _, _, path)| FileMatch {
            path: path.clone(),
            positions: matcher.positions(path).unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("src/app/model.rs", ""),
            ("src/ui/mod.rs", ""),
            ("docs/modelling.md", ""),
            ("target/debug/model.rs", ""),
            (".gitignore", "target/\n"),
            (".github/workflows/ci.yml", ""),
            (".git/config", ""),
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        }
        // The ignore crate reads .gitignore only inside a repository.
        std::fs::create_dir_all(root.join(".git")).unwrap();
        dir
    }

    fn final_answer(rx: &mpsc::Receiver<FinderResults>, generation: u64) -> FinderResults {
        loop {
            let r = rx.recv_timeout(Duration::from_secs(10)).expect("an answer");
            if r.generation == generation && r.indexing_done {
                return r;
            }
        }
    }

    #[test]
    fn finds_files_respecting_gitignore_best_first() {
        let dir = tree();
        let (tx, rx) = mpsc::channel();
        let finder = Finder::start(dir.path().to_path_buf(), move |r| {
            let _ = tx.send(r);
        });
        finder.query(1, "model.rs", 10);
        let answer = final_answer(&rx, 1);
        let paths: Vec<_> = answer.matches.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths.first(), Some(&"src/app/model.rs"));
        assert!(!paths.iter().any(|p| p.starts_with("target/")), "{paths:?}");
        finder.query(2, "", 100);
        let all = final_answer(&rx, 2);
        let mut paths: Vec<_> = all.matches.iter().map(|m| m.path.clone()).collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                ".github/workflows/ci.yml",
                ".gitignore",
                "docs/modelling.md",
                "src/app/model.rs",
                "src/ui/mod.rs"
            ]
        );
    }

    #[test]
    fn the_newest_query_is_answered_last() {
        let dir = tree();
        let (tx, rx) = mpsc::channel();
        let finder = Finder::start(dir.path().to_path_buf(), move |r| {
            let _ = tx.send(r);
        });
        for (generation, text) in [(1, "m"), (2, "mo"), (3, "mod")] {
            finder.query(generation, text, 5);
        }
        let answer = final_answer(&rx, 3);
        assert_eq!(answer.query, "mod");
        // Nothing older comes after the newest.
        std::thread::sleep(Duration::from_millis(50));
        assert!(rx.try_iter().all(|r| r.generation == 3));
    }

    #[test]
    fn best_keeps_the_top_scores_and_prefers_short_paths() {
        let files: Vec<String> = ["a/b/c/main.rs", "main.rs", "src/main.rs", "readme.md"]
            .into_iter()
            .map(String::from)
            .collect();
        let top = best(&files, "main", 2);
        assert_eq!(best(&files, "", 10).len(), 4);
        assert_eq!(top.len(), 2);
        assert_eq!(top[0].path, "main.rs");
        assert_eq!(top[0].positions, vec![0, 1, 2, 3]);
        assert!(best(&files, "zzz", 5).is_empty());
    }
}
