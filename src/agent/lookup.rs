//! Lookups a front end asks for to fill its pickers and reports: the server's models, this
//! project's sessions, the working tree's git changes, `/doctor`, the context's fill, the MCP
//! servers. They never wait for a turn to end: each runs on its own task and answers with
//! `AgentEvent::LookedUp` carrying the asker's id.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::agent::Setup;
use crate::protocol::lookup::ContextUsage;
use crate::protocol::{AgentEvent, Lookup, LookupAnswer, LookupId, ModelChoice, SessionChoice};
use crate::provider::catalog::Catalog;

/// What lookups need; owned by the inbox so they are answered mid-turn too.
pub(crate) struct Lookups {
    pub provider: crate::agent::services::ProviderSlot,
    /// The other providers, for the model list.
    pub providers: Option<crate::agent::services::ProviderFactory>,
    pub catalog: Catalog,
    pub events: UnboundedSender<AgentEvent>,
    pub sessions_dir: Option<PathBuf>,
    pub cwd: PathBuf,
    pub setup: Arc<Setup>,
    /// What the context holds, as the session last reported it.
    pub gauge: ContextGauge,
}

/// The context's fill as the session's own events tell it (its `Usage` and `SessionInfo`),
/// kept where lookups answered mid-turn can read it.
#[derive(Clone, Debug, Default)]
pub(crate) struct ContextGauge(Arc<std::sync::Mutex<ContextUsage>>);

impl ContextGauge {
    pub(crate) fn new(model: &str, context_window: u64, auto_compact: bool) -> Self {
        ContextGauge(Arc::new(std::sync::Mutex::new(ContextUsage {
            model: model.to_string(),
            context_window,
            last: Default::default(),
            auto_compact,
        })))
    }

    /// Notes what an event the session sends says of the context.
    pub(crate) fn saw(&self, event: &AgentEvent) {
        let change = |f: &mut dyn FnMut(&mut ContextUsage)| match self.0.lock() {
            Ok(mut usage) => f(&mut usage),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        };
        if let AgentEvent::Usage { usage, .. } = event {
            change(&mut |u| u.last = *usage);
        } else if let AgentEvent::SessionInfo {
            model,
            context_window,
            ..
        } = event
        {
            change(&mut |u| {
                u.model.clone_from(model);
                u.context_window = *context_window;
            });
        }
    }

    pub(crate) fn read(&self) -> ContextUsage {
        match self.0.lock() {
            Ok(usage) => usage.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl Lookups {
    /// `Op::McpAuthenticate`: signs in to a server in the background (its progress and the
    /// browser's address come as notices).
    pub(crate) fn authenticate_mcp(&self, server: &str) {
        let message = match &self.setup.mcp {
            Some(mcp) => match mcp.authenticate(server) {
                Ok(()) => return,
                Err(why) => why,
            },
            None => "No MCP servers declared.".to_string(),
        };
        let _ = self.events.send(AgentEvent::Notice { message });
    }

    /// Answers lookup `id` (on a task of its own when it takes time).
    pub(crate) fn run(&self, id: LookupId, lookup: Lookup) {
        let events = self.events.clone();
        let answer = move |answer: LookupAnswer| {
            let _ = events.send(AgentEvent::LookedUp { id, answer });
        };
        match lookup {
            Lookup::Models => crate::agent::provider_models::list_all(
                id,
                &self.provider,
                self.providers.as_ref(),
                &self.setup.provider_names,
                &self.catalog,
                &self.events,
            ),
            Lookup::Sessions => {
                let dir = self.sessions_dir.clone();
                tokio::task::spawn_blocking(move || {
                    let sessions = dir
                        .map(|dir| crate::agent::session_log::list(&dir))
                        .unwrap_or_default();
                    let choices = sessions
                        .into_iter()
                        .map(|s| SessionChoice {
                            id: s.id,
                            first_prompt: s.first_prompt,
                            age_secs: s.modified.elapsed().map(|d| d.as_secs()).unwrap_or(0),
                            messages: s.messages,
                            cost: s.cost,
                        })
                        .collect();
                    answer(LookupAnswer::Sessions(choices));
                });
            }
            Lookup::GitDiff => {
                let cwd = self.cwd.clone();
                tokio::task::spawn_blocking(move || {
                    let result =
                        crate::gitdiff::working_tree_changes(&cwd).map_err(|e| e.to_string());
                    answer(LookupAnswer::GitDiff(result));
                });
            }
            Lookup::Doctor => {
                let active = crate::agent::doctor::Active {
                    provider: self.provider.current(),
                    name: self.provider.name(),
                    model: self.provider.model(),
                };
                let setup = self.setup.clone();
                let cwd = self.cwd.clone();
                tokio::spawn(async move {
                    let body = crate::agent::doctor::report(&active, &setup, &cwd).await;
                    answer(LookupAnswer::Doctor(body));
                });
            }
            Lookup::LocalServers => {
                let candidates = self.setup.local_servers.clone();
                tokio::spawn(async move {
                    let found = crate::agent::local_servers::probe(&candidates).await;
                    answer(LookupAnswer::LocalServers(found));
                });
            }
            Lookup::ContextUsage => answer(LookupAnswer::ContextUsage(self.gauge.read())),
            Lookup::McpStatus => answer(LookupAnswer::McpStatus(
                self.setup
                    .mcp
                    .as_ref()
                    .map(crate::agent::mcp_ui::infos)
                    .unwrap_or_default(),
            )),
        }
    }

    /// Saves `key: value` (the model, the theme) in the user's settings file for new sessions.
    pub(crate) fn save_setting(&self, key: &str, value: &str) {
        let event = match &self.setup.user_settings {
            Some(path) => match crate::config::settings::save_setting(
                path,
                key,
                serde_json::Value::String(value.to_string()),
            ) {
                Ok(()) => AgentEvent::Notice {
                    message: format!(
                        "Saved {key} {value} as the default ({}).",
                        crate::shown_path::shown_from(path, &self.cwd)
                    ),
                },
                Err(e) => AgentEvent::Error {
                    message: format!("Could not save the default {key}: {e}"),
                },
            },
            None => AgentEvent::Error {
                message: format!("Could not save the default {key}: no user config directory."),
            },
        };
        let _ = self.events.send(event);
    }
}

/// A model as the picker shows it: the catalog's facts where it knows the id.
pub fn model_choice(catalog: &Catalog, id: &str, name: &str) -> ModelChoice {
    match catalog.resolve(id) {
        Some(info) => ModelChoice {
            id: id.to_string(),
            name: info.name.clone(),
            context_window: Some(info.context_window),
            prices: Some((info.input, info.output)),
            thinks: true,
            provider: String::new(),
        },
        None => ModelChoice {
            id: id.to_string(),
            name: name.to_string(),
            context_window: None,
            prices: None,
            thinks: true,
            provider: String::new(),
        },
    }
}

/// The catalog's models (Anthropic's), for the picker before the providers answer.
pub fn catalog_choices(catalog: &Catalog) -> Vec<ModelChoice> {
    catalog
        .models()
        .iter()
        .map(|m| ModelChoice {
            provider: "anthropic".into(),
            ..model_choice(catalog, &m.id, &m.name)
        })
        .collect()
}
