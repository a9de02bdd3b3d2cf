//! The control protocol's requests from claw to the client (`can_use_tool`, `hook_callback`),
//! kept until answered, cancelled or abandoned, and what an answer means for the agent.
//! Requests from the client are answered in `client.rs`.

use std::collections::HashMap;

use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::hooks::callback::CallbackRequest;
use crate::mcp::sdk::SdkMessage;
use crate::protocol::{ApprovalId, ApprovalRequest, Decision};

use super::permission_updates::{from_answer, rule_value};
use super::shapes::{self, Denial};

/// Requests claw sent the client and still waits on.
#[derive(Debug, Default)]
pub struct Outgoing {
    next: u64,
    approvals: HashMap<String, ApprovalRequest>,
    hooks: HashMap<String, oneshot::Sender<Result<Value, String>>>,
    /// `mcp_message` requests: the JSON-RPC id asked about, and where the answer goes.
    mcp: HashMap<String, (Value, oneshot::Sender<Value>)>,
}

/// What the client's answer to one of claw's requests settles.
#[derive(Debug, PartialEq)]
pub enum Settled {
    /// An approval: the decision for the agent, and the denial to report, if it was one.
    Approval {
        id: ApprovalId,
        decision: Decision,
        denial: Option<Denial>,
    },
    /// A hook call or an SDK server's message (the answer went on to it).
    Relayed,
    /// Not a request claw is waiting on.
    Unknown,
}

impl Outgoing {
    fn new_id(&mut self) -> String {
        self.next += 1;
        format!("claw_{}", self.next)
    }

    /// Asks the client whether a tool may run: the `control_request` line to send.
    pub fn can_use_tool(&mut self, request: ApprovalRequest) -> Value {
        let id = self.new_id();
        let suggestions: Vec<Value> = request
            .rules
            .iter()
            .map(|rule| {
                json!({
                    "type": "addRules",
                    "rules": [rule_value(rule)],
                    "behavior": "allow",
                    "destination": "session",
                })
            })
            .collect();
        let line = shapes::control_request(
            &id,
            json!({
                "subtype": "can_use_tool",
                "tool_name": request.tool,
                "input": request.input,
                "permission_suggestions": suggestions,
                "tool_use_id": request.call_id,
                "blocked_path": null,
            }),
        );
        self.approvals.insert(id, request);
        line
    }

    /// Asks the client to run one of its hook functions: the `control_request` line to send.
    pub fn hook_callback(&mut self, call: CallbackRequest) -> Value {
        let id = self.new_id();
        let tool_use_id = call
            .input
            .get("tool_use_id")
            .cloned()
            .unwrap_or(Value::Null);
        let line = shapes::control_request(
            &id,
            json!({
                "subtype": "hook_callback",
                "callback_id": call.callback_id,
                "input": call.input,
                "tool_use_id": tool_use_id,
            }),
        );
        self.hooks.insert(id, call.reply);
        line
    }

    /// Passes a message to an SDK server the client runs: the `control_request` line to send.
    pub fn mcp_message(&mut self, message: SdkMessage) -> Value {
        let id = self.new_id();
        let line = shapes::control_request(
            &id,
            json!({
                "subtype": "mcp_message",
                "server_name": message.server,
                "message": message.message,
            }),
        );
        let rpc_id = message.message.get("id").cloned().unwrap_or(Value::Null);
        self.mcp.insert(id, (rpc_id, message.reply));
        line
    }

    /// The client answered request `id`.
    pub fn answered(&mut self, id: &str, answer: Result<Value, String>) -> Settled {
        if let Some(reply) = self.hooks.remove(id) {
            // The hook may have timed out meanwhile: then nobody listens, which is fine.
            let _ = reply.send(answer);
            return Settled::Relayed;
        }
        if let Some((rpc_id, reply)) = self.mcp.remove(id) {
            let _ = reply.send(match answer {
                Ok(response) => response.get("mcp_response").cloned().unwrap_or(response),
                Err(error) => json!({
                    "jsonrpc": "2.0",
                    "id": rpc_id,
                    "error": {"code": -32603, "message": error},
                }),
            });
            return Settled::Relayed;
        }
        match self.approvals.remove(id) {
            Some(request) => {
                let (decision, denial) = decision(&request, answer);
                Settled::Approval {
                    id: request.id,
                    decision,
                    denial,
                }
            }
            None => Settled::Unknown,
        }
    }

    /// The client cancelled its own answer-to-be (`control_cancel_request` for one of
    /// claw's ids): an approval is then denied, a hook fails.
    pub fn cancelled(&mut self, id: &str) -> Settled {
        self.answered(id, Err("the client cancelled the request".into()))
    }

    /// The turn ended (or stdin closed): approvals nobody will answer any more, and hooks
    /// that gave up waiting. Returns the `control_cancel_request` lines to send.
    pub fn abandon(&mut self) -> Vec<Value> {
        let mut ids: Vec<String> = self.approvals.drain().map(|(id, _)| id).collect();
        let stale: Vec<String> = self
            .hooks
            .iter()
            .filter(|(_, reply)| reply.is_closed())
            .map(|(id, _)| id.clone())
            .collect();
        for id in &stale {
            self.hooks.remove(id);
        }
        ids.extend(stale);
        ids.sort();
        ids.iter().map(|id| shapes::control_cancel(id)).collect()
    }

    /// The approvals still waiting, to deny when the client can no longer answer.
    pub fn drain_approvals(&mut self) -> Vec<ApprovalRequest> {
        self.approvals.drain().map(|(_, request)| request).collect()
    }
}

/// What the client's `can_use_tool` answer decides.
fn decision(
    request: &ApprovalRequest,
    answer: Result<Value, String>,
) -> (Decision, Option<Denial>) {
    let denial = || Denial::of(request);
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => {
            let message = format!("Permission denied: the client could not decide ({error}).");
            return (
                Decision::DenyWith {
                    message,
                    stop: false,
                },
                Some(denial()),
            );
        }
    };
    match answer.get("behavior").and_then(Value::as_str) {
        Some("allow") => {
            let input = answer
                .get("updatedInput")
                .filter(|v| v.is_object() && **v != request.input)
                .cloned();
            let updates = from_answer(&answer);
            (Decision::AllowWith { input, updates }, None)
        }
        behavior => {
            let message = answer
                .get("message")
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| match behavior {
                    Some("deny") => "The user denied this tool call.".to_string(),
                    _ => "Permission denied: the client's answer was not allow or deny.".into(),
                });
            let stop = answer.get("interrupt").and_then(Value::as_bool) == Some(true);
            (Decision::DenyWith { message, stop }, Some(denial()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ApprovalPreview;
    use crate::protocol::permission_update::{
        Destination, PermissionChange, PermissionUpdate, RuleBehavior,
    };

    fn request() -> ApprovalRequest {
        ApprovalRequest {
            id: 4,
            call_id: "toolu_1".into(),
            tool: "Bash".into(),
            summary: "npm test".into(),
            preview: ApprovalPreview::None,
            session_rule: "Bash(npm test:*)".into(),
            input: json!({"command": "npm test"}),
            rules: vec!["Bash(npm test:*)".into()],
        }
    }

    fn answer_to(outgoing: &mut Outgoing, answer: Result<Value, String>) -> Settled {
        let line = outgoing.can_use_tool(request());
        let id = line["request_id"].as_str().unwrap().to_string();
        outgoing.answered(&id, answer)
    }

    #[test]
    fn the_request_names_the_tool_its_input_and_the_rule_to_grant() {
        let line = Outgoing::default().can_use_tool(request());
        let body = &line["request"];
        assert_eq!(body["subtype"], "can_use_tool");
        assert_eq!(body["tool_name"], "Bash");
        assert_eq!(body["input"]["command"], "npm test");
        assert_eq!(body["tool_use_id"], "toolu_1");
        assert_eq!(
            body["permission_suggestions"][0]["rules"][0],
            json!({"toolName": "Bash", "ruleContent": "npm test:*"})
        );
    }

    #[test]
    fn allow_may_change_the_input_and_grant_rules() {
        let settled = answer_to(
            &mut Outgoing::default(),
            Ok(json!({
                "behavior": "allow",
                "updatedInput": {"command": "npm test -- --quiet"},
                "updatedPermissions": [{"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": "npm:*"}, {"toolName": "Read"}], "behavior": "allow", "destination": "session"}]
            })),
        );
        assert_eq!(
            settled,
            Settled::Approval {
                id: 4,
                decision: Decision::AllowWith {
                    input: Some(json!({"command": "npm test -- --quiet"})),
                    updates: vec![PermissionUpdate {
                        change: PermissionChange::AddRules {
                            rules: vec!["Bash(npm:*)".into(), "Read".into()],
                            behavior: RuleBehavior::Allow,
                        },
                        destination: Destination::Session,
                    }],
                },
                denial: None,
            }
        );
        // The SDK sends the original input back when it changed nothing.
        let same = answer_to(
            &mut Outgoing::default(),
            Ok(json!({"behavior": "allow", "updatedInput": {"command": "npm test"}})),
        );
        assert!(matches!(
            same,
            Settled::Approval {
                decision: Decision::AllowWith { input: None, .. },
                ..
            }
        ));
    }

    #[test]
    fn deny_carries_its_message_and_may_stop_the_turn_and_an_error_denies() {
        let Settled::Approval {
            decision, denial, ..
        } = answer_to(
            &mut Outgoing::default(),
            Ok(json!({"behavior": "deny", "message": "not on CI", "interrupt": true})),
        )
        else {
            panic!()
        };
        assert_eq!(
            decision,
            Decision::DenyWith {
                message: "not on CI".into(),
                stop: true
            }
        );
        assert_eq!(denial.unwrap().tool_input["command"], "npm test");
        let Settled::Approval { decision, .. } =
            answer_to(&mut Outgoing::default(), Err("callback raised".into()))
        else {
            panic!()
        };
        assert!(
            matches!(decision, Decision::DenyWith { stop: false, message } if message.contains("callback raised"))
        );
    }

    #[test]
    fn an_abandoned_approval_is_cancelled_once() {
        let mut outgoing = Outgoing::default();
        let line = outgoing.can_use_tool(request());
        let cancels = outgoing.abandon();
        assert_eq!(cancels.len(), 1);
        assert_eq!(cancels[0]["type"], "control_cancel_request");
        assert_eq!(cancels[0]["request_id"], line["request_id"]);
        assert!(outgoing.abandon().is_empty());
        assert_eq!(
            outgoing.answered(line["request_id"].as_str().unwrap(), Ok(json!({}))),
            Settled::Unknown
        );
    }
}
