//! `--include-partial-messages`' raw stream events, golden against the recorded streams in
//! `tests/fixtures/sse` (served byte for byte by the fake server): the Anthropic provider hands
//! on every Messages API event exactly as the server sent it; the OpenAI-compatible one makes
//! events of the same shape that add up to the same answer; headless prints them as
//! `stream_event` lines.

mod support;

use std::time::Duration;

use claw::provider::anthropic::stream::{MessageAccumulator, RAW_KINDS};
use claw::provider::anthropic::{Anthropic, Auth, Options};
use claw::provider::openai::{OpenAi, Settings};
use claw::provider::retry::RetryPolicy;
use claw::provider::{
    ChatRequest, Completed, Message, Provider, ProviderError, RawEvents, StreamEvent, Thinking,
};
use fake_server::{FakeServer, Reply};
use serde_json::Value;
use support::claw::Claw;
use support::headless::run;

fn fixture_dir(wire: &str) -> String {
    format!("{}/tests/fixtures/sse/{wire}", env!("CARGO_MANIFEST_DIR"))
}

fn fixture(wire: &str, name: &str) -> String {
    let path = format!("{}/{name}.sse", fixture_dir(wire));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn names(wire: &str) -> Vec<String> {
    fake_server::sse_fixture_names(std::path::Path::new(&fixture_dir(wire)))
}

/// The Messages API events of a recorded body, as its `data:` lines say them.
fn recorded_events(body: &str) -> Vec<Value> {
    body.split("\n\n")
        .flat_map(|event| event.lines())
        .filter_map(|line| line.strip_prefix("data:"))
        .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
        .filter(|v| RAW_KINDS.iter().any(|k| v["type"] == *k))
        .collect()
}

fn request() -> ChatRequest {
    ChatRequest {
        model: "claude-sonnet-4-5".into(),
        max_tokens: 1024,
        system: String::new(),
        messages: vec![Message::user_text("hi")],
        tools: Vec::new(),
        server_tools: Vec::new(),
        thinking: Thinking::OFF,
        images: claw::provider::Images::Accepted,
        raw_events: RawEvents::Forward,
    }
}

fn no_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 0,
        initial_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    }
}

/// Streams `body` through `provider`: the answer, and the raw events handed on.
async fn replay(
    provider: &dyn Provider,
    raw: RawEvents,
) -> (Result<Completed, ProviderError>, Vec<Value>, usize) {
    let mut raw_events = Vec::new();
    let mut shown = 0;
    let mut on_event = |e: StreamEvent| match e {
        StreamEvent::Raw(value) => raw_events.push(value),
        _ => shown += 1,
    };
    let request = ChatRequest {
        raw_events: raw,
        ..request()
    };
    let result = provider.stream(&request, &mut on_event).await;
    (result, raw_events, shown)
}

async fn anthropic(name: &str, raw: RawEvents) -> (Result<Completed, ProviderError>, Vec<Value>) {
    let server = FakeServer::start(vec![Reply::raw_sse(&fixture("anthropic", name))])
        .await
        .unwrap();
    let options = Options {
        retry: no_retries(),
        ..Options::default()
    };
    let client = Anthropic::new(&server.base_url(), Auth::ApiKey("k".into()), options);
    let (result, events, _) = replay(&client, raw).await;
    (result, events)
}

#[tokio::test]
async fn every_recorded_anthropic_event_is_handed_on_as_it_came() {
    let all = names("anthropic");
    assert!(all.len() >= 10, "{all:?}");
    for name in all {
        let recorded = recorded_events(&fixture("anthropic", &name));
        let (result, events) = anthropic(&name, RawEvents::Forward).await;
        match result {
            Ok(_) => assert_eq!(events, recorded, "{name}"),
            // A stream that fails mid-way handed on what came before the failure.
            Err(_) => assert_eq!(events, recorded[..events.len()], "{name}"),
        }
        // Not asked for: none.
        let (_, events) = anthropic(&name, RawEvents::Off).await;
        assert!(events.is_empty(), "{name}");
    }
    let (_, events) = anthropic("docs_extended_thinking", RawEvents::Forward).await;
    assert!(
        events
            .iter()
            .any(|e| e["delta"]["type"] == "signature_delta"),
        "the signature is among them"
    );
}

#[tokio::test]
async fn openai_chunks_become_messages_api_events_that_add_up_to_the_same_answer() {
    let mut checked = 0;
    for name in names("openai") {
        let server = FakeServer::start(vec![Reply::raw_sse(&fixture("openai", &name))])
            .await
            .unwrap();
        let settings = Settings {
            key: Some("sk-test".into()),
            key_variable: "OPENAI_API_KEY".into(),
            retry: no_retries(),
            ..Settings::local(&format!("{}/v1", server.base_url()))
        };
        let client = OpenAi::new(settings);
        let (result, events, _) = replay(&client, RawEvents::Forward).await;
        let Ok(answer) = result else {
            continue;
        };
        // claw's own Messages API reader rebuilds the answer from the made events.
        let mut reader = MessageAccumulator::new();
        for event in &events {
            let kind = event["type"].as_str().unwrap();
            reader.apply(kind, &event.to_string()).unwrap();
        }
        let rebuilt = reader
            .finish()
            .unwrap_or_else(|e| panic!("{name}: {e} from {events:#?}"));
        assert_eq!(rebuilt.message, answer.message, "{name}");
        assert_eq!(rebuilt.stop_reason, answer.stop_reason, "{name}");
        assert_eq!(events[0]["type"], "message_start", "{name}");
        assert_eq!(events.last().unwrap()["type"], "message_stop", "{name}");
        checked += 1;
    }
    assert!(
        checked >= 6,
        "only {checked} recorded OpenAI streams completed"
    );
}

#[test]
fn headless_prints_the_providers_events_as_stream_event_lines() {
    let body = fixture("anthropic", "docs_tool_use");
    let setup = Claw::new(vec![Reply::raw_sse(&body), Reply::text("Done.")]);
    let args = [
        "-p",
        "weather?",
        "--output-format",
        "stream-json",
        "--verbose",
        "--include-partial-messages",
    ];
    let out = run(&setup, &args, "");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let printed: Vec<Value> = out
        .of("stream_event", None)
        .iter()
        .map(|line| line["event"].clone())
        .collect();
    let recorded = recorded_events(&body);
    assert_eq!(
        printed[..recorded.len()],
        recorded[..],
        "the first answer's events"
    );
    let tool_json: String = recorded
        .iter()
        .filter(|e| e["delta"]["type"] == "input_json_delta")
        .map(|e| e["delta"]["partial_json"].as_str().unwrap().to_string())
        .collect();
    assert!(tool_json.len() > 2, "the tool input streams in pieces");
    // Without the flag: no stream_event lines.
    let setup = Claw::new(vec![Reply::raw_sse(&body), Reply::text("Done.")]);
    let out = run(&setup, &args[..5], "");
    assert!(out.of("stream_event", None).is_empty());
}
