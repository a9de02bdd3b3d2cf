//! The agent's session-started event, applied to the Model: the status, the lists the pickers
//! offer, the header, a resumed conversation, then the start-up notices. A long resumed
//! session shows its last turns first; its whole conversation replaces them when read.

use std::ops::Range;
use std::time::Instant;

use crate::app::effect::Effect;
use crate::app::model::{Cell, CellKind, Model, Scroll, StatusInfo, ToolCall};
use crate::protocol::session_start::SessionStart;
use crate::protocol::{AgentEvent, TurnStop};

/// The cells and tool rows a resumed transcript was drawn into.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResumedTurns {
    pub cells: Range<usize>,
    pub tools: Range<usize>,
}

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
    let (cells, tools) = (model.cells.len(), model.tools.len());
    let effects = draw_transcript(model, start.transcript, now);
    model.resumed_turns = Some(ResumedTurns {
        cells: cells..model.cells.len(),
        tools: tools..model.tools.len(),
    });
    for notice in std::mem::take(&mut model.deferred_notices) {
        model.push_cell(CellKind::Notice(notice));
    }
    effects
}

/// Draws a resumed conversation's events into the transcript.
fn draw_transcript(model: &mut Model, transcript: Vec<AgentEvent>, now: Instant) -> Vec<Effect> {
    let mut effects = Vec::new();
    let resumed = !transcript.is_empty();
    for event in transcript {
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
    effects
}

/// The whole conversation of a session whose last turns were shown first: it takes their
/// place, with its notices below it; what came after them stays as it is.
pub(crate) fn on_transcript_restored(
    model: &mut Model,
    transcript: Vec<AgentEvent>,
    notices: Vec<String>,
    now: Instant,
) -> Vec<Effect> {
    let shown = model.resumed_turns.take().unwrap_or_else(|| {
        let (cells, tools) = (model.cells.len(), model.tools.len());
        ResumedTurns {
            cells: cells..cells,
            tools: tools..tools,
        }
    });
    // Drawn on a Model of its own: replaying it must not touch what is going on now (a prompt
    // sent meanwhile, the input, an open dialog).
    let mut whole = Model::new(model.theme.clone(), StatusInfo::default(), now);
    let effects = draw_transcript(&mut whole, transcript, now);
    let drawn = whole.cells.len();
    for notice in notices {
        whole.push_cell(CellKind::Notice(notice));
    }
    let range = ResumedTurns {
        cells: shown.cells.start..shown.cells.start + drawn,
        tools: shown.tools.start..shown.tools.start + whole.tools.len(),
    };
    replace_turns(model, &shown, (whole.cells, drawn), whole.tools);
    model.resumed_turns = Some(range);
    effects
}

/// Puts `cells` (numbered from 0; the first `drawn` are the transcript, notices follow) and
/// `tools` where `shown` was, renumbering what points into the transcript and the tool rows.
fn replace_turns(
    model: &mut Model,
    shown: &ResumedTurns,
    (cells, drawn): (Vec<Cell>, usize),
    tools: Vec<ToolCall>,
) {
    let cell_moved = moved_index(&shown.cells, drawn, cells.len() - drawn);
    let tool_moved = moved_index(&shown.tools, tools.len(), 0);
    let base = shown.tools.start;
    let mut tools = tools;
    for tool in &mut tools {
        for hook in &mut tool.hooks {
            *hook += base;
        }
    }
    for tool in &mut model.tools[shown.tools.end..] {
        for hook in &mut tool.hooks {
            *hook = tool_moved(*hook);
        }
    }
    model.tools.splice(shown.tools.clone(), tools);
    let cells = cells.into_iter().map(|mut cell| {
        if let CellKind::Tool(index) = &mut cell.kind {
            *index += base;
        }
        cell
    });
    for cell in &mut model.cells[shown.cells.end..] {
        if let CellKind::Tool(index) = &mut cell.kind {
            *index = tool_moved(*index);
        }
    }
    let start = shown.cells.start;
    model.cells.splice(shown.cells.clone(), cells);
    // Rendered lines are kept by cell index and version: every cell from here on is new.
    for index in start..model.cells.len() {
        model.touch(index);
    }
    model.live_cell = model.live_cell.map(&cell_moved);
    model.selected_tool = model.selected_tool.map(&tool_moved);
    model.transcript_top_cell = cell_moved(model.transcript_top_cell);
    // A view scrolled up stays on the cell it showed; one at the end stays at the end.
    model.scroll = match model.scroll {
        Scroll::Follow => Scroll::Follow,
        Scroll::FromTop(_) => Scroll::Cell(model.transcript_top_cell),
        Scroll::Cell(index) => Scroll::Cell(cell_moved(index)),
    };
}

/// Where an index lands when `range` is replaced by `len` items and `added` more follow them:
/// the ones before it stay, the ones in it keep their distance from its end, the ones after
/// it move by the difference.
fn moved_index(range: &Range<usize>, len: usize, added: usize) -> impl Fn(usize) -> usize {
    let (start, end, new_end) = (range.start, range.end, range.start + len);
    move |index| {
        if index < start {
            index
        } else if index < end {
            (index + new_end).saturating_sub(end).max(start)
        } else {
            index + new_end + added - end
        }
    }
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

    fn turn(n: u32) -> Vec<AgentEvent> {
        vec![
            AgentEvent::UserText {
                text: format!("question {n}"),
            },
            AgentEvent::ToolStarted {
                call_id: format!("c{n}"),
                tool: "Read".into(),
                summary: format!("f{n}.rs"),
            },
            AgentEvent::ToolFinished {
                call_id: format!("c{n}"),
                outcome: crate::protocol::ToolOutcome::Success,
                output: "text".into(),
                summary: "1 line".into(),
                duration_ms: 0,
            },
            AgentEvent::TextDelta(format!("answer {n}")),
            AgentEvent::MessageDone,
        ]
    }

    #[test]
    fn the_whole_conversation_replaces_the_last_turns_and_what_came_after_stays() {
        let now = Instant::now();
        let mut model = Model::new(Theme::dark(), StatusInfo::default(), now);
        model.deferred_notices = vec!["settings: something odd".into()];
        let start = SessionStart {
            transcript: turn(2),
            ..SessionStart::default()
        };
        on_session_started(&mut model, start, now);
        // Meanwhile: a notice, and a tool row of something that ran after.
        crate::app::agent_events::on_agent(
            &mut model,
            AgentEvent::Notice {
                message: "later".into(),
            },
            now,
        );
        crate::app::agent_events::on_agent(
            &mut model,
            AgentEvent::ToolStarted {
                call_id: "c9".into(),
                tool: "Bash".into(),
                summary: "ls".into(),
            },
            now,
        );
        // Scrolled up to the last answer.
        let answer = model
            .cells
            .iter()
            .position(|c| c.kind == CellKind::Assistant("answer 2".into()))
            .unwrap();
        model.transcript_top_cell = answer;
        model.scroll = Scroll::FromTop(7);
        let before: Vec<u64> = model.cells.iter().map(|c| c.version).collect();

        let mut whole = turn(1);
        whole.extend(turn(2));
        on_transcript_restored(
            &mut model,
            whole,
            vec!["Resumed s.jsonl (4 messages).".into()],
            now,
        );
        let kinds: Vec<&CellKind> = model.cells.iter().map(|c| &c.kind).collect();
        assert!(matches!(kinds[0], CellKind::Welcome(_)));
        assert_eq!(
            kinds[1..],
            [
                &CellKind::User("question 1".into()),
                &CellKind::Tool(0),
                &CellKind::Assistant("answer 1".into()),
                &CellKind::User("question 2".into()),
                &CellKind::Tool(1),
                &CellKind::Assistant("answer 2".into()),
                &CellKind::Notice("Resumed s.jsonl (4 messages).".into()),
                &CellKind::Notice("settings: something odd".into()),
                &CellKind::Notice("later".into()),
                &CellKind::Tool(2),
            ]
        );
        let calls: Vec<&str> = model.tools.iter().map(|t| t.call_id.as_str()).collect();
        assert_eq!(calls, ["c1", "c2", "c9"]);
        assert_eq!(model.scroll, Scroll::Cell(6), "still on the last answer");
        assert_eq!(model.cells[0].version, before[0], "the header is untouched");
        assert!(
            model.cells[1..]
                .iter()
                .all(|c| c.version > before[before.len() - 1]),
            "every replaced or moved cell is drawn anew"
        );
        assert_eq!(
            model.resumed_turns,
            Some(ResumedTurns {
                cells: 1..7,
                tools: 0..2
            })
        );
    }

    #[test]
    fn a_session_read_whole_marks_its_transcript_and_a_clear_forgets_it() {
        let now = Instant::now();
        let mut model = Model::new(Theme::dark(), StatusInfo::default(), now);
        let start = SessionStart {
            transcript: turn(1),
            ..SessionStart::default()
        };
        on_session_started(&mut model, start, now);
        assert_eq!(
            model.resumed_turns,
            Some(ResumedTurns {
                cells: 1..4,
                tools: 0..1
            })
        );
        model.clear();
        assert_eq!(model.resumed_turns, None);
    }

    #[test]
    fn moved_indices_keep_their_distance_from_the_end_of_what_was_replaced() {
        let moved = moved_index(&(2..5), 10, 1);
        assert_eq!(moved(1), 1);
        assert_eq!(
            moved(2),
            9,
            "the first of the three is the third from the end of the ten"
        );
        assert_eq!(moved(4), 11);
        assert_eq!(moved(5), 13, "after the ten and the one added");
        let shrunk = moved_index(&(2..5), 1, 0);
        assert_eq!(shrunk(2), 2);
        assert_eq!(shrunk(6), 4);
    }
}
