//! The user's own slash commands, in Claude Code's format: markdown files in
//! `.claw/commands/` or `.claude/commands/` (project), `<config>/claw/commands/` or
//! `~/.claude/commands/` (user). Optional frontmatter (description, argument-hint,
//! allowed-tools, model); the body is the prompt, with `$ARGUMENTS`, `$1`…, `` !`cmd` `` and
//! `@file` filled in when the command runs (`expansion`).

use std::path::{Path, PathBuf};

mod expansion;
pub use expansion::expand;
#[cfg(test)]
use expansion::split_args;

/// Descriptions taken from the body are cut to this many characters.
const DESCRIPTION_CHARS: usize = 80;

/// Where a command was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandScope {
    Project,
    User,
}

/// One command file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomCommand {
    /// The file's stem: `/review` for `review.md`.
    pub name: String,
    pub description: String,
    pub argument_hint: Option<String>,
    /// Tools the command may use without asking (permission rules).
    pub allowed_tools: Vec<String>,
    /// The model to run it with, if not the session's.
    pub model: Option<String>,
    pub body: String,
    pub path: PathBuf,
    pub scope: CommandScope,
    /// The subdirectory it sits in ("frontend" for `commands/frontend/test.md`).
    pub namespace: Option<String>,
}

impl CustomCommand {
    /// The description as the popup shows it, with where the command comes from.
    pub fn label(&self) -> String {
        let scope = match self.scope {
            CommandScope::Project => "project",
            CommandScope::User => "user",
        };
        match &self.namespace {
            Some(ns) => format!("{} ({scope}:{ns})", self.description),
            None => format!("{} ({scope})", self.description),
        }
    }
}

/// The commands of the project at `cwd` and of the user, sorted by name; a project command
/// hides a user command of the same name. Problems come back as warnings.
pub fn load(
    cwd: &Path,
    config_dir: Option<&Path>,
    home: Option<&Path>,
) -> (Vec<CustomCommand>, Vec<String>) {
    load_kept(cwd, config_dir, home, crate::config::Sources::default())
}

/// `load`, with only the places of the sources `--setting-sources` keeps.
pub fn load_kept(
    cwd: &Path,
    config_dir: Option<&Path>,
    home: Option<&Path>,
    sources: crate::config::Sources,
) -> (Vec<CustomCommand>, Vec<String>) {
    let mut places = Vec::new();
    if sources.project {
        places.push((cwd.join(".claw/commands"), CommandScope::Project));
        places.push((cwd.join(".claude/commands"), CommandScope::Project));
    }
    if let Some(dir) = config_dir.filter(|_| sources.user) {
        places.push((dir.join("commands"), CommandScope::User));
    }
    if let Some(home) = home.filter(|_| sources.user) {
        places.push((home.join(".claude/commands"), CommandScope::User));
    }
    let mut commands: Vec<CustomCommand> = Vec::new();
    let mut warnings = Vec::new();
    for (dir, scope) in places {
        let mut files = Vec::new();
        collect_markdown(&dir, &mut files);
        files.sort();
        for path in files {
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) => {
                    warnings.push(format!("{}: {e}", path.display()));
                    continue;
                }
            };
            let (command, warning) = parse(&path, &dir, scope, &text);
            warnings.extend(warning);
            // Earlier places win: project over user, .claw over .claude.
            if !commands.iter().any(|c| c.name == command.name) {
                commands.push(command);
            }
        }
    }
    commands.sort_by(|a, b| a.name.cmp(&b.name));
    (commands, warnings)
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_markdown(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// Parses one command file; a malformed frontmatter is a warning and the body still counts.
fn parse(
    path: &Path,
    root: &Path,
    scope: CommandScope,
    text: &str,
) -> (CustomCommand, Option<String>) {
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let namespace = path
        .parent()
        .and_then(|p| p.strip_prefix(root).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| !p.is_empty());
    let mut command = CustomCommand {
        name,
        description: String::new(),
        argument_hint: None,
        allowed_tools: Vec::new(),
        model: None,
        body: text.to_string(),
        path: path.to_path_buf(),
        scope,
        namespace,
    };
    let mut warning = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    {
        match rest.find("\n---") {
            Some(end) => {
                let front = &rest[..end];
                let after = &rest[end + 4..];
                command.body = after
                    .strip_prefix("\r\n")
                    .or_else(|| after.strip_prefix('\n'))
                    .unwrap_or(after)
                    .to_string();
                if let Err(e) = apply_frontmatter(front, &mut command) {
                    warning = Some(format!("{}: frontmatter: {e}", path.display()));
                }
            }
            None => warning = Some(format!("{}: frontmatter: no closing `---`", path.display())),
        }
    }
    if command.description.is_empty() {
        let first = command
            .body
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .trim_start_matches('#')
            .trim();
        command.description = first.chars().take(DESCRIPTION_CHARS).collect();
    }
    (command, warning)
}

/// The small YAML subset command files use: `key: value` scalars, flow lists `[a, b]` and
/// block lists of `- item`.
fn apply_frontmatter(front: &str, command: &mut CustomCommand) -> Result<(), String> {
    let mut pending_list: Option<String> = None;
    for (n, raw) in front.lines().enumerate() {
        let line = raw.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(item) = line.trim_start().strip_prefix("- ") {
            match pending_list.as_deref() {
                Some("allowed-tools") => command.allowed_tools.push(unquote(item)),
                Some(_) => {}
                None => return Err(format!("line {}: a list item outside a list", n + 1)),
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!("line {}: expected `key: value`", n + 1));
        };
        let key = key.trim();
        let value = value.trim();
        pending_list = None;
        match key {
            "description" => command.description = unquote(value),
            "argument-hint" => {
                command.argument_hint = Some(unquote(value)).filter(|v| !v.is_empty())
            }
            "model" => command.model = Some(unquote(value)).filter(|v| !v.is_empty()),
            "allowed-tools" if value.is_empty() => pending_list = Some(key.to_string()),
            "allowed-tools" => {
                let inner = value
                    .strip_prefix('[')
                    .and_then(|v| v.strip_suffix(']'))
                    .unwrap_or(value);
                command.allowed_tools.extend(
                    split_list(inner)
                        .into_iter()
                        .map(|t| unquote(&t))
                        .filter(|t| !t.is_empty()),
                );
            }
            _ if value.is_empty() => pending_list = Some(key.to_string()),
            _ => {}
        }
    }
    Ok(())
}

/// Splits on commas outside parentheses: `Bash(git add:*), Read` is two tools.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

pub(crate) fn unquote(text: &str) -> String {
    let t = text.trim();
    for q in ['"', '\''] {
        if let Some(inner) = t.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn loads_project_and_user_commands_with_precedence_and_namespaces() {
        let dir = tempfile::tempdir().unwrap();
        let (cwd, config, home) = (
            dir.path().join("repo"),
            dir.path().join("config"),
            dir.path().join("home"),
        );
        write(&cwd.join(".claw/commands/review.md"), "Review the diff.\n");
        write(
            &cwd.join(".claude/commands/frontend/test.md"),
            "# Run the UI tests\n",
        );
        write(&config.join("commands/review.md"), "user review\n");
        write(
            &home.join(".claude/commands/standup.md"),
            "---\ndescription: write my standup\n---\nbody",
        );
        write(&cwd.join(".claw/commands/notes.txt"), "not a command");
        let (commands, warnings) = load(&cwd, Some(&config), Some(&home));
        assert!(warnings.is_empty(), "{warnings:?}");
        let names: Vec<_> = commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["review", "standup", "test"]);
        assert_eq!(commands[0].scope, CommandScope::Project);
        assert_eq!(commands[0].description, "Review the diff.");
        assert_eq!(commands[1].label(), "write my standup (user)");
        assert_eq!(commands[1].body, "body");
        assert_eq!(commands[2].label(), "Run the UI tests (project:frontend)");
    }

    #[test]
    fn frontmatter_variants_and_a_broken_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let flow = "---\ndescription: \"Commit\"\nargument-hint: [message]\nallowed-tools: Bash(git add:*), Bash(git commit:*)\nmodel: haiku\n---\nCommit with $ARGUMENTS\n";
        let (c, w) = parse(&root.join("commit.md"), root, CommandScope::Project, flow);
        assert!(w.is_none());
        assert_eq!(c.description, "Commit");
        assert_eq!(c.argument_hint.as_deref(), Some("[message]"));
        assert_eq!(c.allowed_tools, ["Bash(git add:*)", "Bash(git commit:*)"]);
        assert_eq!(c.model.as_deref(), Some("haiku"));
        assert_eq!(c.body, "Commit with $ARGUMENTS\n");
        let block = "---\nallowed-tools:\n  - Read\n  - 'Grep'\n---\nLook";
        let (c, _) = parse(&root.join("look.md"), root, CommandScope::User, block);
        assert_eq!(c.allowed_tools, ["Read", "Grep"]);
        assert_eq!(c.description, "Look");
        let list = "---\nallowed-tools: [Read, Glob]\n---\nx";
        assert_eq!(
            parse(&root.join("l.md"), root, CommandScope::User, list)
                .0
                .allowed_tools,
            ["Read", "Glob"]
        );
        let broken = "---\ndescription: fine\nthis line is wrong\n---\nStill works";
        let (c, w) = parse(&root.join("b.md"), root, CommandScope::User, broken);
        assert!(w.unwrap().contains("line 2: expected `key: value`"));
        assert_eq!(c.body, "Still works");
        let unclosed = "---\ndescription: x\nno end";
        let (c, w) = parse(&root.join("u.md"), root, CommandScope::User, unclosed);
        assert!(w.unwrap().contains("no closing"));
        assert_eq!(c.body, unclosed);
    }

    fn command(body: &str) -> CustomCommand {
        CustomCommand {
            name: "t".into(),
            description: String::new(),
            argument_hint: None,
            allowed_tools: Vec::new(),
            model: None,
            body: body.into(),
            path: PathBuf::from("t.md"),
            scope: CommandScope::Project,
            namespace: None,
        }
    }

    #[test]
    fn arguments_are_filled_in() {
        let cwd = Path::new("/");
        let c = command("Fix issue #$1 in $2 ($ARGUMENTS); $3 is empty, $ stays");
        assert_eq!(
            expand(&c, "42 \"src/main file.rs\"", cwd),
            "Fix issue #42 in src/main file.rs (42 \"src/main file.rs\");  is empty, $ stays"
        );
        assert_eq!(
            expand(&command("Review."), "carefully", cwd),
            "Review.\n\nARGUMENTS: carefully"
        );
        assert_eq!(expand(&command("Review."), "", cwd), "Review.");
    }

    #[test]
    fn odd_bodies_and_arguments_never_break_expansion() {
        let cwd = Path::new("/");
        for body in [
            "$",
            "$1",
            "$0",
            "$$ARGUMENTS",
            "!`",
            "!`unclosed",
            "@",
            "é@é $9é",
            "a$\u{1F600}",
            "@@",
        ] {
            for args in ["", "\"", "'a b", "x y z w v u t s r q p", "é"] {
                let _ = expand(&command(body), args, cwd);
            }
        }
        assert_eq!(expand(&command("$"), "", cwd), "$");
        assert_eq!(expand(&command("$0"), "a", cwd), "$0\n\nARGUMENTS: a");
        assert_eq!(split_args("a 'b c' \"d\" ''"), vec!["a", "b c", "d", ""]);
    }

    #[test]
    fn shell_output_and_files_are_inlined() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.md"), "remember this\n").unwrap();
        let c = command(
            "Branch: !`echo main`\nFail: !`exit 3`\nSee @notes.md and @missing.md, mail a@b.c",
        );
        assert_eq!(
            expand(&c, "", dir.path()),
            "Branch: main\nFail: (command failed: exit 3)\nSee notes.md:\n```\nremember this\n``` and @missing.md, mail a@b.c"
        );
    }
}
