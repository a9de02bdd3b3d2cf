//! What one tool call comes to, whoever ended it (the tool, a hook, a rule or the user refusing
//! it): the blocks the model gets back, whether it is an error, and what the turn does next; and
//! how a tool's own result is sorted into that, the activity pane's line and session effects.

use crate::protocol::{ToolOutcome, TurnStop};
use crate::provider::{ContentBlock, ImageData};
use crate::tools::{SessionEffect, ToolError, ToolOutput};

/// One piece of what a call returns to the model.
#[derive(Clone, Debug, PartialEq)]
pub enum ResultBlock {
    Text(String),
    /// A picture (Read of an image file).
    Image(ImageData),
}

/// What the turn does after a call.
#[derive(Clone, Debug, PartialEq)]
pub enum CallFlow {
    /// On to the next call, then back to the model.
    Continue,
    /// The remaining calls are not run and the turn ends (the user interrupted or denied and
    /// stopped, a hook stopped it).
    StopTurn(TurnStop),
    /// claw is shutting down: nothing more is run or sent.
    ShuttingDown,
}

/// The result of one tool call.
#[derive(Clone, Debug, PartialEq)]
pub struct CallOutcome {
    pub content: Vec<ResultBlock>,
    pub is_error: bool,
    pub flow: CallFlow,
}

impl CallOutcome {
    /// A result the model reads as success.
    pub fn success(text: impl Into<String>) -> Self {
        CallOutcome {
            content: vec![ResultBlock::Text(text.into())],
            is_error: false,
            flow: CallFlow::Continue,
        }
    }

    /// A result the model reads as a failure it can act on (`is_error`).
    pub fn error(text: impl Into<String>) -> Self {
        CallOutcome {
            is_error: true,
            ..CallOutcome::success(text)
        }
    }

    /// The same result, after which the turn goes on as `flow` says.
    pub fn with_flow(self, flow: CallFlow) -> Self {
        CallOutcome { flow, ..self }
    }

    /// The same result with these pictures after its text.
    pub fn with_images(mut self, images: Vec<ImageData>) -> Self {
        self.content
            .extend(images.into_iter().map(ResultBlock::Image));
        self
    }

    /// Its text, all text blocks in order.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(|block| match block {
                ResultBlock::Text(text) => Some(text.as_str()),
                ResultBlock::Image(_) => None,
            })
            .collect()
    }

    /// Appends `more` to its text (memory files after a Read, a hook's feedback).
    pub fn push_text(&mut self, more: &str) {
        let last_text = self.content.iter_mut().rev().find_map(|block| match block {
            ResultBlock::Text(text) => Some(text),
            ResultBlock::Image(_) => None,
        });
        match last_text {
            Some(text) => text.push_str(more),
            None => self.content.push(ResultBlock::Text(more.to_string())),
        }
    }

    /// Whether the turn ends after this call.
    pub fn ends_turn(&self) -> bool {
        match self.flow {
            CallFlow::Continue => false,
            CallFlow::StopTurn(_) | CallFlow::ShuttingDown => true,
        }
    }

    /// The tool_result block of call `id` for the model.
    pub fn into_tool_result(self, id: &str) -> ContentBlock {
        let content = self.text();
        let images = self
            .content
            .into_iter()
            .filter_map(|block| match block {
                ResultBlock::Image(image) => Some(image),
                ResultBlock::Text(_) => None,
            })
            .collect();
        ContentBlock::ToolResult {
            tool_use_id: id.to_string(),
            content,
            is_error: self.is_error,
            images,
        }
    }
}

/// How a run call ended, sorted for the loop: what the model gets, what the activity pane
/// shows (None: nothing, claw is shutting down), and what the session does about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Ended {
    pub outcome: CallOutcome,
    /// How the call is shown as finished, and its one-line summary.
    pub shown: Option<(ToolOutcome, String)>,
    pub effects: Vec<SessionEffect>,
}

impl Ended {
    /// Sorts what a tool's call returned.
    pub fn from_result(result: Result<ToolOutput, ToolError>) -> Ended {
        let error = match result {
            Ok(output) => {
                let content = if output.content.is_empty() {
                    "(no output)".to_string()
                } else {
                    output.content
                };
                return Ended {
                    outcome: CallOutcome::success(content).with_images(output.images),
                    shown: Some((ToolOutcome::Success, output.summary)),
                    effects: output.effects,
                };
            }
            Err(error) => error,
        };
        let message = error.to_string();
        let (shown, flow) = match &error {
            ToolError::ShuttingDown => (None, CallFlow::ShuttingDown),
            ToolError::Interrupted(_) => (
                Some((ToolOutcome::Interrupted, "interrupted".to_string())),
                CallFlow::StopTurn(TurnStop::Interrupted),
            ),
            ToolError::Declined(_) => (
                Some((ToolOutcome::Denied, "denied".to_string())),
                CallFlow::Continue,
            ),
            ToolError::DeclinedAndStopped(_) => (
                Some((ToolOutcome::Denied, "denied".to_string())),
                CallFlow::StopTurn(TurnStop::Interrupted),
            ),
            ToolError::Reported { summary, .. } => (
                Some((ToolOutcome::Failed, summary.to_string())),
                CallFlow::Continue,
            ),
            ToolError::InvalidInput(_)
            | ToolError::NotFound(_)
            | ToolError::NoCell { .. }
            | ToolError::Binary { .. }
            | ToolError::NotRead { .. }
            | ToolError::Stale { .. }
            | ToolError::NoMatch { .. }
            | ToolError::NotUnique { .. }
            | ToolError::NoChange
            | ToolError::Encoding { .. }
            | ToolError::Timeout { .. }
            | ToolError::Io(_)
            | ToolError::Failed(_) => (
                Some((ToolOutcome::Failed, short(&message))),
                CallFlow::Continue,
            ),
        };
        Ended {
            outcome: CallOutcome::error(message).with_flow(flow),
            shown,
            effects: Vec::new(),
        }
    }
}

/// The first line of an error, short enough for the activity pane's summary.
pub fn short(message: &str) -> String {
    const MAX: usize = 60;
    let first = message.lines().next().unwrap_or("");
    if first.chars().count() <= MAX {
        return first.to_string();
    }
    let mut cut: String = first.chars().take(MAX - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> ImageData {
        ImageData {
            media_type: "image/png".into(),
            data: "AAAA".into(),
        }
    }

    #[test]
    fn text_added_later_joins_the_text_not_the_pictures() {
        let mut outcome = CallOutcome::success("file").with_images(vec![image()]);
        outcome.push_text("\n\nmemory");
        let ContentBlock::ToolResult {
            content,
            images,
            is_error,
            ..
        } = outcome.into_tool_result("call-1")
        else {
            panic!("not a tool_result");
        };
        assert_eq!(content, "file\n\nmemory");
        assert_eq!(images, vec![image()]);
        assert!(!is_error);
    }

    #[test]
    fn each_way_a_call_ends_is_shown_and_flows_as_the_user_expects() {
        let ok = Ended::from_result(Ok(ToolOutput {
            summary: "3 lines".into(),
            ..Default::default()
        }));
        assert_eq!(ok.outcome, CallOutcome::success("(no output)"));
        assert_eq!(ok.shown, Some((ToolOutcome::Success, "3 lines".into())));
        let cases = [
            (
                ToolError::Interrupted("stopped".into()),
                Some((ToolOutcome::Interrupted, "interrupted")),
                CallFlow::StopTurn(TurnStop::Interrupted),
            ),
            (
                ToolError::Declined("no".into()),
                Some((ToolOutcome::Denied, "denied")),
                CallFlow::Continue,
            ),
            (
                ToolError::DeclinedAndStopped("no, stop".into()),
                Some((ToolOutcome::Denied, "denied")),
                CallFlow::StopTurn(TurnStop::Interrupted),
            ),
            (
                ToolError::Reported {
                    message: "no search here".into(),
                    summary: "unavailable",
                },
                Some((ToolOutcome::Failed, "unavailable")),
                CallFlow::Continue,
            ),
            (
                ToolError::Failed("first line\nsecond".into()),
                Some((ToolOutcome::Failed, "first line")),
                CallFlow::Continue,
            ),
            (ToolError::ShuttingDown, None, CallFlow::ShuttingDown),
        ];
        for (error, shown, flow) in cases {
            let message = error.to_string();
            let ended = Ended::from_result(Err(error));
            assert_eq!(ended.outcome, CallOutcome::error(message).with_flow(flow));
            assert_eq!(
                ended.shown,
                shown.map(|(outcome, summary)| (outcome, summary.to_string()))
            );
        }
    }

    #[test]
    fn only_a_stop_or_a_shutdown_ends_the_turn() {
        assert!(!CallOutcome::error("no").ends_turn());
        assert!(
            CallOutcome::error("no")
                .with_flow(CallFlow::StopTurn(TurnStop::Interrupted))
                .ends_turn()
        );
        assert!(
            CallOutcome::error("no")
                .with_flow(CallFlow::ShuttingDown)
                .ends_turn()
        );
    }
}
