//! The command line's run options at start-up (`cli::RunFlags`): the settings layers they keep
//! or add, the system prompt, the tools offered, and the limits the agent enforces.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde_json::{Value, json};

use crate::agent::RunOptions;
use crate::cli::{Args, RunFlags, SettingSource, ToolChoice};
use crate::config::settings::{Layer, Locations, Settings};
use crate::tools::Registry;

/// Why the run options can't be used as given, if they can't: a usage error (exit 2).
pub(super) fn usage_problem(args: &Args, cwd: &Path) -> Option<String> {
    if let Some(problem) = super::session::session_id_problem(args, cwd) {
        return Some(problem);
    }
    args.run
        .add_dir
        .iter()
        .find(|dir| !cwd.join(dir).is_dir())
        .map(|dir| format!("--add-dir {}: no such directory", dir.display()))
}

/// The settings in force: the layers `--setting-sources` keeps (all without it), then
/// `--settings`, then the command line's rules and directories, above them all.
pub(super) fn load_settings(locations: &Locations, flags: &RunFlags, cwd: &Path) -> Settings {
    let keep = flags.setting_sources.clone();
    let mut settings = Settings::load_layers(locations, &|layer| match &keep {
        None => true,
        Some(sources) => sources.0.iter().any(|s| layer_of(*s) == layer),
    });
    let anchor = locations.project_root.clone();
    if let Some(given) = &flags.settings {
        let text = given.trim();
        if text.starts_with('{') {
            settings.add_text(
                "--settings".into(),
                Layer::CommandLine,
                anchor.clone(),
                text,
            );
        } else {
            let path = cwd.join(text);
            match std::fs::read_to_string(&path) {
                Ok(text) => settings.add_text(path, Layer::CommandLine, anchor.clone(), &text),
                Err(error) => settings.warnings.push(format!(
                    "--settings {}: cannot read: {error}",
                    path.display()
                )),
            }
        }
    }
    if let Some(rules) = command_line_rules(flags, cwd) {
        let path = PathBuf::from("the command line (--allowedTools, --disallowedTools, --add-dir)");
        settings.add_text(path, Layer::CommandLine, anchor, &rules.to_string());
    }
    settings
}

fn layer_of(source: SettingSource) -> Layer {
    match source {
        SettingSource::User => Layer::User,
        SettingSource::Project => Layer::Project,
        SettingSource::Local => Layer::Local,
    }
}

/// `--allowedTools`, `--disallowedTools` and `--add-dir` as a settings layer of their own
/// (None when none is given): their rules then work, and deny wins, as everywhere else.
fn command_line_rules(flags: &RunFlags, cwd: &Path) -> Option<Value> {
    let (allow, deny) = (flags.allow_rules(), flags.deny_rules());
    if allow.is_empty() && deny.is_empty() && flags.add_dir.is_empty() {
        return None;
    }
    let dirs: Vec<String> = flags
        .add_dir
        .iter()
        .map(|dir| cwd.join(dir).display().to_string())
        .collect();
    Some(json!({
        "permissions": {"allow": allow, "deny": deny, "additionalDirectories": dirs}
    }))
}

/// The system prompt given in place of claw's own (None: claw builds its own).
pub(super) fn system_prompt(flags: &RunFlags, cwd: &Path) -> anyhow::Result<Option<String>> {
    if let Some(file) = &flags.system_prompt_file {
        let path = cwd.join(file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("--system-prompt-file: cannot read {}", path.display()))?;
        return Ok(Some(text));
    }
    Ok(flags.system_prompt.clone())
}

/// The tools offered: the built-in ones `--tools` names (all without it), less those a
/// `--disallowedTools` rule names whole. Names no tool has become warnings.
pub(super) fn tools(flags: &RunFlags, warnings: &mut Vec<String>) -> Registry {
    let mut registry = Registry::builtin();
    if let Some(ToolChoice::Named(names)) = &flags.tools {
        let all: Vec<String> = registry.specs().into_iter().map(|s| s.name).collect();
        for unknown in registry.keep_only(names) {
            warnings.push(format!(
                "--tools: claw has no tool `{unknown}` (it has {})",
                all.join(", ")
            ));
        }
    }
    let whole: Vec<String> = flags
        .deny_rules()
        .into_iter()
        .filter(|rule| !rule.contains('('))
        .collect();
    registry.hiding(whole)
}

/// What the agent enforces each turn.
pub(super) fn agent_options(flags: &RunFlags) -> RunOptions {
    RunOptions {
        max_turns: flags.max_turns,
        max_budget_usd: flags.max_budget_usd,
        fallback_model: flags.fallback_model.clone(),
        json_schema: flags.json_schema.clone(),
        append_system_prompt: flags.append_system_prompt.clone(),
        max_thinking_tokens: flags.max_thinking_tokens,
        session_id: flags.session_id.clone(),
        // Headless asks for them when it prints them.
        raw_stream_events: crate::provider::RawEvents::Off,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(args: &[&str]) -> RunFlags {
        use clap::Parser;
        Args::try_parse_from(std::iter::once("claw").chain(args.iter().copied()))
            .unwrap()
            .run
    }

    #[test]
    fn tools_keep_the_named_drop_the_denied_and_warn_of_unknown_names() {
        let mut warnings = Vec::new();
        let registry = tools(
            &flags(&[
                "--tools",
                "Read,Bash,Grep,Skill",
                "--disallowedTools",
                "Grep,Bash(rm:*)",
            ]),
            &mut warnings,
        );
        let names: Vec<String> = registry.specs().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["Bash", "Read"]);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("--tools: claw has no tool `Skill`"));
        let none = tools(&flags(&["--tools", ""]), &mut warnings);
        assert!(none.specs().is_empty());
        assert_eq!(
            tools(&flags(&["--tools=default"]), &mut warnings)
                .specs()
                .len(),
            16
        );
    }

    #[test]
    fn the_command_line_rules_are_one_settings_layer() {
        let dir = tempfile::tempdir().unwrap();
        let value = command_line_rules(
            &flags(&["--allowedTools", "Read,Bash(ls:*)", "--add-dir", "lib"]),
            dir.path(),
        )
        .unwrap();
        assert_eq!(value["permissions"]["allow"], json!(["Read", "Bash(ls:*)"]));
        assert_eq!(
            value["permissions"]["additionalDirectories"][0],
            dir.path().join("lib").display().to_string()
        );
        assert!(command_line_rules(&flags(&[]), dir.path()).is_none());
    }
}
