//! The `sandbox` settings, with Claude Code's key names: `enabled` (bool, default false) and
//! `network` (bool, default false: sandboxed commands reach no network; true allows it).
//! Claude Code's other sandbox keys and its `network` object (proxy settings) are not read.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Whether sandboxed commands may use the network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Network {
    /// No IP sockets at all (not even 127.0.0.1); Unix sockets still work.
    #[default]
    Off,
    Allowed,
}

/// What the settings files say about the sandbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SandboxSettings {
    pub enabled: bool,
    pub network: Network,
    /// Directories writable besides the project and the temp directories.
    pub writable: Vec<PathBuf>,
}

impl SandboxSettings {
    /// Reads the merged settings: the `sandbox` object and `permissions.additionalDirectories`
    /// (relative ones against `cwd`); `project_root`, when claw runs below it, is writable too,
    /// and so are the git directories a worktree's `.git` file points to.
    /// Returns the problems found as warnings; a bad value keeps its default.
    pub fn from_settings(
        merged: &Value,
        cwd: &Path,
        project_root: &Path,
    ) -> (SandboxSettings, Vec<String>) {
        let mut settings = SandboxSettings::default();
        let mut warnings = Vec::new();
        if project_root != cwd {
            settings.writable.push(project_root.to_path_buf());
        }
        settings
            .writable
            .extend(super::git::external_git_dirs(project_root));
        if let Some(dirs) = merged
            .pointer("/permissions/additionalDirectories")
            .and_then(Value::as_array)
        {
            for dir in dirs.iter().filter_map(Value::as_str) {
                let path = cwd.join(dir);
                if !settings.writable.contains(&path) {
                    settings.writable.push(path);
                }
            }
        }
        let section = match merged.get("sandbox") {
            None | Some(Value::Null) => return (settings, warnings),
            Some(Value::Object(section)) => section,
            Some(_) => {
                warnings
                    .push("settings: `sandbox` must be an object; the sandbox stays off".into());
                return (settings, warnings);
            }
        };
        for (key, value) in section {
            match (key.as_str(), value) {
                ("enabled", Value::Bool(on)) => settings.enabled = *on,
                ("network", Value::Bool(allowed)) => {
                    settings.network = if *allowed {
                        Network::Allowed
                    } else {
                        Network::Off
                    }
                }
                ("enabled", other) => warnings.push(format!(
                    "settings: sandbox.enabled must be true or false, not {other}"
                )),
                ("network", other) => warnings.push(format!(
                    "settings: sandbox.network must be true (allow) or false (off), not {other}; \
                     the network stays off"
                )),
                (other, _) => warnings.push(format!(
                    "settings: sandbox.{other} is not supported by claw (ignored)"
                )),
            }
        }
        (settings, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(merged: Value) -> (SandboxSettings, Vec<String>) {
        SandboxSettings::from_settings(&merged, Path::new("/p/sub"), Path::new("/p"))
    }

    #[test]
    fn defaults_are_off_and_no_network() {
        let (settings, warnings) = read(json!({}));
        assert!(!settings.enabled);
        assert_eq!(settings.network, Network::Off);
        assert_eq!(settings.writable, vec![PathBuf::from("/p")]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn reads_enabled_network_and_additional_directories() {
        let (settings, warnings) = read(json!({
            "sandbox": {"enabled": true, "network": true},
            "permissions": {"additionalDirectories": ["../lib", "/opt/data"]}
        }));
        assert!(settings.enabled);
        assert_eq!(settings.network, Network::Allowed);
        assert_eq!(
            settings.writable,
            vec![
                PathBuf::from("/p"),
                PathBuf::from("/p/sub/../lib"),
                PathBuf::from("/opt/data")
            ]
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn bad_values_warn_and_keep_the_defaults() {
        let (settings, warnings) = read(json!({
            "sandbox": {"enabled": "yes", "network": {"allowLocalBinding": true}, "excludedCommands": []}
        }));
        assert!(!settings.enabled);
        assert_eq!(settings.network, Network::Off);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("sandbox.enabled"), "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("sandbox.excludedCommands"))
        );
        let (_, warnings) = read(json!({"sandbox": true}));
        assert_eq!(warnings.len(), 1);
    }
}
