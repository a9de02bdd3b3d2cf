//! The command palette and pickers, driven by keys.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::model::{CellKind, StatusInfo};
use crate::app::palette::{PaletteKind, shown};
use crate::app::{Effect, Model, Msg, update};
use crate::protocol::slash_command::SlashCommand;
use crate::protocol::{
    AgentEvent, Effort, Lookup, LookupAnswer, ModelChoice, Op, PermissionMode, SessionChoice,
};
use crate::theme::Theme;

pub(crate) fn palette_model() -> Model {
    let mut model = Model::new(
        Theme::dark(),
        StatusInfo {
            model: "claude-sonnet-4-6".into(),
            permission_mode: "default".into(),
            ..StatusInfo::default()
        },
        Instant::now(),
    );
    model.catalog_models =
        crate::agent::lookup::catalog_choices(&crate::provider::catalog::Catalog::builtin());
    model
}

fn key(model: &mut Model, code: KeyCode) -> Vec<Effect> {
    let mut effects = update(model, Msg::Key(KeyEvent::from(code)), Instant::now());
    effects.retain(|e| !matches!(e, Effect::SaveHistory(_)));
    effects
}

fn ctrl(model: &mut Model, c: char) -> Vec<Effect> {
    update(
        model,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        Instant::now(),
    )
}

fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        key(model, KeyCode::Char(c));
    }
}

#[test]
fn ctrl_p_opens_the_palette_and_asks_for_models_and_sessions_once() {
    let mut model = palette_model();
    let effects = ctrl(&mut model, 'p');
    assert_eq!(
        model.overlays.palette().map(|p| p.kind),
        Some(PaletteKind::Everything)
    );
    crate::app::lookups::id_in(&effects, Lookup::Models);
    crate::app::lookups::id_in(&effects, Lookup::Sessions);
    key(&mut model, KeyCode::Esc);
    assert!(model.overlays.palette().is_none());
    let again = ctrl(&mut model, 'p');
    assert!(!again.iter().any(|e| matches!(
        e,
        Effect::Send(Op::Lookup {
            lookup: Lookup::Models,
            ..
        })
    )));
}

#[test]
fn typing_filters_and_enter_runs_a_command() {
    let mut model = palette_model();
    ctrl(&mut model, 'p');
    type_text(&mut model, "cost");
    let palette = model.overlays.palette().cloned().unwrap();
    let first = &shown(&model, &palette)[0];
    assert_eq!(first.item.label, "/cost");
    assert_eq!(first.positions, vec![1, 2, 3, 4]);
    let effects = key(&mut model, KeyCode::Enter);
    assert!(model.overlays.palette().is_none());
    assert_eq!(
        effects,
        vec![Effect::Send(Op::Command {
            command: SlashCommand::Cost,
            args: String::new()
        })]
    );
}

#[test]
fn the_model_picker_switches_model_and_effort_and_can_save_the_default() {
    let mut model = palette_model();
    type_text(&mut model, "/model");
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        model.overlays.palette().map(|p| p.kind),
        Some(PaletteKind::Models)
    );
    assert_eq!(effects.len(), 1);
    let asked = crate::app::lookups::id_in(&effects, Lookup::Models);
    // It starts on the model in use.
    let palette = model.overlays.palette().cloned().unwrap();
    assert_eq!(
        shown(&model, &palette)[palette.selected].item.label,
        "claude-sonnet-4-6"
    );
    // The server's own models join the list.
    update(
        &mut model,
        Msg::Agent(AgentEvent::LookedUp {
            id: asked,
            answer: LookupAnswer::Models(vec![ModelChoice {
                id: "local-llama".into(),
                name: "Llama".into(),
                context_window: None,
                prices: None,
                thinks: true,
                provider: String::new(),
            }]),
        }),
        Instant::now(),
    );
    type_text(&mut model, "llama");
    key(&mut model, KeyCode::Right);
    key(&mut model, KeyCode::Right);
    assert_eq!(
        model.overlays.palette().map(|p| p.effort),
        Some(Effort::Medium)
    );
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![
            Effect::Send(Op::SetModel {
                model: "local-llama".into()
            }),
            Effect::Send(Op::SetEffort(Effort::Medium)),
        ]
    );
    assert_eq!(model.status.model, "local-llama");
    assert_eq!(model.effort, Effort::Medium);

    type_text(&mut model, "/model");
    key(&mut model, KeyCode::Enter);
    type_text(&mut model, "haiku");
    let effects = ctrl(&mut model, 's');
    assert_eq!(
        effects,
        vec![
            Effect::Send(Op::SetModel {
                model: "claude-haiku-4-5".into()
            }),
            Effect::Send(Op::SaveSetting {
                key: "model".into(),
                value: "claude-haiku-4-5".into()
            }),
            // The effort in force (medium, chosen above) is saved with it.
            Effect::Send(Op::SaveSetting {
                key: "effortLevel".into(),
                value: "medium".into()
            }),
        ]
    );
}

#[test]
fn modes_themes_and_sessions_from_the_palette() {
    let mut model = palette_model();
    ctrl(&mut model, 'p');
    type_text(&mut model, "acceptedits");
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Send(Op::SetPermissionMode(
            PermissionMode::AcceptEdits
        ))]
    );
    assert_eq!(model.status.permission_mode, "acceptEdits");
    assert!(
        matches!(model.cells.last().map(|c| &c.kind), Some(CellKind::Notice(n)) if n == "Permission mode: acceptEdits."),
        "the switch says what it did"
    );

    type_text(&mut model, "/theme light");
    key(&mut model, KeyCode::Enter);
    assert_eq!(model.theme.name, "light");
    type_text(&mut model, "/theme nope");
    key(&mut model, KeyCode::Enter);
    assert!(
        matches!(model.cells.last().map(|c| &c.kind), Some(CellKind::Error(e)) if e.contains("high-contrast"))
    );

    type_text(&mut model, "/resume");
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(effects.len(), 1);
    let asked = crate::app::lookups::id_in(&effects, Lookup::Sessions);
    update(
        &mut model,
        Msg::Agent(AgentEvent::LookedUp {
            id: asked,
            answer: LookupAnswer::Sessions(vec![
                SessionChoice {
                    id: "a1".into(),
                    first_prompt: "fix the parser".into(),
                    age_secs: 120,
                    messages: 4,
                    cost: 0.01,
                },
                SessionChoice {
                    id: "b2".into(),
                    first_prompt: "write the docs".into(),
                    age_secs: 7200,
                    messages: 9,
                    cost: 0.2,
                },
            ]),
        }),
        Instant::now(),
    );
    type_text(&mut model, "docs");
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Send(Op::Command {
            command: SlashCommand::Resume,
            args: "b2".into()
        })]
    );
}

#[test]
fn navigation_wraps_and_backspace_widens_a_picker() {
    let mut model = palette_model();
    type_text(&mut model, "/theme");
    key(&mut model, KeyCode::Enter);
    assert_eq!(
        model.overlays.palette().map(|p| p.kind),
        Some(PaletteKind::Themes)
    );
    key(&mut model, KeyCode::Up);
    let palette = model.overlays.palette().cloned().unwrap();
    assert_eq!(palette.selected, shown(&model, &palette).len() - 1);
    key(&mut model, KeyCode::Down);
    assert_eq!(model.overlays.palette().map(|p| p.selected), Some(0));
    key(&mut model, KeyCode::Backspace);
    assert_eq!(
        model.overlays.palette().map(|p| p.kind),
        Some(PaletteKind::Everything)
    );
    // Ctrl+S in the theme picker keeps the choice for next time.
    key(&mut model, KeyCode::Esc);
    type_text(&mut model, "/theme");
    key(&mut model, KeyCode::Enter);
    type_text(&mut model, "high");
    let effects = ctrl(&mut model, 's');
    assert_eq!(model.theme.name, "high-contrast");
    assert_eq!(
        effects,
        vec![Effect::Send(Op::SaveSetting {
            key: "theme".into(),
            value: "high-contrast".into()
        })]
    );
}

#[test]
fn ctrl_y_offers_messages_and_code_blocks_to_copy() {
    let mut model = palette_model();
    for event in [
        AgentEvent::UserText {
            text: "show me main".into(),
        },
        AgentEvent::TextDelta("Here it is:\n\n```rust\nfn main() {}\n```\n".into()),
        AgentEvent::MessageDone,
    ] {
        update(&mut model, Msg::Agent(event), Instant::now());
    }
    ctrl(&mut model, 'y');
    let palette = model.overlays.palette().cloned().unwrap();
    assert_eq!(palette.kind, PaletteKind::Copy);
    let labels: Vec<_> = shown(&model, &palette)
        .into_iter()
        .map(|s| (s.item.group, s.item.label))
        .collect();
    assert_eq!(
        labels,
        vec![
            ("code", "fn main() {}".to_string()),
            ("answer", "Here it is:".to_string()),
            ("prompt", "show me main".to_string()),
        ]
    );
    assert_eq!(palette.selected, 0);
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::Copy("fn main() {}\n".into())]);
    // Scrolled up to the prompt, the list starts there.
    model.scroll = crate::app::model::Scroll::FromTop(0);
    model.transcript_top_cell = 0;
    ctrl(&mut model, 'y');
    let palette = model.overlays.palette().cloned().unwrap();
    assert_eq!(
        shown(&model, &palette)[palette.selected].item.label,
        "show me main"
    );
    key(&mut model, KeyCode::Esc);
    assert!(
        matches!(model.cells.last().map(|c| &c.kind), Some(CellKind::Notice(n)) if n.contains("Copied 1 line"))
    );
}
