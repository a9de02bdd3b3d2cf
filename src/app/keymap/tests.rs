//! Keys as terminals send them, the default bindings, and keybindings.json parsing.

use super::*;

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn parses_key_names() {
    let p = |t: &str| KeyBinding::parse(t).map(|b| b.to_string());
    assert_eq!(p("ctrl+p").as_deref(), Ok("Ctrl+P"));
    assert_eq!(p("Ctrl+Shift+Tab").as_deref(), Ok("Ctrl+Shift+Tab"));
    assert_eq!(p("shift+tab").as_deref(), Ok("Shift+Tab"));
    assert_eq!(p("alt+/").as_deref(), Ok("Alt+/"));
    assert_eq!(p("f2").as_deref(), Ok("F2"));
    assert_eq!(p("ctrl++").as_deref(), Ok("Ctrl++"));
    assert!(p("hyper+x").unwrap_err().contains("modifier"));
    assert!(p("ctrl+nope").unwrap_err().contains("unknown key"));
    assert!(p("f99").is_err());
}

#[test]
fn defaults_and_a_file_that_rebinds() {
    let defaults = Keymap::default();
    assert_eq!(
        defaults.global(&press(KeyCode::Char('p'), KeyModifiers::CONTROL)),
        Some(GlobalAction::Palette)
    );
    // Terminals may report Ctrl+Shift+P as an upper-case P.
    assert_eq!(
        defaults.global(&press(KeyCode::Char('P'), KeyModifiers::CONTROL)),
        Some(GlobalAction::Palette)
    );
    assert_eq!(
        defaults.global(&press(KeyCode::Char('p'), KeyModifiers::NONE)),
        None
    );
    let (keymap, warnings) = Keymap::from_json(
        r#"{"palette": ["ctrl+k", "alt+p"], "search": "ctrl+p", "nonsense": "x", "copy": 3}"#,
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(
        keymap.global(&press(KeyCode::Char('k'), KeyModifiers::CONTROL)),
        Some(GlobalAction::Palette)
    );
    assert_eq!(
        keymap.global(&press(KeyCode::Char('p'), KeyModifiers::CONTROL)),
        Some(GlobalAction::Search)
    );
    assert_eq!(
        keymap.global(&press(KeyCode::Char('f'), KeyModifiers::CONTROL)),
        None
    );
    assert_eq!(
        keymap.keys_for(GlobalAction::Palette),
        vec!["Ctrl+K", "Alt+P"]
    );
    let (_, warnings) = Keymap::from_json("{ broken");
    assert!(warnings[0].contains("1:"));
    // Enter for a new line; Alt+S or Ctrl+J to send.
    let (keymap, warnings) =
        Keymap::from_json(r#"{"newline": "enter", "submit": ["alt+s", "ctrl+j"]}"#);
    assert!(warnings.is_empty(), "{warnings:?}");
    let enter = press(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(keymap.input(&enter), InputAction::Newline);
    assert_eq!(
        keymap.input(&press(KeyCode::Char('s'), KeyModifiers::ALT)),
        InputAction::Submit
    );
    assert_eq!(
        keymap.input(&press(KeyCode::Char('j'), KeyModifiers::CONTROL)),
        InputAction::Submit
    );
    assert_eq!(
        Keymap::default().input(&press(KeyCode::Enter, KeyModifiers::SHIFT)),
        InputAction::Newline
    );
    assert_eq!(Keymap::default().input(&enter), InputAction::Submit);
}

#[test]
fn shift_tab_is_one_key_however_the_terminal_sends_it() {
    let keymap = Keymap::default();
    for sent in [
        // crossterm on Unix, for `CSI Z` and for the kitty protocol's `CSI 9;2u`.
        press(KeyCode::BackTab, KeyModifiers::SHIFT),
        // Backends that report the key without the modifier.
        press(KeyCode::BackTab, KeyModifiers::NONE),
        // Tab with Shift held, as a terminal may report it.
        press(KeyCode::Tab, KeyModifiers::SHIFT),
    ] {
        assert_eq!(
            keymap.global(&sent),
            Some(GlobalAction::CycleMode),
            "{sent:?}"
        );
        assert_eq!(normalize(sent), press(KeyCode::BackTab, KeyModifiers::NONE));
    }
    assert_eq!(
        keymap.global(&press(KeyCode::Tab, KeyModifiers::NONE)),
        Some(GlobalAction::SwitchFocus)
    );
    // A rebinding written "shift+tab" matches the real key too.
    let (rebound, warnings) = Keymap::from_json(r#"{"palette": "shift+tab"}"#);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        rebound.global(&press(KeyCode::BackTab, KeyModifiers::SHIFT)),
        Some(GlobalAction::Palette)
    );
}
