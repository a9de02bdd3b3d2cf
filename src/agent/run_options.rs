//! The limits and extras a session runs with from the command line (the Agent SDK's options):
//! how many model requests a turn may make, a budget, a fallback model, a final answer that
//! must be JSON matching a schema, a thinking budget, and the id the session reports. The
//! turn loop asks this module at each step.

use serde_json::Value;

use crate::agent::turn::Session;
use crate::protocol::{AgentEvent, Effort, TurnStop};
use crate::provider::ProviderError;
use crate::tools::structured_output::{NAME as STRUCTURED_OUTPUT, StructuredOutput};

/// How many times a turn that ended without its structured output is sent back to give it.
const MAX_STRUCTURED_REMINDERS: u32 = 3;

/// What the command line asked of the session beyond the settings.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// At most this many model requests per user turn (`--max-turns`).
    pub max_turns: Option<u32>,
    /// Turns stop once the session's known cost reaches this (`--max-budget-usd`).
    pub max_budget_usd: Option<f64>,
    /// The model used for the rest of the session once the main one is overloaded or not
    /// found (`--fallback-model`); taken when used.
    pub fallback_model: Option<String>,
    /// Each turn's final answer must be JSON matching this schema (`--json-schema`).
    pub json_schema: Option<Value>,
    /// Added at the end of the system prompt (`--append-system-prompt`).
    pub append_system_prompt: Option<String>,
    /// The thinking budget in tokens; 0: no thinking (`--max-thinking-tokens`).
    pub max_thinking_tokens: Option<u32>,
    /// The session's id, for hooks and the session-started event, when it has no log file to
    /// be named after (`--session-id` with `--no-session-persistence`).
    pub session_id: Option<String>,
    /// Hand on the provider's raw stream events (`AgentEvent::StreamEvent`), for headless
    /// `--include-partial-messages`.
    pub raw_stream_events: crate::provider::RawEvents,
}

impl RunOptions {
    /// The effort a session starts with: `effort`, unless the thinking budget says otherwise
    /// (0 turns thinking off; a budget with no effort picks the effort nearest to it, for
    /// models that take an effort rather than a budget).
    pub fn starting_effort(&self, effort: Effort) -> Effort {
        match (self.max_thinking_tokens, effort) {
            (Some(0), _) => Effort::Off,
            (Some(tokens), Effort::Off) if tokens <= 4_000 => Effort::Low,
            (Some(tokens), Effort::Off) if tokens <= 12_000 => Effort::Medium,
            (Some(_), Effort::Off) => Effort::High,
            (Some(_) | None, effort) => effort,
        }
    }

    /// The StructuredOutput tool for `--json-schema` (checked by the command line already).
    pub fn structured_output_tool(&self) -> Option<Result<StructuredOutput, String>> {
        self.json_schema.as_ref().map(StructuredOutput::new)
    }
}

/// What a turn that is about to end still owes.
pub(crate) enum Owed {
    /// Nothing: the turn may end.
    Nothing,
    /// The structured output: the model was reminded, the turn goes on.
    Reminded,
    /// The structured output, and the model was reminded enough times: the turn fails.
    GaveUp,
}

impl Session {
    /// Why the turn must stop before its next request, if it must: it made `requests`
    /// already, or the session's cost reached the budget.
    pub(crate) fn limit_reached(&self, requests: u32) -> Option<TurnStop> {
        let run = &self.policy.run;
        if let Some(budget) = run.max_budget_usd
            && self.conversation.totals.cost >= budget
        {
            return Some(TurnStop::MaxBudget);
        }
        match run.max_turns {
            Some(max) if requests >= max => Some(TurnStop::MaxTurns),
            Some(_) | None => None,
        }
    }

    /// After a failed request: switches to the fallback model for the rest of the session
    /// when the main one is overloaded or not found. True: send the request again.
    pub(crate) fn fall_back(&mut self, error: &ProviderError) -> bool {
        let unavailable = match error {
            ProviderError::Overloaded { .. } | ProviderError::ModelNotFound { .. } => true,
            // Overloaded mid-stream, before a word (the provider retried it already).
            ProviderError::Stream { kind, .. } => kind == "overloaded_error",
            _ => false,
        };
        if !unavailable {
            return false;
        }
        let Some(fallback) = self.policy.run.fallback_model.take() else {
            return false;
        };
        let from = self.conversation.model.id.clone();
        self.set_model(&fallback);
        self.emit(AgentEvent::Notice {
            message: format!(
                "{error}; switched from {from} to the fallback model {} for the rest of the \
                 session",
                self.conversation.model.id
            ),
        });
        true
    }

    /// Before a finished turn ends: with `--json-schema`, the model must have given its
    /// answer through StructuredOutput; it is sent back to do so a few times.
    pub(crate) fn owed_before_ending(&mut self, reminders: &mut u32) -> Owed {
        if self.policy.run.json_schema.is_none() || self.conversation.structured.is_some() {
            return Owed::Nothing;
        }
        if *reminders >= MAX_STRUCTURED_REMINDERS {
            self.emit(AgentEvent::Error {
                message: format!(
                    "the model ended the turn without giving its answer through \
                     {STRUCTURED_OUTPUT} ({} reminders), as --json-schema requires",
                    *reminders
                ),
            });
            return Owed::GaveUp;
        }
        *reminders += 1;
        self.conversation.history.push_user_text(format!(
            "<system-reminder>\nYou must give your final answer by calling the \
             {STRUCTURED_OUTPUT} tool, with input that matches its schema. Call it now.\n\
             </system-reminder>"
        ));
        Owed::Reminded
    }

    /// The turn's structured output, told to the front end just before the turn ends.
    pub(crate) fn announce_structured_output(&mut self) {
        if let Some(value) = self.conversation.structured.take() {
            self.emit(AgentEvent::StructuredOutput(value));
        }
    }

    /// `--append-system-prompt`, after the system prompt the session built or was given.
    pub(crate) fn append_to_system_prompt(&mut self) {
        if let Some(extra) = &self.policy.run.append_system_prompt {
            let system = &mut self.conversation.system;
            if !system.is_empty() && !extra.is_empty() {
                system.push_str("\n\n");
            }
            system.push_str(extra);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thinking_budget_sets_the_starting_effort() {
        let with = |tokens| RunOptions {
            max_thinking_tokens: tokens,
            ..RunOptions::default()
        };
        assert_eq!(with(None).starting_effort(Effort::High), Effort::High);
        assert_eq!(with(Some(0)).starting_effort(Effort::High), Effort::Off);
        assert_eq!(with(Some(2_000)).starting_effort(Effort::Off), Effort::Low);
        assert_eq!(
            with(Some(10_000)).starting_effort(Effort::Off),
            Effort::Medium
        );
        assert_eq!(
            with(Some(30_000)).starting_effort(Effort::Off),
            Effort::High
        );
        assert_eq!(with(Some(30_000)).starting_effort(Effort::Low), Effort::Low);
    }
}
