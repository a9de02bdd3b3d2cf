//! Whether a tool call runs, asks, or is refused: the permission mode, the allow/ask/deny rules
//! from every settings file (deny beats ask beats allow, across all files), and rules granted
//! from approval prompts. Pure apart from saving an "always allow" rule.

pub mod paths;
mod read_only;
pub mod rule;
pub mod shell;
mod suggest;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use crate::protocol::PermissionMode;
use crate::tools::Risk;
use rule::{Certainty, EDIT_TOOLS, Places, READ_TOOLS, Rule, file_path, normalize};
use shell::{Place, Script, Target};

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

#[derive(Clone, Debug)]
pub struct Permissions {
    pub mode: PermissionMode,
    allow: Vec<Rule>,
    ask: Vec<Rule>,
    deny: Vec<Rule>,
    places: Places,
    /// Directories besides the cwd that file tools may read and change (as given, and real).
    additional_dirs: Vec<(PathBuf, PathBuf)>,
    /// claw's own configuration directory: changes there always ask.
    config_dir: Option<PathBuf>,
}

/// A path as the call names it (made absolute) and as the file system resolves it.
struct PathForms {
    given: PathBuf,
    real: PathBuf,
}

impl Permissions {
    pub fn new(mode: PermissionMode, cwd: &Path, home: Option<PathBuf>) -> Self {
        let real = |p: &Path| paths::resolve_links(&normalize(p));
        Permissions {
            mode,
            allow: Vec::new(),
            ask: Vec::new(),
            deny: Vec::new(),
            places: Places {
                real_cwd: real(cwd),
                real_home: home.as_deref().map(real),
                cwd: normalize(cwd),
                home,
            },
            additional_dirs: Vec::new(),
            config_dir: None,
        }
    }

    /// Adds a rule; `anchor` is the project root of the settings file it came from. Returns
    /// false if the rule doesn't parse.
    pub fn add(&mut self, kind: RuleKind, text: &str, anchor: &Path) -> bool {
        let Some(mut rule) = Rule::parse(text, anchor) else {
            return false;
        };
        rule.real_anchor = paths::resolve_links(&normalize(anchor));
        let list = self.list_mut(kind);
        if !list.contains(&rule) {
            list.push(rule);
        }
        true
    }

    fn list(&self, kind: RuleKind) -> &[Rule] {
        match kind {
            RuleKind::Allow => &self.allow,
            RuleKind::Ask => &self.ask,
            RuleKind::Deny => &self.deny,
        }
    }

    fn list_mut(&mut self, kind: RuleKind) -> &mut Vec<Rule> {
        match kind {
            RuleKind::Allow => &mut self.allow,
            RuleKind::Ask => &mut self.ask,
            RuleKind::Deny => &mut self.deny,
        }
    }

    pub fn add_directory(&mut self, dir: PathBuf) {
        let dir = normalize(&dir);
        let real = paths::resolve_links(&dir);
        self.additional_dirs.push((dir, real));
    }

    /// Takes `dir` off the additional working directories.
    pub fn remove_directory(&mut self, dir: &Path) {
        let dir = normalize(dir);
        self.additional_dirs.retain(|(given, _)| *given != dir);
    }

    /// claw's configuration directory, which file changes never reach without asking.
    pub fn set_config_dir(&mut self, dir: PathBuf) {
        self.config_dir = Some(paths::resolve_links(&normalize(&dir)));
    }

    /// The rules in force, as text, for display.
    pub fn rules(&self, kind: RuleKind) -> Vec<String> {
        self.list(kind).iter().map(Rule::text).collect()
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
        let list = self.list_mut(kind);
        let Some(index) = list.iter().position(|r| r.text() == text) else {
            return false;
        };
        list.remove(index);
        true
    }

    /// The Read deny rules, for tools that list and search files to skip what they cover.
    pub fn read_denials(&self) -> ReadDenials {
        ReadDenials {
            rules: self
                .deny
                .iter()
                .filter(|r| r.names("Read"))
                .cloned()
                .collect(),
            places: self.places.clone(),
        }
    }

    /// Whether `path` lies in the working directories (the cwd and the additional ones).
    fn inside_workspace(&self, real: &Path) -> bool {
        std::iter::once((&self.places.cwd, &self.places.real_cwd))
            .chain(self.additional_dirs.iter().map(|(a, b)| (a, b)))
            .any(|(given, resolved)| real.starts_with(given) || real.starts_with(resolved))
    }

    fn forms(&self, path: &Path, dir: &Path) -> PathForms {
        let given = normalize(&if path.is_absolute() {
            path.to_path_buf()
        } else {
            dir.join(path)
        });
        let real = paths::resolve_links(&given);
        PathForms { given, real }
    }

    fn protected(&self, forms: &PathForms) -> bool {
        [&forms.given, &forms.real].iter().any(|p| {
            paths::is_protected(p, self.places.home.as_deref(), self.config_dir.as_deref())
                || paths::is_protected(
                    p,
                    self.places.real_home.as_deref(),
                    self.config_dir.as_deref(),
                )
        })
    }

    /// Whether a call runs, asks or is refused. Relative paths resolve against the cwd.
    pub fn decide(&self, tool: &str, input: &Value, risk: Risk) -> Verdict {
        self.decide_in(tool, input, risk, &self.places.cwd.clone())
    }

    /// As `decide`, with a Bash command running in `shell_dir` (where the last `cd` left it).
    pub fn decide_in(&self, tool: &str, input: &Value, risk: Risk, shell_dir: &Path) -> Verdict {
        if tool == "Bash" {
            return self.decide_script(&self.bash_script(input, shell_dir), shell_dir);
        }
        let is_file_tool = EDIT_TOOLS.contains(&tool) || READ_TOOLS.contains(&tool);
        if is_file_tool {
            let path = file_path(tool, input).filter(|p| !p.trim().is_empty());
            let path = path.map_or_else(|| self.places.cwd.clone(), PathBuf::from);
            return self.decide_file(tool, &path, risk);
        }
        if let Some(rule) = self
            .deny
            .iter()
            .find(|r| r.matches(tool, input, &self.places))
        {
            return Verdict::Deny(format!(
                "the deny rule {} forbids this {tool} call",
                rule.text()
            ));
        }
        if self.mode == PermissionMode::BypassPermissions {
            return Verdict::Allow;
        }
        // Presenting a plan always asks: the user's answer is what the tool is for.
        if tool == "ExitPlanMode" {
            return Verdict::Ask;
        }
        if self.mode == PermissionMode::Plan && risk == Risk::Mutating {
            return plan_denial();
        }
        if self
            .ask
            .iter()
            .any(|r| r.matches(tool, input, &self.places))
        {
            return Verdict::Ask;
        }
        if self
            .allow
            .iter()
            .any(|r| r.matches(tool, input, &self.places))
            || risk == Risk::ReadOnly
        {
            return Verdict::Allow;
        }
        Verdict::Ask
    }

    /// A file tool on `path`: deny rules on the path as named or as resolved; protected places
    /// and the working directories' boundary judged on where it really leads.
    fn decide_file(&self, tool: &str, path: &Path, risk: Risk) -> Verdict {
        let forms = self.forms(path, &self.places.cwd);
        let on = |rules: &[Rule], path: &Path| {
            rules
                .iter()
                .find(|r| r.matches_path(tool, path, &self.places))
                .cloned()
        };
        if let Some(rule) = on(&self.deny, &forms.given).or_else(|| on(&self.deny, &forms.real)) {
            let shown = if forms.real != forms.given {
                format!(
                    "{} (a link to {})",
                    forms.given.display(),
                    forms.real.display()
                )
            } else {
                forms.given.display().to_string()
            };
            return Verdict::Deny(format!("the deny rule {} covers {shown}", rule.text()));
        }
        if self.mode == PermissionMode::BypassPermissions {
            return Verdict::Allow;
        }
        if self.mode == PermissionMode::Plan && risk == Risk::Mutating {
            return plan_denial();
        }
        if on(&self.ask, &forms.given).is_some() || on(&self.ask, &forms.real).is_some() {
            return Verdict::Ask;
        }
        if risk == Risk::Mutating && self.protected(&forms) {
            return Verdict::Ask;
        }
        if on(&self.allow, &forms.real).is_some() {
            return Verdict::Allow;
        }
        let inside = self.inside_workspace(&forms.real);
        match risk {
            Risk::ReadOnly if inside => Verdict::Allow,
            Risk::Mutating
                if inside
                    && self.mode == PermissionMode::AcceptEdits
                    && EDIT_TOOLS.contains(&tool) =>
            {
                Verdict::Allow
            }
            _ => Verdict::Ask,
        }
    }

    /// A shell command: deny rules see every command and every form it takes behind wrappers,
    /// and what can't be known counts as matching them; redirections are judged as edits (or
    /// reads) of their files; an allow needs a rule for every command and nothing unknown. A
    /// command that only reads (see `read_only`) needs no rule when every file it names is one
    /// Read may read unasked, and the line moves nowhere (no `cd`: each runs in `dir`).
    fn decide_script(&self, script: &Script, dir: &Path) -> Verdict {
        let bash_denials: Vec<&Rule> = self.deny.iter().filter(|r| r.names("Bash")).collect();
        if let Some(rule) = bash_denials.iter().find(|r| r.specifier.is_none()) {
            return Verdict::Deny(format!(
                "the deny rule {} forbids every command",
                rule.text()
            ));
        }
        for command in &script.commands {
            for form in &command.forms {
                if let Some(rule) = bash_denials
                    .iter()
                    .find(|r| r.matches_words(form, Certainty::Possibly))
                {
                    return Verdict::Deny(format!(
                        "the deny rule {} covers `{}`",
                        rule.text(),
                        shell::shown(form)
                    ));
                }
            }
        }
        if let (Some(why), Some(rule)) = (script.unknowns.first(), bash_denials.first()) {
            return Verdict::Deny(format!(
                "claw cannot tell what this command runs ({why}), and the deny rule {} might cover it",
                rule.text()
            ));
        }
        // A redirection writes its file as Write would (Edit rules cover Write too).
        for (targets, tool, risk) in [
            (&script.writes, "Write", Risk::Mutating),
            (&script.reads, "Read", Risk::ReadOnly),
        ] {
            let verb = if tool == "Write" { "writes" } else { "reads" };
            for target in targets {
                match target {
                    Target::Path(path) => {
                        if let Verdict::Deny(why) = self.decide_file(tool, path, risk) {
                            return Verdict::Deny(format!(
                                "the command {verb} {} and {why}",
                                path.display()
                            ));
                        }
                    }
                    Target::Unknown(text) => {
                        if let Some(rule) = self.deny.iter().find(|r| r.names(tool)) {
                            return Verdict::Deny(format!(
                                "the command {verb} `{text}`, a file claw cannot name before it runs, and the deny rule {} might cover it",
                                rule.text()
                            ));
                        }
                    }
                }
            }
        }
        if self.mode == PermissionMode::BypassPermissions {
            return Verdict::Allow;
        }
        let reads_allowed = script.reads.iter().all(|t| match t {
            Target::Path(path) => self.decide_file("Read", path, Risk::ReadOnly) == Verdict::Allow,
            Target::Unknown(_) => false,
        });
        let something = script.commands.iter().any(|c| !c.runs_code) || !script.writes.is_empty();
        // Plan mode lets a line run only when all it does is read, as Read would.
        let pure_reads = script.unknowns.is_empty()
            && script.writes.is_empty()
            && something
            && reads_allowed
            && script
                .commands
                .iter()
                .all(|c| c.runs_code || self.only_reads(c, script, dir));
        if self.mode == PermissionMode::Plan && !pure_reads {
            return plan_denial();
        }
        let asks = self.ask.iter().filter(|r| r.names("Bash")).any(|rule| {
            script.commands.iter().any(|c| {
                c.forms
                    .iter()
                    .any(|f| rule.matches_words(f, Certainty::Possibly))
            })
        });
        if asks {
            return Verdict::Ask;
        }
        // `cd` into a working directory needs no rule: where it leads is judged by the
        // commands and redirections after it.
        let stays_inside = |c: &shell::Command| {
            c.cd_to
                .as_ref()
                .is_some_and(|to| self.inside_workspace(&paths::resolve_links(to)))
        };
        let commands_allowed = script
            .commands
            .iter()
            .all(|c| c.runs_code || stays_inside(c) || self.runs_unasked(c, script, dir));
        let writes_allowed = script.writes.iter().all(|t| match t {
            Target::Path(path) => self.decide_file("Write", path, Risk::Mutating) == Verdict::Allow,
            Target::Unknown(_) => false,
        });
        if script.unknowns.is_empty()
            && something
            && commands_allowed
            && writes_allowed
            && reads_allowed
        {
            return Verdict::Allow;
        }
        Verdict::Ask
    }
}

impl Permissions {
    /// A Bash call's command, analysed as it would run in `shell_dir`.
    fn bash_script(&self, input: &Value, shell_dir: &Path) -> Script {
        let command = input.get("command").and_then(Value::as_str).unwrap_or("");
        shell::analyze(
            command,
            Place {
                dir: shell_dir,
                home: self.places.home.as_deref(),
            },
        )
    }

    /// Whether `command` of `script` (run in `dir`) needs no approval: an allow rule surely
    /// covers it, or it only reads files Read may read, with no `cd` moving the line.
    fn runs_unasked(&self, command: &shell::Command, script: &Script, dir: &Path) -> bool {
        self.only_reads(command, script, dir) || self.command_allowed(command)
    }

    /// Whether `command` of `script` (run in `dir`) only reads files Read may read, with no
    /// `cd` moving the line.
    fn only_reads(&self, command: &shell::Command, script: &Script, dir: &Path) -> bool {
        script.commands.iter().all(|c| c.cd_to.is_none())
            && command.forms.len() == 1
            && command.rule_form == Some(0)
            && read_only::read_only(command.runs(), dir).is_some_and(|reads| {
                reads
                    .paths
                    .iter()
                    .all(|path| self.decide_file("Read", path, Risk::ReadOnly) == Verdict::Allow)
            })
    }

    /// Whether an allow rule surely covers `command` as it runs.
    fn command_allowed(&self, command: &shell::Command) -> bool {
        command.rule_form().is_some_and(|words| {
            self.allow
                .iter()
                .any(|r| r.matches_words(words, Certainty::Surely))
        })
    }
}

fn plan_denial() -> Verdict {
    Verdict::Deny(
        "plan mode is on: only read-only tools run. Present your plan with ExitPlanMode; once the user approves it you can make changes".into(),
    )
}

/// The Read deny rules in force, for Grep and Glob to skip the files they cover.
#[derive(Clone, Debug, Default)]
pub struct ReadDenials {
    rules: Vec<Rule>,
    places: Places,
}

impl ReadDenials {
    /// Whether a Read deny rule covers `path` (absolute), as named or where its links lead.
    pub fn covers(&self, path: &Path) -> bool {
        if self.rules.is_empty() {
            return false;
        }
        let given = normalize(path);
        self.covers_resolved(&given, &paths::resolve_links(&given))
    }

    /// As `covers`, with the resolved form already known.
    pub fn covers_resolved(&self, given: &Path, real: &Path) -> bool {
        self.rules.iter().any(|r| {
            r.matches_path("Read", given, &self.places)
                || r.matches_path("Read", real, &self.places)
        })
    }
}

#[cfg(test)]
mod attack_tests;
#[cfg(test)]
mod tests;
