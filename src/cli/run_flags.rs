//! The run options a session takes on the command line, with the names and value forms the
//! Claude Agent SDKs pass (`--flag value` and `--flag=value`; lists comma- or space-separated,
//! schemas and settings as JSON text). Start-up turns them into settings layers, the tool list
//! and the agent's limits.

use std::path::PathBuf;

use crate::protocol::Effort;

/// A settings layer `--setting-sources` may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingSource {
    User,
    Project,
    Local,
}

/// The layers `--setting-sources` names (a type of its own: clap reads `Option<Vec<_>>` as a
/// repeated flag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingSources(pub Vec<SettingSource>);

/// Which built-in tools `--tools` offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToolChoice {
    /// `default`: all of them.
    All,
    /// These names (none for `--tools ""`).
    Named(Vec<String>),
}

#[derive(Debug, Default, Clone, clap::Args)]
pub struct RunFlags {
    /// The system prompt, in place of claw's own ("" for none at all).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub system_prompt: Option<String>,

    /// The system prompt, read from FILE, in place of claw's own.
    #[arg(long, value_name = "FILE", conflicts_with = "system_prompt")]
    pub system_prompt_file: Option<PathBuf>,

    /// Text added at the end of the system prompt.
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub append_system_prompt: Option<String>,

    /// The built-in tools offered to the model: names separated by commas, "" for none,
    /// `default` for all.
    #[arg(long, value_name = "LIST", value_parser = parse_tools)]
    pub tools: Option<ToolChoice>,

    /// Permission rules that allow, for this session (`Read,Bash(git log:*)`); repeatable.
    #[arg(long = "allowedTools", alias = "allowed-tools", value_name = "RULES")]
    pub allowed_tools: Vec<String>,

    /// Permission rules that deny, for this session; a rule naming a whole tool takes the
    /// tool away from the model. Repeatable; deny wins over allow.
    #[arg(
        long = "disallowedTools",
        alias = "disallowed-tools",
        value_name = "RULES"
    )]
    pub disallowed_tools: Vec<String>,

    /// At most N model requests per user turn; the turn then stops.
    #[arg(long, value_name = "N", value_parser = parse_max_turns)]
    pub max_turns: Option<u32>,

    /// Stop the turn once the session's known cost reaches USD dollars.
    #[arg(long, value_name = "USD", value_parser = parse_budget)]
    pub max_budget_usd: Option<f64>,

    /// The model to switch to for the rest of the session when the main one is overloaded
    /// or not found.
    #[arg(long, value_name = "MODEL")]
    pub fallback_model: Option<String>,

    /// This session's id (a UUID): the session file's name and what hooks are told.
    #[arg(long, value_name = "UUID", value_parser = parse_uuid)]
    pub session_id: Option<String>,

    /// Save nothing of this session to disk.
    #[arg(long)]
    pub no_session_persistence: bool,

    /// One more settings layer, above the local one: a JSON file or a JSON string.
    #[arg(long, value_name = "FILE_OR_JSON")]
    pub settings: Option<String>,

    /// Which settings files load: user, project, local, comma-separated ("" for none).
    #[arg(long, value_name = "SOURCES", value_parser = parse_sources)]
    pub setting_sources: Option<SettingSources>,

    /// Another working directory the file tools and permissions treat like the cwd;
    /// repeatable.
    #[arg(long = "add-dir", value_name = "DIR")]
    pub add_dir: Vec<PathBuf>,

    /// The final answer must be JSON matching this JSON schema (given as JSON text).
    #[arg(long, value_name = "SCHEMA", value_parser = parse_schema)]
    pub json_schema: Option<serde_json::Value>,

    /// The model's thinking budget in tokens (0: no thinking).
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_thinking_tokens)]
    pub max_thinking_tokens: Option<u32>,

    /// How hard the model thinks: low, medium or high (as the model picker's effort).
    #[arg(long, value_name = "LEVEL", value_parser = parse_effort)]
    pub effort: Option<Effort>,

    /// Custom sub-agents for the Task tool, as JSON: `{"NAME": {"description": "…", "prompt":
    /// "…", "tools": ["Read"], "model": "haiku"}}`.
    #[arg(long, value_name = "JSON", value_parser = parse_agents)]
    pub agents: Option<serde_json::Value>,
}

/// Splits a list the way Claude Code's tool flags do: at commas and whitespace outside
/// parentheses, so `Bash(git log:*),Read` is two rules.
pub fn split_list(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            ',' if depth == 0 => items.push(std::mem::take(&mut current)),
            c if c.is_whitespace() && depth == 0 => items.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    items.push(current);
    items
        .into_iter()
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

impl RunFlags {
    /// The `--allowedTools` rules, each flag's list split.
    pub fn allow_rules(&self) -> Vec<String> {
        self.allowed_tools
            .iter()
            .flat_map(|t| split_list(t))
            .collect()
    }

    /// The `--disallowedTools` rules, each flag's list split.
    pub fn deny_rules(&self) -> Vec<String> {
        self.disallowed_tools
            .iter()
            .flat_map(|t| split_list(t))
            .collect()
    }
}

fn parse_tools(text: &str) -> Result<ToolChoice, String> {
    if text.trim() == "default" {
        return Ok(ToolChoice::All);
    }
    Ok(ToolChoice::Named(split_list(text)))
}

fn parse_max_turns(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("use a whole number of model requests, 1 or more (e.g. 5)".into()),
    }
}

fn parse_thinking_tokens(text: &str) -> Result<u32, String> {
    text.trim()
        .parse::<u32>()
        .map_err(|_| "use a whole number of tokens, 0 for no thinking (e.g. 8000)".into())
}

fn parse_budget(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(usd) if usd.is_finite() && usd > 0.0 => Ok(usd),
        _ => Err(format!(
            "`{text}` is not an amount of dollars above 0 (e.g. 0.50)"
        )),
    }
}

/// A UUID in its usual text form (8-4-4-4-12 hex digits), lowercased.
pub fn parse_uuid(text: &str) -> Result<String, String> {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let hex = groups
        .iter()
        .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
    if lengths == [8, 4, 4, 4, 12] && hex {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(format!(
            "`{text}` is not a UUID (like 123e4567-e89b-12d3-a456-426614174000)"
        ))
    }
}

fn parse_sources(text: &str) -> Result<SettingSources, String> {
    let sources: Result<Vec<SettingSource>, String> = split_list(text)
        .iter()
        .map(|name| match name.as_str() {
            "user" => Ok(SettingSource::User),
            "project" => Ok(SettingSource::Project),
            "local" => Ok(SettingSource::Local),
            other => Err(format!(
                "`{other}` is not a settings source: use user, project, local"
            )),
        })
        .collect();
    sources.map(SettingSources)
}

fn parse_schema(text: &str) -> Result<serde_json::Value, String> {
    let schema: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !schema.is_object() {
        return Err("a JSON schema must be an object".into());
    }
    jsonschema::validator_for(&schema).map_err(|e| format!("not a valid JSON schema: {e}"))?;
    Ok(schema)
}

fn parse_agents(text: &str) -> Result<serde_json::Value, String> {
    let agents: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !agents.is_object() {
        return Err("an object of agent name → {description, prompt, tools, model}".into());
    }
    Ok(agents)
}

fn parse_effort(text: &str) -> Result<Effort, String> {
    match Effort::parse(text) {
        Some(Effort::Off) | None => Err("use one of: low, medium, high".into()),
        Some(effort) => Ok(effort),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Args;

    /// Parses `args` both as `--flag value` pairs and joined as `--flag=value`.
    fn both_forms(pairs: &[(&str, &str)]) -> [RunFlags; 2] {
        let spaced: Vec<String> = pairs
            .iter()
            .flat_map(|(f, v)| [f.to_string(), v.to_string()])
            .collect();
        let joined: Vec<String> = pairs.iter().map(|(f, v)| format!("{f}={v}")).collect();
        [spaced, joined].map(|args| {
            let argv = std::iter::once("claw".to_string()).chain(args);
            Args::try_parse_from(argv)
                .unwrap_or_else(|e| panic!("{pairs:?}: {e}"))
                .run
        })
    }

    fn fails(args: &[&str]) -> clap::error::ErrorKind {
        let argv = std::iter::once("claw").chain(args.iter().copied());
        Args::try_parse_from(argv).unwrap_err().kind()
    }

    #[test]
    fn system_prompt_flags_take_text_an_empty_string_and_a_file() {
        for flags in both_forms(&[("--system-prompt", "")]) {
            assert_eq!(flags.system_prompt.as_deref(), Some(""));
        }
        for flags in both_forms(&[
            ("--system-prompt", "-be brief"),
            ("--append-system-prompt", "Answer in French."),
        ]) {
            assert_eq!(flags.system_prompt.as_deref(), Some("-be brief"));
            assert_eq!(
                flags.append_system_prompt.as_deref(),
                Some("Answer in French.")
            );
        }
        for flags in both_forms(&[("--system-prompt-file", "p.md")]) {
            assert_eq!(flags.system_prompt_file, Some(PathBuf::from("p.md")));
        }
    }

    #[test]
    fn tools_are_a_list_none_or_the_default_set() {
        for flags in both_forms(&[("--tools", "Read,Grep, Glob")]) {
            assert_eq!(
                flags.tools,
                Some(ToolChoice::Named(vec![
                    "Read".into(),
                    "Grep".into(),
                    "Glob".into()
                ]))
            );
        }
        for flags in both_forms(&[("--tools", "")]) {
            assert_eq!(flags.tools, Some(ToolChoice::Named(Vec::new())));
        }
        for flags in both_forms(&[("--tools", "default")]) {
            assert_eq!(flags.tools, Some(ToolChoice::All));
        }
    }

    #[test]
    fn rule_lists_split_outside_parentheses_and_repeat() {
        for flags in both_forms(&[
            ("--allowedTools", "Read,Bash(git log:*),Bash(npm run a, b)"),
            ("--allowedTools", "Edit"),
            ("--disallowedTools", "WebFetch Bash(rm:*)"),
        ]) {
            assert_eq!(
                flags.allow_rules(),
                ["Read", "Bash(git log:*)", "Bash(npm run a, b)", "Edit"]
            );
            assert_eq!(flags.deny_rules(), ["WebFetch", "Bash(rm:*)"]);
        }
        let flags = both_forms(&[("--allowed-tools", "Read")]);
        assert_eq!(flags[0].allow_rules(), ["Read"]);
    }

    #[test]
    fn limits_are_numbers_in_range() {
        for flags in both_forms(&[
            ("--max-turns", "3"),
            ("--max-budget-usd", "0.25"),
            ("--max-thinking-tokens", "0"),
            ("--fallback-model", "claude-haiku-4-5"),
        ]) {
            assert_eq!(flags.max_turns, Some(3));
            assert_eq!(flags.max_budget_usd, Some(0.25));
            assert_eq!(flags.max_thinking_tokens, Some(0));
            assert_eq!(flags.fallback_model.as_deref(), Some("claude-haiku-4-5"));
        }
        use clap::error::ErrorKind;
        assert_eq!(fails(&["--max-turns", "0"]), ErrorKind::ValueValidation);
        assert_eq!(fails(&["--max-turns=x"]), ErrorKind::ValueValidation);
        assert_eq!(fails(&["--max-budget-usd=-1"]), ErrorKind::ValueValidation);
        assert_eq!(
            fails(&["--max-budget-usd=free"]),
            ErrorKind::ValueValidation
        );
    }

    #[test]
    fn a_session_id_must_be_a_uuid() {
        let args = Args::try_parse_from(["claw", "--fork-session", "--no-session-persistence"]);
        let args = args.unwrap();
        assert!(args.fork_session && args.run.no_session_persistence);
        for flags in both_forms(&[("--session-id", "123E4567-e89b-12d3-a456-426614174000")]) {
            assert_eq!(
                flags.session_id.as_deref(),
                Some("123e4567-e89b-12d3-a456-426614174000")
            );
        }
        for bad in [
            "abc",
            "123e4567-e89b-12d3-a456-42661417400g",
            "123e4567e89b12d3a456426614174000",
        ] {
            assert!(parse_uuid(bad).is_err(), "{bad}");
            assert_eq!(
                fails(&["--session-id", bad]),
                clap::error::ErrorKind::ValueValidation
            );
        }
        // A usage error: clap exits with status 2.
        let error = Args::try_parse_from(["claw", "--session-id=nope"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
    }

    #[test]
    fn settings_sources_and_directories() {
        for flags in both_forms(&[
            ("--settings", r#"{"model":"haiku"}"#),
            ("--setting-sources", "user,project"),
            ("--add-dir", "../lib"),
            ("--add-dir", "/opt/data"),
        ]) {
            assert_eq!(flags.settings.as_deref(), Some(r#"{"model":"haiku"}"#));
            assert_eq!(
                flags.setting_sources,
                Some(SettingSources(vec![
                    SettingSource::User,
                    SettingSource::Project
                ]))
            );
            assert_eq!(
                flags.add_dir,
                [PathBuf::from("../lib"), PathBuf::from("/opt/data")]
            );
        }
        for flags in both_forms(&[("--setting-sources", "")]) {
            assert_eq!(flags.setting_sources, Some(SettingSources(Vec::new())));
        }
        assert_eq!(
            fails(&["--setting-sources", "user,policy"]),
            clap::error::ErrorKind::ValueValidation
        );
    }

    #[test]
    fn a_json_schema_must_be_a_valid_schema_object() {
        let schema = r#"{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}"#;
        for flags in both_forms(&[("--json-schema", schema)]) {
            assert_eq!(flags.json_schema.unwrap()["required"][0], "n");
        }
        use clap::error::ErrorKind;
        assert_eq!(fails(&["--json-schema", "{"]), ErrorKind::ValueValidation);
        assert_eq!(fails(&["--json-schema", "[1]"]), ErrorKind::ValueValidation);
        assert_eq!(
            fails(&["--json-schema", r#"{"type": 12}"#]),
            ErrorKind::ValueValidation
        );
    }

    #[test]
    fn agents_are_a_json_object() {
        let given = r#"{"reviewer":{"description":"Reviews","prompt":"You review."}}"#;
        for flags in both_forms(&[("--agents", given)]) {
            assert_eq!(flags.agents.unwrap()["reviewer"]["prompt"], "You review.");
        }
        use clap::error::ErrorKind;
        assert_eq!(fails(&["--agents", "{"]), ErrorKind::ValueValidation);
        assert_eq!(fails(&["--agents=[]"]), ErrorKind::ValueValidation);
    }

    #[test]
    fn effort_is_low_medium_or_high() {
        for flags in both_forms(&[("--effort", "high")]) {
            assert_eq!(flags.effort, Some(Effort::High));
        }
        assert_eq!(
            fails(&["--effort", "off"]),
            clap::error::ErrorKind::ValueValidation
        );
        assert_eq!(
            fails(&["--effort=max"]),
            clap::error::ErrorKind::ValueValidation
        );
    }
}
