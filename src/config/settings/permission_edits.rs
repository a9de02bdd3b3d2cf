//! One permission change kept in a settings file, in Claude Code's format
//! (`permissions.allow|deny|ask`, `defaultMode`, `additionalDirectories`), everything else in
//! the file left as it was.

use std::path::Path;

use serde_json::Value;

use super::file_edits::{edit_settings_file, permissions_of};
use crate::protocol::permission_update::PermissionChange;

/// Writes `change` into the settings file at `path` (created if missing). Returns the entries
/// the changed list held before (for a mode: none), so the session can drop what was replaced.
pub fn save_permission_change(
    path: &Path,
    change: &PermissionChange,
) -> Result<Vec<String>, String> {
    let mut before = Vec::new();
    edit_settings_file(path, |object| {
        let permissions = permissions_of(object)?;
        let (key, items, edit): (&str, &[String], Edit) = match change {
            PermissionChange::AddRules { rules, behavior } => (behavior.key(), rules, Edit::Add),
            PermissionChange::ReplaceRules { rules, behavior } => {
                (behavior.key(), rules, Edit::Replace)
            }
            PermissionChange::RemoveRules { rules, behavior } => {
                (behavior.key(), rules, Edit::Remove)
            }
            PermissionChange::AddDirectories { directories } => {
                ("additionalDirectories", directories, Edit::Add)
            }
            PermissionChange::RemoveDirectories { directories } => {
                ("additionalDirectories", directories, Edit::Remove)
            }
            PermissionChange::SetMode { mode } => {
                permissions.insert("defaultMode".into(), Value::String(mode.as_str().into()));
                return Ok(());
            }
        };
        let list = permissions
            .entry(key)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .ok_or(match key {
                "allow" => "`permissions.allow` is not a list",
                "deny" => "`permissions.deny` is not a list",
                "ask" => "`permissions.ask` is not a list",
                _ => "`permissions.additionalDirectories` is not a list",
            })?;
        before = list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        let given = |v: &Value| v.as_str().is_some_and(|s| items.iter().any(|i| i == s));
        match edit {
            Edit::Replace => list.clear(),
            Edit::Remove => list.retain(|v| !given(v)),
            Edit::Add => {}
        }
        if matches!(edit, Edit::Add | Edit::Replace) {
            for item in items {
                if !list.iter().any(|v| v.as_str() == Some(item)) {
                    list.push(Value::String(item.clone()));
                }
            }
        }
        Ok(())
    })?;
    Ok(before)
}

#[derive(Clone, Copy)]
enum Edit {
    Add,
    Replace,
    Remove,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::protocol::PermissionMode;
    use crate::protocol::permission_update::RuleBehavior;

    fn read(path: &Path) -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn each_change_edits_its_list_and_keeps_the_rest_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".claude/settings.json");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            r#"{"model": "haiku", "permissions": {"allow": ["Read"], "deny": ["WebFetch"]}}"#,
        )
        .unwrap();
        let rules = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let before = save_permission_change(
            &path,
            &PermissionChange::AddRules {
                rules: rules(&["Bash(npm test:*)", "Read"]),
                behavior: RuleBehavior::Allow,
            },
        )
        .unwrap();
        assert_eq!(before, ["Read"]);
        let before = save_permission_change(
            &path,
            &PermissionChange::ReplaceRules {
                rules: rules(&["Bash(rm:*)"]),
                behavior: RuleBehavior::Deny,
            },
        )
        .unwrap();
        assert_eq!(before, ["WebFetch"]);
        save_permission_change(
            &path,
            &PermissionChange::RemoveRules {
                rules: rules(&["Read"]),
                behavior: RuleBehavior::Allow,
            },
        )
        .unwrap();
        save_permission_change(
            &path,
            &PermissionChange::SetMode {
                mode: PermissionMode::AcceptEdits,
            },
        )
        .unwrap();
        save_permission_change(
            &path,
            &PermissionChange::AddDirectories {
                directories: rules(&["/data", "/logs"]),
            },
        )
        .unwrap();
        save_permission_change(
            &path,
            &PermissionChange::RemoveDirectories {
                directories: rules(&["/logs"]),
            },
        )
        .unwrap();
        assert_eq!(
            read(&path),
            json!({"model": "haiku", "permissions": {
                "allow": ["Bash(npm test:*)"],
                "deny": ["Bash(rm:*)"],
                "defaultMode": "acceptEdits",
                "additionalDirectories": ["/data"],
            }})
        );
        // A file that isn't JSON is left alone.
        std::fs::write(&path, "{ broken").unwrap();
        let error = save_permission_change(
            &path,
            &PermissionChange::SetMode {
                mode: PermissionMode::Plan,
            },
        )
        .unwrap_err();
        assert!(error.contains("not valid JSON"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ broken");
    }
}
