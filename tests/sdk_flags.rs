//! The Agent SDK's flags on the real binary (`claw -p`), against the fake server: the tools
//! offered, a denied tool, the session id and what is written to disk, the settings layer and
//! sources, an added directory, and usage errors.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use fake_server::Reply;
use serde_json::{Value, json};
use support::claw::Claw;

const ID: &str = "5f0c3a9e-2b7d-4c1e-9a6f-0d8e7b4c2a10";

fn claw_p(setup: &Claw, args: &[&str]) -> Output {
    let root = setup.dir.path();
    std::process::Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(args)
        .current_dir(root)
        .env("ANTHROPIC_BASE_URL", setup.server.base_url())
        .env("ANTHROPIC_API_KEY", "test-key")
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root)
        .env("XDG_DATA_HOME", root.join("data"))
        .env_remove("CLAW_MODEL")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn bodies(setup: &Claw) -> Vec<Value> {
    setup
        .server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .map(|r| r.body)
        .collect()
}

fn tool_names(body: &Value) -> Vec<String> {
    body["tools"]
        .as_array()
        .map(|tools| {
            tools
                .iter()
                .map(|t| t["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Every file under `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// The tool_result blocks of a request's last message: (is_error, content).
fn last_results(body: &Value) -> Vec<(bool, String)> {
    body["messages"].as_array().unwrap().last().unwrap()["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "tool_result")
        .map(|b| {
            (
                b["is_error"].as_bool().unwrap_or(false),
                b["content"].to_string(),
            )
        })
        .collect()
}

#[test]
fn tools_offers_the_named_ones_less_the_disallowed() {
    let setup = Claw::new(vec![
        Reply::text("ok"),
        Reply::text("ok"),
        Reply::text("ok"),
    ]);
    let out = claw_p(
        &setup,
        &[
            "-p",
            "hi",
            "--tools",
            "Read,Grep,Glob",
            "--disallowedTools=Grep",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = claw_p(&setup, &["-p", "hi", "--tools="]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = claw_p(&setup, &["-p", "hi", "--tools", "default"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bodies = bodies(&setup);
    assert_eq!(tool_names(&bodies[0]), ["Read", "Glob"]);
    assert!(bodies[1].get("tools").is_none(), "--tools \"\" offers none");
    assert_eq!(tool_names(&bodies[2]).len(), 16);
}

#[test]
fn a_disallowed_command_is_refused_even_in_bypass_mode() {
    let setup = Claw::new(vec![
        Reply::tool_use("", "t1", "Bash", json!({"command": "rm keep.txt"})),
        Reply::text("could not"),
    ]);
    std::fs::write(setup.root().join("keep.txt"), "x").unwrap();
    let out = claw_p(
        &setup,
        &[
            "-p",
            "clean up",
            "--permission-mode",
            "bypassPermissions",
            "--disallowedTools",
            "Bash(rm:*)",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(setup.root().join("keep.txt").exists());
    let bodies = bodies(&setup);
    assert!(tool_names(&bodies[0]).contains(&"Bash".to_string()));
    let results = last_results(&bodies[1]);
    assert!(results[0].0, "{results:?}");
    assert!(results[0].1.contains("Bash(rm:*)"), "{results:?}");
}

#[test]
fn allowed_tools_run_without_asking_in_p() {
    let setup = Claw::new(vec![
        Reply::tool_use("", "t1", "Bash", json!({"command": "touch made.txt"})),
        Reply::text("made"),
    ]);
    let out = claw_p(
        &setup,
        &["-p", "make it", "--allowedTools", "Read,Bash(touch:*)"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(setup.root().join("made.txt").exists());
}

#[test]
fn the_session_id_names_the_log_and_a_resume_continues_it() {
    let setup = Claw::new(vec![Reply::text("first answer"), Reply::text("second")]);
    let out = claw_p(&setup, &["-p", "remember 42", "--session-id", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let logs: Vec<PathBuf> = files_under(&setup.root().join("data"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0].file_stem().unwrap(), ID);
    // The same id again is taken; --resume continues it, headless.
    let out = claw_p(&setup, &["-p", "again", "--session-id", ID]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exists already"), "{}", stderr(&out));
    let out = claw_p(&setup, &["-p", "what number?", &format!("--resume={ID}")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let resumed = &bodies(&setup)[1];
    assert!(resumed["messages"].to_string().contains("remember 42"));
}

#[test]
fn a_fork_takes_the_given_session_id_and_leaves_the_original() {
    let setup = Claw::new(vec![Reply::text("one"), Reply::text("two")]);
    assert_eq!(claw_p(&setup, &["-p", "first"]).status.code(), Some(0));
    let out = claw_p(&setup, &["-p", "more", "--continue", "--session-id", ID]);
    assert_eq!(out.status.code(), Some(2), "needs --fork-session");
    let out = claw_p(
        &setup,
        &[
            "-p",
            "more",
            "--continue",
            "--fork-session",
            "--session-id",
            ID,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let logs = files_under(&setup.root().join("data"));
    let fork = logs
        .iter()
        .find(|p| p.file_stem().unwrap() == ID)
        .expect("the fork is named by the id");
    assert!(std::fs::read_to_string(fork).unwrap().contains("first"));
    assert!(bodies(&setup)[1]["messages"].to_string().contains("first"));
}

#[test]
fn a_bad_session_id_is_a_usage_error() {
    let setup = Claw::new(Vec::new());
    let out = claw_p(&setup, &["-p", "hi", "--session-id=not-a-uuid"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not a UUID"), "{}", stderr(&out));
    assert!(bodies(&setup).is_empty());
}

#[test]
fn no_session_persistence_writes_nothing() {
    let setup = Claw::new(vec![Reply::text("ok")]);
    let before = files_under(setup.root());
    let out = claw_p(
        &setup,
        &["-p", "hi", "--no-session-persistence", "--session-id", ID],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(bodies(&setup).len(), 1);
    assert_eq!(files_under(setup.root()), before, "nothing was written");
}

#[test]
fn the_settings_flag_is_a_layer_above_local_and_sources_choose_the_files() {
    let setup = Claw::new((0..4).map(|_| Reply::text("ok")).collect());
    setup.settings(json!({"model": "claude-haiku-4-5"}));
    let local = setup.root().join(".claude/settings.local.json");
    std::fs::write(&local, json!({"model": "claude-opus-4-5"}).to_string()).unwrap();
    let file = setup.root().join("extra.json");
    std::fs::write(&file, json!({"model": "claude-sonnet-4-5"}).to_string()).unwrap();
    let runs: [&[&str]; 4] = [
        &["-p", "hi"],
        &["-p", "hi", "--settings", r#"{"model": "claude-opus-4-6"}"#],
        &["-p", "hi", "--settings=extra.json"],
        &["-p", "hi", "--setting-sources", "user,project"],
    ];
    for args in runs {
        let out = claw_p(&setup, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
    let models: Vec<Value> = bodies(&setup).iter().map(|b| b["model"].clone()).collect();
    assert_eq!(
        models,
        [
            "claude-opus-4-5",
            "claude-opus-4-6",
            "claude-sonnet-4-5",
            "claude-haiku-4-5"
        ]
    );
}

#[test]
fn with_no_setting_sources_the_project_rules_are_not_in_force() {
    let setup = Claw::new(vec![
        Reply::tool_use("", "t1", "Bash", json!({"command": "touch made.txt"})),
        Reply::text("done"),
    ]);
    setup.settings(json!({"permissions": {"allow": ["Bash(touch:*)"]}}));
    let out = claw_p(&setup, &["-p", "make it", "--setting-sources="]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!setup.root().join("made.txt").exists());
    assert!(
        stderr(&out).contains("Bash needs approval"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_broken_settings_flag_stops_p_before_anything_is_sent() {
    let setup = Claw::new(Vec::new());
    let out = claw_p(&setup, &["-p", "hi", "--settings", "{\"model\": "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--settings"), "{}", stderr(&out));
    assert!(bodies(&setup).is_empty());
}

#[test]
fn an_added_directory_is_read_without_asking() {
    let other = tempfile::tempdir().unwrap();
    let notes = other.path().join("notes.txt");
    std::fs::write(&notes, "the answer is 42\n").unwrap();
    let read = || {
        Reply::tool_use(
            "",
            "r1",
            "Read",
            json!({"file_path": notes.display().to_string()}),
        )
    };
    let setup = Claw::new(vec![read(), Reply::text("42"), read(), Reply::text("no")]);
    let dir = other.path().display().to_string();
    let out = claw_p(&setup, &["-p", "read it", "--add-dir", &dir]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let results = last_results(&bodies(&setup)[1]);
    assert!(
        !results[0].0 && results[0].1.contains("the answer is 42"),
        "{results:?}"
    );
    // Without it, reading there needs approval, which -p can't ask for.
    let out = claw_p(&setup, &["-p", "read it"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Read needs approval"),
        "{}",
        stderr(&out)
    );
    // A directory that doesn't exist is a usage error.
    let out = claw_p(&setup, &["-p", "read it", "--add-dir", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--add-dir no/such/dir: no such directory"));
}

#[test]
fn a_system_prompt_file_replaces_claws_prompt() {
    let setup = Claw::new(vec![Reply::text("ok")]);
    std::fs::write(setup.root().join("prompt.md"), "You review code.").unwrap();
    let out = claw_p(&setup, &["-p", "hi", "--system-prompt-file", "prompt.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(bodies(&setup)[0]["system"][0]["text"], "You review code.");
    let out = claw_p(&setup, &["-p", "hi", "--system-prompt-file", "missing.md"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--system-prompt-file: cannot read"));
}

#[test]
fn max_turns_on_the_command_line_stops_p() {
    let glob = |id: &str| Reply::tool_use("", id, "Glob", json!({"pattern": "*.x"}));
    let setup = Claw::new(vec![glob("g1"), glob("g2"), Reply::text("done")]);
    let out = claw_p(&setup, &["-p", "look", "--max-turns=1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--max-turns"), "{}", stderr(&out));
    assert_eq!(bodies(&setup).len(), 1);
}

#[test]
fn a_session_continued_without_persistence_is_read_and_left_as_it_was() {
    let setup = Claw::new(vec![Reply::text("one"), Reply::text("two")]);
    assert_eq!(claw_p(&setup, &["-p", "remember 7"]).status.code(), Some(0));
    let logs = files_under(&setup.root().join("data"));
    let log = logs
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .unwrap();
    let before = std::fs::read(log).unwrap();
    let out = claw_p(
        &setup,
        &[
            "-p",
            "which number?",
            "--continue",
            "--no-session-persistence",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        bodies(&setup)[1]["messages"]
            .to_string()
            .contains("remember 7")
    );
    assert_eq!(std::fs::read(log).unwrap(), before);
    assert_eq!(files_under(&setup.root().join("data")), logs);
}
