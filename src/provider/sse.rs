//! Server-sent events framing, pure: bytes in (as they arrive, split anywhere), events out.
//! As the standard says, `data:` lines join with newlines, a line starting with `:` is a comment,
//! and an event ends at a blank line. Beyond the standard: a field other than `event`, `data`,
//! `id` and `retry` is kept as an event named after it (llama.cpp's server sent mid-stream
//! errors as `error: {…}` before September 2025), and `finish` hands over a last event that the
//! stream never terminated (real servers end that way).

/// One event: its `event:` name ("" when none) and its data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

/// Splits a byte stream into events.
#[derive(Debug, Default)]
pub struct SseFramer {
    /// Bytes of a line not yet ended (UTF-8 may be split across chunks).
    line: Vec<u8>,
    event: String,
    data: Option<String>,
}

impl SseFramer {
    /// Feeds a chunk, returning the events it completed.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        for &byte in bytes {
            if byte == b'\n' {
                let mut line = std::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.line_done(&String::from_utf8_lossy(&line), &mut out);
            } else {
                self.line.push(byte);
            }
        }
        out
    }

    /// The end of the stream: the last event, if it was never terminated by a blank line.
    pub fn finish(mut self) -> Option<SseEvent> {
        let mut out = Vec::new();
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.line_done(&String::from_utf8_lossy(&line), &mut out);
        }
        self.line_done("", &mut out);
        out.pop()
    }

    fn line_done(&mut self, line: &str, out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            if let Some(data) = self.data.take() {
                out.push(SseEvent {
                    event: std::mem::take(&mut self.event),
                    data,
                });
            }
            self.event.clear();
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = value.to_string(),
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_string()),
            },
            "id" | "retry" => {}
            other => {
                self.event = other.to_string();
                self.data = Some(value.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&str]) -> Vec<SseEvent> {
        let mut framer = SseFramer::default();
        let mut out = Vec::new();
        for chunk in chunks {
            out.extend(framer.feed(chunk.as_bytes()));
        }
        out.extend(framer.finish());
        out
    }

    fn ev(event: &str, data: &str) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
        }
    }

    #[test]
    fn events_split_anywhere_join_their_data_and_skip_comments() {
        assert_eq!(
            all(&[
                "event: ping\nda",
                "ta: {}\n\n: keep-alive\n\ndata: a\r\ndata: b\n",
                "\n"
            ]),
            vec![ev("ping", "{}"), ev("", "a\nb")]
        );
    }

    #[test]
    fn an_unterminated_last_event_and_a_legacy_error_field_are_kept() {
        assert_eq!(
            all(&["error: {\"code\":400}\n\ndata: [DONE]"]),
            vec![ev("error", "{\"code\":400}"), ev("", "[DONE]")]
        );
        assert_eq!(all(&["data: é"]), vec![ev("", "é")]);
        let bytes = "data: é\n\n".as_bytes();
        let mut framer = SseFramer::default();
        assert!(framer.feed(&bytes[..7]).is_empty());
        assert_eq!(framer.feed(&bytes[7..]), vec![ev("", "é")]);
    }
}
