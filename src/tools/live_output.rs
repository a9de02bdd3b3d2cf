//! Live output for the activity pane, coalesced: a stream's bytes go out as one chunk at most
//! every 50 ms, and a chunk holds at most the newest 8 KiB, so a command printing 200 MB sends a
//! few hundred small progress events instead of millions of lines.

use std::time::{Duration, Instant};

use crate::tools::ProgressSink;
use crate::tools::head_tail::{complete_end, complete_start};

/// The shortest time between two chunks of one stream.
pub const INTERVAL: Duration = Duration::from_millis(50);
/// The most a chunk holds: the newest bytes win.
pub const MAX_CHUNK: usize = 8 * 1024;

/// One stream's progress, waiting to be sent.
pub struct LiveOutput {
    progress: ProgressSink,
    pending: Vec<u8>,
    /// The start of `pending` was dropped to keep it bounded.
    skipped: bool,
    last_sent: Option<Instant>,
}

impl LiveOutput {
    pub fn new(progress: ProgressSink) -> Self {
        LiveOutput {
            progress,
            pending: Vec::new(),
            skipped: false,
            last_sent: None,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        if bytes.len() >= MAX_CHUNK {
            self.pending.clear();
            self.pending
                .extend_from_slice(&bytes[bytes.len() - MAX_CHUNK..]);
            self.skipped = true;
            return;
        }
        let excess = (self.pending.len() + bytes.len()).saturating_sub(MAX_CHUNK);
        if excess > 0 {
            self.pending.drain(..excess);
            self.skipped = true;
        }
        self.pending.extend_from_slice(bytes);
    }

    /// When the pending output should be sent (`now` at the earliest); None while there is no
    /// whole character to send.
    pub fn due(&self, now: Instant) -> Option<Instant> {
        if complete_end(&self.pending) == 0 {
            return None;
        }
        Some(self.last_sent.map_or(now, |t| (t + INTERVAL).max(now)))
    }

    /// Sends the pending whole characters; a character cut at the end waits for its rest.
    pub fn flush(&mut self, now: Instant) {
        let end = complete_end(&self.pending);
        self.send(end, now);
    }

    /// Sends everything left, at the end of the stream.
    pub fn finish(&mut self, now: Instant) {
        self.send(self.pending.len(), now);
    }

    fn send(&mut self, end: usize, now: Instant) {
        let mut start = 0;
        if self.skipped {
            // Start at a whole character, and at a whole line when one begins in the chunk.
            start = complete_start(&self.pending[..end]);
            if let Some(newline) = self.pending[start..end].iter().position(|&b| b == b'\n')
                && start + newline + 1 < end
            {
                start += newline + 1;
            }
        }
        let text = String::from_utf8_lossy(&self.pending[start..end]).into_owned();
        self.pending.drain(..end);
        self.skipped = false;
        self.last_sent = Some(now);
        if !text.is_empty() {
            (self.progress)(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn live() -> (LiveOutput, Arc<Mutex<Vec<String>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&sent);
        let live = LiveOutput::new(Arc::new(move |chunk| sink.lock().unwrap().push(chunk)));
        (live, sent)
    }

    #[test]
    fn the_first_chunk_is_due_at_once_and_later_ones_are_coalesced() {
        let (mut live, sent) = live();
        let t0 = Instant::now();
        assert_eq!(live.due(t0), None, "nothing pending");
        live.push(b"a\n");
        assert_eq!(live.due(t0), Some(t0));
        live.flush(t0);
        let t1 = t0 + Duration::from_millis(10);
        live.push(b"b\n");
        live.push(b"c\n");
        assert_eq!(live.due(t1), Some(t0 + INTERVAL));
        live.flush(t0 + INTERVAL);
        assert_eq!(*sent.lock().unwrap(), vec!["a\n", "b\nc\n"]);
        // Long after the last chunk, the next one is due at once.
        let late = t0 + Duration::from_secs(5);
        live.push(b"d");
        assert_eq!(live.due(late), Some(late));
    }

    #[test]
    fn a_flood_sends_only_the_newest_bytes_from_a_line_start() {
        let (mut live, sent) = live();
        let flood: String = (0..100_000).map(|i| format!("line {i}\n")).collect();
        for chunk in flood.as_bytes().chunks(1000) {
            live.push(chunk);
        }
        live.flush(Instant::now());
        let sent = sent.lock().unwrap();
        assert_eq!(sent.len(), 1);
        assert!(sent[0].len() <= MAX_CHUNK);
        assert!(sent[0].starts_with("line "), "{}", &sent[0][..20]);
        assert!(sent[0].ends_with("line 99999\n"));
    }

    #[test]
    fn a_character_split_between_reads_is_sent_whole() {
        let (mut live, sent) = live();
        let euro = "€".as_bytes();
        let now = Instant::now();
        live.push(b"a");
        live.push(&euro[..1]);
        live.flush(now);
        live.push(&euro[1..2]);
        assert_eq!(live.due(now), None, "only part of € is there");
        live.push(&euro[2..]);
        live.flush(now + INTERVAL);
        live.push(&euro[..1]);
        live.finish(now + INTERVAL * 2);
        assert_eq!(*sent.lock().unwrap(), vec!["a", "€", "\u{FFFD}"]);
    }
}
