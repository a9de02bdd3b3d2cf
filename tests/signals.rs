//! Ways out of claw leave nothing behind. Signals from outside: the real binary, running a Bash
//! `sleep`, gets SIGTERM, SIGHUP or SIGKILL. It must exit with 128+signal, leave the terminal as
//! the shell had it, and take the `sleep` with it, full screen (in a pty) and headless
//! (`claw -p`); and when the UI cannot wind down (it waits for an editor), after a grace
//! period. And Ctrl+D on an empty input quits at once, firing SessionEnd.

mod support;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fake_server::{FakeServer, Reply};
use serde_json::json;
use support::pty::{Key, PtySession};

const T: Duration = Duration::from_secs(20);

struct Setup {
    /// Keeps the fake server's tasks running.
    _runtime: tokio::runtime::Runtime,
    server: FakeServer,
    dir: tempfile::TempDir,
}

/// A fake server whose first answer runs `sleep` with a marker no other process has.
fn setup() -> (Setup, String) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    // sleep adds its arguments up: the second one is the marker.
    let marker = format!("0.000{}{nanos}", std::process::id());
    let server = runtime
        .block_on(FakeServer::start(vec![
            Reply::tool_use(
                "Waiting a while.",
                "t1",
                "Bash",
                json!({"command": format!("sleep 1000 {marker}"), "description": "Wait"}),
            ),
            Reply::text("never reached"),
        ]))
        .unwrap();
    let setup = Setup {
        _runtime: runtime,
        server,
        dir: tempfile::tempdir().unwrap(),
    };
    (setup, marker)
}

fn env(setup: &Setup) -> Vec<(String, String)> {
    let home = setup.dir.path().display().to_string();
    vec![
        ("ANTHROPIC_BASE_URL".into(), setup.server.base_url()),
        ("ANTHROPIC_API_KEY".into(), "test-key".into()),
        ("HOME".into(), home.clone()),
        ("XDG_CONFIG_HOME".into(), home.clone()),
        ("XDG_DATA_HOME".into(), format!("{home}/data")),
        ("CLAW_MODEL".into(), "claude-sonnet-4-6".into()),
    ]
}

/// Pids of live processes whose command line contains `marker` (zombies have none).
fn running_with(marker: &str) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            String::from_utf8_lossy(&cmdline)
                .contains(marker)
                .then_some(pid)
        })
        .collect()
}

/// Whether the process group of the process running `marker` has claw's watchdog in it.
fn watchdog_beside(marker: &str) -> bool {
    let pgid = |pid: i32| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // After the command name in parentheses: state, ppid, pgrp.
        stat.rsplit(')')
            .next()?
            .split_whitespace()
            .nth(2)?
            .parse::<i32>()
            .ok()
    };
    let Some(group) = running_with(marker).into_iter().find_map(pgid) else {
        return false;
    };
    running_with("kill -KILL 0")
        .into_iter()
        .any(|pid| pgid(pid) == Some(group))
}

/// Polls until `done` holds or `timeout` passes; returns whether it held.
fn eventually(timeout: Duration, done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    done()
}

fn full_screen_signal_cleans_up(signal: i32, status: u32) {
    let (setup, marker) = setup();
    let env = env(&setup);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &["--dangerously-skip-permissions", "wait for me"],
        &env,
        setup.dir.path(),
        100,
        30,
    )
    .unwrap();
    term.wait_for_text("Waiting a while.", T).unwrap();
    assert!(
        eventually(T, || !running_with(&marker).is_empty()),
        "the sleep never started"
    );
    let during = term.modes();
    assert!(
        during.alternate_screen && during.mouse_reporting,
        "{during:?}"
    );
    assert_eq!(term.line_discipline(), Some((false, false)), "raw mode");

    term.signal(signal);
    assert_eq!(term.wait_exit(T).unwrap(), status);
    let modes = term.modes();
    assert!(modes.restored(), "terminal modes left behind: {modes:?}");
    assert_eq!(
        term.line_discipline(),
        Some((true, true)),
        "echo and canonical input are back"
    );
    assert!(
        eventually(T, || running_with(&marker).is_empty()),
        "the command outlived claw: {:?}",
        running_with(&marker)
    );
    let saved = saved_sessions(&setup);
    assert!(
        saved.contains("wait for me"),
        "the session was saved: {saved}"
    );
}

/// Every session file's text, joined.
fn saved_sessions(setup: &Setup) -> String {
    let mut text = String::new();
    let mut dirs = vec![setup.dir.path().join("data")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    text
}

#[test]
fn sigterm_while_the_ui_waits_for_an_editor_still_ends_claw() {
    let (setup, marker) = setup();
    // The "editor" never returns: the UI is blocked in it and cannot wind down itself.
    let editor = setup.dir.path().join("editor.sh");
    std::fs::write(&editor, format!("#!/bin/sh\nexec sleep 1000 {marker}1\n")).unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&editor)
        .status()
        .unwrap();
    let mut env = env(&setup);
    env.push(("VISUAL".into(), editor.display().to_string()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &[],
        &env,
        setup.dir.path(),
        100,
        30,
    )
    .unwrap();
    term.wait_for_text("Ask claw", T).unwrap();
    term.key(Key::Ctrl('g'));
    let editor_marker = format!("{marker}1");
    assert!(
        eventually(T, || !running_with(&editor_marker).is_empty()),
        "the editor never started"
    );
    term.signal(libc::SIGTERM);
    let status = term.wait_exit(T);
    // The editor shares claw's process group: `wait_exit` has killed it by now.
    assert_eq!(
        status.unwrap(),
        143,
        "claw ended itself after the grace period"
    );
    assert!(term.modes().restored(), "{:?}", term.modes());
    assert_eq!(term.line_discipline(), Some((true, true)));
}

#[test]
fn sigterm_restores_the_terminal_and_kills_the_running_command() {
    full_screen_signal_cleans_up(libc::SIGTERM, 143);
}

#[test]
fn sighup_restores_the_terminal_and_kills_the_running_command() {
    full_screen_signal_cleans_up(libc::SIGHUP, 129);
}

#[test]
fn sigkill_leaves_no_command_behind() {
    let (setup, marker) = setup();
    let env = env(&setup);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &["--dangerously-skip-permissions", "wait for me"],
        &env,
        setup.dir.path(),
        100,
        30,
    )
    .unwrap();
    assert!(
        eventually(T, || !running_with(&marker).is_empty()),
        "the sleep never started"
    );
    // claw starts the group's watchdog just after the command: a kill before that is a window
    // the parent-death signal alone covers (bash dies, a grandchild would not).
    assert!(
        eventually(T, || watchdog_beside(&marker)),
        "no watchdog in the command's process group"
    );
    // SIGKILL to claw alone (the harness's `kill` would hit its whole group): no handler runs.
    term.signal(libc::SIGKILL);
    let _ = term.wait_exit(T);
    assert!(
        eventually(T, || running_with(&marker).is_empty()),
        "the command outlived claw: {:?}",
        running_with(&marker)
    );
}

#[test]
fn sigterm_in_headless_mode_kills_the_running_command() {
    let (setup, marker) = setup();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["--dangerously-skip-permissions", "-p", "wait for me"])
        .envs(env(&setup))
        .current_dir(setup.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = eventually(T, || !running_with(&marker).is_empty());
    if !started {
        let _ = child.kill();
    }
    assert!(started, "the sleep never started");
    // SAFETY: kill only sends a signal to the child spawned above, not yet reaped.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let deadline = Instant::now() + T;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("claw -p did not exit after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    assert_eq!(status.code(), Some(143));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("stopped by SIGTERM"), "{stderr}");
    assert!(
        eventually(T, || running_with(&marker).is_empty()),
        "the command outlived claw: {:?}",
        running_with(&marker)
    );
}

#[test]
fn ctrl_d_on_an_empty_input_quits_at_once_and_fires_session_end() {
    let (setup, _) = setup();
    let root = setup.dir.path();
    std::fs::create_dir_all(root.join(".claude")).unwrap();
    std::fs::write(
        root.join(".claude/settings.json"),
        json!({"hooks": {"SessionEnd": [{"hooks": [
            {"type": "command", "command": "echo bye > session-ended"}
        ]}]}})
        .to_string(),
    )
    .unwrap();
    let env = env(&setup);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut term = PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_claw")),
        &[],
        &env,
        root,
        100,
        30,
    )
    .unwrap();
    term.wait_for_text("Ask claw", T).unwrap();
    term.key(Key::Ctrl('d'));
    assert_eq!(term.wait_exit(T).unwrap(), 0);
    assert!(term.modes().restored(), "{:?}", term.modes());
    assert_eq!(
        std::fs::read_to_string(root.join("session-ended"))
            .ok()
            .as_deref(),
        Some("bye\n"),
        "the SessionEnd hook ran before claw exited"
    );
    assert!(setup.server.requests().is_empty(), "nothing was sent");
}
