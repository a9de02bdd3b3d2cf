//! The recorded streams a fixtures folder holds, for tests that replay every one of them.

use std::path::Path;

/// The names of the `.sse` files in `dir` (without the suffix), sorted; none if it can't be read.
pub fn sse_fixture_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".sse")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names
}
