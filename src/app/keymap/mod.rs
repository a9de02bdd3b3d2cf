//! Which key does what, by context. The reducer asks here first, so every binding lives in one
//! place. The global keys can be rebound in `<config>/claw/keybindings.json`
//! (`{"palette": "ctrl+k", "search": ["ctrl+f", "alt+/"]}`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Keys that work wherever the focus is (unless an approval prompt takes them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalAction {
    Quit,
    /// Quit at once, when the input is empty (Ctrl+D, as in a shell); otherwise the key edits.
    Exit,
    Interrupt,
    PageUp,
    PageDown,
    ScrollTop,
    ScrollBottom,
    ToggleThinking,
    ToggleLastTool,
    SwitchFocus,
    CycleMode,
    ToggleTodos,
    Palette,
    Copy,
    Search,
    ToggleMouse,
    ExternalEditor,
}

impl GlobalAction {
    pub const ALL: [GlobalAction; 17] = [
        GlobalAction::Quit,
        GlobalAction::Exit,
        GlobalAction::Interrupt,
        GlobalAction::PageUp,
        GlobalAction::PageDown,
        GlobalAction::ScrollTop,
        GlobalAction::ScrollBottom,
        GlobalAction::ToggleThinking,
        GlobalAction::ToggleLastTool,
        GlobalAction::SwitchFocus,
        GlobalAction::CycleMode,
        GlobalAction::ToggleTodos,
        GlobalAction::Palette,
        GlobalAction::Copy,
        GlobalAction::Search,
        GlobalAction::ToggleMouse,
        GlobalAction::ExternalEditor,
    ];

    /// The name used in the keybindings file.
    pub fn name(self) -> &'static str {
        match self {
            GlobalAction::Quit => "quit",
            GlobalAction::Exit => "exit",
            GlobalAction::Interrupt => "interrupt",
            GlobalAction::PageUp => "pageUp",
            GlobalAction::PageDown => "pageDown",
            GlobalAction::ScrollTop => "scrollTop",
            GlobalAction::ScrollBottom => "scrollBottom",
            GlobalAction::ToggleThinking => "toggleThinking",
            GlobalAction::ToggleLastTool => "toggleToolOutput",
            GlobalAction::SwitchFocus => "switchFocus",
            GlobalAction::CycleMode => "cycleMode",
            GlobalAction::ToggleTodos => "toggleTodos",
            GlobalAction::Palette => "palette",
            GlobalAction::Copy => "copy",
            GlobalAction::Search => "search",
            GlobalAction::ToggleMouse => "toggleMouse",
            GlobalAction::ExternalEditor => "externalEditor",
        }
    }

    /// What it does, for the `?` list.
    pub fn description(self) -> &'static str {
        match self {
            GlobalAction::Quit => "clear the input / interrupt; twice: quit",
            GlobalAction::Exit => "quit at once when the input is empty",
            GlobalAction::Interrupt => "interrupt the model and any running tool",
            GlobalAction::PageUp => "scroll the conversation up a page",
            GlobalAction::PageDown => "scroll the conversation down a page",
            GlobalAction::ScrollTop => "go to the start of the conversation",
            GlobalAction::ScrollBottom => "go to the end and follow",
            GlobalAction::ToggleThinking => "show or hide the model's thinking",
            GlobalAction::ToggleLastTool => "expand or collapse the tool output",
            GlobalAction::SwitchFocus => "move between the input and the tool activity",
            GlobalAction::CycleMode => "cycle the permission mode",
            GlobalAction::ToggleTodos => "show or hide the task list",
            GlobalAction::Palette => "command palette: commands, models, sessions, themes",
            GlobalAction::Copy => "copy a message or code block",
            GlobalAction::Search => "search the conversation (n/N next/previous)",
            GlobalAction::ToggleMouse => "mouse capture on/off (off: select text with the mouse)",
            GlobalAction::ExternalEditor => "edit the message in $EDITOR",
        }
    }
}

/// A key as claw handles it, whatever the terminal sent. Shift+Tab arrives as BackTab with
/// SHIFT (crossterm's reading of `CSI Z` and of the kitty protocol's `CSI 9;2u`), as BackTab
/// alone (other backends), or as Tab with SHIFT: all become BackTab without SHIFT, the way
/// bindings name it.
pub fn normalize(mut key: KeyEvent) -> KeyEvent {
    if key.code == KeyCode::Tab && key.modifiers.contains(KeyModifiers::SHIFT) {
        key.code = KeyCode::BackTab;
    }
    if key.code == KeyCode::BackTab {
        key.modifiers.remove(KeyModifiers::SHIFT);
    }
    key
}

/// A key with its modifiers, as written in the keybindings file ("ctrl+p", "shift+tab", "f2").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyBinding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyBinding {
    const fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        KeyBinding { code, modifiers }
    }

    pub fn parse(text: &str) -> Result<KeyBinding, String> {
        let mut modifiers = KeyModifiers::NONE;
        let parts: Vec<&str> = text.split('+').collect();
        let (key, mods) = match parts.split_last() {
            // "ctrl++" names the plus key.
            Some((&"", rest)) if text.ends_with("++") => {
                ("+", &rest[..rest.len().saturating_sub(1)])
            }
            Some((key, rest)) => (*key, rest),
            None => return Err(format!("`{text}`: empty key")),
        };
        for m in mods {
            modifiers |= match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => KeyModifiers::CONTROL,
                "alt" | "meta" | "option" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                other => return Err(format!("`{text}`: unknown modifier `{other}`")),
            };
        }
        let lower = key.to_ascii_lowercase();
        let code = match lower.as_str() {
            "esc" | "escape" => KeyCode::Esc,
            "enter" | "return" => KeyCode::Enter,
            "tab" if modifiers.contains(KeyModifiers::SHIFT) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            f if f.len() > 1
                && f.starts_with('f')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ if key.chars().count() == 1 => {
                let c = key.chars().next().unwrap_or(' ');
                // With Ctrl or Alt, terminals report letters in lower case.
                KeyCode::Char(if modifiers.is_empty() {
                    c
                } else {
                    c.to_ascii_lowercase()
                })
            }
            _ => return Err(format!("`{text}`: unknown key `{key}`")),
        };
        Ok(KeyBinding { code, modifiers })
    }

    fn matches(&self, key: &KeyEvent) -> bool {
        let key = &normalize(*key);
        // Shift is implied by the character itself ('?' or 'A'), so only Ctrl and Alt count there.
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT;
        let mut pressed = key.modifiers & relevant;
        if matches!(key.code, KeyCode::Char(_)) {
            pressed.remove(KeyModifiers::SHIFT);
        }
        let code = match key.code {
            KeyCode::Char(c) if pressed.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        code == self.code && pressed == self.modifiers
    }
}

impl std::fmt::Display for KeyBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            write!(f, "Ctrl+")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            write!(f, "Alt+")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            write!(f, "Shift+")?;
        }
        match self.code {
            KeyCode::Char(' ') => write!(f, "Space"),
            KeyCode::Char(c) => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::BackTab => write!(f, "Shift+Tab"),
            KeyCode::PageUp => write!(f, "PgUp"),
            KeyCode::PageDown => write!(f, "PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The keys in force: the defaults, with the user's file applied over them. Global actions,
/// plus the input box's "submit" and "newline".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<(KeyBinding, GlobalAction)>,
    submit: Vec<KeyBinding>,
    newline: Vec<KeyBinding>,
}

impl Default for Keymap {
    fn default() -> Self {
        const CTRL: KeyModifiers = KeyModifiers::CONTROL;
        const NONE: KeyModifiers = KeyModifiers::NONE;
        let b = KeyBinding::new;
        Keymap {
            bindings: vec![
                (b(KeyCode::Char('c'), CTRL), GlobalAction::Quit),
                (b(KeyCode::Char('d'), CTRL), GlobalAction::Exit),
                (b(KeyCode::Esc, NONE), GlobalAction::Interrupt),
                (b(KeyCode::PageUp, NONE), GlobalAction::PageUp),
                (b(KeyCode::PageDown, NONE), GlobalAction::PageDown),
                (b(KeyCode::Home, CTRL), GlobalAction::ScrollTop),
                (b(KeyCode::End, CTRL), GlobalAction::ScrollBottom),
                (b(KeyCode::Char('t'), CTRL), GlobalAction::ToggleThinking),
                (b(KeyCode::Char('o'), CTRL), GlobalAction::ToggleLastTool),
                (b(KeyCode::Char('l'), CTRL), GlobalAction::ToggleTodos),
                (b(KeyCode::Char('p'), CTRL), GlobalAction::Palette),
                (b(KeyCode::Char('y'), CTRL), GlobalAction::Copy),
                (b(KeyCode::Char('f'), CTRL), GlobalAction::Search),
                (b(KeyCode::F(2), NONE), GlobalAction::ToggleMouse),
                (b(KeyCode::Char('g'), CTRL), GlobalAction::ExternalEditor),
                (b(KeyCode::Tab, NONE), GlobalAction::SwitchFocus),
                (b(KeyCode::BackTab, NONE), GlobalAction::CycleMode),
            ],
            submit: vec![b(KeyCode::Enter, NONE)],
            newline: vec![
                b(KeyCode::Enter, KeyModifiers::SHIFT),
                b(KeyCode::Enter, KeyModifiers::ALT),
                b(KeyCode::Char('j'), CTRL),
            ],
        }
    }
}

impl Keymap {
    /// The defaults with the bindings of a keybindings file (`{"action": "key" | ["key", …]}`)
    /// in place of an action's defaults. Problems come back as warnings; the rest applies.
    pub fn from_json(text: &str) -> (Keymap, Vec<String>) {
        let mut keymap = Keymap::default();
        let mut warnings = Vec::new();
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                warnings.push(format!(
                    "not valid JSON at {}:{}: {e}",
                    e.line(),
                    e.column()
                ));
                return (keymap, warnings);
            }
        };
        let Some(object) = value.as_object() else {
            warnings.push("not a JSON object of action: key".into());
            return (keymap, warnings);
        };
        for (name, keys) in object {
            let action = GlobalAction::ALL.into_iter().find(|a| a.name() == name);
            if action.is_none() && name != "submit" && name != "newline" {
                let mut names: Vec<_> = GlobalAction::ALL.iter().map(|a| a.name()).collect();
                names.extend(["submit", "newline"]);
                warnings.push(format!(
                    "unknown action `{name}` (known: {})",
                    names.join(", ")
                ));
                continue;
            }
            let texts: Vec<&str> = match keys {
                serde_json::Value::String(s) => vec![s.as_str()],
                serde_json::Value::Array(list) => list.iter().filter_map(|k| k.as_str()).collect(),
                _ => {
                    warnings.push(format!("`{name}`: expected a key or a list of keys"));
                    continue;
                }
            };
            let mut parsed = Vec::new();
            for text in texts {
                match KeyBinding::parse(text) {
                    Ok(binding) => parsed.push(binding),
                    Err(e) => warnings.push(format!("`{name}`: {e}")),
                }
            }
            if parsed.is_empty() {
                continue;
            }
            // A key moved to an action leaves the one it had.
            for binding in &parsed {
                keymap.bindings.retain(|(b, _)| b != binding);
                keymap.submit.retain(|b| b != binding);
                keymap.newline.retain(|b| b != binding);
            }
            match action {
                Some(action) => {
                    keymap.bindings.retain(|(_, a)| *a != action);
                    keymap
                        .bindings
                        .extend(parsed.into_iter().map(|b| (b, action)));
                }
                None if name == "submit" => keymap.submit = parsed,
                None => keymap.newline = parsed,
            }
        }
        (keymap, warnings)
    }

    pub fn global(&self, key: &KeyEvent) -> Option<GlobalAction> {
        self.bindings
            .iter()
            .find(|(binding, _)| binding.matches(key))
            .map(|(_, action)| *action)
    }

    /// What a key in the input box does: submit and newline as bound, then the fixed keys.
    pub fn input(&self, key: &KeyEvent) -> InputAction {
        if self.newline.iter().any(|b| b.matches(key)) {
            return InputAction::Newline;
        }
        if self.submit.iter().any(|b| b.matches(key)) {
            return InputAction::Submit;
        }
        input(key)
    }

    /// The keys that send the message and that start a new line, as text.
    pub fn input_keys(&self) -> (Vec<String>, Vec<String>) {
        let text = |list: &[KeyBinding]| list.iter().map(|b| b.to_string()).collect();
        (text(&self.submit), text(&self.newline))
    }

    /// The first key bound to `action`, as text for a hint ("Ctrl+T"); "(unbound)" if none.
    pub fn key_for(&self, action: GlobalAction) -> String {
        self.bindings
            .iter()
            .find(|(_, a)| *a == action)
            .map_or_else(|| "(unbound)".into(), |(b, _)| b.to_string())
    }

    /// The first keys that send the message and that start a new line, for hints.
    pub fn submit_key(&self) -> String {
        self.submit
            .first()
            .map_or_else(|| "(unbound)".into(), |b| b.to_string())
    }

    pub fn newline_key(&self) -> String {
        self.newline
            .first()
            .map_or_else(|| "(unbound)".into(), |b| b.to_string())
    }

    /// The keys bound to `action`, as text ("Ctrl+P").
    pub fn keys_for(&self, action: GlobalAction) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(b, _)| b.to_string())
            .collect()
    }
}

/// Keys of the input box beyond plain editing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputAction {
    Submit,
    Newline,
    HistoryPrevious,
    HistoryNext,
    /// Home/End on an empty input scroll the transcript.
    ScrollTopIfEmpty,
    ScrollBottomIfEmpty,
    Edit,
}

/// Keys of an approval prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApprovalAction {
    AllowOnce,
    AllowForSession,
    AllowAlways,
    Deny,
    DenyWithNote,
    DenyAndStop,
    ScrollDown,
    ScrollUp,
    PageDown,
    PageUp,
    NextHunk,
    PreviousHunk,
    ToggleLayout,
}

/// Keys of the activity pane when it has the focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityAction {
    Next,
    Previous,
    Toggle,
    Leave,
}

fn ctrl(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
}

/// The input box's fixed keys (submit and newline are the keymap's).
fn input(key: &KeyEvent) -> InputAction {
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Up if !shift && !alt && !ctrl(key) => InputAction::HistoryPrevious,
        KeyCode::Down if !shift && !alt && !ctrl(key) => InputAction::HistoryNext,
        KeyCode::Home if !shift => InputAction::ScrollTopIfEmpty,
        KeyCode::End if !shift => InputAction::ScrollBottomIfEmpty,
        _ => InputAction::Edit,
    }
}

pub fn approval(key: &KeyEvent) -> Option<ApprovalAction> {
    Some(match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => ApprovalAction::AllowOnce,
        KeyCode::Char('a') => ApprovalAction::AllowForSession,
        KeyCode::Char('A') => ApprovalAction::AllowAlways,
        KeyCode::Char('n') | KeyCode::Char('N') => ApprovalAction::Deny,
        KeyCode::Char('d') | KeyCode::Char('D') => ApprovalAction::DenyWithNote,
        KeyCode::Esc => ApprovalAction::DenyAndStop,
        KeyCode::Char('j') | KeyCode::Down => ApprovalAction::ScrollDown,
        KeyCode::Char('k') | KeyCode::Up => ApprovalAction::ScrollUp,
        KeyCode::PageDown | KeyCode::Char(' ') => ApprovalAction::PageDown,
        KeyCode::PageUp => ApprovalAction::PageUp,
        KeyCode::Char(']') | KeyCode::Char('}') => ApprovalAction::NextHunk,
        KeyCode::Char('[') | KeyCode::Char('{') => ApprovalAction::PreviousHunk,
        KeyCode::Char('v') => ApprovalAction::ToggleLayout,
        _ => return None,
    })
}

pub fn activity(key: &KeyEvent) -> Option<ActivityAction> {
    Some(match key.code {
        KeyCode::Char('j') | KeyCode::Down => ActivityAction::Next,
        KeyCode::Char('k') | KeyCode::Up => ActivityAction::Previous,
        KeyCode::Enter | KeyCode::Char(' ') => ActivityAction::Toggle,
        KeyCode::Esc | KeyCode::Char('i') => ActivityAction::Leave,
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
