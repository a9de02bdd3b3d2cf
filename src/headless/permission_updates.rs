//! The permission changes of a `can_use_tool` answer (`updatedPermissions`, in the Agent SDK's
//! shape: `{type, rules: [{toolName, ruleContent?}], behavior, destination}`, `setMode`,
//! `addDirectories`…) as claw's [`PermissionUpdate`]s, and rules in the SDK's shape for the
//! suggestions claw sends.

use serde_json::{Value, json};

use crate::protocol::PermissionMode;
use crate::protocol::permission_update::{
    Destination, PermissionChange, PermissionUpdate, RuleBehavior,
};

/// `Bash(npm test:*)` as the control protocol's `{toolName, ruleContent}`.
pub(super) fn rule_value(rule: &str) -> Value {
    match rule.split_once('(') {
        Some((tool, rest)) if rest.ends_with(')') => {
            json!({"toolName": tool, "ruleContent": &rest[..rest.len() - 1]})
        }
        Some(_) | None => json!({"toolName": rule}),
    }
}

/// `{toolName, ruleContent}` back to a rule.
fn rule_text(value: &Value) -> Option<String> {
    let tool = value.get("toolName")?.as_str()?;
    Some(match value.get("ruleContent").and_then(Value::as_str) {
        Some(content) if !content.is_empty() => format!("{tool}({content})"),
        Some(_) | None => tool.to_string(),
    })
}

/// The answer's updates; one that can't be read is left out with a warning on stderr.
pub(super) fn from_answer(answer: &Value) -> Vec<PermissionUpdate> {
    let Some(updates) = answer.get("updatedPermissions").and_then(Value::as_array) else {
        return Vec::new();
    };
    updates
        .iter()
        .filter_map(|update| match parse(update) {
            Ok(update) => Some(update),
            Err(why) => {
                super::say!("claw: can_use_tool: updatedPermissions: {why}; left out: {update}");
                None
            }
        })
        .collect()
}

fn parse(update: &Value) -> Result<PermissionUpdate, String> {
    let text = |key: &str| update.get(key).and_then(Value::as_str);
    // The Python SDK sends "session" for none.
    let destination = match text("destination").unwrap_or("session") {
        "session" | "cliArg" => Destination::Session,
        "userSettings" => Destination::UserSettings,
        "projectSettings" => Destination::ProjectSettings,
        "localSettings" => Destination::LocalSettings,
        other => return Err(format!("unknown destination `{other}`")),
    };
    let rules = || -> Result<(Vec<String>, RuleBehavior), String> {
        let rules = update
            .get("rules")
            .and_then(Value::as_array)
            .ok_or("no rules")?
            .iter()
            .map(|rule| rule_text(rule).ok_or_else(|| format!("a rule without toolName: {rule}")))
            .collect::<Result<Vec<_>, _>>()?;
        let behavior = match text("behavior") {
            Some("allow") => RuleBehavior::Allow,
            Some("deny") => RuleBehavior::Deny,
            Some("ask") => RuleBehavior::Ask,
            _ => return Err("behavior must be allow, deny or ask".into()),
        };
        Ok((rules, behavior))
    };
    let directories = || -> Result<Vec<String>, String> {
        Ok(update
            .get("directories")
            .and_then(Value::as_array)
            .ok_or("no directories")?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect())
    };
    let change = match text("type") {
        Some("addRules") => {
            let (rules, behavior) = rules()?;
            PermissionChange::AddRules { rules, behavior }
        }
        Some("replaceRules") => {
            let (rules, behavior) = rules()?;
            PermissionChange::ReplaceRules { rules, behavior }
        }
        Some("removeRules") => {
            let (rules, behavior) = rules()?;
            PermissionChange::RemoveRules { rules, behavior }
        }
        Some("setMode") => PermissionChange::SetMode {
            mode: text("mode")
                .and_then(PermissionMode::parse)
                .ok_or("setMode needs a mode: default, acceptEdits, plan or bypassPermissions")?,
        },
        Some("addDirectories") => PermissionChange::AddDirectories {
            directories: directories()?,
        },
        Some("removeDirectories") => PermissionChange::RemoveDirectories {
            directories: directories()?,
        },
        other => return Err(format!("unknown type {other:?}")),
    };
    Ok(PermissionUpdate {
        change,
        destination,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_update_is_read_and_a_bad_one_left_out() {
        let answer = json!({"behavior": "allow", "updatedPermissions": [
            {"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": "npm:*"}, {"toolName": "Read"}], "behavior": "allow", "destination": "session"},
            {"type": "replaceRules", "rules": [{"toolName": "WebFetch"}], "behavior": "deny", "destination": "projectSettings"},
            {"type": "removeRules", "rules": [{"toolName": "Edit", "ruleContent": ""}], "behavior": "ask", "destination": "userSettings"},
            {"type": "setMode", "mode": "acceptEdits", "destination": "localSettings"},
            {"type": "addDirectories", "directories": ["../lib"]},
            {"type": "removeDirectories", "directories": ["/tmp"], "destination": "localSettings"},
            {"type": "addRules", "rules": [], "behavior": "maybe", "destination": "session"},
            {"type": "setMode", "mode": "yolo"},
            {"type": "teleport"}
        ]});
        let updates = from_answer(&answer);
        assert_eq!(updates.len(), 6);
        assert_eq!(
            updates[0],
            PermissionUpdate {
                change: PermissionChange::AddRules {
                    rules: vec!["Bash(npm:*)".into(), "Read".into()],
                    behavior: RuleBehavior::Allow
                },
                destination: Destination::Session
            }
        );
        assert_eq!(updates[1].destination, Destination::ProjectSettings);
        assert!(matches!(
            &updates[2].change,
            PermissionChange::RemoveRules { rules, behavior: RuleBehavior::Ask } if rules == &["Edit"]
        ));
        assert_eq!(
            updates[3].change,
            PermissionChange::SetMode {
                mode: PermissionMode::AcceptEdits
            }
        );
        assert_eq!(updates[4].destination, Destination::Session);
        assert_eq!(updates[5].destination, Destination::LocalSettings);
        assert!(from_answer(&json!({"behavior": "allow"})).is_empty());
        assert_eq!(
            rule_value("Bash(npm test:*)"),
            json!({"toolName": "Bash", "ruleContent": "npm test:*"})
        );
    }
}
