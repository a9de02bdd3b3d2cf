//! The end of a session file on its own: the last turns, read backwards from the end, so a
//! resumed session can show its last screenful before the whole file is read. The cut is
//! placed where replaying the tail gives exactly the conversation's last messages.

use crate::provider::{ContentBlock, Role};

use super::Entry;
use super::read;

/// How much of the conversation the tail should show, in rows of about 100 columns: more
/// than the tallest terminal holds.
const ROWS_WANTED: usize = 400;

/// The entries at the end of a session file (`bytes`), from a place where the conversation can
/// be picked up, holding at least a tall screen's worth of it. None when the whole file is
/// that short (read it all), when no such place lies within `max_bytes` of the end, or when
/// the tail rewinds or compacts the conversation (what those keep depends on earlier lines).
pub fn tail(bytes: &[u8], max_bytes: usize) -> Option<Vec<Entry>> {
    let mut reversed: Vec<Entry> = Vec::new();
    let mut rows = 0;
    // The side of the earliest entry read so far that changes the messages.
    let mut after: Option<Side> = None;
    // The tail length at the last place the conversation can be picked up.
    let mut cut: Option<usize> = None;
    let mut end = bytes.len();
    // Whether every line was read: then the file is short, and read whole instead.
    let mut read_all = true;
    while end > 0 {
        let start = bytes[..end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = &bytes[start..end];
        end = start.saturating_sub(1);
        if bytes.len() - start > max_bytes {
            read_all = false;
            break;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        // A damaged line is left to the whole read, which counts it.
        let Ok(entry) = read::entry(line) else {
            continue;
        };
        let (side, entry_rows) = match &entry {
            Entry::Rewind { .. } | Entry::Compacted { .. } => return None,
            // Nothing before a clear is in the conversation: the tail from here is all of it.
            Entry::Clear => {
                reversed.push(entry);
                reversed.reverse();
                return Some(reversed);
            }
            Entry::Meta { .. }
            | Entry::Usage { .. }
            | Entry::Snapshot { .. }
            | Entry::Mode { .. } => {
                reversed.push(entry);
                continue;
            }
            Entry::Prompt { text, .. } | Entry::UserText { text } => {
                (Side::User, shown_rows(text) + 2)
            }
            Entry::Message { message } => {
                let side = match message.role {
                    Role::User => Side::User,
                    Role::Assistant => Side::Assistant,
                };
                let shown: usize = message
                    .content
                    .iter()
                    .map(|block| match block {
                        ContentBlock::Text { text } => shown_rows(text),
                        _ => 2,
                    })
                    .sum();
                (side, shown + 1)
            }
        };
        if let Some(next) = after
            && picks_up(side, next)
        {
            cut = Some(reversed.len());
            if rows >= ROWS_WANTED {
                read_all = false;
                break;
            }
        }
        rows += entry_rows;
        after = Some(side);
        reversed.push(entry);
    }
    if read_all {
        return None;
    }
    let mut entries = reversed;
    entries.truncate(cut?);
    entries.reverse();
    Some(entries)
}

/// Whose message an entry adds to, for where a tail may begin.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Side {
    User,
    Assistant,
}

/// Whether the conversation can be picked up at an entry of `next`'s side when `before` comes
/// just before it: replaying from there gives the same messages as replaying everything.
/// Only an assistant message after the user's qualifies: an assistant entry after another
/// continues its message, and the user's text after an answer answers the calls that message
/// left open (its first entries may hold them, and they come before the cut).
fn picks_up(before: Side, next: Side) -> bool {
    before == Side::User && next == Side::Assistant
}

/// About how many rows `text` takes on screen.
fn shown_rows(text: &str) -> usize {
    text.lines().map(|line| 1 + line.len() / 100).sum()
}

#[cfg(test)]
mod tests;
