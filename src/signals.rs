//! Signals from outside (SIGTERM, SIGHUP, SIGINT, SIGQUIT) end claw the way quitting does: the
//! front end (full screen or `-p`) hears of it through `Stop` and winds down in order. If it has
//! not finished within a grace period, or a second signal comes, claw cleans up and exits here.

use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

/// How long the orderly way out may take before claw restores the terminal and exits itself.
/// Longer than the front end's wait for the agent (`AGENT_SHUTDOWN` in startup).
const GRACE: Duration = Duration::from_secs(5);

/// A signal number that asked claw to stop.
pub type Signal = i32;

/// The front end's end of the listener: resolves once a signal has arrived.
#[derive(Debug)]
pub struct Stop(Option<watch::Receiver<Option<Signal>>>);

impl Stop {
    /// Waits for a signal; returns its number. Pending forever if there is no listener.
    pub async fn requested(&mut self) -> Signal {
        if let Some(rx) = &mut self.0
            && let Ok(signal) = rx.wait_for(Option::is_some).await
            && let Some(number) = *signal
        {
            return number;
        }
        std::future::pending().await
    }

    /// A `Stop` that never fires (where no listener could be installed).
    pub fn never() -> Self {
        Stop(None)
    }
}

impl Default for Stop {
    fn default() -> Self {
        Stop::never()
    }
}

/// The shell's convention for "ended by signal n": 128 + n.
pub fn exit_status(signal: Signal) -> i32 {
    128 + signal
}

/// The signal's name, for messages.
pub fn name(signal: Signal) -> &'static str {
    match signal {
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        _ => "a signal",
    }
}

/// Installs the handlers (inside the tokio runtime) and starts the task that watches them.
pub fn listen() -> std::io::Result<Stop> {
    let kinds = [
        (SignalKind::terminate(), libc::SIGTERM),
        (SignalKind::hangup(), libc::SIGHUP),
        (SignalKind::interrupt(), libc::SIGINT),
        (SignalKind::quit(), libc::SIGQUIT),
    ];
    let mut streams = Vec::new();
    for (kind, number) in kinds {
        streams.push((signal(kind)?, number));
    }
    let (tx, rx) = watch::channel(None);
    tokio::spawn(async move {
        let first = next(&mut streams).await;
        let _ = tx.send(Some(first));
        if tx.receiver_count() > 0 {
            // The front end is winding down; a second signal means "now".
            tokio::select! {
                _ = tokio::time::sleep(GRACE) => {}
                _ = next(&mut streams) => {}
            }
        }
        exit_now(first);
    });
    Ok(Stop(Some(rx)))
}

/// The next signal from any of the streams.
async fn next(streams: &mut [(tokio::signal::unix::Signal, Signal)]) -> Signal {
    let waits = streams.iter_mut().map(|(stream, number)| {
        let number = *number;
        Box::pin(async move {
            stream.recv().await;
            number
        })
    });
    futures::future::select_all(waits).await.0
}

/// The way out when the orderly one did not finish: put the terminal back, kill every tool's
/// process group, and exit. The session log needs nothing: each entry is written to the file
/// as it happens, so what the kernel has survives the exit.
fn exit_now(signal: Signal) -> ! {
    crate::tui::restore_if_held();
    crate::process_groups::kill_all();
    std::process::exit(exit_status(signal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_shell_convention() {
        assert_eq!(exit_status(libc::SIGTERM), 143);
        assert_eq!(exit_status(libc::SIGHUP), 129);
        assert_eq!(exit_status(libc::SIGINT), 130);
        assert_eq!(exit_status(libc::SIGQUIT), 131);
        assert_eq!(name(libc::SIGHUP), "SIGHUP");
    }

    #[tokio::test]
    async fn a_stop_that_never_fires_stays_pending() {
        let mut stop = Stop::never();
        let waited = tokio::time::timeout(Duration::from_millis(20), stop.requested()).await;
        assert!(waited.is_err());
    }
}
