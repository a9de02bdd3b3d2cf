//! What `--setting-sources` keeps beyond the settings files, as Claude Code's SDK documents it:
//! without `project`, no project memory (CLAUDE.md, CLAW.md), commands, agents or `.mcp.json`
//! (its hooks and settings are the project settings files, already left out); without `user`,
//! none of the user's; without `local`, no `.local.md` memory. Without the flag, all of them.
//! Also the custom agents: the files of the sources kept, then `--agents`.

use std::path::Path;

use crate::cli::{RunFlags, SettingSource};
use crate::config::Sources;
use crate::config::agents::{self, AgentDefinition, AgentPlaces, AgentScope};
use crate::config::mcp::McpServerConfig;
use crate::config::settings::Locations;

/// The sources the command line keeps.
pub(super) fn kept(flags: &RunFlags) -> Sources {
    match &flags.setting_sources {
        None => Sources::default(),
        Some(given) => {
            let has = |source| given.0.contains(&source);
            Sources {
                user: has(SettingSource::User),
                project: has(SettingSource::Project),
                local: has(SettingSource::Local),
            }
        }
    }
}

/// The custom agents: the user's and the project's files (those kept), then `--agents`.
pub(super) fn agents(
    flags: &RunFlags,
    locations: &Locations,
    sources: Sources,
) -> (Vec<AgentDefinition>, Vec<String>) {
    let (mut found, mut warnings) = agents::load_files(&AgentPlaces {
        project_root: &locations.project_root,
        config_dir: locations.user_config.as_deref(),
        home: locations.home.as_deref(),
        user: sources.user,
        project: sources.project,
    });
    if let Some(given) = &flags.agents {
        let (more, problems) = agents::from_json(given, AgentScope::CommandLine, "--agents");
        agents::merge(&mut found, more);
        warnings.extend(problems);
    }
    (found, warnings)
}

/// Leaves out the servers of the project's `.mcp.json` when the project source is not kept.
pub(super) fn keep_servers(
    servers: &mut Vec<McpServerConfig>,
    project_root: &Path,
    sources: Sources,
) {
    if !sources.project {
        let mcp_json = project_root.join(".mcp.json");
        servers.retain(|s| s.source != mcp_json);
    }
}

/// `--fallback-model` naming the main model is a usage error, as in Claude Code.
pub(super) fn fallback_problem(
    flags: &RunFlags,
    model: &str,
    catalog: &crate::provider::catalog::Catalog,
) -> Option<String> {
    let fallback = flags.fallback_model.as_deref()?;
    let id = |name: &str| {
        catalog
            .resolve(name)
            .map(|info| info.id.clone())
            .unwrap_or_else(|| name.trim().to_string())
    };
    (id(fallback) == id(model)).then(|| {
        format!(
            "--fallback-model {fallback} is the main model ({}): give another model to fall back to",
            id(model)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(args: &[&str]) -> RunFlags {
        use clap::Parser;
        crate::cli::Args::try_parse_from(std::iter::once("claw").chain(args.iter().copied()))
            .unwrap()
            .run
    }

    #[test]
    fn the_flag_keeps_the_sources_it_names_and_all_without_it() {
        assert_eq!(kept(&flags(&[])), Sources::default());
        assert_eq!(
            kept(&flags(&["--setting-sources", "user,local"])),
            Sources {
                user: true,
                project: false,
                local: true
            }
        );
        let none = kept(&flags(&["--setting-sources="]));
        assert!(!none.user && !none.project && !none.local);
    }

    #[test]
    fn a_fallback_equal_to_the_main_model_is_refused_by_id_or_alias() {
        let catalog = crate::provider::catalog::Catalog::builtin();
        let same = flags(&["--fallback-model", "claude-sonnet-4-6"]);
        assert!(fallback_problem(&same, "claude-sonnet-4-6", &catalog).is_some());
        let sonnet = catalog.resolve("sonnet").unwrap().id.clone();
        let alias = flags(&["--fallback-model", "sonnet"]);
        let problem = fallback_problem(&alias, &sonnet, &catalog).unwrap();
        assert!(problem.contains("is the main model"), "{problem}");
        let other = flags(&["--fallback-model", "haiku"]);
        assert_eq!(fallback_problem(&other, &sonnet, &catalog), None);
        assert_eq!(fallback_problem(&flags(&[]), &sonnet, &catalog), None);
    }
}
