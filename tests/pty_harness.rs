//! Self-tests of the end-to-end harness: the emulated terminal fed bytes directly (queries, key
//! encodings, modes), then the pseudo-terminal driver with small shell programs (not claw).

mod support;

use std::path::Path;
use std::time::Duration;

use support::pty::{HarnessError, Key, KeyboardProtocol, Profile, PtySession, Terminal, Wheel};

/// Generous: only reached when something is broken.
const T: Duration = Duration::from_secs(10);

fn terminal() -> Terminal {
    Terminal::new(40, 5, Profile::default())
}

// ---- The emulated terminal, no pty ----

#[test]
fn cursor_position_query_is_answered_where_it_appears() {
    let mut term = terminal();
    assert_eq!(term.feed(b"ab\x1b[6ncd"), b"\x1b[1;3R");
    assert_eq!(term.feed(b"\x1b[4;7H\x1b[6n"), b"\x1b[4;7R");
}

#[test]
fn a_query_split_across_reads_is_answered_once_complete() {
    let mut term = terminal();
    assert_eq!(term.feed(b"xyz\x1b["), b"");
    assert_eq!(term.feed(b"6"), b"");
    assert_eq!(term.feed(b"n"), b"\x1b[1;4R");
    assert_eq!(term.feed(b"\x1b]11;"), b"");
    assert_eq!(
        term.feed(b"?\x1b\\"),
        b"\x1b]11;rgb:0000/0000/0000\x1b\\".to_vec()
    );
}

#[test]
fn device_attributes_and_colour_queries_are_answered() {
    let mut term = Terminal::new(
        40,
        5,
        Profile {
            foreground: (0xff, 0x80, 0x00),
            ..Profile::default()
        },
    );
    assert_eq!(term.feed(b"\x1b[c"), b"\x1b[?62;22c");
    assert_eq!(term.feed(b"\x1b[0c"), b"\x1b[?62;22c");
    assert_eq!(
        term.feed(b"\x1b]10;?\x07"),
        b"\x1b]10;rgb:ffff/8080/0000\x1b\\".to_vec()
    );
    assert_eq!(
        term.feed(b"\x1b]11;?\x07"),
        b"\x1b]11;rgb:0000/0000/0000\x1b\\".to_vec()
    );
    // Setting a colour or a title is not a query.
    assert_eq!(term.feed(b"\x1b]11;rgb:1/2/3\x07\x1b]2;title\x07"), b"");
}

#[test]
fn kitty_keyboard_flags_are_a_stack() {
    let mut term = terminal();
    // crossterm's support probe: the flags query, then primary DA.
    assert_eq!(term.feed(b"\x1b[?u\x1b[c"), b"\x1b[?0u\x1b[?62;22c");
    term.feed(b"\x1b[>1u");
    assert_eq!(term.keyboard_flags(), 1);
    assert_eq!(term.feed(b"\x1b[?u"), b"\x1b[?1u");
    term.feed(b"\x1b[=4;2u");
    assert_eq!(term.keyboard_flags(), 5);
    assert!(!term.modes().keyboard_flags_balanced);
    term.feed(b"\x1b[<1u");
    assert_eq!(term.keyboard_flags(), 0);
    assert!(term.modes().keyboard_flags_balanced);
}

#[test]
fn a_terminal_without_the_kitty_protocol_answers_only_device_attributes() {
    let mut term = Terminal::new(
        40,
        5,
        Profile {
            keyboard: KeyboardProtocol::Unsupported,
            ..Profile::default()
        },
    );
    assert_eq!(term.feed(b"\x1b[?u\x1b[c"), b"\x1b[?62;22c");
    term.feed(b"\x1b[>1u");
    assert_eq!(term.keyboard_flags(), 0);
    // The push is still counted, so a missing pop is still caught.
    assert!(!term.modes().keyboard_flags_balanced);
}

#[test]
fn modes_a_program_leaves_behind_are_reported() {
    let mut term = terminal();
    assert!(term.modes().restored());
    term.feed(b"\x1b[?1049h\x1b[?25l\x1b[?1000;1006h\x1b[?2004h\x1b[?1004h\x1b[>1u");
    let modes = term.modes();
    assert!(modes.alternate_screen && modes.cursor_hidden && modes.mouse_reporting);
    assert!(modes.bracketed_paste && modes.focus_reporting);
    assert!(!modes.keyboard_flags_balanced && !modes.restored());
    // Everything but bracketed paste undone.
    term.feed(b"\x1b[<1u\x1b[?1004l\x1b[?1000;1006l\x1b[?25h\x1b[?1049l");
    assert!(!term.modes().restored());
    term.feed(b"\x1b[?2004l");
    assert!(term.modes().restored(), "{:?}", term.modes());
}

#[test]
fn synchronized_output_and_its_mode_query() {
    let mut term = terminal();
    term.feed(b"\x1b[?2026h");
    assert!(term.in_synchronized_update());
    assert_eq!(term.feed(b"\x1b[?2026$p"), b"\x1b[?2026;1$y");
    term.feed(b"\x1b[?2026l");
    assert!(!term.in_synchronized_update());
    assert_eq!(term.feed(b"\x1b[?2026$p"), b"\x1b[?2026;2$y");
}

#[test]
fn keys_are_encoded_like_xterm_and_kitty() {
    assert_eq!(Key::Up.encode(0, false), b"\x1b[A");
    assert_eq!(Key::Up.encode(0, true), b"\x1bOA");
    assert_eq!(Key::PageDown.encode(0, false), b"\x1b[6~");
    assert_eq!(Key::BackTab.encode(0, false), b"\x1b[Z");
    assert_eq!(Key::ShiftEnter.encode(0, false), b"\x1b[13;2u");
    assert_eq!(Key::Enter.encode(1, false), b"\r");
    assert_eq!(Key::Esc.encode(0, false), b"\x1b");
    assert_eq!(Key::Esc.encode(1, false), b"\x1b[27u");
    assert_eq!(Key::CtrlC.encode(0, false), b"\x03");
    assert_eq!(Key::CtrlC.encode(1, false), b"\x1b[99;5u");
    assert_eq!(Key::Ctrl('D').encode(0, false), b"\x04");
    assert_eq!(Key::Char('é').encode(0, false), "é".as_bytes());
}

#[test]
fn text_position_and_style_are_readable() {
    let mut term = terminal();
    term.feed("日本 \x1b[1;31mred\x1b[0m   \r\nnext".as_bytes());
    assert_eq!(term.text(), "日本 red\nnext\n\n\n");
    // Two wide characters take four columns.
    assert_eq!(term.find("red"), Some((0, 5)));
    let style = term.cell_style(0, 5).unwrap();
    assert_eq!(style.text, "r");
    assert!(style.bold);
    assert_eq!(style.fg, vt100::Color::Idx(1));
    assert!(!term.cell_style(0, 8).unwrap().bold);
    assert_eq!(term.find("absent"), None);
}

// ---- The pty driver, with shell programs ----

/// Runs a bash script in a pty; `sleep` at the end keeps the screen up while the test looks.
fn bash(script: &str, cols: u16, rows: u16) -> PtySession {
    PtySession::spawn(
        Path::new("bash"),
        &["--norc", "--noprofile", "-c", script],
        &[],
        Path::new("/"),
        cols,
        rows,
    )
    .unwrap()
}

#[test]
fn waits_for_printed_text() {
    let term = bash("printf 'hello\\n  harness  '; sleep 5", 40, 5);
    let screen = term.wait_for_text("harness", T).unwrap();
    assert_eq!(screen, "hello\n  harness\n\n\n");
    assert_eq!(term.screen(), screen);
}

#[test]
fn terminal_queries_are_answered_through_the_pty() {
    // `read -t 2` gives up as crossterm would: "none" means the query was not answered.
    let term = bash(
        r#"stty raw -echo
printf 'ab\033[6n'; IFS= read -r -t 2 -d R pos || pos=none
printf '\033[?u\033[c'; IFS= read -r -t 2 -d c kbd || kbd=none
printf '\033]11;?\007'; IFS= read -r -t 2 -d '\' bg || bg=none
stty sane; printf '\npos=%q\nkbd=%q\nbg=%q\n' "$pos" "$kbd" "$bg"; sleep 5"#,
        60,
        8,
    );
    let screen = term.wait_for_text("bg=", T).unwrap();
    assert!(screen.contains(r"pos=$'\E[1;3'"), "{screen}");
    assert!(screen.contains(r"kbd=$'\E[?0u\E[?62;22'"), "{screen}");
    assert!(
        screen.contains(r"bg=$'\E]11;rgb:0000/0000/0000\E'"),
        "{screen}"
    );
}

#[test]
fn alternate_screen_modes_and_exit_code() {
    let mut term = bash(
        r#"printf '\033[?1049h\033[?25l\033[?2004h\033[>1uin alt'
IFS= read -r line
printf '\033[<1u\033[?2004l\033[?25h\033[?1049lback:%s' "$line"; exit 3"#,
        40,
        5,
    );
    term.wait_for_text("in alt", T).unwrap();
    assert!(!term.modes_restored(), "{:?}", term.modes());
    term.send("typed");
    term.send_key(Key::Enter);
    assert_eq!(term.wait_exit(T).unwrap(), 3);
    assert!(term.modes_restored(), "{:?}", term.modes());
    assert_eq!(term.exit_code(), Some(3));
    // The final output is on screen once wait_exit returns, main screen back.
    assert!(term.screen().contains("back:typed"), "{}", term.screen());
    assert!(!term.screen().contains("in alt"));
}

#[test]
fn a_program_that_leaves_modes_set_is_caught() {
    let mut term = bash(r"printf '\033[?1049h\033[?2004hbye'; exit 0", 40, 5);
    assert_eq!(term.wait_exit(T).unwrap(), 0);
    let modes = term.modes();
    assert!(modes.alternate_screen && modes.bracketed_paste, "{modes:?}");
    assert!(!term.modes_restored());
}

#[test]
fn a_timeout_explains_itself() {
    let term = bash("printf 'something \\033[1melse'; sleep 5", 40, 5);
    let error = term
        .wait_for_text("never shown", Duration::from_millis(200))
        .unwrap_err();
    assert!(matches!(error, HarnessError::Timeout { .. }), "{error}");
    assert_eq!(error.screen(), Some("something else\n\n\n\n"));
    let report = format!("{error:?}");
    assert!(report.contains("\"never shown\""), "{report}");
    assert!(report.contains("|something else"), "{report}");
    assert!(report.contains(r"something \e[1melse"), "{report}");
}

#[test]
fn waiting_on_a_program_that_ended_fails_at_once() {
    let term = bash("printf 'done'", 40, 5);
    // Far longer than the test takes: the error must come from the closed pty, not the clock.
    let error = term
        .wait_for_text("never", Duration::from_secs(60))
        .unwrap_err();
    assert!(matches!(error, HarnessError::OutputEnded { .. }), "{error}");
    assert_eq!(error.screen(), Some("done\n\n\n\n"));
}

#[test]
fn a_killed_program_is_reported() {
    let mut term = bash("printf up; kill -TERM $$", 40, 5);
    match term.wait_exit(T) {
        Err(HarnessError::Killed { signal, .. }) => assert_eq!(signal, libc::SIGTERM),
        other => panic!("expected a kill, got {other:?}"),
    }
}

#[test]
fn wait_exit_times_out_on_a_running_program() {
    let mut term = bash("printf running; sleep 30", 40, 5);
    term.wait_for_text("running", T).unwrap();
    let error = term.wait_exit(Duration::from_millis(100)).unwrap_err();
    assert!(
        matches!(error, HarnessError::StillRunning { .. }),
        "{error}"
    );
}

#[test]
fn resize_reaches_the_program_and_the_screen() {
    let term = bash(
        r#"trap 'printf "cols=%s rows=%s\n" $(tput cols) $(tput lines)' WINCH
printf 'ready\n'; while true; do sleep 0.02; done"#,
        40,
        5,
    );
    term.wait_for_text("ready", T).unwrap();
    term.resize(60, 8);
    assert_eq!(term.size(), (60, 8));
    let screen = term.wait_for_text("cols=60 rows=8", T).unwrap();
    assert_eq!(screen.split('\n').count(), 8);
}

#[test]
fn keys_and_pastes_reach_the_program_as_bytes() {
    // Prints the hex of 15 input bytes: Up, BackTab, a plain paste (mode off), then a
    // bracketed one after switching bracketed paste on.
    let term = bash(
        r#"stty raw -echo; printf ready
head -c 8 | od -An -tx1 | tr -d ' \n'; printf '\r\n'
printf '\033[?2004hpaste-on'
head -c 14 | od -An -tx1 | tr -d ' \n'; printf '\r\n'; sleep 5"#,
        80,
        6,
    );
    term.wait_for_text("ready", T).unwrap();
    term.send_key(Key::Up);
    term.send_key(Key::BackTab);
    term.paste("xy");
    term.wait_for_text("paste-on", T).unwrap();
    term.paste("xy");
    let screen = term.wait_for_text("7e\n", T).unwrap();
    // ESC [ A, ESC [ Z, x y
    assert!(screen.contains("1b5b411b5b5a7879"), "{screen}");
    // ESC [ 200 ~ x y ESC [ 201 ~
    assert!(screen.contains("1b5b3230307e78791b5b3230317e"), "{screen}");
}

#[test]
fn a_half_drawn_synchronized_frame_is_never_matched() {
    let term = bash(
        r"printf '\033[?2026hpartial'; sleep 0.3; printf ' complete\033[?2026l'; sleep 5",
        40,
        5,
    );
    let screen = term.wait_for_text("partial", T).unwrap();
    assert!(screen.contains("partial complete"), "{screen}");
}

#[test]
fn dropping_the_session_kills_the_program_and_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let script = format!(
        "sleep 30 & echo $! > {}; printf started; wait",
        pid_file.display()
    );
    let term = bash(&script, 40, 5);
    term.wait_for_text("started", T).unwrap();
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    drop(term);
    // The background sleep was SIGKILLed with its group; init reaps it. Polls a process table,
    // not a screen, with a deadline.
    let deadline = std::time::Instant::now() + T;
    while alive(pid) {
        assert!(
            std::time::Instant::now() < deadline,
            "process {pid} survived"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether `pid` is still our `sleep` (a zombie waiting for init counts as gone; so does a new
/// process that reused the pid).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            stat.contains("(sleep)") && !state.starts_with('Z')
        }
        Err(_) => false,
    }
}

// ---- A real crossterm program: this test binary re-run as the child ----

const CROSSTERM_CHILD: &str = "PTY_HARNESS_CROSSTERM_CHILD";

/// Sets up the terminal as a full-screen crossterm app does, asks what crossterm asks, and
/// prints every event it decodes until Esc, then restores the terminal.
fn crossterm_child() -> std::io::Result<()> {
    use crossterm::event::{self, Event, KeyCode, KeyboardEnhancementFlags};
    use crossterm::{cursor, execute, terminal};
    use std::io::Write;

    let mut out = std::io::stdout();
    terminal::enable_raw_mode()?;
    let keyboard = terminal::supports_keyboard_enhancement();
    execute!(
        out,
        terminal::EnterAlternateScreen,
        event::EnableBracketedPaste,
        event::EnableMouseCapture,
        event::PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES),
        cursor::MoveTo(4, 2),
    )?;
    let position = cursor::position();
    write!(out, "keyboard={keyboard:?} position={position:?}\r\n")?;
    out.flush()?;
    loop {
        let event = event::read()?;
        write!(out, "{event:?}\r\n")?;
        out.flush()?;
        if let Event::Key(key) = event
            && key.code == KeyCode::Esc
        {
            break;
        }
    }
    execute!(
        out,
        event::PopKeyboardEnhancementFlags,
        event::DisableMouseCapture,
        event::DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
    )?;
    terminal::disable_raw_mode()
}

/// In the re-run child, becomes the crossterm program and exits; in the test, does nothing.
fn be_the_crossterm_child_if_asked() {
    if std::env::var_os(CROSSTERM_CHILD).is_some() {
        let code = i32::from(crossterm_child().is_err());
        std::process::exit(code);
    }
}

/// Runs the crossterm child (test `name` re-run in this binary) under `profile`, checks what it
/// learned from the terminal, and that it decodes the keys we send as a real terminal's.
fn drive_crossterm_child(name: &str, profile: Profile, keyboard: &str) {
    let exe = std::env::current_exe().unwrap();
    let mut term = PtySession::spawn_with(
        &exe,
        &["--exact", name, "--nocapture", "--test-threads", "1"],
        &[(CROSSTERM_CHILD, "1")],
        Path::new("/"),
        100,
        30,
        profile,
    )
    .unwrap();
    // Unanswered, crossterm would give up after 2 s and report an error for both.
    let screen = term.wait_for_text("position=", T).unwrap();
    let expected = format!("keyboard=Ok({keyboard}) position=Ok((4, 2))");
    assert!(screen.contains(&expected), "{screen}");
    term.send_key(Key::ShiftEnter);
    term.wait_for_text("Enter, modifiers: KeyModifiers(SHIFT)", T)
        .unwrap();
    term.send_key(Key::CtrlC);
    term.wait_for_text("Char('c'), modifiers: KeyModifiers(CONTROL)", T)
        .unwrap();
    term.send_key(Key::BackTab);
    term.wait_for_text("BackTab", T).unwrap();
    term.paste("two\nlines");
    term.wait_for_text(r#"Paste("two\nlines")"#, T).unwrap();
    term.scroll(Wheel::Down, 10, 5);
    term.wait_for_text("ScrollDown, column: 10, row: 5", T)
        .unwrap();
    term.send_key(Key::Esc);
    assert_eq!(term.wait_exit(T).unwrap(), 0);
    assert!(term.modes_restored(), "{:?}", term.modes());
}

#[test]
fn a_crossterm_program_gets_its_answers_and_decodes_our_keys() {
    be_the_crossterm_child_if_asked();
    drive_crossterm_child(
        "a_crossterm_program_gets_its_answers_and_decodes_our_keys",
        Profile::default(),
        "true",
    );
}

#[test]
fn a_crossterm_program_on_a_terminal_without_the_kitty_protocol() {
    be_the_crossterm_child_if_asked();
    drive_crossterm_child(
        "a_crossterm_program_on_a_terminal_without_the_kitty_protocol",
        Profile {
            keyboard: KeyboardProtocol::Unsupported,
            ..Profile::default()
        },
        "false",
    );
}
