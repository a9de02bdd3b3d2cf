//! Drives a program in a pseudo-terminal: a reader thread feeds a vt100 parser (and answers the
//! terminal queries crossterm and ratatui send, as a real terminal would), tests type keys and
//! wait until the screen matches. Nothing here sleeps and hopes: `wait_for` blocks on a condvar
//! until the predicate holds or the deadline passes, and then explains itself.
//!
//!     let mut term = PtySession::spawn(bin, &[], &env, dir.path(), 100, 30)?;
//!     term.wait_for_text("Ask claw", TIMEOUT)?;
//!     term.send("hello\r");
//!     term.wait_for(|s| s.contains("Hello!"), TIMEOUT)?;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Keys as a real xterm sends them.
#[derive(Clone, Copy, Debug)]
pub enum Key {
    Enter,
    ShiftEnter,
    Esc,
    CtrlC,
    Up,
    Down,
    PageUp,
    PageDown,
    Tab,
    Backspace,
    Char(char),
}

impl Key {
    fn bytes(self) -> Vec<u8> {
        match self {
            Key::Enter => b"\r".to_vec(),
            // With the kitty keyboard protocol's disambiguate flag.
            Key::ShiftEnter => b"\x1b[13;2u".to_vec(),
            Key::Esc => b"\x1b".to_vec(),
            Key::CtrlC => b"\x03".to_vec(),
            Key::Up => b"\x1b[A".to_vec(),
            Key::Down => b"\x1b[B".to_vec(),
            Key::PageUp => b"\x1b[5~".to_vec(),
            Key::PageDown => b"\x1b[6~".to_vec(),
            Key::Tab => b"\t".to_vec(),
            Key::Backspace => b"\x7f".to_vec(),
            Key::Char(c) => c.to_string().into_bytes(),
        }
    }
}

#[derive(Debug)]
pub struct HarnessError(pub String);

impl std::fmt::Display for HarnessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HarnessError {}

struct Shared {
    parser: vt100::Parser,
    /// Everything the program wrote (for failure reports).
    log: Vec<u8>,
    /// Bytes not yet scanned for terminal queries (a query may span two reads).
    pending: Vec<u8>,
    exited: bool,
    /// Inside a synchronized update (DEC mode 2026): the screen is a half-drawn frame.
    in_frame: bool,
    /// Where the next scan for frame markers starts in `log`.
    scanned: usize,
}

/// Terminal modes after the program exits.
#[derive(Debug, PartialEq, Eq)]
pub struct Modes {
    pub alternate_screen: bool,
    pub cursor_hidden: bool,
    pub mouse_reporting: bool,
    pub bracketed_paste: bool,
    /// Every keyboard-enhancement push was popped.
    pub keyboard_flags_balanced: bool,
}

impl Modes {
    pub fn restored(&self) -> bool {
        !self.alternate_screen
            && !self.cursor_hidden
            && !self.mouse_reporting
            && !self.bracketed_paste
            && self.keyboard_flags_balanced
    }
}

pub struct PtySession {
    shared: Arc<(Mutex<Shared>, Condvar)>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
}

fn size(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n.max(1)).unwrap_or(NonZeroU16::MIN)
}

impl PtySession {
    pub fn spawn(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        cwd: &Path,
        cols: u16,
        rows: u16,
    ) -> Result<Self, HarnessError> {
        let fail = |e: &dyn std::fmt::Display| HarnessError(format!("pty: {e}"));
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| fail(&e))?;
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).map_err(|e| fail(&e))?;
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().map_err(|e| fail(&e))?;
        let writer: Arc<Mutex<Box<dyn Write + Send>>> =
            Arc::new(Mutex::new(pty.master.take_writer().map_err(|e| fail(&e))?));
        let shared = Arc::new((
            Mutex::new(Shared {
                parser: vt100::Parser::new(size(rows), size(cols), 0),
                log: Vec::new(),
                pending: Vec::new(),
                exited: false,
                in_frame: false,
                scanned: 0,
            }),
            Condvar::new(),
        ));
        let (thread_shared, thread_writer) = (Arc::clone(&shared), Arc::clone(&writer));
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let (lock, cvar) = &*thread_shared;
                let Ok(mut s) = lock.lock() else { return };
                if n == 0 {
                    s.exited = true;
                    cvar.notify_all();
                    return;
                }
                s.parser.process(&buf[..n]);
                s.log.extend_from_slice(&buf[..n]);
                s.pending.extend_from_slice(&buf[..n]);
                track_frames(&mut s);
                let replies = answer_queries(&mut s);
                drop(s);
                if !replies.is_empty()
                    && let Ok(mut w) = thread_writer.lock()
                {
                    let _ = w.write_all(&replies);
                    let _ = w.flush();
                }
                cvar.notify_all();
            }
        });
        Ok(PtySession {
            shared,
            writer,
            master: pty.master,
            child,
        })
    }

    pub fn send(&self, text: &str) {
        self.send_bytes(text.as_bytes());
    }

    pub fn send_bytes(&self, bytes: &[u8]) {
        if let Ok(mut w) = self.writer.lock() {
            let _ = w.write_all(bytes);
            let _ = w.flush();
        }
    }

    pub fn key(&self, key: Key) {
        self.send_bytes(&key.bytes());
    }

    pub fn paste(&self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    /// The screen as text: rows joined by '\n', trailing spaces trimmed.
    pub fn screen(&self) -> String {
        let (lock, _) = &*self.shared;
        lock.lock()
            .map(|s| screen_text(&s.parser))
            .unwrap_or_default()
    }

    /// Blocks until `predicate` holds on the screen, or fails with the screen and the log tail.
    pub fn wait_for(
        &self,
        predicate: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Result<String, HarnessError> {
        let deadline = Instant::now() + timeout;
        let (lock, cvar) = &*self.shared;
        let mut s = lock.lock().map_err(|_| HarnessError("poisoned".into()))?;
        loop {
            let screen = screen_text(&s.parser);
            if !s.in_frame && predicate(&screen) {
                return Ok(screen);
            }
            let now = Instant::now();
            if now >= deadline || s.exited {
                let tail_start = s.log.len().saturating_sub(600);
                return Err(HarnessError(format!(
                    "{} waiting for the screen; it shows:\n{screen}\n--- last output bytes: {:?}",
                    if s.exited {
                        "the program exited while"
                    } else {
                        "timed out"
                    },
                    String::from_utf8_lossy(&s.log[tail_start..])
                )));
            }
            s = cvar
                .wait_timeout(s, deadline - now)
                .map_err(|_| HarnessError("poisoned".into()))?
                .0;
        }
    }

    pub fn wait_for_text(&self, text: &str, timeout: Duration) -> Result<String, HarnessError> {
        self.wait_for(|s| s.contains(text), timeout)
    }

    pub fn resize(&self, cols: u16, rows: u16) {
        let _ = self.master.resize(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        });
        let (lock, _) = &*self.shared;
        if let Ok(mut s) = lock.lock() {
            s.parser.set_size(size(rows), size(cols));
        }
    }

    /// Waits for the program to exit; returns its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<u32, HarnessError> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    // Let the reader drain what the program wrote last.
                    let (lock, cvar) = &*self.shared;
                    if let Ok(s) = lock.lock() {
                        let _ = cvar.wait_timeout_while(s, Duration::from_secs(2), |s| !s.exited);
                    }
                    return Ok(status.exit_code());
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Ok(None) => {
                    return Err(HarnessError(format!(
                        "the program did not exit; the screen shows:\n{}",
                        self.screen()
                    )));
                }
                Err(e) => return Err(HarnessError(format!("wait: {e}"))),
            }
        }
    }

    pub fn modes(&self) -> Modes {
        let (lock, _) = &*self.shared;
        let Ok(s) = lock.lock() else {
            return Modes {
                alternate_screen: true,
                cursor_hidden: true,
                mouse_reporting: true,
                bracketed_paste: true,
                keyboard_flags_balanced: false,
            };
        };
        let screen = s.parser.screen();
        let count = |needle: &[u8]| s.log.windows(needle.len()).filter(|w| *w == needle).count();
        let pushes = s
            .log
            .windows(3)
            .enumerate()
            .filter(|(i, w)| *w == b"\x1b[>" && s.log[i + 3..].iter().take(4).any(|&b| b == b'u'))
            .count();
        Modes {
            alternate_screen: screen.alternate_screen(),
            cursor_hidden: screen.hide_cursor(),
            mouse_reporting: screen.mouse_protocol_mode() != vt100::MouseProtocolMode::None,
            bracketed_paste: screen.bracketed_paste(),
            keyboard_flags_balanced: pushes == count(b"\x1b[<1u") + count(b"\x1b[<u"),
        }
    }

    /// Everything the program wrote so far.
    pub fn output(&self) -> Vec<u8> {
        let (lock, _) = &*self.shared;
        lock.lock().map(|s| s.log.clone()).unwrap_or_default()
    }
}

impl Drop for PtySession {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Notes whether the output stopped inside a synchronized update (a frame being drawn).
fn track_frames(s: &mut Shared) {
    const BEGIN: &[u8] = b"\x1b[?2026h";
    const END: &[u8] = b"\x1b[?2026l";
    let from = s.scanned.saturating_sub(BEGIN.len());
    let tail = &s.log[from..];
    let last = |marker: &[u8]| tail.windows(marker.len()).rposition(|w| w == marker);
    match (last(BEGIN), last(END)) {
        (Some(b), Some(e)) => s.in_frame = b > e,
        (Some(_), None) => s.in_frame = true,
        (None, Some(_)) => s.in_frame = false,
        (None, None) => {}
    }
    s.scanned = s.log.len();
}

fn screen_text(parser: &vt100::Parser) -> String {
    let screen = parser.screen();
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .map(|r| r.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Finds terminal queries in the pending output and builds the replies a terminal would send.
fn answer_queries(s: &mut Shared) -> Vec<u8> {
    let mut replies = Vec::new();
    let mut consumed = 0;
    let bytes = s.pending.clone();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != 0x1b {
            i += 1;
            continue;
        }
        let rest = &bytes[i..];
        let answer: Option<(usize, Vec<u8>)> = if rest.starts_with(b"\x1b[6n") {
            let (row, col) = s.parser.screen().cursor_position();
            Some((4, format!("\x1b[{};{}R", row + 1, col + 1).into_bytes()))
        } else if rest.starts_with(b"\x1b[?u") {
            Some((4, b"\x1b[?0u".to_vec()))
        } else if rest.starts_with(b"\x1b[c") {
            Some((3, b"\x1b[?62;22c".to_vec()))
        } else if rest.starts_with(b"\x1b[0c") {
            Some((4, b"\x1b[?62;22c".to_vec()))
        } else if rest.starts_with(b"\x1b]11;?") || rest.starts_with(b"\x1b]10;?") {
            let end = rest
                .iter()
                .position(|&b| b == 0x07)
                .map(|p| p + 1)
                .or_else(|| rest.windows(2).position(|w| w == b"\x1b\\").map(|p| p + 2));
            end.map(|end| {
                let which = if rest[3] == b'1' && rest[2] == b'1' {
                    "11"
                } else {
                    "10"
                };
                let color = if which == "11" {
                    "0000/0000/0000"
                } else {
                    "ffff/ffff/ffff"
                };
                (end, format!("\x1b]{which};rgb:{color}\x1b\\").into_bytes())
            })
        } else {
            None
        };
        match answer {
            Some((len, reply)) => {
                replies.extend_from_slice(&reply);
                i += len;
                consumed = i;
            }
            None => {
                // Maybe a query cut in half: keep the tail from here.
                if rest.len() < 8 {
                    break;
                }
                i += 1;
                consumed = i;
            }
        }
    }
    if i >= bytes.len() {
        consumed = bytes.len();
    }
    s.pending.drain(..consumed);
    replies
}
