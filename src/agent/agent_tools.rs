//! What every tool call the agent runs shares at its end, and what the tools the agent runs
//! itself (Task, WebFetch, WebSearch) share at their start: the ToolFinished event the UI
//! shows, the result the model gets, calls cut short, and reading a text input.

use std::time::Instant;

use serde_json::Value;

use crate::agent::inbox::Cut;
use crate::agent::turn::Session;
use crate::protocol::{AgentEvent, ToolOutcome, TurnStop};
use crate::tools::{CallFlow, CallOutcome};

/// A string input of a call, empty when the model left it out (the tool then says what's wrong).
pub(crate) fn text_input(input: &Value, key: &str) -> String {
    input
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

impl Session {
    /// Tells the UI that call `id` ended, how, and what it returned.
    pub(crate) fn finish(
        &self,
        id: &str,
        outcome: ToolOutcome,
        output: &str,
        summary: &str,
        started: Instant,
    ) {
        self.emit(AgentEvent::ToolFinished {
            call_id: id.to_string(),
            outcome,
            output: output.to_string(),
            summary: summary.to_string(),
            duration_ms: started.elapsed().as_millis() as u64,
        });
    }

    /// Ends call `id` with `content`, which is also its result for the model.
    pub(crate) fn done(
        &self,
        id: &str,
        outcome: ToolOutcome,
        content: String,
        summary: &str,
        started: Instant,
        is_error: bool,
    ) -> CallOutcome {
        self.finish(id, outcome, &content, summary, started);
        if is_error {
            CallOutcome::error(content)
        } else {
            CallOutcome::success(content)
        }
    }

    /// The result of a call the user interrupted (or that claw's shutdown cut short).
    pub(crate) fn cut_short(&self, cut: Cut, id: &str, started: Instant) -> CallOutcome {
        match cut {
            Cut::Interrupted => {
                let message = "Interrupted by the user.".to_string();
                self.done(
                    id,
                    ToolOutcome::Interrupted,
                    message,
                    "interrupted",
                    started,
                    true,
                )
                .with_flow(CallFlow::StopTurn(TurnStop::Interrupted))
            }
            Cut::Shutdown => CallOutcome::error("Interrupted: claw is shutting down.")
                .with_flow(CallFlow::ShuttingDown),
        }
    }
}
