//! Carries out the permission changes that come with an approval (an Agent SDK's
//! `updatedPermissions`): each applies to the session at once, and one for a settings file is
//! also written there in Claude Code's format, so later sessions have it too.

use std::path::PathBuf;

use crate::agent::turn::Session;
use crate::config::settings::{Layer, save_permission_change};
use crate::permissions::RuleKind;
use crate::protocol::AgentEvent;
use crate::protocol::permission_update::{
    Destination, PermissionChange, PermissionUpdate, RuleBehavior,
};

fn kind(behavior: RuleBehavior) -> RuleKind {
    match behavior {
        RuleBehavior::Allow => RuleKind::Allow,
        RuleBehavior::Deny => RuleKind::Deny,
        RuleBehavior::Ask => RuleKind::Ask,
    }
}

impl Session {
    pub(crate) fn apply_permission_updates(&mut self, updates: Vec<PermissionUpdate>) {
        for update in updates {
            self.apply_permission_update(update);
        }
    }

    fn apply_permission_update(&mut self, update: PermissionUpdate) {
        let cwd = self.services.ctx.cwd.clone();
        let (file, anchor) = match self.destination_file(update.destination) {
            Ok(place) => place,
            Err(message) => {
                self.emit(AgentEvent::Notice { message });
                return;
            }
        };
        // What the destination held before, for a change that replaces or removes.
        let before = match &file {
            Some(path) => match save_permission_change(path, &update.change) {
                Ok(before) => before,
                Err(error) => {
                    self.emit(AgentEvent::Notice {
                        message: format!(
                            "The permission change applies to this session, but could not be \
                             saved: {error}"
                        ),
                    });
                    Vec::new()
                }
            },
            None => self.session_list(&update.change),
        };
        let permissions = &mut self.policy.permissions;
        match &update.change {
            PermissionChange::AddRules { rules, behavior } => {
                for rule in rules {
                    permissions.add(kind(*behavior), rule, &anchor);
                }
            }
            PermissionChange::ReplaceRules { rules, behavior } => {
                for rule in before.iter().filter(|r| !rules.contains(r)) {
                    permissions.remove_rule(kind(*behavior), rule);
                }
                for rule in rules {
                    permissions.add(kind(*behavior), rule, &anchor);
                }
            }
            PermissionChange::RemoveRules { rules, behavior } => {
                for rule in rules {
                    permissions.remove_rule(kind(*behavior), rule);
                }
            }
            PermissionChange::AddDirectories { directories } => {
                for dir in directories {
                    permissions.add_directory(cwd.join(dir));
                }
            }
            PermissionChange::RemoveDirectories { directories } => {
                for dir in directories {
                    permissions.remove_directory(&cwd.join(dir));
                }
            }
            PermissionChange::SetMode { mode } => {
                let mode = *mode;
                self.set_mode(mode);
                self.emit(AgentEvent::PermissionModeChanged(mode));
            }
        }
        if file.is_none() {
            self.remember_session_change(&update.change);
        }
    }

    /// The settings file a destination writes to (None: the session only), and what its `/path`
    /// rules are relative to.
    fn destination_file(
        &self,
        destination: Destination,
    ) -> Result<(Option<PathBuf>, PathBuf), String> {
        let cwd = self.services.ctx.cwd.clone();
        let layer = match destination {
            Destination::Session => return Ok((None, cwd)),
            Destination::UserSettings => Layer::User,
            Destination::ProjectSettings => Layer::Project,
            Destination::LocalSettings => Layer::Local,
        };
        let Some(locations) = &self.services.setup.locations else {
            return Err(format!(
                "A permission change for {destination:?} was not applied: this session has no \
                 settings files"
            ));
        };
        let path = locations.claude_file(layer).ok_or_else(|| {
            "A permission change for the user's settings was not applied: no home directory"
                .to_string()
        })?;
        let anchor = match layer {
            Layer::User => locations.home.clone().unwrap_or(cwd),
            Layer::Project | Layer::Local | Layer::CommandLine => locations.project_root.clone(),
        };
        Ok((Some(path), anchor))
    }

    /// The rules the client granted for the session in the list a change names.
    fn session_list(&self, change: &PermissionChange) -> Vec<String> {
        match change {
            PermissionChange::ReplaceRules { behavior, .. }
            | PermissionChange::RemoveRules { behavior, .. }
            | PermissionChange::AddRules { behavior, .. } => self
                .policy
                .session_rules
                .iter()
                .filter(|(b, _)| b == behavior)
                .map(|(_, rule)| rule.clone())
                .collect(),
            PermissionChange::SetMode { .. }
            | PermissionChange::AddDirectories { .. }
            | PermissionChange::RemoveDirectories { .. } => Vec::new(),
        }
    }

    fn remember_session_change(&mut self, change: &PermissionChange) {
        let rules = &mut self.policy.session_rules;
        match change {
            PermissionChange::AddRules {
                rules: added,
                behavior,
            } => {
                rules.extend(added.iter().map(|r| (*behavior, r.clone())));
            }
            PermissionChange::ReplaceRules {
                rules: given,
                behavior,
            } => {
                rules.retain(|(b, _)| b != behavior);
                rules.extend(given.iter().map(|r| (*behavior, r.clone())));
            }
            PermissionChange::RemoveRules {
                rules: gone,
                behavior,
            } => {
                rules.retain(|(b, r)| b != behavior || !gone.contains(r));
            }
            PermissionChange::SetMode { .. }
            | PermissionChange::AddDirectories { .. }
            | PermissionChange::RemoveDirectories { .. } => {}
        }
    }
}
