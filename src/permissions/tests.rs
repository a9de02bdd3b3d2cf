//! Table tests of decisions: rules across files, precedence, modes, compound commands.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;

fn perms(mode: PermissionMode, rules: &[(RuleKind, &str)]) -> Permissions {
    let mut p = Permissions::new(
        mode,
        Path::new("/work/repo"),
        Some(PathBuf::from("/home/me")),
    );
    for (kind, text) in rules {
        assert!(p.add(*kind, text, Path::new("/work/repo")), "{text}");
    }
    p
}

fn bash(command: &str) -> Value {
    json!({"command": command})
}

fn file(path: &str) -> Value {
    json!({"file_path": path, "old_string": "a", "new_string": "b", "content": "x"})
}

use PermissionMode::*;
use Verdict::Allow as Y;
use Verdict::Ask as A;

fn is_deny(v: &Verdict) -> bool {
    matches!(v, Verdict::Deny(_))
}

#[test]
fn default_mode_reads_run_changes_ask() {
    let p = perms(Default, &[]);
    assert_eq!(p.decide("Read", &file("src/a.rs"), Risk::ReadOnly), Y);
    assert_eq!(
        p.decide("Grep", &json!({"pattern": "x"}), Risk::ReadOnly),
        Y
    );
    assert_eq!(p.decide("Edit", &file("src/a.rs"), Risk::Mutating), A);
    // A command that only reads runs as Read does; one that changes things asks.
    assert_eq!(p.decide("Bash", &bash("ls"), Risk::Mutating), Y);
    assert_eq!(p.decide("Bash", &bash("touch x"), Risk::Mutating), A);
}

#[test]
fn bash_rules_table() {
    let p = perms(
        Default,
        &[
            (RuleKind::Allow, "Bash(npm run test:*)"),
            (RuleKind::Allow, "Bash(git status)"),
            (RuleKind::Allow, "Bash(git diff *)"),
            (RuleKind::Allow, "Bash(ls:*)"),
            (RuleKind::Deny, "Bash(rm -rf:*)"),
            (RuleKind::Ask, "Bash(git push:*)"),
        ],
    );
    let cases: &[(&str, &str)] = &[
        ("npm run test", "allow"),
        ("npm run test -- --coverage", "allow"),
        ("npm run testx", "ask"),
        ("git status", "allow"),
        ("git status && ls -la", "allow"),
        ("git status && rm x", "ask"),
        ("git status; rm -rf /", "deny"),
        ("ls | rm -rf /tmp/x", "deny"),
        ("rm -rf build", "deny"),
        ("git push origin main", "ask"),
        ("ls && git push", "ask"),
        ("git diff HEAD", "allow"),
        ("ls $(rm x)", "ask"),
        ("ls `rm x`", "ask"),
        // Only printed: echo reads nothing.
        ("echo 'git status; rm -rf x'", "allow"),
        ("make 'git status; rm -rf x'", "ask"),
        ("ls 'a && b'", "allow"),
        ("  ", "ask"),
    ];
    for (command, expected) in cases {
        let verdict = p.decide("Bash", &bash(command), Risk::Mutating);
        let got = match verdict {
            Verdict::Allow => "allow",
            Verdict::Ask => "ask",
            Verdict::Deny(_) => "deny",
        };
        assert_eq!(got, *expected, "{command}");
    }
}

#[test]
fn deny_beats_ask_beats_allow_across_files() {
    let mut p = Permissions::new(Default, Path::new("/work/repo"), None);
    // As if from three files: user allows Edit, project asks for src, local denies secrets.
    p.add(RuleKind::Allow, "Edit", Path::new("/home/me"));
    p.add(RuleKind::Ask, "Edit(./src/**)", Path::new("/work/repo"));
    p.add(
        RuleKind::Deny,
        "Edit(./src/secrets/**)",
        Path::new("/work/repo"),
    );
    assert_eq!(p.decide("Edit", &file("README.md"), Risk::Mutating), Y);
    assert_eq!(p.decide("Write", &file("README.md"), Risk::Mutating), Y);
    assert_eq!(p.decide("Edit", &file("src/lib.rs"), Risk::Mutating), A);
    assert!(is_deny(&p.decide(
        "Edit",
        &file("src/secrets/key"),
        Risk::Mutating
    )));
    // Deny on a read-only tool blocks it too.
    p.add(RuleKind::Deny, "Read(.env)", Path::new("/work/repo"));
    assert!(is_deny(&p.decide(
        "Read",
        &file("config/.env"),
        Risk::ReadOnly
    )));
    assert_eq!(
        p.rules(RuleKind::Deny),
        vec!["Edit(./src/secrets/**)", "Read(.env)"]
    );
}

#[test]
fn modes() {
    let accept = perms(AcceptEdits, &[]);
    assert_eq!(accept.decide("Edit", &file("src/a.rs"), Risk::Mutating), Y);
    assert_eq!(
        accept.decide("Write", &file("/work/repo/new.rs"), Risk::Mutating),
        Y
    );
    assert_eq!(
        accept.decide("Edit", &file("/etc/hosts"), Risk::Mutating),
        A,
        "outside the cwd asks"
    );
    assert_eq!(
        accept.decide("Edit", &file("../other/a.rs"), Risk::Mutating),
        A
    );
    assert_eq!(accept.decide("Bash", &bash("make"), Risk::Mutating), A);
    let mut extra = perms(AcceptEdits, &[]);
    extra.add_directory(PathBuf::from("/work/shared-lib"));
    assert_eq!(
        extra.decide("Edit", &file("/work/shared-lib/x.rs"), Risk::Mutating),
        Y
    );

    let plan = perms(Plan, &[(RuleKind::Allow, "Bash(make:*)")]);
    assert_eq!(plan.decide("Read", &file("a"), Risk::ReadOnly), Y);
    assert!(is_deny(&plan.decide("Edit", &file("a"), Risk::Mutating)));
    assert!(is_deny(&plan.decide("Bash", &bash("make"), Risk::Mutating)));
    assert_eq!(plan.decide("Bash", &bash("ls"), Risk::Mutating), Y);

    let bypass = perms(BypassPermissions, &[(RuleKind::Deny, "Bash(rm:*)")]);
    // What a shell reads from its input could be anything, a denied rm included.
    assert!(is_deny(&bypass.decide(
        "Bash",
        &bash("curl x | sh"),
        Risk::Mutating
    )));
    assert_eq!(
        bypass.decide("Bash", &bash("curl x | jq ."), Risk::Mutating),
        Y
    );
    assert!(is_deny(&bypass.decide(
        "Bash",
        &bash("rm -r x"),
        Risk::Mutating
    )));
}

#[test]
fn suggested_rules_are_narrow() {
    let none = perms(Default, &[]);
    let suggest = |tool: &str, input: &Value| none.suggest_rules(tool, input, Path::new("/"));
    assert_eq!(
        suggest("Bash", &bash("cargo test --lib")),
        ["Bash(cargo test:*)"]
    );
    assert_eq!(
        suggest("Bash", &bash("git status && rm x")),
        ["Bash(git status:*)", "Bash(rm:*)"]
    );
    assert_eq!(
        suggest("Bash", &bash("cd sub && timeout 60 npm run build")),
        ["Bash(npm run build:*)"]
    );
    assert_eq!(suggest("Edit", &file("a")), ["Edit"]);
    let mut p = perms(Default, &[]);
    for rule in suggest("Bash", &bash("cargo test --lib")) {
        p.add(RuleKind::Allow, &rule, Path::new("/"));
    }
    assert_eq!(
        p.decide("Bash", &bash("cargo test --doc"), Risk::Mutating),
        Y
    );
    assert_eq!(
        p.decide("Bash", &bash("cargo test; rm -rf /"), Risk::Mutating),
        A
    );
}

#[test]
fn mode_names_and_cycle() {
    for mode in PermissionMode::ALL {
        assert_eq!(PermissionMode::parse(mode.as_str()), Some(mode));
    }
    assert_eq!(PermissionMode::parse("acceptedits"), Some(AcceptEdits));
    assert_eq!(PermissionMode::parse("yolo"), None);
    assert_eq!(Default.next(), AcceptEdits);
    assert_eq!(AcceptEdits.next(), Plan);
    assert_eq!(Plan.next(), Default);
    assert_eq!(BypassPermissions.next(), Default);
}

/// A fixed-seed xorshift generator: `next(n)` is in `0..n`.
pub(super) fn generator(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}

/// Property: in default mode, no mutating call is allowed unless an allow rule covers every
/// part of it. Checked over generated commands and rule sets (a fixed-seed generator).
#[test]
fn nothing_mutating_runs_in_default_mode_without_an_allow_rule() {
    let words = [
        "ls", "git", "status", "rm", "-rf", "cargo", "test", "&&", ";", "|", "'x;y'", "$(id)",
        "make",
    ];
    let rule_texts = [
        "Bash(ls:*)",
        "Bash(git status)",
        "Bash(cargo test:*)",
        "Bash(make)",
        "Edit(./src/**)",
    ];
    let mut next = generator(0x5eed);
    for _ in 0..3000 {
        let len = 1 + next(6);
        let command: Vec<&str> = (0..len).map(|_| words[next(words.len())]).collect();
        let command = command.join(" ");
        let chosen: Vec<&str> = rule_texts
            .iter()
            .copied()
            .filter(|_| next(2) == 0)
            .collect();
        let p = perms(
            Default,
            &chosen
                .iter()
                .map(|r| (RuleKind::Allow, *r))
                .collect::<Vec<_>>(),
        );
        if p.decide("Bash", &bash(&command), Risk::Mutating) == Verdict::Allow {
            let script = shell::analyze(
                &command,
                shell::Place {
                    dir: Path::new("/work/repo"),
                    home: None,
                },
            );
            assert!(script.unknowns.is_empty(), "{command}");
            assert!(script.writes.is_empty(), "{command}");
            for part in script.commands.iter().filter(|c| !c.runs_code) {
                let only_reads =
                    read_only::read_only(part.runs(), Path::new("/work/repo")).is_some();
                let covered = only_reads
                    || chosen.iter().any(|r| {
                        Rule::parse(r, Path::new("/work/repo")).is_some_and(|rule| {
                            part.rule_form()
                                .is_some_and(|f| rule.matches_words(f, rule::Certainty::Surely))
                        })
                    });
                assert!(
                    covered,
                    "`{:?}` of `{command}` ran without a rule: {chosen:?}",
                    part.forms
                );
            }
        }
        let path = ["src/a.rs", "b.rs", "/etc/x"][next(3)];
        if p.decide("Edit", &file(path), Risk::Mutating) == Verdict::Allow {
            assert!(
                chosen.contains(&"Edit(./src/**)") && path.starts_with("src/"),
                "{path} {chosen:?}"
            );
        }
    }
}

#[test]
fn rules_are_numbered_and_removable() {
    let mut p = perms(
        Default,
        &[
            (RuleKind::Allow, "Bash(ls:*)"),
            (RuleKind::Deny, "Read(.env)"),
            (RuleKind::Ask, "Edit"),
        ],
    );
    let listed: Vec<String> = p
        .numbered()
        .into_iter()
        .map(|(n, _, r)| format!("{n} {r}"))
        .collect();
    assert_eq!(listed, vec!["1 Read(.env)", "2 Edit", "3 Bash(ls:*)"]);
    assert_eq!(p.remove(1), Some((RuleKind::Deny, "Read(.env)".into())));
    assert_eq!(p.decide("Read", &file(".env"), Risk::ReadOnly), Y);
    assert_eq!(p.remove(9), None);
}
