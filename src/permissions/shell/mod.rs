//! Understanding a shell command the way bash will run it, from tree-sitter's Bash grammar:
//! every simple command anywhere in it (pipelines, lists, subshells, groups, functions,
//! substitutions, here-docs, and the code given to `eval`, `sh -c`, `trap`…), the program each
//! runs behind its wrappers, and every file a redirection writes or reads. What claw cannot know
//! without running the command is reported as such, never guessed, so rules can fail closed.

mod arithmetic;
mod redirects;
mod variables;
pub mod words;
pub mod wrappers;

pub use variables::is_risky_variable;

use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser};

pub use words::Word;
use wrappers::Step;

/// One simple command, as the shell will start it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The words as written (quotes removed), then after each wrapper it passes through: the
    /// last is the program as it runs, with its arguments.
    pub forms: Vec<Vec<Word>>,
    /// Which form an allow rule must match: the last (the program as it runs), or the one
    /// that starts `sudo`/`doas` (a rule must name the escalation). None: inside code that
    /// runs as another user, which no rule can allow.
    pub rule_form: Option<usize>,
    /// A wrapper that only runs shell code claw analysed separately (`bash -c '…'`, `eval`):
    /// deny rules still see it, but no allow rule is needed for it.
    pub runs_code: bool,
    /// For `cd DIR`: the directory it goes to, where that is known.
    pub cd_to: Option<PathBuf>,
}

impl Command {
    /// The program and arguments that finally run.
    pub fn runs(&self) -> &[Word] {
        self.forms.last().map(Vec::as_slice).unwrap_or(&[])
    }

    /// The words an allow rule must match.
    pub fn rule_form(&self) -> Option<&[Word]> {
        self.rule_form
            .and_then(|i| self.forms.get(i))
            .map(Vec::as_slice)
    }
}

/// A file a redirection (or a command like `find -fprint`) opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Path(PathBuf),
    /// Decided only at run time; the text as written.
    Unknown(String),
}

/// Everything claw could learn about a command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
    /// Files written: `>`, `>>`, `&>`, `>|`, `<>`, `>&file`, `find -fprint`, `time -o`.
    pub writes: Vec<Target>,
    /// Files read by `<`.
    pub reads: Vec<Target>,
    /// Why parts of the command can't be known without running it (empty: all is known).
    pub unknowns: Vec<String>,
}

/// Where the command runs: relative paths resolve against `dir`, `~` against `home`.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub dir: &'a Path,
    pub home: Option<&'a Path>,
}

/// How deep `eval`/`sh -c` strings inside strings are followed before giving up.
const MAX_DEPTH: usize = 8;

/// Analyses `source` as bash would run it in `place`.
pub fn analyze(source: &str, place: Place) -> Script {
    let mut analysis = Analysis {
        home: place.home,
        dir: Some(place.dir.to_path_buf()),
        script: Script::default(),
        depth: 0,
        privileged: false,
        in_function: 0,
    };
    analysis.source(source);
    analysis.script
}

struct Analysis<'a> {
    home: Option<&'a Path>,
    /// Where the shell is at this point of the script; None once a `cd` made it unknowable.
    dir: Option<PathBuf>,
    script: Script,
    depth: usize,
    /// Inside code run by `sudo sh -c`, `su -c`…
    privileged: bool,
    in_function: usize,
}

impl Analysis<'_> {
    fn unknown(&mut self, why: impl Into<String>) {
        let why = why.into();
        if !self.script.unknowns.contains(&why) {
            self.script.unknowns.push(why);
        }
    }

    /// Parses and walks one piece of shell code (the command line, or a string run by `eval`).
    fn source(&mut self, source: &str) {
        if self.depth >= MAX_DEPTH {
            self.unknown("shell code nested too deeply to follow");
            return;
        }
        let Some(tree) = parse(source) else {
            self.unknown("claw could not parse the command");
            return;
        };
        self.depth += 1;
        self.visit(tree.root_node(), source, true);
        self.depth -= 1;
    }

    /// Walks `node`; `top` says whether it runs in the script's own shell, in order (so a `cd`
    /// there moves where later relative paths point).
    fn visit(&mut self, node: Node, source: &str, top: bool) {
        if node.is_error() || node.is_missing() {
            self.unknown("claw could not parse part of the command");
        }
        let kind = node.kind();
        let mut top = top;
        match kind {
            "command" => self.command(node, source, top),
            "declaration_command" | "unset_command" => self.declaration(node, source),
            "variable_assignment" => self.assignment(node, source),
            "for_statement" | "select_statement" => {
                if let Some(variable) = node.child_by_field_name("variable") {
                    let name = &source[variable.byte_range()];
                    if is_risky_variable(name) {
                        self.unknown(format!("it sets {name}, which changes what programs run"));
                    }
                }
            }
            "test_command" => self.test(node, source),
            "arithmetic_expansion" | "c_style_for_statement" => self.arithmetic(node, source),
            "compound_statement" if source[node.byte_range()].starts_with("((") => {
                self.arithmetic(node, source)
            }
            "expansion" => self.expansion(node, source),
            "subscript" => self.subscript(node, source),
            "file_redirect" => self.redirect(node, source),
            "function_definition" => {
                self.in_function += 1;
                self.visit_children(node, source, false);
                self.in_function -= 1;
                return;
            }
            _ => {}
        }
        // A loop body runs again after its own `cd`: relative paths in it are unknowable.
        if matches!(
            kind,
            "for_statement" | "while_statement" | "c_style_for_statement" | "select_statement"
        ) && mentions_cd(node, source)
        {
            self.dir = None;
        }
        if !matches!(kind, "program" | "list" | "redirected_statement") {
            top = false;
        }
        self.visit_children(node, source, top);
    }

    fn visit_children(&mut self, node: Node, source: &str, top: bool) {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        for (i, child) in children.iter().enumerate() {
            // `a & b`: a runs in a background subshell.
            let background = children.get(i + 1).is_some_and(|next| next.kind() == "&");
            self.visit(*child, source, top && !background);
        }
    }

    fn word(&self, node: Node, source: &str) -> Word {
        words::evaluate(node, source, self.home)
    }

    fn command(&mut self, node: Node, source: &str, top: bool) {
        let mut words = Vec::new();
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("name") | Some("argument") => words.push(self.word(child, source)),
                _ => {}
            }
        }
        if words.is_empty() {
            return;
        }
        self.run(words, top);
    }

    /// Records one command and follows it through wrappers and into the code it runs.
    fn run(&mut self, words: Vec<Word>, top: bool) {
        let mut forms = vec![words];
        let mut privileged = self.privileged;
        let mut escalation: Option<usize> = None;
        let mut runs_code = false;
        while let Some(current) = forms.last().cloned() {
            match current.first() {
                Some(Word::Known(_)) => {}
                Some(Word::Unknown) => {
                    self.unknown("the program's name is decided only when it runs");
                    break;
                }
                None => break,
            }
            match wrappers::step(&current) {
                Step::Program => break,
                Step::Runs {
                    rest,
                    privileged: escalates,
                    writes,
                } => {
                    if escalates && escalation.is_none() {
                        escalation = Some(forms.len() - 1);
                    }
                    privileged |= escalates;
                    for target in writes {
                        self.write(target);
                    }
                    forms.push(rest);
                }
                Step::Script {
                    code,
                    privileged: escalates,
                } => {
                    runs_code = true;
                    match code {
                        Some(code) => {
                            let outer = self.privileged;
                            self.privileged = privileged || escalates;
                            // Code in a string may `cd` anywhere: after it, the place is unknown.
                            self.source(&code);
                            self.privileged = outer;
                            self.dir = None;
                        }
                        None => {
                            self.unknown("it runs shell code that is decided only when it runs")
                        }
                    }
                    break;
                }
                Step::ReadsCommands => {
                    self.unknown("a shell runs commands from its input");
                    break;
                }
                Step::Unknowable(why) => {
                    self.unknown(why);
                    break;
                }
            }
        }
        let program = forms
            .last()
            .and_then(|f| f.first())
            .and_then(Word::known)
            .map(|p| wrappers::basename(p).to_string());
        let rule_form = match (self.privileged, escalation) {
            (true, _) => None,
            (false, Some(at)) => Some(at),
            (false, None) => Some(forms.len() - 1),
        };
        let command = Command {
            forms,
            rule_form,
            runs_code,
            cd_to: None,
        };
        match program.as_deref() {
            Some("find") => {
                let (runs, writes) = wrappers::find_actions(command.runs());
                for target in writes {
                    self.write(target);
                }
                self.script.commands.push(command);
                for words in runs {
                    self.run(words, false);
                }
                return;
            }
            Some("cd" | "pushd" | "popd") => {
                let to = self.change_dir(command.runs(), top);
                self.script.commands.push(Command {
                    cd_to: to,
                    ..command
                });
                return;
            }
            Some("let") => self.unknown("arithmetic on variables can run commands"),
            _ => {}
        }
        self.script.commands.push(command);
    }

    /// Follows `cd`: later relative paths resolve against the new directory where it is known.
    /// Returns where this `cd` goes, when that is known.
    fn change_dir(&mut self, words: &[Word], top: bool) -> Option<PathBuf> {
        let program = words.first().and_then(Word::known).map(wrappers::basename);
        let target = wrappers::after_options(words, 1, "", &[]).map(|i| words.get(i).cloned());
        let to = match (program, target) {
            _ if self.in_function > 0 => None,
            (Some("cd"), Some(None)) => self.home.map(Path::to_path_buf),
            (Some("cd"), Some(Some(Word::Known(path)))) if path != "-" => {
                self.dir.as_ref().map(|dir| normalize(&dir.join(path)))
            }
            _ => None,
        };
        // Only a `cd` in the script's own shell, in order, moves where later paths point.
        self.dir = if top { to.clone() } else { None };
        to
    }

    /// `export`, `declare`, `local`, `readonly`, `typeset`, `unset`: commands whose
    /// assignments are checked like any other.
    fn declaration(&mut self, node: Node, source: &str) {
        let mut words = Vec::new();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            let text = &source[child.byte_range()];
            match child.kind() {
                "variable_assignment"
                | "variable_name"
                | "word"
                | "declare"
                | "export"
                | "local"
                | "readonly"
                | "typeset"
                | "unset"
                | "unsetenv" => words.push(match child.kind() {
                    "word" => self.word(child, source),
                    _ => Word::Known(text.to_string()),
                }),
                _ => words.push(self.word(child, source)),
            }
        }
        if words.iter().any(|w| {
            w.known()
                .is_some_and(|t| t.starts_with('-') && (t.contains('i') || t.contains('n')))
        }) {
            self.unknown("an integer or reference variable can run commands");
        }
        if !words.is_empty() {
            self.script.commands.push(Command {
                forms: vec![words],
                rule_form: (!self.privileged).then_some(0),
                runs_code: false,
                cd_to: None,
            });
        }
    }

    fn assignment(&mut self, node: Node, source: &str) {
        if let Some(name) = node.child_by_field_name("name") {
            let text = &source[name.byte_range()];
            let text = text.split('[').next().unwrap_or(text);
            if is_risky_variable(text) {
                self.unknown(format!("it sets {text}, which changes what programs run"));
            }
        }
    }
}

thread_local! {
    /// One parser per thread: making one and loading the grammar costs more than a parse.
    static PARSER: std::cell::RefCell<Option<Parser>> = const { std::cell::RefCell::new(None) };
}

/// The syntax tree of `source` (None if the grammar won't load or the parse gives up).
fn parse(source: &str) -> Option<tree_sitter::Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(source, None)
    })
}

/// Whether the text under `node` has a word that changes directory (conservatively, as text).
fn mentions_cd(node: Node, source: &str) -> bool {
    source[node.byte_range()]
        .split(|c: char| c.is_whitespace() || ";&|()`'\"{}".contains(c))
        .any(|w| matches!(w, "cd" | "pushd" | "popd") || w.ends_with("/cd"))
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    crate::permissions::rule::normalize(path)
}

/// The words of a command for a message: unknown words as `…`.
pub fn shown(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.known().unwrap_or("…"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of a command as text for a rule to match: unknown words as a character no rule
/// contains.
pub fn display(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.known().unwrap_or("\u{FFFC}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
