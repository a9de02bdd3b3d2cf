//! The client's control requests the agent answers through lookups (`get_context_usage`,
//! `mcp_status`): each gets a lookup id of its own, and the answer goes back to the control
//! request that asked, whatever the order the answers come in.

use crate::protocol::{Lookup, LookupAnswer, LookupId};

use super::frontend::Frontend;
use super::{client, shapes};

/// The lookup that answers a control request of this subtype, if the agent answers it.
pub fn lookup_for(subtype: &str) -> Option<Lookup> {
    match subtype {
        "get_context_usage" => Some(Lookup::ContextUsage),
        "mcp_status" => Some(Lookup::McpStatus),
        _ => None,
    }
}

impl Frontend {
    /// Control request `request_id` is answered by the agent: asks it.
    pub(super) fn ask_agent(&mut self, request_id: &str, lookup: Lookup) {
        let op = self.asked.ask(lookup, request_id.to_string());
        self.send(op);
    }

    /// The client cancelled control request `request_id`: true if it waited on the agent
    /// (its answer will not be sent).
    pub(super) fn cancel_asked(&mut self, request_id: &str) -> bool {
        self.asked.forget(|_, asked| asked == request_id) > 0
    }

    /// The agent answered lookup `id`: the control response, to the request that asked.
    pub(super) fn looked_up(&mut self, id: LookupId, answer: LookupAnswer) {
        let Some(request_id) = self.asked.answered(id) else {
            return;
        };
        let response = match answer {
            LookupAnswer::ContextUsage(usage) => client::context_usage(&usage),
            LookupAnswer::McpStatus(servers) => client::mcp_status(&servers),
            // Headless asks for nothing else; an answer of another kind is a mismatch.
            LookupAnswer::Models(_)
            | LookupAnswer::Sessions(_)
            | LookupAnswer::GitDiff(_)
            | LookupAnswer::Doctor(_)
            | LookupAnswer::LocalServers(_) => {
                let error = "claw's answer was not the one asked for";
                self.control(shapes::control_error(&request_id, error));
                return;
            }
        };
        self.control(shapes::control_success(&request_id, response));
    }
}
