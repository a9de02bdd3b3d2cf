//! Redirections: every file a `>`, `>>`, `&>`, `<>`, `>&file`… writes (and a `<` reads), resolved
//! against where the shell is at that point of the script, or unknown.

use std::path::Path;

use tree_sitter::Node;

use super::{Analysis, Target, Word, normalize};

/// Files any redirection may touch without it being a change.
const HARMLESS: &[&str] = &[
    "/dev/null",
    "/dev/stdout",
    "/dev/stderr",
    "/dev/tty",
    "/dev/fd/1",
    "/dev/fd/2",
];

impl Analysis<'_> {
    pub(super) fn redirect(&mut self, node: Node, source: &str) {
        let mut operator = String::new();
        let mut destination = None;
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("destination") => destination = Some(child),
                Some("descriptor") => {}
                _ if !child.is_named() => operator.push_str(&source[child.byte_range()]),
                _ => {}
            }
        }
        let Some(destination) = destination else {
            // `>&-`, `<&-`: closing a descriptor.
            return;
        };
        let word = self.word(destination, source);
        let duplicates = matches!(operator.as_str(), ">&" | "<&")
            && word
                .known()
                .is_some_and(|t| t == "-" || t.chars().all(|c| c.is_ascii_digit()));
        if duplicates || destination.kind() == "process_substitution" {
            return;
        }
        match operator.as_str() {
            "<" | "<&" => {
                let target = self.target(word, source, destination);
                self.script.reads.push(target);
            }
            _ => self.write_node(word, source, destination),
        }
    }

    pub(super) fn write_node(&mut self, word: Word, source: &str, node: Node) {
        let target = self.target(word, source, node);
        if !matches!(&target, Target::Path(p) if HARMLESS.iter().any(|h| Path::new(h) == p)) {
            self.script.writes.push(target);
        }
    }

    /// A write named by a word (not a syntax node), e.g. `find -fprint FILE`.
    pub(super) fn write(&mut self, word: Word) {
        let target = match &word {
            Word::Known(text) => self.resolve(text),
            Word::Unknown => Target::Unknown("a file named at run time".into()),
        };
        if !matches!(&target, Target::Path(p) if HARMLESS.iter().any(|h| Path::new(h) == p)) {
            self.script.writes.push(target);
        }
    }

    pub(super) fn target(&self, word: Word, source: &str, node: Node) -> Target {
        match word {
            Word::Known(text) => self.resolve(&text),
            Word::Unknown => Target::Unknown(source[node.byte_range()].to_string()),
        }
    }

    pub(super) fn resolve(&self, text: &str) -> Target {
        let path = Path::new(text);
        if path.is_absolute() {
            return Target::Path(normalize(path));
        }
        match &self.dir {
            Some(dir) => Target::Path(normalize(&dir.join(path))),
            None => Target::Unknown(text.to_string()),
        }
    }
}
