//! Grep: searches file contents with a regular expression (ripgrep's engine: grep-regex and
//! grep-searcher over an `ignore` walk, so .gitignore is respected and binary files skipped).
//! Output modes as Claude Code's: files_with_matches (default), content, count.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;
use grep_regex::RegexMatcherBuilder;
use grep_searcher::{
    BinaryDetection, Searcher, SearcherBuilder, Sink, SinkContext, SinkContextKind, SinkMatch,
};
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::glob::{search_root, walker};
use crate::tools::{
    ProgressSink, Risk, Tool, ToolContext, ToolError, ToolOutput, count, optional_bool,
    optional_str, optional_u64, pattern_summary, required_str, walk_blocking,
};

/// Lines of content output kept when no head_limit is given.
const DEFAULT_LINE_LIMIT: usize = 500;
/// Files listed (files_with_matches, count) when no head_limit is given.
const DEFAULT_FILE_LIMIT: usize = 250;
/// Characters of one matching line shown.
const MAX_LINE_CHARS: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Content,
    Files,
    Count,
}

pub struct Grep;

/// Collects one file's matches as output lines.
struct Collect<'a> {
    shown: &'a str,
    mode: Mode,
    line_numbers: bool,
    lines: Vec<String>,
    /// Lines beyond this are only counted: no more than this can be shown from one file.
    max_lines: usize,
    dropped: usize,
    matches: u64,
}

impl Collect<'_> {
    fn keep(&mut self, line: String) {
        if self.lines.len() < self.max_lines {
            self.lines.push(line);
        } else {
            self.dropped += 1;
        }
    }
}

fn clip(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_end_matches(['\n', '\r']);
    if text.chars().count() > MAX_LINE_CHARS {
        let mut cut: String = text.chars().take(MAX_LINE_CHARS).collect();
        cut.push('…');
        cut
    } else {
        text.to_string()
    }
}

impl Sink for Collect<'_> {
    type Error = std::io::Error;

    fn matched(&mut self, _: &Searcher, m: &SinkMatch<'_>) -> Result<bool, Self::Error> {
        self.matches += 1;
        if self.mode == Mode::Content {
            // A multi-line match reports several lines at once.
            for (i, line) in m.lines().enumerate() {
                let number = m.line_number().map(|n| n + i as u64);
                self.keep(match (self.line_numbers, number) {
                    (true, Some(n)) => format!("{}:{n}:{}", self.shown, clip(line)),
                    _ => format!("{}:{}", self.shown, clip(line)),
                });
            }
        }
        Ok(true)
    }

    fn context(&mut self, _: &Searcher, c: &SinkContext<'_>) -> Result<bool, Self::Error> {
        if self.mode == Mode::Content && !matches!(c.kind(), SinkContextKind::Other) {
            self.keep(match (self.line_numbers, c.line_number()) {
                (true, Some(n)) => format!("{}-{n}-{}", self.shown, clip(c.bytes())),
                _ => format!("{}-{}", self.shown, clip(c.bytes())),
            });
        }
        Ok(true)
    }

    fn context_break(&mut self, _: &Searcher) -> Result<bool, Self::Error> {
        if self.mode == Mode::Content {
            self.keep("--".into());
        }
        Ok(true)
    }
}

impl Grep {
    fn search(
        &self,
        input: &Value,
        ctx: &ToolContext,
        skipped: &AtomicUsize,
    ) -> Result<ToolOutput, ToolError> {
        let pattern = required_str(input, "pattern")?;
        let mode = match optional_str(input, "output_mode").unwrap_or("files_with_matches") {
            "content" => Mode::Content,
            "files_with_matches" => Mode::Files,
            "count" => Mode::Count,
            other => {
                return Err(ToolError::InvalidInput(format!(
                    "output_mode `{other}`: use content, files_with_matches or count"
                )));
            }
        };
        let multiline = optional_bool(input, "multiline");
        let matcher = RegexMatcherBuilder::new()
            .case_insensitive(optional_bool(input, "-i"))
            .multi_line(true)
            .dot_matches_new_line(multiline)
            .build(pattern)
            .map_err(|e| ToolError::InvalidInput(format!("bad regular expression: {e}")))?;
        let context = optional_u64(input, "-C")?.unwrap_or(0) as usize;
        let before = optional_u64(input, "-B")?.map_or(context, |n| n as usize);
        let after = optional_u64(input, "-A")?.map_or(context, |n| n as usize);
        let line_numbers = input.get("-n").and_then(Value::as_bool).unwrap_or(true);
        let head_limit = optional_u64(input, "head_limit")?.map(|n| n as usize);
        let limit = head_limit.unwrap_or(match mode {
            Mode::Content => DEFAULT_LINE_LIMIT,
            Mode::Files | Mode::Count => DEFAULT_FILE_LIMIT,
        });
        let offset = optional_u64(input, "offset")?.unwrap_or(0) as usize;
        let mut searcher = SearcherBuilder::new()
            .binary_detection(BinaryDetection::quit(0))
            .line_number(true)
            .multi_line(multiline)
            .before_context(if mode == Mode::Content { before } else { 0 })
            .after_context(if mode == Mode::Content { after } else { 0 })
            .build();

        let root = search_root(input, ctx)?;
        let mut files: Vec<PathBuf> = Vec::new();
        let mut walk_files = None;
        if root.is_file() {
            files.push(root.clone());
        } else {
            let mut builder = walker(&root, false);
            if let Some(glob) = optional_str(input, "glob") {
                let mut overrides = ignore::overrides::OverrideBuilder::new(&root);
                for part in glob.split(',').map(str::trim).filter(|g| !g.is_empty()) {
                    overrides
                        .add(part)
                        .map_err(|e| ToolError::InvalidInput(format!("bad glob `{part}`: {e}")))?;
                }
                builder.overrides(
                    overrides
                        .build()
                        .map_err(|e| ToolError::InvalidInput(format!("bad glob `{glob}`: {e}")))?,
                );
            }
            if let Some(kind) = optional_str(input, "type") {
                let mut types = ignore::types::TypesBuilder::new();
                types.add_defaults();
                types.select(kind);
                builder.types(types.build().map_err(|e| {
                    ToolError::InvalidInput(format!("unknown file type `{kind}`: {e}"))
                })?);
            }
            walk_files = Some(builder);
        }
        let denied = ctx.denied_reads(&root);

        // One file's results: its output lines and number of matches.
        let search = |searcher: &mut Searcher,
                      path: &std::path::Path|
         -> Option<(String, Vec<String>, u64, usize)> {
            let shown = ctx.display_path(path);
            let mut sink = Collect {
                shown: &shown,
                mode,
                line_numbers,
                lines: Vec::new(),
                max_lines: offset.saturating_add(limit),
                dropped: 0,
                matches: 0,
            };
            if searcher.search_path(&matcher, path, &mut sink).is_err() || sink.matches == 0 {
                return None;
            }
            let (lines, matches, dropped) = (sink.lines, sink.matches, sink.dropped);
            Some((shown, lines, matches, dropped))
        };
        let mut results: Vec<(String, Vec<String>, u64, usize)> = Vec::new();
        match walk_files {
            None => results.extend(files.iter().filter_map(|p| search(&mut searcher, p))),
            Some(builder) => {
                // Search in parallel, as ripgrep does; the order is restored below.
                let collected = std::sync::Mutex::new(Vec::new());
                builder.build_parallel().run(|| {
                    let mut searcher = searcher.clone();
                    let (search, collected, denied) = (&search, &collected, &denied);
                    Box::new(move |entry| {
                        if let Ok(entry) = &entry
                            && entry.file_type().is_some_and(|t| t.is_file())
                            && denied(entry.path())
                        {
                            skipped.fetch_add(1, Ordering::Relaxed);
                            return ignore::WalkState::Continue;
                        }
                        if let Ok(entry) = entry
                            && entry.file_type().is_some_and(|t| t.is_file())
                            && let Some(found) = search(&mut searcher, entry.path())
                            && let Ok(mut all) = collected.lock()
                        {
                            all.push(found);
                        }
                        ignore::WalkState::Continue
                    })
                });
                results = collected.into_inner().unwrap_or_default();
                results.sort_by(|a, b| a.0.cmp(&b.0));
            }
        }
        let mut out: Vec<String> = Vec::new();
        let (mut total_matches, mut matched_files) = (0u64, 0usize);
        // Lines a file had beyond what could be shown: counted for the "more lines" notice.
        let mut dropped = 0;
        for (shown, lines, matches, file_dropped) in results {
            dropped += file_dropped;
            total_matches += matches;
            matched_files += 1;
            match mode {
                Mode::Files => out.push(shown),
                Mode::Count => out.push(format!("{shown}:{matches}")),
                Mode::Content => {
                    if !out.is_empty() && (before > 0 || after > 0) {
                        out.push("--".into());
                    }
                    out.extend(lines);
                }
            }
        }
        let summary = match mode {
            Mode::Files => count(matched_files, "file", "files"),
            Mode::Count | Mode::Content => count(total_matches as usize, "match", "matches"),
        };
        if out.is_empty() {
            return Ok(ToolOutput {
                content: "No matches found".into(),
                summary,
                ..Default::default()
            });
        }
        out.drain(..offset.min(out.len()));
        let total_lines = out.len() + dropped;
        out.truncate(limit);
        if total_lines > limit {
            let what = match mode {
                Mode::Content => "lines",
                Mode::Files | Mode::Count => "files",
            };
            out.push(format!(
                "({} more {what} not shown; use offset {} to see them, or a larger head_limit)",
                total_lines - limit,
                offset + limit
            ));
        }
        Ok(ToolOutput {
            content: out.join("\n"),
            summary,
            ..Default::default()
        })
    }
}

impl Tool for Grep {
    fn name(&self) -> Cow<'static, str> {
        "Grep".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Searches file contents with a regular expression (Rust regex syntax, as ripgrep). \
         output_mode: files_with_matches (default: the files that match), content (matching \
         lines as path:line:text, with -A/-B/-C context lines), count (matches per file). \
         Options: path (file or directory, default the working directory), glob (e.g. `*.rs`), \
         type (e.g. rust, py, js), -i (ignore case), -n (line numbers, default true), \
         head_limit (first N lines/entries; default 500 lines of content, 250 files) and \
         offset (skip N, to page), multiline (let . and patterns span lines). \
         .gitignore is respected; binary files are skipped."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "pattern": {"type": "string", "description": "The regular expression"},
                "path": {"type": "string", "description": "File or directory to search (default: the working directory)"},
                "glob": {"type": "string", "description": "Only files matching this glob (e.g. `*.rs`, `*.{ts,tsx}`)"},
                "type": {"type": "string", "description": "Only files of this type (rust, py, js, go, …)"},
                "output_mode": {"type": "string", "enum": ["content", "files_with_matches", "count"]},
                "-i": {"type": "boolean", "description": "Case-insensitive"},
                "-n": {"type": "boolean", "description": "Line numbers in content mode (default true)"},
                "-A": {"type": "number", "description": "Lines of context after each match"},
                "-B": {"type": "number", "description": "Lines of context before each match"},
                "-C": {"type": "number", "description": "Lines of context around each match"},
                "head_limit": {"type": "number", "description": "Show only the first N lines or entries"},
                "offset": {"type": "number", "description": "Skip the first N lines or entries (with head_limit, to page)"},
                "multiline": {"type": "boolean", "description": "Patterns may span lines"}
            },
            "required": ["pattern"]
        })
    }

    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }

    fn summarize(&self, input: &Value) -> String {
        pattern_summary(input)
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        required_str(input, "pattern")?;
        Ok(ApprovalPreview::None)
    }

    fn run<'a>(
        &'a self,
        input: Value,
        ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        walk_blocking(input, ctx, "grep", |input, ctx, skipped| {
            Grep.search(input, ctx, skipped)
        })
    }
}

#[cfg(test)]
mod tests;
