//! The agent's session-started event, applied to the Model: the status, the lists the pickers
//! offer, the header, a resumed conversation, then the start-up notices.

use std::time::Instant;

use crate::app::effect::Effect;
use crate::app::model::{CellKind, Model};
use crate::protocol::session_start::SessionStart;
use crate::protocol::{AgentEvent, TurnStop};

pub(crate) fn on_session_started(
    model: &mut Model,
    start: SessionStart,
    now: Instant,
) -> Vec<Effect> {
    let facts = crate::app::welcome::SessionFacts::from_start(&start);
    model.status.model = start.model;
    model.status.provider = start.provider.clone();
    model.status.context_window = start.context_window;
    // Not the permission mode: the screen starts in it already, and a Shift+Tab pressed before
    // this event arrives has changed it since (the agent applied that after sending this).
    model.effort = start.effort;
    model.catalog_models = start.models;
    model.custom_commands = start.commands;
    // The header first: the resumed conversation and the notices come below it.
    let header = crate::app::welcome::welcome(model, facts);
    model.push_cell(CellKind::Welcome(header));
    let mut effects = Vec::new();
    let resumed = !start.transcript.is_empty();
    for event in start.transcript {
        effects.extend(crate::app::agent_events::on_agent(model, event, now));
    }
    if resumed {
        // A resumed answer is complete: nothing of it is live.
        effects.extend(crate::app::agent_events::on_agent(
            model,
            AgentEvent::TurnEnded {
                stop: TurnStop::Done,
            },
            now,
        ));
    }
    for notice in std::mem::take(&mut model.deferred_notices) {
        model.push_cell(CellKind::Notice(notice));
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::model::StatusInfo;
    use crate::protocol::PermissionMode;
    use crate::protocol::session_start::CommandInfo;
    use crate::theme::Theme;

    #[test]
    fn the_header_comes_first_then_the_resumed_conversation_then_the_start_up_notices() {
        let now = Instant::now();
        let mut model = Model::new(Theme::dark(), StatusInfo::default(), now);
        model.deferred_notices = vec!["settings: something odd".into()];
        // Shift+Tab pressed before the event came.
        model.status.permission_mode = "plan".into();
        let start = SessionStart {
            model: "claude-opus-4-6".into(),
            context_window: 200_000,
            permission_mode: PermissionMode::AcceptEdits,
            commands: vec![CommandInfo {
                name: "review".into(),
                description: "Review the diff (project)".into(),
                argument_hint: String::new(),
            }],
            transcript: vec![
                AgentEvent::UserText {
                    text: "before".into(),
                },
                AgentEvent::TextDelta("an answer".into()),
                AgentEvent::MessageDone,
            ],
            ..SessionStart::default()
        };
        on_session_started(&mut model, start, now);
        let kinds: Vec<&CellKind> = model.cells.iter().map(|c| &c.kind).collect();
        assert!(matches!(kinds[0], CellKind::Welcome(w) if w.model == "claude-opus-4-6"));
        assert_eq!(kinds[1], &CellKind::User("before".into()));
        assert_eq!(kinds[2], &CellKind::Assistant("an answer".into()));
        assert_eq!(
            kinds[3],
            &CellKind::Notice("settings: something odd".into())
        );
        assert_eq!(kinds.len(), 4);
        assert!(model.deferred_notices.is_empty());
        assert_eq!(
            model.status.permission_mode, "plan",
            "a mode the user chose meanwhile stays"
        );
        assert_eq!(model.status.context_window, 200_000);
        assert_eq!(model.custom_commands[0].name, "review");
        assert!(!model.busy, "nothing of a resumed answer is live");
    }
}
