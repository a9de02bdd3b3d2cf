//! Turn-loop tests with an in-process scripted provider and fake tools: ordering of results,
//! approvals, denials, interrupts, and a history that stays valid for the API throughout.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::agent::{AgentConfig, AgentHandle, spawn};
use crate::protocol::slash_command::SlashCommand;
use crate::protocol::{AgentEvent, ApprovalPreview, Decision, Op, ToolOutcome, TurnStop};
use crate::provider::catalog::Catalog;
use crate::provider::{
    ChatRequest, Completed, ContentBlock, Message, Provider, ProviderError, Role, StopReason,
    StreamEvent, Usage,
};
use crate::tools::{ProgressSink, Registry, Risk, Tool, ToolContext, ToolError, ToolOutput};

/// Plays back scripted replies and records every request.
#[derive(Default)]
struct Scripted {
    replies: Mutex<VecDeque<Result<Completed, ProviderError>>>,
    requests: Mutex<Vec<ChatRequest>>,
    /// When set, the request with this index never completes (to test interrupts).
    hang_on: Option<usize>,
}

impl Provider for Scripted {
    fn stream<'a>(
        &'a self,
        request: &'a ChatRequest,
        on_event: &'a mut (dyn FnMut(StreamEvent) + Send),
    ) -> BoxFuture<'a, Result<Completed, ProviderError>> {
        Box::pin(async move {
            validate(&request.messages);
            let index = {
                let mut requests = self.requests.lock().unwrap();
                requests.push(request.clone());
                requests.len() - 1
            };
            if self.hang_on == Some(index) {
                on_event(StreamEvent::TextDelta("partial".into()));
                futures::future::pending::<()>().await;
            }
            let reply = self.replies.lock().unwrap().pop_front();
            let reply = reply.unwrap_or_else(|| {
                Err(ProviderError::Protocol {
                    message: "script exhausted".into(),
                })
            })?;
            on_event(StreamEvent::TextDelta(reply.message.text()));
            Ok(reply)
        })
    }
}

/// The API's own checks: starts with the user, roles alternate, every tool_use is answered
/// by a tool_result in the next message, in order.
fn validate(messages: &[Message]) {
    assert_eq!(messages.first().map(|m| m.role), Some(Role::User));
    for pair in messages.windows(2) {
        assert_ne!(
            pair[0].role, pair[1].role,
            "roles must alternate: {messages:#?}"
        );
        if pair[0].role == Role::Assistant {
            let uses: Vec<&str> = pair[0].tool_uses().map(|(id, _, _)| id).collect();
            let results: Vec<&str> = pair[1]
                .content
                .iter()
                .filter_map(|b| match b {
                    ContentBlock::ToolResult { tool_use_id, .. } => Some(tool_use_id.as_str()),
                    _ => None,
                })
                .collect();
            assert_eq!(uses, results, "every tool_use answered in order");
        }
    }
}

fn reply(blocks: Vec<ContentBlock>, stop: StopReason) -> Result<Completed, ProviderError> {
    Ok(Completed {
        message: Message {
            role: Role::Assistant,
            content: blocks,
        },
        stop_reason: stop,
        usage: Usage {
            input_tokens: 10,
            output_tokens: 5,
            ..Usage::default()
        },
    })
}

fn text(t: &str) -> ContentBlock {
    ContentBlock::Text { text: t.into() }
}

fn tool_use(id: &str, name: &str, input: Value) -> ContentBlock {
    ContentBlock::ToolUse {
        id: id.into(),
        name: name.into(),
        input,
    }
}

/// A read-only tool that echoes its input, and a mutating one that records what it ran.
struct Echo;
struct Touch(Arc<Mutex<Vec<String>>>);
/// A mutating tool that never finishes (until dropped).
struct Hang;

impl Tool for Echo {
    fn name(&self) -> Cow<'static, str> {
        "Echo".into()
    }
    fn description(&self) -> Cow<'static, str> {
        "echo".into()
    }
    fn input_schema(&self) -> Value {
        json!({"type": "object"})
    }
    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }
    fn summarize(&self, input: &Value) -> String {
        input["text"].as_str().unwrap_or("").to_string()
    }
    fn preview(&self, _: &Value, _: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        Ok(ApprovalPreview::None)
    }
    fn run<'a>(
        &'a self,
        input: Value,
        _: &'a ToolContext,
        _: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            match input["text"].as_str() {
                Some("fail") => Err(ToolError::Failed("echo failed".into())),
                Some(t) => Ok(ToolOutput {
                    content: t.to_string(),
                    summary: "echoed".into(),
                    ..Default::default()
                }),
                None => Err(ToolError::InvalidInput("text is required".into())),
            }
        })
    }
}

impl Tool for Touch {
    fn name(&self) -> Cow<'static, str> {
        "Touch".into()
    }
    fn description(&self) -> Cow<'static, str> {
        "touch".into()
    }
    fn input_schema(&self) -> Value {
        json!({"type": "object"})
    }
    fn risk(&self) -> Risk {
        Risk::Mutating
    }
    fn summarize(&self, input: &Value) -> String {
        input["path"].as_str().unwrap_or("").to_string()
    }
    fn preview(&self, input: &Value, _: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        Ok(ApprovalPreview::Command {
            command: format!("touch {}", input["path"].as_str().unwrap_or("")),
            description: None,
        })
    }
    fn run<'a>(
        &'a self,
        input: Value,
        _: &'a ToolContext,
        progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let path = input["path"].as_str().unwrap_or("").to_string();
            progress(format!("touching {path}\n"));
            self.0.lock().unwrap().push(path);
            Ok(ToolOutput {
                content: "ok".into(),
                summary: "touched".into(),
                ..Default::default()
            })
        })
    }
}

impl Tool for Hang {
    fn name(&self) -> Cow<'static, str> {
        "Hang".into()
    }
    fn description(&self) -> Cow<'static, str> {
        "hang".into()
    }
    fn input_schema(&self) -> Value {
        json!({"type": "object"})
    }
    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }
    fn summarize(&self, _: &Value) -> String {
        String::new()
    }
    fn preview(&self, _: &Value, _: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        Ok(ApprovalPreview::None)
    }
    fn run<'a>(
        &'a self,
        _: Value,
        _: &'a ToolContext,
        _: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(futures::future::pending())
    }
}

struct Setup {
    handle: AgentHandle,
    provider: Arc<Scripted>,
    touched: Arc<Mutex<Vec<String>>>,
}

fn start(replies: Vec<Result<Completed, ProviderError>>, hang_on: Option<usize>) -> Setup {
    let touched = Arc::new(Mutex::new(Vec::new()));
    let provider = Arc::new(Scripted {
        replies: Mutex::new(replies.into()),
        requests: Mutex::new(Vec::new()),
        hang_on,
    });
    let handle = spawn(AgentConfig {
        provider: provider.clone(),
        providers: None,
        catalog: Catalog::builtin(),
        model: "test-model".into(),
        cwd: std::env::temp_dir(),
        tools: Registry::new(vec![
            Box::new(Echo),
            Box::new(Touch(touched.clone())),
            Box::new(Hang),
        ]),
        system_prompt: Some("test system".into()),
        effort: crate::protocol::Effort::Off,
        permissions: crate::permissions::Permissions::new(
            crate::permissions::PermissionMode::Default,
            &std::env::temp_dir(),
            None,
        ),
        local_settings: None,
        hooks: crate::hooks::Hooks::default(),
        settings_summary: String::new(),
        log: crate::agent::history::LogTarget::None,
        resumed: Default::default(),
        compact_threshold: 0.85,
        small_model: "haiku".into(),
        setup: Default::default(),
    });
    Setup {
        handle,
        provider,
        touched,
    }
}

/// Receives events until `stop` matches one; returns them all.
async fn until(
    events: &mut UnboundedReceiver<AgentEvent>,
    stop: impl Fn(&AgentEvent) -> bool,
) -> Vec<AgentEvent> {
    let mut seen = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await
            .expect("agent went quiet")
            .expect("agent stopped");
        let done = stop(&event);
        seen.push(event);
        if done {
            return seen;
        }
    }
}

fn turn_ended(event: &AgentEvent) -> bool {
    matches!(event, AgentEvent::TurnEnded { .. })
}

fn results_of(request: &ChatRequest) -> Vec<(String, String, bool)> {
    request
        .messages
        .last()
        .unwrap()
        .content
        .iter()
        .filter_map(|b| match b {
            ContentBlock::ToolResult {
                tool_use_id,
                content,
                is_error,
                ..
            } => Some((tool_use_id.clone(), content.clone(), *is_error)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn several_tool_calls_are_answered_in_order_in_one_message() {
    let mut s = start(
        vec![
            reply(
                vec![
                    text("Looking."),
                    tool_use("a", "Echo", json!({"text": "one"})),
                    tool_use("b", "Echo", json!({"text": "fail"})),
                    tool_use("c", "Nope", json!({})),
                    tool_use("d", "Echo", json!({"text": "four"})),
                ],
                StopReason::ToolUse,
            ),
            reply(vec![text("All done.")], StopReason::EndTurn),
        ],
        None,
    );
    s.handle
        .ops
        .send(Op::UserTurn { text: "go".into() })
        .unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    assert!(events.contains(&AgentEvent::TurnEnded {
        stop: TurnStop::Done
    }));
    let requests = s.provider.requests.lock().unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].system, "test system");
    let results = results_of(&requests[1]);
    assert_eq!(
        results,
        vec![
            ("a".into(), "one".into(), false),
            ("b".into(), "echo failed".into(), true),
            ("c".into(), "Unknown tool `Nope`.".into(), true),
            ("d".into(), "four".into(), false),
        ]
    );
}

#[tokio::test]
async fn mutating_tools_ask_and_respect_each_answer() {
    let mut s = start(
        vec![
            reply(
                vec![tool_use("t1", "Touch", json!({"path": "a"}))],
                StopReason::ToolUse,
            ),
            reply(
                vec![tool_use("t2", "Touch", json!({"path": "b"}))],
                StopReason::ToolUse,
            ),
            reply(
                vec![tool_use("t3", "Touch", json!({"path": "c"}))],
                StopReason::ToolUse,
            ),
            reply(vec![text("ok")], StopReason::EndTurn),
        ],
        None,
    );
    let ops = s.handle.ops.clone();
    ops.send(Op::UserTurn {
        text: "touch".into(),
    })
    .unwrap();
    let answers = [
        Decision::AllowOnce,
        Decision::Deny,
        Decision::DenyWithNote("not c, please".into()),
    ];
    for decision in answers {
        let events = until(&mut s.handle.events, |e| {
            matches!(e, AgentEvent::ApprovalNeeded(_))
        })
        .await;
        let Some(AgentEvent::ApprovalNeeded(request)) = events.last() else {
            unreachable!()
        };
        assert_eq!(request.tool, "Touch");
        ops.send(Op::Decide {
            id: request.id,
            decision,
        })
        .unwrap();
    }
    let events = until(&mut s.handle.events, turn_ended).await;
    assert!(events.iter().any(|e| matches!(
        e,
        AgentEvent::ToolFinished { call_id, outcome: ToolOutcome::Denied, .. } if call_id == "t3"
    )));
    assert_eq!(*s.touched.lock().unwrap(), vec!["a".to_string()]);
    let requests = s.provider.requests.lock().unwrap();
    assert_eq!(
        results_of(&requests[1]),
        vec![("t1".into(), "ok".into(), false)]
    );
    assert_eq!(
        results_of(&requests[2]),
        vec![("t2".into(), "The user denied this tool call.".into(), true)]
    );
    assert_eq!(
        results_of(&requests[3]),
        vec![(
            "t3".into(),
            "The user denied this tool call and said: not c, please".into(),
            true
        )]
    );
}

#[tokio::test]
async fn allow_for_session_stops_asking() {
    let mut s = start(
        vec![
            reply(
                vec![tool_use("t1", "Touch", json!({"path": "a"}))],
                StopReason::ToolUse,
            ),
            reply(
                vec![tool_use("t2", "Touch", json!({"path": "b"}))],
                StopReason::ToolUse,
            ),
            reply(vec![text("ok")], StopReason::EndTurn),
        ],
        None,
    );
    s.handle
        .ops
        .send(Op::UserTurn {
            text: "touch".into(),
        })
        .unwrap();
    let events = until(&mut s.handle.events, |e| {
        matches!(e, AgentEvent::ApprovalNeeded(_))
    })
    .await;
    let Some(AgentEvent::ApprovalNeeded(request)) = events.last() else {
        unreachable!()
    };
    assert_eq!(request.session_rule, "Touch");
    s.handle
        .ops
        .send(Op::Decide {
            id: request.id,
            decision: Decision::AllowForSession,
        })
        .unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, AgentEvent::ApprovalNeeded(_)))
    );
    assert_eq!(
        *s.touched.lock().unwrap(),
        vec!["a".to_string(), "b".to_string()]
    );
}

#[tokio::test]
async fn esc_on_a_prompt_stops_the_turn_and_answers_every_call() {
    let mut s = start(
        vec![
            reply(
                vec![
                    tool_use("t1", "Touch", json!({"path": "a"})),
                    tool_use("t2", "Echo", json!({"text": "x"})),
                ],
                StopReason::ToolUse,
            ),
            reply(vec![text("fine")], StopReason::EndTurn),
        ],
        None,
    );
    s.handle
        .ops
        .send(Op::UserTurn { text: "go".into() })
        .unwrap();
    let events = until(&mut s.handle.events, |e| {
        matches!(e, AgentEvent::ApprovalNeeded(_))
    })
    .await;
    let Some(AgentEvent::ApprovalNeeded(request)) = events.last() else {
        unreachable!()
    };
    s.handle
        .ops
        .send(Op::Decide {
            id: request.id,
            decision: Decision::DenyAndStop,
        })
        .unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    assert_eq!(
        events.last(),
        Some(&AgentEvent::TurnEnded {
            stop: TurnStop::Interrupted
        })
    );
    // The next turn's request carries both results, then the new text, in one user message.
    s.handle
        .ops
        .send(Op::UserTurn {
            text: "next".into(),
        })
        .unwrap();
    until(&mut s.handle.events, turn_ended).await;
    let requests = s.provider.requests.lock().unwrap();
    let last = requests[1].messages.last().unwrap();
    assert_eq!(last.role, Role::User);
    assert!(
        matches!(&last.content[0], ContentBlock::ToolResult { tool_use_id, is_error: true, .. } if tool_use_id == "t1")
    );
    assert!(
        matches!(&last.content[1], ContentBlock::ToolResult { tool_use_id, is_error: true, .. } if tool_use_id == "t2")
    );
    assert_eq!(
        last.content[2],
        text(crate::agent::notes::INTERRUPTED_FOR_TOOL_USE)
    );
    assert_eq!(last.content[3], text("next"));
    assert!(s.touched.lock().unwrap().is_empty());
}

#[tokio::test]
async fn interrupting_a_running_tool_records_it_as_interrupted() {
    let mut s = start(
        vec![
            reply(vec![tool_use("h", "Hang", json!({}))], StopReason::ToolUse),
            reply(vec![text("after")], StopReason::EndTurn),
        ],
        None,
    );
    s.handle
        .ops
        .send(Op::UserTurn { text: "go".into() })
        .unwrap();
    until(&mut s.handle.events, |e| {
        matches!(e, AgentEvent::ToolStarted { .. })
    })
    .await;
    s.handle.ops.send(Op::Interrupt).unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    assert!(events.iter().any(|e| matches!(
        e,
        AgentEvent::ToolFinished {
            outcome: ToolOutcome::Interrupted,
            ..
        }
    )));
    s.handle
        .ops
        .send(Op::UserTurn {
            text: "again".into(),
        })
        .unwrap();
    until(&mut s.handle.events, turn_ended).await;
    let requests = s.provider.requests.lock().unwrap();
    let results = results_of(&requests[1]);
    assert_eq!(results[0].0, "h");
    assert!(results[0].2);
}

#[tokio::test]
async fn interrupting_the_stream_keeps_the_history_valid() {
    let mut s = start(
        vec![reply(vec![text("second answer")], StopReason::EndTurn)],
        Some(0),
    );
    s.handle
        .ops
        .send(Op::UserTurn {
            text: "first".into(),
        })
        .unwrap();
    until(&mut s.handle.events, |e| {
        matches!(e, AgentEvent::TextDelta(_))
    })
    .await;
    s.handle.ops.send(Op::Interrupt).unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    assert_eq!(
        events.last(),
        Some(&AgentEvent::TurnEnded {
            stop: TurnStop::Interrupted
        })
    );
    s.handle
        .ops
        .send(Op::UserTurn {
            text: "second".into(),
        })
        .unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    assert!(events.contains(&AgentEvent::TurnEnded {
        stop: TurnStop::Done
    }));
    // The partial answer stays (as the user saw it), and the next message says it was cut.
    let requests = s.provider.requests.lock().unwrap();
    assert_eq!(
        requests[1].messages,
        vec![
            Message::user_text("first"),
            Message {
                role: Role::Assistant,
                content: vec![text("partial")],
            },
            Message {
                role: Role::User,
                content: vec![text(crate::agent::notes::INTERRUPTED), text("second")],
            },
        ]
    );
}

#[tokio::test]
async fn a_provider_error_is_reported_and_the_next_turn_works() {
    let mut s = start(
        vec![
            Err(ProviderError::Incomplete {
                detail: ": connection reset".into(),
            }),
            reply(vec![text("recovered")], StopReason::EndTurn),
        ],
        None,
    );
    s.handle
        .ops
        .send(Op::UserTurn { text: "one".into() })
        .unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, AgentEvent::Error { message } if message.contains("broke off")))
    );
    assert_eq!(
        events.last(),
        Some(&AgentEvent::TurnEnded {
            stop: TurnStop::Failed
        })
    );
    s.handle
        .ops
        .send(Op::UserTurn { text: "two".into() })
        .unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    assert!(events.contains(&AgentEvent::TextDelta("recovered".into())));
}

#[tokio::test]
async fn messages_sent_during_a_turn_run_after_it() {
    let mut s = start(
        vec![
            reply(
                vec![tool_use("h", "Echo", json!({"text": "x"}))],
                StopReason::ToolUse,
            ),
            reply(vec![text("first done")], StopReason::EndTurn),
            reply(vec![text("second done")], StopReason::EndTurn),
        ],
        None,
    );
    s.handle
        .ops
        .send(Op::UserTurn { text: "one".into() })
        .unwrap();
    s.handle
        .ops
        .send(Op::UserTurn { text: "two".into() })
        .unwrap();
    until(&mut s.handle.events, turn_ended).await;
    let events = until(&mut s.handle.events, turn_ended).await;
    assert!(events.contains(&AgentEvent::TextDelta("second done".into())));
    let requests = s.provider.requests.lock().unwrap();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[2].messages.last().unwrap().content,
        vec![text("two")]
    );
}

#[tokio::test]
async fn max_tokens_and_refusal_end_the_turn_with_their_reason() {
    let mut s = start(
        vec![
            reply(vec![text("cut")], StopReason::MaxTokens),
            reply(vec![text("")], StopReason::Refusal),
        ],
        None,
    );
    s.handle
        .ops
        .send(Op::UserTurn { text: "a".into() })
        .unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    assert_eq!(
        events.last(),
        Some(&AgentEvent::TurnEnded {
            stop: TurnStop::MaxTokens
        })
    );
    s.handle
        .ops
        .send(Op::UserTurn { text: "b".into() })
        .unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    assert_eq!(
        events.last(),
        Some(&AgentEvent::TurnEnded {
            stop: TurnStop::Refusal
        })
    );
}

async fn info(s: &mut Setup, name: &str, args: &str) -> (String, String) {
    s.handle
        .ops
        .send(Op::Command {
            command: SlashCommand::from_name(name).expect("a built-in command"),
            args: args.into(),
        })
        .unwrap();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), s.handle.events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            AgentEvent::Info { title, body } => return (title, body),
            AgentEvent::Notice { message } => return ("notice".into(), message),
            _ => {}
        }
    }
}

#[tokio::test]
async fn commands_show_and_change_what_the_agent_holds() {
    let mut s = start(vec![reply(vec![text("ok")], StopReason::EndTurn)], None);
    s.handle
        .ops
        .send(Op::Decide {
            id: 0,
            decision: Decision::Deny,
        })
        .unwrap();
    let (title, body) = info(&mut s, "permissions", "").await;
    assert_eq!(title, "Permissions");
    assert!(
        body.contains("Mode: default") && body.contains("No rules"),
        "{body}"
    );
    let (_, body) = info(&mut s, "model", "").await;
    assert!(
        body.contains("In use: test-model") && body.contains("haiku = claude-haiku-4-5"),
        "{body}"
    );
    let (_, body) = info(&mut s, "model", "haiku").await;
    assert!(body.contains("claude-haiku-4-5"), "{body}");
    let (_, body) = info(&mut s, "permissions", "remove 3").await;
    assert!(body.contains("no rule number `3`"), "{body}");
    let (_, body) = info(&mut s, "hooks", "").await;
    assert!(body.contains("No hooks"));
    // After /clear the next request starts a fresh conversation.
    s.handle
        .ops
        .send(Op::UserTurn {
            text: "first".into(),
        })
        .unwrap();
    until(&mut s.handle.events, turn_ended).await;
    s.handle.ops.send(Op::Clear).unwrap();
    s.provider
        .replies
        .lock()
        .unwrap()
        .push_back(reply(vec![text("fresh")], StopReason::EndTurn));
    s.handle
        .ops
        .send(Op::UserTurn {
            text: "second".into(),
        })
        .unwrap();
    until(&mut s.handle.events, turn_ended).await;
    let requests = s.provider.requests.lock().unwrap();
    assert_eq!(requests.last().unwrap().messages.len(), 1);
    assert_eq!(requests.last().unwrap().model, "claude-haiku-4-5");
}

#[tokio::test]
async fn sandbox_toggles_for_the_session_and_shows_in_status() {
    let mut s = start(Vec::new(), None);
    let (_, body) = info(&mut s, "status", "").await;
    assert!(body.contains("Sandbox: off"), "{body}");
    let (kind, message) = info(&mut s, "sandbox", "").await;
    assert_eq!(kind, "notice");
    assert!(message.starts_with("Sandbox on"), "{message}");
    let (_, body) = info(&mut s, "status", "").await;
    assert!(body.contains("Sandbox: on"), "{body}");
    let (_, message) = info(&mut s, "sandbox", "off").await;
    assert_eq!(message, "Sandbox off: Bash commands run unconfined.");
}

#[tokio::test]
async fn a_full_context_is_compacted_before_the_next_request() {
    let big = |t: &str| {
        let mut r = reply(vec![text(t)], StopReason::EndTurn);
        if let Ok(c) = r.as_mut() {
            c.usage.input_tokens = 190_000;
        }
        r
    };
    let mut s = start(
        vec![
            reply(vec![text("a1")], StopReason::EndTurn),
            big("a2"),
            reply(vec![text("SUMMARY")], StopReason::EndTurn),
            reply(vec![text("a3")], StopReason::EndTurn),
        ],
        None,
    );
    for t in ["one", "two", "three"] {
        s.handle.ops.send(Op::UserTurn { text: t.into() }).unwrap();
        let events = until(&mut s.handle.events, turn_ended).await;
        if t == "three" {
            assert!(
                events
                    .iter()
                    .any(|e| matches!(e, AgentEvent::Compacted { .. })),
                "{events:?}"
            );
        }
    }
    let requests = s.provider.requests.lock().unwrap();
    assert_eq!(requests.len(), 4);
    let last = &requests[3].messages;
    assert!(matches!(&last[0].content[0], ContentBlock::Text { text } if text.contains("SUMMARY")));
    assert!(last.iter().all(|m| m.text() != "a1"));
}

#[tokio::test]
async fn cost_by_model_and_context_breakdown() {
    let mut s = start(
        vec![
            reply(vec![text("a")], StopReason::EndTurn),
            reply(vec![text("b")], StopReason::EndTurn),
        ],
        None,
    );
    s.handle
        .ops
        .send(Op::SetModel {
            model: "claude-haiku-4-5".into(),
        })
        .unwrap();
    s.handle
        .ops
        .send(Op::UserTurn { text: "one".into() })
        .unwrap();
    until(&mut s.handle.events, turn_ended).await;
    s.handle
        .ops
        .send(Op::SetModel {
            model: "sonnet".into(),
        })
        .unwrap();
    s.handle
        .ops
        .send(Op::UserTurn { text: "two".into() })
        .unwrap();
    until(&mut s.handle.events, turn_ended).await;
    let (_, body) = info(&mut s, "cost", "").await;
    assert!(body.contains("claude-haiku-4-5: $0.0000  (10 in"), "{body}");
    assert!(body.contains("claude-sonnet-5:"), "{body}");
    let (_, body) = info(&mut s, "context", "").await;
    assert!(
        body.contains("System prompt")
            && body.contains("Messages")
            && body.contains("last request")
            && body.contains("Estimated at ~4 characters"),
        "{body}"
    );
}

#[tokio::test]
async fn a_tool_row_shows_a_path_in_the_working_directory_relative_to_it() {
    let inside = std::env::temp_dir().join("src").join("parser.rs");
    let mut s = start(
        vec![
            reply(
                vec![tool_use(
                    "e",
                    "Echo",
                    json!({"text": inside.to_str().unwrap()}),
                )],
                StopReason::ToolUse,
            ),
            reply(vec![text("done")], StopReason::EndTurn),
        ],
        None,
    );
    s.handle
        .ops
        .send(Op::UserTurn { text: "go".into() })
        .unwrap();
    let events = until(&mut s.handle.events, turn_ended).await;
    let summaries: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::ToolStarted { summary, .. } => Some(summary.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(summaries, ["src/parser.rs"]);
}
