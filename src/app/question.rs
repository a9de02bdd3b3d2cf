//! The choice dialog of AskUserQuestion: one question at a time, options to move through and
//! choose (or tick, for a multi-select question), and "Other" for an answer in the user's own
//! words. It is an overlay on the stack: it takes keys and says what they did as an action.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::protocol::Question;

/// The dialog's state for one AskUserQuestion call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionDialog {
    pub questions: Vec<Question>,
    /// The answers given so far, one per question before `current`.
    pub answers: Vec<String>,
    /// The highlighted row of the current question: an option, or `options.len()` for Other.
    pub cursor: usize,
    /// The options ticked so far (multi-select questions).
    pub ticked: Vec<bool>,
    /// Some while the user types the Other answer.
    pub other: Option<String>,
}

/// What a key did to the dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuestionAction {
    /// Still asking (the key moved, ticked, typed, or meant nothing here).
    Asking,
    /// Every question is answered: one answer per question, in order.
    Answered(Vec<String>),
    /// The user would rather not answer.
    Declined,
}

impl QuestionDialog {
    pub fn new(questions: Vec<Question>) -> Self {
        let mut dialog = QuestionDialog {
            questions,
            answers: Vec::new(),
            cursor: 0,
            ticked: Vec::new(),
            other: None,
        };
        dialog.start_question();
        dialog
    }

    /// The question on screen (None once all are answered).
    pub fn current(&self) -> Option<&Question> {
        self.questions.get(self.answers.len())
    }

    /// The row of the Other answer, after the options.
    pub fn other_row(&self) -> usize {
        self.current().map_or(0, |q| q.options.len())
    }

    fn start_question(&mut self) {
        self.cursor = 0;
        self.other = None;
        self.ticked = vec![false; self.current().map_or(0, |q| q.options.len())];
    }

    pub fn on_key(&mut self, key: &KeyEvent) -> QuestionAction {
        let Some(question) = self.current() else {
            return QuestionAction::Answered(self.answers.clone());
        };
        let multi = question.multi_select;
        let rows = question.options.len() + 1;
        if let Some(text) = self.other.as_mut() {
            match key.code {
                KeyCode::Enter if !text.trim().is_empty() => {
                    let typed = text.trim().to_string();
                    return self.answer_with(Some(typed));
                }
                KeyCode::Esc => self.other = None,
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => text.push(c),
                _ => {}
            }
            return QuestionAction::Asking;
        }
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                self.cursor = self.cursor.checked_sub(1).unwrap_or(rows - 1)
            }
            KeyCode::Down | KeyCode::Char('j') => self.cursor = (self.cursor + 1) % rows,
            KeyCode::Char(c @ '1'..='9') => {
                let row = (c as u8 - b'1') as usize;
                if row < rows {
                    self.cursor = row;
                    return self.choose(multi);
                }
            }
            KeyCode::Char(' ') if multi => return self.choose(true),
            KeyCode::Enter if multi && self.cursor < rows - 1 => {
                // Enter submits the ticked set; with nothing ticked, the highlighted option.
                if !self.ticked.iter().any(|t| *t) {
                    self.ticked[self.cursor] = true;
                }
                return self.answer_with(None);
            }
            KeyCode::Enter => return self.choose(false),
            KeyCode::Esc => return QuestionAction::Declined,
            // Anything else was typed at the wrong moment: it never becomes an answer.
            _ => {}
        }
        QuestionAction::Asking
    }

    /// The highlighted row chosen: Other starts typing; an option is ticked (multi-select) or
    /// is the answer.
    fn choose(&mut self, tick: bool) -> QuestionAction {
        if self.cursor == self.other_row() {
            self.other = Some(String::new());
            return QuestionAction::Asking;
        }
        if tick {
            if let Some(t) = self.ticked.get_mut(self.cursor) {
                *t = !*t;
            }
            return QuestionAction::Asking;
        }
        self.ticked.iter_mut().for_each(|t| *t = false);
        self.ticked[self.cursor] = true;
        self.answer_with(None)
    }

    /// Records the current question's answer (the ticked options, then the Other text) and
    /// moves to the next question, or ends.
    fn answer_with(&mut self, other: Option<String>) -> QuestionAction {
        let Some(question) = self.current() else {
            return QuestionAction::Answered(self.answers.clone());
        };
        let mut parts: Vec<String> = question
            .options
            .iter()
            .zip(&self.ticked)
            .filter(|(_, ticked)| **ticked)
            .map(|(label, _)| label.clone())
            .collect();
        if !question.multi_select && other.is_some() {
            parts.clear();
        }
        parts.extend(other);
        self.answers.push(parts.join(", "));
        self.start_question();
        if self.current().is_none() {
            return QuestionAction::Answered(self.answers.clone());
        }
        QuestionAction::Asking
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(text: &str, options: &[&str], multi_select: bool) -> Question {
        Question {
            question: text.into(),
            header: String::new(),
            options: options.iter().map(|o| o.to_string()).collect(),
            descriptions: Vec::new(),
            multi_select,
        }
    }

    fn press(dialog: &mut QuestionDialog, code: KeyCode) -> QuestionAction {
        dialog.on_key(&KeyEvent::from(code))
    }

    fn typed(dialog: &mut QuestionDialog, text: &str) -> QuestionAction {
        let mut last = QuestionAction::Asking;
        for c in text.chars() {
            last = press(dialog, KeyCode::Char(c));
        }
        last
    }

    #[test]
    fn arrows_and_j_k_move_and_enter_chooses() {
        let mut d = QuestionDialog::new(vec![question("Db?", &["pg", "sqlite", "none"], false)]);
        press(&mut d, KeyCode::Down);
        press(&mut d, KeyCode::Char('j'));
        press(&mut d, KeyCode::Char('k'));
        assert_eq!(d.cursor, 1);
        // Up from the top wraps to Other.
        press(&mut d, KeyCode::Up);
        press(&mut d, KeyCode::Up);
        assert_eq!(d.cursor, d.other_row());
        press(&mut d, KeyCode::Down);
        press(&mut d, KeyCode::Down);
        assert_eq!(
            press(&mut d, KeyCode::Enter),
            QuestionAction::Answered(vec!["sqlite".into()])
        );
    }

    #[test]
    fn stray_typing_never_becomes_the_answer() {
        let mut d = QuestionDialog::new(vec![question("Db?", &["pg", "sqlite"], false)]);
        assert_eq!(typed(&mut d, "/todos"), QuestionAction::Asking);
        assert_eq!(d.other, None, "no letter opens the Other answer");
        assert_eq!(d.answers, Vec::<String>::new());
        assert_eq!(d.cursor, 0);
    }

    #[test]
    fn digits_are_shortcuts_and_the_row_after_the_options_is_other() {
        let mut d = QuestionDialog::new(vec![
            question("Db?", &["pg", "sqlite"], false),
            question("Name?", &["a", "b"], false),
        ]);
        assert_eq!(press(&mut d, KeyCode::Char('9')), QuestionAction::Asking);
        assert_eq!(press(&mut d, KeyCode::Char('2')), QuestionAction::Asking);
        assert_eq!(d.answers, vec!["sqlite".to_string()]);
        assert_eq!(d.cursor, 0, "the next question starts at its first option");
        press(&mut d, KeyCode::Char('3'));
        assert_eq!(d.other.as_deref(), Some(""));
        typed(&mut d, "claw-db");
        press(&mut d, KeyCode::Backspace);
        assert_eq!(
            press(&mut d, KeyCode::Enter),
            QuestionAction::Answered(vec!["sqlite".into(), "claw-d".into()])
        );
    }

    #[test]
    fn multi_select_ticks_with_space_and_enter_submits_the_set() {
        let mut d = QuestionDialog::new(vec![question("Parts?", &["ui", "agent", "tools"], true)]);
        assert_eq!(press(&mut d, KeyCode::Char(' ')), QuestionAction::Asking);
        press(&mut d, KeyCode::Down);
        press(&mut d, KeyCode::Down);
        press(&mut d, KeyCode::Char(' '));
        // A digit ticks too, and a second tick unticks.
        press(&mut d, KeyCode::Char('2'));
        press(&mut d, KeyCode::Char('2'));
        assert_eq!(d.ticked, vec![true, false, true]);
        assert_eq!(
            press(&mut d, KeyCode::Enter),
            QuestionAction::Answered(vec!["ui, tools".into()])
        );
    }

    #[test]
    fn multi_select_with_an_other_answer_keeps_the_ticks() {
        let mut d = QuestionDialog::new(vec![question("Parts?", &["ui", "agent"], true)]);
        press(&mut d, KeyCode::Char('2'));
        press(&mut d, KeyCode::Char('3'));
        typed(&mut d, "docs");
        assert_eq!(
            press(&mut d, KeyCode::Enter),
            QuestionAction::Answered(vec!["agent, docs".into()])
        );
    }

    #[test]
    fn esc_declines_and_esc_while_typing_goes_back_to_the_options() {
        let mut d = QuestionDialog::new(vec![question("Db?", &["pg", "sqlite"], false)]);
        press(&mut d, KeyCode::Char('3'));
        typed(&mut d, "x");
        assert_eq!(press(&mut d, KeyCode::Esc), QuestionAction::Asking);
        assert_eq!(d.other, None);
        assert_eq!(press(&mut d, KeyCode::Esc), QuestionAction::Declined);
    }
}
