//! The session-started event: everything a front end shows before the first turn, sent by the
//! agent first thing, so the full screen and headless front ends learn it the same way.

use crate::agent::history::{History, replay_events};
use crate::agent::resume::Reading;
use crate::protocol::AgentEvent;
use crate::protocol::session_start::{CommandInfo, McpServerState, SessionStart};
use crate::provider::Message;

use super::turn::Session;

impl Session {
    /// Sends `AgentEvent::SessionStarted`, with a resumed conversation's transcript: `shown`,
    /// its last turns while the rest is read, or else the whole history.
    pub(crate) fn announce_start(&self, shown: Option<&[Message]>) {
        let setup = &self.services.setup;
        let mcp_servers = match &setup.mcp {
            Some(mcp) => mcp
                .statuses()
                .into_iter()
                .map(|status| McpServerState {
                    name: status.config.name.clone(),
                    status: status.state.wire_name().into(),
                })
                .collect(),
            None => Vec::new(),
        };
        let start = SessionStart {
            session_id: self.services.session_id.clone(),
            cwd: self.services.ctx.cwd.display().to_string(),
            provider: if setup.provider_name.is_empty() {
                "anthropic".into()
            } else {
                setup.provider_name.clone()
            },
            model: self.conversation.model.id.clone(),
            context_window: self.conversation.model.context_window,
            permission_mode: self.policy.permissions.mode,
            effort: self.conversation.effort,
            tools: self
                .services
                .tools
                .specs()
                .into_iter()
                .map(|spec| spec.name)
                .collect(),
            mcp_servers,
            commands: setup
                .custom_commands
                .iter()
                .map(|c| CommandInfo {
                    name: c.name.clone(),
                    description: c.label(),
                    argument_hint: c.argument_hint.clone().unwrap_or_default(),
                })
                .collect(),
            models: super::lookup::catalog_choices(&self.services.catalog),
            api_key_source: if setup.api_key_source.is_empty() {
                "none".into()
            } else {
                setup.api_key_source.clone()
            },
            transcript: replay_events(shown.unwrap_or(self.conversation.history.messages())),
            memory_files: setup
                .memory_files
                .iter()
                .map(|path| path.display().to_string())
                .collect(),
            agents: std::iter::once(crate::config::agents::GENERAL_PURPOSE.to_string())
                .chain(setup.agents.iter().map(|a| a.name.clone()))
                .collect(),
        };
        self.emit(AgentEvent::SessionStarted(Box::new(start)));
    }

    /// Takes the whole conversation of a session resumed from its last turns, once its file
    /// has been read, and sends it to be shown (`TranscriptRestored`). Until then nothing
    /// else is done: what the user sends meanwhile waits in the inbox.
    pub(crate) async fn take_whole_conversation(&mut self, reading: Reading) {
        let log = self.conversation.history.take_log();
        match reading.rest.await {
            Ok(restored) => {
                let mut history = restored.history;
                history.set_log(log);
                self.conversation.history = history;
                self.conversation.totals =
                    super::conversation::Totals::recorded(&self.services.catalog, &restored.usage);
                self.emit(AgentEvent::TranscriptRestored {
                    transcript: replay_events(self.conversation.history.messages()),
                    notices: restored.notices,
                });
            }
            Err(_) => {
                // The reading thread died (a bug): go on with what was shown.
                self.conversation.history = History::new(reading.last, log);
                self.emit(AgentEvent::Notice {
                    message: "Only the last turns of this session could be read: the earlier ones are left out of the conversation.".into(),
                });
            }
        }
    }
}
