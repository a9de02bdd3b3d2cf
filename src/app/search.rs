//! Ctrl+F: search the transcript. Typing narrows to the cells holding the text (ignoring case);
//! Enter ends the query, then n shows the previous (older) match and N the next; Esc closes.
//! The view highlights every visible occurrence.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::model::{CellKind, Model, Scroll, TranscriptSearch};

pub(crate) fn start(model: &mut Model) {
    model
        .overlays
        .open(crate::app::overlay::Overlay::Search(TranscriptSearch {
            typing: true,
            ..TranscriptSearch::default()
        }));
}

/// Handles a key while the search is open; false when the key isn't the search's (the search
/// then closes and the key does what it normally does).
pub(crate) fn on_search_key(model: &mut Model, key: &KeyEvent) -> bool {
    let Some(search) = model.overlays.search_mut() else {
        return false;
    };
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Esc => {
            model
                .overlays
                .close(crate::app::overlay::OverlayKind::Search);
            return true;
        }
        KeyCode::Char(c) if search.typing && plain => search.query.push(c),
        KeyCode::Backspace if search.typing => {
            search.query.pop();
        }
        KeyCode::Enter if search.typing => {
            search.typing = false;
            return true;
        }
        KeyCode::Char('n') if !search.typing && plain => {
            search.current = search.current.saturating_sub(1);
            show_current(model);
            return true;
        }
        KeyCode::Char('N') if !search.typing && plain => {
            search.current = (search.current + 1).min(search.matches.len().saturating_sub(1));
            show_current(model);
            return true;
        }
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => return false,
        _ if search.typing => return true,
        _ => {
            model
                .overlays
                .close(crate::app::overlay::OverlayKind::Search);
            return false;
        }
    }
    // The query changed: find the cells again and show the newest match.
    let query = search.query.to_lowercase();
    let matches: Vec<usize> = if query.is_empty() {
        Vec::new()
    } else {
        (0..model.cells.len())
            .filter(|&i| cell_text(model, i).to_lowercase().contains(&query))
            .collect()
    };
    if let Some(search) = model.overlays.search_mut() {
        search.current = matches.len().saturating_sub(1);
        search.matches = matches;
    }
    show_current(model);
    true
}

fn show_current(model: &mut Model) {
    if let Some(&cell) = model
        .overlays
        .search()
        .and_then(|s| s.matches.get(s.current))
    {
        model.scroll = Scroll::Cell(cell);
    }
}

/// The searchable text of cell `index`.
fn cell_text(model: &Model, index: usize) -> String {
    match &model.cells[index].kind {
        CellKind::User(t)
        | CellKind::Assistant(t)
        | CellKind::Thinking(t)
        | CellKind::Error(t)
        | CellKind::Notice(t) => t.clone(),
        CellKind::Info { title, body } => format!("{title}\n{body}"),
        CellKind::Welcome(w) => format!(
            "claw {}\n{} {} {}\n{}\n{}\n{}",
            w.version,
            w.provider,
            w.model,
            w.cwd,
            w.memory.join(" "),
            w.mcp.join(" "),
            w.hint
        ),
        CellKind::Tool(i) => model
            .tools
            .get(*i)
            .map(|t| format!("{} {}", t.tool, t.summary))
            .unwrap_or_default(),
    }
}
