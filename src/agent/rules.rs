//! "Allow for this session" rules granted from approval prompts: a Bash command prefix, or a
//! whole tool (Write, Edit). Kept in memory for the session; settings files come later.

use serde_json::Value;

use crate::tools::bash::command_prefix;

#[derive(Debug, Default)]
pub struct SessionRules {
    bash_prefixes: Vec<String>,
    tools: Vec<String>,
}

/// Characters that chain or nest shell commands: a prefix rule never covers such a command,
/// since `git status; rm -rf ~` starts with `git status`.
const SHELL_OPERATORS: &[&str] = &[";", "&", "|", "`", "$(", ">", "<", "\n"];

fn bash_command(input: &Value) -> &str {
    input.get("command").and_then(Value::as_str).unwrap_or("")
}

impl SessionRules {
    /// Whether a rule granted earlier covers this call.
    pub fn allows(&self, tool: &str, input: &Value) -> bool {
        if tool == "Bash" {
            let command = bash_command(input).trim();
            if SHELL_OPERATORS.iter().any(|op| command.contains(op)) {
                return false;
            }
            return self.bash_prefixes.iter().any(|prefix| {
                command == prefix
                    || command
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with(' '))
            });
        }
        self.tools.iter().any(|t| t == tool)
    }

    /// The rule "allow for this session" would add, in Claude Code's rule syntax.
    pub fn describe(tool: &str, input: &Value) -> String {
        if tool == "Bash" {
            format!("Bash({}:*)", command_prefix(bash_command(input)))
        } else {
            tool.to_string()
        }
    }

    pub fn grant(&mut self, tool: &str, input: &Value) {
        if tool == "Bash" {
            let prefix = command_prefix(bash_command(input));
            if !prefix.is_empty() && !self.bash_prefixes.contains(&prefix) {
                self.bash_prefixes.push(prefix);
            }
        } else if !self.tools.iter().any(|t| t == tool) {
            self.tools.push(tool.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_granted_prefix_covers_the_same_command_family_only() {
        let mut rules = SessionRules::default();
        let first = json!({"command": "cargo test --lib"});
        assert!(!rules.allows("Bash", &first));
        rules.grant("Bash", &first);
        assert!(rules.allows("Bash", &json!({"command": "cargo test --doc"})));
        assert!(rules.allows("Bash", &json!({"command": "cargo test"})));
        assert!(!rules.allows("Bash", &json!({"command": "cargo testify"})));
        assert!(!rules.allows("Bash", &json!({"command": "cargo publish"})));
        assert!(!rules.allows("Bash", &json!({"command": "cargo test && rm -rf /"})));
        assert!(!rules.allows("Bash", &json!({"command": "cargo test; rm x"})));
        assert!(!rules.allows("Bash", &json!({"command": "cargo test $(rm x)"})));
    }

    #[test]
    fn tools_are_granted_by_name() {
        let mut rules = SessionRules::default();
        rules.grant("Edit", &json!({}));
        assert!(rules.allows("Edit", &json!({"file_path": "a"})));
        assert!(!rules.allows("Write", &json!({"file_path": "a"})));
        assert_eq!(SessionRules::describe("Edit", &json!({})), "Edit");
    }
}
