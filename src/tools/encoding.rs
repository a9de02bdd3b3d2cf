//! A text file's encoding: found from its bytes (a BOM, valid UTF-8, or a legacy single-byte or
//! CJK encoding guessed by `chardetng`), decoded for the model, and encoded back the same way so
//! Read, Edit, MultiEdit and Write change only the bytes they were asked to change.
//!
//! UTF-8 with a few invalid bytes keeps each invalid run aside (its place in the text, where it
//! reads as U+FFFD, and its bytes). On writing, the new text is diffed against the old one (lines,
//! then characters within changed lines) and every U+FFFD the diff pairs with a kept one gets its
//! original bytes back. We chose this over editing raw bytes because it serves Write as well as
//! Edit, and still works when the model's old_string includes the U+FFFD it was shown.

use std::ops::Range;

use encoding_rs::{EncoderResult, Encoding};
use similar::{DiffTag, TextDiff};
use thiserror::Error;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16BE_BOM: &[u8] = b"\xFE\xFF";
/// The most time one diff of `restore_invalid` may take: past it `similar` gives a coarser
/// diff, which only means fewer invalid runs come back (rewrites that large are rare).
const DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(250);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bom {
    Absent,
    Present,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteOrder {
    Little,
    Big,
}

/// Bytes that are not UTF-8, standing in the decoded text as one U+FFFD at byte `at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRun {
    pub at: usize,
    pub bytes: Vec<u8>,
}

/// How a file's text is stored.
#[derive(Clone, Debug, PartialEq)]
pub enum TextEncoding {
    /// UTF-8; `invalid` lists the runs that aren't (empty for a clean file).
    Utf8 { bom: Bom, invalid: Vec<InvalidRun> },
    /// UTF-16, recognised by its BOM (which is kept); without one, its NUL bytes make it binary.
    Utf16(ByteOrder),
    /// A legacy encoding (windows-1252, Shift_JIS, …) that decodes and re-encodes the file exactly.
    Legacy(&'static Encoding),
}

/// A file's text as the model sees it, and how to write it back.
#[derive(Clone, Debug, PartialEq)]
pub struct FileText {
    pub text: String,
    pub encoding: TextEncoding,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EncodingError {
    #[error("the file starts with a UTF-16 byte order mark but is not valid UTF-16")]
    BrokenUtf16,
    #[error(
        "the file is encoded in {encoding}, which has no “{character}” (U+{code:04X}); nothing was \
         changed: use only characters {encoding} has, or convert the file to UTF-8 first",
        code = u32::from(*character)
    )]
    Unmappable { encoding: String, character: char },
}

/// Whether `bytes` start with a UTF-16 byte order mark (such text holds NUL bytes, yet isn't binary).
pub fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(UTF16LE_BOM) || bytes.starts_with(UTF16BE_BOM)
}

impl TextEncoding {
    /// The encoding's name, as error messages show it.
    pub fn name(&self) -> String {
        match self {
            TextEncoding::Utf8 {
                bom: Bom::Absent, ..
            } => "UTF-8".into(),
            TextEncoding::Utf8 {
                bom: Bom::Present, ..
            } => "UTF-8 with BOM".into(),
            TextEncoding::Utf16(ByteOrder::Little) => "UTF-16LE".into(),
            TextEncoding::Utf16(ByteOrder::Big) => "UTF-16BE".into(),
            TextEncoding::Legacy(encoding) => encoding.name().into(),
        }
    }
}

/// Decodes a file's bytes, finding their encoding.
pub fn decode(bytes: &[u8]) -> Result<FileText, EncodingError> {
    if let Some(rest) = bytes.strip_prefix(UTF16LE_BOM) {
        return decode_utf16(rest, ByteOrder::Little);
    }
    if let Some(rest) = bytes.strip_prefix(UTF16BE_BOM) {
        return decode_utf16(rest, ByteOrder::Big);
    }
    let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (Bom::Present, rest),
        None => (Bom::Absent, bytes),
    };
    if let Ok(text) = std::str::from_utf8(body) {
        return Ok(FileText {
            text: text.to_string(),
            encoding: TextEncoding::Utf8 {
                bom,
                invalid: Vec::new(),
            },
        });
    }
    let lossy = decode_utf8_lossy(body, bom);
    if bom == Bom::Absent
        && looks_legacy(&lossy)
        && let Some(legacy) = decode_legacy(body)
    {
        return Ok(legacy);
    }
    Ok(lossy)
}

fn decode_utf16(body: &[u8], order: ByteOrder) -> Result<FileText, EncodingError> {
    if body.len() % 2 != 0 {
        return Err(EncodingError::BrokenUtf16);
    }
    let units = body.chunks_exact(2).map(|pair| match order {
        ByteOrder::Little => u16::from_le_bytes([pair[0], pair[1]]),
        ByteOrder::Big => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let text = char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| EncodingError::BrokenUtf16)?;
    Ok(FileText {
        text,
        encoding: TextEncoding::Utf16(order),
    })
}

/// UTF-8 with each invalid run shown as U+FFFD (as `String::from_utf8_lossy` does) and kept.
fn decode_utf8_lossy(body: &[u8], bom: Bom) -> FileText {
    let mut text = String::with_capacity(body.len() + 8);
    let mut invalid = Vec::new();
    for chunk in body.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            invalid.push(InvalidRun {
                at: text.len(),
                bytes: chunk.invalid().to_vec(),
            });
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    FileText {
        text,
        encoding: TextEncoding::Utf8 { bom, invalid },
    }
}

/// A file is taken for a legacy encoding when its invalid UTF-8 runs outnumber its valid
/// non-ASCII characters more than four to one: every accent of Latin-1 text is invalid UTF-8
/// (and a valid pair is a rare accident), while UTF-8 text with stray bytes has real multi-byte
/// characters around them. ASCII with one stray high byte counts as legacy: both readings
/// keep every byte, and the legacy one shows the byte as a letter.
fn looks_legacy(lossy: &FileText) -> bool {
    let TextEncoding::Utf8 { invalid, .. } = &lossy.encoding else {
        return false;
    };
    let non_ascii = lossy
        .text
        .chars()
        .filter(|c| !c.is_ascii() && *c != char::REPLACEMENT_CHARACTER)
        .count();
    invalid.len() > non_ascii * 4
}

/// The body decoded in the encoding `chardetng` guesses, if that decodes without errors and
/// encodes back to the very same bytes (else we couldn't promise to keep the others).
fn decode_legacy(body: &[u8]) -> Option<FileText> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(body, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let text = encoding
        .decode_without_bom_handling_and_without_replacement(body)?
        .into_owned();
    let file = FileText {
        text,
        encoding: TextEncoding::Legacy(encoding),
    };
    (file.encode(&file.text).ok()? == body).then_some(file)
}

impl FileText {
    /// `new_text` in this file's encoding (BOM included); for UTF-8 with invalid runs, the runs
    /// the change left in place come back as they were.
    pub fn encode(&self, new_text: &str) -> Result<Vec<u8>, EncodingError> {
        let writes_bom = matches!(
            self.encoding,
            TextEncoding::Utf8 {
                bom: Bom::Present,
                ..
            } | TextEncoding::Utf16(_)
        );
        // A BOM the model sent along as text would otherwise be written twice.
        let new_text = match new_text.strip_prefix('\u{FEFF}') {
            Some(rest) if writes_bom => rest,
            _ => new_text,
        };
        match &self.encoding {
            TextEncoding::Utf8 { bom, invalid } => {
                let mut out = match bom {
                    Bom::Present => UTF8_BOM.to_vec(),
                    Bom::Absent => Vec::new(),
                };
                if invalid.is_empty() {
                    out.extend_from_slice(new_text.as_bytes());
                } else {
                    restore_invalid(&self.text, invalid, new_text, &mut out);
                }
                Ok(out)
            }
            TextEncoding::Utf16(order) => {
                let mut out = Vec::with_capacity(new_text.len() * 2 + 2);
                for unit in std::iter::once(0xFEFF).chain(new_text.encode_utf16()) {
                    out.extend_from_slice(&match order {
                        ByteOrder::Little => unit.to_le_bytes(),
                        ByteOrder::Big => unit.to_be_bytes(),
                    });
                }
                Ok(out)
            }
            TextEncoding::Legacy(encoding) => encode_legacy(encoding, new_text),
        }
    }
}

/// `text` in a legacy encoding, refusing (rather than writing `&#…;`) a character it lacks.
fn encode_legacy(encoding: &'static Encoding, text: &str) -> Result<Vec<u8>, EncodingError> {
    let mut encoder = encoding.new_encoder();
    let mut out = vec![0u8; text.len() + 16];
    let mut read = 0;
    let mut written = 0;
    loop {
        let (result, r, w) =
            encoder.encode_from_utf8_without_replacement(&text[read..], &mut out[written..], true);
        read += r;
        written += w;
        match result {
            EncoderResult::InputEmpty => break,
            EncoderResult::OutputFull => out.resize(out.len() * 2, 0),
            EncoderResult::Unmappable(character) => {
                return Err(EncodingError::Unmappable {
                    encoding: encoding.name().into(),
                    character,
                });
            }
        }
    }
    out.truncate(written);
    Ok(out)
}

/// Appends `new` as UTF-8 to `out`, except that each U+FFFD the diff pairs with one of the old
/// text's invalid runs is written as that run's bytes.
fn restore_invalid(old: &str, invalid: &[InvalidRun], new: &str, out: &mut Vec<u8>) {
    if !new.contains(char::REPLACEMENT_CHARACTER) {
        // No U+FFFD left, so no run to put back.
        out.extend_from_slice(new.as_bytes());
        return;
    }
    let lines = TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(old, new);
    let old_at = offsets(lines.iter_old_slices());
    let new_at = offsets(lines.iter_new_slices());
    for op in lines.ops() {
        let (tag, o, n) = op.as_tag_tuple();
        let o = old_at[o.start]..old_at[o.end];
        let n = new_at[n.start]..new_at[n.end];
        match tag {
            DiffTag::Equal => push_old(old, invalid, o, out),
            DiffTag::Delete => {}
            DiffTag::Insert => out.extend_from_slice(new[n].as_bytes()),
            DiffTag::Replace => {
                let chars = TextDiff::configure()
                    .timeout(DIFF_TIMEOUT)
                    .diff_chars(&old[o.clone()], &new[n.clone()]);
                let old_char_at = offsets(chars.iter_old_slices());
                let new_char_at = offsets(chars.iter_new_slices());
                for op in chars.ops() {
                    let (tag, co, cn) = op.as_tag_tuple();
                    let co = o.start + old_char_at[co.start]..o.start + old_char_at[co.end];
                    let cn = n.start + new_char_at[cn.start]..n.start + new_char_at[cn.end];
                    match tag {
                        DiffTag::Equal => push_old(old, invalid, co, out),
                        DiffTag::Delete => {}
                        DiffTag::Insert | DiffTag::Replace => {
                            out.extend_from_slice(new[cn].as_bytes())
                        }
                    }
                }
            }
        }
    }
}

/// The byte offset where each slice starts, and the end: `[0, len0, len0 + len1, …]`.
fn offsets<'a>(slices: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let mut at = vec![0];
    let mut end = 0;
    for slice in slices {
        end += slice.len();
        at.push(end);
    }
    at
}

/// Appends `old[range]` with its invalid runs' own bytes in place of their U+FFFD.
fn push_old(old: &str, invalid: &[InvalidRun], range: Range<usize>, out: &mut Vec<u8>) {
    let mut cursor = range.start;
    let first = invalid.partition_point(|run| run.at < range.start);
    for run in invalid[first..].iter().take_while(|run| run.at < range.end) {
        out.extend_from_slice(&old.as_bytes()[cursor..run.at]);
        out.extend_from_slice(&run.bytes);
        cursor = run.at + char::REPLACEMENT_CHARACTER.len_utf8();
    }
    out.extend_from_slice(&old.as_bytes()[cursor..range.end]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(bytes: &[u8]) -> FileText {
        let file = decode(bytes).unwrap();
        assert_eq!(file.encode(&file.text).unwrap(), bytes, "{file:?}");
        file
    }

    #[test]
    fn each_kind_of_file_is_recognised_and_round_trips() {
        let utf8 = round_trip("naïve\n".as_bytes());
        assert_eq!(utf8.encoding.name(), "UTF-8");
        let bom = round_trip(b"\xEF\xBB\xBFna\xC3\xAFve\n");
        assert_eq!(
            bom.encode("\u{FEFF}x").unwrap(),
            b"\xEF\xBB\xBFx",
            "one BOM"
        );
        assert_eq!(
            (bom.text.as_str(), bom.encoding.name()),
            ("naïve\n", "UTF-8 with BOM".into())
        );
        let le = round_trip(b"\xFF\xFEh\0\xE9\0\n\0");
        assert_eq!(
            (le.text.as_str(), le.encoding.name()),
            ("hé\n", "UTF-16LE".into())
        );
        let be = round_trip(b"\xFE\xFF\0h\0\xE9\xD8\x3D\xDE\x00");
        assert_eq!(
            (be.text.as_str(), be.encoding.name()),
            ("hé😀", "UTF-16BE".into())
        );
        let latin = round_trip(b"caf\xE9 cr\xE8me br\xFBl\xE9e, \xE0 la fran\xE7aise\n");
        assert_eq!(latin.text, "café crème brûlée, à la française\n");
        assert_eq!(latin.encoding.name(), "windows-1252");
        let stray = round_trip(
            "naïve café \u{2014} "
                .as_bytes()
                .iter()
                .chain(b"\xFF\n")
                .copied()
                .collect::<Vec<_>>()
                .as_slice(),
        );
        assert_eq!(stray.text, "naïve café \u{2014} \u{FFFD}\n");
        assert!(
            matches!(stray.encoding, TextEncoding::Utf8 { ref invalid, .. } if invalid.len() == 1)
        );
        assert_eq!(decode(b"\xFF\xFEh\0x"), Err(EncodingError::BrokenUtf16));
        assert!(has_utf16_bom(b"\xFE\xFF\0a") && !has_utf16_bom(b"ab"));
    }

    #[test]
    fn a_character_the_encoding_lacks_is_refused_by_name() {
        let latin = decode(b"caf\xE9 cr\xE8me\n").unwrap();
        assert_eq!(latin.encode("café €5\n").unwrap(), b"caf\xE9 \x805\n");
        let err = latin.encode("café 😀\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the file is encoded in windows-1252, which has no “😀” (U+1F600); nothing was \
             changed: use only characters windows-1252 has, or convert the file to UTF-8 first"
        );
        // Not only Latin: Japanese in Shift_JIS and Russian in windows-1251 are found and kept.
        let japanese = "これは日本語のテキストです。文字コードを確認します。\n";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(japanese);
        let file = round_trip(&bytes);
        assert_eq!(
            (file.text.as_str(), file.encoding.name()),
            (japanese, "Shift_JIS".into())
        );
        let russian = "Привет, как дела? Всё хорошо, спасибо.\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(russian);
        let file = round_trip(&bytes);
        assert_eq!(
            (file.text.as_str(), file.encoding.name()),
            (russian, "windows-1251".into())
        );
    }

    #[test]
    fn invalid_runs_the_change_leaves_alone_keep_their_bytes() {
        let old: &[u8] = b"caf\xC3\xA9 \xFF one\nsame \xE2\x82 line\nlast \xC0\n";
        let file = decode(old).unwrap();
        assert_eq!(
            file.text,
            "café \u{FFFD} one\nsame \u{FFFD} line\nlast \u{FFFD}\n"
        );
        // A change elsewhere on a line with an invalid run, and on a line without one.
        let new = file.text.replace("one", "two").replace("last", "final");
        assert_eq!(
            file.encode(&new).unwrap(),
            b"caf\xC3\xA9 \xFF two\nsame \xE2\x82 line\nfinal \xC0\n"
        );
        // A line added before, and a run the model removed: the other runs stay.
        let new = format!("new\n{}", file.text.replace(" \u{FFFD} line", " line"));
        assert_eq!(
            file.encode(&new).unwrap(),
            b"new\ncaf\xC3\xA9 \xFF one\nsame line\nlast \xC0\n"
        );
        // A U+FFFD the model typed anew is a real U+FFFD.
        let new = file.text.replace("last", "\u{FFFD}");
        assert_eq!(
            file.encode(&new).unwrap(),
            b"caf\xC3\xA9 \xFF one\nsame \xE2\x82 line\n\xEF\xBF\xBD \xC0\n"
        );
    }
}
