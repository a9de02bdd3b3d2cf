//! Whether a tool call runs, asks, or is refused: the permission mode, the allow/ask/deny rules
//! from every settings file (deny beats ask beats allow, across all files), and rules granted
//! from approval prompts. Pure apart from saving an "always allow" rule.

pub mod rule;
pub mod shell;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use crate::protocol::PermissionMode;
use crate::tools::Risk;
use crate::tools::bash::command_prefix;
use rule::{Places, Rule, normalize};

/// What to do with one tool call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Ask,
    Deny(String),
}

/// Which list a rule is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    Allow,
    Ask,
    Deny,
}

/// Tools that change files: acceptEdits lets them run inside the working directories.
const EDIT_TOOLS: &[&str] = &["Edit", "Write", "MultiEdit", "NotebookEdit"];

#[derive(Clone, Debug)]
pub struct Permissions {
    pub mode: PermissionMode,
    allow: Vec<Rule>,
    ask: Vec<Rule>,
    deny: Vec<Rule>,
    places: Places,
    /// Directories besides the cwd that file tools may change in acceptEdits mode.
    additional_dirs: Vec<PathBuf>,
}

impl Permissions {
    pub fn new(mode: PermissionMode, cwd: &Path, home: Option<PathBuf>) -> Self {
        Permissions {
            mode,
            allow: Vec::new(),
            ask: Vec::new(),
            deny: Vec::new(),
            places: Places {
                cwd: cwd.to_path_buf(),
                home,
            },
            additional_dirs: Vec::new(),
        }
    }

    /// Adds a rule; `anchor` is the project root of the settings file it came from. Returns
    /// false if the rule doesn't parse.
    pub fn add(&mut self, kind: RuleKind, text: &str, anchor: &Path) -> bool {
        let Some(rule) = Rule::parse(text, anchor) else {
            return false;
        };
        let list = match kind {
            RuleKind::Allow => &mut self.allow,
            RuleKind::Ask => &mut self.ask,
            RuleKind::Deny => &mut self.deny,
        };
        if !list.contains(&rule) {
            list.push(rule);
        }
        true
    }

    pub fn add_directory(&mut self, dir: PathBuf) {
        self.additional_dirs.push(dir);
    }

    /// The rules in force, as text, for display.
    pub fn rules(&self, kind: RuleKind) -> Vec<String> {
        let list = match kind {
            RuleKind::Allow => &self.allow,
            RuleKind::Ask => &self.ask,
            RuleKind::Deny => &self.deny,
        };
        list.iter()
            .map(|r| match &r.specifier {
                Some(s) => format!("{}({s})", r.tool),
                None => r.tool.clone(),
            })
            .collect()
    }

    /// Every rule, numbered from 1 in the order deny, ask, allow (as `/permissions` lists them).
    pub fn numbered(&self) -> Vec<(usize, RuleKind, String)> {
        [RuleKind::Deny, RuleKind::Ask, RuleKind::Allow]
            .into_iter()
            .flat_map(|kind| self.rules(kind).into_iter().map(move |r| (kind, r)))
            .enumerate()
            .map(|(i, (kind, rule))| (i + 1, kind, rule))
            .collect()
    }

    /// Removes rule number `n` (as `numbered` counts) for this session; returns it.
    pub fn remove(&mut self, n: usize) -> Option<(RuleKind, String)> {
        let (_, kind, text) = self.numbered().into_iter().find(|(i, _, _)| *i == n)?;
        self.remove_rule(kind, &text).then_some((kind, text))
    }

    /// Removes the `kind` rule written as `text`; false if there is none.
    pub fn remove_rule(&mut self, kind: RuleKind, text: &str) -> bool {
        let list = match kind {
            RuleKind::Allow => &mut self.allow,
            RuleKind::Ask => &mut self.ask,
            RuleKind::Deny => &mut self.deny,
        };
        let Some(index) = list.iter().position(|r| match &r.specifier {
            Some(s) => format!("{}({s})", r.tool) == text,
            None => r.tool == text,
        }) else {
            return false;
        };
        list.remove(index);
        true
    }

    /// The narrowest sensible rule that would allow this call again: a Bash command's prefix,
    /// or the tool.
    pub fn suggest_rule(tool: &str, input: &Value) -> String {
        if tool == "Bash" {
            let command = input.get("command").and_then(Value::as_str).unwrap_or("");
            let first = shell::split(command).into_iter().next().unwrap_or_default();
            return format!("Bash({}:*)", command_prefix(&first));
        }
        tool.to_string()
    }

    fn any(&self, rules: &[Rule], tool: &str, input: &Value) -> bool {
        rules.iter().any(|r| r.matches(tool, input, &self.places))
    }

    /// For Bash, the call as one input per simple command; the call itself otherwise.
    fn parts(tool: &str, input: &Value) -> Vec<Value> {
        if tool != "Bash" {
            return vec![input.clone()];
        }
        let command = input.get("command").and_then(Value::as_str).unwrap_or("");
        shell::split(command)
            .into_iter()
            .map(|part| serde_json::json!({ "command": part }))
            .collect()
    }

    fn inside_workspace(&self, input: &Value) -> bool {
        let Some(path) = ["file_path", "notebook_path"]
            .iter()
            .find_map(|k| input.get(*k).and_then(Value::as_str))
        else {
            return false;
        };
        let path = Path::new(path);
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.places.cwd.join(path)
        };
        let absolute = normalize(&absolute);
        std::iter::once(&self.places.cwd)
            .chain(self.additional_dirs.iter())
            .any(|dir| absolute.starts_with(normalize(dir)))
    }

    pub fn decide(&self, tool: &str, input: &Value, risk: Risk) -> Verdict {
        let parts = Self::parts(tool, input);
        // Deny: the whole call or any part of it.
        if self.any(&self.deny, tool, input) || parts.iter().any(|p| self.any(&self.deny, tool, p))
        {
            return Verdict::Deny(format!(
                "a deny rule in the settings forbids this {tool} call"
            ));
        }
        // A question is for the user whatever the mode.
        if tool == "AskUserQuestion" {
            return Verdict::Ask;
        }
        if self.mode == PermissionMode::BypassPermissions {
            return Verdict::Allow;
        }
        // Presenting a plan always asks: the user's answer is what the tool is for.
        if tool == "ExitPlanMode" {
            return Verdict::Ask;
        }
        if self.mode == PermissionMode::Plan && risk == Risk::Mutating && tool != "ExitPlanMode" {
            return Verdict::Deny(
                "plan mode is on: only read-only tools run. Present your plan with ExitPlanMode; once the user approves it you can make changes".into(),
            );
        }
        if self.any(&self.ask, tool, input) || parts.iter().any(|p| self.any(&self.ask, tool, p)) {
            return Verdict::Ask;
        }
        // Allow: every part of a compound command must be allowed, and a command with
        // substitutions can't be vouched for by a rule.
        let unsafe_shell = tool == "Bash"
            && input
                .get("command")
                .and_then(Value::as_str)
                .is_some_and(shell::has_substitution);
        if !unsafe_shell
            && !parts.is_empty()
            && parts.iter().all(|p| self.any(&self.allow, tool, p))
        {
            return Verdict::Allow;
        }
        if risk == Risk::ReadOnly {
            return Verdict::Allow;
        }
        if self.mode == PermissionMode::AcceptEdits
            && EDIT_TOOLS.contains(&tool)
            && self.inside_workspace(input)
        {
            return Verdict::Allow;
        }
        Verdict::Ask
    }
}

#[cfg(test)]
mod tests;
