//! The agent as the integration tests start it: the real tools and HTTP client against a fake
//! server, default mode, no session file. Tests change what they need with `..config(…)`.

use std::path::Path;
use std::sync::Arc;

use claw::agent::AgentConfig;
use claw::permissions::{PermissionMode, Permissions};
use claw::provider::anthropic::{Anthropic, Auth, Options};
use claw::provider::catalog::Catalog;
use claw::tools::Registry;
use fake_server::FakeServer;

pub fn config(server: &FakeServer, cwd: &Path) -> AgentConfig {
    AgentConfig {
        provider: Arc::new(Anthropic::new(
            &server.base_url(),
            Auth::ApiKey("test".into()),
            Options::default(),
        )),
        providers: None,
        catalog: Catalog::builtin(),
        model: "claude-sonnet-4-6".into(),
        cwd: cwd.to_path_buf(),
        tools: Registry::builtin(),
        system_prompt: None,
        effort: claw::protocol::Effort::Off,
        permissions: Permissions::new(PermissionMode::Default, cwd, None),
        local_settings: Some(cwd.join(".claw/settings.local.json")),
        hooks: claw::hooks::Hooks::default(),
        settings_summary: String::new(),
        log: claw::agent::history::LogTarget::None,
        resumed: Default::default(),
        compact_threshold: 0.85,
        small_model: "haiku".into(),
        setup: Default::default(),
    }
}
