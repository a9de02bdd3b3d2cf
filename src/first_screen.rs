//! What the first screen needs from start-up: the memory files the header names, and, when the
//! provider needs a key nobody set, the first-run screen with what it says is missing.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::app::Model;
use crate::app::first_run::{FirstRun, MissingKey};
use crate::app::overlay::Overlay;
use crate::config::memory::{self, MemoryPlaces};
use crate::config::settings::Locations;
use crate::protocol::{Lookup, Op};
use crate::provider::Endpoint;

/// The providers that need a key, as the screen names them: (preset, who, variable).
const KEYED: [(&str, &str, &str); 3] = [
    ("anthropic", "Claude (Anthropic)", "ANTHROPIC_API_KEY"),
    ("openai", "OpenAI", "OPENAI_API_KEY"),
    ("openrouter", "OpenRouter", "OPENROUTER_API_KEY"),
];

/// The memory files the session reads at its start, in the order it reads them: the user's,
/// then the project's from its root down to the working directory, then those of the
/// `added` directories (`--add-dir`, see `memory::added_dirs`).
pub fn memory_files(
    locations: &Locations,
    cwd: &Path,
    sources: crate::config::Sources,
    added: &[PathBuf],
) -> Vec<PathBuf> {
    let places = MemoryPlaces {
        cwd: cwd.to_path_buf(),
        root: locations.project_root.clone(),
        home: locations.home.clone(),
        user_config: locations.user_config.clone(),
        sources,
        added: added.to_vec(),
    };
    memory::load(&places, &mut HashSet::new())
        .into_iter()
        .map(|file| file.path)
        .collect()
}

/// The keys the first-run screen names when `provider` (whose client is described by
/// `endpoint`) needs one and has none: its own first, then the other providers'. None: the
/// provider can work as it is (a key is set, or it is a server of the user's or the demo).
pub fn missing_keys(provider: &str, endpoint: &Endpoint) -> Option<Vec<MissingKey>> {
    if !(endpoint.official && endpoint.credential.is_empty()) {
        return None;
    }
    let own = KEYED
        .iter()
        .find(|(name, _, _)| *name == provider)
        .map_or(provider, |(_, who, _)| who);
    let mut missing = vec![MissingKey {
        provider: own.to_string(),
        variable: endpoint.key_hint.clone(),
        how: String::new(),
    }];
    missing.extend(KEYED.iter().filter(|(name, _, _)| *name != provider).map(
        |(name, who, variable)| MissingKey {
            provider: who.to_string(),
            variable: variable.to_string(),
            how: format!("with --provider {name}"),
        },
    ));
    Some(missing)
}

/// How the session opens.
pub enum Opened {
    /// On the first-run screen, which holds the command line's prompt until the user chooses;
    /// the runtime sends this op to look for local servers in the background.
    FirstRun(Op),
    /// As usual, with the command line's prompt to send.
    Session(Option<String>),
}

/// Opens the first-run screen over the session when a key is `missing`.
pub fn open(model: &mut Model, missing: Option<Vec<MissingKey>>, prompt: Option<String>) -> Opened {
    match missing {
        Some(missing) => {
            model
                .overlays
                .open(Overlay::FirstRun(FirstRun::new(missing, prompt)));
            Opened::FirstRun(crate::app::lookups::ask(model, Lookup::LocalServers))
        }
        None => Opened::Session(prompt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(credential: &str, official: bool) -> Endpoint {
        Endpoint {
            base_url: "https://api.anthropic.com".into(),
            wire: "Anthropic Messages",
            credential: credential.into(),
            key_hint: "ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)".into(),
            official,
        }
    }

    #[test]
    fn only_a_public_api_without_a_key_opens_the_first_run_screen() {
        let missing = missing_keys("anthropic", &endpoint("", true)).unwrap();
        assert_eq!(missing[0].provider, "Claude (Anthropic)");
        assert_eq!(
            missing[0].variable,
            "ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)"
        );
        let others: Vec<&str> = missing[1..].iter().map(|m| m.variable.as_str()).collect();
        assert_eq!(others, ["OPENAI_API_KEY", "OPENROUTER_API_KEY"]);
        assert_eq!(missing[1].how, "with --provider openai");
        let missing = missing_keys("openrouter", &endpoint("", true)).unwrap();
        assert_eq!(missing[0].provider, "OpenRouter");
        assert_eq!(missing[1].how, "with --provider anthropic");
        assert_eq!(
            missing_keys("anthropic", &endpoint("ANTHROPIC_API_KEY", true)),
            None
        );
        // A server of the user's (ANTHROPIC_BASE_URL, a local one) may need no key.
        assert_eq!(missing_keys("ollama", &endpoint("", false)), None);
    }

    #[test]
    fn the_memory_files_are_the_projects_in_reading_order() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("CLAUDE.md"), "be brief").unwrap();
        std::fs::write(root.path().join("AGENTS.md"), "run the tests").unwrap();
        std::fs::write(root.path().join("NOTES.md"), "not memory").unwrap();
        let locations = Locations {
            project_root: root.path().to_path_buf(),
            home: None,
            user_config: None,
        };
        let found = memory_files(&locations, root.path(), Default::default(), &[]);
        assert_eq!(
            found,
            [root.path().join("CLAUDE.md"), root.path().join("AGENTS.md")]
        );
    }
}
