//! Choices the user makes while the agent is busy (a model, a permission mode, a thinking
//! effort). Every wait keeps them in one `Pending`; the turn applies them at its next step, and
//! the session at once when it is idle, so none is lost whatever the agent was waiting on.

use crate::agent::turn::Session;
use crate::protocol::{Effort, PermissionMode};

/// The latest of each choice not applied yet.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    pub model: Option<String>,
    pub mode: Option<PermissionMode>,
    pub effort: Option<Effort>,
}

impl Session {
    /// Applies every pending choice: the model first, as the effort's thinking depends on it.
    pub(crate) fn apply_pending(&mut self, pending: &mut Pending) {
        if let Some(name) = pending.model.take() {
            self.set_model(&name);
        }
        if let Some(effort) = pending.effort.take() {
            self.set_effort(effort);
        }
        self.apply_pending_mode(pending);
    }

    /// Applies a pending permission mode (before a call is judged).
    pub(crate) fn apply_pending_mode(&mut self, pending: &mut Pending) {
        if let Some(mode) = pending.mode.take() {
            self.set_mode(mode);
        }
    }
}
