//! Settings files, layered as Claude Code does: user (`<config dir>/claw/settings.json`, and
//! `~/.claude/settings.json`), project (`.claude/settings.json`, `.claw/settings.json`), local
//! (`.claude/settings.local.json`, `.claw/settings.local.json`), then the command line. Lists
//! merge, scalars override; unknown keys are warned about. A malformed file is kept aside with
//! its path, line and column (the others still load), so that start-up can fail closed: its deny
//! rules are not in force, and the user must choose to go on without it. Writing a rule or a
//! setting back into a file is `file_edits`.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::permissions::{PermissionMode, Permissions, RuleKind};

mod file_edits;
mod permission_edits;
pub use file_edits::{remove_permission_rule, save_allow_rule, save_setting};
pub use permission_edits::save_permission_change;

/// Top-level keys claw knows (Claude Code's names); others get a warning.
const KNOWN_KEYS: &[&str] = &[
    "$schema",
    "permissions",
    "model",
    "hooks",
    "env",
    "apiKeyHelper",
    "cleanupPeriodDays",
    "includeCoAuthoredBy",
    "statusLine",
    "outputStyle",
    "enableAllProjectMcpServers",
    "enabledMcpjsonServers",
    "disabledMcpjsonServers",
    "mcpServers",
    "theme",
    "alwaysThinkingEnabled",
    "effortLevel",
    "forceLoginMethod",
    "spinnerTipsEnabled",
    "autoCompactThreshold",
    "smallModel",
    "provider",
    "providers",
    "sandbox",
    "allowMcpSampling",
    "mcpOAuth",
];
const KNOWN_PERMISSION_KEYS: &[&str] = &[
    "allow",
    "ask",
    "deny",
    "defaultMode",
    "additionalDirectories",
    "disableBypassPermissionsMode",
];

/// Which layer a file belongs to (later layers win).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    User,
    Project,
    Local,
    /// `--settings` and the command line's rules (`--allowedTools`, `--add-dir`…).
    CommandLine,
}

/// One settings file that was found.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsFile {
    pub path: PathBuf,
    pub layer: Layer,
    /// The directory `/path` rules in this file are relative to: the project root for project
    /// and local files, the home directory for user files.
    pub anchor: PathBuf,
    pub value: Value,
}

pub use crate::protocol::settings_problem::BrokenFile;

/// All settings, merged, with what went wrong reading them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub files: Vec<SettingsFile>,
    /// The merged value (lists concatenated, scalars from the last file that sets them).
    pub merged: Value,
    /// Readable problems: unknown keys, bad rules, files that can't be read.
    pub warnings: Vec<String>,
    /// Files that don't parse: left out of `merged`, and start-up must not go on silently.
    pub broken: Vec<BrokenFile>,
}

/// Where the settings files are looked for.
#[derive(Clone, Debug)]
pub struct Locations {
    pub project_root: PathBuf,
    pub home: Option<PathBuf>,
    /// `<config dir>/claw` (from `directories`).
    pub user_config: Option<PathBuf>,
}

impl Locations {
    pub fn detect(project_root: &Path) -> Self {
        let base = directories::BaseDirs::new();
        Locations {
            project_root: project_root.to_path_buf(),
            home: base.as_ref().map(|b| b.home_dir().to_path_buf()),
            user_config: base.as_ref().map(|b| b.config_dir().join("claw")),
        }
    }

    /// The files in the order they apply (later wins), with their layer and anchor.
    pub fn candidates(&self) -> Vec<(PathBuf, Layer, PathBuf)> {
        let mut out = Vec::new();
        let home = self.home.clone().unwrap_or_else(|| PathBuf::from("/"));
        if let Some(home) = &self.home {
            out.push((
                home.join(".claude/settings.json"),
                Layer::User,
                home.clone(),
            ));
        }
        if let Some(dir) = &self.user_config {
            out.push((dir.join("settings.json"), Layer::User, home.clone()));
        }
        let root = &self.project_root;
        for (file, layer) in [
            (".claude/settings.json", Layer::Project),
            (".claw/settings.json", Layer::Project),
            (".claude/settings.local.json", Layer::Local),
            (".claw/settings.local.json", Layer::Local),
        ] {
            out.push((root.join(file), layer, root.clone()));
        }
        out
    }

    /// The user's own settings file (where a default model is saved), if there is a config dir.
    pub fn user_file(&self) -> Option<PathBuf> {
        self.user_config
            .as_ref()
            .map(|dir| dir.join("settings.json"))
    }

    /// Claude Code's settings file of `layer` (`~/.claude/settings.json`,
    /// `.claude/settings.json`, `.claude/settings.local.json`), where an Agent SDK's permission
    /// changes are kept; None for the command line, or the user's without a home directory.
    pub fn claude_file(&self, layer: Layer) -> Option<PathBuf> {
        match layer {
            Layer::User => self.home.as_ref().map(|h| h.join(".claude/settings.json")),
            Layer::Project => Some(self.project_root.join(".claude/settings.json")),
            Layer::Local => Some(self.project_root.join(".claude/settings.local.json")),
            Layer::CommandLine => None,
        }
    }

    /// Where "always allow" rules are saved.
    pub fn local_file(&self) -> PathBuf {
        self.project_root.join(".claw/settings.local.json")
    }
}

/// Merges `overlay` into `base`: objects key by key, arrays concatenated (without repeats),
/// anything else replaced.
fn merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (key, value) in o {
                merge(b.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (Value::Array(b), Value::Array(o)) => {
            for item in o {
                if !b.contains(item) {
                    b.push(item.clone());
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

impl Settings {
    /// Reads every settings file that exists.
    pub fn load(locations: &Locations) -> Settings {
        Settings::load_layers(locations, &|_| true)
    }

    /// Reads the settings files of the layers `wanted` keeps (`--setting-sources`).
    pub fn load_layers(locations: &Locations, wanted: &dyn Fn(Layer) -> bool) -> Settings {
        let mut settings = Settings {
            merged: Value::Object(Map::new()),
            ..Settings::default()
        };
        let mut seen = Vec::new();
        for (path, layer, anchor) in locations.candidates() {
            if !wanted(layer) {
                continue;
            }
            // With the project at the home directory, two candidates are one file: read it once.
            if seen.contains(&path) {
                continue;
            }
            seen.push(path.clone());
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    settings
                        .warnings
                        .push(format!("{}: cannot read: {e}", path.display()));
                    continue;
                }
            };
            settings.add_bytes(path, layer, anchor, &bytes);
        }
        settings
    }

    /// Adds one file's text (parsed, checked, merged).
    pub fn add_text(&mut self, path: PathBuf, layer: Layer, anchor: PathBuf, text: &str) {
        self.add_bytes(path, layer, anchor, text.as_bytes());
    }

    /// Adds one file's content; one that doesn't parse (invalid UTF-8 included) joins `broken`.
    fn add_bytes(&mut self, path: PathBuf, layer: Layer, anchor: PathBuf, bytes: &[u8]) {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            // An empty file holds no rules that could be lost.
            return;
        }
        let value: Value = match serde_json::from_slice(bytes) {
            Ok(value) => value,
            Err(e) => {
                // serde_json's message ends with its own " at line L column C": drop it, the
                // position is given in front.
                let message = e.to_string();
                let message = match message.rfind(" at line ") {
                    Some(at) => message[..at].to_string(),
                    None => message,
                };
                self.broken.push(BrokenFile {
                    path,
                    line: e.line().max(1),
                    column: e.column().max(1),
                    message: format!("not valid JSON: {message}"),
                });
                return;
            }
        };
        let Some(object) = value.as_object() else {
            self.broken.push(BrokenFile {
                path,
                line: 1,
                column: 1,
                message: "settings must be a JSON object".into(),
            });
            return;
        };
        for key in object.keys() {
            if !KNOWN_KEYS.contains(&key.as_str()) {
                self.warnings.push(format!(
                    "{}: unknown setting `{key}` (ignored)",
                    path.display()
                ));
            }
        }
        if let Some(permissions) = object.get("permissions").and_then(Value::as_object) {
            for key in permissions.keys() {
                if !KNOWN_PERMISSION_KEYS.contains(&key.as_str()) {
                    self.warnings.push(format!(
                        "{}: unknown setting `permissions.{key}` (ignored)",
                        path.display()
                    ));
                }
            }
        }
        merge(&mut self.merged, &value);
        self.files.push(SettingsFile {
            path,
            layer,
            anchor,
            value,
        });
    }

    /// A string setting from the merged value.
    pub fn string(&self, key: &str) -> Option<String> {
        self.merged
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// The thinking effort to start with: `effortLevel` (what the model picker's Ctrl+S
    /// saves), else `alwaysThinkingEnabled` (Claude Code's switch: on means high), else off.
    /// A level claw doesn't know is warned about and left out.
    pub fn effort(&mut self) -> crate::protocol::Effort {
        use crate::protocol::Effort;
        if let Some(level) = self.string("effortLevel") {
            match Effort::parse(&level) {
                Some(effort) => return effort,
                None => self.warnings.push(format!(
                    "effortLevel \"{level}\" is not one of off, low, medium, high; it is ignored"
                )),
            }
        }
        match self
            .merged
            .get("alwaysThinkingEnabled")
            .and_then(Value::as_bool)
        {
            Some(true) => Effort::High,
            Some(false) | None => Effort::Off,
        }
    }

    /// The permission mode the settings ask for, if valid.
    pub fn default_mode(&mut self) -> Option<PermissionMode> {
        let text = self
            .merged
            .pointer("/permissions/defaultMode")
            .and_then(Value::as_str)?
            .to_string();
        let mode = PermissionMode::parse(&text);
        if mode.is_none() {
            self.warnings.push(format!(
                "permissions.defaultMode `{text}` is not one of default, acceptEdits, plan, bypassPermissions"
            ));
        }
        mode
    }

    /// Adds every file's rules to `permissions`, each anchored at its own file, and the
    /// additional directories. Rules that don't parse become warnings.
    pub fn apply_rules(&mut self, permissions: &mut Permissions, cwd: &Path) {
        let mut warnings = Vec::new();
        for file in &self.files {
            let Some(section) = file.value.get("permissions") else {
                continue;
            };
            for (key, kind) in [
                ("allow", RuleKind::Allow),
                ("ask", RuleKind::Ask),
                ("deny", RuleKind::Deny),
            ] {
                let Some(list) = section.get(key) else {
                    continue;
                };
                let Some(list) = list.as_array() else {
                    warnings.push(format!(
                        "{}: permissions.{key} must be a list of rules",
                        file.path.display()
                    ));
                    continue;
                };
                for rule in list {
                    match rule.as_str() {
                        Some(text) if permissions.add(kind, text, &file.anchor) => {}
                        _ => warnings.push(format!(
                            "{}: permissions.{key}: cannot read the rule {rule}",
                            file.path.display()
                        )),
                    }
                }
            }
            if let Some(dirs) = section
                .get("additionalDirectories")
                .and_then(Value::as_array)
            {
                for dir in dirs.iter().filter_map(Value::as_str) {
                    let path = Path::new(dir);
                    permissions.add_directory(if path.is_absolute() {
                        path.to_path_buf()
                    } else {
                        cwd.join(path)
                    });
                }
            }
        }
        self.warnings.extend(warnings);
    }
}

/// One effective value and the file it came from, for `/config` and `claw config`.
fn provenance(files: &[SettingsFile]) -> Vec<(String, String, PathBuf)> {
    fn walk(prefix: &str, value: &Value, path: &Path, out: &mut Vec<(String, String, PathBuf)>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let name = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&name, v, path, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    let text = item.to_string();
                    // A list item is listed once, from the first file that has it.
                    if !out.iter().any(|(k, v, _)| k == prefix && *v == text) {
                        out.push((prefix.to_string(), text, path.to_path_buf()));
                    }
                }
            }
            scalar => {
                // A later file overrides an earlier one.
                out.retain(|(k, _, _)| k != prefix);
                out.push((prefix.to_string(), scalar.to_string(), path.to_path_buf()));
            }
        }
    }
    let mut out = Vec::new();
    for file in files {
        walk("", &file.value, &file.path, &mut out);
    }
    out
}

impl Settings {
    /// The files read, every effective value with the file it came from, and the warnings.
    pub fn describe(&self) -> String {
        let mut text = String::from("Settings files, in the order they apply (later ones win):\n");
        if self.files.is_empty() {
            text.push_str("  (none found)\n");
        }
        for file in &self.files {
            text.push_str(&format!("  {:?}: {}\n", file.layer, file.path.display()));
        }
        let values = provenance(&self.files);
        if !values.is_empty() {
            text.push_str("\nEffective values:\n");
            for (key, value, path) in values {
                text.push_str(&format!("  {key} = {value}    ({})\n", path.display()));
            }
        }
        if !self.warnings.is_empty() || !self.broken.is_empty() {
            text.push_str("\nProblems:\n");
            for broken in &self.broken {
                text.push_str(&format!("  {broken} (the file was left out)\n"));
            }
            for warning in &self.warnings {
                text.push_str(&format!("  {warning}\n"));
            }
        }
        text
    }
}

#[cfg(test)]
mod tests;
