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
}
