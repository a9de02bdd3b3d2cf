//! One session's turn loop: user message → stream → tool calls (approved or not) → tool results
//! → stream again, until the model ends its turn. The history stays valid for the API whatever
//! happens: every tool_use gets its tool_result, interrupted calls included.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::agent::prompt::{Environment, load_memory, memory_places, system_prompt};
use crate::agent::{ActiveModel, resolve_model};
use crate::config::memory::{self, MemoryPlaces};
use crate::config::settings::save_allow_rule;
use crate::permissions::{PermissionMode, Permissions, RuleKind, Verdict};
use crate::protocol::{AgentEvent, ApprovalRequest, Decision, Op, ToolOutcome, TurnStop};
use crate::provider::catalog::Catalog;
use crate::provider::{
    ChatRequest, ContentBlock, Message, Provider, Role, StopReason, StreamEvent, Thinking, Usage,
};
use crate::tools::{ProgressSink, Registry, ToolContext};

/// How often Stop hooks may send the model back to work in one turn.
const MAX_STOP_CONTINUATIONS: u32 = 3;

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
}

impl Totals {
    /// Adds one request's usage and cost for `model`.
    pub fn add(&mut self, model: &str, usage: &Usage, cost: f64) {
        self.input +=
            usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens;
        self.output += usage.output_tokens;
        self.cost += cost;
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

/// Ops that arrive while a turn runs: an interrupt ends the turn, user messages wait their turn.
pub(crate) struct Inbox {
    pub ops: UnboundedReceiver<Op>,
    /// Work that arrived during a turn, done after it, in order.
    pub queued: VecDeque<Queued>,
    /// A permission mode chosen during a turn, applied before the next decision.
    pub mode: Option<PermissionMode>,
}

/// Work that waits for the current turn to end.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Queued {
    Turn(String),
    Command { name: String, args: String },
    Clear,
}

/// How waiting on something while watching the inbox ended.
pub(crate) enum Watched<T> {
    Done(T),
    Interrupted,
    Shutdown,
}

impl Inbox {
    /// Runs `work` to completion unless the user interrupts or the UI shuts down; other ops are
    /// kept (user messages) or applied later.
    pub(crate) async fn watch<F: Future>(
        &mut self,
        work: F,
        model_change: &mut Option<String>,
    ) -> Watched<F::Output> {
        tokio::pin!(work);
        loop {
            tokio::select! {
                out = &mut work => return Watched::Done(out),
                op = self.ops.recv() => match op {
                    None | Some(Op::Shutdown) => return Watched::Shutdown,
                    Some(Op::Interrupt) => return Watched::Interrupted,
                    Some(Op::UserTurn { text }) => self.queued.push_back(Queued::Turn(text)),
                    Some(Op::SetModel { model }) => *model_change = Some(model),
                    Some(Op::SetPermissionMode(mode)) => self.mode = Some(mode),
                    Some(Op::Command { name, args }) => self.queued.push_back(Queued::Command { name, args }),
                    Some(Op::Clear) => self.queued.push_back(Queued::Clear),
                    // An answer to a prompt that is no longer pending.
                    Some(Op::Decide { .. }) => {}
                },
            }
        }
    }

    /// Waits for the user's answer to approval `id`. An interrupt answers "deny and stop".
    async fn decision(&mut self, id: u64, model_change: &mut Option<String>) -> Watched<Decision> {
        loop {
            match self.ops.recv().await {
                None | Some(Op::Shutdown) => return Watched::Shutdown,
                Some(Op::Interrupt) => return Watched::Done(Decision::DenyAndStop),
                Some(Op::Decide {
                    id: answered,
                    decision,
                }) if answered == id => {
                    return Watched::Done(decision);
                }
                Some(Op::Decide { .. }) => {}
                Some(Op::UserTurn { text }) => self.queued.push_back(Queued::Turn(text)),
                Some(Op::SetModel { model }) => *model_change = Some(model),
                Some(Op::SetPermissionMode(mode)) => self.mode = Some(mode),
                Some(Op::Command { name, args }) => {
                    self.queued.push_back(Queued::Command { name, args })
                }
                Some(Op::Clear) => self.queued.push_back(Queued::Clear),
            }
        }
    }
}

pub(crate) struct Session {
    pub ctx: ToolContext,
    pub provider: Arc<dyn Provider>,
    pub catalog: Catalog,
    pub tools: Arc<Registry>,
    pub system: String,
    pub build_system_prompt: bool,
    pub thinking: Thinking,
    pub model: ActiveModel,
    pub history: crate::agent::history::History,
    pub permissions: Permissions,
    pub local_settings: Option<std::path::PathBuf>,
    pub hooks: Arc<crate::hooks::Hooks>,
    pub session_id: String,
    pub next_hook: u64,
    /// Where memory files are, and which were read (subdirectory files join on first read).
    pub memory: Option<(MemoryPlaces, std::collections::HashSet<std::path::PathBuf>)>,
    /// The settings files and values in force, for `/config`.
    pub settings_summary: String,
    pub compact_threshold: f64,
    /// The last request filled the context past the threshold: compact before the next.
    pub compact_due: bool,
    pub totals: Totals,
    /// Approval ids, shared with sub-agents so they never collide.
    pub next_approval: Arc<std::sync::atomic::AtomicU64>,
    /// How the last turn ended (a sub-agent's caller reads it).
    pub last_stop: Option<TurnStop>,
    pub events: UnboundedSender<AgentEvent>,
}

/// What the tool phase of a step decided.
pub(crate) enum Flow {
    Continue,
    Stop(TurnStop),
    Shutdown,
}

impl Session {
    pub(crate) fn emit(&self, event: AgentEvent) {
        // The UI may be gone (shutting down); nothing to do then.
        let _ = self.events.send(event);
    }

    fn announce_model(&self) {
        self.emit(AgentEvent::SessionInfo {
            model: self.model.id.clone(),
            cwd: self.ctx.cwd.display().to_string(),
            context_window: self.model.context_window,
        });
    }

    pub async fn run(mut self, mut inbox: Inbox) {
        self.announce_model();
        let cwd = self.ctx.cwd.clone();
        let build = self.build_system_prompt;
        let built = tokio::task::spawn_blocking(move || {
            let env = Environment::detect(&cwd);
            let places = memory_places(&env);
            let (files, seen) = load_memory(&places);
            let prompt = build.then(|| system_prompt(&env, &files));
            (prompt, places, seen)
        })
        .await;
        if let Ok((prompt, places, seen)) = built {
            if let Some(prompt) = prompt {
                self.system = prompt;
            }
            self.memory = Some((places, seen));
        }
        let start = self
            .fire(
                "SessionStart",
                Some("startup"),
                serde_json::json!({"source": "startup"}),
            )
            .await;
        if !start.context.is_empty() {
            self.system
                .push_str("\n\n# Context from SessionStart hooks\n\n");
            self.system.push_str(&start.context.join("\n\n"));
        }
        self.session_loop(&mut inbox).await;
        self.fire("SessionEnd", None, serde_json::json!({"reason": "exit"}))
            .await;
    }

    async fn session_loop(&mut self, inbox: &mut Inbox) {
        loop {
            let work = match inbox.queued.pop_front() {
                Some(work) => work,
                None => match inbox.ops.recv().await {
                    None | Some(Op::Shutdown) => return,
                    Some(Op::UserTurn { text }) => Queued::Turn(text),
                    Some(Op::Command { name, args }) => Queued::Command { name, args },
                    Some(Op::Clear) => Queued::Clear,
                    Some(Op::SetModel { model }) => {
                        self.set_model(&model);
                        continue;
                    }
                    Some(Op::SetPermissionMode(mode)) => {
                        self.permissions.mode = mode;
                        continue;
                    }
                    Some(Op::Interrupt) | Some(Op::Decide { .. }) => continue,
                },
            };
            let go_on = match work {
                Queued::Turn(text) => self.turn(text, inbox).await,
                Queued::Command { name, args } => self.command(&name, &args, inbox).await,
                Queued::Clear => {
                    let model = self.model.id.clone();
                    let cwd = self.ctx.cwd.display().to_string();
                    if let Some(path) = self.history.start_new_session(&model, &cwd) {
                        self.emit(AgentEvent::Notice {
                            message: format!("New session; it will be saved as {}", path.display()),
                        });
                    }
                    true
                }
            };
            if !go_on {
                return;
            }
        }
    }

    pub(crate) fn set_model(&mut self, name: &str) {
        self.model = resolve_model(&self.catalog, name);
        self.announce_model();
    }

    /// Runs one user turn. Returns false when the agent should shut down.
    pub(crate) async fn turn(&mut self, text: String, inbox: &mut Inbox) -> bool {
        self.emit(AgentEvent::TurnStarted);
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
        self.history.push_prompt(text);
        for context in submitted.context {
            self.history.push_user_text(format!(
                "<user-prompt-submit-hook>\n{context}\n</user-prompt-submit-hook>"
            ));
        }
        let mut stop_continuations = 0u32;
        let mut model_change: Option<String> = None;
        let stop = loop {
            if let Some(name) = model_change.take() {
                self.set_model(&name);
            }
            if self.compact_due {
                self.compact_due = false;
                if !self.compact("", "auto", inbox).await {
                    return false;
                }
            }
            let request = ChatRequest {
                model: self.model.id.clone(),
                max_tokens: self.model.max_tokens,
                system: self.system.clone(),
                messages: self.history.messages().to_vec(),
                tools: self.tools.specs(),
                thinking: self.thinking.clone(),
            };
            self.emit(AgentEvent::RequestStarted);
            let events = self.events.clone();
            let mut on_event = move |event: StreamEvent| {
                let forwarded = match event {
                    StreamEvent::TextDelta(text) => AgentEvent::TextDelta(text),
                    StreamEvent::ThinkingDelta(text) => AgentEvent::ThinkingDelta(text),
                    StreamEvent::Retrying {
                        attempt,
                        delay_ms,
                        reason,
                    } => AgentEvent::Retrying {
                        attempt,
                        delay_ms,
                        reason,
                    },
                    StreamEvent::ToolUseStarted { .. } | StreamEvent::Usage(_) => return,
                };
                let _ = events.send(forwarded);
            };
            let provider = Arc::clone(&self.provider);
            let streamed = inbox
                .watch(provider.stream(&request, &mut on_event), &mut model_change)
                .await;
            let completed = match streamed {
                Watched::Shutdown => return false,
                Watched::Interrupted => break TurnStop::Interrupted,
                Watched::Done(Err(error)) => {
                    self.emit(AgentEvent::Error {
                        message: error.to_string(),
                    });
                    break TurnStop::Failed;
                }
                Watched::Done(Ok(completed)) => completed,
            };
            self.account(&completed.usage);
            self.emit(AgentEvent::MessageDone);
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
                self.history.push(message);
            }
            if calls.is_empty() {
                let stop = match completed.stop_reason {
                    StopReason::MaxTokens => TurnStop::MaxTokens,
                    StopReason::Refusal => TurnStop::Refusal,
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
                        self.history
                            .push_user_text(format!("Stop hook feedback: {reason}"));
                        continue;
                    }
                }
                break stop;
            }
            let (results, flow) = self.run_tools(calls, inbox, &mut model_change).await;
            self.history.push(Message {
                role: Role::User,
                content: results,
            });
            match flow {
                Flow::Continue => {}
                Flow::Stop(stop) => break stop,
                Flow::Shutdown => return false,
            }
        };
        if let Some(name) = model_change {
            self.set_model(&name);
        }
        self.history.sync();
        if let Some(message) = self.history.log_error.take() {
            self.emit(AgentEvent::Notice { message });
        }
        self.last_stop = Some(stop.clone());
        self.emit(AgentEvent::TurnEnded { stop });
        true
    }

    pub(crate) fn account(&mut self, usage: &Usage) {
        let cost = self
            .catalog
            .resolve(&self.model.id)
            .map(|info| info.cost(usage))
            .unwrap_or(0.0);
        let model = self.model.id.clone();
        self.totals.add(&model, usage, cost);
        if self.totals.context as f64 > self.compact_threshold * self.model.context_window as f64 {
            self.compact_due = true;
        }
        self.history
            .record(&crate::agent::session_log::Entry::Usage {
                model: self.model.id.clone(),
                usage: *usage,
                cost,
            });
        self.emit(AgentEvent::Usage {
            usage: *usage,
            session_cost: self.totals.cost,
            total_in: self.totals.input,
            total_out: self.totals.output,
        });
    }

    /// Runs the tool calls of one assistant message in order and returns their results, one per
    /// call, in the same order.
    async fn run_tools(
        &mut self,
        calls: Vec<(String, String, Value)>,
        inbox: &mut Inbox,
        model_change: &mut Option<String>,
    ) -> (Vec<ContentBlock>, Flow) {
        let mut results = Vec::with_capacity(calls.len());
        let mut stopped: Option<Flow> = None;
        for (id, name, input) in calls {
            if stopped.is_some() {
                results.push(tool_result(
                    &id,
                    "Not run: the user stopped the turn.",
                    true,
                ));
                continue;
            }
            let (content, is_error) = self
                .run_one(&id, &name, input, inbox, model_change, &mut stopped)
                .await;
            results.push(tool_result(&id, &content, is_error));
        }
        (results, stopped.unwrap_or(Flow::Continue))
    }

    /// Runs one tool call, asking first when it needs approval. Returns the tool_result content
    /// and whether it is an error; sets `stopped` when the turn must end after this call.
    async fn run_one(
        &mut self,
        id: &str,
        name: &str,
        mut input: Value,
        inbox: &mut Inbox,
        model_change: &mut Option<String>,
        stopped: &mut Option<Flow>,
    ) -> (String, bool) {
        let started = Instant::now();
        let tools = Arc::clone(&self.tools);
        let Some(tool) = tools.get(name) else {
            self.emit(AgentEvent::ToolStarted {
                call_id: id.to_string(),
                tool: name.to_string(),
                summary: String::new(),
            });
            let message = format!("Unknown tool `{name}`.");
            self.finish(id, ToolOutcome::Failed, &message, "unknown tool", started);
            return (message, true);
        };
        self.emit(AgentEvent::ToolStarted {
            call_id: id.to_string(),
            tool: name.to_string(),
            summary: tool.summarize(&input),
        });
        let pre = self
            .fire(
                "PreToolUse",
                Some(name),
                serde_json::json!({"tool_name": name, "tool_input": input}),
            )
            .await;
        if let Some(reason) = pre.blocked.or(pre.stop) {
            let message = format!("Blocked by a PreToolUse hook: {reason}");
            self.finish(
                id,
                ToolOutcome::Denied,
                &message,
                "blocked by a hook",
                started,
            );
            return (message, true);
        }
        if let Some(updated) = pre.updated_input {
            input = updated;
        }
        let preview = match tool.preview(&input, &self.ctx) {
            Ok(preview) => preview,
            Err(error) => {
                let message = error.to_string();
                self.finish(id, ToolOutcome::Failed, &message, &short(&message), started);
                return (message, true);
            }
        };
        if let Some(mode) = inbox.mode.take() {
            self.permissions.mode = mode;
        }
        let by_rules = self.permissions.decide(name, &input, tool.risk());
        // A PreToolUse hook's decision stands, except that deny rules always win.
        let verdict = match (
            &by_rules,
            pre.permission.as_ref().map(|(d, r)| (d.as_str(), r)),
        ) {
            (Verdict::Deny(_), _) => by_rules,
            (_, Some(("deny", reason))) => {
                Verdict::Deny(format!("a PreToolUse hook denied it ({reason})"))
            }
            (_, Some(("allow", _))) => Verdict::Allow,
            (_, Some(("ask", _))) => Verdict::Ask,
            _ => by_rules,
        };
        match verdict {
            Verdict::Allow => {}
            Verdict::Deny(reason) => {
                let message = format!("Permission denied: {reason}.");
                self.finish(
                    id,
                    ToolOutcome::Denied,
                    &message,
                    "denied by a rule",
                    started,
                );
                return (message, true);
            }
            Verdict::Ask => {
                let request = self
                    .fire(
                        "PermissionRequest",
                        Some(name),
                        serde_json::json!({"tool_name": name, "tool_input": input}),
                    )
                    .await;
                match request
                    .permission
                    .as_ref()
                    .map(|(d, r)| (d.as_str(), r.clone()))
                {
                    Some(("allow", _)) => {
                        return self
                            .execute(id, name, input, tool, inbox, model_change, stopped)
                            .await;
                    }
                    Some(("deny", reason)) => {
                        let message = format!("Denied by a PermissionRequest hook: {reason}");
                        self.finish(
                            id,
                            ToolOutcome::Denied,
                            &message,
                            "denied by a hook",
                            started,
                        );
                        return (message, true);
                    }
                    _ => {}
                }
                self.notify(format!("claw needs your permission to use {name}"));
                let questions = match &preview {
                    crate::protocol::ApprovalPreview::Questions(q) => Some(q.clone()),
                    _ => None,
                };
                let rule = Permissions::suggest_rule(name, &input);
                let approval = self
                    .next_approval
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.emit(AgentEvent::ApprovalNeeded(ApprovalRequest {
                    id: approval,
                    call_id: id.to_string(),
                    tool: name.to_string(),
                    summary: tool.summarize(&input),
                    preview,
                    session_rule: rule.clone(),
                }));
                let decision = match inbox.decision(approval, model_change).await {
                    Watched::Done(decision) => decision,
                    Watched::Interrupted => Decision::DenyAndStop,
                    Watched::Shutdown => {
                        *stopped = Some(Flow::Shutdown);
                        return ("Not run: claw is shutting down.".into(), true);
                    }
                };
                if let (Decision::Answered(answers), Some(questions)) = (&decision, &questions) {
                    let content = crate::tools::ask::format_answers(questions, answers);
                    self.finish(id, ToolOutcome::Success, &content, "answered", started);
                    return (content, false);
                }
                if let Some(denial) = self.apply_decision(decision, &rule, stopped) {
                    self.finish(id, ToolOutcome::Denied, &denial, "denied", started);
                    return (denial, true);
                }
            }
        }
        self.execute(id, name, input, tool, inbox, model_change, stopped)
            .await
    }

    /// Runs an approved call, then its PostToolUse hooks.
    #[allow(clippy::too_many_arguments)]
    async fn execute(
        &mut self,
        id: &str,
        name: &str,
        input: Value,
        tool: &dyn crate::tools::Tool,
        inbox: &mut Inbox,
        model_change: &mut Option<String>,
        stopped: &mut Option<Flow>,
    ) -> (String, bool) {
        if name == "Task" {
            return self.run_subagent(id, &input, inbox, stopped).await;
        }
        let started = Instant::now();
        let events = self.events.clone();
        let call_id = id.to_string();
        let progress: ProgressSink = Arc::new(move |chunk: String| {
            let _ = events.send(AgentEvent::ToolProgress {
                call_id: call_id.clone(),
                chunk,
            });
        });
        let ctx = self.ctx.clone();
        let outcome = inbox
            .watch(tool.run(input.clone(), &ctx, progress), model_change)
            .await;
        let (content, is_error) = match outcome {
            Watched::Done(Ok(output)) => {
                let content = if output.content.is_empty() {
                    "(no output)".to_string()
                } else {
                    output.content
                };
                self.finish(id, ToolOutcome::Success, &content, &output.summary, started);
                (content, false)
            }
            Watched::Done(Err(error)) => {
                let message = error.to_string();
                self.finish(id, ToolOutcome::Failed, &message, &short(&message), started);
                (message, true)
            }
            Watched::Interrupted => {
                *stopped = Some(Flow::Stop(TurnStop::Interrupted));
                let message = "Interrupted by the user before it finished.".to_string();
                self.finish(
                    id,
                    ToolOutcome::Interrupted,
                    &message,
                    "interrupted",
                    started,
                );
                (message, true)
            }
            Watched::Shutdown => {
                *stopped = Some(Flow::Shutdown);
                return ("Interrupted: claw is shutting down.".into(), true);
            }
        };
        // Keep what the files looked like before this call changed them, for /rewind.
        let changed: Vec<_> = self
            .ctx
            .changes
            .lock()
            .map(|mut c| c.drain(..).collect())
            .unwrap_or_default();
        for change in changed {
            self.history.snapshot(change.path, change.content);
        }
        if name == "ExitPlanMode" && !is_error && self.permissions.mode == PermissionMode::Plan {
            self.permissions.mode = PermissionMode::Default;
            self.emit(AgentEvent::PermissionModeChanged(PermissionMode::Default));
        }
        if name == "TodoWrite"
            && !is_error
            && let Ok(items) = crate::tools::todo::parse_todos(&input)
        {
            self.emit(AgentEvent::Todos { items });
        }
        if stopped.is_some() {
            return (content, is_error);
        }
        let content = if name == "Read" && !is_error {
            self.with_nested_memory(&input, content)
        } else {
            content
        };
        self.after_tool(name, input, content, is_error, stopped)
            .await
    }

    /// Memory files of the directory the model just read in, the first time it reads there.
    fn with_nested_memory(&mut self, input: &Value, mut content: String) -> String {
        let Some(path) = input.get("file_path").and_then(Value::as_str) else {
            return content;
        };
        let path = self.ctx.resolve(path);
        let Some((places, seen)) = self.memory.as_mut() else {
            return content;
        };
        let files = memory::nested_for(&path, places, seen);
        for file in files {
            content.push_str(&format!(
                "\n\n<system-reminder>\nInstructions from {} (they apply to files in its directory):\n{}\n</system-reminder>",
                file.path.display(),
                file.content.trim_end()
            ));
            self.emit(AgentEvent::Notice {
                message: format!("Loaded memory from {}", file.path.display()),
            });
        }
        content
    }

    /// PostToolUse hooks: their feedback joins the result the model sees.
    async fn after_tool(
        &mut self,
        name: &str,
        input: Value,
        mut content: String,
        is_error: bool,
        stopped: &mut Option<Flow>,
    ) -> (String, bool) {
        let post = self
            .fire(
                "PostToolUse",
                Some(name),
                serde_json::json!({"tool_name": name, "tool_input": input, "tool_response": content}),
            )
            .await;
        if let Some(reason) = post.blocked {
            content.push_str(&format!("\n\n[PostToolUse hook] {reason}"));
        }
        for context in post.context {
            content.push_str(&format!("\n\n[PostToolUse hook] {context}"));
        }
        if let Some(reason) = post.stop {
            self.emit(AgentEvent::Notice {
                message: format!("A PostToolUse hook stopped the turn: {reason}"),
            });
            *stopped = Some(Flow::Stop(TurnStop::Done));
        }
        (content, is_error)
    }

    /// Carries out the user's answer; returns the denial to send the model, if denied.
    fn apply_decision(
        &mut self,
        decision: Decision,
        rule: &str,
        stopped: &mut Option<Flow>,
    ) -> Option<String> {
        match decision {
            Decision::AllowOnce | Decision::Answered(_) => None,
            Decision::AllowForSession => {
                let cwd = self.ctx.cwd.clone();
                self.permissions.add(RuleKind::Allow, rule, &cwd);
                None
            }
            Decision::AllowAlways => {
                let cwd = self.ctx.cwd.clone();
                self.permissions.add(RuleKind::Allow, rule, &cwd);
                if let Some(path) = self.local_settings.clone() {
                    let message = match save_allow_rule(&path, rule) {
                        Ok(()) => format!("Saved the rule `{rule}` to {}", path.display()),
                        Err(e) => {
                            format!(
                                "Allowed for this session, but the rule could not be saved: {e}"
                            )
                        }
                    };
                    self.emit(AgentEvent::Notice { message });
                }
                None
            }
            Decision::Deny => Some("The user denied this tool call.".to_string()),
            Decision::DenyWithNote(note) => {
                Some(format!("The user denied this tool call and said: {note}"))
            }
            Decision::DenyAndStop => {
                *stopped = Some(Flow::Stop(TurnStop::Interrupted));
                Some("The user denied this tool call and stopped the turn.".to_string())
            }
        }
    }

    fn finish(
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

fn tool_result(id: &str, content: &str, is_error: bool) -> ContentBlock {
    ContentBlock::ToolResult {
        tool_use_id: id.to_string(),
        content: content.to_string(),
        is_error,
    }
}

/// The first line of an error, short enough for the activity pane's summary.
fn short(message: &str) -> String {
    const MAX: usize = 60;
    let first = message.lines().next().unwrap_or("");
    if first.chars().count() <= MAX {
        return first.to_string();
    }
    let mut cut: String = first.chars().take(MAX - 1).collect();
    cut.push('…');
    cut
}
