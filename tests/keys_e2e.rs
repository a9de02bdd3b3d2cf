//! Keys as terminals really send them, through a pseudo-terminal to the real binary: Shift+Tab
//! in its legacy (`CSI Z`) and kitty (`CSI 9;2u`) forms cycles the permission mode, and a
//! Ctrl+C that cleared typed text does not arm quitting.

mod support;

use std::time::Duration;

use support::claw::Claw;
use support::pty::{Key, KeyboardProtocol, Profile, PtySession};

const T: Duration = Duration::from_secs(20);

fn started(claw: &Claw, keyboard: KeyboardProtocol) -> PtySession {
    let term = claw.start(
        100,
        30,
        Profile {
            keyboard,
            ..Profile::default()
        },
    );
    term.wait_for_text("Ask claw", T).unwrap();
    term
}

/// The status bar: the last row of the screen.
fn status_bar(term: &PtySession) -> String {
    term.screen().lines().last().unwrap_or("").to_string()
}

fn quit(term: &mut PtySession) {
    term.key(Key::Ctrl('d'));
    assert_eq!(term.wait_exit(T).unwrap(), 0);
}

#[test]
fn shift_tab_cycles_the_permission_mode_in_both_encodings() {
    for keyboard in [KeyboardProtocol::Supported, KeyboardProtocol::Unsupported] {
        let claw = Claw::new(Vec::new());
        let mut term = started(&claw, keyboard);
        assert!(status_bar(&term).contains("default"), "{}", term.screen());
        // What xterm, tmux and kitty (with claw's flags) send for Shift+Tab.
        term.key(Key::BackTab);
        term.wait_for(
            |s| s.lines().last().is_some_and(|l| l.contains("acceptEdits")),
            T,
        )
        .unwrap();
        // The kitty protocol's full form, sent by terminals that report every key as CSI u.
        term.send_bytes(b"\x1b[9;2u");
        term.wait_for(|s| s.lines().last().is_some_and(|l| l.contains("plan")), T)
            .unwrap();
        assert!(
            term.screen().contains("Ask claw"),
            "the key typed nothing into the input:\n{}",
            term.screen()
        );
        quit(&mut term);
    }
}

#[test]
fn a_ctrl_c_that_cleared_text_does_not_quit() {
    let claw = Claw::new(Vec::new());
    let mut term = started(&claw, KeyboardProtocol::Supported);
    term.key(Key::CtrlC);
    term.wait_for_text("Press Ctrl+C again to quit", T).unwrap();
    term.send("bbb");
    term.wait_for_text("bbb", T).unwrap();
    term.key(Key::CtrlC);
    term.wait_for(|s| !s.contains("bbb") && s.contains("Ask claw"), T)
        .unwrap();
    assert!(
        !status_bar(&term).contains("again to quit"),
        "clearing the text did not arm quitting: {}",
        status_bar(&term)
    );
    // Still running: the next press arms, the one after quits.
    term.key(Key::CtrlC);
    term.wait_for_text("Press Ctrl+C again to quit", T).unwrap();
    term.key(Key::CtrlC);
    assert_eq!(term.wait_exit(T).unwrap(), 0);
    assert!(term.modes().restored(), "{:?}", term.modes());
}
