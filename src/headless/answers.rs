//! The client's side of the headless loop: its lines on stdin (user messages, control
//! requests, answers to claw's requests, cancels) and approvals, which the client answers (or
//! the MCP tool `--permission-prompt-tool` names) or, with nobody to ask, are refused and
//! reported.

use serde_json::Value;

use crate::cli::OutputFormat;
use crate::protocol::{ApprovalPreview, ApprovalRequest, Decision, Op};

use super::control::Settled;
use super::frontend::Frontend;
use super::input::InputLine;
use super::shapes::{self, Denial};
use super::{client, prompt_tool, text};

/// An approval, and what `--permission-prompt-tool`'s MCP tool decided of it.
pub(super) type PromptAnswer = (ApprovalRequest, (Decision, Option<Denial>));

impl Frontend {
    /// A tool call that needs approval: the client decides (`can_use_tool`), or with nobody
    /// to ask it is denied and reported.
    pub(super) fn approval(&mut self, request: ApprovalRequest) {
        let question = matches!(request.preview, ApprovalPreview::Questions(_));
        if let (Some(tool), false) = (self.options.prompt_tool.clone(), question) {
            // Asked in the background: the loop goes on reading events and stdin meanwhile.
            let (mcp, answers) = (self.mcp.clone(), self.prompt_answers.clone());
            tokio::spawn(async move {
                let answer = prompt_tool::ask(mcp, &tool, &request).await;
                let decided = prompt_tool::decision(&tool, &request, answer);
                let _ = answers.send((request, decided));
            });
            return;
        }
        if self.options.ask_client && !question {
            let line = self.outgoing.can_use_tool(request);
            self.control(line);
            return;
        }
        let decision = match self.options.output {
            // The text front end stops the turn: nobody is there to see the model work around it.
            OutputFormat::Text => {
                super::say!("  denied: {} needs approval", request.tool);
                self.stopped_for
                    .get_or_insert_with(|| text::needs_approval(&request));
                Decision::DenyAndStop
            }
            // As Claude Code does: the model is told and goes on; the result lists the denial.
            OutputFormat::Json | OutputFormat::StreamJson => {
                super::say!("claw: {}", text::needs_approval(&request));
                Decision::DenyWith {
                    message: format!(
                        "Claude requested permissions to use {}, but you haven't granted it yet.",
                        request.tool
                    ),
                    stop: false,
                }
            }
        };
        self.deny(&request, decision);
    }

    /// `--permission-prompt-tool`'s MCP tool decided: the agent goes on, the denial is reported.
    pub(super) fn prompt_answered(
        &mut self,
        request: ApprovalRequest,
        (decision, denial): (Decision, Option<Denial>),
    ) {
        if let Decision::DenyWith { message, .. } = &decision {
            eprintln!("claw: denied {}: {message}", request.tool);
        }
        if let (Some(denial), Some(tally)) = (denial, &mut self.tally) {
            tally.denied(denial);
        }
        self.send(Op::Decide {
            id: request.id,
            decision,
        });
    }

    pub(super) fn deny(&mut self, request: &ApprovalRequest, decision: Decision) {
        if let Some(tally) = &mut self.tally {
            tally.denied(Denial::of(request));
        }
        self.send(Op::Decide {
            id: request.id,
            decision,
        });
    }

    /// One line from the client (None: stdin closed).
    pub(super) fn line(&mut self, line: Option<InputLine>) {
        let Some(line) = line else {
            self.input_open = false;
            // Nobody can answer what still waits: deny it.
            for request in self.outgoing.drain_approvals() {
                let decision = Decision::DenyWith {
                    message: "Permission denied: the client closed its input before answering."
                        .into(),
                    stop: false,
                };
                self.deny(&request, decision);
            }
            return;
        };
        match line {
            InputLine::User { text, dropped } => {
                if !dropped.is_empty() {
                    super::say!(
                        "claw: a user message's {} blocks were left out (claw reads text)",
                        dropped.join(", ")
                    );
                }
                self.send_turn(text);
            }
            InputLine::Request { id, subtype, body } => self.request(id, &subtype, &body),
            InputLine::Response { id, answer } => {
                let settled = self.outgoing.answered(&id, answer);
                self.settle(settled, &id);
            }
            InputLine::Cancel { id } => {
                if let Some(at) = self.deferred_init.iter().position(|d| *d == id) {
                    self.deferred_init.remove(at);
                } else if self.cancel_asked(&id) {
                    // Its answer will not be sent.
                } else {
                    let settled = self.outgoing.cancelled(&id);
                    self.settle(settled, &id);
                }
            }
            InputLine::Unreadable(why) => super::say!("claw: stdin: ignored {why}"),
        }
    }

    pub(super) fn settle(&mut self, settled: Settled, id: &str) {
        match settled {
            Settled::Approval {
                id: approval,
                decision,
                denial,
            } => {
                if let (Some(denial), Some(tally)) = (denial, &mut self.tally) {
                    tally.denied(denial);
                }
                self.send(Op::Decide {
                    id: approval,
                    decision,
                });
            }
            Settled::Relayed => {}
            Settled::Unknown => {
                super::say!("claw: stdin: an answer to no request of claw's ({id})")
            }
        }
    }

    /// A control request from the client.
    pub(super) fn request(&mut self, id: String, subtype: &str, body: &Value) {
        if subtype == "initialize" {
            if body.get("hooks").is_some_and(Value::is_object) {
                super::say!(
                    "claw: initialize came after the session started: its hooks are not used"
                );
            }
            if self.started {
                let answer = client::initialized(&self.start);
                self.control(shapes::control_success(&id, answer));
            } else {
                self.deferred_init.push(id);
            }
            return;
        }
        if let Some(lookup) = super::lookups::lookup_for(subtype) {
            self.ask_agent(&id, lookup);
            return;
        }
        let view = client::View {
            start: &self.start,
            mcp: self.mcp.as_ref(),
        };
        let (answer, ops) = client::answer(subtype, body, &view);
        for op in ops {
            self.send(op);
        }
        let line = match answer {
            Ok(response) => shapes::control_success(&id, response),
            Err(error) => shapes::control_error(&id, &error),
        };
        self.control(line);
    }
}
