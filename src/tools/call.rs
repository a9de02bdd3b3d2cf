//! What a tool gets for one call: the session's tool context, a sink for live output, and the
//! agent's services (wait interruptibly, ask a model a one-shot question, run a sub-agent, ask
//! the user). Tools that need the agent (Task, WebFetch, WebSearch, AskUserQuestion) use these;
//! a tool found at run time (MCP) gets the same, so the loop never knows a tool by name.

use std::future::Future;

use futures::future::BoxFuture;
use serde_json::Value;

use crate::protocol::elicitation::{ElicitationAnswer, ElicitationRequest};
use crate::protocol::{Decision, Question};
use crate::tools::{ProgressSink, ToolContext, ToolError};

/// Why a wait ended before its work did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// The user interrupted (Esc).
    Interrupted,
    /// claw is shutting down.
    Shutdown,
}

impl From<Cut> for ToolError {
    fn from(cut: Cut) -> Self {
        match cut {
            Cut::Interrupted => {
                ToolError::Interrupted(crate::tools::endings::INTERRUPTED.to_string())
            }
            Cut::Shutdown => ToolError::ShuttingDown,
        }
    }
}

/// Which model a one-shot question goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    /// The small, fast model for side jobs (reading a page).
    SmallModel,
    /// The model of the conversation.
    SessionModel,
}

/// A question for a model outside the conversation: one user message, no tools of claw's (the
/// provider's own server tools, such as web search, may be given), no thinking.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelQuestion {
    pub model: Asked,
    pub system: String,
    pub prompt: String,
    pub max_tokens: u32,
    /// Tools the provider runs itself (the API's `web_search`), as their definitions.
    pub server_tools: Vec<Value>,
}

/// How a sub-agent's work ended.
#[derive(Clone, Debug, PartialEq)]
pub enum SubagentEnd {
    /// Its final report.
    Reported(String),
    /// The user interrupted it.
    Interrupted,
    /// It failed (the errors were shown to the user) or ended without a word.
    Failed,
}

/// What the agent does for a tool during one call. Its waits watch the user's input: an
/// interrupt or claw's shutdown ends them with a [`Cut`], other input is kept for later.
pub trait AgentServices: Send {
    /// Resolves when the user interrupts or claw shuts down. Dropping it loses nothing.
    fn interrupted(&mut self) -> BoxFuture<'_, Cut>;

    /// Asks a model `question` and returns its answer's text (Err: what the provider said).
    /// Its cost joins the session's.
    fn ask_model(
        &mut self,
        question: ModelQuestion,
    ) -> BoxFuture<'_, Result<Result<String, String>, Cut>>;

    /// Runs a sub-agent on `prompt` (the custom `agent` of that name, or the general-purpose
    /// one), its steps shown nested under this call, under the same permissions; returns how
    /// it ended.
    fn run_subagent(
        &mut self,
        prompt: String,
        agent: Option<String>,
    ) -> BoxFuture<'_, Result<SubagentEnd, Cut>>;

    /// Shows the user `questions` and waits for the answer (an interrupt answers "deny and stop").
    fn ask_user(&mut self, questions: Vec<Question>) -> BoxFuture<'_, Result<Decision, Cut>>;

    /// Shows the user an MCP server's form and waits for the answer (its id is given here).
    fn elicit(
        &mut self,
        request: ElicitationRequest,
    ) -> BoxFuture<'_, Result<ElicitationAnswer, Cut>>;

    /// As `elicit`, for a page to open (URL mode): `finished` resolving first (the server says
    /// the user is done in the browser) closes it as accepted.
    fn elicit_until(
        &mut self,
        request: ElicitationRequest,
        finished: BoxFuture<'static, ()>,
    ) -> BoxFuture<'_, Result<ElicitationAnswer, Cut>> {
        drop(finished);
        self.elicit(request)
    }

    /// The id of the conversation's model (what answers `Asked::SessionModel`).
    fn session_model(&self) -> String;
}

/// One call of a tool, as the loop hands it over.
pub struct ToolCall<'c> {
    pub ctx: &'c ToolContext,
    /// Live output for the activity pane.
    pub progress: ProgressSink,
    pub agent: &'c mut dyn AgentServices,
}

impl ToolCall<'_> {
    /// Runs `work` to its end unless the user interrupts or claw shuts down first; the work is
    /// dropped then, which must stop it.
    pub async fn watch<F: Future>(&mut self, work: F) -> Result<F::Output, Cut> {
        tokio::select! {
            out = work => Ok(out),
            cut = self.agent.interrupted() => Err(cut),
        }
    }
}
