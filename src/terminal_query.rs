//! One round trip at start-up to learn what the terminal can do: whether it speaks the kitty
//! keyboard protocol (Shift+Enter) and what colour its background is (to pick a light or dark
//! theme). Both questions are followed by a device-attributes request that every terminal
//! answers, so a terminal that ignores the first two costs one reply, not a timeout.

use std::io::Write;
use std::time::{Duration, Instant};

/// What the terminal said about itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TerminalFacts {
    pub keyboard_enhancement: bool,
    /// The background colour, 8 bits a channel.
    pub background: Option<(u8, u8, u8)>,
}

impl TerminalFacts {
    /// Whether the background is light (None when the terminal didn't say).
    pub fn light_background(&self) -> Option<bool> {
        self.background.map(|(r, g, b)| {
            // Relative luminance (sRGB weights) past the middle.
            0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b) > 127.5
        })
    }
}

/// OSC 11 (background colour?), kitty keyboard flags?, primary device attributes.
const QUERY: &[u8] = b"\x1b]11;?\x1b\\\x1b[?u\x1b[c";

/// Asks the terminal on stdin/stdout (which must be in raw mode) and waits for its answers, at
/// most `timeout`. Not a terminal, or no answer: the defaults (no enhancement, no colour).
pub fn query(timeout: Duration) -> TerminalFacts {
    // SAFETY: isatty only inspects the descriptor.
    if unsafe { libc::isatty(0) } != 1 || unsafe { libc::isatty(1) } != 1 {
        return TerminalFacts::default();
    }
    let mut out = std::io::stdout();
    if out.write_all(QUERY).and_then(|()| out.flush()).is_err() {
        return TerminalFacts::default();
    }
    let deadline = Instant::now() + timeout;
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let (facts, complete) = parse(&seen);
        if complete {
            return facts;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return facts;
        }
        let mut fds = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call.
        let ready = unsafe { libc::poll(&mut fds, 1, left.as_millis().max(1) as libc::c_int) };
        if ready <= 0 {
            continue;
        }
        // SAFETY: reading into a buffer we own, at most its length.
        let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            return facts;
        }
        seen.extend_from_slice(&buf[..n as usize]);
    }
}

/// What the replies in `bytes` say, and whether the device-attributes reply (the last one)
/// has come. Pure, for tests.
pub fn parse(bytes: &[u8]) -> (TerminalFacts, bool) {
    let mut facts = TerminalFacts::default();
    let mut complete = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != 0x1b {
            i += 1;
            continue;
        }
        let rest = &bytes[i..];
        if let Some(body) = rest.strip_prefix(b"\x1b]11;") {
            // Ends with BEL or ST (ESC \).
            let end = body
                .iter()
                .position(|&b| b == 0x07 || b == 0x1b)
                .unwrap_or(body.len());
            facts.background = parse_colour(&body[..end]);
            i += 5 + end;
            continue;
        }
        if let Some(body) = rest.strip_prefix(b"\x1b[?") {
            let end = body
                .iter()
                .position(|b| !(b.is_ascii_digit() || *b == b';'));
            match end.map(|e| (e, body[e])) {
                Some((e, b'u')) => {
                    facts.keyboard_enhancement = true;
                    i += 3 + e + 1;
                    continue;
                }
                Some((e, b'c')) => {
                    complete = true;
                    i += 3 + e + 1;
                    continue;
                }
                _ => {}
            }
        }
        i += 1;
    }
    (facts, complete)
}

/// `rgb:RRRR/GGGG/BBBB` (1 to 4 hex digits a channel) as 8-bit channels.
fn parse_colour(text: &[u8]) -> Option<(u8, u8, u8)> {
    let text = std::str::from_utf8(text).ok()?;
    let rgb = text
        .strip_prefix("rgb:")
        .or_else(|| text.strip_prefix("rgba:"))?;
    let mut parts = rgb.split('/').map(|p| {
        if p.is_empty() || p.len() > 4 {
            return None;
        }
        let value = u32::from_str_radix(p, 16).ok()?;
        let max = (1u32 << (4 * p.len())) - 1;
        Some((value * 255 / max) as u8)
    });
    Some((parts.next()??, parts.next()??, parts.next()??))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_reply_in_any_order() {
        let (facts, complete) = parse(b"\x1b]11;rgb:ffff/ffff/f0f0\x1b\\\x1b[?1u\x1b[?62;22c");
        assert!(complete);
        assert!(facts.keyboard_enhancement);
        assert_eq!(facts.background, Some((255, 255, 240)));
        assert_eq!(facts.light_background(), Some(true));
        let (facts, complete) = parse(b"\x1b]11;rgb:1e/1e/2e\x07\x1b[?64;1c");
        assert!(complete);
        assert!(!facts.keyboard_enhancement);
        assert_eq!(facts.light_background(), Some(false));
        // A terminal that answers only the device attributes.
        let (facts, complete) = parse(b"\x1b[?62;22c");
        assert!(complete);
        assert_eq!(facts, TerminalFacts::default());
        // Not yet complete: the device attributes reply hasn't come.
        assert!(!parse(b"\x1b]11;rgb:0000/0000/0000\x1b\\").1);
        assert_eq!(parse_colour(b"rgb:8/8/8"), Some((136, 136, 136)));
        assert_eq!(parse_colour(b"nonsense"), None);
        assert_eq!(parse_colour(b"rgb:/ff/"), None);
        assert_eq!(parse_colour(b"rgb:fffff/0/0"), None);
    }

    #[test]
    fn any_prefix_of_the_replies_or_stray_keys_parse_without_breaking() {
        let replies = b"a\x1b[A\x1b]11;rgb:ffff/ffff/f0f0\x07\x1b[?1u\x1b[?62;22c";
        for end in 0..=replies.len() {
            let (_, complete) = parse(&replies[..end]);
            assert_eq!(complete, end == replies.len());
        }
    }
}
