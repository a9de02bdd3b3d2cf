//! How a headless run stops early: a signal (SIGINT, SIGTERM…) or the reader of stdout gone
//! (`claw -p … | head -1`). Either way the running turn is interrupted and its result still
//! printed (when someone reads it), then claw exits with 128 + the signal's number; for a
//! reader gone, quietly, as a program killed by SIGPIPE.

use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::protocol::Op;

use super::frontend::Frontend;

/// How long an interrupted turn may take to end before claw exits without its result.
const TURN_END_GRACE: Duration = Duration::from_secs(3);

/// Why the run stops before its work is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stopping {
    Signal(crate::signals::Signal),
    /// Nobody reads stdout any more.
    ReaderGone,
}

impl Stopping {
    pub(super) fn exit_status(self) -> i32 {
        match self {
            Stopping::Signal(signal) => crate::signals::exit_status(signal),
            Stopping::ReaderGone => crate::signals::exit_status(libc::SIGPIPE),
        }
    }
}

impl Frontend {
    /// Starts stopping for `why`: the turn in progress is interrupted (its result follows).
    /// Returns why, until when its end is waited for, and how many turns had ended.
    pub(super) fn stop_for(&mut self, why: Stopping) -> (Stopping, tokio::time::Instant, usize) {
        match why {
            Stopping::Signal(signal) => {
                super::say!("claw: stopped by {}", crate::signals::name(signal));
            }
            // Whatever is printed from now on has no reader: say nothing more.
            Stopping::ReaderGone => self.quiet = true,
        }
        if self.turn_running() {
            self.send(Op::Interrupt);
        }
        (
            why,
            tokio::time::Instant::now() + TURN_END_GRACE,
            self.ended,
        )
    }

    /// Whether a turn was sent and has not ended.
    pub(super) fn turn_running(&self) -> bool {
        self.sent > self.ended
    }
}

/// Waits until `deadline`; forever without one.
pub(super) async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Tells once the reader of stdout has gone: the write end of a pipe reports POLLERR (a
/// socket POLLHUP) as soon as the other end is closed, before claw writes anything more.
/// Nothing is told for a terminal or a file, whose readers don't go.
pub(super) fn reader_gone() -> UnboundedReceiver<()> {
    let (tx, rx) = unbounded_channel();
    let watching = std::thread::Builder::new()
        .name("stdout-reader".into())
        .spawn(move || {
            loop {
                // Asking for no event still reports errors and hang-ups.
                let mut fds = libc::pollfd {
                    fd: libc::STDOUT_FILENO,
                    events: 0,
                    revents: 0,
                };
                // SAFETY: `fds` is one valid pollfd that outlives the call.
                let ready = unsafe { libc::poll(&mut fds, 1, -1) };
                if ready < 0 {
                    if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                        continue;
                    }
                    return;
                }
                if fds.revents & libc::POLLNVAL != 0 {
                    // stdout closed before claw started: nothing to watch.
                    return;
                }
                if fds.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
                    let _ = tx.send(());
                    return;
                }
            }
        });
    // Without the thread, the run goes on as if stdout were read (writes fail silently).
    drop(watching);
    rx
}
