//! The rules an approval prompt offers for "allow for this session" (and "always"): the
//! narrowest ones that let this call run again without asking, and no rule already in force.

use std::path::Path;

use serde_json::Value;

use super::Permissions;
use super::rule::host_of;
use super::shell::{self, display};
use crate::tools::bash::command_prefix;

impl Permissions {
    /// For a shell command, one `Bash(prefix:*)` per command that needed approval (not those an
    /// allow rule covers already, not a `cd`, not shell code a wrapper runs), in order, without
    /// repeats; for WebFetch the URL's domain; otherwise the tool. Never empty.
    pub fn suggest_rules(&self, tool: &str, input: &Value, shell_dir: &Path) -> Vec<String> {
        match tool {
            "Bash" => self.shell_rules(input, shell_dir),
            "WebFetch" => vec![
                input
                    .get("url")
                    .and_then(Value::as_str)
                    .and_then(host_of)
                    .filter(|host| !host.is_empty())
                    .map_or_else(
                        || tool.to_string(),
                        |host| format!("WebFetch(domain:{host})"),
                    ),
            ],
            _ => vec![tool.to_string()],
        }
    }

    fn shell_rules(&self, input: &Value, shell_dir: &Path) -> Vec<String> {
        let script = self.bash_script(input, shell_dir);
        let candidates: Vec<&shell::Command> = script
            .commands
            .iter()
            .filter(|c| !c.runs_code && c.cd_to.is_none())
            .collect();
        let mut rules: Vec<String> = Vec::new();
        for command in candidates
            .iter()
            .filter(|c| !self.runs_unasked(c, &script, shell_dir))
        {
            let rule = format!("Bash({}:*)", command_prefix(&display(command.runs())));
            if !rules.contains(&rule) {
                rules.push(rule);
            }
        }
        if rules.is_empty() {
            // Every command is allowed and something else asks (a redirection, say): the
            // first command's rule is still the one the user expects to see.
            let first = candidates
                .first()
                .map(|c| display(c.runs()))
                .unwrap_or_default();
            rules.push(format!("Bash({}:*)", command_prefix(&first)));
        }
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::{PermissionMode, RuleKind};
    use crate::tools::Risk;
    use serde_json::json;

    fn perms(allow: &[&str]) -> Permissions {
        let mut p = Permissions::new(PermissionMode::Default, Path::new("/p"), None);
        for rule in allow {
            p.add(RuleKind::Allow, rule, Path::new("/p"));
        }
        p
    }

    fn bash(p: &Permissions, command: &str) -> Vec<String> {
        p.suggest_rules("Bash", &json!({ "command": command }), Path::new("/p"))
    }

    #[test]
    fn each_command_that_asked_gets_a_rule_and_allowed_ones_none() {
        let p = perms(&["Bash(git push:*)"]);
        assert_eq!(bash(&p, "git push && npm test"), ["Bash(npm test:*)"]);
        assert_eq!(
            bash(&perms(&[]), "git push && npm test && npm test -- --watch"),
            ["Bash(git push:*)", "Bash(npm test:*)"]
        );
        // A command that only reads runs unasked: it needs no rule of its own.
        assert_eq!(
            bash(&perms(&[]), "git status && npm test"),
            ["Bash(npm test:*)"]
        );
        assert_eq!(
            bash(&perms(&[]), "cd sub && timeout 60 npm run build"),
            ["Bash(npm run build:*)"]
        );
    }

    #[test]
    fn the_suggested_rules_let_the_same_command_run_without_asking() {
        let mut p = perms(&["Bash(git push:*)"]);
        let input = json!({"command": "git push && npm test && make"});
        assert_eq!(
            p.decide("Bash", &input, Risk::Mutating),
            crate::permissions::Verdict::Ask
        );
        for rule in p.suggest_rules("Bash", &input, Path::new("/p")) {
            assert!(p.add(RuleKind::Allow, &rule, Path::new("/p")), "{rule}");
        }
        assert_eq!(
            p.decide("Bash", &input, Risk::Mutating),
            crate::permissions::Verdict::Allow
        );
    }

    #[test]
    fn web_fetch_gets_its_domain_and_other_tools_their_name() {
        let p = perms(&[]);
        let fetch =
            |url: &str| p.suggest_rules("WebFetch", &json!({ "url": url }), Path::new("/p"));
        assert_eq!(
            fetch("https://docs.rs/serde/latest"),
            ["WebFetch(domain:docs.rs)"]
        );
        assert_eq!(
            fetch("http://user:pw@example.com:8080/x?y"),
            ["WebFetch(domain:example.com)"]
        );
        assert_eq!(fetch("not a url"), ["WebFetch"]);
        assert_eq!(
            p.suggest_rules("Edit", &json!({}), Path::new("/p")),
            ["Edit"]
        );
    }

    #[test]
    fn a_domain_rule_allows_that_domain_only() {
        let mut p = perms(&[]);
        let page = json!({"url": "https://docs.rs/serde"});
        for rule in p.suggest_rules("WebFetch", &page, Path::new("/p")) {
            assert!(p.add(RuleKind::Allow, &rule, Path::new("/p")), "{rule}");
        }
        let verdict = |p: &Permissions, url: &str| {
            p.decide("WebFetch", &json!({ "url": url }), Risk::Mutating)
        };
        assert_eq!(
            verdict(&p, "https://docs.rs/tokio"),
            crate::permissions::Verdict::Allow
        );
        assert_eq!(
            verdict(&p, "https://example.com/"),
            crate::permissions::Verdict::Ask
        );
    }
}
