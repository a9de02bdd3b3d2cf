//! The real `claw` binary in headless mode with pipes (no terminal at all), against a fake
//! model server: write JSON lines to its stdin, wait for the lines it prints.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::claw::Claw;

/// How long a test waits for a line before failing (a hang is a failure, not a pass).
const PATIENCE: Duration = Duration::from_secs(60);

/// The flags the Agent SDKs start claw with.
pub const SDK_ARGS: &[&str] = &[
    "--output-format",
    "stream-json",
    "--verbose",
    "--input-format",
    "stream-json",
];

/// [`SDK_ARGS`] and `extra`.
pub fn sdk_args(extra: &[&'static str]) -> Vec<&'static str> {
    SDK_ARGS.iter().chain(extra).copied().collect()
}

/// A client's control request line.
pub fn control_request(id: &str, body: Value) -> Value {
    serde_json::json!({"type": "control_request", "request_id": id, "request": body})
}

/// A client's successful answer to claw's control request `id`.
pub fn control_answer(id: &str, response: Value) -> Value {
    serde_json::json!({"type": "control_response", "response": {"subtype": "success", "request_id": id, "response": response}})
}

/// `claw ARGS` in the project directory, against the fake server.
pub fn command(setup: &Claw, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_claw"));
    command.args(args).current_dir(setup.root());
    in_project(&mut command, setup);
    command
}

/// The environment claw runs in (also when a program starts it): the fake server, and HOME
/// and the config and data directories inside the project.
pub fn in_project(command: &mut Command, setup: &Claw) {
    let root = setup.root();
    command
        .env("ANTHROPIC_BASE_URL", setup.server.base_url())
        .env("ANTHROPIC_API_KEY", "test-key")
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root)
        .env("XDG_DATA_HOME", root.join("data"))
        .env("CLAW_MODEL", "claude-sonnet-4-6")
        .env_remove("CLAW_PROVIDER");
}

/// `claw ARGS` with `stdin` written and closed; its output, stdout parsed as JSON lines.
pub struct Finished {
    pub code: Option<i32>,
    pub lines: Vec<Value>,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// The lines of `type` (and `subtype`, when given).
    pub fn of(&self, kind: &str, subtype: Option<&str>) -> Vec<&Value> {
        self.lines
            .iter()
            .filter(|l| l["type"] == kind && subtype.is_none_or(|s| l["subtype"] == s))
            .collect()
    }
}

pub fn run(setup: &Claw, args: &[&str], stdin: &str) -> Finished {
    run_command(command(setup, args), stdin)
}

/// `command` (see [`command`]) with `stdin` written and closed; its output.
pub fn run_command(mut command: Command, stdin: &str) -> Finished {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let out = wait_output(child);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    Finished {
        code: out.status.code(),
        lines: stdout
            .lines()
            .filter(|l| l.starts_with('{') || l.starts_with('['))
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect(),
        stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Waits for the child's exit, failing the test (and killing it) after `PATIENCE`.
fn wait_output(mut child: Child) -> std::process::Output {
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("claw did not exit within {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    std::process::Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// A running `claw` in stream-json mode: write lines, wait for lines.
pub struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Value>,
    /// Every line read so far.
    pub seen: Vec<Value>,
}

impl Session {
    pub fn start(setup: &Claw, args: &[&str]) -> Session {
        Session::start_command(command(setup, args))
    }

    /// Starts `command` (see [`command`]) in stream-json mode.
    pub fn start_command(mut command: Command) -> Session {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                let Ok(value) = serde_json::from_str::<Value>(&line) else {
                    panic!("not JSON on stdout: {line}");
                };
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Session {
            stdin: child.stdin.take(),
            child,
            lines: rx,
            seen: Vec::new(),
        }
    }

    pub fn send(&mut self, line: Value) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    pub fn user(&mut self, text: &str) {
        self.send(serde_json::json!({
            "type": "user",
            "message": {"role": "user", "content": text},
            "parent_tool_use_id": null,
            "session_id": "",
        }));
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the next line matching `wanted`, returning it.
    pub fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {what} within {PATIENCE:?}; saw {:#?}", self.seen)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("claw closed stdout before {what}; saw {:#?}", self.seen)
                }
            }
        }
    }

    /// Waits for a line of `type` (and `subtype`).
    pub fn wait_type(&mut self, kind: &str, subtype: Option<&str>) -> Value {
        let what = format!("{kind} {}", subtype.unwrap_or(""));
        self.wait_for(&what, |l| {
            l["type"] == kind && subtype.is_none_or(|s| l["subtype"] == s)
        })
    }

    /// Waits for the answer to the client's control request `id`.
    pub fn wait_response(&mut self, id: &str) -> Value {
        self.wait_for(&format!("the answer to {id}"), |l| {
            l["type"] == "control_response" && l["response"]["request_id"] == id
        })
    }

    /// Sends `signal` to claw.
    pub fn signal(&self, signal: i32) {
        let pid = i32::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) with the pid of a child this session owns (not yet waited for).
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }

    /// Closes stdin and waits for the exit status.
    pub fn finish(mut self) -> Option<i32> {
        self.close_stdin();
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            // Drain what is printed meanwhile, so a full pipe never blocks claw.
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(50)) {
                self.seen.push(line);
            }
        }
        let _ = self.child.kill();
        panic!("claw did not exit after stdin closed; saw {:#?}", self.seen);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
