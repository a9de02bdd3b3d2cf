//! A session's conversation: what the model is told and has said, which model hears it and how
//! hard it thinks, and what it has cost. The turn loop reads and grows it; a sub-agent starts a
//! fresh one.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::agent::ActiveModel;
use crate::agent::history::History;
use crate::config::memory::MemoryPlaces;
use crate::protocol::{Effort, TurnStop};
use crate::provider::{Thinking, Usage};

pub(crate) struct Conversation {
    pub system: String,
    /// The session's environment and memory, sent ahead of the first user message (see
    /// `prompt::session_context`); empty when a system prompt was given.
    pub context: String,
    /// Whether the model was last told plan mode is on (see `notes`).
    pub plan_told: bool,
    /// Build claw's own system prompt at start (none was given).
    pub build_system_prompt: bool,
    pub thinking: Thinking,
    pub model: ActiveModel,
    pub history: History,
    /// How hard the model thinks; `thinking` is derived from it per model.
    pub effort: Effort,
    /// Where memory files are, and which were read (subdirectory files join on first read).
    pub memory: Option<(MemoryPlaces, HashSet<PathBuf>)>,
    /// The environment and the memory files the session context tells of (None with a given
    /// system prompt), kept to build it again after /clear.
    pub environment: Option<(
        crate::agent::prompt::Environment,
        Vec<crate::config::memory::MemoryFile>,
    )>,
    /// The last request filled the context past the threshold: compact before the next.
    pub compact_due: bool,
    pub totals: Totals,
    /// How the last turn ended (a sub-agent's caller reads it).
    pub last_stop: Option<TurnStop>,
    /// The answer the model gave this turn through StructuredOutput (`--json-schema`).
    pub structured: Option<serde_json::Value>,
}

impl Conversation {
    /// The messages of the next request: the history, the session context leading its first
    /// message (never stored, so compaction, /clear and a resumed session keep it).
    pub fn request_messages(&self) -> Vec<crate::provider::Message> {
        let mut messages = self.history.messages().to_vec();
        if let Some(first) = messages.first_mut()
            && first.role == crate::provider::Role::User
            && !self.context.is_empty()
        {
            first.content.insert(
                0,
                crate::provider::ContentBlock::Text {
                    text: self.context.clone(),
                },
            );
        }
        messages
    }
}

/// Session totals for the status bar.
#[derive(Clone, Debug, Default)]
pub(crate) struct Totals {
    pub input: u64,
    pub output: u64,
    pub cost: f64,
    /// Per model: its usage summed, and its cost.
    pub by_model: Vec<(String, Usage, f64)>,
    /// The context in use at the last request (input of every kind plus output).
    pub context: u64,
    /// The last request's usage.
    pub last: Usage,
    /// Requests made with a model that has a price, and with one that has none.
    pub priced: u64,
    pub unpriced: u64,
}

impl Totals {
    /// The totals a session's log recorded (a resumed session's cost and tokens come back).
    pub fn recorded(
        catalog: &crate::provider::catalog::Catalog,
        usage: &[(String, Usage, f64)],
    ) -> Totals {
        let mut totals = Totals::default();
        for (model, usage, cost) in usage {
            totals.add(model, usage, *cost);
            // A model priced by the settings recorded its cost.
            match catalog.resolve(model) {
                Some(_) => totals.priced += 1,
                None if *cost > 0.0 => totals.priced += 1,
                None => totals.unpriced += 1,
            }
        }
        totals
    }

    /// The status bar's figures: the last request's usage and the session's totals.
    pub fn usage_event(&self) -> crate::protocol::AgentEvent {
        crate::protocol::AgentEvent::Usage {
            usage: self.last,
            session_cost: self.cost,
            pricing: self.pricing(),
            total_in: self.input,
            total_out: self.output,
        }
    }

    /// How much of `cost` is known.
    pub fn pricing(&self) -> crate::protocol::Pricing {
        use crate::protocol::Pricing;
        match (self.priced, self.unpriced) {
            (_, 0) => Pricing::Known,
            (0, _) => Pricing::Unknown,
            _ => Pricing::Partial,
        }
    }

    /// Adds one request's usage and cost for `model`.
    pub fn add(&mut self, model: &str, usage: &Usage, cost: f64) {
        self.input +=
            usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens;
        self.output += usage.output_tokens;
        self.cost += cost;
        self.last = *usage;
        self.context = usage.input_tokens
            + usage.cache_creation_input_tokens
            + usage.cache_read_input_tokens
            + usage.output_tokens;
        let index = match self.by_model.iter().position(|(m, _, _)| m == model) {
            Some(i) => i,
            None => {
                self.by_model
                    .push((model.to_string(), Usage::default(), 0.0));
                self.by_model.len() - 1
            }
        };
        let (_, sum, total) = &mut self.by_model[index];
        sum.input_tokens += usage.input_tokens;
        sum.output_tokens += usage.output_tokens;
        sum.cache_creation_input_tokens += usage.cache_creation_input_tokens;
        sum.cache_read_input_tokens += usage.cache_read_input_tokens;
        *total += cost;
    }
}
