//! What every tool call the agent runs shares at its end: the ToolFinished event the UI shows.

use std::time::Instant;

use crate::agent::turn::Session;
use crate::protocol::{AgentEvent, ToolOutcome};

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
}
