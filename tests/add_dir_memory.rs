//! `--add-dir DIR`: the tools reach DIR, and with `CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD=1`
//! (as in Claude Code) DIR's memory files join the session: the model reads them, the first
//! screen's header and `/memory` list them. Without the variable they don't.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use fake_server::Reply;
use serde_json::json;
use support::claw::Claw;
use support::pty::{Key, Profile};

const T: Duration = Duration::from_secs(20);
const VARIABLE: &str = "CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD";

/// The project `app` and a sibling directory `shared` with a CLAUDE.md and a file to read.
fn projects(setup: &Claw) -> (PathBuf, PathBuf) {
    let app = setup.root().join("app");
    let shared = setup.root().join("shared");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(app.join("CLAW.md"), "App rule: be brief.").unwrap();
    std::fs::write(shared.join("CLAUDE.md"), "Shared rule: use tabs.").unwrap();
    std::fs::write(shared.join("notes.txt"), "the shared notes").unwrap();
    (app, shared)
}

/// `claw -p` in `app` with `--add-dir ../shared`; the variable set to `variable` (or unset).
fn print(setup: &Claw, app: &Path, variable: Option<&str>) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_claw"));
    command
        .args(["-p", "read the notes", "--add-dir", "../shared"])
        .current_dir(app)
        .stdin(Stdio::null());
    support::headless::in_project(&mut command, setup);
    command.env_remove(VARIABLE);
    if let Some(value) = variable {
        command.env(VARIABLE, value);
    }
    command.output().unwrap()
}

/// The text of the first user message of request `n`.
fn first_message(setup: &Claw, n: usize) -> String {
    setup.server.requests()[n].body["messages"][0].to_string()
}

#[test]
fn the_model_reads_an_added_directorys_memory_only_when_the_variable_says_so() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "r1",
            "Read",
            json!({"file_path": "../shared/notes.txt"}),
        ),
        Reply::text("Read them."),
        Reply::text("Fine."),
    ]);
    let (app, shared) = projects(&setup);
    let out = print(&setup, &app, Some("1"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let first = first_message(&setup, 0);
    assert!(first.contains("App rule: be brief."), "{first}");
    assert!(first.contains("Shared rule: use tabs."), "{first}");
    let shared_file = std::fs::canonicalize(&shared).unwrap().join("CLAUDE.md");
    assert!(
        first.contains(&format!("# Instructions from {}", shared_file.display())),
        "{first}"
    );
    // The tools reach the added directory without asking (a read there is in the project).
    let results = setup.server.requests()[1]
        .last_message()
        .unwrap()
        .to_string();
    assert!(results.contains("the shared notes"), "{results}");

    // Without the variable, the directory is reachable but its memory is not read.
    let out = print(&setup, &app, None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let first = first_message(&setup, 2);
    assert!(first.contains("App rule: be brief."), "{first}");
    assert!(!first.contains("Shared rule"), "{first}");
}

#[test]
fn the_header_and_memory_list_an_added_directorys_memory() {
    let setup = Claw::new(Vec::new());
    let (app, _) = projects(&setup);
    let mut term = setup.start_in(
        &app,
        &["--add-dir", "../shared"],
        &[(VARIABLE, "1")],
        (110, 30),
        Profile::default(),
    );
    // The header names both memory files, the added one from home.
    let screen = term.wait_for_text("~/shared/CLAUDE.md", T).unwrap();
    assert!(screen.contains("CLAW.md"), "{screen}");
    term.send("/memory");
    term.key(Key::Enter);
    let screen = term
        .wait_for_text("Memory files in the context", T)
        .unwrap();
    assert!(
        screen.matches("~/shared/CLAUDE.md").count() >= 2,
        "listed by /memory too: {screen}"
    );
    term.kill();
    let _ = term.wait_exit(T);
}
