//! The model picker's list: the catalog's models and those every provider lists, grouped by
//! provider (the session's first, then the others by name). While one provider is all there
//! is, models go by their ids; once others answer, every model is `NAME/MODEL`, and choosing
//! one of another provider's switches to it.

use crate::app::model::Model;
use crate::protocol::ModelChoice;

/// The provider claw uses when none is named.
const DEFAULT_PROVIDER: &str = "anthropic";

/// One model as the picker lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    pub choice: ModelChoice,
    pub provider: String,
    /// What the list shows: the id, or `NAME/MODEL`.
    pub label: String,
    /// What choosing it sends (`Op::SetModel`): the id for the session's provider, else
    /// `NAME/MODEL`.
    pub select: String,
    /// The model in use.
    pub current: bool,
}

/// The provider the session uses, by name.
pub fn session_provider(model: &Model) -> &str {
    match model.status.provider.as_str() {
        "" => DEFAULT_PROVIDER,
        name => name,
    }
}

/// Adds one provider's answer to the list, in place of what it listed before.
pub fn add_listed(model: &mut Model, listed: Vec<ModelChoice>) {
    let session = session_provider(model).to_string();
    let effective = |c: &ModelChoice| match c.provider.as_str() {
        "" => session.clone(),
        name => name.to_string(),
    };
    let answering: Vec<String> = listed.iter().map(&effective).collect();
    let known = model.server_models.get_or_insert_with(Vec::new);
    known.retain(|c| !answering.contains(&effective(c)));
    known.extend(listed.into_iter().map(|mut c| {
        c.provider = effective(&c);
        c
    }));
}

/// Every model to pick from, grouped by provider.
pub fn listed_models(model: &Model) -> Vec<Listed> {
    let session = session_provider(model).to_string();
    let mut all: Vec<(String, ModelChoice)> = Vec::new();
    for choice in model
        .catalog_models
        .iter()
        .chain(model.server_models.iter().flatten())
    {
        let provider = match choice.provider.as_str() {
            "" => session.clone(),
            name => name.to_string(),
        };
        if !all.iter().any(|(p, c)| *p == provider && c.id == choice.id) {
            all.push((provider, choice.clone()));
        }
    }
    let in_use = &model.status.model;
    if !in_use.is_empty() && !all.iter().any(|(p, c)| *p == session && c.id == *in_use) {
        all.insert(
            0,
            (
                session.clone(),
                ModelChoice {
                    id: in_use.clone(),
                    name: String::new(),
                    context_window: None,
                    prices: None,
                    thinks: true,
                    provider: session.clone(),
                },
            ),
        );
    }
    // The session's provider first, then the others by name; each keeps its own order.
    all.sort_by(|(a, _), (b, _)| (*a != session, a).cmp(&(*b != session, b)));
    let several = all.iter().any(|(p, _)| *p != session);
    all.into_iter()
        .map(|(provider, choice)| {
            let prefixed = format!("{provider}/{}", choice.id);
            let own = provider == session;
            Listed {
                label: if several {
                    prefixed.clone()
                } else {
                    choice.id.clone()
                },
                // An id with a slash of its own (OpenRouter's) would read as a provider: name
                // the provider to be sure.
                select: if own && !choice.id.contains('/') {
                    choice.id.clone()
                } else {
                    prefixed
                },
                current: own && choice.id == *in_use,
                provider,
                choice,
            }
        })
        .collect()
}
