//! Writing back to a settings file: a rule added or removed, a setting saved, everything else in
//! the file kept. A file that isn't valid JSON is left alone.

use std::path::Path;

use serde_json::{Map, Value};

/// Appends an allow rule to a settings file (created if missing), keeping everything else in it.
pub fn save_allow_rule(path: &Path, rule: &str) -> Result<(), String> {
    edit_settings_file(path, |object| {
        let allow = permissions_of(object)?
            .entry("allow")
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .ok_or("`permissions.allow` is not a list")?;
        if !allow.iter().any(|v| v.as_str() == Some(rule)) {
            allow.push(Value::String(rule.to_string()));
        }
        Ok(())
    })
}

/// Removes `rule` from `permissions.<list>` ("allow", "ask" or "deny") of the settings file at
/// `path`. Ok(false) when the file doesn't hold it (it is then not touched).
pub fn remove_permission_rule(path: &Path, list: &str, rule: &str) -> Result<bool, String> {
    let holds = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|v| v.get("permissions")?.get(list)?.as_array().cloned())
        .is_some_and(|rules| rules.iter().any(|r| r.as_str() == Some(rule)));
    if !holds {
        return Ok(false);
    }
    edit_settings_file(path, |object| {
        if let Some(rules) = object
            .get_mut("permissions")
            .and_then(|p| p.get_mut(list))
            .and_then(Value::as_array_mut)
        {
            rules.retain(|r| r.as_str() != Some(rule));
        }
        Ok(())
    })?;
    Ok(true)
}

/// Sets a top-level `key` in the settings file at `path` (created if missing), keeping the rest.
pub fn save_setting(path: &Path, key: &str, value: Value) -> Result<(), String> {
    edit_settings_file(path, |object| {
        object.insert(key.to_string(), value);
        Ok(())
    })
}

/// The file's `permissions` object (added when missing).
pub(super) fn permissions_of(
    object: &mut Map<String, Value>,
) -> Result<&mut Map<String, Value>, &'static str> {
    object
        .entry("permissions")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or("`permissions` is not an object")
}

/// Reads the settings file at `path` (an empty object if missing), lets `change` edit it, and
/// writes it back. A file that isn't valid JSON, or whose shape `change` rejects, is left alone.
pub(super) fn edit_settings_file(
    path: &Path,
    change: impl FnOnce(&mut Map<String, Value>) -> Result<(), &'static str>,
) -> Result<(), String> {
    let mut value = match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str::<Value>(text.as_str()).map_err(|e| {
            format!(
                "{}:{}:{}: not valid JSON, not changed: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Value::Object(Map::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let object = value
        .as_object_mut()
        .ok_or_else(|| format!("{}: not a JSON object, not changed", path.display()))?;
    change(object).map_err(|why| format!("{}: {why}, not changed", path.display()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}
