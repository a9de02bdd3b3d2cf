//! Lookups: lists and reports a front end asks the agent for (`Op::Lookup`), each with an id
//! the asker chooses and the answer (`AgentEvent::LookedUp`) carries back, so two front ends,
//! or two outstanding lookups of one kind, never take each other's answers.

use serde::{Deserialize, Serialize};

use crate::protocol::changes::ChangedFile;
use crate::protocol::local_server::LocalServer;
use crate::protocol::mcp::McpServerInfo;
use crate::protocol::usage::Usage;
use crate::protocol::{ModelChoice, SessionChoice};

/// Identifies one lookup; the asker picks it (any number it has not used yet).
pub type LookupId = u64;

/// What a lookup asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lookup {
    /// The models every configured provider offers (`GET /v1/models`): one
    /// `LookupAnswer::Models` per provider, as each answers.
    Models,
    /// This project's saved sessions.
    Sessions,
    /// The working tree's git changes.
    GitDiff,
    /// Checks of the setup (`/doctor`).
    Doctor,
    /// Model servers running on this machine's default ports.
    LocalServers,
    /// How full the context is (the Agent SDK's `get_context_usage`).
    ContextUsage,
    /// Every MCP server as it stands now (the Agent SDK's `mcp_status`).
    McpStatus,
}

/// The answer to one lookup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum LookupAnswer {
    /// The models one provider lists (each naming its provider in `ModelChoice::provider`).
    Models(Vec<ModelChoice>),
    /// This project's sessions, newest first.
    Sessions(Vec<SessionChoice>),
    /// The working tree's changes, or why they can't be shown.
    GitDiff(Result<Vec<ChangedFile>, String>),
    /// The `/doctor` report, as text.
    Doctor(String),
    /// The model servers found on this machine.
    LocalServers(Vec<LocalServer>),
    ContextUsage(ContextUsage),
    McpStatus(Vec<McpServerInfo>),
}

/// What the context holds now: the last request's usage against the model's window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContextUsage {
    pub model: String,
    pub context_window: u64,
    /// The last request's usage (zero before the first).
    pub last: Usage,
    /// Whether the conversation is compacted when it nears the window.
    pub auto_compact: bool,
}

impl ContextUsage {
    /// The tokens the context holds: everything the last request read and wrote.
    pub fn used(&self) -> u64 {
        let u = &self.last;
        u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens + u.output_tokens
    }
}

/// The lookups a front end asked for and waits on, each with what it needs to place the answer
/// (`T`): ids are handed out here, so every answer is matched to its question.
#[derive(Clone, Debug, PartialEq)]
pub struct AskedLookups<T> {
    next: LookupId,
    waiting: Vec<(LookupId, Lookup, T)>,
}

impl<T> Default for AskedLookups<T> {
    fn default() -> Self {
        AskedLookups {
            next: 0,
            waiting: Vec::new(),
        }
    }
}

impl<T> AskedLookups<T> {
    /// Asks for `lookup` on behalf of `asker`: the op to send.
    pub fn ask(&mut self, lookup: Lookup, asker: T) -> crate::protocol::Op {
        self.next += 1;
        self.waiting.push((self.next, lookup, asker));
        crate::protocol::Op::Lookup {
            id: self.next,
            lookup,
        }
    }

    /// What lookup `id` asked for, if it is still waited on.
    pub fn waiting_for(&self, id: LookupId) -> Option<Lookup> {
        self.waiting
            .iter()
            .find(|(asked, _, _)| *asked == id)
            .map(|(_, lookup, _)| *lookup)
    }

    /// Lookup `id` is answered (and no more answers are wanted): its asker.
    pub fn answered(&mut self, id: LookupId) -> Option<T> {
        let at = self.waiting.iter().position(|(asked, _, _)| *asked == id)?;
        Some(self.waiting.remove(at).2)
    }

    /// Stops waiting on the lookups `stale` picks: their answers, if they come, are ignored.
    pub fn forget(&mut self, stale: impl Fn(Lookup, &T) -> bool) -> usize {
        let before = self.waiting.len();
        self.waiting
            .retain(|(_, lookup, asker)| !stale(*lookup, asker));
        before - self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{AgentEvent, Op};

    #[test]
    fn a_lookup_and_its_answer_carry_the_id_on_the_wire() {
        let op = Op::Lookup {
            id: 41,
            lookup: Lookup::ContextUsage,
        };
        let wire = serde_json::to_value(&op).unwrap();
        assert_eq!(
            wire,
            serde_json::json!({"type": "lookup", "data": {"id": 41, "lookup": "context_usage"}})
        );
        assert_eq!(serde_json::from_value::<Op>(wire).unwrap(), op);

        let event = AgentEvent::LookedUp {
            id: 41,
            answer: LookupAnswer::Sessions(vec![SessionChoice {
                id: "3f0c5a4e-2b7d-4c1e-9a8f-0d6b2e4c8a10".into(),
                first_prompt: "fix the tests".into(),
                age_secs: 60,
                messages: 4,
                cost: 0.25,
            }]),
        };
        let wire = serde_json::to_value(&event).unwrap();
        assert_eq!(wire["type"], "looked_up");
        assert_eq!(wire["data"]["id"], 41);
        assert_eq!(wire["data"]["answer"]["kind"], "sessions");
        assert_eq!(wire["data"]["answer"]["value"][0]["messages"], 4);
        assert_eq!(serde_json::from_value::<AgentEvent>(wire).unwrap(), event);
    }

    #[test]
    fn each_lookup_gets_its_own_id_and_is_answered_once() {
        let mut asked = AskedLookups::default();
        let ids: Vec<LookupId> = ["a", "b"]
            .into_iter()
            .map(|who| match asked.ask(Lookup::ContextUsage, who) {
                Op::Lookup { id, .. } => id,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_ne!(ids[0], ids[1]);
        assert_eq!(asked.waiting_for(ids[1]), Some(Lookup::ContextUsage));
        assert_eq!(asked.answered(ids[1]), Some("b"));
        assert_eq!(asked.answered(ids[1]), None);
        assert_eq!(asked.forget(|_, who| *who == "a"), 1);
        assert_eq!(asked.answered(ids[0]), None);
        assert!(asked.is_empty());
    }
}
