//! `${VAR}` and `${VAR:-default}` in MCP server declarations, as Claude Code expands them: in the
//! command, args, env, url and headers. An unset variable without a default stays as written and
//! is reported, so the user sees why a server got a literal `${TOKEN}`.

/// `text` with its variables replaced through `lookup`; the names of unset ones without a
/// default are pushed to `unset` (once each).
pub fn expand(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Vec<String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            // No closing brace: not a variable, keep the text as it is.
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (inner, None),
        };
        if !is_name(name) {
            out.push_str(&rest[start..start + 2 + end + 1]);
        } else {
            match (lookup(name), default) {
                (Some(value), _) => out.push_str(&value),
                (None, Some(default)) => out.push_str(default),
                (None, None) => {
                    if !unset.iter().any(|u| u == name) {
                        unset.push(name.to_string());
                    }
                    out.push_str(&rest[start..start + 2 + end + 1]);
                }
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (String, Vec<String>) {
        let lookup = |name: &str| match name {
            "HOME" => Some("/home/u".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        let mut unset = Vec::new();
        let out = expand(text, &lookup, &mut unset);
        (out, unset)
    }

    #[test]
    fn set_variables_and_defaults_are_replaced() {
        assert_eq!(run("${HOME}/x").0, "/home/u/x");
        assert_eq!(run("a${EMPTY}b").0, "ab");
        assert_eq!(run("${PORT:-3001}").0, "3001");
        assert_eq!(run("${HOME:-/tmp}").0, "/home/u");
        assert_eq!(run("${PORT:-}").0, "");
        assert_eq!(run("http://h:${PORT:-80}/${HOME}").0, "http://h:80//home/u");
    }

    #[test]
    fn unset_ones_stay_as_written_and_are_reported_once() {
        let (out, unset) = run("Bearer ${TOKEN} ${TOKEN} ${OTHER}");
        assert_eq!(out, "Bearer ${TOKEN} ${TOKEN} ${OTHER}");
        assert_eq!(unset, ["TOKEN", "OTHER"]);
    }

    #[test]
    fn text_that_is_not_a_variable_is_left_alone() {
        assert_eq!(run("$HOME ${ unclosed").0, "$HOME ${ unclosed");
        assert_eq!(run("${1x} ${a-b}").0, "${1x} ${a-b}");
        assert_eq!(run("${}").1, Vec::<String>::new());
    }
}
