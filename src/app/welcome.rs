//! The header on the first screen: claw's version, the provider and model, the working
//! directory, the memory files and MCP servers in use, and the keys for help and the palette.
//! It is the conversation's first cell, so it scrolls away like any other.

use crate::app::keymap::GlobalAction;
use crate::app::model::Model;
use crate::protocol::session_start::SessionStart;

/// What the header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Welcome {
    pub version: String,
    /// The provider's name ("anthropic", "ollama", "demo").
    pub provider: String,
    pub model: String,
    pub cwd: String,
    /// The memory files read into the session, as shown paths (`CLAUDE.md`, `~/.claude/CLAUDE.md`).
    pub memory: Vec<String>,
    /// The MCP servers of the session, by name.
    pub mcp: Vec<String>,
    /// Where help is, how to open the palette, switch modes and mention files, with the keys
    /// in force.
    pub hint: String,
}

/// What the session runs with, beyond what the Model knows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionFacts {
    pub provider: String,
    pub memory: Vec<String>,
    pub mcp: Vec<String>,
}

impl SessionFacts {
    /// What the session-started event says: the provider, the memory files (shown from the
    /// working directory, or home), the MCP servers (one waiting for approval marked so, one
    /// that failed too; disabled ones left out).
    pub fn from_start(start: &SessionStart) -> Self {
        let cwd = std::path::Path::new(&start.cwd);
        SessionFacts {
            provider: start.provider.clone(),
            memory: start
                .memory_files
                .iter()
                .map(|path| crate::shown_path::shown_from(std::path::Path::new(path), cwd))
                .collect(),
            mcp: start
                .mcp_servers
                .iter()
                .filter_map(|server| match server.status.as_str() {
                    "disabled" => None,
                    "needs-approval" => Some(format!("{} (to approve)", server.name)),
                    "failed" => Some(format!("{} (failed)", server.name)),
                    _ => Some(server.name.clone()),
                })
                .collect(),
        }
    }
}

/// The header for the model's session, naming the keys of the keymap in force.
pub fn welcome(model: &Model, facts: SessionFacts) -> Welcome {
    let key = |action| model.keymap.key_for(action);
    Welcome {
        version: env!("CARGO_PKG_VERSION").into(),
        provider: facts.provider,
        model: model.status.model.clone(),
        cwd: model.status.cwd.clone(),
        memory: facts.memory,
        mcp: facts.mcp,
        hint: format!(
            "? keys · /help commands · {} palette · {} modes · @ files",
            key(GlobalAction::Palette),
            key(GlobalAction::CycleMode)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::model::StatusInfo;
    use crate::theme::Theme;

    #[test]
    fn the_hint_names_the_mode_key_in_force() {
        let mut model = Model::new(
            Theme::dark(),
            StatusInfo {
                model: "claude-sonnet-4-6".into(),
                cwd: "~/src/demo".into(),
                ..StatusInfo::default()
            },
            std::time::Instant::now(),
        );
        let header = welcome(&model, SessionFacts::default());
        assert_eq!(
            (header.model.as_str(), header.cwd.as_str()),
            ("claude-sonnet-4-6", "~/src/demo")
        );
        assert!(
            header.hint.contains("Shift+Tab modes") && header.hint.contains("Ctrl+P palette"),
            "{}",
            header.hint
        );
        let (keymap, warnings) = crate::app::keymap::Keymap::from_json(
            r#"{"cycleMode": "ctrl+y", "palette": "ctrl+k"}"#,
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        model.keymap = keymap;
        let hint = welcome(&model, SessionFacts::default()).hint;
        assert!(
            hint.contains("Ctrl+Y modes") && hint.contains("Ctrl+K palette"),
            "{hint}"
        );
    }

    #[test]
    fn the_facts_come_from_the_session_started_event() {
        use crate::protocol::session_start::McpServerState;
        let server = |name: &str, status: &str| McpServerState {
            name: name.into(),
            status: status.into(),
        };
        let start = SessionStart {
            cwd: "/p".into(),
            provider: "ollama".into(),
            memory_files: vec!["/p/CLAUDE.md".into(), "/p/web/AGENTS.md".into()],
            mcp_servers: vec![
                server("github", "pending"),
                server("fs", "needs-approval"),
                server("old", "disabled"),
                server("db", "failed"),
            ],
            ..SessionStart::default()
        };
        let facts = SessionFacts::from_start(&start);
        assert_eq!(facts.provider, "ollama");
        assert_eq!(facts.memory, ["CLAUDE.md", "web/AGENTS.md"]);
        assert_eq!(facts.mcp, ["github", "fs (to approve)", "db (failed)"]);
    }
}
