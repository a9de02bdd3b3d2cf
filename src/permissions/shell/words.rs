//! One shell word as bash will pass it to a program: quotes and escapes removed, `~` expanded,
//! or `Unknown` when only running the command could tell (an expansion, a substitution, a glob,
//! a brace expansion). Pure: works on the syntax tree and the text.

use std::path::Path;

use tree_sitter::Node;

/// A word of a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Word {
    /// Exactly this text reaches the program.
    Known(String),
    /// Decided only when the command runs (and may become several words, or none).
    Unknown,
}

impl Word {
    pub fn known(&self) -> Option<&str> {
        match self {
            Word::Known(text) => Some(text),
            Word::Unknown => None,
        }
    }
}

/// The value of the word at `node` (a `word`, string, concatenation, expansion…).
pub fn evaluate(node: Node, source: &str, home: Option<&Path>) -> Word {
    let mut out = String::new();
    if append(node, source, home, &mut out, true) {
        Word::Known(out)
    } else {
        Word::Unknown
    }
}

/// Appends the value of `node` to `out`; false when it can't be known. `first` says whether the
/// node starts the word (where an unquoted `~` expands).
fn append(node: Node, source: &str, home: Option<&Path>, out: &mut String, first: bool) -> bool {
    let text = &source[node.byte_range()];
    match node.kind() {
        "word" => unquoted(text, home.filter(|_| first), out),
        "command_name" => match node.named_child(0) {
            Some(child) => append(child, source, home, out, first),
            None => false,
        },
        "number" => {
            out.push_str(text);
            true
        }
        "raw_string" => {
            out.push_str(text.trim_start_matches('\'').trim_end_matches('\''));
            true
        }
        "string" | "translated_string" => {
            let mut cursor = node.walk();
            let expands = node.named_children(&mut cursor).any(|c| {
                !matches!(c.kind(), "string_content") || c.kind() == "ERROR" || c.is_missing()
            });
            if expands {
                return false;
            }
            let inner = text.trim_start_matches('$');
            let inner = inner
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .unwrap_or(inner);
            double_quoted(inner, out);
            true
        }
        "ansi_c_string" => {
            let inner = text
                .strip_prefix("$'")
                .and_then(|t| t.strip_suffix('\''))
                .unwrap_or("");
            ansi_c(inner, out)
        }
        "concatenation" => {
            let mut cursor = node.walk();
            let children: Vec<Node> = node.children(&mut cursor).collect();
            if is_brace_expansion(&children, source) || looks_braced(text) {
                return false;
            }
            children
                .iter()
                .enumerate()
                .all(|(i, child)| append(*child, source, home, out, first && i == 0))
        }
        _ => false,
    }
}

/// `{a,b}` and `{1..3}` as a concatenation of `{`, text and `}` words: bash expands them into
/// several words. A lone `{}` (find's placeholder) is literal.
fn is_brace_expansion(children: &[Node], source: &str) -> bool {
    let texts: Vec<&str> = children.iter().map(|c| &source[c.byte_range()]).collect();
    texts.iter().enumerate().any(|(i, t)| {
        *t == "{"
            && texts[i + 1..]
                .iter()
                .take_while(|t| **t != "}")
                .any(|t| t.contains(',') || t.contains(".."))
            && texts[i + 1..].contains(&"}")
    })
}

/// A brace expansion, however the grammar split the text around the braces.
fn looks_braced(text: &str) -> bool {
    (text.contains('{') || text.contains('}')) && (text.contains(',') || text.contains(".."))
}

/// An unquoted word: backslashes escape the next character; unescaped glob characters make the
/// word unknown; a leading `~` or `~/` is the home directory.
fn unquoted(text: &str, home: Option<&Path>, out: &mut String) -> bool {
    let mut rest = text;
    if rest == "~" || rest.starts_with("~/") {
        let Some(home) = home else {
            return false;
        };
        out.push_str(&home.display().to_string());
        rest = &rest[1..];
    } else if rest.starts_with('~') {
        // `~user`, `~+`, `~-`: another directory.
        return false;
    }
    if looks_braced(rest) {
        return false;
    }
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(next) => out.push(next),
            },
            '*' | '?' | '[' => return false,
            '$' | '`' => return false,
            c => out.push(c),
        }
    }
    true
}

/// The text between double quotes, without expansions: `\` escapes only `$`, `` ` ``, `"`, `\`
/// and a newline.
fn double_quoted(inner: &str, out: &mut String) {
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('$' | '`' | '"' | '\\') => {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                    continue;
                }
                Some('\n') => {
                    chars.next();
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
}

/// `$'…'`: C-style escapes. False for an escape claw does not decode (rather than guess).
fn ansi_c(inner: &str, out: &mut String) -> bool {
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            return true;
        };
        let decoded = match e {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'a' => '\x07',
            'b' => '\x08',
            'e' | 'E' => '\x1b',
            'f' => '\x0c',
            'v' => '\x0b',
            '\\' | '\'' | '"' | '?' => e,
            'x' => {
                let mut value = 0u32;
                let mut digits = 0;
                while digits < 2 {
                    match chars.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            value = value * 16 + d;
                            chars.next();
                            digits += 1;
                        }
                        None => break,
                    }
                }
                match (digits, char::from_u32(value)) {
                    (1.., Some(c)) if value < 0x80 => c,
                    _ => return false,
                }
            }
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                match char::from_u32(value) {
                    Some(c) if value < 0x80 => c,
                    _ => return false,
                }
            }
            _ => return false,
        };
        out.push(decoded);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_word(source: &str) -> Word {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_bash::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(source, None).unwrap();
        let mut node = tree.root_node();
        while node.kind() != "command_name" {
            node = node.named_child(0).unwrap();
        }
        evaluate(node, source, Some(Path::new("/home/me")))
    }

    #[test]
    fn quoting_forms_reduce_to_the_program() {
        let cases: &[(&str, Option<&str>)] = &[
            ("rm x", Some("rm")),
            ("\\rm x", Some("rm")),
            ("\"rm\" x", Some("rm")),
            ("'rm' x", Some("rm")),
            ("r''m x", Some("rm")),
            ("r\"\"m x", Some("rm")),
            ("$'rm' x", Some("rm")),
            ("$'\\x72m' x", Some("rm")),
            ("$'\\162m' x", Some("rm")),
            ("~/bin/rm x", Some("/home/me/bin/rm")),
            ("/bin/r? x", None),
            ("/bin/r* x", None),
            ("/bin/[r]m x", None),
            ("$X x", None),
            ("${X} x", None),
            ("\"$X\"m x", None),
            ("$(echo rm) x", None),
            ("`echo rm` x", None),
            ("{rm,ls} x", None),
            ("~root/rm x", None),
            ("\"a\\\"b\" x", Some("a\"b")),
        ];
        for (source, expected) in cases {
            let got = first_word(source);
            assert_eq!(got.known(), *expected, "{source}");
        }
    }
}
