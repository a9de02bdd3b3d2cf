//! Recall of earlier prompts with Up/Down, keeping the draft being typed.

#[derive(Clone, Debug, Default, PartialEq)]
pub struct InputHistory {
    entries: Vec<String>,
    /// Index into `entries` while browsing; None when editing the draft.
    pos: Option<usize>,
    draft: String,
}

impl InputHistory {
    pub fn push(&mut self, entry: &str) {
        if self.entries.last().map(String::as_str) != Some(entry) {
            self.entries.push(entry.to_string());
        }
        self.pos = None;
        self.draft.clear();
    }

    /// The previous entry, remembering `current` as the draft when browsing starts.
    pub fn older(&mut self, current: &str) -> Option<&str> {
        let next = match self.pos {
            None if self.entries.is_empty() => return None,
            None => {
                self.draft = current.to_string();
                self.entries.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.pos = Some(next);
        self.entries.get(next).map(String::as_str)
    }

    /// The next entry, or the draft after the newest.
    pub fn newer(&mut self) -> Option<&str> {
        let i = self.pos?;
        if i + 1 < self.entries.len() {
            self.pos = Some(i + 1);
            self.entries.get(i + 1).map(String::as_str)
        } else {
            self.pos = None;
            Some(self.draft.as_str())
        }
    }

    /// The newest entry containing `query` that is older than entry `before` (all entries
    /// when None), with its index: Ctrl+R's reverse search.
    pub fn search(&self, query: &str, before: Option<usize>) -> Option<(usize, &str)> {
        let end = before.unwrap_or(self.entries.len()).min(self.entries.len());
        self.entries[..end]
            .iter()
            .enumerate()
            .rev()
            .find(|(_, e)| e.contains(query))
            .map(|(i, e)| (i, e.as_str()))
    }

    pub fn is_browsing(&self) -> bool {
        self.pos.is_some()
    }

    /// A history holding `entries` (oldest first), as saved by earlier sessions.
    pub fn with_entries(entries: Vec<String>) -> Self {
        InputHistory {
            entries,
            ..InputHistory::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browses_back_and_returns_to_the_draft() {
        let mut h = InputHistory::default();
        h.push("one");
        h.push("two");
        assert_eq!(h.older("draft"), Some("two"));
        assert_eq!(h.older("ignored"), Some("one"));
        assert_eq!(h.older("ignored"), None);
        assert_eq!(h.newer(), Some("two"));
        assert_eq!(h.newer(), Some("draft"));
        assert!(!h.is_browsing());
        assert_eq!(h.newer(), None);
    }

    #[test]
    fn reverse_search_finds_older_matches_in_turn() {
        let mut h = InputHistory::default();
        for e in ["cargo test", "git status", "cargo build", "ls"] {
            h.push(e);
        }
        assert_eq!(h.search("cargo", None), Some((2, "cargo build")));
        assert_eq!(h.search("cargo", Some(2)), Some((0, "cargo test")));
        assert_eq!(h.search("cargo", Some(0)), None);
        assert_eq!(h.search("zzz", None), None);
    }

    #[test]
    fn repeated_entries_are_stored_once() {
        let mut h = InputHistory::default();
        h.push("same");
        h.push("same");
        assert_eq!(h.older(""), Some("same"));
        assert_eq!(h.older(""), None);
    }
}
