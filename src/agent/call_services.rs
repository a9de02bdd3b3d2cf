//! The agent's services for one tool call: the session and the inbox lent to the tool for as
//! long as the call runs, so a tool can wait on the user's input, ask a model, run a sub-agent
//! or ask the user a question, while the loop knows it only through the `Tool` trait.

use futures::future::BoxFuture;

use crate::agent::inbox::{Inbox, Watched};
use crate::agent::turn::Session;
use crate::protocol::elicitation::{ElicitationAnswer, ElicitationRequest};
use crate::protocol::{AgentEvent, ApprovalPreview, ApprovalRequest, Decision, Question};
use crate::provider::{ChatRequest, Message, StreamEvent, Thinking};
use crate::tools::{AgentServices, Asked, Cut, ModelQuestion, SubagentEnd};

/// The session and its inbox, lent to one call of one tool.
pub(crate) struct SessionCall<'s> {
    pub session: &'s mut Session,
    pub inbox: &'s mut Inbox,
    /// The call's id, under which its sub-agent's steps and its questions are shown.
    pub call_id: &'s str,
    pub tool: &'s str,
    /// The call's key argument, as the activity pane shows it.
    pub summary: String,
}

impl Session {
    /// Shows the user `request` (an approval or questions; its id is given here) and waits for
    /// the answer. An interrupt answers "deny and stop"; Err: claw is shutting down.
    pub(crate) async fn ask(
        &mut self,
        mut request: ApprovalRequest,
        inbox: &mut Inbox,
    ) -> Result<Decision, Cut> {
        self.notify(format!(
            "claw needs your permission to use {}",
            request.tool
        ));
        request.id = self
            .services
            .next_approval
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = request.id;
        self.emit(AgentEvent::ApprovalNeeded(request));
        match inbox.decision(id).await {
            Watched::Done(decision) => Ok(decision),
            Watched::Interrupted => Ok(Decision::DenyAndStop),
            Watched::Shutdown => Err(Cut::Shutdown),
        }
    }

    /// Shows the user an MCP server's form (its id is given here) and waits for the answer.
    /// An interrupt cancels the form; `finished` (the server saying a URL elicitation is done)
    /// closes it as accepted.
    pub(crate) async fn elicit(
        &mut self,
        mut request: ElicitationRequest,
        finished: BoxFuture<'static, ()>,
        inbox: &mut Inbox,
    ) -> Result<ElicitationAnswer, Cut> {
        self.notify(format!("MCP server {} asks for your input", request.server));
        request.id = self
            .services
            .next_approval
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = request.id;
        self.emit(AgentEvent::ElicitationNeeded(request));
        let watched = tokio::select! {
            watched = inbox.elicitation(id) => watched,
            () = finished => {
                self.emit(AgentEvent::ElicitationCompleted { id });
                Watched::Done(ElicitationAnswer::Accept(Vec::new()))
            }
        };
        match watched {
            Watched::Done(answer) => Ok(answer),
            Watched::Interrupted => Err(Cut::Interrupted),
            Watched::Shutdown => Err(Cut::Shutdown),
        }
    }
}

impl AgentServices for SessionCall<'_> {
    fn interrupted(&mut self) -> BoxFuture<'_, Cut> {
        Box::pin(self.inbox.cut())
    }

    fn ask_model(
        &mut self,
        question: ModelQuestion,
    ) -> BoxFuture<'_, Result<Result<String, String>, Cut>> {
        Box::pin(async move {
            let services = &self.session.services;
            let model = match question.model {
                Asked::SmallModel => services
                    .catalog
                    .resolve(&services.small_model)
                    .map(|m| m.id.clone())
                    .unwrap_or_else(|| services.small_model.clone()),
                Asked::SessionModel => self.session.conversation.model.id.clone(),
            };
            let request = ChatRequest {
                model: model.clone(),
                max_tokens: question.max_tokens,
                system: question.system,
                messages: vec![Message::user_text(question.prompt)],
                tools: Vec::new(),
                server_tools: question.server_tools,
                thinking: Thinking::OFF,
                images: self.session.conversation.model.images,
                raw_events: crate::provider::RawEvents::Off,
            };
            let provider = services.provider.current();
            let mut ignore = |_: StreamEvent| {};
            let answer = self
                .inbox
                .watch(provider.stream(&request, &mut ignore))
                .await
                .settle()?;
            Ok(match answer {
                Ok(completed) => {
                    self.session.account_for(&model, &completed.usage);
                    Ok(with_sources(&completed.message))
                }
                Err(error) => Err(error.to_string()),
            })
        })
    }

    fn run_subagent(
        &mut self,
        prompt: String,
        agent: Option<String>,
    ) -> BoxFuture<'_, Result<SubagentEnd, Cut>> {
        self.session
            .run_subagent(self.call_id, prompt, agent, self.inbox)
    }

    fn ask_user(&mut self, questions: Vec<Question>) -> BoxFuture<'_, Result<Decision, Cut>> {
        let request = ApprovalRequest {
            id: 0,
            call_id: self.call_id.to_string(),
            tool: self.tool.to_string(),
            summary: self.summary.clone(),
            preview: ApprovalPreview::Questions(questions),
            // A question has no rule to grant: it always asks.
            session_rule: self.tool.to_string(),
            input: serde_json::Value::Null,
            rules: Vec::new(),
        };
        Box::pin(self.session.ask(request, self.inbox))
    }

    fn elicit(
        &mut self,
        request: ElicitationRequest,
    ) -> BoxFuture<'_, Result<ElicitationAnswer, Cut>> {
        let never = Box::pin(std::future::pending());
        Box::pin(self.session.elicit(request, never, self.inbox))
    }

    fn elicit_until(
        &mut self,
        request: ElicitationRequest,
        finished: BoxFuture<'static, ()>,
    ) -> BoxFuture<'_, Result<ElicitationAnswer, Cut>> {
        Box::pin(self.session.elicit(request, finished, self.inbox))
    }

    fn session_model(&self) -> String {
        self.session.conversation.model.id.clone()
    }
}

/// A side answer's text, and the pages its server tools found (a web search's results), so
/// the model that asked gets their addresses whatever the answer cites.
fn with_sources(message: &crate::provider::Message) -> String {
    let mut text = message.text();
    let found: Vec<(String, String)> = message
        .content
        .iter()
        .filter_map(|block| match block {
            crate::provider::ContentBlock::ServerToolResult { content, .. } => {
                crate::provider::server_result_digest(content).ok()
            }
            _ => None,
        })
        .flatten()
        .collect();
    if !found.is_empty() {
        text.push_str("\n\nSources:");
        for (title, url) in found {
            text.push_str(&format!("\n- {title} — {url}"));
        }
    }
    text
}
