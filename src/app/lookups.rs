//! The lookups the screen asks the agent for (model and session lists, `/diff`, `/doctor`, the
//! first-run screen's local servers) and their answers: each answer is matched to its question
//! by id, and one the screen no longer waits for (superseded, or its picker closed) is ignored.

use crate::app::effect::Effect;
use crate::app::model::{CellKind, Model};
use crate::app::palette::PaletteKind;
use crate::protocol::{Lookup, LookupAnswer, LookupId, Op};

/// Asks the agent for `lookup`; an earlier lookup of the same kind is no longer waited on.
pub fn ask(model: &mut Model, lookup: Lookup) -> Op {
    model.lookups.forget(|asked, _| asked == lookup);
    model.lookups.ask(lookup, ())
}

/// `ask`, as an effect.
pub(crate) fn send(model: &mut Model, lookup: Lookup) -> Effect {
    Effect::Send(ask(model, lookup))
}

/// The agent answered lookup `id`.
pub(crate) fn answered(model: &mut Model, id: LookupId, answer: LookupAnswer) {
    if model.lookups.waiting_for(id).is_none() {
        return;
    }
    match answer {
        // One answer per provider: the lookup stays open for the others.
        LookupAnswer::Models(listed) => crate::app::palette::add_listed(model, listed),
        LookupAnswer::Sessions(listed) => {
            model.lookups.answered(id);
            if sessions_shown(model) {
                model.sessions = Some(listed);
            }
        }
        LookupAnswer::GitDiff(result) => {
            model.lookups.answered(id);
            match result {
                Ok(files) => model.overlays.open(crate::app::overlay::Overlay::DiffPane(
                    crate::app::diff_pane::DiffPane::new(files),
                )),
                Err(message) => model.push_cell(CellKind::Error(format!("/diff: {message}"))),
            }
        }
        LookupAnswer::Doctor(body) => {
            model.lookups.answered(id);
            model.push_cell(CellKind::Info {
                title: "Doctor".into(),
                body,
            });
        }
        LookupAnswer::LocalServers(found) => {
            model.lookups.answered(id);
            if let Some(screen) = model.overlays.first_run_mut() {
                screen.found(found);
            }
        }
        // Headless asks for these; the screen shows `/context` and `/mcp` its own way.
        LookupAnswer::ContextUsage(_) | LookupAnswer::McpStatus(_) => {
            model.lookups.answered(id);
        }
    }
}

/// Whether a picker that lists sessions is open (an answer for a closed one is stale).
fn sessions_shown(model: &Model) -> bool {
    model
        .overlays
        .palette()
        .is_some_and(|p| matches!(p.kind, PaletteKind::Sessions | PaletteKind::Everything))
}

/// The id of the `lookup` among `effects` (tests).
#[cfg(test)]
pub(crate) fn id_in(effects: &[Effect], wanted: Lookup) -> LookupId {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Send(Op::Lookup { id, lookup }) if *lookup == wanted => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {wanted:?} lookup in {effects:?}"))
}

/// Asks for `lookup` and returns the agent's answer to it (tests).
#[cfg(test)]
pub(crate) fn answer(
    model: &mut Model,
    lookup: Lookup,
    answer: LookupAnswer,
) -> crate::protocol::AgentEvent {
    let id = id_in(&[send(model, lookup)], lookup);
    crate::protocol::AgentEvent::LookedUp { id, answer }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::msg::Msg;
    use crate::protocol::{AgentEvent, SessionChoice};

    fn now(model: &mut Model, msg: Msg) {
        crate::app::update(model, msg, std::time::Instant::now());
    }

    fn session(id: &str) -> SessionChoice {
        SessionChoice {
            id: id.into(),
            first_prompt: format!("prompt of {id}"),
            age_secs: 5,
            messages: 2,
            cost: 0.0,
        }
    }

    fn sessions_answer(id: LookupId, listed: &str) -> Msg {
        Msg::Agent(AgentEvent::LookedUp {
            id,
            answer: LookupAnswer::Sessions(vec![session(listed)]),
        })
    }

    #[test]
    fn a_stale_sessions_answer_is_ignored_and_the_current_one_is_shown() {
        let mut model = crate::app::palette_tests::palette_model();
        let first = crate::app::palette_keys::open(&mut model, PaletteKind::Sessions);
        let first = id_in(&first, Lookup::Sessions);
        // The picker closes before the agent answers: that answer is for nobody.
        model
            .overlays
            .close(crate::app::overlay::OverlayKind::Palette);
        now(&mut model, sessions_answer(first, "closed"));
        assert_eq!(model.sessions, None);

        // Opened again: the new lookup's answer fills it; the old one, arriving late, doesn't.
        let second = crate::app::palette_keys::open(&mut model, PaletteKind::Sessions);
        let second = id_in(&second, Lookup::Sessions);
        assert_ne!(first, second);
        now(&mut model, sessions_answer(first, "stale"));
        assert_eq!(model.sessions, None);
        now(&mut model, sessions_answer(second, "fresh"));
        assert_eq!(model.sessions.as_ref().unwrap()[0].id, "fresh");
        // An id the screen never asked about (another front end's) changes nothing.
        now(&mut model, sessions_answer(99, "someone else's"));
        assert_eq!(model.sessions.as_ref().unwrap()[0].id, "fresh");
    }

    #[test]
    fn a_doctor_report_shows_once_for_its_own_lookup() {
        let mut model = crate::app::palette_tests::palette_model();
        let Op::Lookup { id, .. } = ask(&mut model, Lookup::Doctor) else {
            panic!()
        };
        let report = |id| {
            Msg::Agent(AgentEvent::LookedUp {
                id,
                answer: LookupAnswer::Doctor("all good".into()),
            })
        };
        now(&mut model, report(id + 1));
        now(&mut model, report(id));
        now(&mut model, report(id));
        let shown = model
            .cells
            .iter()
            .filter(|c| matches!(&c.kind, CellKind::Info { title, .. } if title == "Doctor"))
            .count();
        assert_eq!(shown, 1);
    }
}
