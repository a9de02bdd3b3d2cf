//! Tools the API runs itself, through the agent loop: a web search streams as a row with its
//! query that closes with the titles found, its blocks go back to Anthropic verbatim in the
//! next request and stay behind when the conversation moves to an OpenAI-compatible server;
//! a context that no longer fits ends the turn with a readable error.

mod support;

use std::sync::Arc;

use claw::agent::{self, AgentConfig};
use claw::protocol::{AgentEvent, Op, ToolOutcome, TurnStop};
use claw::provider::openai::{OpenAi, Settings};
use claw::provider::presets::ProviderFactory;
use fake_server::{FakeServer, Reply};
use serde_json::Value;

use support::agent::config;
use support::turns::{finish_turn, model_requests};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/sse/anthropic/{name}.sse",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn turn(text: &str) -> Op {
    Op::UserTurn { text: text.into() }
}

#[tokio::test]
async fn a_search_is_a_row_and_its_blocks_go_back_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::raw_sse(&fixture("docs_web_search")),
        Reply::text("Take an umbrella anyway."),
        Reply::text("A local model here."),
    ])
    .await
    .unwrap();
    let base = server.base_url();
    let factory: ProviderFactory = Arc::new(move |name: &str| {
        (name == "local").then(|| {
            Ok(
                Arc::new(OpenAi::new(Settings::local(&format!("{base}/v1"))))
                    as Arc<dyn claw::provider::Provider>,
            )
        })
    });
    let mut handle = agent::spawn(AgentConfig {
        providers: Some(factory),
        ..config(&server, dir.path())
    });
    handle.ops.send(turn("weather in NYC?")).unwrap();
    let events = finish_turn(&mut handle).await;
    let started = events.iter().find_map(|e| match e {
        AgentEvent::ToolStarted {
            call_id,
            tool,
            summary,
        } => Some((call_id.as_str(), tool.as_str(), summary.as_str())),
        _ => None,
    });
    assert_eq!(
        started,
        Some((
            "srvtoolu_014hJH82Qum7Td6UV8gDXThB",
            "web_search",
            "weather NYC today"
        ))
    );
    let finished = events.iter().find_map(|e| match e {
        AgentEvent::ToolFinished {
            call_id,
            outcome,
            summary,
            output,
            ..
        } => Some((
            call_id.as_str(),
            *outcome,
            summary.as_str(),
            output.as_str(),
        )),
        _ => None,
    });
    let (id, outcome, summary, output) = finished.expect("the search's row closes");
    assert_eq!(id, "srvtoolu_014hJH82Qum7Td6UV8gDXThB");
    assert_eq!(outcome, ToolOutcome::Success);
    assert!(
        summary.starts_with("3 results: Weather in New York City in May 2025")
            && summary.ends_with(" · New York City, NY Weather Forecast | AccuWeather …"),
        "{summary}"
    );
    assert!(
        output
            .contains("— https://www.accuweather.com/en/us/new-york/10021/weather-forecast/349727"),
        "{output}"
    );
    assert!(matches!(
        events.last(),
        Some(AgentEvent::TurnEnded {
            stop: TurnStop::Done
        })
    ));

    handle.ops.send(turn("and tomorrow?")).unwrap();
    finish_turn(&mut handle).await;
    let requests = model_requests(&server);
    let assistant = &requests[1].body["messages"][1];
    let streamed: Vec<Value> = fixture("docs_web_search")
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .filter(|v| v["type"] == "content_block_start")
        .map(|v| v["content_block"].clone())
        .filter(|b| b["type"] != "text")
        .collect();
    let sent: Vec<Value> = assistant["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] != "text")
        .cloned()
        .collect();
    assert_eq!(sent.len(), 2, "{assistant}");
    assert_eq!(
        sent[0]["input"],
        serde_json::json!({"query": "weather NYC today"})
    );
    assert_eq!(sent[1], streamed[1], "the result block exactly as it came");

    handle
        .ops
        .send(Op::SetModel {
            model: "local/qwen3:8b".into(),
        })
        .unwrap();
    handle.ops.send(turn("and now?")).unwrap();
    finish_turn(&mut handle).await;
    let local = model_requests(&server)
        .into_iter()
        .find(|r| r.path == "/v1/chat/completions")
        .expect("the local model was asked (and accepted the request)");
    let text = local.body["messages"].to_string();
    assert!(
        !text.contains("srvtoolu_") && !text.contains("encrypted_content"),
        "{text}"
    );
    assert!(text.contains("Take an umbrella anyway."), "{text}");
}

#[tokio::test]
async fn a_context_that_no_longer_fits_ends_the_turn_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![Reply::raw_sse(&fixture(
        "docs_context_window_exceeded",
    ))])
    .await
    .unwrap();
    let mut handle = agent::spawn(config(&server, dir.path()));
    handle.ops.send(turn("summarize everything")).unwrap();
    let events = finish_turn(&mut handle).await;
    assert!(
        events.iter().any(|e| matches!(e, AgentEvent::Error { message } if message.contains("no longer fits the model's context window") && message.contains("/compact"))),
        "{events:?}"
    );
    assert!(events.contains(&AgentEvent::TextDelta("The main loop reads each".into())));
    assert_eq!(
        events.last(),
        Some(&AgentEvent::TurnEnded {
            stop: TurnStop::Failed
        })
    );
}

#[tokio::test]
async fn web_search_hands_the_model_the_pages_its_search_found() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "s1",
            "WebSearch",
            serde_json::json!({"query": "weather NYC today"}),
        ),
        Reply::raw_sse(&fixture("docs_web_search")),
        Reply::text("Partly cloudy."),
    ])
    .await
    .unwrap();
    let mut handle = agent::spawn(config(&server, dir.path()));
    handle.ops.send(turn("weather?")).unwrap();
    finish_turn(&mut handle).await;
    let requests = model_requests(&server);
    let result = support::turns::tool_results(requests[2].last_message().unwrap());
    let (_, failed, content) = &result[0];
    assert!(!failed, "{content}");
    assert!(
        content.contains(
            "partly cloudy with a high of 72°F.\n\nSources:\n- Weather in New York City in May 2025"
        ),
        "{content}"
    );
    assert!(
        content.contains("- Hourly Weather Forecast for New York, NY - The Weather Channel — https://weather.com/weather/hourbyhour/l/New+York+NY"),
        "{content}"
    );
}
