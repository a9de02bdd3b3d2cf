//! The agent loop over the OpenAI-compatible provider, against the fake server's Chat
//! Completions side, which rejects what OpenAI rejects (a `tool` message that answers no call of
//! the assistant message before it, an assistant message with neither content nor tool calls,
//! calls left unanswered): Read, an approved Edit, a denied Bash, the answer.

mod support;

use std::sync::Arc;

use claw::agent::{self, AgentConfig};
use claw::protocol::{AgentEvent, Decision, Op, Pricing, ToolOutcome, TurnStop};
use claw::provider::openai::{OpenAi, Settings};
use fake_server::{Block, FakeServer, Reply};
use serde_json::json;

use support::agent::config;
use support::turns::next;

#[tokio::test]
async fn read_then_edit_approved_then_bash_denied_then_the_answer_over_chat_completions() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "hello world\n").unwrap();
    let path = file.display().to_string();
    let server = FakeServer::start(vec![
        Reply::message(
            vec![
                Block::Thinking {
                    thinking: "I should read the file first.".into(),
                    signature: "ignored-on-this-wire".into(),
                },
                Block::ToolUse {
                    id: "call_1".into(),
                    name: "Read".into(),
                    input: json!({"file_path": path}),
                },
            ],
            "tool_use",
        ),
        Reply::tool_use(
            "Now the edit.",
            "call_2",
            "Edit",
            json!({"file_path": path, "old_string": "hello", "new_string": "goodbye"}),
        ),
        Reply::tool_use("", "call_3", "Bash", json!({"command": "rm notes.txt"})),
        Reply::text("Edited the file; I left it in place."),
    ])
    .await
    .unwrap();
    let provider = OpenAi::new(Settings::local(&format!("{}/v1", server.base_url())));
    let mut handle = agent::spawn(AgentConfig {
        provider: Arc::new(provider),
        model: "qwen2.5-coder:7b".into(),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "say goodbye in notes.txt".into(),
        })
        .unwrap();
    let (mut text, mut thinking, mut finished) = (String::new(), String::new(), Vec::new());
    let mut pricing = None;
    let stop = loop {
        match next(&mut handle).await {
            AgentEvent::TextDelta(t) => text.push_str(&t),
            AgentEvent::ThinkingDelta(t) => thinking.push_str(&t),
            AgentEvent::Usage { pricing: p, .. } => pricing = Some(p),
            AgentEvent::ApprovalNeeded(request) => {
                let decision = match request.tool.as_str() {
                    "Edit" => Decision::AllowOnce,
                    "Bash" => Decision::Deny,
                    other => panic!("unexpected approval for {other}"),
                };
                handle
                    .ops
                    .send(Op::Decide {
                        id: request.id,
                        decision,
                    })
                    .unwrap();
            }
            AgentEvent::ToolFinished {
                call_id, outcome, ..
            } => finished.push((call_id, outcome)),
            AgentEvent::Error { message } => panic!("error: {message}"),
            AgentEvent::TurnEnded { stop } => break stop,
            _ => {}
        }
    };
    assert_eq!(stop, TurnStop::Done);
    assert_eq!(
        pricing,
        Some(Pricing::Unknown),
        "a model without a price costs an unknown amount, not $0"
    );
    assert_eq!(thinking, "I should read the file first.");
    assert!(
        text.ends_with("Edited the file; I left it in place."),
        "{text}"
    );
    assert_eq!(
        finished,
        vec![
            ("call_1".to_string(), ToolOutcome::Success),
            ("call_2".to_string(), ToolOutcome::Success),
            ("call_3".to_string(), ToolOutcome::Denied),
        ]
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "goodbye world\n");

    // (The questions about the unknown model's context window went elsewhere.)
    let requests: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .collect();
    assert_eq!(requests.len(), 4, "every request was accepted");
    let last = requests[3].body["messages"].as_array().unwrap();
    let roles: Vec<&str> = last.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(
        roles,
        [
            "system",
            "user",
            "assistant",
            "tool",
            "assistant",
            "tool",
            "assistant",
            "tool"
        ]
    );
    // The reasoning stayed behind; the tool results answer their calls.
    assert_eq!(last[2]["content"], serde_json::Value::Null);
    assert_eq!(last[2]["tool_calls"][0]["function"]["name"], "Read");
    assert!(last[3]["content"].as_str().unwrap().contains("hello world"));
    assert_eq!(last[7]["tool_call_id"], "call_3");
    assert!(
        !requests[3]
            .body
            .to_string()
            .contains("I should read the file first")
    );
    assert_eq!(requests[0].body["model"], "qwen2.5-coder:7b");
}

#[tokio::test]
async fn the_fake_server_refuses_what_openai_refuses() {
    let server = FakeServer::start(vec![]).await.unwrap();
    // reqwest is built without a default TLS crypto provider (plain HTTP here, but it asks).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let post = |body: serde_json::Value| {
        let url = format!("{}/v1/chat/completions", server.base_url());
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let call =
        json!({"id": "c1", "type": "function", "function": {"name": "Read", "arguments": "{}"}});
    let cases = [
        (
            json!([{"role": "user", "content": "hi"}, {"role": "tool", "tool_call_id": "c1", "content": "x"}]),
            "preceeding",
        ),
        (
            json!([{"role": "user", "content": "hi"}, {"role": "assistant", "content": null}]),
            "'content' or 'tool_calls'",
        ),
        (
            json!([{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": [call]}, {"role": "user", "content": "and?"}]),
            "did not have response messages",
        ),
        (
            json!([{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": [call]}, {"role": "tool", "tool_call_id": "c2", "content": "x"}]),
            "preceeding",
        ),
    ];
    for (messages, said) in cases {
        let (status, text) =
            post(json!({"model": "m", "stream": true, "messages": messages})).await;
        assert_eq!(status, 400, "{messages}");
        assert!(text.contains(said), "{text}");
    }
}

/// The window the session started with, or (`want_two`) the one announced after it, learned
/// from the server.
async fn announced_window(handle: &mut claw::agent::AgentHandle, want_two: bool) -> u64 {
    let mut seen = 0;
    loop {
        let window = match next(handle).await {
            AgentEvent::SessionStarted(start) => start.context_window,
            AgentEvent::SessionInfo { context_window, .. } => context_window,
            _ => continue,
        };
        seen += 1;
        if !want_two || seen == 2 {
            return window;
        }
    }
}

#[tokio::test]
async fn a_model_the_catalog_does_not_know_takes_its_window_from_the_settings_or_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![]).await.unwrap();
    server.serve_page(
        "/props",
        Reply::page(
            200,
            "application/json",
            r#"{"default_generation_settings": {"n_ctx": 8192}, "total_slots": 1}"#,
        ),
    );
    let spawn = |settings: Settings| {
        agent::spawn(AgentConfig {
            provider: Arc::new(OpenAi::new(settings)),
            model: "local-model".into(),
            ..config(&server, dir.path())
        })
    };
    let base = format!("{}/v1", server.base_url());
    let mut handle = spawn(Settings::local(&base));
    assert_eq!(
        announced_window(&mut handle, true).await,
        8192,
        "llama.cpp's /props"
    );
    let mut handle = spawn(Settings {
        models: vec![(
            "local-model".into(),
            claw::provider::ModelFacts {
                context_window: Some(65_536),
                ..Default::default()
            },
        )],
        ..Settings::local(&base)
    });
    assert_eq!(
        announced_window(&mut handle, true).await,
        65_536,
        "the settings first, though the server says 8192"
    );
    let props = || {
        server
            .requests()
            .iter()
            .filter(|r| r.path == "/props")
            .count()
    };
    let asked = props();
    let mut handle = spawn(Settings {
        models: vec![(
            "local-model".into(),
            claw::provider::ModelFacts {
                context_window: Some(32_768),
                prices: None,
                images: Some(claw::provider::Images::Refused),
                reasoning: Some(false),
            },
        )],
        ..Settings::local(&base)
    });
    assert_eq!(announced_window(&mut handle, true).await, 32_768);
    assert_eq!(
        props(),
        asked,
        "settings that say everything need no question to the server"
    );
}

#[tokio::test]
async fn switching_provider_mid_session_keeps_the_conversation_and_leaves_signatures_behind() {
    use claw::provider::anthropic::{Anthropic, Auth, Options};
    use claw::provider::presets::ProviderFactory;
    use support::turns::finish_turn;

    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "the notes say hello\n").unwrap();
    let server = FakeServer::start(vec![
        // A tool turn on Anthropic: thinking signed, a Read, then the answer.
        Reply::message(
            vec![
                Block::Thinking {
                    thinking: "Anthropic's private thoughts.".into(),
                    signature: "sig-anthropic".into(),
                },
                Block::ToolUse {
                    id: "toolu_read".into(),
                    name: "Read".into(),
                    input: json!({"file_path": notes.display().to_string()}),
                },
            ],
            "tool_use",
        ),
        Reply::text("Claude here."),
        Reply::text("A local model here."),
        Reply::text("Claude again."),
    ])
    .await
    .unwrap();
    let base = server.base_url();
    let factory: ProviderFactory = Arc::new(move |name: &str| match name {
        "local" => Some(Ok(
            Arc::new(OpenAi::new(Settings::local(&format!("{base}/v1"))))
                as Arc<dyn claw::provider::Provider>,
        )),
        "back" => Some(Ok(Arc::new(Anthropic::new(
            &base,
            Auth::ApiKey("k".into()),
            Options::default(),
        )) as Arc<dyn claw::provider::Provider>)),
        "broken" => Some(Err("providers.broken: set `baseUrl`".into())),
        _ => None,
    });
    let mut handle = agent::spawn(AgentConfig {
        providers: Some(factory),
        ..config(&server, dir.path())
    });
    let turn = |text: &str| Op::UserTurn { text: text.into() };
    handle.ops.send(turn("who are you?")).unwrap();
    finish_turn(&mut handle).await;
    handle
        .ops
        .send(Op::SetModel {
            model: "broken/x".into(),
        })
        .unwrap();
    handle
        .ops
        .send(Op::SetModel {
            model: "local/qwen3:8b".into(),
        })
        .unwrap();
    handle.ops.send(turn("and now?")).unwrap();
    let events = finish_turn(&mut handle).await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, AgentEvent::Error { message } if message.contains("baseUrl"))),
        "{events:?}"
    );
    handle
        .ops
        .send(Op::SetModel {
            model: "back/claude-sonnet-4-6".into(),
        })
        .unwrap();
    handle.ops.send(turn("once more")).unwrap();
    finish_turn(&mut handle).await;

    let model_requests: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/messages" || r.path == "/v1/chat/completions")
        .collect();
    assert_eq!(model_requests.len(), 4, "every request accepted");
    assert_eq!(model_requests[0].path, "/v1/messages");
    let local = &model_requests[2];
    assert_eq!(local.path, "/v1/chat/completions");
    assert_eq!(local.body["model"], "qwen3:8b");
    let sent = local.body["messages"].to_string();
    assert!(
        sent.contains("Claude here.") && sent.contains("who are you?"),
        "{sent}"
    );
    assert!(
        !sent.contains("sig-anthropic") && !sent.contains("private thoughts"),
        "{sent}"
    );
    // Claude's tool turn, in the Chat Completions form: a call and the `tool` message answering it.
    let messages = local.body["messages"].as_array().unwrap();
    let call = messages
        .iter()
        .find(|m| m["role"] == "assistant" && m.get("tool_calls").is_some())
        .expect("the Read as a tool call");
    assert_eq!(call["tool_calls"][0]["id"], "toolu_read");
    assert_eq!(call["tool_calls"][0]["function"]["name"], "Read");
    let answer = messages
        .iter()
        .find(|m| m["role"] == "tool")
        .expect("its result as a tool message");
    assert_eq!(answer["tool_call_id"], "toolu_read");
    assert!(
        answer["content"]
            .as_str()
            .unwrap()
            .contains("the notes say hello"),
        "{answer}"
    );
    let back = &model_requests[3];
    assert_eq!(back.path, "/v1/messages");
    let sent = back.body["messages"].to_string();
    assert!(
        sent.contains("sig-anthropic"),
        "Claude's own signature goes back to Claude"
    );
    assert!(sent.contains("A local model here."), "{sent}");
}
