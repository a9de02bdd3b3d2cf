//! What one turn did, counted from the agent's events, for its `result` message: time, model
//! requests, tokens per model, cost, refused tool calls, the answer or what went wrong.

use std::time::Instant;

use crate::protocol::TurnStop;
use crate::protocol::session_start::AssistantReply;

use super::shapes::{Denial, TurnReport};

/// One turn's figures so far.
#[derive(Debug)]
pub struct TurnTally {
    started: Instant,
    request_started: Option<Instant>,
    api_ms: u64,
    /// The context window of the model in use, for `modelUsage`.
    pub context_window: u64,
    report: TurnReport,
}

impl TurnTally {
    pub fn new(context_window: u64) -> TurnTally {
        TurnTally {
            started: Instant::now(),
            request_started: None,
            api_ms: 0,
            context_window,
            report: TurnReport::default(),
        }
    }

    pub fn request_started(&mut self) {
        self.request_started = Some(Instant::now());
    }

    /// A complete answer: one more model request, its tokens and cost, and (so far) the
    /// turn's answer.
    pub fn answered(&mut self, reply: &AssistantReply) {
        if let Some(started) = self.request_started.take() {
            self.api_ms += started.elapsed().as_millis() as u64;
        }
        let report = &mut self.report;
        report.num_turns += 1;
        add(&mut report.usage, &reply.usage);
        let totals = report.model_usage.entry(reply.model.clone()).or_default();
        add(&mut totals.usage, &reply.usage);
        totals.cost += reply.cost.unwrap_or(0.0);
        totals.context_window = self.context_window;
        report.stop_reason = Some(super::shapes::stop_reason(&reply.stop_reason));
        let text = reply.message.text();
        if !text.is_empty() || reply.message.tool_uses().next().is_none() {
            report.result = text;
        }
    }

    pub fn session_cost(&mut self, cost: f64) {
        self.report.total_cost_usd = cost;
    }

    pub fn denied(&mut self, denial: Denial) {
        self.report.denials.push(denial);
    }

    pub fn error(&mut self, message: &str) {
        self.report.errors.push(message.to_string());
    }

    pub fn structured_output(&mut self, value: serde_json::Value) {
        self.report.structured_output = Some(value);
    }

    /// The turn's report, now that it ended with `stop`.
    pub fn finish(mut self, stop: &TurnStop) -> TurnReport {
        let errored = !self.report.errors.is_empty();
        let (subtype, is_error) = match stop {
            TurnStop::Done => ("success", errored),
            // The model answered, but not all the way: the answer stands, marked an error.
            TurnStop::MaxTokens | TurnStop::Refusal => ("success", true),
            TurnStop::Interrupted | TurnStop::Failed => ("error_during_execution", true),
            TurnStop::MaxTurns => ("error_max_turns", true),
            TurnStop::MaxBudget => ("error_max_budget_usd", true),
        };
        let report = &mut self.report;
        report.subtype = subtype;
        report.is_error = is_error;
        report.duration_ms = self.started.elapsed().as_millis() as u64;
        report.duration_api_ms = self.api_ms;
        if matches!(stop, TurnStop::Failed) && report.result.is_empty() {
            report.result = report.errors.join("\n");
        }
        if matches!(stop, TurnStop::Interrupted) && report.errors.is_empty() {
            report.errors.push("The turn was interrupted.".into());
        }
        self.report
    }
}

fn add(total: &mut crate::protocol::usage::Usage, more: &crate::protocol::usage::Usage) {
    total.input_tokens += more.input_tokens;
    total.output_tokens += more.output_tokens;
    total.cache_creation_input_tokens += more.cache_creation_input_tokens;
    total.cache_read_input_tokens += more.cache_read_input_tokens;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::conversation::{ContentBlock, Message, Role, StopReason};
    use crate::protocol::usage::Usage;

    fn reply(model: &str, text: &str, tool: bool, out: u64) -> AssistantReply {
        let mut content = vec![ContentBlock::Text { text: text.into() }];
        if tool {
            content.push(ContentBlock::ToolUse {
                id: "t".into(),
                name: "Read".into(),
                input: serde_json::json!({}),
            });
        }
        AssistantReply {
            id: "m".into(),
            model: model.into(),
            message: Message {
                role: Role::Assistant,
                content,
            },
            stop_reason: if tool {
                StopReason::ToolUse
            } else {
                StopReason::EndTurn
            },
            usage: Usage {
                input_tokens: 10,
                output_tokens: out,
                ..Usage::default()
            },
            cost: Some(0.5),
        }
    }

    #[test]
    fn requests_add_up_per_model_and_the_last_answer_is_the_result() {
        let mut tally = TurnTally::new(1000);
        tally.request_started();
        tally.answered(&reply("a", "Let me look.", true, 3));
        tally.answered(&reply("b", "Done.", false, 4));
        tally.session_cost(2.0);
        let report = tally.finish(&TurnStop::Done);
        assert_eq!(report.subtype, "success");
        assert!(!report.is_error);
        assert_eq!(report.num_turns, 2);
        assert_eq!(report.result, "Done.");
        assert_eq!(report.usage.output_tokens, 7);
        assert_eq!(report.usage.input_tokens, 20);
        assert_eq!(report.model_usage["a"].usage.output_tokens, 3);
        assert_eq!(report.model_usage["b"].cost, 0.5);
        assert_eq!(report.model_usage["b"].context_window, 1000);
        assert_eq!(report.total_cost_usd, 2.0);
        assert_eq!(report.stop_reason.as_deref(), Some("end_turn"));
    }

    #[test]
    fn each_early_stop_has_its_subtype() {
        let subtype = |stop: TurnStop| TurnTally::new(1).finish(&stop);
        assert_eq!(subtype(TurnStop::MaxTurns).subtype, "error_max_turns");
        assert_eq!(subtype(TurnStop::MaxBudget).subtype, "error_max_budget_usd");
        let interrupted = subtype(TurnStop::Interrupted);
        assert_eq!(interrupted.subtype, "error_during_execution");
        assert!(interrupted.is_error);
        assert!(subtype(TurnStop::Refusal).is_error);
        let mut failing = TurnTally::new(1);
        failing.error("API Error: 500 boom");
        let failed = failing.finish(&TurnStop::Failed);
        assert_eq!(failed.result, "API Error: 500 boom");
        assert_eq!(failed.errors, ["API Error: 500 boom"]);
    }
}
