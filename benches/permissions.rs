//! What a permission decision costs now that each shell command is parsed with tree-sitter's
//! Bash grammar: a short command, a compound one with redirections and a `bash -c` string, and a
//! file tool's path check (which resolves symlinks). Divan prints the times; nothing is asserted.

use std::path::{Path, PathBuf};

use claw::permissions::{PermissionMode, Permissions, RuleKind};
use claw::tools::Risk;
use serde_json::{Value, json};

fn main() {
    divan::main();
}

fn permissions() -> Permissions {
    let cwd = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut p = Permissions::new(
        PermissionMode::AcceptEdits,
        cwd,
        Some(PathBuf::from("/root")),
    );
    for rule in [
        "Bash(cargo test:*)",
        "Bash(git status)",
        "Bash(ls:*)",
        "Bash(grep:*)",
    ] {
        p.add(RuleKind::Allow, rule, cwd);
    }
    for rule in ["Bash(rm:*)", "Read(./.env)", "Edit(./secrets/**)"] {
        p.add(RuleKind::Deny, rule, cwd);
    }
    p
}

fn bash(command: &str) -> Value {
    json!({ "command": command })
}

#[divan::bench]
fn short_command(bencher: divan::Bencher) {
    let p = permissions();
    let input = bash("cargo test --lib");
    bencher.bench(|| p.decide("Bash", divan::black_box(&input), Risk::Mutating));
}

#[divan::bench]
fn compound_command(bencher: divan::Bencher) {
    let p = permissions();
    let input = bash(
        "cd src && git status && ls -la | grep rs > listing.txt 2>&1; bash -c 'cargo test -- --nocapture' || timeout 5 ls \"$HOME\"",
    );
    bencher.bench(|| p.decide("Bash", divan::black_box(&input), Risk::Mutating));
}

#[divan::bench]
fn file_path(bencher: divan::Bencher) {
    let p = permissions();
    let input = json!({ "file_path": "src/permissions/shell/mod.rs", "old_string": "a", "new_string": "b" });
    bencher.bench(|| p.decide("Edit", divan::black_box(&input), Risk::Mutating));
}
