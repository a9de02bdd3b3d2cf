//! The screen a session opens on when its provider needs a key nobody set (a first run): it
//! says which variable to set, offers the model servers found running on this machine (asked
//! in the background; the list fills in when they answer) and the built-in demo. Choosing one
//! switches the session to it through the agent (`Op::SetModel` with `NAME/MODEL`), for this
//! session only unless the user saves it (`s`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::effect::Effect;
use crate::app::model::{CellKind, Model};
use crate::app::update::{set_input, submit};
use crate::protocol::Op;
use crate::protocol::local_server::LocalServer;

/// A found server shows at most this many of its models.
pub const MODELS_SHOWN: usize = 6;

/// A key the session lacks: the variable to set, for which provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingKey {
    /// "Claude (Anthropic)".
    pub provider: String,
    /// "ANTHROPIC_API_KEY".
    pub variable: String,
    /// How to choose that provider ("--provider openai"); empty for the one in use.
    pub how: String,
}

/// The screen's state.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstRun {
    /// The key the chosen provider needs, then the other providers' keys.
    pub missing: Vec<MissingKey>,
    /// The servers found; None while still looking.
    pub servers: Option<Vec<LocalServer>>,
    /// The highlighted offer (an index into `offers`).
    pub selected: usize,
    /// The prompt from the command line, sent once the user chose.
    pub first_prompt: Option<String>,
}

/// What the screen offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offer {
    /// A model of a server found on this machine.
    Local {
        provider: String,
        label: String,
        address: String,
        model: String,
    },
    /// The built-in scripted demo.
    Demo,
}

impl Offer {
    /// The model as `Op::SetModel` and the `model` setting take it: `PROVIDER/MODEL`.
    pub fn model(&self) -> String {
        match self {
            Offer::Local {
                provider, model, ..
            } => format!("{provider}/{model}"),
            Offer::Demo => "demo/demo".into(),
        }
    }
}

impl FirstRun {
    pub fn new(missing: Vec<MissingKey>, first_prompt: Option<String>) -> Self {
        FirstRun {
            missing,
            servers: None,
            selected: 0,
            first_prompt,
        }
    }

    /// The offers, top to bottom: the models of the servers found (the real thing), then
    /// the demo, which is always there.
    pub fn offers(&self) -> Vec<Offer> {
        let mut offers: Vec<Offer> = self
            .servers
            .iter()
            .flatten()
            .flat_map(|server| {
                server
                    .models
                    .iter()
                    .take(MODELS_SHOWN)
                    .map(|model| Offer::Local {
                        provider: server.provider.clone(),
                        label: server.label.clone(),
                        address: server.address.clone(),
                        model: model.clone(),
                    })
            })
            .collect();
        offers.push(Offer::Demo);
        offers
    }

    /// The servers answered: the highlight stays on the offer it was on.
    pub fn found(&mut self, servers: Vec<LocalServer>) {
        let offers = self.offers();
        let was = offers.get(self.selected).cloned();
        self.servers = Some(servers);
        let offers = self.offers();
        self.selected = was
            .and_then(|was| offers.iter().position(|o| *o == was))
            .unwrap_or(0);
    }
}

/// A key on the screen: arrows move, Enter uses the offer for this session, `s` uses and saves
/// it, Esc goes on without choosing.
pub(crate) fn on_key(model: &mut Model, key: &KeyEvent) -> Vec<Effect> {
    let Some(screen) = model.overlays.first_run_mut() else {
        return Vec::new();
    };
    let count = screen.offers().len();
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Up | KeyCode::BackTab => {
            screen.selected = screen.selected.checked_sub(1).unwrap_or(count - 1)
        }
        KeyCode::Char('k') if plain => {
            screen.selected = screen.selected.checked_sub(1).unwrap_or(count - 1)
        }
        KeyCode::Down | KeyCode::Tab => screen.selected = (screen.selected + 1) % count,
        KeyCode::Char('j') if plain => screen.selected = (screen.selected + 1) % count,
        KeyCode::Home => screen.selected = 0,
        KeyCode::End => screen.selected = count - 1,
        KeyCode::Enter => return choose(model, Save::No),
        KeyCode::Char('s' | 'S') if plain => return choose(model, Save::AsDefault),
        KeyCode::Esc => return not_now(model),
        _ => {}
    }
    Vec::new()
}

/// Whether a choice is remembered for new sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Save {
    No,
    AsDefault,
}

/// Switches the session to the highlighted offer and closes the screen.
fn choose(model: &mut Model, save: Save) -> Vec<Effect> {
    let Some(screen) = model.overlays.take_first_run() else {
        return Vec::new();
    };
    let offers = screen.offers();
    let offer = offers[screen.selected.min(offers.len() - 1)].clone();
    let chosen = offer.model();
    let mut effects = vec![Effect::Send(Op::SetModel {
        model: chosen.clone(),
    })];
    let (provider, model_name, about) = match &offer {
        Offer::Local {
            provider,
            label,
            address,
            model: name,
        } => (
            provider.clone(),
            name.clone(),
            format!("Using {label}'s {name} at {address}."),
        ),
        Offer::Demo => (
            "demo".to_string(),
            "demo".to_string(),
            "Using the demo: a scripted model inside claw (no network, no key, no cost). \
             Try `hello` for a tour with a diff to approve, `long` for a long answer to stop \
             with Esc, `run: ls` to run a command, `ask:` for a question."
                .to_string(),
        ),
    };
    let saved = match save {
        Save::AsDefault => {
            effects.push(Effect::Send(Op::SaveSetting {
                key: "model".into(),
                value: chosen.clone(),
            }));
            String::new()
        }
        Save::No => format!(
            " Not saved: `claw --model {chosen}` starts with it again (Ctrl+S in the model \
             picker saves a model as the default)."
        ),
    };
    if let Some(index) = model
        .cells
        .iter()
        .position(|c| matches!(c.kind, CellKind::Welcome(_)))
    {
        if let CellKind::Welcome(header) = &mut model.cells[index].kind {
            header.provider = provider;
            header.model = model_name;
        }
        model.touch(index);
    }
    model.push_cell(CellKind::Notice(format!("{about}{saved}")));
    effects.extend(send_first_prompt(model, screen.first_prompt));
    effects
}

/// Esc: the session goes on with the provider it has (its first request will say what is
/// missing).
fn not_now(model: &mut Model) -> Vec<Effect> {
    let Some(screen) = model.overlays.take_first_run() else {
        return Vec::new();
    };
    let variable = screen
        .missing
        .first()
        .map(|m| m.variable.clone())
        .unwrap_or_default();
    model.push_cell(CellKind::Notice(format!(
        "No model chosen. Set {variable} and start claw again, or run `claw --provider demo` to \
         try the demo."
    )));
    send_first_prompt(model, screen.first_prompt)
}

fn send_first_prompt(model: &mut Model, prompt: Option<String>) -> Vec<Effect> {
    match prompt {
        Some(prompt) => {
            set_input(model, &prompt);
            submit(model)
        }
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::app::model::StatusInfo;
    use crate::app::overlay::Overlay;
    use crate::app::welcome::{SessionFacts, welcome};
    use crate::app::{Msg, update};
    use crate::theme::Theme;

    fn missing() -> Vec<MissingKey> {
        vec![MissingKey {
            provider: "Claude (Anthropic)".into(),
            variable: "ANTHROPIC_API_KEY".into(),
            how: String::new(),
        }]
    }

    /// A session on its first-run screen, its header first.
    fn opened(first_prompt: Option<&str>) -> Model {
        let mut model = Model::new(
            Theme::dark(),
            StatusInfo {
                model: "claude-sonnet-4-6".into(),
                ..StatusInfo::default()
            },
            Instant::now(),
        );
        let header = welcome(
            &model,
            SessionFacts {
                provider: "anthropic".into(),
                ..SessionFacts::default()
            },
        );
        model.push_cell(CellKind::Welcome(header));
        model.overlays.open(Overlay::FirstRun(FirstRun::new(
            missing(),
            first_prompt.map(str::to_string),
        )));
        model
    }

    fn key(model: &mut Model, code: KeyCode) -> Vec<Effect> {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        update(model, Msg::Key(key), Instant::now())
    }

    pub(crate) fn ollama(models: &[&str]) -> LocalServer {
        LocalServer {
            provider: "ollama".into(),
            label: "Ollama".into(),
            address: "127.0.0.1:11434".into(),
            models: models.iter().map(|m| m.to_string()).collect(),
        }
    }

    fn header(model: &Model) -> (String, String) {
        match &model.cells[0].kind {
            CellKind::Welcome(w) => (w.provider.clone(), w.model.clone()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn enter_on_the_demo_switches_the_session_for_now_only() {
        let mut model = opened(None);
        let effects = key(&mut model, KeyCode::Enter);
        assert_eq!(
            effects,
            vec![Effect::Send(Op::SetModel {
                model: "demo/demo".into()
            })],
            "nothing saved"
        );
        assert!(model.overlays.first_run().is_none());
        assert_eq!(header(&model), ("demo".into(), "demo".into()));
        let notice = model.cells.last().unwrap();
        assert!(
            matches!(&notice.kind, CellKind::Notice(n) if n.contains("Using the demo") && n.contains("Not saved")),
            "{notice:?}"
        );
        // The session goes on: keys reach the input.
        key(&mut model, KeyCode::Char('h'));
        assert_eq!(model.input_text(), "h");
    }

    #[test]
    fn a_server_found_later_is_offered_with_its_models_and_s_saves_the_choice() {
        let mut model = opened(None);
        let found = crate::app::lookups::answer(
            &mut model,
            crate::protocol::Lookup::LocalServers,
            crate::protocol::LookupAnswer::LocalServers(vec![ollama(&["qwen3:8b", "llama3.2:3b"])]),
        );
        update(&mut model, Msg::Agent(found), Instant::now());
        let screen = model.overlays.first_run().unwrap();
        assert_eq!(screen.offers().len(), 3, "two models and the demo");
        assert_eq!(
            screen.offers()[screen.selected],
            Offer::Demo,
            "the highlight stays where it was"
        );
        key(&mut model, KeyCode::Up);
        let effects = key(&mut model, KeyCode::Char('s'));
        assert_eq!(
            effects,
            vec![
                Effect::Send(Op::SetModel {
                    model: "ollama/llama3.2:3b".into()
                }),
                Effect::Send(Op::SaveSetting {
                    key: "model".into(),
                    value: "ollama/llama3.2:3b".into()
                }),
            ]
        );
        assert_eq!(header(&model), ("ollama".into(), "llama3.2:3b".into()));
    }

    #[test]
    fn the_first_prompt_waits_for_the_choice_and_esc_goes_on_without_one() {
        let mut model = opened(Some("fix the bug"));
        assert!(key(&mut model, KeyCode::Down).is_empty());
        let effects = key(&mut model, KeyCode::Esc);
        let sent = |effects: &[Effect]| -> Vec<Op> {
            effects
                .iter()
                .filter_map(|e| match e {
                    Effect::Send(op) => Some(op.clone()),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(
            sent(&effects),
            [Op::UserTurn {
                text: "fix the bug".into()
            }]
        );
        assert!(model.overlays.first_run().is_none());
        assert_eq!(header(&model).0, "anthropic", "nothing switched");
        let mut model = opened(Some("fix the bug"));
        let effects = key(&mut model, KeyCode::Enter);
        assert_eq!(
            sent(&effects),
            [
                Op::SetModel {
                    model: "demo/demo".into()
                },
                Op::UserTurn {
                    text: "fix the bug".into()
                }
            ],
            "the switch comes before the prompt"
        );
    }

    #[test]
    fn ctrl_c_twice_quits_from_the_screen() {
        let mut model = opened(None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let now = Instant::now();
        assert!(update(&mut model, Msg::Key(ctrl_c), now).is_empty());
        let effects = update(&mut model, Msg::Key(ctrl_c), now);
        assert!(effects.contains(&Effect::Quit), "{effects:?}");
    }

    #[test]
    fn many_models_are_cut_and_the_list_wraps() {
        let mut screen = FirstRun::new(missing(), None);
        let names: Vec<String> = (1..=9).map(|i| format!("m{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        screen.found(vec![ollama(&refs), ollama(&[])]);
        assert_eq!(screen.offers().len(), MODELS_SHOWN + 1);
        assert_eq!(screen.selected, MODELS_SHOWN, "still on the demo");
        let mut model = opened(None);
        model.overlays.open(Overlay::FirstRun(screen));
        key(&mut model, KeyCode::Down);
        assert_eq!(model.overlays.first_run().unwrap().selected, 0);
        key(&mut model, KeyCode::Up);
        assert_eq!(model.overlays.first_run().unwrap().selected, MODELS_SHOWN);
    }
}
