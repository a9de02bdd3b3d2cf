//! Tools that need the agent, through the loop: a tool registered at run time gets the same
//! services Task, WebFetch and AskUserQuestion use (ask the user, ask a model, be interrupted),
//! and Read's memory files reach the model through its outcome.

mod support;

use std::borrow::Cow;

use claw::agent::{self, AgentConfig};
use claw::protocol::{AgentEvent, ApprovalPreview, Decision, Op, Question, TurnStop};
use claw::tools::{
    Asked, ModelQuestion, Registry, Risk, Tool, ToolCall, ToolContext, ToolError, ToolOutput,
};
use fake_server::{FakeServer, Reply};
use futures::future::BoxFuture;
use serde_json::{Value, json};

use support::agent::config;
use support::turns::{finish_turn, model_requests, next, send, start, tool_results};

/// A tool of a test's own: asks the user which planet, then asks the model about it.
struct Oracle;

impl Tool for Oracle {
    fn name(&self) -> Cow<'static, str> {
        "Oracle".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Asks the user, then a model.".into()
    }

    fn input_schema(&self) -> Value {
        json!({"type": "object", "properties": {"wait": {"type": "boolean"}}})
    }

    fn risk(&self) -> Risk {
        Risk::ReadOnly
    }

    fn summarize(&self, _input: &Value) -> String {
        "consulting".into()
    }

    fn preview(&self, _input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        Ok(ApprovalPreview::None)
    }

    fn call<'a>(
        &'a self,
        input: Value,
        call: &'a mut ToolCall<'_>,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            if input["wait"] == true {
                // Waits for ever unless the user interrupts.
                call.watch(std::future::pending::<()>()).await?;
            }
            let questions = vec![Question {
                question: "Which planet?".into(),
                options: vec!["Mars".into(), "Venus".into()],
                ..Question::default()
            }];
            let Decision::Answered(answers) = call.agent.ask_user(questions).await? else {
                return Err(ToolError::Declined("no planet".into()));
            };
            let question = ModelQuestion {
                model: Asked::SmallModel,
                system: "You know planets.".into(),
                prompt: format!("Tell me about {}", answers[0]),
                max_tokens: 100,
                server_tools: Vec::new(),
            };
            let answer = call
                .agent
                .ask_model(question)
                .await?
                .map_err(ToolError::Failed)?;
            Ok(ToolOutput {
                content: format!("oracle: {answer}"),
                summary: "consulted".into(),
                ..Default::default()
            })
        })
    }
}

fn with_oracle(server: &FakeServer, cwd: &std::path::Path) -> claw::agent::AgentHandle {
    agent::spawn(AgentConfig {
        tools: Registry::builtin().with(Box::new(Oracle)),
        ..config(server, cwd)
    })
}

#[tokio::test]
async fn a_tool_registered_at_run_time_asks_the_user_and_a_model_through_the_services() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use("", "o1", "Oracle", json!({})),
        Reply::text("Mars is red."),
        Reply::text("The oracle spoke."),
    ])
    .await
    .unwrap();
    let mut handle = with_oracle(&server, dir.path());
    send(
        &handle,
        [Op::UserTurn {
            text: "consult".into(),
        }],
    );
    let mut finished = None;
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => {
                assert_eq!(
                    (request.call_id.as_str(), request.tool.as_str()),
                    ("o1", "Oracle")
                );
                assert!(
                    matches!(&request.preview, ApprovalPreview::Questions(q) if q[0].question == "Which planet?")
                );
                send(
                    &handle,
                    [Op::Decide {
                        id: request.id,
                        decision: Decision::Answered(vec!["Mars".into()]),
                    }],
                );
            }
            AgentEvent::ToolFinished {
                call_id, summary, ..
            } => finished = Some((call_id, summary)),
            AgentEvent::TurnEnded { stop } => {
                assert_eq!(stop, TurnStop::Done);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(finished, Some(("o1".to_string(), "consulted".to_string())));
    let requests = model_requests(&server);
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[1].body["model"], "claude-haiku-4-5");
    assert_eq!(
        requests[1].body["messages"][0]["content"][0]["text"],
        "Tell me about Mars"
    );
    let result = tool_results(requests[2].last_message().unwrap());
    assert_eq!(
        result[0],
        ("o1".into(), false, "oracle: Mars is red.".into())
    );
}

#[tokio::test]
async fn an_interrupt_ends_a_registered_tool_that_waits_and_the_turn_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use("", "o1", "Oracle", json!({"wait": true})),
        Reply::text("after"),
    ])
    .await
    .unwrap();
    let mut handle = with_oracle(&server, dir.path());
    send(
        &handle,
        [Op::UserTurn {
            text: "consult".into(),
        }],
    );
    loop {
        if let AgentEvent::ToolStarted { call_id, .. } = next(&mut handle).await
            && call_id == "o1"
        {
            break;
        }
    }
    send(&handle, [Op::Interrupt]);
    let events = finish_turn(&mut handle).await;
    assert!(
        events.iter().any(
            |e| matches!(e, AgentEvent::ToolFinished { call_id, outcome, .. }
            if call_id == "o1" && *outcome == claw::protocol::ToolOutcome::Interrupted)
        ),
        "{events:?}"
    );
    assert!(matches!(
        events.last(),
        Some(AgentEvent::TurnEnded {
            stop: TurnStop::Interrupted
        })
    ));
    // The next turn carries the interrupted call's result.
    send(
        &handle,
        [Op::UserTurn {
            text: "again".into(),
        }],
    );
    finish_turn(&mut handle).await;
    let requests = model_requests(&server);
    let messages = requests[1].body["messages"].as_array().unwrap();
    let result = messages
        .iter()
        .flat_map(tool_results)
        .find(|(id, ..)| id == "o1")
        .expect("the call has its result");
    assert!(
        result.1 && result.2.contains("Interrupted by the user"),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_read_brings_the_memory_of_its_directory_once() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("CLAW.md"), "Tabs, never spaces, in sub/.\n").unwrap();
    std::fs::write(sub.join("a.txt"), "alpha\n").unwrap();
    std::fs::write(sub.join("b.txt"), "beta\n").unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use("", "r1", "Read", json!({"file_path": "sub/a.txt"})),
        Reply::tool_use("", "r2", "Read", json!({"file_path": "sub/b.txt"})),
        Reply::text("read both"),
    ])
    .await
    .unwrap();
    let mut handle = start(&server, dir.path());
    send(
        &handle,
        [Op::UserTurn {
            text: "read".into(),
        }],
    );
    let events = finish_turn(&mut handle).await;
    let notices: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::Notice { message } if message.starts_with("Loaded memory") => {
                Some(message.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    let requests = model_requests(&server);
    let first = tool_results(requests[1].last_message().unwrap());
    assert!(
        first[0].2.contains("alpha")
            && first[0].2.contains("<system-reminder>")
            && first[0].2.contains("Tabs, never spaces, in sub/."),
        "{first:?}"
    );
    let second = tool_results(requests[2].last_message().unwrap());
    assert!(
        second[0].2.contains("beta") && !second[0].2.contains("Tabs, never spaces"),
        "{second:?}"
    );
}
