//! A bounded capture of a stream of any length: its first bytes, a ring buffer of its last
//! bytes, and a count of the bytes and lines that fell out between them. Bash and background
//! shells keep command output this way, so 200 MB of output costs a few tens of KB.

use std::collections::VecDeque;

/// The first `head_cap` and the last `tail_cap` bytes of everything pushed.
#[derive(Debug)]
pub struct HeadTail {
    head: Vec<u8>,
    head_cap: usize,
    /// The newest bytes after the head; never more than `tail_cap`.
    tail: VecDeque<u8>,
    tail_cap: usize,
    total_bytes: u64,
    total_newlines: u64,
}

/// What a capture shows: the kept start and end, and what was cut between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub head: String,
    pub tail: String,
    /// Bytes left out between `head` and `tail` (0 when the whole stream is shown).
    pub cut_bytes: u64,
    /// Newlines among the cut bytes.
    pub cut_lines: u64,
}

impl Cut {
    /// "1,234 bytes (56 lines)": how much was cut, for a notice.
    pub fn amount(&self) -> String {
        let bytes = crate::words::count(self.cut_bytes as usize, "byte", "bytes");
        match self.cut_lines {
            0 => bytes,
            n => format!(
                "{bytes} ({})",
                crate::words::count(n as usize, "line", "lines")
            ),
        }
    }

    /// The text with `notice` on its own line where the middle was cut.
    pub fn join(&self, notice: &str) -> String {
        if self.cut_bytes == 0 {
            return format!("{}{}", self.head, self.tail);
        }
        let newline = if self.head.is_empty() || self.head.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        format!("{}{newline}{notice}\n{}", self.head, self.tail)
    }
}

impl HeadTail {
    pub fn new(head_cap: usize, tail_cap: usize) -> Self {
        HeadTail {
            head: Vec::new(),
            head_cap,
            tail: VecDeque::new(),
            tail_cap,
            total_bytes: 0,
            total_newlines: 0,
        }
    }

    pub fn push(&mut self, mut bytes: &[u8]) {
        self.total_bytes += bytes.len() as u64;
        self.total_newlines += newlines(bytes) as u64;
        let room = self.head_cap - self.head.len();
        if room > 0 {
            let n = room.min(bytes.len());
            self.head.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
        }
        if bytes.len() >= self.tail_cap {
            self.tail.clear();
            self.tail
                .extend(bytes[bytes.len() - self.tail_cap..].iter().copied());
        } else {
            let excess = (self.tail.len() + bytes.len()).saturating_sub(self.tail_cap);
            self.tail.drain(..excess);
            self.tail.extend(bytes.iter().copied());
        }
    }

    /// Everything pushed, in bytes, kept or not.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// The bytes held, at most `head_cap + tail_cap`.
    pub fn kept_bytes(&self) -> usize {
        self.head.len() + self.tail.len()
    }

    /// Hands over what was captured and starts again empty, with the same sizes. A character
    /// cut off by the end of what has arrived stays, for the next take to have whole.
    pub fn take(&mut self) -> HeadTail {
        let mut last: Vec<u8> = self
            .head
            .iter()
            .chain(&self.tail)
            .rev()
            .take(4)
            .copied()
            .collect();
        last.reverse();
        let carry = last[complete_end(&last)..].to_vec();
        for _ in &carry {
            if self.tail.pop_back().is_none() {
                self.head.pop();
            }
        }
        self.total_bytes -= carry.len() as u64;
        let taken = std::mem::replace(self, HeadTail::new(self.head_cap, self.tail_cap));
        self.push(&carry);
        taken
    }

    /// What to show within `budget` bytes: as much of the head and the tail as fits (half each
    /// when both are long), never splitting a UTF-8 character at a cut.
    pub fn cut(&self, budget: usize) -> Cut {
        let (h, t) = (self.head.len(), self.tail.len());
        let dropped_already = self.total_bytes - (h + t) as u64;
        if dropped_already == 0 && h + t <= budget {
            let mut all = self.head.clone();
            all.extend(self.tail.iter().copied());
            return Cut {
                head: String::from_utf8_lossy(&all).into_owned(),
                tail: String::new(),
                cut_bytes: 0,
                cut_lines: 0,
            };
        }
        let mut tail_keep = t.min(budget - budget / 2);
        let head_keep = h.min(budget - tail_keep);
        tail_keep = t.min(budget - head_keep);
        let head = &self.head[..head_keep];
        let head = &head[..complete_end(head)];
        let tail: Vec<u8> = self.tail.range(t - tail_keep..).copied().collect();
        let tail = &tail[complete_start(&tail)..];
        let kept_newlines = (newlines(head) + newlines(tail)) as u64;
        Cut {
            head: String::from_utf8_lossy(head).into_owned(),
            tail: String::from_utf8_lossy(tail).into_owned(),
            cut_bytes: self.total_bytes - (head.len() + tail.len()) as u64,
            cut_lines: self.total_newlines - kept_newlines,
        }
    }
}

fn newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// Where `bytes` stops being whole characters: before a character cut off at the end.
pub(crate) fn complete_end(bytes: &[u8]) -> usize {
    let from = bytes.len().saturating_sub(4);
    for i in (from..bytes.len()).rev() {
        let b = bytes[i];
        if b & 0xC0 != 0x80 {
            let width = match b {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            return if i + width > bytes.len() {
                i
            } else {
                bytes.len()
            };
        }
    }
    bytes.len()
}

/// Where whole characters start in `bytes`: after the continuation bytes of one cut off at the
/// start (at most three).
pub(crate) fn complete_start(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take(3)
        .take_while(|&&b| b & 0xC0 == 0x80)
        .count()
}

pub use crate::words::grouped;

#[cfg(test)]
mod tests {
    use super::*;

    fn pushed(head: usize, tail: usize, chunks: &[&[u8]]) -> HeadTail {
        let mut ht = HeadTail::new(head, tail);
        for c in chunks {
            ht.push(c);
        }
        ht
    }

    #[test]
    fn short_output_is_kept_whole() {
        let ht = pushed(4, 4, &[b"ab", b"cd\n", b"ef"]);
        let cut = ht.cut(100);
        assert_eq!(cut.head, "abcd\nef");
        assert_eq!(cut.cut_bytes, 0);
        assert_eq!(cut.join("[cut]"), "abcd\nef");
    }

    #[test]
    fn the_middle_is_counted_in_bytes_and_lines() {
        let mut ht = HeadTail::new(6, 6);
        for i in 0..1000 {
            ht.push(format!("{i:03}\n").as_bytes());
        }
        assert_eq!(ht.kept_bytes(), 12);
        let cut = ht.cut(12);
        assert_eq!(cut.head, "000\n00");
        assert_eq!(cut.tail, "8\n999\n");
        assert_eq!(cut.cut_bytes, 4000 - 12);
        // 1000 newlines, 1 in the head, 2 in the tail.
        assert_eq!(cut.cut_lines, 997);
        assert_eq!(cut.amount(), "3,988 bytes (997 lines)");
        assert_eq!(cut.join("[cut]"), "000\n00\n[cut]\n8\n999\n");
    }

    #[test]
    fn a_smaller_budget_keeps_half_of_each_end() {
        let ht = pushed(10, 10, &[b"0123456789abcdefghijKLMNOPQRST"]);
        let cut = ht.cut(6);
        assert_eq!((cut.head.as_str(), cut.tail.as_str()), ("012", "RST"));
        assert_eq!(cut.cut_bytes, 24);
        // A short tail leaves its share to the head.
        let ht = pushed(10, 10, &[b"0123456789ab"]);
        let cut = ht.cut(6);
        assert_eq!((cut.head.as_str(), cut.tail.as_str()), ("0123", "ab"));
    }

    #[test]
    fn a_chunk_larger_than_the_tail_replaces_it() {
        let ht = pushed(2, 3, &[b"ab", b"cdef", b"ghijklmn", b"o"]);
        let cut = ht.cut(5);
        assert_eq!((cut.head.as_str(), cut.tail.as_str()), ("ab", "mno"));
        assert_eq!(cut.cut_bytes, 10);
        assert_eq!(cut.amount(), "10 bytes");
    }

    #[test]
    fn characters_split_at_the_cuts_are_dropped_whole() {
        // "é" is two bytes, "€" three: the head cap ends inside é, the tail starts inside €.
        let text = "aé".to_string() + &"x".repeat(100) + "€b";
        let ht = pushed(2, 3, &[text.as_bytes()]);
        let cut = ht.cut(5);
        assert_eq!(cut.head, "a");
        assert_eq!(cut.tail, "b");
        assert_eq!(cut.cut_bytes, text.len() as u64 - 2);
        assert!(!cut.head.contains('\u{FFFD}') && !cut.tail.contains('\u{FFFD}'));
    }

    #[test]
    fn a_character_split_between_chunks_is_whole_when_nothing_is_cut() {
        let ht = pushed(3, 10, &[&"aé".as_bytes()[..2], &"aé€".as_bytes()[2..]]);
        assert_eq!(ht.cut(100).head, "aé€");
    }

    #[test]
    fn take_starts_again_with_the_same_sizes() {
        let mut ht = pushed(2, 2, &[b"abcdef"]);
        let old = ht.take();
        assert_eq!(old.total_bytes(), 6);
        assert_eq!(ht.total_bytes(), 0);
        ht.push(b"123456");
        assert_eq!(ht.kept_bytes(), 4);
    }

    #[test]
    fn a_character_split_by_a_take_is_whole_in_the_next() {
        let euro = "€".as_bytes();
        let mut ht = HeadTail::new(2, 4);
        ht.push(b"ab");
        ht.push(b"c");
        ht.push(&euro[..2]);
        let first = ht.take();
        assert_eq!(
            (first.cut(100).head.as_str(), first.total_bytes()),
            ("abc", 3)
        );
        ht.push(&euro[2..]);
        assert_eq!(ht.cut(100).head, "€");
        // Within the head too.
        let mut ht = HeadTail::new(8, 8);
        ht.push(&euro[..1]);
        assert_eq!(ht.take().total_bytes(), 0);
        ht.push(&euro[1..]);
        assert_eq!(ht.take().cut(100).head, "€");
    }

    #[test]
    fn utf8_edges() {
        assert_eq!(complete_end("a€".as_bytes()), 4);
        assert_eq!(complete_end(&"a€".as_bytes()[..3]), 1);
        assert_eq!(complete_end(&"😀".as_bytes()[..1]), 0);
        assert_eq!(complete_start(&"€a".as_bytes()[1..]), 2);
        assert_eq!(complete_start(b"abc"), 0);
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(199_970_000), "199,970,000");
    }
}
