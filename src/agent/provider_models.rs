//! The model picker's list from every provider: the session's own and each other one the
//! settings or the presets name, asked in the background (`GET /models`) with a short wait
//! each, so the picker opens at once and fills as they answer. Providers that would refuse
//! for want of a key are not asked.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::agent::lookup::model_choice;
use crate::agent::services::{ProviderFactory, ProviderSlot};
use crate::protocol::{AgentEvent, LookupAnswer, LookupId, ModelChoice};
use crate::provider::catalog::Catalog;
use crate::provider::{ModelFacts, Provider, RemoteModel};

/// The longest another provider's list is waited for (a local server that isn't running
/// refuses at once; one that hangs is given up on).
const OTHERS_WAIT: Duration = Duration::from_secs(3);
/// The session's own provider may be a slower public API.
const OWN_WAIT: Duration = Duration::from_secs(10);

/// Asks every provider for its models; each answer is one `LookupAnswer::Models` to lookup `id`.
pub(crate) fn list_all(
    id: LookupId,
    slot: &ProviderSlot,
    factory: Option<&ProviderFactory>,
    names: &[String],
    catalog: &Catalog,
    events: &UnboundedSender<AgentEvent>,
) {
    let own = slot.name();
    ask(id, own.clone(), slot.current(), OWN_WAIT, catalog, events);
    let Some(factory) = factory else {
        return;
    };
    for name in names.iter().filter(|n| **n != own) {
        // A provider that can't be built (a broken settings entry) has nothing to list.
        let Some(Ok(provider)) = factory(name) else {
            continue;
        };
        if wants_a_key(provider.as_ref()) {
            continue;
        }
        ask(id, name.clone(), provider, OTHERS_WAIT, catalog, events);
    }
}

/// A public API without its key: asking it would only be refused.
fn wants_a_key(provider: &dyn Provider) -> bool {
    let endpoint = provider.describe();
    endpoint.official && endpoint.credential.is_empty()
}

fn ask(
    id: LookupId,
    name: String,
    provider: Arc<dyn Provider>,
    wait: Duration,
    catalog: &Catalog,
    events: &UnboundedSender<AgentEvent>,
) {
    let catalog = catalog.clone();
    let events = events.clone();
    tokio::spawn(async move {
        // A provider without a list (or not answering) adds nothing; the catalog's models
        // are still there to pick from.
        let listed = match tokio::time::timeout(wait, provider.list_models()).await {
            Ok(Ok(listed)) if !listed.is_empty() => listed,
            Ok(Ok(_)) | Ok(Err(_)) | Err(_) => return,
        };
        let choices = listed
            .iter()
            .map(|m| choice(&catalog, &name, m, provider.configured(&m.id)))
            .collect();
        let _ = events.send(AgentEvent::LookedUp {
            id,
            answer: LookupAnswer::Models(choices),
        });
    });
}

/// A listed model with what the catalog, the settings or the list itself say of it.
fn choice(
    catalog: &Catalog,
    provider: &str,
    listed: &RemoteModel,
    configured: ModelFacts,
) -> ModelChoice {
    let mut choice = model_choice(catalog, &listed.id, &listed.display_name);
    choice.provider = provider.to_string();
    if choice.context_window.is_none() {
        choice.context_window = configured.context_window.or(listed.context_window);
    }
    if choice.prices.is_none() {
        choice.prices = configured.prices.map(|p| (p.input, p.output));
    }
    choice
}
