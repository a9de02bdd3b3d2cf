//! Read: a text file with numbered lines like `cat -n`, 2,000 lines from an offset by default,
//! long lines cut, decoded from the file's own encoding. Binary files and directories are
//! refused with a message that says what to do.

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::encoding;
use crate::tools::file_state::FileStamp;
use crate::tools::read_large;
use crate::tools::{
    ProgressSink, Risk, SessionEffect, Tool, ToolContext, ToolError, ToolOutput, count,
    optional_u64, required_str,
};

const DEFAULT_LIMIT: u64 = 2000;
const MAX_LINE_CHARS: usize = 2000;
/// One read returns at most this much text (2,000 long lines would be 4 MB); the rest is read on
/// with an offset.
const MAX_OUTPUT_BYTES: usize = 256 * 1024;
/// Files larger than this are refused unless a limit narrows the read.
const MAX_BYTES_WHOLE: u64 = 10 * 1024 * 1024;
/// The bytes sniffed for a NUL to decide a file is binary.
const SNIFF_BYTES: usize = 8192;

const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "bmp", "ico", "tiff", "pdf", "zip", "gz", "tgz", "bz2",
    "xz", "7z", "rar", "tar", "exe", "dll", "so", "dylib", "o", "a", "class", "jar", "wasm", "bin",
    "mp3", "mp4", "mov", "avi", "mkv", "wav", "flac", "ogg", "woff", "woff2", "ttf", "otf", "eot",
    "sqlite", "db", "pyc", "rlib",
];

pub struct Read;

/// Whether a file is binary, by extension or by a NUL byte near its start (UTF-16 text, which
/// holds NULs, is known by its byte order mark).
pub fn is_binary(path: &std::path::Path, head: &[u8]) -> bool {
    let by_extension = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| BINARY_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    by_extension
        || (!encoding::has_utf16_bom(head) && head.iter().take(SNIFF_BYTES).any(|&b| b == 0))
}

/// Pictures larger than this are refused (the API limits images too).
const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// The media type of a picture the model can see, by extension.
fn image_type(path: &std::path::Path) -> Option<&'static str> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

/// A picture as an image for the model.
fn image(shown: &str, media_type: &str, bytes: &[u8]) -> Result<ToolOutput, ToolError> {
    use base64::Engine;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ToolError::InvalidInput(format!(
            "{shown} is {} MB; pictures over 5 MB can't be shown to the model",
            bytes.len() / (1024 * 1024)
        )));
    }
    Ok(ToolOutput {
        content: format!(
            "The picture {shown} ({media_type}, {} KB) is attached.",
            bytes.len().div_ceil(1024)
        ),
        summary: format!("image, {} KB", bytes.len().div_ceil(1024)),
        images: vec![crate::provider::ImageData {
            media_type: media_type.to_string(),
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
        }],
        effects: Vec::new(),
    })
}

fn cut_line(line: &str) -> String {
    // Looks at no more of a line than it keeps: a line can be hundreds of MB.
    match line.char_indices().nth(MAX_LINE_CHARS) {
        None => line.to_string(),
        Some((end, _)) => format!("{}… [line cut]", &line[..end]),
    }
}

/// A rendered notebook within MAX_OUTPUT_BYTES: whole cells from the start, and how many more.
fn cap_notebook(rendered: String, cells: usize) -> String {
    if rendered.len() <= MAX_OUTPUT_BYTES {
        return rendered;
    }
    let mut end = MAX_OUTPUT_BYTES;
    while !rendered.is_char_boundary(end) {
        end -= 1;
    }
    // Cut before the cell that crosses the limit, unless it is the first.
    if let Some(start) = rendered[..end].rfind("\n<cell ").filter(|&i| i > 0) {
        end = start + 1;
    }
    let shown = rendered[..end].matches("<cell ").count();
    format!(
        "{}\n(cells 1-{shown} of {cells} shown; one read returns at most 256 KiB: see the others \
         with Bash, e.g. `jq '.cells[{shown}:]'`)\n",
        &rendered[..end]
    )
}

impl Read {
    fn read(&self, input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let raw = required_str(input, "file_path")?;
        let path = ctx.resolve(raw);
        let shown = ctx.display_path(&path);
        let offset = optional_u64(input, "offset")?.unwrap_or(1).max(1);
        let limit = optional_u64(input, "limit")?;
        let metadata = std::fs::metadata(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ToolError::NotFound(shown.clone()),
            _ => ToolError::Io(format!("cannot read {shown}: {e}")),
        })?;
        if metadata.is_dir() {
            return Err(ToolError::InvalidInput(format!(
                "{shown} is a directory: use Glob (or Bash `ls`) to list it"
            )));
        }
        if metadata.len() > MAX_BYTES_WHOLE && limit.is_none() {
            return Err(ToolError::InvalidInput(format!(
                "{shown} is {} MB: read a part of it with offset and limit, or search it with Grep",
                metadata.len() / (1024 * 1024)
            )));
        }
        if metadata.len() > MAX_BYTES_WHOLE {
            return self.read_large(&path, &shown, &metadata, offset, limit, ctx);
        }
        let bytes =
            std::fs::read(&path).map_err(|e| ToolError::Io(format!("cannot read {shown}: {e}")))?;
        if let Some(media_type) = image_type(&path) {
            return image(&shown, media_type, &bytes);
        }
        if is_binary(&path, &bytes) {
            return Err(ToolError::Binary { path: shown });
        }
        if let Ok(mut files) = ctx.files.lock() {
            files.record(&path, FileStamp::of(&bytes, &metadata));
        }
        if bytes.is_empty() {
            return Ok(ToolOutput {
                content: format!("{shown} exists but is empty."),
                summary: "empty".into(),
                ..Default::default()
            });
        }
        // Decoded as Edit will decode it, so what the model copies from here matches there.
        let text = encoding::decode(&bytes)
            .map_err(|problem| ToolError::Encoding {
                path: shown.clone(),
                problem,
            })?
            .text;
        if path.extension().is_some_and(|e| e == "ipynb")
            && let Ok(notebook) = serde_json::from_str::<Value>(&text)
            && let Ok(rendered) = crate::tools::notebook::render(&notebook)
        {
            let cells = rendered.matches("<cell ").count();
            return Ok(ToolOutput {
                content: cap_notebook(rendered, cells),
                summary: count(cells, "cell", "cells"),
                ..Default::default()
            });
        }
        let total = text.lines().count() as u64;
        let window = text.lines().skip(offset.saturating_sub(1) as usize);
        Ok(numbered(&shown, window, offset, total, limit))
    }

    /// A file over MAX_BYTES_WHOLE (so read with a limit), streamed instead of held.
    fn read_large(
        &self,
        path: &std::path::Path,
        shown: &str,
        metadata: &std::fs::Metadata,
        offset: u64,
        limit: Option<u64>,
        ctx: &ToolContext,
    ) -> Result<ToolOutput, ToolError> {
        let size_mb = metadata.len() / (1024 * 1024);
        if image_type(path).is_some() {
            return Err(ToolError::InvalidInput(format!(
                "{shown} is {size_mb} MB; pictures over 5 MB can't be shown to the model"
            )));
        }
        let io = |e: std::io::Error| ToolError::Io(format!("cannot read {shown}: {e}"));
        let file = std::fs::File::open(path).map_err(io)?;
        let limit = limit.unwrap_or(DEFAULT_LIMIT).max(1);
        let keep_bytes = (MAX_LINE_CHARS + 1) * 4;
        let window = read_large::scan(file, metadata, offset, limit, keep_bytes).map_err(io)?;
        if is_binary(path, &window.head) {
            return Err(ToolError::Binary {
                path: shown.to_string(),
            });
        }
        if let Ok(mut files) = ctx.files.lock() {
            files.record(path, window.stamp.clone());
        }
        let lines = window.lines.iter().map(String::as_str);
        Ok(numbered(shown, lines, offset, window.total, Some(limit)))
    }
}

/// Lines from `offset` numbered like `cat -n`, within `limit` lines and MAX_OUTPUT_BYTES, with a
/// note on how to read on; `window` starts at line `offset` of `total`.
fn numbered<'a>(
    shown: &str,
    window: impl Iterator<Item = &'a str>,
    offset: u64,
    total: u64,
    limit: Option<u64>,
) -> ToolOutput {
    if offset > total {
        return ToolOutput {
            content: format!(
                "{shown} has only {}; offset {offset} is past its end.",
                crate::words::count(total as usize, "line", "lines")
            ),
            summary: "past the end".into(),
            ..Default::default()
        };
    }
    let limit = limit.unwrap_or(DEFAULT_LIMIT).max(1);
    let mut out = String::new();
    let mut shown_lines = 0u64;
    let mut capped = false;
    for (i, line) in window.take(limit as usize).enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // No padding before the number (`cat -n` pads to 6): the tab alone separates it, and a
        // 2,000-line read is 5,107 bytes shorter (see the test `the_line_number_prefix_is_short`).
        let numbered = format!("{}\t{}\n", offset as usize + i, cut_line(line));
        if shown_lines > 0 && out.len() + numbered.len() > MAX_OUTPUT_BYTES {
            capped = true;
            break;
        }
        out.push_str(&numbered);
        shown_lines += 1;
    }
    let last = offset - 1 + shown_lines;
    if last < total {
        let cap = if capped {
            "; one read returns at most 256 KiB"
        } else {
            ""
        };
        out.push_str(&format!(
            "\n(lines {offset}-{last} of {total}{cap}; read on with offset {})\n",
            last + 1
        ));
    }
    ToolOutput {
        content: out,
        summary: count(shown_lines as usize, "line", "lines"),
        ..Default::default()
    }
}
impl Tool for Read {
    fn name(&self) -> Cow<'static, str> {
        "Read".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Reads a file. Text comes with line numbers (number, tab, text): by \
         default up to 2000 lines from the start; pass offset (1-based line number) and limit \
         to read a part. Lines over 2000 characters are cut, and one read returns at most \
         256 KiB. PNG, JPEG, GIF and WebP images come back as pictures you can see (screenshots \
         included); Jupyter notebooks (.ipynb) as their cells with outputs. Other binary files \
         and directories are refused. Read a file before you Edit or Write it."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "file_path": {"type": "string", "description": "The file to read (absolute, or relative to the working directory)"},
                "offset": {"type": "number", "description": "The line number to start at (1-based)"},
                "limit": {"type": "number", "description": "How many lines to read"}
            },
            "required": ["file_path"]
        })
    }

    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }

    fn summarize(&self, input: &Value) -> String {
        input["file_path"].as_str().unwrap_or("").to_string()
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        required_str(input, "file_path")?;
        Ok(ApprovalPreview::None)
    }

    fn run<'a>(
        &'a self,
        input: Value,
        ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let mut output = self.read(&input, ctx)?;
            // The memory files of the directory read in join the result (see SessionEffect).
            let path = ctx.resolve(required_str(&input, "file_path")?);
            output.effects.push(SessionEffect::LoadMemoryFor(path));
            Ok(output)
        })
    }
}

#[cfg(test)]
mod tests;
