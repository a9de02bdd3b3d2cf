//! `@path` in a prompt attaches that file: its text joins the user's message (marked, so a
//! resumed screen shows the prompt and not the file), and it counts as read, so the model may
//! edit it straight away. A directory attaches its listing. Words that name no file stay text.

use std::path::{Path, PathBuf};

use crate::tools::file_state::{FileStamp, FileState};

/// Files larger than this are not attached (the model can Read parts of them).
const MAX_BYTES: u64 = 256 * 1024;
/// A directory's listing stops after this many entries.
const MAX_ENTRIES: usize = 200;
/// Attached text starts with this, so it can be told from what the user typed.
pub const MARKER: &str = "<attached-file ";

/// What attaching the mentions of a prompt produced.
#[derive(Debug, Default, PartialEq)]
pub struct Attached {
    /// Text blocks for the user's message.
    pub blocks: Vec<String>,
    /// One line per mention for the screen ("Attached src/main.rs (42 lines)").
    pub notes: Vec<String>,
}

/// The `@` mentions of `prompt`: `@path` after a space or at the start, or `@"a path"`.
pub fn mentions(prompt: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = prompt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i] == '@' && (i == 0 || chars[i - 1].is_whitespace());
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let token: String = if chars.get(j) == Some(&'"') {
            j += 1;
            let start = j;
            while j < chars.len() && chars[j] != '"' {
                j += 1;
            }
            chars[start..j].iter().collect()
        } else {
            let start = j;
            while j < chars.len() && !chars[j].is_whitespace() {
                j += 1;
            }
            chars[start..j].iter().collect()
        };
        if !token.is_empty() && !out.contains(&token) {
            out.push(token);
        }
        i = j + 1;
    }
    out
}

/// Attaches the files and directories `prompt` mentions, resolved against `cwd`, recording
/// attached files as read in `files`.
pub fn attach(prompt: &str, cwd: &Path, files: &mut FileState) -> Attached {
    let mut attached = Attached::default();
    for mention in mentions(prompt) {
        // "see @src/main.rs." — sentence punctuation isn't part of the name.
        let candidates = [
            mention.clone(),
            mention
                .trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '\'', '"'])
                .to_string(),
        ];
        let Some((shown, path)) = candidates
            .iter()
            .filter(|c| !c.is_empty())
            .map(|c| (c.clone(), resolve(c, cwd)))
            .find(|(_, p)| p.exists())
        else {
            continue;
        };
        match read_mention(&path) {
            Ok(Mention::File { text, stamp }) => {
                let lines = text.lines().count();
                files.record(&path, stamp);
                attached.blocks.push(format!(
                    "{MARKER}path=\"{shown}\">\n{text}{}</attached-file>",
                    if text.ends_with('\n') || text.is_empty() {
                        ""
                    } else {
                        "\n"
                    }
                ));
                attached.notes.push(format!(
                    "Attached {shown} ({})",
                    crate::words::count(lines, "line", "lines")
                ));
            }
            Ok(Mention::Directory(listing)) => {
                attached.blocks.push(format!(
                    "{MARKER}path=\"{shown}\" kind=\"directory\">\n{listing}</attached-file>"
                ));
                attached
                    .notes
                    .push(format!("Attached the listing of {shown}"));
            }
            Err(why) => attached
                .notes
                .push(format!("Not attached: {shown} ({why})")),
        }
    }
    attached
}

enum Mention {
    File { text: String, stamp: FileStamp },
    Directory(String),
}

fn resolve(mention: &str, cwd: &Path) -> PathBuf {
    if let Some(rest) = mention.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    cwd.join(mention)
}

fn read_mention(path: &Path) -> Result<Mention, String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if metadata.is_dir() {
        let mut names: Vec<String> = std::fs::read_dir(path)
            .map_err(|e| e.to_string())?
            .flatten()
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                if e.path().is_dir() {
                    format!("{name}/")
                } else {
                    name
                }
            })
            .collect();
        names.sort();
        let more = names.len().saturating_sub(MAX_ENTRIES);
        names.truncate(MAX_ENTRIES);
        let mut listing: String = names.iter().map(|n| format!("{n}\n")).collect();
        if more > 0 {
            listing.push_str(&format!("… and {more} more\n"));
        }
        return Ok(Mention::Directory(listing));
    }
    if metadata.len() > MAX_BYTES {
        return Err(format!(
            "{} KB is too large to attach; ask for the parts you need",
            metadata.len() / 1024
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if !crate::tools::encoding::has_utf16_bom(&bytes) && bytes.iter().take(8192).any(|b| *b == 0) {
        return Err("a binary file".into());
    }
    let stamp = FileStamp::of(&bytes, &metadata);
    // Decoded as Read and Edit decode it (a Latin-1 file shows its accents).
    let text = crate::tools::encoding::decode(&bytes)
        .map_err(|e| e.to_string())?
        .text;
    Ok(Mention::File { text, stamp })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_mentions_after_spaces_and_in_quotes() {
        assert_eq!(
            mentions("look at @src/main.rs and @\"my notes.txt\", not me@example.com @"),
            vec!["src/main.rs", "my notes.txt"]
        );
        assert_eq!(mentions("@a @a"), vec!["a"]);
    }

    #[test]
    fn attaches_files_and_listings_and_marks_files_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
        std::fs::write(dir.path().join("blob.bin"), [0u8, 1, 2]).unwrap();
        let mut files = FileState::default();
        let attached = attach(
            "fix @src/main.rs. Also see @src, @blob.bin and @missing.rs",
            dir.path(),
            &mut files,
        );
        assert_eq!(
            attached.notes,
            vec![
                "Attached src/main.rs (1 line)",
                "Attached the listing of src",
                "Not attached: blob.bin (a binary file)",
            ]
        );
        assert_eq!(
            attached.blocks[0],
            "<attached-file path=\"src/main.rs\">\nfn main() {}\n</attached-file>"
        );
        assert!(attached.blocks[1].contains("main.rs\n"));
        assert!(
            files
                .check_fresh(&dir.path().join("src/main.rs"), "main.rs")
                .is_ok()
        );
        assert!(
            files
                .check_fresh(&dir.path().join("blob.bin"), "blob.bin")
                .is_err()
        );
        // A Latin-1 file is attached decoded, as Read would show it.
        std::fs::write(dir.path().join("latin.txt"), b"caf\xE9 cr\xE8me\n").unwrap();
        let attached = attach("see @latin.txt", dir.path(), &mut files);
        assert_eq!(
            attached.blocks[0],
            "<attached-file path=\"latin.txt\">\ncafé crème\n</attached-file>"
        );
    }
}
