//! End to end: the real `claw` binary in a pseudo-terminal against the scripted fake server.
//! Type a prompt, watch the streamed answer, approve an edit with `y` after seeing its diff,
//! deny a command with `n`, stop a long stream with Esc, quit with Ctrl+C twice.

mod support;

use std::path::Path;
use std::time::Duration;

use fake_server::Reply;
use serde_json::json;
use support::claw::Claw;
use support::pty::{Key, PtySession};

const T: Duration = Duration::from_secs(15);
/// Approval prompts ignore keys for 0.4 s after they appear (so a keystroke meant for the input
/// box can't answer them); tests wait this long after seeing one. A rule, not a race.
const GRACE: Duration = Duration::from_millis(450);

/// The fake server and the project directory.
type Setup = Claw;

fn setup(replies: Vec<Reply>) -> Setup {
    Claw::new(replies)
}

fn claw(setup: &Setup, cols: u16, rows: u16) -> PtySession {
    claw_with(setup, cols, rows, &[])
}

fn claw_with(setup: &Setup, cols: u16, rows: u16, extra_env: &[(&str, &str)]) -> PtySession {
    let base = setup.server.base_url();
    let home = setup.dir.path().display().to_string();
    let mut env = vec![
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("ANTHROPIC_API_KEY", "test-key"),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
        ("CLAW_MODEL", "claude-sonnet-4-6"),
    ];
    env.extend_from_slice(extra_env);
    PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &[],
        &env,
        setup.dir.path(),
        cols,
        rows,
    )
    .unwrap()
}

/// An executable shell script standing in for `$EDITOR` (its file is `$1`); returns its path.
fn editor_script(setup: &Setup, body: &str) -> String {
    let path = setup.dir.path().join("editor.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&path)
        .status()
        .unwrap();
    path.display().to_string()
}

fn quit(term: &mut PtySession) {
    // Ctrl+C arms quitting only when nothing runs and the input is empty (otherwise it
    // interrupts, or clears the text).
    term.wait_for(|s| s.lines().last().is_some_and(|l| l.contains("idle")), T)
        .unwrap();
    if !term.screen().contains("Ask claw") {
        term.key(Key::CtrlC);
        term.wait_for_text("Ask claw", T).unwrap();
    }
    term.key(Key::CtrlC);
    term.wait_for_text("Ctrl+C again", T).unwrap();
    term.key(Key::CtrlC);
    assert_eq!(term.wait_exit(T).unwrap(), 0, "claw exits with status 0");
    let modes = term.modes();
    assert!(modes.restored(), "terminal modes restored: {modes:?}");
}

#[test]
fn edit_approved_and_command_denied() {
    let setup = setup(Vec::new());
    let notes = setup.dir.path().join("notes.txt");
    std::fs::write(&notes, "hello world\n").unwrap();
    let path = notes.display().to_string();
    for reply in [
        Reply::tool_use(
            "I'll **read** the file first.",
            "t1",
            "Read",
            json!({"file_path": path}),
        ),
        Reply::tool_use(
            "Now the edit.",
            "t2",
            "Edit",
            json!({"file_path": path, "old_string": "hello world", "new_string": "goodbye world"}),
        ),
        Reply::tool_use(
            "And clean up.",
            "t3",
            "Bash",
            json!({"command": "rm notes.txt", "description": "Delete the notes"}),
        ),
        Reply::text("All done: the greeting is now a farewell."),
    ] {
        setup.server.push(reply);
    }
    let mut term = claw(&setup, 110, 36);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("change the greeting");
    term.key(Key::Enter);
    // The streamed answer, with markdown rendered (no asterisks).
    term.wait_for_text("I'll read the file first.", T).unwrap();
    // The diff of the edit, before anything changes on disk.
    let screen = term.wait_for_text("Allow Edit", T).unwrap();
    assert!(screen.contains("goodbye world"), "{screen}");
    assert!(screen.contains("hello world"), "{screen}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "hello world\n");
    std::thread::sleep(GRACE);
    term.key(Key::Char('y'));
    // The command, with its description; the file is already changed.
    let screen = term.wait_for_text("Allow Bash", T).unwrap();
    assert!(screen.contains("rm notes.txt"), "{screen}");
    assert!(screen.contains("Delete the notes"), "{screen}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "goodbye world\n");
    std::thread::sleep(GRACE);
    term.key(Key::Char('n'));
    term.wait_for_text("the greeting is now a farewell", T)
        .unwrap();
    term.wait_for_text("idle", T).unwrap();
    assert!(notes.exists(), "the denied command did not run");
    let requests = setup.server.requests();
    assert_eq!(requests.len(), 4);
    let last = requests[3].last_message().unwrap();
    assert_eq!(last["content"][0]["is_error"], json!(true));
    quit(&mut term);
}

#[test]
fn esc_stops_a_long_stream_and_the_next_turn_works() {
    let long: String = (1..=400).map(|i| format!("word{i} ")).collect();
    let setup = setup(vec![
        Reply::text(&long).paced(Duration::from_millis(20)),
        Reply::text("Short answer."),
    ]);
    let mut term = claw(&setup, 100, 30);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("talk for a long time");
    term.key(Key::Enter);
    term.wait_for_text("word5 ", T).unwrap();
    term.key(Key::Esc);
    term.wait_for_text("Interrupted.", T).unwrap();
    let screen = term.screen();
    assert!(!screen.contains("word400"), "the stream stopped early");
    term.send("and now?");
    term.key(Key::Enter);
    term.wait_for_text("Short answer.", T).unwrap();
    quit(&mut term);
}

#[test]
fn errors_are_shown_and_the_session_goes_on() {
    let setup = setup(vec![
        Reply::status(401, "authentication_error", "invalid x-api-key"),
        Reply::text("this stream is cut off in the middle of a sentence").drop_after(5),
        Reply::status(529, "overloaded_error", "Overloaded"),
        Reply::text("Recovered after a retry."),
    ]);
    let mut term = claw(&setup, 100, 30);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("first");
    term.key(Key::Enter);
    term.wait_for_text("ANTHROPIC_API_KEY", T).unwrap();
    term.send("second");
    term.key(Key::Enter);
    term.wait_for_text("broke off", T).unwrap();
    term.send("third");
    term.key(Key::Enter);
    term.wait_for_text("Recovered after a retry.", T).unwrap();
    assert!(term.screen().contains("retrying"));
    quit(&mut term);
}

#[test]
fn slash_commands_and_the_editor_round_trip() {
    let setup = setup(Vec::new());
    let editor = editor_script(&setup, "echo 'Remember: run make check.' >> \"$1\"");
    let mut term = claw_with(
        &setup,
        100,
        30,
        &[("EDITOR", editor.as_str()), ("VISUAL", "")],
    );
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("/help");
    term.key(Key::Enter);
    term.wait_for_text("/permissions [remove N]", T).unwrap();
    term.send("/permissions");
    term.key(Key::Enter);
    term.wait_for_text("Mode: default", T).unwrap();
    term.send("/memory edit");
    term.key(Key::Enter);
    term.wait_for_text("Edited", T).unwrap();
    let memory = std::fs::read_to_string(setup.dir.path().join("CLAW.md")).unwrap();
    assert_eq!(memory, "Remember: run make check.\n");
    // Back in full screen, and still working.
    term.send("/status");
    term.key(Key::Enter);
    term.wait_for_text("Permission mode: default", T).unwrap();
    quit(&mut term);
}

#[test]
fn a_session_survives_a_kill_and_continues() {
    let setup = setup(vec![
        Reply::text("The capital of France is Paris."),
        // Cut off by the kill.
        Reply::text(&"streaming on and on ".repeat(200)).paced(Duration::from_millis(20)),
        Reply::text("You asked about France, then something long."),
    ]);
    let data = setup.dir.path().join("data");
    let data = data.display().to_string();
    let env = [("XDG_DATA_HOME", data.as_str())];
    let mut term = claw_with(&setup, 100, 30, &env);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("capital of France?");
    term.key(Key::Enter);
    let screen = term
        .wait_for(|s| s.contains("Paris.") && !s.contains("↑0 ↓0"), T)
        .unwrap();
    let tokens = token_counts(&screen);
    term.send("tell me a long story");
    term.key(Key::Enter);
    term.wait_for_text("streaming on and on", T).unwrap();
    // SIGKILL in the middle of the stream: no chance to clean up.
    term.kill();
    let _ = term.wait_exit(T);

    let base = setup.server.base_url();
    let mut term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &["--continue"],
        &[
            ("ANTHROPIC_BASE_URL", base.as_str()),
            ("ANTHROPIC_API_KEY", "k"),
            ("HOME", setup.dir.path().to_str().unwrap()),
            ("XDG_CONFIG_HOME", setup.dir.path().to_str().unwrap()),
            ("XDG_DATA_HOME", data.as_str()),
        ],
        setup.dir.path(),
        100,
        30,
    )
    .unwrap();
    // The earlier conversation is on screen again, and its token counts with its cost.
    let screen = term.wait_for_text("Resumed", T).unwrap();
    term.wait_for_text(&tokens, T).unwrap();
    assert!(screen.contains("capital of France?"), "{screen}");
    assert!(screen.contains("Paris."), "{screen}");
    term.send("what did I ask?");
    term.key(Key::Enter);
    term.wait_for_text("You asked about France", T).unwrap();
    let requests = setup.server.requests();
    let last = &requests.last().unwrap().body["messages"];
    let text = last.to_string();
    assert!(
        text.contains("capital of France?") && text.contains("Paris."),
        "{text}"
    );
    assert!(
        text.contains("tell me a long story") && text.contains("what did I ask?"),
        "{text}"
    );
    quit(&mut term);
}

#[test]
fn resume_inside_the_app_brings_back_an_earlier_session() {
    let setup = setup(vec![
        Reply::text("Noted: the sky is blue."),
        Reply::text("You told me the sky is blue."),
    ]);
    let data = setup.dir.path().join("data").display().to_string();
    let env = [("XDG_DATA_HOME", data.as_str())];
    let mut term = claw_with(&setup, 100, 30, &env);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("remember: the sky is blue");
    term.key(Key::Enter);
    term.wait_for_text("Noted", T).unwrap();
    quit(&mut term);

    let mut term = claw_with(&setup, 100, 30, &env);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("/resume sky");
    term.key(Key::Enter);
    term.wait_for_text("1. ", T).unwrap();
    assert!(term.screen().contains("remember: the sky is blue"));
    term.send("/resume 1");
    term.key(Key::Enter);
    let screen = term.wait_for_text("Resumed", T).unwrap();
    assert!(screen.contains("Noted: the sky is blue."), "{screen}");
    term.send("what did I tell you?");
    term.key(Key::Enter);
    term.wait_for_text("You told me", T).unwrap();
    let last = setup.server.requests().last().unwrap().body["messages"].to_string();
    assert!(
        last.contains("the sky is blue") && last.contains("what did I tell you?"),
        "{last}"
    );
    quit(&mut term);
}

#[test]
fn the_palette_switches_the_model_for_the_next_request() {
    let setup = setup(vec![
        Reply::text("First answer."),
        Reply::text("Second answer."),
    ]);
    let mut term = claw(&setup, 110, 36);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("hello");
    term.key(Key::Enter);
    term.wait_for_text("First answer.", T).unwrap();
    term.wait_for_text("idle", T).unwrap();

    term.key(Key::Ctrl('p'));
    term.wait_for_text("Command palette", T).unwrap();
    term.send("haiku");
    let screen = term.wait_for_text("claude-haiku-4-5", T).unwrap();
    assert!(screen.contains("Claude Haiku 4.5"), "{screen}");
    term.key(Key::Enter);
    // The status bar shows the new model at once.
    term.wait_for(
        |screen| !screen.contains("Command palette") && screen.contains("│ claude-haiku-4-5 │"),
        T,
    )
    .unwrap();
    term.send("again");
    term.key(Key::Enter);
    term.wait_for_text("Second answer.", T).unwrap();

    let models: Vec<String> = setup
        .server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/v1/messages"))
        .map(|r| r.body["model"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(models, ["claude-sonnet-4-6", "claude-haiku-4-5"]);
    quit(&mut term);
}

#[test]
fn claw_resume_starts_in_the_session_picker_and_history_survives() {
    let setup = setup(vec![
        Reply::text("Noted: the sea is green."),
        Reply::text("Noted: the grass is blue."),
        Reply::text("You said the sea is green."),
    ]);
    let data = setup.dir.path().join("data").display().to_string();
    let env = [("XDG_DATA_HOME", data.as_str())];
    for prompt in ["remember: the sea is green", "remember: the grass is blue"] {
        let mut term = claw_with(&setup, 100, 30, &env);
        term.wait_for_text("Ask claw", T).unwrap();
        term.send(prompt);
        term.key(Key::Enter);
        term.wait_for_text("Noted", T).unwrap();
        quit(&mut term);
    }

    let mut term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &["--resume"],
        &[
            ("ANTHROPIC_BASE_URL", setup.server.base_url().as_str()),
            ("ANTHROPIC_API_KEY", "test-key"),
            ("HOME", setup.dir.path().to_str().unwrap()),
            ("XDG_CONFIG_HOME", setup.dir.path().to_str().unwrap()),
            ("XDG_DATA_HOME", data.as_str()),
        ],
        setup.dir.path(),
        100,
        30,
    )
    .unwrap();
    let screen = term
        .wait_for_text("remember: the grass is blue", T)
        .unwrap();
    assert!(screen.contains("Resume a session"), "{screen}");
    assert!(screen.contains("remember: the sea is green"), "{screen}");
    term.send("sea");
    term.wait_for(|s| !s.contains("remember: the grass is blue"), T)
        .unwrap();
    term.key(Key::Enter);
    let screen = term.wait_for_text("Resumed", T).unwrap();
    assert!(screen.contains("Noted: the sea is green."), "{screen}");
    // The input history reaches back across sessions.
    term.key(Key::Up);
    term.wait_for(
        |s| {
            s.lines()
                .any(|l| l.starts_with("│remember: the grass is blue"))
        },
        T,
    )
    .unwrap();
    quit(&mut term);
}

#[test]
fn a_prompt_given_on_the_command_line_reaches_the_input_history() {
    let setup = setup(vec![Reply::text("Noted: from the command line.")]);
    let data = setup.dir.path().join("data").display().to_string();
    let base = setup.server.base_url();
    let home = setup.dir.path().display().to_string();
    let env = [
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("ANTHROPIC_API_KEY", "test-key"),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
        ("XDG_DATA_HOME", data.as_str()),
        ("CLAW_MODEL", "claude-sonnet-4-6"),
    ];
    let spawn = |args: &[&str]| {
        PtySession::spawn(
            Path::new(env!("CARGO_BIN_EXE_claw")),
            args,
            &env,
            setup.dir.path(),
            100,
            30,
        )
        .unwrap()
    };
    let mut term = spawn(&["remember the command line"]);
    term.wait_for_text("Noted: from the command line.", T)
        .unwrap();
    quit(&mut term);

    // The next session finds it with Up.
    let mut term = spawn(&[]);
    term.wait_for_text("Ask claw", T).unwrap();
    term.key(Key::Up);
    term.wait_for(
        |s| {
            s.lines()
                .any(|l| l.starts_with("│remember the command line"))
        },
        T,
    )
    .unwrap();
    quit(&mut term);
}

#[test]
fn resizing_reflows_the_whole_screen() {
    let setup = setup(vec![Reply::text(
        "A fairly long answer that wraps differently at each width, so that a resize has to \
         reflow every line of it rather than leave pieces of the old layout behind.",
    )]);
    let mut term = claw(&setup, 120, 30);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("talk");
    term.key(Key::Enter);
    term.wait_for_text("pieces of the old", T).unwrap();
    for (cols, rows) in [(60, 24), (90, 20), (48, 30)] {
        term.resize(cols, rows);
        let screen = term
            .wait_for(
                |s| {
                    let lines: Vec<&str> = s.lines().collect();
                    // The input box spans the new width and the status bar is the last row.
                    lines.iter().any(|l| {
                        l.starts_with('┌')
                            && l.trim_end().ends_with('┐')
                            && l.trim_end().chars().count() == cols as usize
                    }) && lines.last().is_some_and(|l| l.starts_with(" claw"))
                },
                T,
            )
            .unwrap();
        // Every word of the answer is still there, reflowed (none cut off or doubled).
        let text: String = screen
            .lines()
            .filter(|l| !l.starts_with(['┌', '│', '└']))
            .collect::<Vec<_>>()
            .join(" ");
        let words: Vec<&str> = text.split_whitespace().collect();
        let joined = words.join(" ");
        assert!(
            joined.contains(
                "reflow every line of it rather than leave pieces of the old layout behind."
            ),
            "{screen}"
        );
        assert_eq!(
            joined.matches("A fairly long answer").count(),
            1,
            "{screen}"
        );
    }
    quit(&mut term);
}

#[test]
fn an_at_mention_is_found_attached_and_sent() {
    let setup = setup(vec![Reply::text("I see the notes.")]);
    std::fs::create_dir_all(setup.dir.path().join("docs")).unwrap();
    std::fs::write(
        setup.dir.path().join("docs/notes.txt"),
        "the secret is 42\n",
    )
    .unwrap();
    let mut term = claw(&setup, 100, 30);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("summarize @notxt");
    term.wait_for_text("docs/notes.txt", T).unwrap();
    term.key(Key::Tab);
    term.wait_for(
        |s| s.contains("summarize @docs/notes.txt") && !s.contains("Tab attaches"),
        T,
    )
    .unwrap();
    term.key(Key::Enter);
    let screen = term.wait_for_text("I see the notes.", T).unwrap();
    assert!(
        screen.contains("Attached docs/notes.txt (1 line)"),
        "{screen}"
    );
    let sent = setup.server.requests().last().unwrap().body["messages"].to_string();
    assert!(sent.contains("the secret is 42"), "{sent}");
    quit(&mut term);
}

#[test]
fn diff_shows_the_working_tree_changes() {
    let setup = setup(Vec::new());
    let root = setup.dir.path();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.email=t@t", "-c", "user.name=t"])
            .args(args)
            .current_dir(root)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    // The test's home is this directory: claw's own files there are not the project's.
    std::fs::write(root.join(".gitignore"), ".local/\n.config/\n").unwrap();
    std::fs::write(root.join("lib.rs"), "fn one() {}\nfn two() {}\n").unwrap();
    git(&["add", "lib.rs", ".gitignore"]);
    git(&["commit", "-qm", "start"]);
    std::fs::write(root.join("lib.rs"), "fn one() {}\nfn three() {}\n").unwrap();
    let mut term = claw(&setup, 100, 30);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("/diff");
    term.key(Key::Enter);
    let screen = term.wait_for_text("Changes — ", T).unwrap();
    assert!(screen.contains("M lib.rs"), "{screen}");
    assert!(screen.contains("- fn two() {}"), "{screen}");
    assert!(screen.contains("+ fn three() {}"), "{screen}");
    term.key(Key::Esc);
    term.wait_for(|s| !s.contains("Changes — "), T).unwrap();
    quit(&mut term);
}

#[test]
fn headless_prints_the_answer_and_runs_custom_commands() {
    let setup = setup(vec![Reply::text("Plain answer."), Reply::text("Reviewed.")]);
    let root = setup.dir.path();
    std::fs::create_dir_all(root.join(".claude/commands")).unwrap();
    std::fs::write(
        root.join(".claude/commands/review.md"),
        "Review $ARGUMENTS closely.",
    )
    .unwrap();
    let run = |prompt: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_claw"))
            .args(["-p", prompt])
            .current_dir(root)
            .env("ANTHROPIC_BASE_URL", setup.server.base_url())
            .env("ANTHROPIC_API_KEY", "test-key")
            .env("HOME", root)
            .env("XDG_CONFIG_HOME", root)
            .env("XDG_DATA_HOME", root.join("data"))
            .output()
            .unwrap()
    };
    let out = run("hello");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Plain answer.");
    let out = run("/review src/lib.rs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Reviewed.");
    let last = setup.server.requests().last().unwrap().body["messages"][0].to_string();
    assert!(last.contains("Review src/lib.rs closely."), "{last}");
}

/// A project directory (under the test's home) whose `.claude/settings.json` doesn't parse:
/// a trailing comma on line 2, in the list of deny rules.
fn project_with_broken_settings(setup: &Setup) -> std::path::PathBuf {
    let project = setup.dir.path().join("project");
    std::fs::create_dir_all(project.join(".claude")).unwrap();
    std::fs::write(
        project.join(".claude/settings.json"),
        "{\n  \"permissions\": {\"deny\": [\"Bash(rm:*)\",]}\n}\n",
    )
    .unwrap();
    project
}

fn claw_in(setup: &Setup, cwd: &Path, args: &[&str]) -> PtySession {
    let base = setup.server.base_url();
    let home = setup.dir.path().display().to_string();
    let env = [
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("ANTHROPIC_API_KEY", "test-key"),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
        ("CLAW_MODEL", "claude-sonnet-4-6"),
    ];
    PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        args,
        &env,
        cwd,
        110,
        30,
    )
    .unwrap()
}

#[test]
fn broken_settings_open_a_dialog_and_q_quits_without_sending_anything() {
    let setup = setup(vec![Reply::text("should not be asked")]);
    let project = project_with_broken_settings(&setup);
    let mut term = claw_in(&setup, &project, &["fix the bug"]);
    let screen = term.wait_for_text("Settings not loaded", T).unwrap();
    assert!(
        screen.contains("project/.claude/settings.json:2:"),
        "{screen}"
    );
    assert!(screen.contains("trailing comma"), "{screen}");
    assert!(screen.contains("continue without it"), "{screen}");
    term.key(Key::Char('q'));
    assert_eq!(term.wait_exit(T).unwrap(), 0, "q quits with status 0");
    let modes = term.modes();
    assert!(modes.restored(), "terminal modes restored: {modes:?}");
    assert!(
        setup.server.requests().is_empty(),
        "the prompt from the command line was not sent"
    );
}

#[test]
fn broken_settings_c_continues_and_the_first_prompt_is_sent_then() {
    let setup = setup(vec![Reply::text("Going on without it.")]);
    let project = project_with_broken_settings(&setup);
    let mut term = claw_in(&setup, &project, &["fix the bug"]);
    term.wait_for_text("Settings not loaded", T).unwrap();
    assert!(setup.server.requests().is_empty());
    term.key(Key::Char('c'));
    let screen = term.wait_for_text("Going on without it.", T).unwrap();
    assert!(!screen.contains("Settings not loaded"), "{screen}");
    assert!(screen.contains("Settings file left out"), "{screen}");
    quit(&mut term);
}

#[test]
fn headless_refuses_to_run_with_broken_settings() {
    let setup = setup(vec![Reply::text("should not be asked")]);
    let project = project_with_broken_settings(&setup);
    let home = setup.dir.path();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["-p", "hello"])
        .current_dir(&project)
        .env("ANTHROPIC_BASE_URL", setup.server.base_url())
        .env("ANTHROPIC_API_KEY", "test-key")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let first = stderr.lines().next().unwrap_or("");
    assert!(
        first.starts_with("claw: ")
            && first.contains("project/.claude/settings.json:2:")
            && first.contains("trailing comma"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert!(
        setup.server.requests().is_empty(),
        "the model was not called"
    );
    // `claw config` still lists the file and where it is broken.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claw"))
        .arg("config")
        .current_dir(&project)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.contains("project/.claude/settings.json:2:") && stdout.contains("left out"),
        "{stdout}"
    );
}

#[test]
fn the_theme_follows_the_terminals_background() {
    let setup = setup(Vec::new());
    let home = setup.dir.path().display().to_string();
    let base = setup.server.base_url();
    let env = [
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("ANTHROPIC_API_KEY", "test-key"),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
    ];
    for (background, status_bg) in [
        ((255, 255, 255), vt100::Color::Rgb(0xea, 0xee, 0xf2)),
        ((0, 0, 0), vt100::Color::Rgb(0x2e, 0x34, 0x40)),
    ] {
        let mut term = PtySession::spawn_with(
            Path::new(env!("CARGO_BIN_EXE_claw")),
            &[],
            &env,
            setup.dir.path(),
            80,
            20,
            support::terminal::Profile {
                background,
                ..Default::default()
            },
        )
        .unwrap();
        term.wait_for_text("Ask claw", T).unwrap();
        let style = term.cell_style(19, 1).unwrap();
        assert_eq!(style.bg, status_bg, "background {background:?}");
        quit(&mut term);
    }
}

#[test]
fn ctrl_g_edits_the_message_in_the_editor_and_it_is_sent() {
    let setup = setup(vec![Reply::text("Got both lines.")]);
    // The "editor" upper-cases what was typed and adds a second line.
    let editor = editor_script(
        &setup,
        "tr a-z A-Z < \"$1\" > \"$1.new\" && mv \"$1.new\" \"$1\" && printf '\\nsecond line\\n' >> \"$1\"",
    );
    let mut term = claw_with(&setup, 100, 30, &[("VISUAL", editor.as_str())]);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("first line");
    term.wait_for_text("first line", T).unwrap();
    term.key(Key::Ctrl('g'));
    term.wait_for(|s| s.contains("FIRST LINE") && s.contains("second line"), T)
        .unwrap();
    term.key(Key::Enter);
    term.wait_for_text("Got both lines.", T).unwrap();
    let sent = setup.server.requests().last().unwrap().body["messages"][0].to_string();
    assert!(sent.contains("FIRST LINE\\nsecond line"), "{sent}");
    quit(&mut term);
}

/// The status bar's "↑12 ↓3" on `screen`.
fn token_counts(screen: &str) -> String {
    let from = screen.find('↑').expect("token counts in the status bar");
    let rest = &screen[from..];
    let end = rest.find(" ·").unwrap_or(rest.len());
    rest[..end].to_string()
}

#[test]
fn esc_esc_opens_the_rewind_picker_and_enter_rewinds() {
    let setup = setup(vec![
        Reply::text("First answer."),
        Reply::text("Second answer."),
    ]);
    let mut term = claw(&setup, 100, 30);
    term.wait_for_text("Ask claw", T).unwrap();
    term.send("first prompt");
    term.key(Key::Enter);
    term.wait_for_text("First answer.", T).unwrap();
    term.send("second prompt");
    term.key(Key::Enter);
    term.wait_for_text("Second answer.", T).unwrap();
    term.key(Key::Esc);
    term.key(Key::Esc);
    term.wait_for_text("Rewind to before a prompt", T).unwrap();
    term.key(Key::Enter);
    term.wait_for_text("Rewound to before prompt 2", T).unwrap();
    term.wait_for(|s| !s.contains("Second answer."), T).unwrap();
    quit(&mut term);
}
