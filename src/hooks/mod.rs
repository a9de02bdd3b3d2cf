//! Hooks, in Claude Code's format (`"hooks"` in settings): shell commands run at events of the
//! session (PreToolUse, PostToolUse, UserPromptSubmit, Stop, SessionStart, …), given the event as
//! JSON on stdin. Exit 0 passes (stdout may be context, or JSON with decisions), exit 2 blocks
//! with stderr fed back, anything else is a warning. Hooks of one event run in parallel.

pub mod callback;
mod run;

use std::time::Duration;

use regex::Regex;
use serde_json::Value;

pub use run::HookRun;

/// The default time a hook may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The events hooks attach to.
pub const EVENTS: &[&str] = &[
    "PreToolUse",
    "PostToolUse",
    "UserPromptSubmit",
    "Stop",
    "SubagentStop",
    "SessionStart",
    "SessionEnd",
    "PreCompact",
    "Notification",
    "PermissionRequest",
];

/// One configured command.
#[derive(Clone, Debug)]
pub struct HookCommand {
    pub event: String,
    /// The matcher as written ("" matches everything).
    pub matcher: String,
    pattern: Option<Regex>,
    pub command: String,
    pub timeout: Duration,
    /// Answered by the front end (an Agent SDK's hook function) instead of run by a shell.
    pub callback: Option<callback::Callback>,
}

impl HookCommand {
    /// Whether this hook applies to `target` (a tool name, or the event's own subject).
    fn applies_to(&self, target: Option<&str>) -> bool {
        match (&self.pattern, target) {
            (None, _) => true,
            (Some(_), None) => true,
            (Some(re), Some(target)) => re.is_match(target),
        }
    }
}

/// Every configured hook.
#[derive(Clone, Debug, Default)]
pub struct Hooks {
    commands: Vec<HookCommand>,
}

/// What one event's hooks decided, together.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Exit 2 or `decision: "block"`: the reason (stderr or `reason`).
    pub blocked: Option<String>,
    /// PreToolUse `permissionDecision` / PermissionRequest `behavior`: allow, deny or ask.
    pub permission: Option<(String, String)>,
    /// PreToolUse `updatedInput`: the tool input to use instead.
    pub updated_input: Option<Value>,
    /// Text to add to the model's context (stdout of UserPromptSubmit/SessionStart hooks,
    /// `additionalContext`).
    pub context: Vec<String>,
    /// Messages for the user (`systemMessage`, failures of non-blocking hooks).
    pub messages: Vec<String>,
    /// `continue: false`: stop the session's work, with this reason.
    pub stop: Option<String>,
    /// What ran, for the activity pane.
    pub runs: Vec<HookRun>,
}

impl Hooks {
    /// Reads the merged `hooks` setting; problems become warnings.
    pub fn from_settings(hooks: Option<&Value>) -> (Hooks, Vec<String>) {
        let mut commands = Vec::new();
        let mut warnings = Vec::new();
        let Some(hooks) = hooks else {
            return (Hooks { commands }, warnings);
        };
        let Some(events) = hooks.as_object() else {
            return (
                Hooks { commands },
                vec!["hooks: must be an object of events".into()],
            );
        };
        for (event, groups) in events {
            if !EVENTS.contains(&event.as_str()) {
                warnings.push(format!("hooks: unknown event `{event}` (ignored)"));
                continue;
            }
            for group in groups.as_array().into_iter().flatten() {
                let Some((matcher, pattern)) = read_matcher(event, group, &mut warnings) else {
                    continue;
                };
                for hook in group
                    .get("hooks")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let Some(command) = hook.get("command").and_then(Value::as_str) else {
                        warnings.push(format!("hooks.{event}: a hook without a command (ignored)"));
                        continue;
                    };
                    let timeout = read_timeout(hook);
                    commands.push(HookCommand {
                        event: event.clone(),
                        matcher: matcher.clone(),
                        pattern: pattern.clone(),
                        command: command.to_string(),
                        timeout,
                        callback: None,
                    });
                }
            }
        }
        (Hooks { commands }, warnings)
    }

    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    pub fn all(&self) -> &[HookCommand] {
        &self.commands
    }

    /// The hooks for `event` that apply to `target`.
    pub fn matching(&self, event: &str, target: Option<&str>) -> Vec<&HookCommand> {
        self.commands
            .iter()
            .filter(|h| h.event == event && h.applies_to(target))
            .collect()
    }

    /// Runs the hooks of `event` for `target` in parallel with `input` on stdin, and combines
    /// what they said.
    pub async fn fire(
        &self,
        event: &str,
        target: Option<&str>,
        input: &Value,
        cwd: &std::path::Path,
    ) -> Outcome {
        let hooks = self.matching(event, target);
        if hooks.is_empty() {
            return Outcome::default();
        }
        let stdin = input.to_string();
        let runs = futures::future::join_all(hooks.iter().map(|h| run::run(h, &stdin, cwd))).await;
        combine(event, runs)
    }
}

/// A group's `matcher` as written and as a pattern (None: matches everything); a bad one is
/// a warning and None.
fn read_matcher(
    event: &str,
    group: &Value,
    warnings: &mut Vec<String>,
) -> Option<(String, Option<Regex>)> {
    let matcher = group
        .get("matcher")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if matcher.is_empty() || matcher == "*" {
        return Some((matcher, None));
    }
    match Regex::new(&format!("^(?:{matcher})$")) {
        Ok(re) => Some((matcher, Some(re))),
        Err(e) => {
            warnings.push(format!("hooks.{event}: bad matcher `{matcher}`: {e}"));
            None
        }
    }
}

/// A hook's `timeout` in seconds, or the default.
fn read_timeout(hook: &Value) -> Duration {
    hook.get("timeout")
        .and_then(Value::as_f64)
        .filter(|t| *t > 0.0)
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs_f64)
}

/// Reads each run's exit status and output into one outcome.
fn combine(event: &str, runs: Vec<HookRun>) -> Outcome {
    let mut out = Outcome::default();
    for run in &runs {
        match run.exit {
            Some(0) => read_json_or_context(event, run, &mut out),
            Some(2) => {
                let reason = run.stderr.trim();
                out.blocked = Some(if reason.is_empty() {
                    format!("blocked by the hook `{}`", run.command)
                } else {
                    reason.to_string()
                });
            }
            Some(code) => out.messages.push(format!(
                "{event} hook `{}` failed (exit {code}): {}",
                run.command,
                run.stderr.trim()
            )),
            None if run.timed_out => out.messages.push(format!(
                "{event} hook `{}` timed out and was stopped",
                run.command
            )),
            None => out.messages.push(format!(
                "{event} hook `{}` could not run: {}",
                run.command,
                run.stderr.trim()
            )),
        }
    }
    out.runs = runs;
    out
}

fn read_json_or_context(event: &str, run: &HookRun, out: &mut Outcome) {
    let stdout = run.stdout.trim();
    let json = serde_json::from_str::<Value>(stdout)
        .ok()
        .filter(Value::is_object);
    let Some(json) = json else {
        if matches!(event, "UserPromptSubmit" | "SessionStart") && !stdout.is_empty() {
            out.context.push(stdout.to_string());
        }
        return;
    };
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    if json.get("continue") == Some(&Value::Bool(false)) {
        out.stop = Some(
            text(&json, "stopReason").unwrap_or_else(|| format!("stopped by the {event} hook")),
        );
    }
    if let Some(message) = text(&json, "systemMessage") {
        out.messages.push(message);
    }
    let reason = text(&json, "reason").unwrap_or_default();
    match text(&json, "decision").as_deref() {
        Some("block") => {
            out.blocked = Some(if reason.is_empty() {
                format!("blocked by the {event} hook")
            } else {
                reason.clone()
            })
        }
        // Claude Code's older PreToolUse names.
        Some("approve") => out.permission = Some(("allow".into(), reason.clone())),
        _ => {}
    }
    if let Some(specific) = json.get("hookSpecificOutput") {
        if let Some(decision) = text(specific, "permissionDecision") {
            let why = text(specific, "permissionDecisionReason").unwrap_or_default();
            out.permission = Some((decision, why));
        }
        if let Some(behavior) = specific
            .pointer("/decision/behavior")
            .and_then(Value::as_str)
        {
            let why = specific
                .pointer("/decision/message")
                .and_then(Value::as_str)
                .unwrap_or("");
            out.permission = Some((behavior.to_string(), why.to_string()));
        }
        if let Some(input) = specific.get("updatedInput").filter(|v| v.is_object()) {
            out.updated_input = Some(input.clone());
        }
        if let Some(context) = text(specific, "additionalContext") {
            out.context.push(context);
        }
    }
}

#[cfg(test)]
mod tests;
