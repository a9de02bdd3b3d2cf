//! The OpenAI-compatible provider against every recorded stream in `tests/fixtures/sse/openai`
//! (served byte for byte over HTTP by the fake server) and the request it sends.

use std::time::Duration;

use claw::protocol::Effort;
use claw::provider::openai::{OpenAi, Settings};
use claw::provider::retry::RetryPolicy;
use claw::provider::{
    ChatRequest, Completed, ContentBlock, Message, Provider, ProviderError, StopReason,
    StreamEvent, Thinking, ThinkingStyle, ToolSpec,
};
use fake_server::{FakeServer, Reply};
use serde_json::json;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/sse/openai/{name}.sse",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn request() -> ChatRequest {
    ChatRequest {
        model: "gpt-4o".into(),
        max_tokens: 4000,
        system: "be brief".into(),
        messages: vec![Message::user_text("hi")],
        tools: vec![ToolSpec {
            name: "Read".into(),
            description: "reads a file".into(),
            input_schema: json!({"type": "object", "properties": {"file_path": {"type": "string"}}}),
        }],
        server_tools: Vec::new(),
        thinking: Thinking::OFF,
        images: claw::provider::Images::Accepted,
        raw_events: claw::provider::RawEvents::Off,
    }
}

fn settings(server: &FakeServer) -> Settings {
    Settings {
        key: Some("sk-test".into()),
        key_variable: "OPENAI_API_KEY".into(),
        retry: RetryPolicy {
            max_retries: 0,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        ..Settings::local(&format!("{}/v1", server.base_url()))
    }
}

async fn replay(name: &str) -> (Result<Completed, ProviderError>, Vec<StreamEvent>) {
    let server = FakeServer::start(vec![Reply::raw_sse(&fixture(name))])
        .await
        .unwrap();
    let client = OpenAi::new(settings(&server));
    let mut events = Vec::new();
    let result = client.stream(&request(), &mut |e| events.push(e)).await;
    (result, events)
}

fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn calls(completed: &Completed) -> Vec<(String, String, serde_json::Value)> {
    completed
        .message
        .tool_uses()
        .map(|(id, name, input)| (id.to_string(), name.to_string(), input.clone()))
        .collect()
}

#[tokio::test]
async fn text_streams_end_with_their_stop_and_usage() {
    for (name, text, input, output) in [
        ("rec_gpt4o_simple_turn1", "Olá!", 20, 2),
        ("docs_chunk_example_framed", "Hello", 0, 0),
        ("rec_llamacpp_gptoss_simple_turn1", "Olá!", 84, 57),
    ] {
        let (result, events) = replay(name).await;
        let completed = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(completed.message.text(), text, "{name}");
        assert_eq!(text_of(&events), text, "{name}");
        assert_eq!(completed.stop_reason, StopReason::EndTurn, "{name}");
        assert_eq!(completed.usage.input_tokens, input, "{name}");
        assert_eq!(completed.usage.output_tokens, output, "{name}");
    }
    let (result, _) = replay("sdkpy_text").await;
    assert!(result.unwrap().message.text().starts_with("I'm unable to"));
}

#[tokio::test]
async fn llamacpp_reasoning_content_is_thinking_without_a_signature() {
    let (result, events) = replay("rec_llamacpp_gptoss_simple_turn1").await;
    let completed = result.unwrap();
    let ContentBlock::Thinking {
        thinking,
        signature,
    } = &completed.message.content[0]
    else {
        panic!("{:?}", completed.message.content);
    };
    assert!(thinking.starts_with("The user"), "{thinking}");
    assert_eq!(signature, "");
    assert!(events.contains(&StreamEvent::ThinkingDelta("The".into())));
}

#[tokio::test]
async fn tool_calls_are_assembled_by_index_in_every_dialect() {
    let (result, events) = replay("rec_gpt4o_tool_turn1").await;
    let completed = result.unwrap();
    assert_eq!(completed.stop_reason, StopReason::ToolUse);
    assert_eq!(
        calls(&completed),
        vec![(
            "call_7kE4IjtnwXcGbX6hDM7xFu8T".into(),
            "weather".into(),
            json!({"location": "Florence, Italy"})
        )]
    );
    assert!(events.contains(&StreamEvent::ToolUseStarted {
        id: "call_7kE4IjtnwXcGbX6hDM7xFu8T".into(),
        name: "weather".into()
    }));

    let (result, _) = replay("sdkpy_parallel_tools").await;
    let completed = result.unwrap();
    let inputs: Vec<_> = calls(&completed).into_iter().map(|c| c.2).collect();
    assert_eq!(
        inputs,
        vec![
            json!({"city": "Edinburgh", "country": "GB", "units": "c"}),
            json!({"ticker": "AAPL", "exchange": "NASDAQ"}),
        ]
    );

    let (result, _) = replay("sdkpy_single_tool").await;
    let completed = result.unwrap();
    assert_eq!(calls(&completed).len(), 1);
    assert_eq!(calls(&completed)[0].1, "GetWeatherArgs");

    // Ollama: the whole call in one chunk, `reasoning`, and "stop" for a tool-calling answer.
    let (result, _) = replay("quirk_ollama_tool_call_in_one_chunk").await;
    let completed = result.unwrap();
    assert_eq!(completed.stop_reason, StopReason::ToolUse);
    assert_eq!(
        calls(&completed),
        vec![(
            "call_x1y2z3".into(),
            "Read".into(),
            json!({"file_path": "src/main.rs"})
        )]
    );
    assert!(
        matches!(&completed.message.content[0], ContentBlock::Thinking { thinking, .. } if thinking == "The user wants the file.")
    );
    assert_eq!(completed.usage.input_tokens, 310);

    // llama.cpp: id, type and name in every delta, the same call again as `function_call`.
    let (result, events) = replay("quirk_llamacpp_repeated_id_and_function_call").await;
    let completed = result.unwrap();
    assert_eq!(
        calls(&completed),
        vec![("call_abc".into(), "Bash".into(), json!({"command": "ls"}))]
    );
    let started = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::ToolUseStarted { .. }))
        .count();
    assert_eq!(started, 1, "announced once");
}

#[tokio::test]
async fn finish_reasons_map_to_claws_stops() {
    let (result, _) = replay("sdkpy_finish_length").await;
    let completed = result.unwrap();
    assert_eq!(completed.stop_reason, StopReason::MaxTokens);
    assert_eq!(completed.usage.input_tokens, 79);
    let (result, _) = replay("ollama_thirdparty_length_usage").await;
    let completed = result.unwrap();
    assert_eq!(completed.stop_reason, StopReason::MaxTokens);
    assert_eq!(completed.message.text(), "Hello");
    assert_eq!(completed.usage.output_tokens, 40);
    let (result, _) = replay("sdkpy_refusal").await;
    let completed = result.unwrap();
    assert_eq!(completed.stop_reason, StopReason::Refusal);
    assert!(completed.message.text().starts_with("I'm sorry"));
    let (result, _) = replay("quirk_content_filter").await;
    assert_eq!(result.unwrap().stop_reason, StopReason::Refusal);
    let (result, _) = replay("rec_gpt4o_tool_turn2").await;
    let completed = result.unwrap();
    assert_eq!(completed.stop_reason, StopReason::EndTurn);
    assert!(completed.message.text().contains("Florence"));
}

#[tokio::test]
async fn errors_in_either_form_and_empty_streams_are_reported() {
    let (result, _) = replay("llamacpp_legacy_error_field").await;
    match result {
        Err(ProviderError::Stream { kind, message }) => {
            assert_eq!(kind, "invalid_request_error");
            assert!(
                message.contains("exceeds the available context size"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let (result, events) = replay("quirk_openrouter_comments_and_midstream_error").await;
    assert_eq!(text_of(&events), "Partial");
    match result {
        Err(ProviderError::Stream { kind, message }) => {
            assert_eq!(kind, "502");
            assert_eq!(message, "Upstream provider returned an error");
        }
        other => panic!("{other:?}"),
    }
    let (result, _) = replay("quirk_done_only").await;
    let error = result.unwrap_err();
    assert!(error.to_string().contains("empty stream"), "{error}");
}

#[tokio::test]
async fn the_request_is_a_streamed_chat_completion_with_tools_and_the_key() {
    let server = FakeServer::start(vec![Reply::text("ok")]).await.unwrap();
    let client = OpenAi::new(Settings {
        headers: vec![("HTTP-Referer".into(), "https://claw.example".into())],
        ..settings(&server)
    });
    let mut req = request();
    req.thinking = Thinking {
        effort: Effort::Low,
        style: Some(ThinkingStyle::Adaptive),
        budget: None,
    };
    let completed = client.stream(&req, &mut |_| {}).await.unwrap();
    assert_eq!(completed.message.text(), "ok");
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-test"));
    assert_eq!(sent.header("http-referer"), Some("https://claw.example"));
    assert_eq!(sent.body["stream"], true);
    assert_eq!(sent.body["stream_options"], json!({"include_usage": true}));
    assert_eq!(
        sent.body["messages"][0],
        json!({"role": "system", "content": "be brief"})
    );
    assert_eq!(sent.body["tools"][0]["function"]["name"], "Read");
    assert_eq!(sent.body["reasoning_effort"], "low");
}

#[tokio::test]
async fn a_missing_key_names_its_variable_and_status_errors_are_retried_as_for_anthropic() {
    let server = FakeServer::start(vec![
        Reply::status(503, "server_error", "busy"),
        Reply::text("second time"),
    ])
    .await
    .unwrap();
    let client = OpenAi::new(Settings {
        key: None,
        key_required: true,
        ..settings(&server)
    });
    let error = client.stream(&request(), &mut |_| {}).await.unwrap_err();
    assert!(error.to_string().contains("OPENAI_API_KEY"), "{error}");
    let client = OpenAi::new(Settings {
        retry: RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        ..settings(&server)
    });
    let mut events = Vec::new();
    let completed = client
        .stream(&request(), &mut |e| events.push(e))
        .await
        .unwrap();
    assert_eq!(completed.message.text(), "second time");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::Retrying { attempt: 1, .. }))
    );
    let models = client.list_models().await.unwrap();
    assert_eq!(models[0].id, "fake-model");
}

#[tokio::test]
async fn every_fixture_replays_to_an_answer_or_the_error_it_holds() {
    let dir = format!("{}/tests/fixtures/sse/openai", env!("CARGO_MANIFEST_DIR"));
    let names = fake_server::sse_fixture_names(std::path::Path::new(&dir));
    assert_eq!(names.len(), 20, "{names:?}");
    let broken = [
        "llamacpp_legacy_error_field",
        "quirk_cut_before_finish",
        "quirk_done_only",
        "quirk_openrouter_comments_and_midstream_error",
    ];
    for name in names {
        let (result, events) = replay(&name).await;
        assert_eq!(
            result.is_err(),
            broken.contains(&name.as_str()),
            "{name}: {result:?}"
        );
        if let Ok(done) = result {
            assert_eq!(text_of(&events), done.message.text(), "{name}");
        }
    }
}

#[tokio::test]
async fn a_stream_cut_before_its_finish_is_an_error_not_an_answer() {
    let (result, events) = replay("quirk_cut_before_finish").await;
    assert_eq!(text_of(&events), "The parser drops the", "shown as it came");
    match result {
        Err(ProviderError::Incomplete { detail }) => {
            assert!(detail.contains("no finish_reason"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn vllm_reasons_then_calls_with_its_usage_in_the_last_chunk() {
    let (result, events) = replay("quirk_vllm_reasoning_tool_call_usage_in_last_chunk").await;
    let completed = result.unwrap();
    assert_eq!(completed.stop_reason, StopReason::ToolUse);
    assert!(matches!(
        &completed.message.content[0],
        ContentBlock::Thinking { thinking, signature }
            if thinking == "I need the file's contents before I can answer." && signature.is_empty()
    ));
    assert_eq!(
        calls(&completed),
        vec![(
            "chatcmpl-tool-4f1e9d".into(),
            "Read".into(),
            json!({"file_path": "src/parse.rs"})
        )]
    );
    assert_eq!(
        (completed.usage.input_tokens, completed.usage.output_tokens),
        (412, 59)
    );
    assert!(events.contains(&StreamEvent::ToolUseStarted {
        id: "chatcmpl-tool-4f1e9d".into(),
        name: "Read".into()
    }));
}

#[tokio::test]
async fn a_server_that_ignores_include_usage_still_answers() {
    let (result, _) = replay("quirk_lmstudio_no_usage").await;
    let completed = result.unwrap();
    assert_eq!(completed.message.text(), "Hi there.");
    assert_eq!(completed.stop_reason, StopReason::EndTurn);
    assert_eq!(completed.usage, claw::provider::Usage::default());
}
