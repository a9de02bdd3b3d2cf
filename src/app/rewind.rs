//! Esc Esc's rewind picker: the user's prompts, newest last, to go back to before one (the
//! same as `/rewind N`). An overlay on the stack: it takes keys and answers with an action.

use crossterm::event::{KeyCode, KeyEvent};

use crate::protocol::RewindPoint;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RewindPicker {
    /// Oldest first, as the agent listed them.
    pub points: Vec<RewindPoint>,
    /// The highlighted one (the newest when the picker opens).
    pub selected: usize,
}

/// What a key did to the picker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RewindAction {
    Browsing,
    /// Go back to before this prompt (1-based, as `/rewind N`).
    Rewind(usize),
    Close,
}

impl RewindPicker {
    pub fn new(points: Vec<RewindPoint>) -> Self {
        let selected = points.len().saturating_sub(1);
        RewindPicker { points, selected }
    }

    pub fn on_key(&mut self, key: &KeyEvent) -> RewindAction {
        let last = self.points.len().saturating_sub(1);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::Home => self.selected = 0,
            KeyCode::End => self.selected = last,
            KeyCode::Enter => {
                return match self.points.get(self.selected) {
                    Some(point) => RewindAction::Rewind(point.turn),
                    None => RewindAction::Close,
                };
            }
            KeyCode::Esc => return RewindAction::Close,
            _ => {}
        }
        RewindAction::Browsing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(n: usize) -> Vec<RewindPoint> {
        (1..=n)
            .map(|turn| RewindPoint {
                turn,
                prompt: format!("prompt {turn}"),
                age_secs: Some(60 * (n - turn) as u64),
            })
            .collect()
    }

    #[test]
    fn opens_on_the_newest_moves_and_chooses() {
        let mut picker = RewindPicker::new(points(3));
        assert_eq!(picker.selected, 2);
        let key = |p: &mut RewindPicker, code| p.on_key(&KeyEvent::from(code));
        assert_eq!(key(&mut picker, KeyCode::Down), RewindAction::Browsing);
        assert_eq!(picker.selected, 2, "stays on the last");
        key(&mut picker, KeyCode::Up);
        key(&mut picker, KeyCode::Char('k'));
        key(&mut picker, KeyCode::Char('k'));
        assert_eq!(picker.selected, 0);
        key(&mut picker, KeyCode::Char('j'));
        assert_eq!(key(&mut picker, KeyCode::Enter), RewindAction::Rewind(2));
        assert_eq!(key(&mut picker, KeyCode::Esc), RewindAction::Close);
        assert_eq!(
            RewindPicker::new(Vec::new()).on_key(&KeyEvent::from(KeyCode::Enter)),
            RewindAction::Close
        );
    }
}
