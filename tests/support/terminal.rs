//! The terminal a program under test talks to, without the pseudo-terminal: a vt100 screen that
//! also answers the queries crossterm sends (cursor position, device attributes, kitty keyboard
//! flags, colours) and encodes keys the way xterm does. `pty.rs` wires it to a real pty; being
//! pure, it is tested by feeding bytes (see tests/pty_harness.rs).

use std::num::NonZeroU16;

/// How the emulated terminal presents itself.
#[derive(Clone, Debug)]
pub struct Profile {
    pub keyboard: KeyboardProtocol,
    /// Answer to `OSC 10 ; ?`, as 8-bit red, green, blue.
    pub foreground: (u8, u8, u8),
    /// Answer to `OSC 11 ; ?`.
    pub background: (u8, u8, u8),
}

impl Default for Profile {
    /// A dark xterm-like terminal that speaks the kitty keyboard protocol (flags 0 at start).
    fn default() -> Self {
        Profile {
            keyboard: KeyboardProtocol::Supported,
            foreground: (0xff, 0xff, 0xff),
            background: (0, 0, 0),
        }
    }
}

/// Whether the terminal answers the kitty keyboard protocol (`CSI ? u`) and honours its flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyboardProtocol {
    Supported,
    /// Like plain xterm: `CSI ? u` goes unanswered (crossterm then sees only the DA reply).
    Unsupported,
}

/// Kitty keyboard flag 0b1: "disambiguate escape codes" (Esc and Ctrl+letter become CSI u).
const DISAMBIGUATE: u16 = 1;

/// Terminal modes that a program must restore before it exits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Modes {
    pub alternate_screen: bool,
    pub cursor_hidden: bool,
    pub mouse_reporting: bool,
    pub bracketed_paste: bool,
    pub focus_reporting: bool,
    /// Every kitty keyboard push (`CSI > flags u`) was matched by a pop (`CSI < n u`).
    pub keyboard_flags_balanced: bool,
}

impl Modes {
    pub fn restored(&self) -> bool {
        !self.alternate_screen
            && !self.cursor_hidden
            && !self.mouse_reporting
            && !self.bracketed_paste
            && !self.focus_reporting
            && self.keyboard_flags_balanced
    }
}

/// The look of one screen cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellStyle {
    pub text: String,
    pub fg: vt100::Color,
    pub bg: vt100::Color,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub inverse: bool,
}

/// State vt100 does not keep, updated from its "unhandled sequence" callbacks, which run in
/// stream order: a query is answered with the screen exactly as it was when the query arrived,
/// and a query split across two reads is reassembled by vt100's own parser.
#[derive(Debug)]
struct Extras {
    profile: Profile,
    replies: Vec<u8>,
    /// Kitty keyboard flag stack; the top is the current flags.
    keyboard_stack: Vec<u16>,
    keyboard_pushes: usize,
    keyboard_pops: usize,
    /// Inside `CSI ? 2026 h` … `CSI ? 2026 l`: the frame on screen is incomplete.
    synchronized: bool,
    focus_reporting: bool,
}

impl Extras {
    fn keyboard_flags(&self) -> u16 {
        self.keyboard_stack.last().copied().unwrap_or(0)
    }

    fn reply(&mut self, bytes: &[u8]) {
        self.replies.extend_from_slice(bytes);
    }

    fn private_mode(&mut self, params: &[&[u16]], on: bool) {
        for param in params {
            match param.first() {
                Some(2026) => self.synchronized = on,
                Some(1004) => self.focus_reporting = on,
                _ => {}
            }
        }
    }

    fn keyboard(&mut self, intermediate: u8, params: &[&[u16]]) {
        let first = params.first().and_then(|p| p.first()).copied();
        match intermediate {
            b'>' => {
                self.keyboard_pushes += 1;
                if self.profile.keyboard == KeyboardProtocol::Supported {
                    self.keyboard_stack.push(first.unwrap_or(0));
                }
            }
            b'<' => {
                let count = usize::from(first.unwrap_or(1).max(1));
                self.keyboard_pops += count;
                let keep = self.keyboard_stack.len().saturating_sub(count);
                self.keyboard_stack.truncate(keep);
            }
            b'=' if self.profile.keyboard == KeyboardProtocol::Supported => {
                let flags = first.unwrap_or(0);
                let mode = params.get(1).and_then(|p| p.first()).copied().unwrap_or(1);
                let current = self.keyboard_flags();
                let next = match mode {
                    2 => current | flags,
                    3 => current & !flags,
                    _ => flags,
                };
                match self.keyboard_stack.last_mut() {
                    Some(top) => *top = next,
                    None => self.keyboard_stack.push(next),
                }
            }
            b'?' if self.profile.keyboard == KeyboardProtocol::Supported => {
                let flags = self.keyboard_flags();
                self.reply(format!("\x1b[?{flags}u").as_bytes());
            }
            _ => {}
        }
    }
}

impl vt100::Callbacks for Extras {
    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let first = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
        match (i1, i2, c) {
            // Device status report: 5 = "are you ok", 6 = cursor position (1-based).
            (None, None, 'n') if first == 5 => self.reply(b"\x1b[0n"),
            (None, None, 'n') | (Some(b'?'), None, 'n') if first == 6 => {
                let (row, col) = screen.cursor_position();
                let mark = if i1.is_some() { "?" } else { "" };
                self.reply(format!("\x1b[{mark}{};{}R", row + 1, col + 1).as_bytes());
            }
            // Primary device attributes: a VT220-class terminal with ANSI colour.
            (None, None, 'c') if first == 0 => self.reply(b"\x1b[?62;22c"),
            // Secondary device attributes.
            (Some(b'>'), None, 'c') if first == 0 => self.reply(b"\x1b[>0;0;0c"),
            (Some(b'?'), None, 'h') => self.private_mode(params, true),
            (Some(b'?'), None, 'l') => self.private_mode(params, false),
            // DECRQM for a private mode: 1 = set, 2 = reset, 0 = unknown.
            (Some(b'?'), Some(b'$'), 'p') => {
                let state = match first {
                    2026 if self.synchronized => 1,
                    2026 => 2,
                    1004 if self.focus_reporting => 1,
                    1004 => 2,
                    _ => 0,
                };
                self.reply(format!("\x1b[?{first};{state}$y").as_bytes());
            }
            (Some(i @ (b'>' | b'<' | b'=' | b'?')), None, 'u') => self.keyboard(i, params),
            _ => {}
        }
    }

    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        // `OSC 10 ; ?` / `OSC 11 ; ?`, BEL- or ST-terminated; answered with ST like xterm's
        // default (vt100 does not tell which terminator the query used).
        let (which, (r, g, b)) = match params {
            [b"10", b"?"] => ("10", self.profile.foreground),
            [b"11", b"?"] => ("11", self.profile.background),
            _ => return,
        };
        let (r, g, b) = (u16::from(r) * 257, u16::from(g) * 257, u16::from(b) * 257);
        self.reply(format!("\x1b]{which};rgb:{r:04x}/{g:04x}/{b:04x}\x1b\\").as_bytes());
    }
}

fn size(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN)
}

/// A screen plus the terminal's side of the conversation.
pub struct Terminal {
    parser: vt100::Parser<Extras>,
}

impl Terminal {
    pub fn new(cols: u16, rows: u16, profile: Profile) -> Self {
        let extras = Extras {
            profile,
            replies: Vec::new(),
            keyboard_stack: Vec::new(),
            keyboard_pushes: 0,
            keyboard_pops: 0,
            synchronized: false,
            focus_reporting: false,
        };
        Terminal {
            parser: vt100::Parser::new_with_callbacks(size(rows), size(cols), 0, extras),
        }
    }

    /// Processes program output; returns what the terminal answers (to write to its input).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.parser.process(bytes);
        std::mem::take(&mut self.parser.callbacks_mut().replies)
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.parser.screen_mut().set_size(size(rows), size(cols));
    }

    /// (cols, rows)
    pub fn size(&self) -> (u16, u16) {
        let (rows, cols) = self.parser.screen().size();
        (cols.get(), rows.get())
    }

    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// The screen as text: rows joined by '\n', trailing spaces trimmed.
    pub fn text(&self) -> String {
        let screen = self.parser.screen();
        let (_, cols) = screen.size();
        screen
            .rows(0, cols.get())
            .map(|row| row.trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// True while the program is drawing a frame inside synchronized-output markers.
    pub fn in_synchronized_update(&self) -> bool {
        self.parser.callbacks().synchronized
    }

    /// The current kitty keyboard flags (0 when none were pushed or the protocol is off).
    pub fn keyboard_flags(&self) -> u16 {
        self.parser.callbacks().keyboard_flags()
    }

    pub fn modes(&self) -> Modes {
        let screen = self.parser.screen();
        let extras = self.parser.callbacks();
        Modes {
            alternate_screen: screen.alternate_screen(),
            cursor_hidden: screen.hide_cursor(),
            mouse_reporting: screen.mouse_protocol_mode() != vt100::MouseProtocolMode::None,
            bracketed_paste: screen.bracketed_paste(),
            focus_reporting: extras.focus_reporting,
            keyboard_flags_balanced: extras.keyboard_pushes == extras.keyboard_pops,
        }
    }

    /// Zero-based `row`, `col`; None outside the screen.
    pub fn cell_style(&self, row: u16, col: u16) -> Option<CellStyle> {
        let cell = self.parser.screen().cell(row, col)?;
        Some(CellStyle {
            text: cell.contents().to_string(),
            fg: cell.fgcolor(),
            bg: cell.bgcolor(),
            bold: cell.bold(),
            dim: cell.dim(),
            italic: cell.italic(),
            underline: cell.underline(),
            inverse: cell.inverse(),
        })
    }

    /// Where `text` first appears on screen, as zero-based (row, col) of its first cell (wide
    /// characters count two columns, as on screen). Text spanning rows is not found.
    pub fn find(&self, text: &str) -> Option<(u16, u16)> {
        let screen = self.parser.screen();
        let (rows, cols) = screen.size();
        for row in 0..rows.get() {
            // Each cell's text, with the column where it starts.
            let mut line = String::new();
            let mut starts = Vec::new();
            for col in 0..cols.get() {
                let Some(cell) = screen.cell(row, col) else {
                    break;
                };
                if cell.is_wide_continuation() {
                    continue;
                }
                starts.push((line.len(), col));
                if cell.has_contents() {
                    line.push_str(cell.contents());
                } else {
                    line.push(' ');
                }
            }
            if let Some(at) = line.find(text) {
                let col = starts.iter().rev().find(|(byte, _)| *byte <= at);
                return col.map(|&(_, col)| (row, col));
            }
        }
        None
    }
}

/// Keys, encoded as xterm sends them (and as kitty does once the program pushes the
/// "disambiguate" keyboard flag).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Enter,
    /// Sent as CSI u (`ESC [ 13 ; 2 u`) whatever the flags: legacy xterm cannot tell it from Enter.
    ShiftEnter,
    Esc,
    CtrlC,
    /// Ctrl plus a letter or one of `@[\]^_`.
    Ctrl(char),
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Char(char),
}

impl Key {
    /// The bytes for this key given the terminal's kitty flags and cursor-key mode (DECCKM).
    pub fn encode(self, keyboard_flags: u16, application_cursor: bool) -> Vec<u8> {
        let disambiguate = keyboard_flags & DISAMBIGUATE != 0;
        let cursor = |letter: char| {
            let intro = if application_cursor { "\x1bO" } else { "\x1b[" };
            format!("{intro}{letter}").into_bytes()
        };
        match self {
            Key::Enter => b"\r".to_vec(),
            Key::ShiftEnter => b"\x1b[13;2u".to_vec(),
            Key::Esc if disambiguate => b"\x1b[27u".to_vec(),
            Key::Esc => b"\x1b".to_vec(),
            Key::CtrlC => Key::Ctrl('c').encode(keyboard_flags, application_cursor),
            Key::Ctrl(c) if disambiguate => {
                format!("\x1b[{};5u", u32::from(c.to_ascii_lowercase())).into_bytes()
            }
            Key::Ctrl(c) => {
                let upper = c.to_ascii_uppercase();
                if ('@'..='_').contains(&upper) {
                    vec![(upper as u8) & 0x1f]
                } else {
                    c.to_string().into_bytes()
                }
            }
            Key::Up => cursor('A'),
            Key::Down => cursor('B'),
            Key::Right => cursor('C'),
            Key::Left => cursor('D'),
            Key::Home => cursor('H'),
            Key::End => cursor('F'),
            Key::PageUp => b"\x1b[5~".to_vec(),
            Key::PageDown => b"\x1b[6~".to_vec(),
            Key::Tab => b"\t".to_vec(),
            Key::BackTab => b"\x1b[Z".to_vec(),
            Key::Backspace => b"\x7f".to_vec(),
            Key::Delete => b"\x1b[3~".to_vec(),
            Key::Char(c) => c.to_string().into_bytes(),
        }
    }
}

/// Mouse wheel direction for [`mouse_scroll`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wheel {
    Up,
    Down,
}

/// An SGR (mode 1006) left click at zero-based `col`, `row`: press then release.
pub fn mouse_click(col: u16, row: u16) -> Vec<u8> {
    let (x, y) = (col + 1, row + 1);
    format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m").into_bytes()
}

/// An SGR (mode 1006) wheel notch at zero-based `col`, `row`.
pub fn mouse_scroll(wheel: Wheel, col: u16, row: u16) -> Vec<u8> {
    let button = match wheel {
        Wheel::Up => 64,
        Wheel::Down => 65,
    };
    format!("\x1b[<{button};{};{}M", col + 1, row + 1).into_bytes()
}
