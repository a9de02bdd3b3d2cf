//! Custom sub-agents, in Claude Code's forms: markdown files in `.claude/agents/` or
//! `.claw/agents/` (project) and `~/.claude/agents/` or `<config>/claw/agents/` (user), whose
//! frontmatter gives the name, description, tools, model and how it runs (`maxTurns`,
//! `permissionMode`, `effort`) and whose body is the system prompt; and the JSON of the
//! `--agents` flag and of an Agent SDK's `initialize` (name → `{description, prompt, tools?,
//! model?, …}`). The Task tool's `subagent_type` picks one.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::custom_commands::{split_list, unquote};
use crate::protocol::{Effort, PermissionMode};

/// The built-in sub-agent, with the session's own prompt, tools and model.
pub const GENERAL_PURPOSE: &str = "general-purpose";

/// Where a definition comes from; a later scope wins a name clash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AgentScope {
    User,
    Project,
    /// `--agents` on the command line.
    CommandLine,
    /// An Agent SDK's `initialize` request.
    Sdk,
}

/// One custom sub-agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentDefinition {
    pub name: String,
    /// When to use it, as the Task tool's description tells the model.
    pub description: String,
    /// Its system prompt.
    pub prompt: String,
    /// The tools it is offered, by name (None: all of the session's).
    pub tools: Option<Vec<String>>,
    /// Tools it is never offered.
    pub disallowed_tools: Vec<String>,
    /// `sonnet`, `opus`, `haiku` or a model id; None (or `inherit`): the session's model.
    pub model: Option<String>,
    pub runs: AgentRuns,
    pub scope: AgentScope,
    /// The file it was read from (None: given as JSON).
    pub path: Option<PathBuf>,
}

/// How a custom agent runs, where it says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentRuns {
    /// At most this many model requests per task (`maxTurns`).
    pub max_turns: Option<u32>,
    /// The permission mode it works in (`permissionMode`): not over a session's
    /// bypassPermissions or acceptEdits, which it keeps.
    pub permission_mode: Option<PermissionMode>,
    /// How hard it thinks (`effort`); None: as the session does.
    pub effort: Option<Effort>,
}

impl AgentRuns {
    /// Reads `maxTurns`, `permissionMode` and `effort` through `field` (each value as text).
    fn read(field: impl Fn(&str) -> Option<String>) -> Result<AgentRuns, String> {
        let max_turns = match field("maxTurns") {
            None => None,
            Some(text) => Some(
                text.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("maxTurns `{text}` is not a whole number above 0"))?,
            ),
        };
        let permission_mode = match field("permissionMode") {
            None => None,
            Some(text) => Some(PermissionMode::parse(text.trim()).ok_or_else(|| {
                format!(
                    "permissionMode `{text}` is not one of default, acceptEdits, plan, bypassPermissions"
                )
            })?),
        };
        let effort = match field("effort") {
            None => None,
            // Claude Code's levels past high are claw's highest.
            Some(text) => Some(match text.trim() {
                "xhigh" | "max" => Effort::High,
                level => Effort::parse(level).ok_or_else(|| {
                    format!("effort `{text}` is not one of low, medium, high, xhigh, max")
                })?,
            }),
        };
        Ok(AgentRuns {
            max_turns,
            permission_mode,
            effort,
        })
    }
}

/// Where agent files are looked for, and which of those places count (`--setting-sources`).
pub struct AgentPlaces<'a> {
    pub project_root: &'a Path,
    /// `<config dir>/claw`.
    pub config_dir: Option<&'a Path>,
    pub home: Option<&'a Path>,
    pub user: bool,
    pub project: bool,
}

/// The agents of the user's and the project's files (a project agent hides a user agent of the
/// same name); problems come back as warnings.
pub fn load_files(places: &AgentPlaces) -> (Vec<AgentDefinition>, Vec<String>) {
    let mut dirs = Vec::new();
    if places.user {
        if let Some(home) = places.home {
            dirs.push((home.join(".claude/agents"), AgentScope::User));
        }
        if let Some(dir) = places.config_dir {
            dirs.push((dir.join("agents"), AgentScope::User));
        }
    }
    if places.project {
        dirs.push((
            places.project_root.join(".claude/agents"),
            AgentScope::Project,
        ));
        dirs.push((
            places.project_root.join(".claw/agents"),
            AgentScope::Project,
        ));
    }
    // With the project at the home directory, the user's folder is the project's: it counts
    // once, as the project's.
    let dirs: Vec<(PathBuf, AgentScope)> = dirs
        .iter()
        .enumerate()
        .filter(|(i, (dir, _))| !dirs[i + 1..].iter().any(|(later, _)| later == dir))
        .map(|(_, entry)| entry.clone())
        .collect();
    let mut agents = Vec::new();
    let mut warnings = Vec::new();
    for (dir, scope) in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for path in files {
            match std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| parse_file(&path, &text, scope))
            {
                Ok(agent) => merge(&mut agents, vec![agent]),
                Err(why) => {
                    warnings.push(format!("{}: {why}; this agent is not used", path.display()))
                }
            }
        }
    }
    (agents, warnings)
}

/// Agents given as JSON (`{"name": {"description", "prompt", "tools"?, "model"?}}`), as the
/// `--agents` flag and an SDK's `initialize` give them; `origin` names where, for warnings.
pub fn from_json(
    value: &Value,
    scope: AgentScope,
    origin: &str,
) -> (Vec<AgentDefinition>, Vec<String>) {
    let Some(map) = value.as_object() else {
        return (
            Vec::new(),
            vec![format!(
                "{origin}: agents must be an object of name → definition"
            )],
        );
    };
    let mut agents = Vec::new();
    let mut warnings = Vec::new();
    for (name, entry) in map {
        let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::trim);
        let names = |key: &str| -> Option<Vec<String>> {
            match entry.get(key)? {
                Value::String(list) => Some(split_list(list)),
                Value::Array(items) => Some(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                ),
                _ => None,
            }
        };
        let (Some(description), Some(prompt)) = (text("description"), text("prompt")) else {
            warnings.push(format!(
                "{origin}: agent `{name}` needs a description and a prompt; it is not used"
            ));
            continue;
        };
        let runs = AgentRuns::read(|key| match entry.get(key)? {
            Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        });
        let runs = match runs {
            Ok(runs) => runs,
            Err(why) => {
                warnings.push(format!("{origin}: agent `{name}`: {why}; it is not used"));
                continue;
            }
        };
        agents.push(AgentDefinition {
            name: name.clone(),
            description: description.to_string(),
            prompt: prompt.to_string(),
            tools: names("tools"),
            disallowed_tools: names("disallowedTools").unwrap_or_default(),
            model: model_choice(text("model")),
            runs,
            scope,
            path: None,
        });
    }
    (agents, warnings)
}

/// Adds `more` to `agents`; one of the same name replaces the earlier one.
pub fn merge(agents: &mut Vec<AgentDefinition>, more: Vec<AgentDefinition>) {
    for agent in more {
        agents.retain(|a| a.name != agent.name);
        agents.push(agent);
    }
    agents.sort_by(|a, b| a.name.cmp(&b.name));
}

/// `inherit` and nothing mean the session's model.
fn model_choice(model: Option<&str>) -> Option<String> {
    model
        .map(str::trim)
        .filter(|m| !m.is_empty() && *m != "inherit")
        .map(str::to_string)
}

/// One agent file: `---` frontmatter (`name`, `description`, `tools`, `disallowedTools`,
/// `model`, `maxTurns`, `permissionMode`, `effort`; others such as `color` are ignored), then
/// the prompt.
fn parse_file(path: &Path, text: &str, scope: AgentScope) -> Result<AgentDefinition, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or("no frontmatter (it starts with `---`, then name and description)")?;
    let end = rest.find("\n---").ok_or("frontmatter: no closing `---`")?;
    let (front, body) = (&rest[..end], &rest[end + 4..]);
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    for (n, line) in front.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(item) = line.trim_start().strip_prefix("- ") {
            match fields.last_mut() {
                Some((_, values)) => values.push(unquote(item)),
                None => {
                    return Err(format!(
                        "frontmatter line {}: a list item outside a list",
                        n + 1
                    ));
                }
            }
            continue;
        }
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| format!("frontmatter line {}: expected `key: value`", n + 1))?;
        let value = value.trim();
        let inner = value
            .strip_prefix('[')
            .and_then(|v| v.strip_suffix(']'))
            .unwrap_or(value);
        let values = match key.trim() {
            // Lists: `tools: Read, Grep`, `[Read, Grep]` or `- Read` lines.
            "tools" | "disallowedTools" => split_list(inner).iter().map(|t| unquote(t)).collect(),
            _ => vec![unquote(value)],
        };
        fields.push((key.trim().to_string(), values));
    }
    let field = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let one = |key: &str| {
        field(key)
            .and_then(|v| v.into_iter().next())
            .filter(|v| !v.is_empty())
    };
    let name = one("name")
        .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let description = one("description").ok_or("the frontmatter has no description")?;
    let prompt = body.trim().to_string();
    if prompt.is_empty() {
        return Err("no prompt after the frontmatter".into());
    }
    let names =
        |key: &str| field(key).map(|v| v.into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>());
    Ok(AgentDefinition {
        name,
        description,
        prompt,
        tools: names("tools"),
        disallowed_tools: names("disallowedTools").unwrap_or_default(),
        model: model_choice(one("model").as_deref()),
        runs: AgentRuns::read(one)?,
        scope,
        path: Some(path.to_path_buf()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn write(path: PathBuf, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn files_give_name_description_tools_model_and_the_body_as_prompt() {
        let home = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        write(
            root.path().join(".claude/agents/reviewer.md"),
            "---\nname: code-reviewer\ndescription: Reviews code for bugs\ntools: Read, Grep, Bash(git diff:*)\nmodel: haiku\ncolor: blue\n---\n\nYou review code.\nBe strict.\n",
        );
        write(
            home.path().join(".claude/agents/helper.md"),
            "---\ndescription: \"Helps\"\ntools:\n  - Read\n  - Glob\nmodel: inherit\n---\nYou help.",
        );
        // The project's hides the user's of the same name.
        write(
            home.path().join(".claude/agents/code-reviewer.md"),
            "---\nname: code-reviewer\ndescription: the user's\n---\nUser prompt.",
        );
        write(
            root.path().join(".claude/agents/broken.md"),
            "no frontmatter here",
        );
        write(
            root.path().join(".claude/agents/nodesc.md"),
            "---\nname: x\n---\nPrompt.",
        );
        write(root.path().join(".claude/agents/notes.txt"), "not an agent");
        let places = AgentPlaces {
            project_root: root.path(),
            config_dir: None,
            home: Some(home.path()),
            user: true,
            project: true,
        };
        let (agents, warnings) = load_files(&places);
        let names: Vec<&str> = agents.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["code-reviewer", "helper"]);
        let reviewer = &agents[0];
        assert_eq!(reviewer.description, "Reviews code for bugs");
        assert_eq!(reviewer.prompt, "You review code.\nBe strict.");
        assert_eq!(
            reviewer.tools.as_deref(),
            Some(&["Read".to_string(), "Grep".into(), "Bash(git diff:*)".into()][..])
        );
        assert_eq!(reviewer.model.as_deref(), Some("haiku"));
        assert_eq!(reviewer.scope, AgentScope::Project);
        let helper = &agents[1];
        assert_eq!(helper.name, "helper", "the file's stem without a name");
        assert_eq!(helper.description, "Helps");
        assert_eq!(
            helper.tools.as_deref(),
            Some(&["Read".to_string(), "Glob".into()][..])
        );
        assert_eq!(helper.model, None, "inherit is the session's model");
        assert_eq!(helper.scope, AgentScope::User);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("broken.md") && w.contains("no frontmatter"))
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("nodesc.md") && w.contains("no description"))
        );

        // A project at the home directory: its folder is read once, as the project's.
        let at_home = AgentPlaces {
            project_root: root.path(),
            config_dir: None,
            home: Some(root.path()),
            user: true,
            project: true,
        };
        let (agents, warnings) = load_files(&at_home);
        assert!(agents.iter().all(|a| a.scope == AgentScope::Project));
        assert_eq!(warnings.len(), 2, "{warnings:?}");

        // Without the project source, only the user's agents load.
        let user_only = AgentPlaces {
            project: false,
            ..places
        };
        let (agents, _) = load_files(&user_only);
        assert_eq!(agents.len(), 2);
        assert!(agents.iter().all(|a| a.scope == AgentScope::User));
        assert!(agents.iter().any(|a| a.description == "the user's"));
    }

    #[test]
    fn json_definitions_as_the_sdk_and_the_flag_send_them() {
        let given = json!({
            "tester": {"description": "Runs tests", "prompt": "You run tests.", "tools": ["Bash", "Read"], "model": "sonnet"},
            "plain": {"description": "Plain", "prompt": "You are plain.", "tools": "Read, Grep", "disallowedTools": ["Bash"]},
            "empty": {"description": "No prompt"}
        });
        let (agents, warnings) = from_json(&given, AgentScope::Sdk, "initialize");
        let names: Vec<&str> = agents.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["plain", "tester"]);
        assert_eq!(agents[1].model.as_deref(), Some("sonnet"));
        assert_eq!(agents[1].tools.as_ref().unwrap(), &["Bash", "Read"]);
        assert_eq!(agents[0].tools.as_ref().unwrap(), &["Read", "Grep"]);
        assert_eq!(agents[0].disallowed_tools, ["Bash"]);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("`empty`"), "{warnings:?}");
        assert!(
            !from_json(&json!([1]), AgentScope::CommandLine, "--agents")
                .1
                .is_empty()
        );

        // A later scope replaces an agent of the same name.
        let mut all = agents;
        let (flag, _) = from_json(
            &json!({"tester": {"description": "Flag's", "prompt": "P"}}),
            AgentScope::CommandLine,
            "--agents",
        );
        merge(&mut all, flag);
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].description, "Flag's");
    }

    #[test]
    fn how_an_agent_runs_comes_from_its_frontmatter_or_json_and_bad_values_say_so() {
        let root = tempfile::tempdir().unwrap();
        write(
            root.path().join(".claude/agents/runner.md"),
            "---\nname: runner\ndescription: Runs\nmaxTurns: 3\npermissionMode: plan\neffort: xhigh\n---\nRun.",
        );
        write(
            root.path().join(".claude/agents/bad.md"),
            "---\nname: bad\ndescription: Bad\nmaxTurns: zero\n---\nRun.",
        );
        let places = AgentPlaces {
            project_root: root.path(),
            config_dir: None,
            home: None,
            user: false,
            project: true,
        };
        let (agents, warnings) = load_files(&places);
        assert_eq!(agents.len(), 1);
        assert_eq!(
            agents[0].runs,
            AgentRuns {
                max_turns: Some(3),
                permission_mode: Some(PermissionMode::Plan),
                effort: Some(Effort::High),
            }
        );
        assert!(
            warnings.len() == 1 && warnings[0].contains("maxTurns `zero`"),
            "{warnings:?}"
        );

        let given = json!({
            "fast": {"description": "Fast", "prompt": "P", "maxTurns": 2, "permissionMode": "bypassPermissions", "effort": "low"},
            "plain": {"description": "Plain", "prompt": "P"},
            "odd": {"description": "Odd", "prompt": "P", "permissionMode": "yolo"},
        });
        let (agents, warnings) = from_json(&given, AgentScope::Sdk, "initialize");
        let runs: Vec<(&str, &AgentRuns)> =
            agents.iter().map(|a| (a.name.as_str(), &a.runs)).collect();
        assert_eq!(
            runs,
            [
                (
                    "fast",
                    &AgentRuns {
                        max_turns: Some(2),
                        permission_mode: Some(PermissionMode::BypassPermissions),
                        effort: Some(Effort::Low),
                    }
                ),
                ("plain", &AgentRuns::default()),
            ]
        );
        assert!(
            warnings.len() == 1 && warnings[0].contains("`odd`: permissionMode `yolo`"),
            "{warnings:?}"
        );
    }
}
