//! What a session may do on its own: the permission mode and rules, where "always allow" rules
//! are saved, and when the conversation is compacted without asking.

use std::path::PathBuf;

use crate::permissions::Permissions;

pub(crate) struct Policy {
    pub permissions: Permissions,
    /// Where "always allow" rules are saved (None: not saved).
    pub local_settings: Option<PathBuf>,
    /// Compact once the context in use passes this share of the window.
    pub compact_threshold: f64,
    /// Tools offered to the model (so its tool list matches the parent's, byte for byte, and
    /// reads its prompt cache) but refused when called: a sub-agent's Task, AskUserQuestion and
    /// ExitPlanMode.
    pub withheld: &'static [&'static str],
    /// The command line's limits for each turn (none for a sub-agent).
    pub run: crate::agent::RunOptions,
    /// The rules an Agent SDK client granted for the session (its `updatedPermissions`), so
    /// that a later change can replace or remove them.
    pub session_rules: Vec<(crate::protocol::permission_update::RuleBehavior, String)>,
}

impl Policy {
    /// Why a call of `tool` is refused before anything else, if it is withheld.
    pub fn withheld(&self, tool: &str) -> Option<String> {
        self.withheld.contains(&tool).then(|| {
            format!(
                "{tool} is not available to a sub-agent: only the main agent starts sub-agents, \
                 asks the user questions or presents plans. Go on with the other tools, and put \
                 what you would have asked or proposed in your report."
            )
        })
    }
}
