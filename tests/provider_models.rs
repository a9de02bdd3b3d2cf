//! The model list from several providers and a switch to one of them: two fake
//! OpenAI-compatible servers list their models, a provider that needs a key it lacks is not
//! asked, one that is down adds nothing; choosing another provider's model sends the next turn
//! there, with what the settings say of the model (its price, its reasoning) in force.

mod support;

use std::sync::Arc;

use claw::agent::{self, AgentConfig};
use claw::protocol::{AgentEvent, Effort, Lookup, LookupAnswer, ModelChoice, Op, Pricing};
use claw::provider::openai::{OpenAi, Settings};
use claw::provider::presets::ProviderFactory;
use claw::provider::{ModelFacts, Prices, Provider};
use fake_server::{FakeServer, Reply};

use support::agent::config;
use support::turns::{finish_turn, look_up, next};

fn lists(server: &FakeServer, ids: &[&str]) {
    let data: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "object": "model", "max_model_len": 32768}))
        .collect();
    server.serve_page(
        "/v1/models",
        Reply::page(
            200,
            "application/json",
            &serde_json::json!({"object": "list", "data": data}).to_string(),
        ),
    );
}

#[tokio::test]
async fn every_provider_lists_its_models_and_choosing_one_switches_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let one = FakeServer::start(vec![]).await.unwrap();
    let two = FakeServer::start(vec![Reply::text("Two here.")])
        .await
        .unwrap();
    let keyed = FakeServer::start(vec![]).await.unwrap();
    lists(&one, &["m-one"]);
    lists(&two, &["m-two", "m-two-big"]);
    two.serve_page(
        "/props",
        Reply::page(
            200,
            "application/json",
            r#"{"default_generation_settings": {"n_ctx": 16384}}"#,
        ),
    );
    let local = |server: &FakeServer| Settings::local(&format!("{}/v1", server.base_url()));
    let (one_base, two_base, keyed_base) = (local(&one), local(&two), local(&keyed));
    let factory: ProviderFactory = Arc::new(move |name: &str| {
        let settings = match name {
            "one" => one_base.clone(),
            "two" => Settings {
                models: vec![(
                    "m-two".into(),
                    ModelFacts {
                        prices: Some(Prices {
                            input: 1.0,
                            output: 2.0,
                            cache_read: 1.0,
                            cache_write: 1.0,
                        }),
                        reasoning: Some(true),
                        ..ModelFacts::default()
                    },
                )],
                ..two_base.clone()
            },
            // A public API whose key is not set: asking would only be refused.
            "keyed" => Settings {
                key_required: true,
                key_variable: "KEYED_API_KEY".into(),
                ..keyed_base.clone()
            },
            // Nothing listens on port 9 of this machine's loopback.
            "down" => Settings::local("http://127.0.0.1:9/v1"),
            _ => return None,
        };
        Some(Ok(Arc::new(OpenAi::new(settings)) as Arc<dyn Provider>))
    });
    let mut handle = agent::spawn(AgentConfig {
        provider: Arc::new(OpenAi::new(local(&one))),
        providers: Some(factory),
        model: "m-one".into(),
        setup: agent::Setup {
            provider_name: "one".into(),
            provider_names: ["one", "keyed", "down", "two"].map(String::from).to_vec(),
            ..Default::default()
        },
        ..config(&one, dir.path())
    });
    handle
        .ops
        .send(Op::Lookup {
            id: 5,
            lookup: Lookup::Models,
        })
        .unwrap();
    let mut answers: Vec<Vec<ModelChoice>> = Vec::new();
    while answers.len() < 2 {
        if let AgentEvent::LookedUp {
            id: 5,
            answer: LookupAnswer::Models(listed),
        } = next(&mut handle).await
        {
            answers.push(listed);
        }
    }
    answers.sort_by(|a, b| a[0].provider.cmp(&b[0].provider));
    let ids = |listed: &[ModelChoice]| -> Vec<(String, String, Option<u64>)> {
        listed
            .iter()
            .map(|m| (m.provider.clone(), m.id.clone(), m.context_window))
            .collect()
    };
    assert_eq!(
        ids(&answers[0]),
        [("one".into(), "m-one".into(), Some(32768))]
    );
    assert_eq!(
        ids(&answers[1]),
        [
            ("two".into(), "m-two".into(), Some(32768)),
            ("two".into(), "m-two-big".into(), Some(32768))
        ]
    );
    assert_eq!(
        answers[1][0].prices,
        Some((1.0, 2.0)),
        "the settings' price"
    );
    assert_eq!(answers[1][1].prices, None);
    assert!(
        keyed.requests().is_empty(),
        "a provider without its key is not asked"
    );

    handle.ops.send(Op::SetEffort(Effort::High)).unwrap();
    handle
        .ops
        .send(Op::SetModel {
            model: "two/m-two".into(),
        })
        .unwrap();
    // The switch is announced at once, then again with what the server says of the model.
    let window = loop {
        if let AgentEvent::SessionInfo {
            provider,
            model,
            context_window,
            ..
        } = next(&mut handle).await
            && provider == "two"
        {
            assert_eq!(model, "m-two");
            if context_window == 16384 {
                break context_window;
            }
        }
    };
    assert_eq!(window, 16384, "llama.cpp's /props on the new provider");
    handle
        .ops
        .send(Op::UserTurn {
            text: "who is there?".into(),
        })
        .unwrap();
    let events = finish_turn(&mut handle).await;
    let sent: Vec<_> = two
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .collect();
    assert_eq!(sent.len(), 1, "the turn went to the new provider");
    assert_eq!(sent[0].body["model"], "m-two");
    assert_eq!(
        sent[0].body["reasoning_effort"], "high",
        "the settings say it reasons"
    );
    assert!(
        one.requests()
            .iter()
            .all(|r| r.path != "/v1/chat/completions"),
        "nothing went to the old one"
    );
    // The fake's usage: 25 in, 12 out at $1/$2 per million.
    let priced = events.iter().find_map(|e| match e {
        AgentEvent::Usage {
            session_cost,
            pricing,
            ..
        } if *session_cost > 0.0 => Some((*session_cost, *pricing)),
        _ => None,
    });
    let (cost, pricing) = priced.expect("a priced request");
    assert_eq!(pricing, Pricing::Known);
    assert!((cost - 49e-6).abs() < 1e-12, "{cost}");

    // /doctor checks the provider in force now, and that it knows the model.
    let LookupAnswer::Doctor(body) = look_up(&mut handle, 1, Lookup::Doctor).await else {
        panic!("not a doctor's report")
    };
    let lines = [
        format!(
            "ok    provider         two: OpenAI-compatible Chat Completions at {}/v1",
            two.base_url()
        ),
        "ok    API key          none set (fine for a local server that needs none)".into(),
        format!(
            "ok    API              {}/v1 answers (2 models listed)",
            two.base_url()
        ),
        "ok    model            m-two (listed by two)".into(),
    ];
    for line in lines {
        assert!(body.contains(&line), "{line}\n{body}");
    }
}

#[tokio::test]
async fn doctor_says_when_the_server_does_not_know_the_model_or_cannot_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![]).await.unwrap();
    lists(&server, &["qwen3:latest", "llama3.1:8b"]);
    let doctor = |provider: Arc<dyn Provider>, model: &str| {
        let mut handle = agent::spawn(AgentConfig {
            provider,
            model: model.into(),
            setup: agent::Setup {
                provider_name: "ollama".into(),
                ..Default::default()
            },
            ..config(&server, dir.path())
        });
        async move {
            match look_up(&mut handle, 1, Lookup::Doctor).await {
                LookupAnswer::Doctor(body) => body,
                other => panic!("not a doctor's report: {other:?}"),
            }
        }
    };
    let base = format!("{}/v1", server.base_url());
    let body = doctor(Arc::new(OpenAi::new(Settings::local(&base))), "qwen3").await;
    assert!(
        body.contains("ok    model            qwen3 (listed by ollama)"),
        "{body}"
    );
    let body = doctor(Arc::new(OpenAi::new(Settings::local(&base))), "mistral").await;
    assert!(
        body.contains(
            "warn  model            mistral is not among the 2 models ollama lists (qwen3:latest, llama3.1:8b): /model picks one"
        ),
        "{body}"
    );
    let down = Settings::local("http://127.0.0.1:9/v1");
    let body = doctor(Arc::new(OpenAi::new(down)), "qwen3").await;
    assert!(
        body.contains("FAIL  API              http://127.0.0.1:9/v1: "),
        "{body}"
    );
    assert!(!body.contains("  model  "), "{body}");
    let keyed = Settings {
        key_required: true,
        key_variable: "OPENAI_API_KEY".into(),
        ..Settings::local(&base)
    };
    let body = doctor(Arc::new(OpenAi::new(keyed)), "gpt-4o").await;
    assert!(
        body.contains("FAIL  API key          none: set OPENAI_API_KEY"),
        "{body}"
    );
}

/// A Read of a picture on an OpenAI-compatible server, with `images` as the settings say of
/// the model (None: they don't say, and the server doesn't either).
async fn picture_sent(images: Option<claw::provider::Images>) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("shot.png");
    std::fs::write(&picture, b"\x89PNG pretend").unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "Looking.",
            "call_1",
            "Read",
            serde_json::json!({"file_path": picture.display().to_string()}),
        ),
        Reply::text("A screenshot."),
    ])
    .await
    .unwrap();
    let settings = Settings {
        models: vec![(
            "eyes".into(),
            ModelFacts {
                images,
                ..ModelFacts::default()
            },
        )],
        ..Settings::local(&format!("{}/v1", server.base_url()))
    };
    let mut handle = agent::spawn(AgentConfig {
        provider: Arc::new(OpenAi::new(settings)),
        model: "eyes".into(),
        ..config(&server, dir.path())
    });
    handle
        .ops
        .send(Op::UserTurn {
            text: "what is in shot.png?".into(),
        })
        .unwrap();
    finish_turn(&mut handle).await;
    let second = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .nth(1)
        .expect("the answer after the Read");
    second.body["messages"].clone()
}

#[tokio::test]
async fn a_picture_reaches_a_model_that_takes_pictures_and_is_a_note_for_one_that_does_not() {
    let seen = picture_sent(Some(claw::provider::Images::Accepted)).await;
    let text = seen.to_string();
    assert!(
        text.contains("\"image_url\"") && text.contains("data:image/png;base64,"),
        "{text}"
    );
    for images in [Some(claw::provider::Images::Refused), None] {
        let text = picture_sent(images).await.to_string();
        assert!(!text.contains("image_url"), "{images:?}: {text}");
        assert!(
            text.contains("[a picture (image/png) was left out: this model does not take images]"),
            "{images:?}: {text}"
        );
    }
}
