//! Typing `@` in the input opens the file finder: the word after it is the query, answers
//! arrive from the finder thread (stale ones dropped), Up/Down choose, Tab or Enter puts the
//! path in the message (the agent attaches the file when it is sent), Esc closes it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::CursorMove;

use crate::app::effect::Effect;
use crate::app::model::{MentionPicker, Model};
use crate::finder::FinderResults;

/// How many files the finder shows.
pub const LIMIT: usize = 12;

/// The mention being typed at the cursor: (row, column of the `@`, the text after it).
fn mention_at_cursor(model: &Model) -> Option<(usize, usize, String)> {
    let cursor = model.input.cursor();
    let (row, col) = (cursor.0, cursor.1);
    let line: Vec<char> = model.input.lines().get(row)?.chars().collect();
    let mut i = col.min(line.len());
    while i > 0 {
        let c = line[i - 1];
        if c.is_whitespace() {
            return None;
        }
        if c == '@' {
            let at = i - 1;
            let starts_word = at == 0 || line[at - 1].is_whitespace();
            return starts_word.then(|| (row, at, line[i..col].iter().collect()));
        }
        i -= 1;
    }
    None
}

/// After the input changed: opens, updates or closes the finder, asking for files when the
/// query changed.
pub(crate) fn refresh(model: &mut Model) -> Vec<Effect> {
    let Some((row, at, query)) = mention_at_cursor(model) else {
        model
            .overlays
            .close(crate::app::overlay::OverlayKind::Mention);
        model.mention_dismissed = None;
        return Vec::new();
    };
    if model.mention_dismissed == Some((row, at)) {
        return Vec::new();
    }
    if model
        .overlays
        .mention()
        .is_some_and(|m| m.at == (row, at) && m.query == query)
    {
        return Vec::new();
    }
    model.mention_generation += 1;
    let generation = model.mention_generation;
    let previous = model.overlays.take_mention().filter(|m| m.at == (row, at));
    let resources = crate::app::mcp::resource_matches(&model.mcp_servers, &query);
    model
        .overlays
        .open(crate::app::overlay::Overlay::Mention(MentionPicker {
            at: (row, at),
            query: query.clone(),
            generation,
            // The last answer stays on screen until the new one comes.
            matches: previous.map(|m| m.matches).unwrap_or_default(),
            selected: 0,
            searching: true,
            resources,
        }));
    vec![Effect::FindFiles { generation, query }]
}

pub(crate) fn on_results(model: &mut Model, results: FinderResults) {
    if let Some(picker) = model.overlays.mention_mut()
        && picker.generation == results.generation
    {
        picker.matches = results.matches;
        picker.searching = !results.indexing_done;
        picker.selected = picker.selected.min(picker.len().saturating_sub(1));
    }
}

/// Keys of the open finder; false when the key is the input's.
pub(crate) fn on_key(model: &mut Model, key: &KeyEvent) -> bool {
    let Some(picker) = model.overlays.mention_mut() else {
        return false;
    };
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return false;
    }
    let count = picker.len();
    match key.code {
        KeyCode::Up if count > 0 => {
            picker.selected = picker.selected.checked_sub(1).unwrap_or(count - 1)
        }
        KeyCode::Down if count > 0 => picker.selected = (picker.selected + 1) % count,
        KeyCode::Tab | KeyCode::Enter if count > 0 => accept(model),
        KeyCode::Esc => {
            model.mention_dismissed = Some(picker.at);
            model
                .overlays
                .close(crate::app::overlay::OverlayKind::Mention);
        }
        _ => return false,
    }
    true
}

/// Puts the chosen path in place of the typed mention.
fn accept(model: &mut Model) {
    let Some(picker) = model.overlays.take_mention() else {
        return;
    };
    let Some(chosen) = picker.chosen() else {
        return;
    };
    let (row, at) = picker.at;
    let col = model.input.cursor().1;
    let mut lines: Vec<String> = model.input.lines().to_vec();
    let Some(line) = lines.get_mut(row) else {
        return;
    };
    let chars: Vec<char> = line.chars().collect();
    let before: String = chars[..at].iter().collect();
    let after: String = chars[col.min(chars.len())..].iter().collect();
    // One space after the path: the one already there, or a new one.
    let space = if after.starts_with(char::is_whitespace) {
        ""
    } else {
        " "
    };
    let path = if chosen.contains(char::is_whitespace) {
        format!("@\"{chosen}\"{space}")
    } else {
        format!("@{chosen}{space}")
    };
    *line = format!("{before}{path}{after}");
    let new_col = at + path.chars().count() + 1 - space.len();
    let pastes = std::mem::take(&mut model.pastes);
    model.reset_input();
    model.input.insert_str(lines.join("\n"));
    model.pastes = pastes;
    model
        .input
        .move_cursor(CursorMove::Jump(row as u16, new_col as u16));
    // Closed until another `@` is typed.
    model.mention_dismissed = None;
}

impl MentionPicker {
    /// The choices: the MCP resources, then the files.
    pub fn len(&self) -> usize {
        self.resources.len() + self.matches.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the highlighted choice puts after the `@`.
    pub fn chosen(&self) -> Option<String> {
        match self.resources.get(self.selected) {
            Some(resource) => Some(resource.mention.clone()),
            None => self
                .matches
                .get(self.selected - self.resources.len())
                .map(|m| m.path.clone()),
        }
    }
}
