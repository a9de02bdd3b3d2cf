//! Which model the session talks to and what it can do: choosing one (`NAME/MODEL` switches the
//! provider too), learning what the catalog doesn't know of it from the provider (its settings
//! and its server), and announcing it to the screen.

use crate::agent::resolve_model;
use crate::agent::turn::Session;
use crate::protocol::{AgentEvent, Effort};
use crate::provider::{Thinking, ThinkingStyle};

/// The longest the agent waits for a server to say what a model can do.
const FACTS_WAIT: std::time::Duration = std::time::Duration::from_secs(4);

impl Session {
    pub(crate) fn announce_model(&self) {
        self.services
            .provider
            .set_model(&self.conversation.model.id);
        self.emit(AgentEvent::SessionInfo {
            model: self.conversation.model.id.clone(),
            cwd: crate::shown_path::shown_dir(&self.services.ctx.cwd),
            context_window: self.conversation.model.context_window,
            provider: self.services.provider.name(),
        });
    }

    /// Uses model `name` from the next request on; `PROVIDER/MODEL` switches the provider too.
    /// The conversation goes on as it is: each provider's wire form leaves out what it can't
    /// take (another provider's thinking signatures and tool blocks). What the catalog doesn't
    /// know of the model is learned before the next request (`learn_model`).
    pub(crate) fn set_model(&mut self, name: &str) {
        let mut name = name.trim();
        if let (Some(factory), Some((prefix, model))) =
            (&self.services.providers, name.split_once('/'))
            && !model.is_empty()
            && let Some(found) = factory(prefix)
        {
            match found {
                Ok(provider) => {
                    self.services.provider.replace(prefix, provider);
                    name = model;
                }
                Err(message) => {
                    self.emit(AgentEvent::Error { message });
                    return;
                }
            }
        }
        self.conversation.model = resolve_model(&self.services.catalog, name);
        self.conversation.thinking = self.thinking_for(self.conversation.effort);
        self.announce_model();
    }

    /// A model the catalog doesn't know (a local one, another provider's): its window,
    /// prices, pictures and reasoning as the settings or its server say, announced again when
    /// learned. Bounded, and asked once per choice of model.
    pub(crate) async fn learn_model(&mut self) {
        if self.conversation.model.learned {
            return;
        }
        self.conversation.model.learned = true;
        let provider = self.services.provider.current();
        let id = self.conversation.model.id.clone();
        let Ok(facts) = tokio::time::timeout(FACTS_WAIT, provider.model_facts(&id)).await else {
            return;
        };
        let model = &mut self.conversation.model;
        let before = model.clone();
        if let Some(window) = facts.context_window {
            model.context_window = window;
        }
        model.prices = facts.prices.or(model.prices);
        model.images = facts.images.unwrap_or(model.images);
        if facts.reasoning == Some(true) {
            model.reasoning = Some(ThinkingStyle::Adaptive);
        }
        if *model != before {
            self.conversation.thinking = self.thinking_for(self.conversation.effort);
            self.announce_model();
        }
    }

    /// The request's thinking: `effort`, and how the model in use is asked (the catalog's
    /// style, or an effort where the settings or the server say it reasons).
    pub(crate) fn thinking_for(&self, effort: Effort) -> Thinking {
        Thinking {
            effort,
            style: self.conversation.model.reasoning,
            budget: self.policy.run.max_thinking_tokens.filter(|t| *t > 0),
        }
    }
}
