//! The agent's inbox while a turn runs: an interrupt ends the turn, the user's answers reach
//! pending approvals, and anything else (messages, commands) waits for the turn to end.

use std::collections::VecDeque;
use std::future::Future;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::agent::lookup::Lookups;
use crate::protocol::{Decision, Effort, Op, PermissionMode};

/// Ops that arrive while a turn runs: an interrupt ends the turn, user messages wait their turn.
pub(crate) struct Inbox {
    pub ops: UnboundedReceiver<Op>,
    /// Work that arrived during a turn, done after it, in order.
    pub queued: VecDeque<Queued>,
    /// A permission mode chosen during a turn, applied before the next decision.
    pub mode: Option<PermissionMode>,
    /// A thinking effort chosen during a turn, applied before the next request.
    pub effort: Option<Effort>,
    /// Answers lookups (model and session lists, /diff, /doctor) at once, mid-turn too.
    pub lookups: Lookups,
}

/// Work that waits for the current turn to end.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Queued {
    Turn(String),
    Command { name: String, args: String },
    Clear,
    Shell(String),
}

/// Why a wait ended before its work did.
pub(crate) enum Cut {
    Interrupted,
    Shutdown,
}

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
                    Some(Op::Shell { command }) => self.queued.push_back(Queued::Shell(command)),
                    Some(Op::SetEffort(effort)) => self.effort = Some(effort),
                    Some(Op::SaveSetting { key, value }) => self.lookups.save_setting(&key, &value),
                    Some(Op::Lookup(lookup)) => self.lookups.run(lookup),
                    // An answer to a prompt that is no longer pending.
                    Some(Op::Decide { .. }) => {}
                },
            }
        }
    }

    /// Waits for the user's answer to approval `id`. An interrupt answers "deny and stop".
    pub(crate) async fn decision(
        &mut self,
        id: u64,
        model_change: &mut Option<String>,
    ) -> Watched<Decision> {
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
                Some(Op::Shell { command }) => self.queued.push_back(Queued::Shell(command)),
                Some(Op::SetEffort(effort)) => self.effort = Some(effort),
                Some(Op::SaveSetting { key, value }) => self.lookups.save_setting(&key, &value),
                Some(Op::Lookup(lookup)) => self.lookups.run(lookup),
            }
        }
    }
}
