//! Changes to the permissions that come with an approval (an Agent SDK's `updatedPermissions`):
//! rules added, replaced or removed, the mode set, working directories added or removed; each
//! for this session only or also kept in one of the settings files (Claude Code's destinations).

use serde::{Deserialize, Serialize};

use super::PermissionMode;

/// Where a change applies: always to the session, and for the settings files also there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Destination {
    Session,
    /// `~/.claude/settings.json`.
    UserSettings,
    /// `.claude/settings.json`, shared through the repository.
    ProjectSettings,
    /// `.claude/settings.local.json`.
    LocalSettings,
}

/// Which list a rule goes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleBehavior {
    Allow,
    Deny,
    Ask,
}

impl RuleBehavior {
    /// Its list's key in `permissions`.
    pub fn key(self) -> &'static str {
        match self {
            RuleBehavior::Allow => "allow",
            RuleBehavior::Deny => "deny",
            RuleBehavior::Ask => "ask",
        }
    }
}

/// One change; rules are written as in the settings (`Bash(npm test:*)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum PermissionChange {
    AddRules {
        rules: Vec<String>,
        behavior: RuleBehavior,
    },
    /// The destination's rules of `behavior` become these.
    ReplaceRules {
        rules: Vec<String>,
        behavior: RuleBehavior,
    },
    RemoveRules {
        rules: Vec<String>,
        behavior: RuleBehavior,
    },
    SetMode {
        mode: PermissionMode,
    },
    AddDirectories {
        directories: Vec<String>,
    },
    RemoveDirectories {
        directories: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionUpdate {
    pub change: PermissionChange,
    pub destination: Destination,
}
