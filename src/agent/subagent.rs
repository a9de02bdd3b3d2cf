//! Sub-agents, the service behind the Task tool: a fresh conversation with the same provider,
//! permissions and tool list (Task and the user-facing tools refused when called), run inside
//! the parent's turn. A custom agent (`subagent_type`) brings its own system prompt, and may
//! narrow the tools and pick another model. Its tool calls and approvals show nested under the Task call (their ids
//! prefixed with the Task's); its text stays private until its final report, which becomes the
//! Task's result. Its cost joins the session's.

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc::unbounded_channel;

use crate::agent::ActiveModel;
use crate::agent::conversation::{Conversation, Totals};
use crate::agent::history::{History, LogTarget};
use crate::agent::inbox::{Cut, Inbox};
use crate::agent::policy::Policy;
use crate::agent::services::Services;
use crate::agent::turn::Session;
use crate::protocol::{AgentEvent, PermissionMode, TurnStop};
use crate::provider::Role;
use crate::tools::SubagentEnd;

/// Added to the parent's system prompt for a sub-agent.
const SUBAGENT_NOTE: &str = "\n\n# You are a sub-agent\nAnother agent gave you one task. Work on \
it with the tools, then reply with a complete, self-contained report of what you found or did: \
it is all the other agent will see. You cannot ask the user questions.";

/// A sub-agent event as the UI should see it: nested under the Task call, or not at all.
fn nest(parent: &str, event: AgentEvent) -> Option<AgentEvent> {
    let id = |call_id: String| format!("{parent}/{call_id}");
    Some(match event {
        AgentEvent::ToolStarted {
            call_id,
            tool,
            summary,
        } => AgentEvent::ToolStarted {
            call_id: id(call_id),
            tool: format!("↳ {tool}"),
            summary,
        },
        AgentEvent::ToolProgress { call_id, chunk } => AgentEvent::ToolProgress {
            call_id: id(call_id),
            chunk,
        },
        AgentEvent::ToolFinished {
            call_id,
            outcome,
            output,
            summary,
            duration_ms,
        } => AgentEvent::ToolFinished {
            call_id: id(call_id),
            outcome,
            output,
            summary,
            duration_ms,
        },
        AgentEvent::ApprovalNeeded(mut request) => {
            request.call_id = id(request.call_id);
            request.tool = format!("↳ {}", request.tool);
            AgentEvent::ApprovalNeeded(request)
        }
        // A server's form is for the user, whoever's call made the server ask.
        event @ (AgentEvent::Notice { .. }
        | AgentEvent::Error { .. }
        | AgentEvent::Retrying { .. }
        | AgentEvent::ElicitationNeeded(_)
        | AgentEvent::ElicitationCompleted { .. }) => event,
        // Its own stream, turns and usage are private (usage joins the parent's totals), and
        // what belongs to the whole session (its model, mode, transcript, lists) is the parent's.
        AgentEvent::SessionInfo { .. }
        | AgentEvent::SessionStarted(_)
        | AgentEvent::TranscriptRestored { .. }
        | AgentEvent::AssistantMessage(_)
        | AgentEvent::StructuredOutput(_)
        | AgentEvent::TurnStarted { .. }
        | AgentEvent::UserText { .. }
        | AgentEvent::RequestStarted
        | AgentEvent::TextDelta(_)
        | AgentEvent::ThinkingDelta(_)
        | AgentEvent::MessageDone
        | AgentEvent::Usage { .. }
        | AgentEvent::PermissionModeChanged(_)
        | AgentEvent::Todos { .. }
        | AgentEvent::TranscriptReset
        | AgentEvent::Compacted { .. }
        | AgentEvent::EditFile { .. }
        | AgentEvent::LookedUp { .. }
        | AgentEvent::StreamEvent(_)
        | AgentEvent::RewindPoints(_)
        | AgentEvent::EffortChanged(_)
        | AgentEvent::Info { .. }
        | AgentEvent::McpServers(_)
        | AgentEvent::TurnEnded { .. } => return None,
    })
}

/// The tools a sub-agent is offered, like its parent, but may not call.
const WITHHELD: &[&str] = &[
    "Task",
    "AskUserQuestion",
    "ExitPlanMode",
    "StructuredOutput",
];

impl Session {
    /// Runs a Task's sub-agent on `prompt`, its steps nested under call `id`. Boxed: a
    /// sub-agent's turn is the same kind of future as the one calling it.
    pub(crate) fn run_subagent<'a>(
        &'a mut self,
        id: &'a str,
        prompt: String,
        agent: Option<String>,
        inbox: &'a mut Inbox,
    ) -> BoxFuture<'a, Result<SubagentEnd, Cut>> {
        Box::pin(self.subagent(id, prompt, agent, inbox))
    }

    async fn subagent(
        &mut self,
        id: &str,
        prompt: String,
        agent: Option<String>,
        inbox: &mut Inbox,
    ) -> Result<SubagentEnd, Cut> {
        let custom = agent.and_then(|name| {
            self.services
                .setup
                .agents
                .iter()
                .find(|a| a.name == name)
                .cloned()
        });
        let (events, mut receiver) = unbounded_channel();
        let parent_events = self.services.events.clone();
        let parent = id.to_string();
        let forward = tokio::spawn(async move {
            while let Some(event) = receiver.recv().await {
                if let Some(nested) = nest(&parent, event) {
                    let _ = parent_events.send(nested);
                }
            }
        });
        let runs = custom.as_ref().map(|c| c.runs.clone()).unwrap_or_default();
        let (system, tools, model) = match &custom {
            Some(custom) => (
                format!("{}{SUBAGENT_NOTE}", custom.prompt),
                Arc::new(
                    self.services
                        .tools
                        .narrowed(custom.tools.as_deref(), &custom.disallowed_tools),
                ),
                self.custom_agent_model(custom),
            ),
            None => (
                format!("{}{SUBAGENT_NOTE}", self.conversation.system),
                // The parent's very list, so the sub-agent's first request reads the parent's
                // prompt cache; what it may not call is withheld by its policy.
                Arc::clone(&self.services.tools),
                self.conversation.model.clone(),
            ),
        };
        let mut sub = Session {
            conversation: Conversation {
                system,
                build_system_prompt: false,
                context: self.conversation.context.clone(),
                plan_told: false,
                thinking: self.conversation.thinking,
                model,
                history: History::new(Vec::new(), LogTarget::None),
                effort: self.conversation.effort,
                memory: None,
                environment: None,
                compact_due: false,
                totals: Totals::default(),
                last_stop: None,
                structured: None,
            },
            services: Services {
                ctx: self.services.ctx.clone(),
                provider: self.services.provider.clone(),
                providers: self.services.providers.clone(),
                catalog: self.services.catalog.clone(),
                tools,
                setup: Arc::clone(&self.services.setup),
                hooks: Arc::clone(&self.services.hooks),
                session_id: self.services.session_id.clone(),
                next_hook: self.services.next_hook + 10_000,
                settings_summary: String::new(),
                small_model: self.services.small_model.clone(),
                next_approval: Arc::clone(&self.services.next_approval),
                events,
                gauge: Default::default(),
            },
            policy: Policy {
                permissions: self.policy.permissions.clone(),
                local_settings: self.policy.local_settings.clone(),
                compact_threshold: self.policy.compact_threshold,
                withheld: WITHHELD,
                run: crate::agent::RunOptions {
                    max_turns: runs.max_turns,
                    ..Default::default()
                },
                session_rules: self.policy.session_rules.clone(),
            },
        };
        if let Some(effort) = runs.effort {
            sub.conversation.effort = effort;
        }
        if sub.conversation.model != self.conversation.model
            || sub.conversation.effort != self.conversation.effort
        {
            sub.conversation.thinking = sub.thinking_for(sub.conversation.effort);
        }
        // Its own mode, unless the session's lets more through without asking.
        let parent_mode = self.policy.permissions.mode;
        if let Some(mode) = runs.permission_mode
            && !matches!(
                parent_mode,
                PermissionMode::BypassPermissions | PermissionMode::AcceptEdits
            )
        {
            sub.policy.permissions.mode = mode;
        }
        let (started_with, started_mode, started_effort) = (
            sub.conversation.model.id.clone(),
            sub.policy.permissions.mode,
            sub.conversation.effort,
        );
        let alive = sub.turn(prompt, inbox).await;
        // The sub-agent's model was the provider's while it ran; the session's is again.
        self.services
            .provider
            .set_model(&self.conversation.model.id);
        for (model, usage, cost) in sub.conversation.totals.by_model.clone() {
            self.conversation.totals.add(&model, &usage, cost);
        }
        self.conversation.totals.priced += sub.conversation.totals.priced;
        self.conversation.totals.unpriced += sub.conversation.totals.unpriced;
        // Permissions granted inside the sub-agent ("allow for this session") stay granted.
        let own_mode = self.policy.permissions.mode;
        self.policy.permissions = sub.policy.permissions.clone();
        self.policy.session_rules = sub.policy.session_rules.clone();
        self.policy.permissions.mode = own_mode;
        // The sub-agent applied the choices the user made while it ran; they are the session's:
        // the mode at once, the model and effort from the next user turn (never inside this
        // tool loop, where the API refuses thinking turned on). Its own mode and effort stay
        // its own.
        if sub.policy.permissions.mode != started_mode {
            self.set_mode(sub.policy.permissions.mode);
        }
        if sub.conversation.model.id != started_with {
            inbox.pending.model = Some(sub.conversation.model.id.clone());
        }
        if sub.conversation.effort != started_effort {
            inbox.pending.effort = Some(sub.conversation.effort);
        }
        let report = sub
            .conversation
            .history
            .messages()
            .iter()
            .rev()
            .find(|m| m.role == Role::Assistant && !m.text().trim().is_empty())
            .map(|m| m.text());
        let stop = sub.conversation.last_stop.clone();
        drop(sub);
        let _ = forward.await;
        self.emit(AgentEvent::Usage {
            usage: Default::default(),
            session_cost: self.conversation.totals.cost,
            pricing: self.conversation.totals.pricing(),
            total_in: self.conversation.totals.input,
            total_out: self.conversation.totals.output,
        });
        self.fire(
            "SubagentStop",
            None,
            serde_json::json!({"stop_hook_active": false}),
        )
        .await;
        if !alive {
            return Err(Cut::Shutdown);
        }
        Ok(match (stop, report) {
            (Some(TurnStop::Interrupted), _) => SubagentEnd::Interrupted,
            (Some(TurnStop::Failed), _) | (_, None) => SubagentEnd::Failed,
            (_, Some(report)) => SubagentEnd::Reported(report),
        })
    }
}

impl Session {
    /// The model a custom agent runs with: its own (`sonnet`, `opus`, `haiku` or an id) or the
    /// session's. A Claude model asked of another provider can't be had: the agent then runs
    /// with the session's model, and the user is told.
    fn custom_agent_model(&self, agent: &crate::config::agents::AgentDefinition) -> ActiveModel {
        let Some(name) = agent.model.as_deref() else {
            return self.conversation.model.clone();
        };
        let provider = self.services.provider.name();
        let anthropic = matches!(provider.as_str(), "" | "anthropic");
        if !anthropic && self.services.catalog.resolve(name).is_some() {
            self.emit(AgentEvent::Notice {
                message: format!(
                    "agent {} asks for model {name}, which {provider} does not serve: it runs \
                     with {}",
                    agent.name, self.conversation.model.id
                ),
            });
            return self.conversation.model.clone();
        }
        crate::agent::resolve_model(&self.services.catalog, name)
    }
}
