//! Read of a file too large to hold (over Read's whole-file limit, so only with a limit): the
//! file is streamed in chunks, keeping only the lines asked for, each only as long as Read shows
//! it, and hashed on the way for the stamp Edit and Write check. Memory stays small whatever the
//! file's size: a 2 GB log costs what its lines on screen cost.

use std::hash::Hasher;
use std::io::{BufRead, BufReader};

use crate::tools::file_state::FileStamp;

/// The bytes sniffed for a NUL to decide a file is binary (as Read does).
const SNIFF_BYTES: usize = 8192;
const CHUNK: usize = 256 * 1024;

/// What a streamed read found.
pub struct Window {
    /// The lines from `offset` (1-based), at most `limit`, each cut to `keep_bytes`.
    pub lines: Vec<String>,
    /// Lines in the whole file, counted as `str::lines` does.
    pub total: u64,
    /// The file's first bytes, for the binary check.
    pub head: Vec<u8>,
    /// As `FileStamp::of` would compute from the whole content.
    pub stamp: FileStamp,
}

/// Streams `file`, keeping lines `offset..offset + limit` (1-based) cut to `keep_bytes` each.
pub fn scan(
    file: std::fs::File,
    metadata: &std::fs::Metadata,
    offset: u64,
    limit: u64,
    keep_bytes: usize,
) -> std::io::Result<Window> {
    let mut reader = BufReader::with_capacity(CHUNK, file);
    // `FileStamp::of` hashes the slice: its length, then its bytes; SipHash takes the bytes in
    // pieces with the same result (the test below checks it).
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    hasher.write_usize(metadata.len() as usize);
    let (first, end) = (offset.saturating_sub(1), offset.saturating_sub(1) + limit);
    let mut window = Window {
        lines: Vec::new(),
        total: 0,
        head: Vec::new(),
        stamp: FileStamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            hash: 0,
        },
    };
    let mut line: Vec<u8> = Vec::new();
    let mut last_byte = None;
    let keep = |line: &mut Vec<u8>, bytes: &[u8]| {
        let room = keep_bytes.saturating_sub(line.len());
        line.extend_from_slice(&bytes[..room.min(bytes.len())]);
    };
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        hasher.write(buf);
        let sniff = SNIFF_BYTES.saturating_sub(window.head.len()).min(buf.len());
        window.head.extend_from_slice(&buf[..sniff]);
        last_byte = buf.last().copied();
        let mut rest = buf;
        while !rest.is_empty() {
            let wanted = (first..end).contains(&window.total);
            match memchr::memchr(b'\n', rest) {
                Some(i) => {
                    if wanted {
                        keep(&mut line, &rest[..i]);
                        window.lines.push(finish_line(&mut line, keep_bytes));
                    }
                    window.total += 1;
                    rest = &rest[i + 1..];
                }
                None => {
                    if wanted {
                        keep(&mut line, rest);
                    }
                    rest = &[];
                }
            }
        }
        let n = buf.len();
        reader.consume(n);
    }
    // A last line without a newline.
    if last_byte.is_some_and(|b| b != b'\n') {
        if (first..end).contains(&window.total) {
            window.lines.push(finish_line(&mut line, keep_bytes));
        }
        window.total += 1;
    }
    window.stamp.hash = hasher.finish();
    Ok(window)
}

/// A kept line as text, without the `\r` of a CRLF ending when the whole line was kept.
fn finish_line(line: &mut Vec<u8>, keep_bytes: usize) -> String {
    if line.len() < keep_bytes && line.last() == Some(&b'\r') {
        line.pop();
    }
    let text = String::from_utf8_lossy(line).into_owned();
    line.clear();
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(content: &[u8], offset: u64, limit: u64, keep: usize) -> Window {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, content).unwrap();
        let metadata = std::fs::metadata(&path).unwrap();
        let window = scan(
            std::fs::File::open(&path).unwrap(),
            &metadata,
            offset,
            limit,
            keep,
        )
        .unwrap();
        assert_eq!(
            window.stamp,
            FileStamp::of(content, &metadata),
            "the stamp matches the whole-file one"
        );
        window
    }

    #[test]
    fn lines_and_totals_as_str_lines_counts_them() {
        let w = scanned(b"one\r\ntwo\nthree", 2, 5, 100);
        assert_eq!(w.lines, vec!["two", "three"]);
        assert_eq!(w.total, 3);
        assert_eq!(scanned(b"a\nb\n", 1, 10, 100).total, 2);
        assert_eq!(scanned(b"", 1, 10, 100).total, 0);
        assert_eq!(scanned(b"\n\n", 2, 1, 100).lines, vec![""]);
    }

    #[test]
    fn a_file_of_many_chunks_keeps_only_the_window_cut_short() {
        // 3 MB: lines of 3,000 bytes crossing 256 KiB chunk boundaries.
        let line = "é".repeat(1500) + "\n";
        let content = line.repeat(1000);
        let w = scanned(content.as_bytes(), 998, 10, 101);
        assert_eq!(w.total, 1000);
        assert_eq!(w.lines.len(), 3);
        // 101 bytes: 50 whole "é" and half of one, shown as a replacement character.
        assert_eq!(w.lines[0], "é".repeat(50) + "\u{FFFD}");
        assert_eq!(w.head.len(), SNIFF_BYTES);
    }
}
