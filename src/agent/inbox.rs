//! The agent's inbox while a turn runs: an interrupt ends the turn, the user's answers reach
//! pending approvals, and anything else (messages, commands) waits for the turn to end.

use std::collections::VecDeque;
use std::future::Future;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::agent::lookup::Lookups;
use crate::agent::pending::Pending;
use crate::protocol::elicitation::ElicitationAnswer;
use crate::protocol::slash_command::SlashCommand;
use crate::protocol::{Decision, ExitReason, Op};

/// Ops that arrive while a turn runs: an interrupt ends the turn, user messages wait their turn.
pub(crate) struct Inbox {
    pub ops: UnboundedReceiver<Op>,
    /// Work that arrived during a turn, done after it, in order.
    pub queued: VecDeque<Queued>,
    /// Choices (model, mode, effort) made while the agent was busy, not applied yet.
    pub pending: Pending,
    /// Answers lookups (model and session lists, /diff, /doctor) at once, mid-turn too.
    pub lookups: Lookups,
    /// Why the session ends, once a Shutdown arrived (or the front end went away).
    pub exit_reason: ExitReason,
    /// Carries out the user's MCP choices at once, mid-turn too.
    pub mcp: crate::agent::mcp_ui::Steering,
}

/// Work that waits for the current turn to end.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Queued {
    Turn(String),
    Command {
        command: SlashCommand,
        args: String,
    },
    Custom {
        name: String,
        args: String,
    },
    Clear,
    Shell(String),
    /// An MCP server's prompt, by its slash name.
    McpPrompt {
        command: String,
        args: String,
    },
}

/// What an op asks of whoever is waiting on the inbox.
pub(crate) enum Arrival {
    /// The UI is gone or asked claw to quit.
    Shutdown,
    Interrupt,
    /// The user's answer to approval `id`.
    Decision {
        id: u64,
        decision: Decision,
    },
    /// The user's answer to elicitation `id`.
    Elicited {
        id: u64,
        answer: ElicitationAnswer,
    },
    /// Queued, made pending or answered: nothing for the waiter to do.
    Kept,
}

pub(crate) use crate::tools::Cut;

impl<T> Watched<T> {
    /// The finished work, or why it was cut short.
    pub(crate) fn settle(self) -> Result<T, Cut> {
        match self {
            Watched::Done(value) => Ok(value),
            Watched::Interrupted => Err(Cut::Interrupted),
            Watched::Shutdown => Err(Cut::Shutdown),
        }
    }
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
    pub(crate) async fn watch<F: Future>(&mut self, work: F) -> Watched<F::Output> {
        tokio::select! {
            out = work => Watched::Done(out),
            cut = self.cut() => match cut {
                Cut::Interrupted => Watched::Interrupted,
                Cut::Shutdown => Watched::Shutdown,
            },
        }
    }

    /// Takes in ops until the user interrupts or the UI shuts down. Cancel-safe: an op is
    /// either taken in whole or left in the channel.
    pub(crate) async fn cut(&mut self) -> Cut {
        loop {
            let op = self.ops.recv().await;
            match self.receive(op) {
                Arrival::Shutdown => return Cut::Shutdown,
                Arrival::Interrupt => return Cut::Interrupted,
                // An answer to a prompt that is no longer pending.
                Arrival::Decision { .. } | Arrival::Elicited { .. } | Arrival::Kept => {}
            }
        }
    }

    /// Waits for the user's answer to approval `id`. An interrupt answers "deny and stop".
    pub(crate) async fn decision(&mut self, id: u64) -> Watched<Decision> {
        loop {
            let op = self.ops.recv().await;
            match self.receive(op) {
                Arrival::Shutdown => return Watched::Shutdown,
                Arrival::Interrupt => return Watched::Done(Decision::DenyAndStop),
                Arrival::Decision {
                    id: answered,
                    decision,
                } if answered == id => return Watched::Done(decision),
                Arrival::Decision { .. } | Arrival::Elicited { .. } | Arrival::Kept => {}
            }
        }
    }

    /// Waits for the user's answer to elicitation `id`.
    pub(crate) async fn elicitation(&mut self, id: u64) -> Watched<ElicitationAnswer> {
        loop {
            let op = self.ops.recv().await;
            match self.receive(op) {
                Arrival::Shutdown => return Watched::Shutdown,
                Arrival::Interrupt => return Watched::Interrupted,
                Arrival::Elicited {
                    id: answered,
                    answer,
                } if answered == id => return Watched::Done(answer),
                Arrival::Decision { .. } | Arrival::Elicited { .. } | Arrival::Kept => {}
            }
        }
    }

    /// Takes in one op: work is queued, choices become pending, lookups are answered at once;
    /// what only the waiter can act on is handed back.
    pub(crate) fn receive(&mut self, op: Option<Op>) -> Arrival {
        let Some(op) = op else {
            self.exit_reason = ExitReason::Other;
            return Arrival::Shutdown;
        };
        match op {
            Op::Shutdown(reason) => {
                self.exit_reason = reason;
                return Arrival::Shutdown;
            }
            Op::Interrupt => return Arrival::Interrupt,
            Op::Decide { id, decision } => return Arrival::Decision { id, decision },
            Op::UserTurn { text } => self.queued.push_back(Queued::Turn(text)),
            Op::Command { command, args } => {
                self.queued.push_back(Queued::Command { command, args })
            }
            Op::CustomCommand { name, args } => {
                self.queued.push_back(Queued::Custom { name, args })
            }
            Op::Clear => self.queued.push_back(Queued::Clear),
            Op::Shell { command } => self.queued.push_back(Queued::Shell(command)),
            Op::SetModel { model } => self.pending.model = Some(model),
            Op::SetPermissionMode(mode) => self.pending.mode = Some(mode),
            Op::SetEffort(effort) => self.pending.effort = Some(effort),
            Op::SaveSetting { key, value } => self.lookups.save_setting(&key, &value),
            Op::Lookup { id, lookup } => self.lookups.run(id, lookup),
            Op::Mcp { action, servers } => self.mcp.apply(action, &servers),
            Op::McpPrompt { command, args } => {
                self.queued.push_back(Queued::McpPrompt { command, args })
            }
            Op::Elicit { id, answer } => return Arrival::Elicited { id, answer },
            Op::McpAuthenticate { server } => self.lookups.authenticate_mcp(&server),
        }
        Arrival::Kept
    }
}
