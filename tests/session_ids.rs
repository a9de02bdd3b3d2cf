//! Session ids are random (v4) UUIDs, as Claude Code's are: a new session's log is named by
//! one and reports it; a session saved under the old `<hex seconds>-<random>` id still
//! resumes by that id, and forks of it get a UUID.

mod support;

use std::path::{Path, PathBuf};

use fake_server::Reply;
use support::claw::Claw;
use support::headless::run;

/// Whether `id` reads as a version 4, RFC 4122 variant UUID.
fn is_v4_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    lengths == [8, 4, 4, 4, 12]
        && id
            .chars()
            .all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f'))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b'])
}

/// The session logs under `dir`.
fn logs_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn session_id_of(setup: &Claw, args: &[&str]) -> String {
    let out = run(setup, args, "");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let result = out.of("result", None);
    result[0]["session_id"].as_str().unwrap().to_string()
}

#[test]
fn a_new_session_is_named_by_a_v4_uuid_and_resumes_by_it() {
    let setup = Claw::new(vec![
        Reply::text("noted"),
        Reply::text("42"),
        Reply::text("other"),
    ]);
    let json = ["--output-format", "json"];
    let first = session_id_of(&setup, &[&["-p", "remember 42"][..], &json].concat());
    assert!(is_v4_uuid(&first), "{first}");
    let logs = logs_under(&setup.root().join("data"));
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0].file_stem().unwrap().to_str(), Some(first.as_str()));
    let meta = std::fs::read_to_string(&logs[0]).unwrap();
    assert!(meta.lines().next().unwrap().contains(&first), "{meta}");

    let resumed = session_id_of(
        &setup,
        &[&["-p", "what number?", "--resume", &first][..], &json].concat(),
    );
    assert_eq!(resumed, first);
    let another = session_id_of(&setup, &[&["-p", "something else"][..], &json].concat());
    assert!(is_v4_uuid(&another) && another != first, "{another}");
    let requests = setup.server.requests();
    assert!(
        requests[1].body["messages"]
            .to_string()
            .contains("remember 42")
    );
}

#[test]
fn a_session_saved_under_an_old_id_resumes_and_forks_to_a_uuid() {
    let setup = Claw::new(vec![
        Reply::text("noted"),
        Reply::text("still 7"),
        Reply::text("forked"),
    ]);
    let json = ["--output-format", "json"];
    let new = session_id_of(&setup, &[&["-p", "remember 7"][..], &json].concat());
    // The same session as an older claw named it.
    let log = logs_under(&setup.root().join("data")).remove(0);
    let old = "00692d8a4f-3c9e1b";
    let text = std::fs::read_to_string(&log).unwrap().replace(&new, old);
    std::fs::write(log.with_file_name(format!("{old}.jsonl")), text).unwrap();
    std::fs::remove_file(&log).unwrap();

    let resumed = session_id_of(
        &setup,
        &[&["-p", "which number?", "--resume", old][..], &json].concat(),
    );
    assert_eq!(resumed, old);
    assert!(
        setup.server.requests()[1].body["messages"]
            .to_string()
            .contains("remember 7")
    );
    let fork = session_id_of(
        &setup,
        &[
            &["-p", "again", "--resume", old, "--fork-session"][..],
            &json,
        ]
        .concat(),
    );
    assert!(is_v4_uuid(&fork), "{fork}");
    let names: Vec<String> = logs_under(&setup.root().join("data"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.contains(&old.to_string()) && names.contains(&fork),
        "{names:?}"
    );
}
