//! Start-up: turns the command line and environment into a running session (full-screen or
//! headless). The top of the program, so errors here are `anyhow`.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;

use crate::agent::{self, AgentConfig};
use crate::app::Model;
use crate::app::model::{CellKind, StatusInfo};
use crate::cli::{Args, Command};
use crate::config::project_root;
use crate::config::settings::{Locations, Settings};
use crate::hooks::Hooks;
use crate::permissions::{PermissionMode, Permissions};
use crate::provider::Thinking;
use crate::provider::anthropic::Anthropic;
use crate::provider::catalog::Catalog;
use crate::tools::Registry;
use crate::ui::theme::Theme;
use crate::{headless, tui};

/// Runs claw; returns the process exit status.
pub async fn run(args: Args) -> anyhow::Result<i32> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let locations = Locations::detect(&project_root(&cwd));
    let mut settings = Settings::load(&locations);
    if let Some(Command::Config) = args.command {
        print!("{}", settings.describe());
        return Ok(0);
    }
    let catalog = Catalog::builtin();
    let model = args
        .model
        .clone()
        .or_else(|| settings.string("model"))
        .unwrap_or_else(|| catalog.default_model().to_string());
    let mode = if args.dangerously_skip_permissions {
        PermissionMode::BypassPermissions
    } else {
        args.permission_mode
            .or_else(|| settings.default_mode())
            .unwrap_or_default()
    };
    let mut permissions = Permissions::new(mode, &cwd, locations.home.clone());
    settings.apply_rules(&mut permissions, &cwd);
    let (hooks, hook_warnings) = Hooks::from_settings(settings.merged.get("hooks"));
    settings.warnings.extend(hook_warnings);
    let provider = Anthropic::from_env();
    let context_window = agent::resolve_model(&catalog, &model).context_window;
    let handle = agent::spawn(AgentConfig {
        provider: Arc::new(provider),
        catalog,
        model: model.clone(),
        cwd: cwd.clone(),
        tools: Registry::builtin(),
        system_prompt: None,
        thinking: Thinking::Off,
        permissions,
        local_settings: Some(locations.local_file()),
        hooks,
        settings_summary: settings.describe(),
    });
    if let Some(prompt) = args.print {
        for warning in &settings.warnings {
            eprintln!("claw: {warning}");
        }
        return Ok(headless::run(handle, prompt).await);
    }
    let status = StatusInfo {
        model,
        cwd: display_cwd(&cwd),
        permission_mode: mode.as_str().into(),
        context_window,
        ..StatusInfo::default()
    };
    let mut ui_model = Model::new(Theme::dark(), status, Instant::now());
    for warning in settings.warnings {
        ui_model.push_cell(CellKind::Notice(warning));
    }
    tui::run(ui_model, handle.ops, handle.events, args.prompt).await?;
    Ok(0)
}

/// The cwd with the home directory shown as `~`.
fn display_cwd(cwd: &std::path::Path) -> String {
    if let Some(home) = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
        && let Ok(rest) = cwd.strip_prefix(&home)
    {
        return format!("~/{}", rest.display());
    }
    cwd.display().to_string()
}
