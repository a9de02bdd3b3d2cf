//! The dialog a session opens on when a settings file doesn't parse: none of that file applies
//! (its deny rules included), so the user chooses to go on without it (c, Enter) or to quit and
//! fix it (q, Esc). Until then no prompt is sent, not even one given on the command line.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::protocol::settings_problem::BrokenFile;

/// The dialog's state.
#[derive(Clone, Debug, PartialEq)]
pub struct BrokenSettings {
    pub files: Vec<BrokenFile>,
    /// The prompt from the command line, sent once the user chooses to go on.
    pub first_prompt: Option<String>,
}

/// What a key in the dialog chose.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Choice {
    /// Go on without the broken files (and send the first prompt, if any).
    Continue {
        first_prompt: Option<String>,
    },
    Quit,
    /// Not one of the dialog's keys.
    Nothing,
}

/// The choice `key` makes.
pub(crate) fn choice(dialog: &BrokenSettings, key: &KeyEvent) -> Choice {
    // A letter with Ctrl or Alt is some other command, not an answer.
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char('c' | 'C') if plain => Choice::Continue {
            first_prompt: dialog.first_prompt.clone(),
        },
        KeyCode::Enter => Choice::Continue {
            first_prompt: dialog.first_prompt.clone(),
        },
        KeyCode::Char('q' | 'Q') if plain => Choice::Quit,
        KeyCode::Esc => Choice::Quit,
        _ => Choice::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Instant;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::app::model::StatusInfo;
    use crate::app::{Effect, Model, Msg, update};
    use crate::protocol::Op;
    use crate::theme::Theme;

    fn model(first_prompt: Option<&str>) -> Model {
        let mut model = Model::new(Theme::dark(), StatusInfo::default(), Instant::now());
        model
            .overlays
            .open(crate::app::overlay::Overlay::BrokenSettings(
                BrokenSettings {
                    files: vec![BrokenFile {
                        path: PathBuf::from("/p/.claude/settings.json"),
                        line: 2,
                        column: 7,
                        message: "not valid JSON: trailing comma".into(),
                    }],
                    first_prompt: first_prompt.map(str::to_string),
                },
            ));
        model
    }

    fn key(model: &mut Model, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
        update(
            model,
            Msg::Key(KeyEvent::new(code, modifiers)),
            Instant::now(),
        )
    }

    #[test]
    fn c_or_enter_continues_without_the_file() {
        for code in [KeyCode::Char('c'), KeyCode::Enter] {
            let mut m = model(None);
            assert_eq!(key(&mut m, code, KeyModifiers::NONE), Vec::new());
            assert_eq!(
                m.overlays.broken_settings(),
                None,
                "{code:?} closes the dialog"
            );
            // The session goes on: keys reach the input again.
            key(&mut m, KeyCode::Char('h'), KeyModifiers::NONE);
            assert_eq!(m.input_text(), "h");
        }
    }

    #[test]
    fn the_first_prompt_waits_for_the_choice_to_continue() {
        let mut m = model(Some("fix the bug"));
        let effects = key(&mut m, KeyCode::Char('c'), KeyModifiers::NONE);
        assert!(
            effects.contains(&Effect::Send(Op::UserTurn {
                text: "fix the bug".into()
            })),
            "{effects:?}"
        );
        assert!(m.busy);
        // Quitting instead sends nothing.
        let mut m = model(Some("fix the bug"));
        let effects = key(&mut m, KeyCode::Char('q'), KeyModifiers::NONE);
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::Send(Op::UserTurn { .. }))),
            "{effects:?}"
        );
    }

    #[test]
    fn q_esc_or_the_quit_key_quit_at_once() {
        for (code, modifiers) in [
            (KeyCode::Char('q'), KeyModifiers::NONE),
            (KeyCode::Esc, KeyModifiers::NONE),
            (KeyCode::Char('c'), KeyModifiers::CONTROL),
        ] {
            let mut m = model(None);
            assert_eq!(
                key(&mut m, code, modifiers),
                vec![
                    Effect::Quit,
                    Effect::Send(Op::Shutdown(crate::protocol::ExitReason::PromptInputExit))
                ],
                "{code:?} {modifiers:?}"
            );
        }
    }

    #[test]
    fn other_keys_and_pastes_leave_the_dialog_up() {
        let mut m = model(None);
        assert_eq!(
            key(&mut m, KeyCode::Char('x'), KeyModifiers::NONE),
            Vec::new()
        );
        assert_eq!(
            key(&mut m, KeyCode::Char('c'), KeyModifiers::ALT),
            Vec::new()
        );
        update(&mut m, Msg::Paste("rm -rf /".into()), Instant::now());
        assert!(m.overlays.broken_settings().is_some());
        assert_eq!(m.input_text(), "");
    }
}
