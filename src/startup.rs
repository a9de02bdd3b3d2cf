//! Start-up: turns the command line and environment into a running session (full-screen or
//! headless). The top of the program, so errors here are `anyhow`.

mod run_options;
mod session;
mod sources;

use std::time::{Duration, Instant};

use anyhow::Context;

use crate::agent::{self, AgentConfig};
use crate::app::Model;
use crate::app::model::StatusInfo;
use crate::cli::{Args, Command};
use crate::config::project_root;
use crate::config::settings::Locations;
use crate::hooks::Hooks;
use crate::permissions::{PermissionMode, Permissions};
use crate::provider::catalog::Catalog;
use crate::provider::presets::Kind;
use crate::ui::theme::Theme;
use crate::{headless, tui};

/// How long a quitting claw waits for the agent to wind down (SessionEnd hooks, the log sync).
const AGENT_SHUTDOWN: Duration = Duration::from_secs(2);

/// Runs claw; returns the process exit status.
pub async fn run(args: Args) -> anyhow::Result<i32> {
    // First, so a signal during start-up already ends claw cleanly.
    let stop = crate::signals::listen().unwrap_or_else(|error| {
        eprintln!("claw: cannot listen for signals ({error}); a kill may leave tools running");
        crate::signals::Stop::never()
    });
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let locations = Locations::detect(&project_root(&cwd));
    if let Some(problem) = run_options::usage_problem(&args, &cwd) {
        eprintln!("claw: {problem}");
        return Ok(2);
    }
    let mut settings = run_options::load_settings(&locations, &args.run, &cwd);
    match &args.command {
        Some(Command::Config) => {
            print!("{}", settings.describe());
            return Ok(0);
        }
        Some(Command::Mcp { action }) => {
            let (text, code) = crate::mcp::cli::run(action, &locations, &settings);
            if code == 0 {
                print!("{text}");
            } else {
                eprint!("{text}");
            }
            return Ok(code);
        }
        None => {}
    }
    let headless = headless::wanted(&args);
    if headless && !settings.broken.is_empty() {
        // Fail closed: a broken file's deny rules are not in force, and nobody is there to ask.
        eprint!("{}", headless::broken_settings_message(&settings.broken));
        return Ok(headless::BROKEN_SETTINGS_EXIT);
    }
    let catalog = Catalog::builtin();
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let asked_model = args.model.clone().or_else(|| settings.string("model"));
    let setting_provider = settings.string("provider");
    let null = serde_json::Value::Null;
    let (provider_config, model) = crate::config::providers::choose(
        &crate::config::providers::Choice {
            cli_provider: args.provider.as_deref(),
            model: asked_model.as_deref(),
            setting: setting_provider.as_deref(),
            providers: settings.merged.get("providers").unwrap_or(&null),
        },
        &env,
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    let anthropic = provider_config.kind == Kind::Anthropic;
    let model = match model {
        Some(model) => model,
        None if anthropic => catalog.default_model().to_string(),
        None if provider_config.kind == Kind::Demo => crate::provider::demo::MODEL.to_string(),
        None => anyhow::bail!(
            "the provider `{0}` needs a model: --model {0}/NAME (its server lists them at {1}/models)",
            provider_config.name,
            provider_config.base_url
        ),
    };
    if let Some(problem) = sources::fallback_problem(&args.run, &model, &catalog) {
        eprintln!("claw: {problem}");
        return Ok(2);
    }
    let kept = sources::kept(&args.run);
    let mode = if args.dangerously_skip_permissions {
        PermissionMode::BypassPermissions
    } else {
        args.permission_mode
            .or_else(|| settings.default_mode())
            .unwrap_or_default()
    };
    let effort = settings.effort();
    let effort = args.run.effort.unwrap_or(effort);
    let mut permissions = Permissions::new(mode, &cwd, locations.home.clone());
    if let Some(config_dir) = &locations.user_config {
        permissions.set_config_dir(config_dir.clone());
    }
    settings.apply_rules(&mut permissions, &cwd);
    let reads = if headless {
        session::Reads::Whole
    } else {
        session::Reads::LastTurnsFirst
    };
    let mut session = match session::open_session(&args, &cwd, &model, reads)? {
        Some(session) => session,
        None => return Ok(0),
    };
    // What is said of a session read whole comes first below its transcript; of one read from
    // its end, with the whole conversation.
    let resume_notices = match &mut session.resumed {
        crate::agent::resume::Resume::Whole(restored) => std::mem::take(&mut restored.notices),
        crate::agent::resume::Resume::Reading(_) => Vec::new(),
    };
    let (hooks, hook_warnings) = Hooks::from_settings(settings.merged.get("hooks"));
    settings.warnings.extend(hook_warnings);
    let (mcp_servers, mcp_warnings) = crate::config::mcp::declared_servers(
        &crate::config::mcp::McpSources {
            project_root: &locations.project_root,
            settings: &settings.files,
            claude_json: locations.home.as_ref().map(|h| h.join(".claude.json")),
            command_line: &args.mcp_config,
            strict: args.strict_mcp_config,
        },
        &|name| std::env::var(name).ok(),
    );
    let mut mcp_servers = mcp_servers;
    sources::keep_servers(&mut mcp_servers, &locations.project_root, kept);
    settings.warnings.extend(mcp_warnings);
    settings
        .warnings
        .extend(crate::mcp::McpOptions::from_env(&|name| std::env::var(name).ok()).1);
    let (custom_commands, command_warnings) = crate::config::custom_commands::load_kept(
        &locations.project_root,
        locations.user_config.as_deref(),
        locations.home.as_deref(),
        kept,
    );
    let (agents, agent_warnings) = sources::agents(&args.run, &locations, kept);
    settings.warnings.extend(agent_warnings);
    settings.warnings.extend(command_warnings);
    let builtin = |name: &str| {
        crate::app::commands::COMMANDS
            .iter()
            .any(|c| c.name == name)
    };
    let (clashing, custom_commands): (Vec<_>, Vec<_>) =
        custom_commands.into_iter().partition(|c| builtin(&c.name));
    for command in clashing {
        settings.warnings.push(format!(
            "{}: /{} is a built-in command; this file is not used",
            command.path.display(),
            command.name
        ));
    }
    let command_names: Vec<String> = custom_commands.iter().map(|c| c.name.clone()).collect();
    let (sandbox, sandbox_warnings) = crate::sandbox::SandboxSettings::from_settings(
        &settings.merged,
        &cwd,
        &locations.project_root,
    );
    settings.warnings.extend(sandbox_warnings);
    let setup_mcp = crate::mcp::McpServers::for_session(&mcp_servers, &settings.merged, &cwd);
    let memory_dirs = crate::config::memory::added_dirs(&args.run.add_dir, &cwd, &env);
    let memory_files = crate::first_screen::memory_files(&locations, &cwd, kept, &memory_dirs);
    let tools = run_options::tools(&args.run, &mut settings.warnings);
    let system_prompt = run_options::system_prompt(&args.run, &cwd)?;
    let mut setup = agent::Setup {
        user_settings: locations.user_file(),
        settings_files: locations
            .candidates()
            .into_iter()
            .map(|(p, _, _)| p)
            .collect(),
        warnings: settings
            .broken
            .iter()
            .map(|b| format!("{b} (the file was left out)"))
            .chain(settings.warnings.iter().cloned())
            .collect(),
        mcp: setup_mcp.clone(),
        mcp_servers,
        custom_commands,
        sandbox,
        provider_names: crate::config::providers::names(
            settings.merged.get("providers").unwrap_or(&null),
        ),
        provider_name: provider_config.name.clone(),
        api_key_source: api_key_source(&provider_config, &env),
        local_servers: agent::local_servers::candidates(&env),
        memory_files,
        agents,
        sources: kept,
        locations: Some(locations.clone()),
        memory_dirs,
    };
    let install_id = directories::ProjectDirs::from("", "", "claw")
        // Without persistence nothing is written: an install id is used only if it exists.
        .filter(|dirs| {
            !args.run.no_session_persistence || dirs.data_dir().join("install-id").exists()
        })
        .and_then(|dirs| crate::config::install_id::user_id(dirs.data_dir()));
    let (provider, provider_warnings) =
        crate::provider::presets::build(&provider_config, &env, install_id.clone());
    let providers = crate::config::providers::factory(
        settings
            .merged
            .get("providers")
            .cloned()
            .unwrap_or_default(),
        install_id,
    );
    let missing_keys =
        crate::first_screen::missing_keys(&provider_config.name, &provider.describe());
    setup.warnings.extend(provider_warnings.iter().cloned());
    settings.warnings.extend(provider_warnings);
    let config = AgentConfig {
        provider,
        providers: Some(providers),
        catalog,
        model: model.clone(),
        cwd: cwd.clone(),
        tools,
        system_prompt,
        effort,
        permissions,
        local_settings: Some(locations.local_file()),
        hooks,
        settings_summary: settings.describe(),
        log: session.log,
        resumed: session.resumed,
        compact_threshold: settings
            .merged
            .get("autoCompactThreshold")
            .and_then(serde_json::Value::as_f64)
            .filter(|t| *t > 0.0 && *t <= 1.0)
            .unwrap_or(0.85),
        small_model: std::env::var("CLAW_SMALL_MODEL")
            .ok()
            .or_else(|| settings.string("smallModel"))
            // Another provider has no haiku: its own model does the small jobs.
            .unwrap_or_else(|| {
                if anthropic {
                    "haiku".into()
                } else {
                    model.clone()
                }
            }),
        setup,
    };
    let run = run_options::agent_options(&args.run);
    let pick_session = args.resume.as_deref() == Some("");
    if headless {
        if let Some(mcp) = &setup_mcp {
            mcp.launch_approved();
        }
        for warning in &settings.warnings {
            eprintln!("claw: {warning}");
        }
        let options = match headless::Options::from_args(&args, command_names) {
            Ok(options) => options,
            Err(usage) => {
                eprintln!("claw: {usage}");
                return Ok(headless::USAGE_EXIT);
            }
        };
        let (code, finished) = headless::run(config, run, options, stop).await;
        if let Some(finished) = finished {
            wind_down(finished).await;
        }
        return Ok(code);
    }
    // The full screen has no SDK client: an in-process SDK MCP server fails at once.
    drop(crate::mcp::sdk::take_messages());
    let handle = agent::spawn_with(config, run);
    // The agent's SessionStarted fills in the rest (the model, the lists, a resumed transcript).
    let status = StatusInfo {
        cwd: crate::shown_path::shown_dir(&cwd),
        permission_mode: mode.as_str().into(),
        ..StatusInfo::default()
    };
    let theme_setting = settings.string("theme");
    let (theme, theme_warning) = choose_theme(theme_setting.as_deref());
    let mut ui_model = Model::new(theme, status, Instant::now());
    // Without a choice in the settings the terminal's background decides (asked at start).
    ui_model.theme_auto = matches!(theme_setting.as_deref(), None | Some("auto"));
    settings.warnings.extend(theme_warning);
    let (keymap, keymap_notices) = load_keymap(&locations);
    ui_model.set_keymap(keymap);
    let history_path =
        crate::history_file::path_for(&cwd).filter(|_| !args.run.no_session_persistence);
    let runtime = tui::Runtime::new(handle.ops, history_path.clone());
    // Shown below the header and a resumed transcript, once the agent says the session started.
    ui_model.deferred_notices =
        resume_notices
            .into_iter()
            .chain(settings.broken.iter().map(|broken| {
                format!("Settings file left out (none of its settings apply): {broken}")
            }))
            .chain(settings.warnings)
            .chain(session.notices)
            .chain(keymap_notices)
            .collect();
    // A settings file that doesn't parse: the session opens on a dialog, and the prompt given
    // on the command line waits for the user's choice.
    let first_prompt = if settings.broken.is_empty() {
        args.prompt
    } else {
        ui_model
            .overlays
            .open(crate::app::overlay::Overlay::BrokenSettings(
                crate::app::broken_settings::BrokenSettings {
                    files: settings.broken,
                    first_prompt: args.prompt,
                },
            ));
        None
    };
    let first_prompt = match crate::first_screen::open(&mut ui_model, missing_keys, first_prompt) {
        crate::first_screen::Opened::FirstRun(ask) => {
            runtime.send(ask);
            None
        }
        crate::first_screen::Opened::Session(prompt) => prompt,
    };
    if let Some(path) = &history_path {
        ui_model.history =
            crate::app::history::InputHistory::with_entries(crate::history_file::load(path));
    }
    if pick_session {
        // `claw --resume` without an id: start in the session picker.
        ui_model
            .overlays
            .open(crate::app::overlay::Overlay::Palette(
                crate::app::palette::Palette::new(
                    crate::app::palette::PaletteKind::Sessions,
                    ui_model.effort,
                ),
            ));
        runtime.send(crate::app::lookups::ask(
            &mut ui_model,
            crate::protocol::Lookup::Sessions,
        ));
    }
    // The servers fork and start once the first frame is on screen, so they never delay it.
    let (drawn, first_frame) = tokio::sync::oneshot::channel();
    if let Some(mcp) = setup_mcp {
        mcp.launch_after(first_frame);
    }
    let ended = tui::run(
        ui_model,
        runtime,
        handle.events,
        tui::Options {
            first_prompt,
            stop,
            first_frame: Some(drawn),
        },
    )
    .await;
    wind_down(handle.finished).await;
    Ok(match ended? {
        tui::Ended::Quit => 0,
        tui::Ended::Signal(signal) => crate::signals::exit_status(signal),
    })
}

/// Where the provider's key comes from, as the session-started event reports it.
fn api_key_source(
    config: &crate::provider::presets::ProviderConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> String {
    let names: Vec<&str> = match (&config.key_env, config.kind) {
        (Some(name), _) => vec![name.as_str()],
        (None, Kind::Anthropic) => vec!["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"],
        (None, _) => Vec::new(),
    };
    names
        .into_iter()
        .find(|name| env(name).is_some())
        .unwrap_or("none")
        .to_string()
}

/// After `Op::Shutdown`: lets the agent finish (SessionEnd hooks, the log sync) for a moment,
/// then kills whatever tool processes are left.
async fn wind_down(finished: tokio::task::JoinHandle<()>) {
    let _ = tokio::time::timeout(AGENT_SHUTDOWN, finished).await;
    crate::process_groups::kill_all();
}

/// The keys of `<config>/claw/keybindings.json` over the defaults, and its problems (notices).
fn load_keymap(locations: &Locations) -> (crate::app::keymap::Keymap, Vec<String>) {
    let Some(path) = locations
        .user_config
        .as_ref()
        .map(|d| d.join("keybindings.json"))
    else {
        return Default::default();
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Default::default();
    };
    let (keymap, warnings) = crate::app::keymap::Keymap::from_json(&text);
    let shown = crate::shown_path::shown_dir(&path);
    let notices = warnings
        .into_iter()
        .map(|w| format!("{shown}: {w}"))
        .collect();
    (keymap, notices)
}

/// The theme named in the settings, or (for none or "auto") the one that suits the terminal's
/// background as `COLORFGBG` reports it (dark when unknown).
fn choose_theme(setting: Option<&str>) -> (Theme, Option<String>) {
    let auto = || {
        let light = std::env::var("COLORFGBG")
            .ok()
            .and_then(|v| v.rsplit(';').next().and_then(|bg| bg.parse::<u8>().ok()))
            .is_some_and(|bg| bg == 7 || bg >= 9);
        if light { Theme::builtin("light") } else { None }.unwrap_or_else(Theme::dark)
    };
    match setting {
        None | Some("auto") => (auto(), None),
        Some(name) => match Theme::builtin(name) {
            Some(theme) => (theme, None),
            None => (
                auto(),
                Some(format!(
                    "settings: no theme `{name}` (choose {}); using the automatic choice",
                    Theme::names().join(", ")
                )),
            ),
        },
    }
}
