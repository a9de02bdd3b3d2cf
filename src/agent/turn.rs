//! One session's turn loop: user message → stream → tool calls (approved or not) → tool results
//! → stream again, until the model ends its turn. The history stays valid for the API whatever
//! happens: every tool_use gets its tool_result, interrupted calls included.

use std::sync::Arc;

use serde_json::Value;

use crate::agent::conversation::Conversation;
use crate::agent::inbox::{Arrival, Inbox, Queued, Watched};
use crate::agent::notes::Cut;
use crate::agent::policy::Policy;
use crate::agent::prompt::{
    Environment, load_memory, memory_places, session_context, system_prompt,
};
use crate::agent::resume::Reading;
use crate::agent::run_options::Owed;
use crate::agent::services::Services;
use crate::protocol::session_start::AssistantReply;
use crate::protocol::{AgentEvent, TurnStop};
use crate::provider::{ChatRequest, ContentBlock, Message, Role, StopReason, StreamEvent, Usage};

/// How often Stop hooks may send the model back to work in one turn.
const MAX_STOP_CONTINUATIONS: u32 = 3;
/// How many times one turn resumes an answer the API paused (a long server-side tool).
const MAX_PAUSE_CONTINUATIONS: u32 = 8;

/// One conversation with the model, what it works with, and what it may do on its own.
pub(crate) struct Session {
    pub conversation: Conversation,
    pub services: Services,
    pub policy: Policy,
}

/// What the tool phase of a step decided.
pub(crate) enum Flow {
    Continue,
    Stop(TurnStop),
    Shutdown,
}

impl Session {
    pub(crate) fn emit(&self, event: AgentEvent) {
        self.services.gauge.saw(&event);
        // The UI may be gone (shutting down); nothing to do then.
        let _ = self.services.events.send(event);
    }

    /// The usage so far, for the status bar: a resumed session's tokens and cost come back
    /// together.
    fn announce_usage(&self) {
        let totals = &self.conversation.totals;
        // Requests of a model without a price still tell the status bar the cost is unknown.
        if totals.priced + totals.unpriced == 0 {
            return;
        }
        self.emit(totals.usage_event());
    }

    /// The session, from its start-up announcements to its end. `reading`: a resumed session
    /// whose file is still being read; its last turns are shown first.
    pub async fn run(mut self, mut inbox: Inbox, reading: Option<Reading>) {
        match reading {
            Some(reading) => {
                self.announce_start(Some(&reading.last));
                self.take_whole_conversation(reading).await;
            }
            None => self.announce_start(None),
        }
        self.announce_usage();
        self.learn_model().await;
        let cwd = self.services.ctx.cwd.clone();
        let build = self.conversation.build_system_prompt;
        let sources = self.services.setup.sources;
        let added = self.services.setup.memory_dirs.clone();
        let built = tokio::task::spawn_blocking(move || {
            let env = Environment::detect(&cwd);
            let mut places = memory_places(&env);
            places.sources = sources;
            places.added = added;
            let (files, seen) = load_memory(&places);
            (env, files, places, seen)
        })
        .await;
        let source = if self.conversation.history.is_empty() {
            "startup"
        } else {
            "resume"
        };
        if let Ok((env, files, _, _)) = &built
            && build
        {
            self.conversation.environment = Some((env.clone(), files.clone()));
        }
        self.begin_context(source).await;
        if build {
            self.conversation.system = system_prompt().to_string();
        }
        self.append_to_system_prompt();
        if let Ok((_, _, places, seen)) = built {
            self.conversation.memory = Some((places, seen));
        }
        self.session_loop(&mut inbox).await;
        let reason = inbox.exit_reason.as_str();
        self.fire("SessionEnd", None, serde_json::json!({"reason": reason}))
            .await;
        // A quit or a signal may come mid-turn, before the end-of-turn sync.
        self.conversation.history.sync();
    }

    /// Fires SessionStart (`source`: startup, resume, clear) and builds the session context from
    /// the environment, the memory files and what the hooks add.
    async fn begin_context(&mut self, source: &str) {
        let start = self
            .fire(
                "SessionStart",
                Some(source),
                serde_json::json!({"source": source}),
            )
            .await;
        let known = self
            .conversation
            .environment
            .as_ref()
            .map(|(env, files)| (env, files.as_slice()));
        self.conversation.context = session_context(known, &start.context);
    }

    async fn session_loop(&mut self, inbox: &mut Inbox) {
        loop {
            let Some(work) = inbox.queued.pop_front() else {
                let op = tokio::select! {
                    op = inbox.ops.recv() => op,
                    Some(request) = self.next_mcp_request() => {
                        if !self.serve_mcp_request(request, inbox).await {
                            return;
                        }
                        continue;
                    }
                };
                match inbox.receive(op) {
                    Arrival::Shutdown => return,
                    // Nothing runs to interrupt, no prompt is pending to answer.
                    Arrival::Interrupt
                    | Arrival::Decision { .. }
                    | Arrival::Elicited { .. }
                    | Arrival::Kept => {}
                }
                // Idle, a choice applies at once.
                self.apply_pending(&mut inbox.pending);
                self.learn_model().await;
                continue;
            };
            let go_on = match work {
                Queued::Turn(text) => self.turn(text, inbox).await,
                Queued::Command { command, args } => self.command(command, &args, inbox).await,
                Queued::Custom { name, args } => self.custom_command(&name, &args, inbox).await,
                Queued::Shell(command) => self.shell(&command, inbox).await,
                Queued::McpPrompt { command, args } => {
                    self.mcp_prompt(&command, &args, inbox).await
                }
                Queued::Clear => {
                    // As in Claude Code, clearing ends the session (a new one begins).
                    self.fire("SessionEnd", None, serde_json::json!({"reason": "clear"}))
                        .await;
                    let model = self.conversation.model.id.clone();
                    let cwd = self.services.ctx.cwd.display().to_string();
                    if let Some(path) = self.conversation.history.start_new_session(&model, &cwd) {
                        self.emit(AgentEvent::Notice {
                            message: format!(
                                "New session; it will be saved as {}",
                                self.services.ctx.shown_to_user(&path)
                            ),
                        });
                    }
                    // And SessionStart hooks hear of it, their context joining the new one.
                    self.begin_context("clear").await;
                    true
                }
            };
            if !go_on {
                return;
            }
        }
    }

    /// Switches the permission mode and records the change in the session file.
    pub(crate) fn set_mode(&mut self, mode: crate::protocol::PermissionMode) {
        if self.policy.permissions.mode != mode {
            self.policy.permissions.mode = mode;
            self.conversation
                .history
                .record(&crate::agent::session_log::Entry::Mode { mode });
        }
    }

    pub(crate) fn set_effort(&mut self, effort: crate::protocol::Effort) {
        self.conversation.effort = effort;
        self.conversation.thinking = self.thinking_for(effort);
        self.emit(AgentEvent::EffortChanged(effort));
    }

    /// Runs one user turn. Returns false when the agent should shut down.
    pub(crate) async fn turn(&mut self, text: String, inbox: &mut Inbox) -> bool {
        self.emit(AgentEvent::TurnStarted {
            prompt: text.clone(),
        });
        let submitted = self
            .fire(
                "UserPromptSubmit",
                None,
                serde_json::json!({"prompt": text}),
            )
            .await;
        if let Some(reason) = submitted.blocked.or(submitted.stop) {
            self.emit(AgentEvent::Error {
                message: format!("A UserPromptSubmit hook blocked the message: {reason}"),
            });
            self.emit(AgentEvent::TurnEnded {
                stop: TurnStop::Failed,
            });
            return true;
        }
        // Files the prompt mentions with @ join the message (read off the async threads).
        let attached = {
            let prompt = text.clone();
            let ctx = self.services.ctx.clone();
            tokio::task::spawn_blocking(move || match ctx.files.lock() {
                Ok(mut files) => crate::agent::mentions::attach(&prompt, &ctx.cwd, &mut files),
                Err(_) => Default::default(),
            })
            .await
            .unwrap_or_default()
        };
        let text_for_mentions = text.clone();
        self.conversation.history.push_prompt(text);
        for block in attached.blocks {
            self.conversation.history.push_user_text(block);
        }
        for note in attached.notes {
            self.emit(AgentEvent::Notice { message: note });
        }
        for context in submitted.context {
            self.conversation.history.push_user_text(format!(
                "<user-prompt-submit-hook>\n{context}\n</user-prompt-submit-hook>"
            ));
        }
        if !self.wait_for_mcp(inbox).await {
            return false;
        }
        if !self.attach_mcp_resources(&text_for_mentions, inbox).await {
            return false;
        }
        // A model or effort chosen while the agent was busy applies from this user turn on,
        // never inside its tool loop: the API refuses thinking turned on mid-loop (the
        // assistant message that asked for the tools has no thinking block to lead it).
        self.apply_pending(&mut inbox.pending);
        self.learn_model().await;
        let mut stop_continuations = 0u32;
        let mut pause_continuations = 0u32;
        let (mut requests, mut reminders) = (0u32, 0u32);
        self.conversation.structured = None;
        // Where an interruption stopped the turn, for its note.
        let mut cut = Cut::Answer;
        let stop = loop {
            self.apply_pending_mode(&mut inbox.pending);
            self.note_plan_mode();
            self.refresh_tools();
            if self.conversation.compact_due {
                self.conversation.compact_due = false;
                if !self.compact("", "auto", inbox).await {
                    return false;
                }
            }
            if let Some(stop) = self.limit_reached(requests) {
                break stop;
            }
            requests += 1;
            let request = ChatRequest {
                model: self.conversation.model.id.clone(),
                max_tokens: self.conversation.model.max_tokens,
                system: self.conversation.system.clone(),
                messages: self.conversation.request_messages(),
                tools: self.services.tools.specs(),
                server_tools: Vec::new(),
                thinking: self.conversation.thinking,
                images: self.conversation.model.images,
                raw_events: self.policy.run.raw_stream_events,
            };
            self.emit(AgentEvent::RequestStarted);
            let events = self.services.events.clone();
            // The text so far, kept if the user interrupts the answer.
            let partial = Arc::new(std::sync::Mutex::new(String::new()));
            let streamed_text = Arc::clone(&partial);
            let mut server_rows = crate::agent::server_tools::ServerToolRows::default();
            let mut on_event = move |event: StreamEvent| {
                let forwarded = match event {
                    StreamEvent::TextDelta(text) => {
                        if let Ok(mut so_far) = streamed_text.lock() {
                            so_far.push_str(&text);
                        }
                        AgentEvent::TextDelta(text)
                    }
                    StreamEvent::ThinkingDelta(text) => AgentEvent::ThinkingDelta(text),
                    StreamEvent::Retrying {
                        attempt,
                        delay_ms,
                        reason,
                        status,
                        max_retries,
                        error_type,
                    } => AgentEvent::Retrying {
                        attempt,
                        delay_ms,
                        reason,
                        status,
                        max_retries,
                        error_type,
                    },
                    StreamEvent::ServerTool(block) => {
                        match server_rows.event(&block, std::time::Instant::now()) {
                            Some(row) => row,
                            None => return,
                        }
                    }
                    StreamEvent::Raw(event) => AgentEvent::StreamEvent(event),
                    StreamEvent::ToolUseStarted { .. } | StreamEvent::Usage(_) => return,
                };
                let _ = events.send(forwarded);
            };
            let provider = self.services.provider.current();
            let streamed = inbox.watch(provider.stream(&request, &mut on_event)).await;
            let completed = match streamed {
                Watched::Shutdown => return false,
                Watched::Interrupted => {
                    let text = partial.lock().map(|t| t.clone()).unwrap_or_default();
                    if let Some(message) = crate::agent::notes::partial_answer(&text) {
                        self.conversation.history.push(message);
                    }
                    break TurnStop::Interrupted;
                }
                Watched::Done(Err(error)) if self.fall_back(&error) => {
                    requests -= 1;
                    continue;
                }
                Watched::Done(Err(error)) => {
                    self.emit(AgentEvent::Error {
                        message: error.to_string(),
                    });
                    break TurnStop::Failed;
                }
                Watched::Done(Ok(completed)) => completed,
            };
            let cost = self.account(&completed.usage);
            self.emit(AgentEvent::MessageDone);
            self.emit(AgentEvent::AssistantMessage(Box::new(AssistantReply {
                id: format!("msg_{:024x}", fastrand::u128(..) >> 32),
                model: self.conversation.model.id.clone(),
                message: completed.message.clone(),
                stop_reason: completed.stop_reason.clone(),
                usage: completed.usage,
                cost,
            })));
            let calls: Vec<(String, String, Value)> = completed
                .message
                .tool_uses()
                .map(|(id, name, input)| (id.to_string(), name.to_string(), input.clone()))
                .collect();
            // The API rejects empty text blocks (a refusal streams one) and empty messages.
            let mut message = completed.message;
            message
                .content
                .retain(|block| !matches!(block, ContentBlock::Text { text } if text.is_empty()));
            if !message.content.is_empty() {
                self.conversation.history.push(message);
            }
            // A paused answer (a server tool ran long) resumes by sending it back as it stands.
            if calls.is_empty()
                && completed.stop_reason == StopReason::PauseTurn
                && pause_continuations < MAX_PAUSE_CONTINUATIONS
                && self.conversation.history.messages().last().map(|m| m.role)
                    == Some(Role::Assistant)
            {
                pause_continuations += 1;
                continue;
            }
            if calls.is_empty() {
                let stop = match completed.stop_reason {
                    StopReason::MaxTokens => TurnStop::MaxTokens,
                    StopReason::Refusal => TurnStop::Refusal,
                    StopReason::ModelContextWindowExceeded => {
                        self.emit(AgentEvent::Error {
                            message: "the conversation no longer fits the model's context \
                                      window: /compact it, or /clear to start over"
                                .into(),
                        });
                        TurnStop::Failed
                    }
                    StopReason::EndTurn
                    | StopReason::StopSequence
                    | StopReason::ToolUse
                    | StopReason::PauseTurn
                    | StopReason::Other(_) => TurnStop::Done,
                };
                // A Stop hook may send the model back to work (a few times per turn at most).
                if stop == TurnStop::Done && stop_continuations < MAX_STOP_CONTINUATIONS {
                    let active = stop_continuations > 0;
                    let hook = self
                        .fire(
                            "Stop",
                            None,
                            serde_json::json!({"stop_hook_active": active}),
                        )
                        .await;
                    if let Some(reason) = hook.blocked {
                        stop_continuations += 1;
                        self.conversation
                            .history
                            .push_user_text(format!("Stop hook feedback: {reason}"));
                        continue;
                    }
                }
                if stop == TurnStop::Done {
                    match self.owed_before_ending(&mut reminders) {
                        Owed::Nothing => {}
                        Owed::Reminded => continue,
                        Owed::GaveUp => break TurnStop::Failed,
                    }
                }
                break stop;
            }
            let (results, flow) = self.run_tools(calls, inbox).await;
            self.conversation.history.push(Message {
                role: Role::User,
                content: results,
            });
            match flow {
                Flow::Continue => {}
                Flow::Stop(stop) => {
                    cut = Cut::ToolUse;
                    break stop;
                }
                Flow::Shutdown => return false,
            }
        };
        self.apply_pending(&mut inbox.pending);
        if stop == TurnStop::Interrupted {
            self.note_interruption(cut);
        }
        self.conversation.history.sync();
        if let Some(message) = self.conversation.history.log_error.take() {
            self.emit(AgentEvent::Notice { message });
        }
        self.conversation.last_stop = Some(stop.clone());
        self.announce_structured_output();
        self.emit(AgentEvent::TurnEnded { stop });
        true
    }

    /// Records a request of the session's model; its cost, when the model has a price.
    pub(crate) fn account(&mut self, usage: &Usage) -> Option<f64> {
        let model = self.conversation.model.id.clone();
        let cost = self.account_for(&model, usage);
        if self.conversation.totals.context as f64
            > self.policy.compact_threshold * self.conversation.model.context_window as f64
        {
            self.conversation.compact_due = true;
        }
        cost
    }

    /// Prices and records a request made with `model` (which may differ from the session's,
    /// as for WebFetch's small model).
    pub(crate) fn account_for(&mut self, model: &str, usage: &Usage) -> Option<f64> {
        let active = &self.conversation.model;
        let priced = match self.services.catalog.resolve(model) {
            Some(info) => Some(info.cost(usage)),
            // The settings' prices for the model in use, where they give them.
            None if model == active.id => active.prices.map(|p| p.cost(usage)),
            None => None,
        };
        match priced {
            Some(_) => self.conversation.totals.priced += 1,
            None => self.conversation.totals.unpriced += 1,
        }
        let cost = priced.unwrap_or(0.0);
        self.conversation.totals.add(model, usage, cost);
        self.conversation
            .history
            .record(&crate::agent::session_log::Entry::Usage {
                model: model.to_string(),
                usage: *usage,
                cost,
            });
        self.emit(self.conversation.totals.usage_event());
        priced
    }
}
