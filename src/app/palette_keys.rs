//! Keys of the open palette: typing filters, Up/Down choose, Enter runs the choice, Esc closes.
//! In the model picker Left/Right set the thinking effort and Ctrl+S also saves the model as
//! the default, with the effort in force.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::effect::Effect;
use crate::app::model::{CellKind, Model};
use crate::app::palette::{self, Palette, PaletteAction, PaletteKind};
use crate::protocol::{Lookup, Op};
use crate::theme::Theme;

/// Rows moved by PgUp/PgDn.
const PAGE: usize = 10;

/// Opens the palette of `kind`, asking the agent for the lists it shows that may have changed.
pub(crate) fn open(model: &mut Model, kind: PaletteKind) -> Vec<Effect> {
    let mut palette = Palette::new(kind, model.effort);
    if kind == PaletteKind::Copy {
        palette.selected = crate::app::copy::start_index(model);
    } else if kind != PaletteKind::Everything {
        // A picker starts on what is in force (the model, theme or mode).
        palette.selected = palette::shown(model, &palette)
            .iter()
            .position(|s| s.item.current)
            .unwrap_or(0);
    }
    model
        .overlays
        .open(crate::app::overlay::Overlay::Palette(palette));
    let mut effects = Vec::new();
    let wants = |k: PaletteKind| kind == k || kind == PaletteKind::Everything;
    if wants(PaletteKind::Models) && !model.models_requested {
        model.models_requested = true;
        effects.push(crate::app::lookups::send(model, Lookup::Models));
    }
    if wants(PaletteKind::Sessions) {
        effects.push(crate::app::lookups::send(model, Lookup::Sessions));
    }
    effects
}

pub(crate) fn on_palette_key(model: &mut Model, key: &KeyEvent) -> Vec<Effect> {
    let Some(open_palette) = model.overlays.palette() else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let shown = palette::shown(model, open_palette);
    let count = shown.len();
    let kind = open_palette.kind;
    let Some(p) = model.overlays.palette_mut() else {
        return Vec::new();
    };
    let up = |p: &mut Palette, by: usize| {
        p.selected = if p.selected == 0 && by == 1 {
            count.saturating_sub(1)
        } else {
            p.selected.saturating_sub(by)
        }
    };
    let down = |p: &mut Palette, by: usize| {
        p.selected = if p.selected + 1 >= count && by == 1 {
            0
        } else {
            (p.selected + by).min(count.saturating_sub(1))
        }
    };
    match key.code {
        KeyCode::Esc => model
            .overlays
            .close(crate::app::overlay::OverlayKind::Palette),
        KeyCode::Char('c') if ctrl => model
            .overlays
            .close(crate::app::overlay::OverlayKind::Palette),
        KeyCode::Enter => {
            let chosen = shown.get(p.selected.min(count.saturating_sub(1)));
            if let Some(chosen) = chosen {
                let action = chosen.item.action.clone();
                return choose(model, action, Save::No);
            }
        }
        KeyCode::Char('s') if ctrl && matches!(kind, PaletteKind::Models | PaletteKind::Themes) => {
            if let Some(chosen) = shown.get(p.selected.min(count.saturating_sub(1))) {
                let action = chosen.item.action.clone();
                return choose(model, action, Save::AsDefault);
            }
        }
        KeyCode::Up => up(p, 1),
        KeyCode::Char('p' | 'k') if ctrl => up(p, 1),
        KeyCode::Down | KeyCode::Tab => down(p, 1),
        KeyCode::Char('n' | 'j') if ctrl => down(p, 1),
        KeyCode::PageUp => up(p, PAGE),
        KeyCode::PageDown => down(p, PAGE),
        KeyCode::Left if kind == PaletteKind::Models => p.effort = p.effort.step(false),
        KeyCode::Right if kind == PaletteKind::Models => p.effort = p.effort.step(true),
        KeyCode::Backspace => {
            if p.query.pop().is_none() && kind != PaletteKind::Everything {
                // Backspace on an empty filter widens to the whole palette.
                p.kind = PaletteKind::Everything;
            }
            p.selected = 0;
        }
        KeyCode::Char(c) if !ctrl => {
            p.query.push(c);
            p.selected = 0;
        }
        _ => {}
    }
    Vec::new()
}

/// Whether choosing a model or theme also makes it the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Save {
    No,
    AsDefault,
}

/// Carries out a palette choice.
pub(crate) fn choose(model: &mut Model, action: PaletteAction, save: Save) -> Vec<Effect> {
    let effort = model.overlays.take_palette().map(|p| p.effort);
    match action {
        // A prompt that needs arguments is typed out, not run without them.
        PaletteAction::Command(name)
            if crate::app::mcp::prompt_named(model, &name)
                .is_some_and(|p| p.arguments.iter().any(|a| a.required)) =>
        {
            crate::app::update::set_input(model, &format!("/{name} "));
            Vec::new()
        }
        PaletteAction::Command(name) => crate::app::submit::submit_text(model, &format!("/{name}")),
        PaletteAction::Open(kind) => open(model, kind),
        PaletteAction::Model(id) => {
            let mut effects = Vec::new();
            let chosen = crate::app::model_list::listed_models(model)
                .into_iter()
                .find(|l| l.select == id);
            let mut message = format!(
                "Model: {}",
                chosen.as_ref().map_or(id.as_str(), |l| l.label.as_str())
            );
            if chosen.as_ref().is_none_or(|l| !l.current) {
                // The screen follows at once; the agent confirms with SessionInfo.
                match chosen {
                    Some(listed) => {
                        model.status.model = listed.choice.id;
                        model.status.provider = listed.provider;
                    }
                    None => model.status.model = id.clone(),
                }
                effects.push(Effect::Send(Op::SetModel { model: id.clone() }));
                message.push_str(", from your next message on");
            }
            if let Some(effort) = effort.filter(|e| *e != model.effort) {
                model.effort = effort;
                effects.push(Effect::Send(Op::SetEffort(effort)));
            }
            message.push_str(&format!("; thinking {}", model.effort.as_str()));
            if save == Save::AsDefault {
                effects.push(Effect::Send(Op::SaveSetting {
                    key: "model".into(),
                    value: id,
                }));
                effects.push(Effect::Send(Op::SaveSetting {
                    key: "effortLevel".into(),
                    value: model.effort.as_str().into(),
                }));
            }
            model.push_cell(CellKind::Notice(format!("{message}.")));
            effects
        }
        PaletteAction::Session(id) => {
            crate::app::submit::submit_text(model, &format!("/resume {id}"))
        }
        PaletteAction::Theme(name) => {
            if save == Save::No {
                choose_theme(model, &name);
                return Vec::new();
            }
            // The agent says where it saved it.
            if switch_theme(model, &name) {
                return vec![Effect::Send(Op::SaveSetting {
                    key: "theme".into(),
                    value: name,
                })];
            }
            Vec::new()
        }
        PaletteAction::Mode(mode) => {
            model.status.permission_mode = mode.as_str().to_string();
            model.push_cell(CellKind::Notice(format!(
                "Permission mode: {}.",
                mode.as_str()
            )));
            vec![Effect::Send(Op::SetPermissionMode(mode))]
        }
        PaletteAction::Copy(text) => {
            let lines = text.lines().count();
            model.push_cell(CellKind::Notice(format!(
                "Copied {lines} line{} to the clipboard.",
                if lines == 1 { "" } else { "s" }
            )));
            vec![Effect::Copy(text)]
        }
    }
}

/// Switches to the built-in theme `name` (the views redraw everything in its colours).
/// The user chose theme `name` (with `/theme` or the picker): switch and say so.
pub(crate) fn choose_theme(model: &mut Model, name: &str) {
    if switch_theme(model, name) {
        model.push_cell(CellKind::Notice(format!(
            "Theme: {name} (for this session; the /theme picker's Ctrl+S keeps it for new ones)."
        )));
    }
}

/// Switches to theme `name`; false (and an error on screen) when there is none of that name.
pub(crate) fn switch_theme(model: &mut Model, name: &str) -> bool {
    match Theme::builtin(name) {
        Some(theme) => {
            model.theme = theme;
            // The input box takes its colours when made: make it again, keeping what's typed.
            let text = model.input_text();
            let pastes = std::mem::take(&mut model.pastes);
            model.reset_input();
            model.input.insert_str(text);
            model.pastes = pastes;
            true
        }
        None => {
            model.push_cell(CellKind::Error(format!(
                "No theme `{name}`: choose one of {}.",
                Theme::names().join(", ")
            )));
            false
        }
    }
}
