//! Permission rules in Claude Code's syntax: `Tool`, `Tool(specifier)`. Bash specifiers match
//! commands (`npm run test:*` is a prefix, `*` a wildcard); Read/Edit/Write specifiers are
//! gitignore-style paths (`//abs`, `~/home`, `/from-the-settings-file`, `./cwd`); WebFetch takes
//! `domain:host`; `mcp__server` covers all of a server's tools. Pure: paths come resolved
//! (symlinks included) from the caller.

use std::path::{Path, PathBuf};

use std::sync::OnceLock;

use globset::{GlobBuilder, GlobMatcher};
use serde_json::Value;

use crate::permissions::shell::{self, Word, wrappers::basename};

/// One parsed rule, with the directory its settings file is anchored at.
#[derive(Clone, Debug)]
pub struct Rule {
    pub tool: String,
    pub specifier: Option<String>,
    /// Where a `/path` specifier is relative to: the project root of the settings file.
    pub anchor: PathBuf,
    /// The anchor with its symlinks resolved (filled in by `Permissions::add`).
    pub real_anchor: PathBuf,
    /// The specifier compiled as a path pattern, the first time a path is matched (None: it
    /// isn't a valid glob). Compiling costs far more than matching.
    glob: OnceLock<Option<GlobMatcher>>,
}

/// Two rules are the same when they say the same thing; the compiled pattern is a cache.
impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        (&self.tool, &self.specifier, &self.anchor, &self.real_anchor)
            == (
                &other.tool,
                &other.specifier,
                &other.anchor,
                &other.real_anchor,
            )
    }
}

impl Eq for Rule {}

/// Where paths in rules are resolved, each as given and with its symlinks resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Places {
    pub cwd: PathBuf,
    pub home: Option<PathBuf>,
    pub real_cwd: PathBuf,
    pub real_home: Option<PathBuf>,
}

impl Places {
    /// Places with the real forms equal to the given ones (for callers that resolved nothing).
    pub fn literal(cwd: PathBuf, home: Option<PathBuf>) -> Places {
        Places {
            real_cwd: cwd.clone(),
            real_home: home.clone(),
            cwd,
            home,
        }
    }
}

/// How sure a match must be: allow rules need `Surely`; deny and ask rules apply when a
/// command `Possibly` matches (its unknown words could make it match).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Certainty {
    Surely,
    Possibly,
}

/// Tools whose rules are about file paths; Edit rules cover every tool that changes files.
pub(crate) const EDIT_TOOLS: &[&str] = &["Edit", "Write", "MultiEdit", "NotebookEdit"];
pub(crate) const READ_TOOLS: &[&str] = &["Read", "Glob", "Grep", "LS"];

impl Rule {
    /// Parses `Tool` or `Tool(specifier)`; None for an empty or unbalanced rule.
    pub fn parse(text: &str, anchor: &Path) -> Option<Rule> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let (tool, specifier) = match text.find('(') {
            Some(open) => {
                let inner = text[open + 1..].strip_suffix(')')?;
                let inner = inner.trim();
                let spec = (!inner.is_empty() && inner != "*").then(|| inner.to_string());
                (text[..open].trim().to_string(), spec)
            }
            None => (text.to_string(), None),
        };
        if tool.is_empty() {
            return None;
        }
        Some(Rule {
            tool,
            specifier,
            anchor: anchor.to_path_buf(),
            real_anchor: anchor.to_path_buf(),
            glob: OnceLock::new(),
        })
    }

    /// The rule as written in settings.
    pub fn text(&self) -> String {
        match &self.specifier {
            Some(s) => format!("{}({s})", self.tool),
            None => self.tool.clone(),
        }
    }

    /// Whether this rule is about `tool` at all.
    pub fn names(&self, tool: &str) -> bool {
        if self.tool == "*" || self.tool == tool {
            return true;
        }
        if self.tool == "Edit" && EDIT_TOOLS.contains(&tool) {
            return true;
        }
        if self.tool == "Read" && READ_TOOLS.contains(&tool) {
            return true;
        }
        // `mcp__server` covers `mcp__server__anything`.
        self.tool.starts_with("mcp__")
            && tool
                .strip_prefix(self.tool.as_str())
                .is_some_and(|rest| rest.starts_with("__"))
    }

    /// Whether this Bash rule covers one command (program first, as it runs).
    pub fn matches_words(&self, words: &[Word], certainty: Certainty) -> bool {
        if !self.names("Bash") {
            return false;
        }
        match &self.specifier {
            None => true,
            Some(spec) => words_match(spec, words, certainty),
        }
    }

    /// Whether this rule covers `tool` acting on `target` (absolute, normalised).
    pub fn matches_path(&self, tool: &str, target: &Path, places: &Places) -> bool {
        if !self.names(tool) {
            return false;
        }
        match &self.specifier {
            None => true,
            Some(spec) => path_matches(spec, self, target, places),
        }
    }

    /// Whether this rule covers one call of a tool that is neither Bash nor a file tool.
    pub fn matches(&self, tool: &str, input: &Value, places: &Places) -> bool {
        if !self.names(tool) {
            return false;
        }
        let Some(spec) = &self.specifier else {
            return true;
        };
        if let Some(path) = file_path(tool, input) {
            let path = Path::new(&path);
            let target = normalize(&if path.is_absolute() {
                path.to_path_buf()
            } else {
                places.cwd.join(path)
            });
            return path_matches(spec, self, &target, places);
        }
        if tool == "WebFetch" {
            let url = input.get("url").and_then(Value::as_str).unwrap_or("");
            return match spec.strip_prefix("domain:") {
                Some(domain) => {
                    host_of(url).is_some_and(|h| h == domain || h.ends_with(&format!(".{domain}")))
                }
                None => false,
            };
        }
        // Other tools: the specifier must equal the call's first string argument.
        input
            .as_object()
            .and_then(|o| o.values().find_map(Value::as_str))
            .is_some_and(|v| v == spec)
    }
}

/// The file a file tool acts on, as the call names it (None: not a file tool, or no path).
pub(crate) fn file_path(tool: &str, input: &Value) -> Option<String> {
    if !(EDIT_TOOLS.contains(&tool) || READ_TOOLS.contains(&tool)) {
        return None;
    }
    ["file_path", "notebook_path", "path"]
        .iter()
        .find_map(|k| input.get(*k).and_then(Value::as_str))
        .map(str::to_string)
}

pub(crate) fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    Some(host.split(':').next().unwrap_or(host))
}

/// `spec` against one command's words (program first): `prefix:*` matches the prefix as whole
/// words, a spec with `*` is a wildcard over the words joined by spaces, anything else must be
/// equal. Programs compare by their last path component (`/bin/rm` is `rm`). An unknown word
/// matches nothing `Surely` and anything `Possibly`.
pub fn words_match(spec: &str, words: &[Word], certainty: Certainty) -> bool {
    let words: Vec<Word> = words
        .iter()
        .enumerate()
        .map(|(i, w)| match w {
            Word::Known(t) if i == 0 => Word::Known(basename(t).to_string()),
            other => other.clone(),
        })
        .collect();
    let possibly = certainty == Certainty::Possibly;
    if let Some(prefix) = spec.strip_suffix(":*") {
        return prefix_match(&spec_words(prefix), &words, possibly);
    }
    if spec.contains('*') {
        let text = shell::display(&words);
        if wildcard(spec.trim(), &text) {
            return true;
        }
        let Some(first_unknown) = words.iter().position(|w| *w == Word::Unknown) else {
            return false;
        };
        // Possibly: the text before the first unknown word fits the spec's literal start.
        let known = shell::display(&words[..first_unknown]);
        let literal = spec.trim().split('*').next().unwrap_or("");
        return possibly && (literal.starts_with(&known) || known.starts_with(literal));
    }
    let tokens = spec_words(spec);
    if !possibly || !words.contains(&Word::Unknown) {
        return words.len() == tokens.len() && prefix_match(&tokens, &words, false);
    }
    prefix_match(&tokens, &words, true)
}

/// Whether `words` start with `tokens`; an unknown word on the way matches when `possibly`.
fn prefix_match(tokens: &[String], words: &[Word], possibly: bool) -> bool {
    for (i, token) in tokens.iter().enumerate() {
        match words.get(i) {
            Some(Word::Known(w)) if w == token => {}
            Some(Word::Known(_)) | None => return false,
            Some(Word::Unknown) => return possibly,
        }
    }
    true
}

/// A rule's command as words: split at spaces, quotes around a word removed, the program by
/// its last path component.
fn spec_words(spec: &str) -> Vec<String> {
    spec.split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            let w = ['"', '\'']
                .iter()
                .find_map(|q| w.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))
                .unwrap_or(w);
            if i == 0 {
                basename(w).to_string()
            } else {
                w.to_string()
            }
        })
        .collect()
}

/// `command_matches` for tests: the command's words split at spaces.
#[cfg(test)]
pub fn command_matches(spec: &str, command: &str) -> bool {
    let words: Vec<Word> = command
        .split_whitespace()
        .map(|w| Word::Known(w.to_string()))
        .collect();
    words_match(spec, &words, Certainty::Surely)
}

/// `*` matches any run of characters (including none); everything else literally.
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let Some((first, rest)) = parts.split_first() else {
        return text.is_empty();
    };
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    for (i, part) in rest.iter().enumerate() {
        let last = i == rest.len() - 1;
        if last {
            return remaining.ends_with(part);
        }
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.is_empty()
}

/// A gitignore-style path pattern against a file path (absolute, normalised). Each base the
/// pattern is relative to is tried as given and with its symlinks resolved.
fn path_matches(spec: &str, rule: &Rule, target: &Path, places: &Places) -> bool {
    let (bases, pattern): (Vec<PathBuf>, &str) = if let Some(rest) = spec.strip_prefix("//") {
        (vec![PathBuf::from("/")], rest)
    } else if let Some(rest) = spec.strip_prefix("~/") {
        let homes: Vec<PathBuf> = [&places.home, &places.real_home]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        (homes, rest)
    } else if let Some(rest) = spec.strip_prefix('/') {
        (vec![rule.anchor.clone(), rule.real_anchor.clone()], rest)
    } else {
        (
            vec![places.cwd.clone(), places.real_cwd.clone()],
            spec.strip_prefix("./").unwrap_or(spec),
        )
    };
    let compiled = rule.glob.get_or_init(|| {
        // gitignore: a pattern without a slash matches at any depth.
        let pattern = if pattern.contains('/') {
            pattern.to_string()
        } else {
            format!("**/{pattern}")
        };
        GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .ok()
            .map(|g| g.compile_matcher())
    });
    let Some(matcher) = compiled else {
        return false;
    };
    bases.iter().any(|base| {
        let Ok(relative) = target.strip_prefix(normalize(base)) else {
            return false;
        };
        // A directory pattern covers everything below it.
        relative
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .any(|a| matcher.is_match(a))
    })
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn places() -> Places {
        Places::literal(PathBuf::from("/work/repo"), Some(PathBuf::from("/home/me")))
    }

    fn rule(text: &str) -> Rule {
        Rule::parse(text, Path::new("/work/repo")).unwrap()
    }

    #[test]
    fn parsing() {
        assert_eq!(rule("Bash").specifier, None);
        assert_eq!(rule("Bash(*)").specifier, None);
        assert_eq!(
            rule(" Bash( npm test ) ").specifier.as_deref(),
            Some("npm test")
        );
        assert_eq!(rule("Read(./src/**)").tool, "Read");
        assert!(Rule::parse("Bash(unclosed", Path::new("/")).is_none());
        assert!(Rule::parse("", Path::new("/")).is_none());
        assert!(Rule::parse("(x)", Path::new("/")).is_none());
    }

    #[test]
    fn bash_command_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("npm run test:*", "npm run test", true),
            ("npm run test:*", "npm run test -- --watch", true),
            ("npm run test:*", "npm run testing", false),
            ("npm run test:*", "npm run build", false),
            ("npm run test:*", "  npm run test  ", true),
            ("git status", "git status", true),
            ("git status", "git status -s", false),
            ("git diff *", "git diff HEAD~1", true),
            ("git diff *", "git diff", false),
            ("* --version", "cargo --version", true),
            ("* --version", "cargo --help", false),
            ("cargo *", "cargo build --release", true),
            ("ls*", "ls -la", true),
            ("ls*", "lsof", true),
            ("ls:*", "lsof", false),
            ("make:*", "make", true),
            ("rm -rf *", "rm -rf /", true),
            ("echo a*b*c", "echo aXbYc", true),
            ("echo a*b*c", "echo aXbY", false),
        ];
        for (spec, command, expected) in cases {
            assert_eq!(
                command_matches(spec, command),
                *expected,
                "{spec} vs {command}"
            );
        }
    }

    #[test]
    fn tool_names_and_families() {
        let p = places();
        let any = json!({});
        assert!(rule("Edit").matches("Write", &json!({"file_path": "a"}), &p));
        assert!(rule("Edit").matches("MultiEdit", &json!({"file_path": "a"}), &p));
        assert!(!rule("Write").matches("Edit", &json!({"file_path": "a"}), &p));
        assert!(rule("Read").matches("Grep", &json!({"pattern": "x"}), &p));
        assert!(rule("mcp__github").matches("mcp__github__create_issue", &any, &p));
        assert!(!rule("mcp__github").matches("mcp__githubx__y", &any, &p));
        assert!(rule("mcp__github__create_issue").matches("mcp__github__create_issue", &any, &p));
        assert!(!rule("mcp__github__create_issue").matches("mcp__github__list", &any, &p));
        assert!(rule("*").matches("Anything", &any, &p));
        assert!(!rule("Bash").matches("Read", &any, &p));
    }

    #[test]
    fn path_patterns_in_each_anchoring() {
        let p = places();
        let cases: &[(&str, &str, bool)] = &[
            ("Edit(./src/**)", "src/main.rs", true),
            ("Edit(./src/**)", "/work/repo/src/a/b.rs", true),
            ("Edit(./src/**)", "tests/a.rs", false),
            ("Edit(src/*.rs)", "src/main.rs", true),
            ("Edit(src/*.rs)", "src/a/main.rs", false),
            ("Edit(*.md)", "docs/deep/x.md", true),
            ("Edit(*.md)", "x.rs", false),
            ("Edit(//etc/**)", "/etc/passwd", true),
            ("Edit(//etc/**)", "/work/repo/etc/x", false),
            ("Edit(~/.ssh/**)", "/home/me/.ssh/id_rsa", true),
            ("Edit(~/.ssh/**)", "/work/repo/.ssh/x", false),
            ("Edit(/config/*.json)", "/work/repo/config/a.json", true),
            ("Edit(/config/*.json)", "config/a.json", true),
            ("Edit(/config/*.json)", "/elsewhere/config/a.json", false),
            ("Read(.env)", ".env", true),
            ("Read(.env)", "sub/.env", true),
            ("Read(.env)", ".envrc", false),
            ("Edit(./secrets)", "secrets/key.txt", true),
            ("Edit(./src/**)", "src/../../outside.rs", false),
        ];
        for (text, path, expected) in cases {
            let r = rule(text);
            let tool = r.tool.clone();
            assert_eq!(
                r.matches(&tool, &json!({"file_path": path}), &p),
                *expected,
                "{text} vs {path}"
            );
        }
    }

    #[test]
    fn web_fetch_domains() {
        let p = places();
        let r = rule("WebFetch(domain:example.com)");
        assert!(r.matches("WebFetch", &json!({"url": "https://example.com/a"}), &p));
        assert!(r.matches(
            "WebFetch",
            &json!({"url": "https://docs.example.com:8443/a"}),
            &p
        ));
        assert!(!r.matches(
            "WebFetch",
            &json!({"url": "https://example.com.evil.org/"}),
            &p
        ));
        assert!(!r.matches("WebFetch", &json!({"url": "https://notexample.com/"}), &p));
    }
}
