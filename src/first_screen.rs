//! What the first screen shows, worked out at start-up: the header's facts (the provider, the
//! memory files read, the MCP servers) and, when the provider needs a key nobody set, what the
//! first-run screen says is missing.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use crate::app::Model;
use crate::app::first_run::{FirstRun, MissingKey};
use crate::app::overlay::Overlay;
use crate::app::welcome::SessionFacts;
use crate::config::mcp::{Approval, McpServerConfig};
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

/// The header's facts: the provider, the memory files the session reads (shown relative to
/// the working directory or home), the MCP servers it starts (a project's not yet approved
/// marked so; refused ones left out).
pub fn header_facts(
    provider: &str,
    locations: &Locations,
    cwd: &Path,
    servers: &[McpServerConfig],
    settings: &Value,
) -> SessionFacts {
    let places = MemoryPlaces {
        cwd: cwd.to_path_buf(),
        root: locations.project_root.clone(),
        home: locations.home.clone(),
        user_config: locations.user_config.clone(),
    };
    let memory = memory::load(&places, &mut HashSet::new())
        .iter()
        .map(|file| crate::shown_path::shown_from(&file.path, cwd))
        .collect();
    let mcp = servers
        .iter()
        .filter_map(
            |server| match crate::config::mcp::approval(server, settings) {
                Approval::Approved => Some(server.name.clone()),
                Approval::Pending => Some(format!("{} (to approve)", server.name)),
                Approval::Denied => None,
            },
        )
        .collect();
    SessionFacts {
        provider: provider.to_string(),
        memory,
        mcp,
    }
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
            how: match *name {
                "anthropic" => "claw's default provider".into(),
                _ => format!("with --provider {name}"),
            },
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
            Opened::FirstRun(Op::Lookup(Lookup::LocalServers))
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
    fn the_header_names_the_memory_files_and_mcp_servers() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("CLAUDE.md"), "be brief").unwrap();
        std::fs::write(root.path().join("AGENTS.md"), "run the tests").unwrap();
        let locations = Locations {
            project_root: root.path().to_path_buf(),
            home: None,
            user_config: None,
        };
        let server = |name: &str, scope| McpServerConfig {
            name: name.into(),
            transport: crate::config::mcp::McpTransport::Stdio {
                command: "true".into(),
                args: Vec::new(),
                env: Vec::new(),
            },
            source: root.path().join(".mcp.json"),
            scope,
        };
        let servers = [
            server("github", crate::config::mcp::McpScope::User),
            server("fs", crate::config::mcp::McpScope::Project),
        ];
        let facts = header_facts("anthropic", &locations, root.path(), &servers, &Value::Null);
        assert_eq!(facts.memory, ["CLAUDE.md", "AGENTS.md"]);
        assert_eq!(facts.mcp, ["github", "fs (to approve)"]);
    }
}
