//! Driving the agent turn by turn in the agent-loop tests: start it against the fake server,
//! wait for its next event or the end of a turn, and read the tool results a request sent back.

use std::path::Path;
use std::time::Duration;

use claw::agent::{self, AgentConfig, AgentHandle};
use claw::permissions::{PermissionMode, Permissions};
use claw::protocol::{AgentEvent, Lookup, LookupAnswer, LookupId, Op};
use fake_server::{FakeServer, RecordedRequest};
use serde_json::Value;

use super::agent::config;

pub fn start(server: &FakeServer, cwd: &Path) -> AgentHandle {
    agent::spawn(config(server, cwd))
}

/// Starts the agent in bypass mode: nothing is asked, for tests about what runs.
pub fn start_bypassing(server: &FakeServer, cwd: &Path) -> AgentHandle {
    agent::spawn(AgentConfig {
        permissions: Permissions::new(PermissionMode::BypassPermissions, cwd, None),
        ..config(server, cwd)
    })
}

/// Sends the agent each op, in order.
pub fn send(handle: &AgentHandle, ops: impl IntoIterator<Item = Op>) {
    for op in ops {
        handle.ops.send(op).expect("the agent stopped");
    }
}

/// The requests that went to the model (pages fetched left out).
pub fn model_requests(server: &FakeServer) -> Vec<RecordedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

pub async fn next(handle: &mut AgentHandle) -> AgentEvent {
    tokio::time::timeout(Duration::from_secs(10), handle.events.recv())
        .await
        .expect("the agent went quiet")
        .expect("the agent stopped")
}

/// Asks the agent for `lookup` as lookup `id` and waits for its (first) answer, passing over
/// every other event.
pub async fn look_up(handle: &mut AgentHandle, id: LookupId, lookup: Lookup) -> LookupAnswer {
    handle.ops.send(Op::Lookup { id, lookup }).unwrap();
    loop {
        if let AgentEvent::LookedUp {
            id: answered,
            answer,
        } = next(handle).await
            && answered == id
        {
            return answer;
        }
    }
}

pub fn tool_results(message: &Value) -> Vec<(String, bool, String)> {
    message["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "tool_result")
        .map(|b| {
            (
                b["tool_use_id"].as_str().unwrap().to_string(),
                b["is_error"].as_bool().unwrap_or(false),
                b["content"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

pub async fn finish_turn(handle: &mut AgentHandle) -> Vec<AgentEvent> {
    let mut events = Vec::new();
    loop {
        let event = next(handle).await;
        let done = matches!(event, AgentEvent::TurnEnded { .. });
        events.push(event);
        if done {
            return events;
        }
    }
}
