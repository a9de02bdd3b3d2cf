//! The tool phase of a turn: each call of an assistant message, in order, through hooks,
//! permissions and approval, then run (or refused), with every result going back to the model.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use crate::agent::call_services::SessionCall;
use crate::agent::inbox::Inbox;
use crate::agent::turn::{Flow, Session};
use crate::config::memory;
use crate::config::settings::save_allow_rule;
use crate::permissions::{PermissionMode, RuleKind, Verdict};
use crate::protocol::{AgentEvent, ApprovalRequest, Decision, ToolOutcome, TurnStop};
use crate::provider::ContentBlock;
use crate::tools::endings;
use crate::tools::outcome::short;
use crate::tools::{
    CallFlow, CallOutcome, Ended, ProgressSink, SessionEffect, ToolCall, ToolError,
};

impl Session {
    /// Runs the tool calls of one assistant message in order and returns their results, one per
    /// call, in the same order.
    pub(crate) async fn run_tools(
        &mut self,
        calls: Vec<(String, String, Value)>,
        inbox: &mut Inbox,
    ) -> (Vec<ContentBlock>, Flow) {
        let mut results = Vec::with_capacity(calls.len());
        let mut stopped: Option<Flow> = None;
        for (id, name, input) in calls {
            if stopped.is_some() {
                results.push(
                    CallOutcome::error("Not run: the user stopped the turn.").into_tool_result(&id),
                );
                continue;
            }
            let outcome = self.run_one(&id, &name, input, inbox).await;
            stopped = match &outcome.flow {
                CallFlow::Continue => None,
                CallFlow::StopTurn(stop) => Some(Flow::Stop(stop.clone())),
                CallFlow::ShuttingDown => Some(Flow::Shutdown),
            };
            results.push(outcome.into_tool_result(&id));
        }
        (results, stopped.unwrap_or(Flow::Continue))
    }

    /// Runs one tool call, asking first when it needs approval. Its outcome says whether the
    /// turn must end after it.
    async fn run_one(
        &mut self,
        id: &str,
        name: &str,
        mut input: Value,
        inbox: &mut Inbox,
    ) -> CallOutcome {
        let started = Instant::now();
        let tools = Arc::clone(&self.services.tools);
        let Some(tool) = tools.get(name) else {
            self.emit(AgentEvent::ToolStarted {
                call_id: id.to_string(),
                tool: name.to_string(),
                summary: String::new(),
            });
            let message = format!("Unknown tool `{name}`.");
            self.finish(id, ToolOutcome::Failed, &message, "unknown tool", started);
            return CallOutcome::error(message);
        };
        self.emit(AgentEvent::ToolStarted {
            call_id: id.to_string(),
            tool: name.to_string(),
            summary: self.summary(tool, &input),
        });
        // A tool offered but withheld from this session (a sub-agent's Task) is refused first.
        if let Some(message) = self.policy.withheld(name) {
            self.finish(id, ToolOutcome::Denied, &message, "not available", started);
            return CallOutcome::error(message);
        }
        // Deny rules come before anything else, hooks included.
        if let Verdict::Deny(reason) = self.rule_verdict(name, &input, tool.risk()) {
            return self.refuse(id, &reason, started);
        }
        let pre = self
            .fire(
                "PreToolUse",
                Some(name),
                serde_json::json!({"tool_name": name, "tool_input": input, "tool_use_id": id}),
            )
            .await;
        if let Some(reason) = pre.blocked.or(pre.stop) {
            let message = format!("{}{reason}", endings::HOOK_BLOCKED);
            self.finish(
                id,
                ToolOutcome::Denied,
                &message,
                "blocked by a hook",
                started,
            );
            return CallOutcome::error(message);
        }
        if let Some(updated) = pre.updated_input {
            input = updated;
        }
        self.apply_pending_mode(&mut inbox.pending);
        let by_rules = self.rule_verdict(name, &input, tool.risk());
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
            // No hook decision, or one claw doesn't know: the rules decide.
            (_, Some(_) | None) => by_rules,
        };
        // Deny comes before anything else about the call: a denied Edit says so, not that
        // its old_string is missing.
        let asks = match verdict {
            Verdict::Allow => false,
            Verdict::Ask => true,
            Verdict::Deny(reason) => return self.refuse(id, &reason, started),
        };
        let preview = match tool.preview(&input, &self.services.ctx) {
            Ok(preview) => preview,
            Err(error) => {
                let message = error.to_string();
                self.finish(id, ToolOutcome::Failed, &message, &short(&message), started);
                return CallOutcome::error(message);
            }
        };
        if asks {
            let request = self
                .fire(
                    "PermissionRequest",
                    Some(name),
                    serde_json::json!({"tool_name": name, "tool_input": input, "tool_use_id": id}),
                )
                .await;
            match request
                .permission
                .as_ref()
                .map(|(d, r)| (d.as_str(), r.clone()))
            {
                Some(("allow", _)) => {
                    return self.execute(id, name, input, tool, inbox).await;
                }
                Some(("deny", reason)) => {
                    let message = format!("{}{reason}", endings::HOOK_DENIED);
                    self.finish(
                        id,
                        ToolOutcome::Denied,
                        &message,
                        "denied by a hook",
                        started,
                    );
                    return CallOutcome::error(message);
                }
                // "ask", or no decision: the user is asked.
                Some(_) | None => {}
            }
            let rules = self
                .policy
                .permissions
                .suggest_rules(name, &input, &self.shell_dir());
            let request = ApprovalRequest {
                id: 0,
                call_id: id.to_string(),
                tool: name.to_string(),
                summary: self.summary(tool, &input),
                preview,
                session_rule: rules.join(", "),
                input: input.clone(),
                rules: rules.clone(),
            };
            let Ok(decision) = self.ask(request, inbox).await else {
                return CallOutcome::error("Not run: claw is shutting down.")
                    .with_flow(CallFlow::ShuttingDown);
            };
            // The front end may run it with another input (an Agent SDK's `updatedInput`).
            if let Decision::AllowWith {
                input: Some(changed),
                ..
            } = &decision
            {
                input = changed.clone();
            }
            if let Some(denial) = self.apply_decision(decision, &rules) {
                self.finish(id, ToolOutcome::Denied, &denial.text(), "denied", started);
                return denial;
            }
        }
        self.execute(id, name, input, tool, inbox).await
    }

    /// The tool's one-line summary for the tool row and the approval prompt, its path shown
    /// relative to the working directory. A command line is shown exactly as it will run.
    fn summary(&self, tool: &dyn crate::tools::Tool, input: &Value) -> String {
        if !tool.summary_shows_paths() {
            return tool.summarize(input);
        }
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        crate::shown_path::in_summary(
            &tool.summarize(input),
            &self.services.ctx.cwd,
            home.as_deref(),
        )
    }

    /// Where the next shell command starts (where the last `cd` left it).
    fn shell_dir(&self) -> std::path::PathBuf {
        self.services
            .ctx
            .shell_cwd
            .lock()
            .map(|d| d.clone())
            .unwrap_or_else(|_| self.services.ctx.cwd.clone())
    }

    /// What the mode and rules say of a call; a Bash command is judged where the shell is now
    /// (where the last command's `cd` left it).
    fn rule_verdict(&self, name: &str, input: &Value, risk: crate::tools::Risk) -> Verdict {
        self.policy
            .permissions
            .decide_in(name, input, risk, &self.shell_dir())
    }

    /// Ends a call the rules refuse.
    fn refuse(&mut self, id: &str, reason: &str, started: Instant) -> CallOutcome {
        let message = format!("{}{reason}.", endings::RULE_DENIED);
        self.finish(
            id,
            ToolOutcome::Denied,
            &message,
            "denied by a rule",
            started,
        );
        CallOutcome::error(message)
    }

    /// Runs an approved call, then its PostToolUse hooks. Every tool runs the same way: it gets
    /// the session and the inbox, lent for the call, as its agent services.
    async fn execute(
        &mut self,
        id: &str,
        name: &str,
        input: Value,
        tool: &dyn crate::tools::Tool,
        inbox: &mut Inbox,
    ) -> CallOutcome {
        let started = Instant::now();
        let events = self.services.events.clone();
        let call_id = id.to_string();
        let progress: ProgressSink = Arc::new(move |chunk: String| {
            let _ = events.send(AgentEvent::ToolProgress {
                call_id: call_id.clone(),
                chunk,
            });
        });
        let ctx = self.services.ctx.clone();
        let summary = tool.summarize(&input);
        let result = {
            let mut agent = SessionCall {
                session: self,
                inbox,
                call_id: id,
                tool: name,
                summary,
            };
            let mut call = ToolCall {
                ctx: &ctx,
                progress,
                agent: &mut agent,
            };
            tool.call(input.clone(), &mut call).await
        };
        let Ended {
            mut outcome,
            shown,
            effects,
        } = Ended::from_result(result);
        let Some((shown, summary)) = shown else {
            return outcome;
        };
        self.finish(id, shown, &outcome.text(), &summary, started);
        // Keep what the files looked like before this call changed them, for /rewind.
        let changed: Vec<_> = self
            .services
            .ctx
            .changes
            .lock()
            .map(|mut c| c.drain(..).collect())
            .unwrap_or_default();
        for change in changed {
            self.conversation
                .history
                .snapshot(change.path, change.content);
        }
        for effect in effects {
            self.apply_effect(effect, &mut outcome);
        }
        if outcome.ends_turn() {
            return outcome;
        }
        self.after_tool(name, input, outcome).await
    }

    /// Carries out what a tool's success asks of the session.
    fn apply_effect(&mut self, effect: SessionEffect, outcome: &mut CallOutcome) {
        match effect {
            SessionEffect::LeavePlanMode => {
                if self.policy.permissions.mode == PermissionMode::Plan {
                    self.set_mode(PermissionMode::Default);
                    self.emit(AgentEvent::PermissionModeChanged(PermissionMode::Default));
                }
            }
            SessionEffect::ShowTodos(items) => self.emit(AgentEvent::Todos { items }),
            SessionEffect::LoadMemoryFor(path) => self.add_nested_memory(&path, outcome),
            // The final answer: the turn ends with it (told just before TurnEnded).
            SessionEffect::StructuredOutput(value) => {
                self.conversation.structured = Some(value);
                outcome.flow = CallFlow::StopTurn(TurnStop::Done);
            }
        }
    }

    /// Memory files of the directory the model just read in, the first time it reads there.
    fn add_nested_memory(&mut self, path: &Path, outcome: &mut CallOutcome) {
        let Some((places, seen)) = self.conversation.memory.as_mut() else {
            return;
        };
        let files = memory::nested_for(path, places, seen);
        for file in files {
            outcome.push_text(&format!(
                "\n\n<system-reminder>\nInstructions from {} (they apply to files in its directory):\n{}\n</system-reminder>",
                file.path.display(),
                file.content.trim_end()
            ));
            self.emit(AgentEvent::Notice {
                message: format!(
                    "Loaded memory from {}",
                    self.services.ctx.shown_to_user(&file.path)
                ),
            });
        }
    }

    /// PostToolUse hooks: their feedback joins the result the model sees.
    async fn after_tool(
        &mut self,
        name: &str,
        input: Value,
        mut outcome: CallOutcome,
    ) -> CallOutcome {
        let post = self
            .fire(
                "PostToolUse",
                Some(name),
                serde_json::json!({"tool_name": name, "tool_input": input, "tool_response": outcome.text()}),
            )
            .await;
        if let Some(reason) = post.blocked {
            outcome.push_text(&format!("\n\n[PostToolUse hook] {reason}"));
        }
        for context in post.context {
            outcome.push_text(&format!("\n\n[PostToolUse hook] {context}"));
        }
        if let Some(reason) = post.stop {
            self.emit(AgentEvent::Notice {
                message: format!("A PostToolUse hook stopped the turn: {reason}"),
            });
            outcome.flow = CallFlow::StopTurn(TurnStop::Done);
        }
        outcome
    }

    /// Carries out the user's answer; returns the denial to send the model, if denied.
    fn apply_decision(&mut self, decision: Decision, rules: &[String]) -> Option<CallOutcome> {
        let cwd = self.services.ctx.cwd.clone();
        match decision {
            Decision::AllowOnce | Decision::Answered(_) => None,
            Decision::AllowWith { updates, .. } => {
                self.apply_permission_updates(updates);
                None
            }
            Decision::AllowForSession => {
                for rule in rules {
                    self.policy.permissions.add(RuleKind::Allow, rule, &cwd);
                }
                None
            }
            Decision::AllowAlways => {
                for rule in rules {
                    self.policy.permissions.add(RuleKind::Allow, rule, &cwd);
                }
                if let Some(path) = self.policy.local_settings.clone() {
                    let saved = rules
                        .iter()
                        .try_for_each(|rule| save_allow_rule(&path, rule));
                    let named = rules
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let message = match saved {
                        Ok(()) => format!(
                            "Saved {} {named} to {}",
                            if rules.len() == 1 {
                                "the rule"
                            } else {
                                "the rules"
                            },
                            self.services.ctx.shown_to_user(&path)
                        ),
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
            Decision::Deny
            | Decision::DenyWithNote(_)
            | Decision::DenyAndStop
            | Decision::DenyWith { .. } => ToolError::refusal(&decision)
                .map(|refusal| Ended::from_result(Err(refusal)).outcome),
        }
    }
}
