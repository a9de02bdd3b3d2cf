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
    model.status.model = start.model;
    model.status.context_window = start.context_window;
    model.status.permission_mode = start.permission_mode.as_str().into();
    model.effort = start.effort;
    model.catalog_models = start.models;
    model.custom_commands = start.commands;
    // The header first: the resumed conversation and the notices come below it.
    let header = crate::app::welcome::welcome(model);
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
