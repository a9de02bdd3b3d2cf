//! Splitting a shell command line into its simple commands (at `&&`, `||`, `;`, `|`, `&` and
//! newlines, outside quotes), so that a rule must cover every part of a compound command.

/// The simple commands of `command`, trimmed, empty ones dropped.
pub fn split(command: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = command.chars().peekable();
    let (mut single, mut double) = (false, false);
    while let Some(c) = chars.next() {
        match c {
            '\\' if !single => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            '\'' if !double => {
                single = !single;
                current.push(c);
            }
            '"' if !single => {
                double = !double;
                current.push(c);
            }
            ';' | '\n' | '|' | '&' if !single && !double => {
                // `&&`, `||`, `|&` are one operator; `>&` and `&>` are redirections.
                if c == '&' && (current.ends_with('>') || chars.peek() == Some(&'>')) {
                    current.push(c);
                    continue;
                }
                if matches!(chars.peek(), Some('&') | Some('|')) && c != ';' && c != '\n' {
                    chars.next();
                }
                parts.push(std::mem::take(&mut current));
            }
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether the command substitutes other commands (`$(…)`, backticks, `<(…)`), which no rule
/// about its words can vouch for.
pub fn has_substitution(command: &str) -> bool {
    let mut single = false;
    let mut prev = '\0';
    for c in command.chars() {
        match c {
            '\'' => single = !single,
            '`' if !single => return true,
            '(' if !single && matches!(prev, '$' | '<' | '>') => return true,
            _ => {}
        }
        prev = c;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_compound_commands_outside_quotes() {
        let cases: &[(&str, &[&str])] = &[
            ("ls", &["ls"]),
            ("cd a && make", &["cd a", "make"]),
            ("a || b; c | d & e", &["a", "b", "c", "d", "e"]),
            ("echo 'a && b' && c", &["echo 'a && b'", "c"]),
            ("echo \"x; y\"; z", &["echo \"x; y\"", "z"]),
            ("echo a\\;b", &["echo a\\;b"]),
            ("make 2>&1 | tee log", &["make 2>&1", "tee log"]),
            ("cmd &> out", &["cmd &> out"]),
            ("a\nb", &["a", "b"]),
            ("a |& b", &["a", "b"]),
            ("  ", &[]),
        ];
        for (command, expected) in cases {
            assert_eq!(split(command), *expected, "{command}");
        }
    }

    #[test]
    fn substitutions() {
        assert!(has_substitution("echo $(rm -rf /)"));
        assert!(has_substitution("echo `id`"));
        assert!(has_substitution("diff <(ls a) <(ls b)"));
        assert!(!has_substitution("echo '$(not run)'"));
        assert!(!has_substitution("echo (a)"));
    }
}
