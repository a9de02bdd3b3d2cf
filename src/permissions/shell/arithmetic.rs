//! Where bash evaluates text as arithmetic (`$((…))`, `((…))`, `[[ a -eq b ]]`, `${s:off}`,
//! `${a[i]}`): a variable's value is then an expression, and `a[$(cmd)]` in it runs a command,
//! so arithmetic on anything but numbers makes a command unknowable.

use tree_sitter::Node;

use super::Analysis;

impl Analysis<'_> {
    /// `[[ … ]]`: arithmetic comparisons of anything but numbers, and `-v a[i]`, evaluate
    /// their operands as expressions, which can run commands (`a[$(…)]`).
    pub(super) fn test(&mut self, node: Node, source: &str) {
        if evaluates_arithmetic(node, source) {
            self.unknown("arithmetic on variables can run commands");
        }
    }

    /// `$(( … ))`, `(( … ))`, `for ((…))`: a variable's value is evaluated as an expression,
    /// which can run commands.
    pub(super) fn arithmetic(&mut self, node: Node, source: &str) {
        if has_kind(
            node,
            &["variable_name", "simple_expansion", "expansion", "word"],
        ) {
            let _ = source;
            self.unknown("arithmetic on variables can run commands");
        }
    }

    /// `${x:offset}` and `${a[i]}` evaluate arithmetic; `${x:-default}` and friends do not.
    pub(super) fn expansion(&mut self, node: Node, source: &str) {
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            if node.field_name_for_child(i as u32) == Some("operator")
                && &source[child.byte_range()] == ":"
            {
                let rest = &source[child.end_byte()..node.end_byte()];
                let numeric = rest
                    .trim_end_matches('}')
                    .split(':')
                    .all(|p| p.trim().trim_start_matches('-').parse::<u64>().is_ok());
                if !numeric {
                    self.unknown("arithmetic on variables can run commands");
                }
            }
        }
    }

    pub(super) fn subscript(&mut self, node: Node, source: &str) {
        if let Some(index) = node.child_by_field_name("index") {
            let text = &source[index.byte_range()];
            if text.parse::<i64>().is_err() && !matches!(text, "@" | "*") {
                self.unknown("arithmetic on variables can run commands");
            }
        }
    }
}

/// Whether a `[[ … ]]` test evaluates a non-number as arithmetic.
fn evaluates_arithmetic(node: Node, source: &str) -> bool {
    const OPERATORS: &[&str] = &["-eq", "-ne", "-lt", "-le", "-gt", "-ge"];
    let number =
        |n: Option<Node>| n.is_some_and(|n| source[n.byte_range()].trim().parse::<i64>().is_ok());
    if node.kind() == "binary_expression"
        && let Some(op) = node.child_by_field_name("operator")
        && OPERATORS.contains(&&source[op.byte_range()])
        && !(number(node.child_by_field_name("left")) && number(node.child_by_field_name("right")))
    {
        return true;
    }
    let text = &source[node.byte_range()];
    if node.kind() == "unary_expression" && text.starts_with("-v") && text.contains('[') {
        return true;
    }
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| evaluates_arithmetic(c, source))
}

/// Whether any node under `node` is of one of `kinds`.
fn has_kind(node: Node, kinds: &[&str]) -> bool {
    if kinds.contains(&node.kind()) {
        return true;
    }
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| has_kind(c, kinds))
}
