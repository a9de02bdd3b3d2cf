//! How a command's output is read and kept: each pipe is read in fixed-size chunks into a
//! bounded head-and-tail capture (what the model gets) and a coalesced live feed (what the
//! activity pane shows), so no amount of output grows claw's memory. Bash and background shells
//! share it.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncReadExt};

use crate::tools::ProgressSink;
use crate::tools::head_tail::HeadTail;
use crate::tools::live_output::LiveOutput;

/// Output beyond this many bytes is cut in the middle for the model; only this much of each
/// stream is ever held, however much the command prints.
pub(crate) const MAX_OUTPUT_BYTES: usize = 30_000;
/// The most read from a pipe at once.
const READ_CHUNK: usize = 256 * 1024;
/// The pipe buffer asked for (Linux's default most for a user), so a flood of output costs
/// fewer wake-ups; the default 64 KiB stays when refused.
const PIPE_BUFFER: libc::c_int = 1024 * 1024;

/// Reads a pipe in fixed-size chunks into `sink` (which keeps only its head and tail), and
/// sends the newest of it as coalesced progress.
pub(crate) async fn pump(
    mut pipe: impl AsyncRead + Unpin,
    sink: Arc<Mutex<HeadTail>>,
    progress: ProgressSink,
) {
    let mut chunk = vec![0u8; READ_CHUNK];
    let mut live = LiveOutput::new(progress);
    loop {
        let due = live.due(Instant::now());
        tokio::select! {
            read = pipe.read(&mut chunk) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let Ok(mut s) = sink.lock() {
                        s.push(&chunk[..n]);
                    }
                    live.push(&chunk[..n]);
                    let now = Instant::now();
                    if live.due(now).is_some_and(|at| at <= now) {
                        live.flush(now);
                    }
                }
            },
            () = sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {
                live.flush(Instant::now());
            }
        }
    }
    live.finish(Instant::now());
}

/// Asks for a larger buffer on an output pipe; failing is harmless.
pub(crate) fn widen(pipe: &impl std::os::fd::AsRawFd) {
    // SAFETY: F_SETPIPE_SZ only resizes the buffer of a pipe we own; on any other descriptor,
    // or past the system's limit, it fails with an error and changes nothing.
    unsafe {
        libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, PIPE_BUFFER);
    }
}

fn sleep_until(at: Instant) -> tokio::time::Sleep {
    tokio::time::sleep_until(tokio::time::Instant::from_std(at))
}

/// A capture sized for one stream of a foreground command.
pub(crate) fn capture() -> Arc<Mutex<HeadTail>> {
    Arc::new(Mutex::new(HeadTail::new(
        MAX_OUTPUT_BYTES / 2,
        MAX_OUTPUT_BYTES / 2,
    )))
}

/// The model's view of a command's stdout then stderr, within MAX_OUTPUT_BYTES together: a
/// stream that needs less leaves the rest to the other, and each long one says what was cut.
pub(crate) fn combined_output(stdout: &HeadTail, stderr: &HeadTail) -> String {
    let (out, err) = (stdout.kept_bytes(), stderr.kept_bytes());
    let half = MAX_OUTPUT_BYTES / 2;
    let (out_budget, err_budget) = if out + err <= MAX_OUTPUT_BYTES {
        (out, err)
    } else if err <= half {
        (MAX_OUTPUT_BYTES - err, err)
    } else if out <= half {
        (out, MAX_OUTPUT_BYTES - out)
    } else {
        (half, half)
    };
    let shown = |capture: &HeadTail, budget: usize| {
        let cut = capture.cut(budget);
        let notice = format!("[… {} cut from the middle …]", cut.amount());
        cut.join(&notice).trim_end().to_string()
    };
    let mut output = shown(stdout, out_budget);
    let err = shown(stderr, err_budget);
    if !err.trim().is_empty() {
        if !output.is_empty() {
            output.push('\n');
        }
        output.push_str(&err);
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    fn captured(text: &str) -> HeadTail {
        let mut capture = HeadTail::new(MAX_OUTPUT_BYTES / 2, MAX_OUTPUT_BYTES / 2);
        capture.push(text.as_bytes());
        capture
    }

    #[tokio::test]
    async fn a_pipe_is_kept_bounded_and_its_end_reaches_the_progress() {
        let text: String = (0..200_000).map(|i| format!("{i}\n")).collect();
        let sink = Arc::new(Mutex::new(HeadTail::new(100, 100)));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let progress = Arc::clone(&seen);
        pump(
            text.as_bytes(),
            Arc::clone(&sink),
            Arc::new(move |chunk: String| progress.lock().unwrap().push(chunk)),
        )
        .await;
        let sink = sink.lock().unwrap();
        assert_eq!(sink.total_bytes(), text.len() as u64);
        assert_eq!(sink.kept_bytes(), 200);
        let seen = seen.lock().unwrap();
        // Read at once: the first chunk goes out, the rest waits for the end of the stream.
        assert!(seen.len() <= 3, "{} chunks", seen.len());
        assert!(seen.last().unwrap().ends_with("199998\n199999\n"));
    }

    #[test]
    fn a_short_stream_leaves_its_share_of_the_budget_to_the_long_one() {
        let long: String = "x".repeat(100_000);
        let out = combined_output(&captured(&long), &captured("warning\n"));
        assert_eq!(
            out.len(),
            MAX_OUTPUT_BYTES + "\n[… 70,008 bytes cut from the middle …]\n".len()
        );
        assert!(out.ends_with("x\nwarning"));
        let out = combined_output(&captured("ok\n"), &captured(&long));
        assert!(out.starts_with("ok\nxxx"));
        let both = combined_output(&captured(&long), &captured(&long));
        assert_eq!(
            both.matches("[… 85,000 bytes cut from the middle …]")
                .count(),
            2
        );
        assert_eq!(combined_output(&captured(""), &captured("")), "");
    }
}
