//! The form dialog of an MCP server's elicitation: one row per field (text and numbers typed,
//! booleans toggled, choices picked), then Accept, Decline and Cancel. Accepting checks every
//! field against the server's schema and says what is wrong, field by field. A URL-mode
//! request has no fields: its Accept opens the page in the browser (`o` too), `c` copies the
//! address; a page a tool call waits on shows again once opened, its Accept saying the user is
//! done there (`o` opens it again). An overlay on the stack: it takes keys and says what they
//! did as an action.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::effect::Effect;
use crate::app::model::{APPROVAL_GRACE, Model};
use crate::protocol::Op;
use crate::protocol::elicitation::{
    ElicitationAnswer, ElicitationRequest, FieldKind, FieldValue, FormField, RetryStep,
    UrlElicitation,
};

/// A key for the form on screen: keys typed just as it appeared were meant for what was there
/// before and are dropped; an answer goes to the agent and shows the next form, if any.
pub(crate) fn on_form_key(model: &mut Model, key: &KeyEvent, now: Instant) -> Vec<Effect> {
    let Some(form) = model.elicitations.front_mut() else {
        return Vec::new();
    };
    let shown_at = *form.shown_at.get_or_insert(now);
    if now.duration_since(shown_at) < APPROVAL_GRACE {
        return Vec::new();
    }
    if let (Some(page), KeyCode::Char('c')) = (&form.request.url, key.code) {
        form.copied = true;
        return vec![Effect::Copy(page.url.clone())];
    }
    // A page already opened for a call waiting on it: `o` opens it again, Accept says done.
    let opened = form.request.url.as_ref().filter(|page| waiting(page));
    if let (Some(page), KeyCode::Char('o')) = (opened, key.code) {
        return vec![Effect::OpenUrl(page.url.clone())];
    }
    let FormAction::Answered(answer) = form.on_key(key) else {
        return Vec::new();
    };
    let id = form.request.id;
    let open = match (&form.request.url, &answer) {
        (Some(page), ElicitationAnswer::Accept(_)) if !waiting(page) => {
            Some(Effect::OpenUrl(page.url.clone()))
        }
        _ => None,
    };
    model.elicitations.pop_front();
    if let Some(next) = model.elicitations.front_mut() {
        next.shown_at = Some(now);
    }
    open.into_iter()
        .chain([Effect::Send(Op::Elicit { id, answer })])
        .collect()
}

/// The server says the user finished URL elicitation `id` in the browser: its dialog closes
/// (the agent answered it), and the next one, if any, shows.
pub(crate) fn on_completed(model: &mut Model, id: u64, now: Instant) {
    let Some(at) = model.elicitations.iter().position(|f| f.request.id == id) else {
        return;
    };
    if let Some(form) = model.elicitations.remove(at) {
        model.push_cell(crate::app::model::CellKind::Notice(format!(
            "MCP server {} says the step in the browser is done.",
            form.request.server
        )));
    }
    if at == 0
        && let Some(next) = model.elicitations.front_mut()
    {
        next.shown_at = Some(now);
    }
}

/// Whether `page` was opened already, for a tool call waiting to be made again.
pub fn waiting(page: &UrlElicitation) -> bool {
    page.before_retry
        .as_ref()
        .is_some_and(|retry| retry.step == RetryStep::Waiting)
}

/// The host a URL-mode page is on, as the user must judge it: what follows the scheme, without
/// any `user@` before it (`https://bank.example@evil.example` is on evil.example) or a port.
pub fn host(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    (!host.is_empty()).then_some(host)
}

/// What the user has entered in one field so far.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// Text and numbers, as typed.
    Typed(String),
    /// A boolean; None until chosen.
    Toggle(Option<bool>),
    /// A single choice: the chosen option's index.
    Pick(Option<usize>),
    /// A multiple choice: which options are ticked, and the highlighted one.
    Ticks { ticked: Vec<bool>, at: usize },
}

/// The buttons below the fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Button {
    Accept,
    Decline,
    Cancel,
}

/// One form on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct ElicitationForm {
    pub request: ElicitationRequest,
    pub entries: Vec<Entry>,
    /// The highlighted row: a field, or `fields.len()` for the buttons.
    pub cursor: usize,
    pub button: Button,
    /// What is wrong with each field, after an Accept that failed (by field index).
    pub errors: Vec<Option<String>>,
    /// When it became visible (it may wait behind another one).
    pub shown_at: Option<Instant>,
    /// A URL-mode request's address was copied.
    pub copied: bool,
}

/// What a key did to the form.
#[derive(Clone, Debug, PartialEq)]
pub enum FormAction {
    Editing,
    Answered(ElicitationAnswer),
}

impl ElicitationForm {
    pub fn new(request: ElicitationRequest) -> Self {
        let entries = request.fields.iter().map(entry_for).collect();
        let errors = vec![None; request.fields.len()];
        ElicitationForm {
            request,
            entries,
            cursor: 0,
            button: Button::Accept,
            errors,
            shown_at: None,
            copied: false,
        }
    }

    /// The row of the buttons, after the fields.
    pub fn buttons_row(&self) -> usize {
        self.request.fields.len()
    }

    pub fn on_key(&mut self, key: &KeyEvent) -> FormAction {
        let rows = self.buttons_row() + 1;
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        // A page has no fields to type in: `o` opens it.
        if self.request.url.is_some() && key.code == KeyCode::Char('o') {
            return FormAction::Answered(ElicitationAnswer::Accept(Vec::new()));
        }
        match key.code {
            KeyCode::Esc => return FormAction::Answered(ElicitationAnswer::Cancel),
            KeyCode::Tab | KeyCode::Down => self.cursor = (self.cursor + 1) % rows,
            KeyCode::BackTab | KeyCode::Up => {
                self.cursor = self.cursor.checked_sub(1).unwrap_or(rows - 1)
            }
            KeyCode::Enter if self.cursor == self.buttons_row() => {
                return match self.button {
                    Button::Accept => self.accept(),
                    Button::Decline => FormAction::Answered(ElicitationAnswer::Decline),
                    Button::Cancel => FormAction::Answered(ElicitationAnswer::Cancel),
                };
            }
            KeyCode::Enter => self.cursor += 1,
            KeyCode::Left | KeyCode::Right if self.cursor == self.buttons_row() => {
                let order = [Button::Accept, Button::Decline, Button::Cancel];
                let at = order.iter().position(|b| *b == self.button).unwrap_or(0);
                let step = if key.code == KeyCode::Right { 1 } else { 2 };
                self.button = order[(at + step) % 3];
            }
            _ if control => {}
            _ => self.edit(key.code),
        }
        FormAction::Editing
    }

    /// A key on the highlighted field.
    fn edit(&mut self, code: KeyCode) {
        let Some(field) = self.request.fields.get(self.cursor) else {
            return;
        };
        let options = match &field.kind {
            FieldKind::Choice { options, .. } => options.len(),
            FieldKind::Text { .. } | FieldKind::Number { .. } | FieldKind::Boolean => 0,
        };
        let Some(entry) = self.entries.get_mut(self.cursor) else {
            return;
        };
        match (entry, code) {
            (Entry::Typed(text), KeyCode::Char(c)) => text.push(c),
            (Entry::Typed(text), KeyCode::Backspace) => {
                text.pop();
            }
            (Entry::Toggle(value), KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right) => {
                *value = Some(!value.unwrap_or(false))
            }
            (Entry::Toggle(value), KeyCode::Char('y')) => *value = Some(true),
            (Entry::Toggle(value), KeyCode::Char('n')) => *value = Some(false),
            (Entry::Pick(chosen), KeyCode::Right | KeyCode::Char(' ')) if options > 0 => {
                *chosen = Some(chosen.map_or(0, |i| (i + 1) % options))
            }
            (Entry::Pick(chosen), KeyCode::Left) if options > 0 => {
                *chosen = Some(chosen.map_or(options - 1, |i| (i + options - 1) % options))
            }
            (Entry::Pick(chosen), KeyCode::Backspace) => *chosen = None,
            (Entry::Ticks { at, .. }, KeyCode::Right) if options > 0 => *at = (*at + 1) % options,
            (Entry::Ticks { at, .. }, KeyCode::Left) if options > 0 => {
                *at = (*at + options - 1) % options
            }
            (Entry::Ticks { ticked, at }, KeyCode::Char(' ')) => {
                if let Some(t) = ticked.get_mut(*at) {
                    *t = !*t;
                }
            }
            _ => return,
        }
        self.errors[self.cursor] = None;
    }

    /// Accept: the values when every field is right, else the errors shown and the cursor on
    /// the first wrong field.
    fn accept(&mut self) -> FormAction {
        let mut values = Vec::new();
        let mut first_wrong = None;
        for (i, (field, entry)) in self.request.fields.iter().zip(&self.entries).enumerate() {
            match check(field, entry) {
                Ok(Some(value)) => values.push((field.name.clone(), value)),
                Ok(None) => {}
                Err(why) => {
                    self.errors[i] = Some(why);
                    first_wrong.get_or_insert(i);
                }
            }
        }
        match first_wrong {
            Some(i) => {
                self.cursor = i;
                FormAction::Editing
            }
            None => FormAction::Answered(ElicitationAnswer::Accept(values)),
        }
    }
}

/// A field's starting entry: its default, or empty.
fn entry_for(field: &FormField) -> Entry {
    let default = field.default.as_ref();
    match &field.kind {
        FieldKind::Text { .. } | FieldKind::Number { .. } => Entry::Typed(match default {
            Some(FieldValue::Text(s)) => s.clone(),
            Some(FieldValue::Integer(n)) => n.to_string(),
            Some(FieldValue::Number(n)) => n.to_string(),
            _ => String::new(),
        }),
        FieldKind::Boolean => Entry::Toggle(match default {
            Some(FieldValue::Boolean(b)) => Some(*b),
            _ => None,
        }),
        FieldKind::Choice {
            options,
            multiple: false,
            ..
        } => Entry::Pick(match default {
            Some(FieldValue::Choice(v)) => options.iter().position(|o| o.value == *v),
            _ => None,
        }),
        FieldKind::Choice { options, .. } => Entry::Ticks {
            ticked: options
                .iter()
                .map(|o| matches!(default, Some(FieldValue::Choices(d)) if d.contains(&o.value)))
                .collect(),
            at: 0,
        },
    }
}

/// The field's value (None: left empty, and it may be), or what is wrong with it.
pub fn check(field: &FormField, entry: &Entry) -> Result<Option<FieldValue>, String> {
    let empty = |what: &str| {
        if field.required {
            Err(format!("{what} (required)"))
        } else {
            Ok(None)
        }
    };
    match (&field.kind, entry) {
        (
            FieldKind::Text {
                min_length,
                max_length,
                format,
            },
            Entry::Typed(text),
        ) => {
            if text.is_empty() {
                return empty("Type a value");
            }
            let length = text.chars().count() as u64;
            if let Some(min) = min_length.filter(|m| length < *m) {
                return Err(format!("At least {min} characters"));
            }
            if let Some(max) = max_length.filter(|m| length > *m) {
                return Err(format!("At most {max} characters"));
            }
            if let Some(problem) = format.as_deref().and_then(|f| format_problem(f, text)) {
                return Err(problem);
            }
            Ok(Some(FieldValue::Text(text.clone())))
        }
        (
            FieldKind::Number {
                integer,
                minimum,
                maximum,
            },
            Entry::Typed(text),
        ) => {
            let text = text.trim();
            if text.is_empty() {
                return empty("Type a number");
            }
            let (value, number) = if *integer {
                let n: i64 = text
                    .parse()
                    .map_err(|_| "A whole number, like 42".to_string())?;
                (FieldValue::Integer(n), n as f64)
            } else {
                let n: f64 = text
                    .parse()
                    .ok()
                    .filter(|n: &f64| n.is_finite())
                    .ok_or_else(|| "A number, like 3.5".to_string())?;
                (FieldValue::Number(n), n)
            };
            match (minimum, maximum) {
                (Some(lo), Some(hi)) if number < *lo || number > *hi => {
                    Err(format!("Between {lo} and {hi}"))
                }
                (Some(lo), _) if number < *lo => Err(format!("At least {lo}")),
                (_, Some(hi)) if number > *hi => Err(format!("At most {hi}")),
                _ => Ok(Some(value)),
            }
        }
        (FieldKind::Boolean, Entry::Toggle(value)) => match value {
            Some(b) => Ok(Some(FieldValue::Boolean(*b))),
            None => empty("Press Space to choose yes or no"),
        },
        (FieldKind::Choice { options, .. }, Entry::Pick(chosen)) => {
            match chosen.and_then(|i| options.get(i)) {
                Some(option) => Ok(Some(FieldValue::Choice(option.value.clone()))),
                None => empty("Choose one with ←/→"),
            }
        }
        (
            FieldKind::Choice {
                options,
                min_items,
                max_items,
                ..
            },
            Entry::Ticks { ticked, .. },
        ) => {
            let chosen: Vec<String> = options
                .iter()
                .zip(ticked)
                .filter(|(_, t)| **t)
                .map(|(o, _)| o.value.clone())
                .collect();
            let count = chosen.len() as u64;
            if count == 0 && min_items.is_none_or(|m| m == 0) {
                return empty("Tick at least one with Space");
            }
            if let Some(min) = min_items.filter(|m| count < *m) {
                return Err(format!("Tick at least {min} with Space"));
            }
            if let Some(max) = max_items.filter(|m| count > *m) {
                return Err(format!("Tick at most {max}"));
            }
            Ok(Some(FieldValue::Choices(chosen)))
        }
        // Entries are made from their field's kind (`entry_for`): these never meet.
        (_, _) => Err("This field cannot be edited".into()),
    }
}

/// What is wrong with `text` for a string `format`, if anything.
fn format_problem(format: &str, text: &str) -> Option<String> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let date = |s: &str| {
        let parts: Vec<&str> = s.split('-').collect();
        matches!(parts.as_slice(), [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2)
            && (1..=12).contains(&m.parse::<u8>().unwrap_or(0))
            && (1..=31).contains(&d.parse::<u8>().unwrap_or(0)))
    };
    let ok = match format {
        "email" => text.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
        }),
        "uri" => text.split_once(':').is_some_and(|(scheme, rest)| {
            !rest.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }),
        "date" => date(text),
        "date-time" => text
            .split_once(['T', 't'])
            .is_some_and(|(day, time)| date(day) && time.len() >= 5 && time.as_bytes()[2] == b':'),
        _ => true,
    };
    (!ok).then(|| match format {
        "email" => "An email address, like ada@example.com".to_string(),
        "uri" => "An address, like https://example.com".to_string(),
        "date" => "A date, like 2026-12-01".to_string(),
        _ => "A date and time, like 2026-12-01T09:30:00Z".to_string(),
    })
}
