//! Fuzzy matching for everything the user picks from a list as they type: the command palette,
//! the slash popup, the model picker, the `@` file finder. A thin layer over nucleo-matcher so
//! every list ranks the same way.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Ranks choices against what the user typed.
pub struct FuzzyMatcher {
    matcher: Matcher,
    pattern: Pattern,
    empty: bool,
    buf: Vec<char>,
}

impl FuzzyMatcher {
    /// A matcher for `query`. Case is ignored unless the query has a capital; words separated by
    /// spaces must each match.
    pub fn new(query: &str, kind: MatchKind) -> Self {
        let config = match kind {
            MatchKind::Text => Config::DEFAULT,
            MatchKind::Path => Config::DEFAULT.match_paths(),
        };
        FuzzyMatcher {
            matcher: Matcher::new(config),
            pattern: Pattern::new(
                query,
                CaseMatching::Smart,
                Normalization::Smart,
                AtomKind::Fuzzy,
            ),
            empty: query.trim().is_empty(),
            buf: Vec::new(),
        }
    }

    /// The score of `choice` (higher is better), or None when it doesn't match. An empty query
    /// matches everything with score 0.
    pub fn score(&mut self, choice: &str) -> Option<u32> {
        if self.empty {
            return Some(0);
        }
        let haystack = Utf32Str::new(choice, &mut self.buf);
        self.pattern.score(haystack, &mut self.matcher)
    }

    /// The char positions of `choice` that match (to highlight them), or None.
    pub fn positions(&mut self, choice: &str) -> Option<Vec<usize>> {
        if self.empty {
            return Some(Vec::new());
        }
        let mut indices = Vec::new();
        let haystack = Utf32Str::new(choice, &mut self.buf);
        self.pattern
            .indices(haystack, &mut self.matcher, &mut indices)?;
        indices.sort_unstable();
        indices.dedup();
        Some(indices.into_iter().map(|i| i as usize).collect())
    }
}

/// What is being matched: paths give separators a bonus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchKind {
    Text,
    Path,
}

/// The indices of `choices` that match `query`, best first; ties keep the original order (so an
/// empty query keeps the list as it is).
pub fn rank<S: AsRef<str>>(query: &str, choices: &[S], kind: MatchKind) -> Vec<usize> {
    let mut matcher = FuzzyMatcher::new(query, kind);
    let mut scored: Vec<(u32, usize)> = choices
        .iter()
        .enumerate()
        .filter_map(|(i, c)| matcher.score(c.as_ref()).map(|s| (s, i)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_closer_matches_first_and_drops_non_matches() {
        let choices = ["compact", "context", "config", "cost", "model"];
        let ranked = rank("cnf", &choices, MatchKind::Text);
        assert_eq!(ranked.first(), Some(&2));
        assert!(!ranked.contains(&4));
        assert_eq!(rank("", &choices, MatchKind::Text), vec![0, 1, 2, 3, 4]);
        assert!(rank("zzz", &choices, MatchKind::Text).is_empty());
    }

    #[test]
    fn words_must_all_match_and_positions_are_reported() {
        let choices = ["model: claude-opus-5", "model: claude-haiku-4-5"];
        assert_eq!(rank("model haiku", &choices, MatchKind::Text), vec![1]);
        let mut m = FuzzyMatcher::new("opus", MatchKind::Text);
        assert_eq!(m.positions("claude-opus-5"), Some(vec![7, 8, 9, 10]));
        assert_eq!(m.positions("haiku"), None);
    }

    #[test]
    fn paths_prefer_file_names() {
        let choices = ["src/app/model.rs", "src/ui/mod.rs", "docs/modelling.md"];
        assert_eq!(rank("model.rs", &choices, MatchKind::Path)[0], 0);
    }
}
