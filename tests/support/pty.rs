//! Drives a program in a pseudo-terminal for end-to-end tests: a reader thread feeds the
//! emulated [`Terminal`] (which answers crossterm's queries, so nothing waits 2 s for a reply),
//! tests type keys and block until the screen matches. Nothing sleeps and hopes: `wait_for`
//! waits on a condvar, and on failure the error shows the screen and the last output bytes.
//!
//! ```ignore
//! mod support;
//! use support::pty::{Key, PtySession};
//!
//! let mut term = PtySession::spawn(Path::new(env!("CARGO_BIN_EXE_claw")), &[],
//!     &[("HOME", home)], dir.path(), 100, 30)?;
//! term.wait_for_text("Ask claw", T)?;          // first frame drawn
//! term.send("hello");
//! term.send_key(Key::Enter);
//! term.wait_for(|s| s.contains("Hello!") && !s.contains("thinking"), T)?;
//! term.paste("two\nlines");                     // with bracketed-paste markers if enabled
//! term.resize(60, 20);                          // pty and screen together
//! term.send_key(Key::CtrlC);
//! assert_eq!(term.wait_exit(T)?, 0);
//! assert!(term.modes_restored(), "{:?}", term.modes());
//! ```

use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::failure::escape;
use super::terminal::{mouse_click, mouse_scroll};

// Re-exported so a test needs only `support::pty::…`; each test binary uses a different subset.
#[allow(unused_imports)]
pub use super::failure::{HarnessError, Snapshot};
#[allow(unused_imports)]
pub use super::terminal::{CellStyle, Key, KeyboardProtocol, Modes, Profile, Terminal, Wheel};

/// How much of the raw output a failure report shows.
const LOG_TAIL: usize = 800;

/// Everything the threads share, behind one lock.
struct State {
    terminal: Terminal,
    /// Everything the program wrote, for failure reports.
    log: Vec<u8>,
    /// The pty gave end-of-file: every process holding it has gone.
    output_closed: bool,
    exit: Option<Exit>,
}

impl State {
    fn snapshot(&self) -> Snapshot {
        let start = self.log.len().saturating_sub(LOG_TAIL);
        Snapshot {
            screen: self.terminal.text(),
            output_tail: escape(&self.log[start..]),
        }
    }
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in another test thread while holding the lock leaves the data usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A program running in a pseudo-terminal.
pub struct PtySession {
    shared: Arc<Shared>,
    /// Bytes for the program's input, written in order by the writer thread (so neither a test
    /// nor the reader answering a query blocks on a full pty buffer).
    input: Sender<Vec<u8>>,
    master: Box<dyn MasterPty + Send>,
    /// Reaped only in Drop, after the group is killed: until then its zombie keeps `pid` (and
    /// so the group id) from being reused by another test's process.
    child: Box<dyn Child + Send + Sync>,
    /// The child is a session leader (portable-pty calls setsid), so this is also its
    /// process-group id: killing the group takes its background grandchildren too.
    pid: i32,
}

impl PtySession {
    /// Starts `program` in a new `cols`x`rows` pty with TERM=xterm-256color, the test's
    /// environment (minus COLUMNS/LINES) plus `env`, answering queries as [`Profile::default`].
    pub fn spawn(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        cwd: &Path,
        cols: u16,
        rows: u16,
    ) -> Result<Self, HarnessError> {
        Self::spawn_with(program, args, env, cwd, cols, rows, Profile::default())
    }

    /// [`spawn`](Self::spawn) with a chosen terminal profile (e.g. no kitty keyboard protocol).
    pub fn spawn_with(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        cwd: &Path,
        cols: u16,
        rows: u16,
        profile: Profile,
    ) -> Result<Self, HarnessError> {
        let fail = |reason: String| HarnessError::Spawn {
            program: program.display().to_string(),
            reason,
        };
        let pty = native_pty_system()
            .openpty(pty_size(cols, rows))
            .map_err(|e| fail(e.to_string()))?;
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(cwd);
        // Inherited sizes would override the pty's own in some programs (ncurses, tput).
        cmd.env_remove("COLUMNS");
        cmd.env_remove("LINES");
        cmd.env("TERM", "xterm-256color");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let mut reader = pty
            .master
            .try_clone_reader()
            .map_err(|e| fail(e.to_string()))?;
        let mut writer = pty.master.take_writer().map_err(|e| fail(e.to_string()))?;
        let mut child = pty
            .slave
            .spawn_command(cmd)
            .map_err(|e| fail(e.to_string()))?;
        // Only the child may hold the slave, or the reader never sees end-of-file.
        drop(pty.slave);
        let Some(pid) = child.process_id().and_then(|pid| i32::try_from(pid).ok()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(fail("the pty system gave no process id".to_string()));
        };

        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                terminal: Terminal::new(cols, rows, profile),
                log: Vec::new(),
                output_closed: false,
                exit: None,
            }),
            changed: Condvar::new(),
        });
        let (input, queued) = mpsc::channel::<Vec<u8>>();

        std::thread::spawn(move || {
            for bytes in queued {
                if writer
                    .write_all(&bytes)
                    .and_then(|()| writer.flush())
                    .is_err()
                {
                    return;
                }
            }
        });

        let (reader_shared, replies) = (Arc::clone(&shared), input.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                // On Linux the master reads EIO once no process holds the slave: that is EOF.
                let n = reader.read(&mut buf).unwrap_or(0);
                let mut state = reader_shared.lock();
                if n == 0 {
                    state.output_closed = true;
                    reader_shared.changed.notify_all();
                    return;
                }
                state.log.extend_from_slice(&buf[..n]);
                let reply = state.terminal.feed(&buf[..n]);
                let frame_complete = !state.terminal.in_synchronized_update();
                drop(state);
                if !reply.is_empty() {
                    let _ = replies.send(reply);
                }
                // Mid-frame screens are never shown to waiters.
                if frame_complete {
                    reader_shared.changed.notify_all();
                }
            }
        });

        let waiter_shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            let exit = wait_without_reaping(pid);
            waiter_shared.lock().exit = Some(exit);
            waiter_shared.changed.notify_all();
        });

        Ok(PtySession {
            shared,
            input,
            master: pty.master,
            child,
            pid,
        })
    }

    /// Types raw text (no translation: "\r" is Enter).
    pub fn send(&self, text: &str) {
        self.send_bytes(text.as_bytes());
    }

    pub fn send_bytes(&self, bytes: &[u8]) {
        // Fails only once the writer has stopped, when the program is gone anyway.
        let _ = self.input.send(bytes.to_vec());
    }

    /// Presses a key, encoded for the terminal's current keyboard flags and cursor-key mode.
    pub fn send_key(&self, key: Key) {
        let bytes = {
            let state = self.shared.lock();
            let terminal = &state.terminal;
            key.encode(
                terminal.keyboard_flags(),
                terminal.screen().application_cursor(),
            )
        };
        self.send_bytes(&bytes);
    }

    /// Shorthand for [`send_key`](Self::send_key).
    pub fn key(&self, key: Key) {
        self.send_key(key);
    }

    /// Pastes `text` as a terminal does: inside `ESC [ 200 ~` … `ESC [ 201 ~` when the program
    /// enabled bracketed paste, as plain typing otherwise.
    pub fn paste(&self, text: &str) {
        if self.shared.lock().terminal.screen().bracketed_paste() {
            self.send(&format!("\x1b[200~{text}\x1b[201~"));
        } else {
            self.send(text);
        }
    }

    /// A left click at zero-based `col`, `row` (SGR mouse encoding, as crossterm enables).
    pub fn click(&self, col: u16, row: u16) {
        self.send_bytes(&mouse_click(col, row));
    }

    /// One mouse-wheel notch at zero-based `col`, `row`.
    pub fn scroll(&self, wheel: Wheel, col: u16, row: u16) {
        self.send_bytes(&mouse_scroll(wheel, col, row));
    }

    /// The screen as text: rows joined by '\n', trailing spaces trimmed.
    pub fn screen(&self) -> String {
        self.shared.lock().terminal.text()
    }

    /// Zero-based `row`, `col`.
    pub fn cell_style(&self, row: u16, col: u16) -> Option<CellStyle> {
        self.shared.lock().terminal.cell_style(row, col)
    }

    /// Zero-based (row, col) where `text` first appears on screen.
    pub fn find(&self, text: &str) -> Option<(u16, u16)> {
        self.shared.lock().terminal.find(text)
    }

    /// (cols, rows) of the emulated screen.
    pub fn size(&self) -> (u16, u16) {
        self.shared.lock().terminal.size()
    }

    /// Blocks until `predicate` holds on the screen text (never on a half-drawn synchronized
    /// frame), returning that text; fails with the screen and output tail on timeout, or at
    /// once if the program's terminal closes first.
    pub fn wait_for(
        &self,
        predicate: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Result<String, HarnessError> {
        self.wait_until("the screen to match", predicate, timeout)
    }

    /// Blocks until `text` appears on screen.
    pub fn wait_for_text(&self, text: &str, timeout: Duration) -> Result<String, HarnessError> {
        self.wait_until(
            &format!("{text:?} on screen"),
            |s| s.contains(text),
            timeout,
        )
    }

    fn wait_until(
        &self,
        what: &str,
        predicate: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Result<String, HarnessError> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        loop {
            if state.output_closed || !state.terminal.in_synchronized_update() {
                let text = state.terminal.text();
                if predicate(&text) {
                    return Ok(text);
                }
            }
            if state.output_closed {
                return Err(HarnessError::OutputEnded {
                    what: what.to_string(),
                    snapshot: state.snapshot(),
                });
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(HarnessError::Timeout {
                    what: what.to_string(),
                    waited: timeout,
                    snapshot: state.snapshot(),
                });
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    /// Resizes the pty (the program gets SIGWINCH) and the emulated screen together. The screen
    /// is resized first, under the lock, so output drawn for the new size lands on it.
    pub fn resize(&self, cols: u16, rows: u16) {
        let mut state = self.shared.lock();
        state.terminal.resize(cols, rows);
        // An error here means the pty is gone; the next wait reports the closed terminal.
        let _ = self.master.resize(pty_size(cols, rows));
    }

    /// Waits for the program to exit and returns its exit code. Then kills what is left of its
    /// process group (background grandchildren would keep the pty open) and waits for the
    /// final output to be on screen, so `screen()` and `modes()` show the state at exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<u32, HarnessError> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        while state.exit.is_none() {
            let now = Instant::now();
            if now >= deadline {
                return Err(HarnessError::StillRunning {
                    waited: timeout,
                    snapshot: state.snapshot(),
                });
            }
            state = self.wait(state, deadline - now);
        }
        drop(state);
        self.kill_group();
        // The drain needs no more than the kernel's buffered output; a floor keeps a short
        // `timeout` from cutting it off.
        let drain_deadline = deadline.max(Instant::now() + Duration::from_secs(2));
        let mut state = self.shared.lock();
        while !state.output_closed && Instant::now() < drain_deadline {
            let left = drain_deadline.saturating_duration_since(Instant::now());
            state = self.wait(state, left);
        }
        match state.exit {
            Some(Exit::Code(code)) => Ok(code),
            Some(Exit::Signal(signal)) => Err(HarnessError::Killed {
                signal,
                snapshot: state.snapshot(),
            }),
            // Unreachable: the loop above only ends once `exit` is set, and it is never unset.
            None => Err(HarnessError::StillRunning {
                waited: timeout,
                snapshot: state.snapshot(),
            }),
        }
    }

    fn wait<'a>(&'a self, state: MutexGuard<'a, State>, left: Duration) -> MutexGuard<'a, State> {
        self.shared
            .changed
            .wait_timeout(state, left)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .0
    }

    /// The modes the program has set on the terminal now (after exit: what it left behind).
    pub fn modes(&self) -> Modes {
        self.shared.lock().terminal.modes()
    }

    /// Not on the alternate screen, cursor visible, no mouse or focus reporting, bracketed paste
    /// off, every kitty keyboard push popped.
    pub fn modes_restored(&self) -> bool {
        self.modes().restored()
    }

    /// Everything the program wrote so far.
    pub fn output(&self) -> Vec<u8> {
        self.shared.lock().log.clone()
    }

    /// The exit code, once the program has exited (None while running or if killed).
    pub fn exit_code(&self) -> Option<u32> {
        match self.shared.lock().exit {
            Some(Exit::Code(code)) => Some(code),
            Some(Exit::Signal(_)) | None => None,
        }
    }

    /// Sends `signal` to the program alone (not its group), as `kill -TERM <pid>` from
    /// another terminal would.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill only sends a signal; the child is not reaped before Drop, so the pid
        // still names it.
        unsafe {
            libc::kill(self.pid, signal);
        }
    }

    /// The pty's line discipline as the program left it: (echo, canonical input). A program
    /// in raw mode has both off; the shell expects both on.
    pub fn line_discipline(&self) -> Option<(bool, bool)> {
        let fd = self.master.as_raw_fd()?;
        // SAFETY: an all-zero termios is a valid value for tcgetattr to fill in.
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: `fd` is the open pty master owned by `self.master`; `termios` is writable.
        if unsafe { libc::tcgetattr(fd, &mut termios) } != 0 {
            return None;
        }
        let flags = termios.c_lflag;
        Some((flags & libc::ECHO != 0, flags & libc::ICANON != 0))
    }

    /// SIGKILL to the program and its group, like `kill -9`: no chance to clean up.
    pub fn kill(&self) {
        self.kill_group();
    }

    fn kill_group(&self) {
        // SAFETY: killpg only sends a signal. The child is not reaped before Drop has called
        // this, so the group id cannot have been reused; ESRCH (nobody left) is fine.
        unsafe {
            libc::killpg(self.pid, libc::SIGKILL);
        }
    }
}

impl Drop for PtySession {
    /// No stray processes after a failed test: kill the program and its whole process group.
    fn drop(&mut self) {
        self.kill_group();
        // SIGKILL cannot be ignored, so this returns at once; it releases the pid.
        let _ = self.child.wait();
    }
}

/// How the program ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exit {
    Code(u32),
    Signal(i32),
}

/// Blocks until process `pid` ends, leaving it a zombie (WNOWAIT) so its pid stays reserved.
fn wait_without_reaping(pid: i32) -> Exit {
    loop {
        // SAFETY: an all-zero siginfo_t is a valid value for waitid to fill in.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: `info` is a valid, writable siginfo_t for the duration of the call.
        let rc = unsafe {
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if rc == 0 {
            // SAFETY: waitid succeeded with WEXITED, so `info` describes a child's exit.
            let status = unsafe { info.si_status() };
            return match info.si_code {
                libc::CLD_EXITED => Exit::Code(u32::try_from(status).unwrap_or(u32::MAX)),
                _ => Exit::Signal(status),
            };
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            // Not our child any more (cannot happen: only Drop reaps it). Report it as gone.
            return Exit::Signal(0);
        }
    }
}

fn pty_size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}
