//! Every recorded Anthropic stream, served by the fake server and read by the real client.

use std::time::Duration;

use claw::protocol::Effort;
use claw::provider::anthropic::{Anthropic, Auth, Options};
use claw::provider::retry::RetryPolicy;
use claw::provider::timeouts::Timeouts;
use claw::provider::{
    ChatRequest, Completed, ContentBlock, Message, Provider, ProviderError, StopReason,
    StreamEvent, Thinking, ThinkingStyle,
};
use fake_server::{FakeServer, Reply};
use serde_json::json;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/sse/anthropic/{name}.sse",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn request() -> ChatRequest {
    ChatRequest {
        model: "claude-sonnet-4-5".into(),
        max_tokens: 1024,
        system: "be brief".into(),
        messages: vec![Message::user_text("hi")],
        tools: Vec::new(),
        server_tools: Vec::new(),
        thinking: Thinking::OFF,
        images: claw::provider::Images::Accepted,
        raw_events: claw::provider::RawEvents::Off,
    }
}

fn fast_options() -> Options {
    Options {
        retry: RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
        },
        timeouts: Timeouts {
            idle: Duration::from_millis(500),
            ..Timeouts::default()
        },
        ..Options::default()
    }
}

async fn run(
    replies: Vec<Reply>,
) -> (
    Result<Completed, ProviderError>,
    Vec<StreamEvent>,
    FakeServer,
) {
    let server = FakeServer::start(replies).await.unwrap();
    let client = Anthropic::new(
        &server.base_url(),
        Auth::ApiKey("test-key".into()),
        fast_options(),
    );
    let mut events = Vec::new();
    let mut on_event = |e: StreamEvent| events.push(e);
    let result = client.stream(&request(), &mut on_event).await;
    (result, events, server)
}

async fn replay(name: &str) -> (Result<Completed, ProviderError>, Vec<StreamEvent>) {
    let (result, events, _) = run(vec![Reply::raw_sse(&fixture(name))]).await;
    (result, events)
}

fn streamed_text(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn every_fixture_is_read_without_panicking_and_classified() {
    let dir = format!(
        "{}/tests/fixtures/sse/anthropic",
        env!("CARGO_MANIFEST_DIR")
    );
    let names = fake_server::sse_fixture_names(std::path::Path::new(&dir));
    assert_eq!(names.len(), 18, "{names:?}");
    for name in names {
        let (result, events) = replay(&name).await;
        let is_error_fixture = name.contains("error_event");
        assert_eq!(result.is_err(), is_error_fixture, "{name}: {result:?}");
        if let Ok(done) = result {
            // What streamed is what was assembled.
            assert_eq!(streamed_text(&events), done.message.text(), "{name}");
        }
    }
}

#[tokio::test]
async fn basic_text_with_usage() {
    let (result, events) = replay("docs_basic_text").await;
    let done = result.unwrap();
    assert_eq!(done.message.text(), "Hello!");
    assert_eq!(done.stop_reason, StopReason::EndTurn);
    assert_eq!(done.usage.input_tokens, 25);
    assert_eq!(done.usage.output_tokens, 15);
    assert!(events.contains(&StreamEvent::TextDelta("Hello".into())));
}

#[tokio::test]
async fn tool_use_input_is_joined_and_parsed() {
    let (result, events) = replay("docs_tool_use").await;
    let done = result.unwrap();
    assert_eq!(done.stop_reason, StopReason::ToolUse);
    let uses: Vec<_> = done.message.tool_uses().collect();
    assert_eq!(uses.len(), 1);
    assert_eq!(uses[0].1, "get_weather");
    assert_eq!(
        uses[0].2,
        &json!({"location": "San Francisco, CA", "unit": "fahrenheit"})
    );
    assert!(
        events.iter().any(
            |e| matches!(e, StreamEvent::ToolUseStarted { name, .. } if name == "get_weather")
        )
    );
    assert_eq!(done.usage.output_tokens, 89);
}

#[tokio::test]
async fn thinking_keeps_its_signature() {
    let (result, events) = replay("docs_extended_thinking").await;
    let done = result.unwrap();
    let ContentBlock::Thinking {
        thinking,
        signature,
    } = &done.message.content[0]
    else {
        panic!("{:?}", done.message.content);
    };
    assert!(thinking.contains("27 * 453"), "{thinking}");
    assert!(
        signature.starts_with("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"),
        "{signature}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::ThinkingDelta(_)))
    );
    assert!(done.message.text().contains("12,231"));
}

#[tokio::test]
async fn an_error_event_is_retried_then_reported() {
    let overloaded = fixture("docs_error_event_overloaded");
    let (result, events, server) = run(vec![
        Reply::raw_sse(&overloaded),
        Reply::raw_sse(&overloaded),
        Reply::raw_sse(&overloaded),
    ])
    .await;
    assert_eq!(
        server.requests().len(),
        3,
        "nothing was shown, so it was retried twice"
    );
    // Each retry names the stream's error type; no response status failed.
    let retries: Vec<(u32, Option<u16>, u32, Option<&str>)> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Retrying {
                attempt,
                status,
                max_retries,
                error_type,
                ..
            } => Some((*attempt, *status, *max_retries, error_type.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(
        retries,
        [
            (1, None, 2, Some("overloaded_error")),
            (2, None, 2, Some("overloaded_error"))
        ]
    );
    let error = result.unwrap_err();
    assert_eq!(
        error,
        ProviderError::Stream {
            kind: "overloaded_error".into(),
            message: "Overloaded".into()
        }
    );
    assert!(error.to_string().contains("overloaded_error"));
}

#[tokio::test]
async fn a_stream_without_final_newline_still_completes() {
    let (result, _) = replay("sdkpy_basic_response").await;
    let done = result.unwrap();
    assert_eq!(done.stop_reason, StopReason::EndTurn);
    let (result, _) = replay("sdkpy_tool_use_response").await;
    let done = result.unwrap();
    assert_eq!(done.message.tool_uses().count(), 1);
}

#[tokio::test]
async fn max_tokens_inside_a_tool_call_drops_the_broken_call() {
    let (result, _) = replay("sdkpy_incomplete_partial_json_response").await;
    let done = result.unwrap();
    assert_eq!(done.stop_reason, StopReason::MaxTokens);
    assert_eq!(done.message.tool_uses().count(), 0);
    assert!(
        done.message
            .text()
            .starts_with("I'll create a comprehensive tax guide")
    );
}

#[tokio::test]
async fn refusal_is_a_stop_reason() {
    let (result, _) = replay("sdkpy_refusal_response").await;
    let done = result.unwrap();
    assert_eq!(done.stop_reason, StopReason::Refusal);
}

#[tokio::test]
async fn recorded_usage_with_cache_fields() {
    let (result, _) = replay("rec_simple_turn1").await;
    let done = result.unwrap();
    assert!(done.usage.input_tokens > 0);
    assert!(done.usage.output_tokens > 0);
    assert!(!done.message.text().is_empty());
}

#[tokio::test]
async fn the_request_carries_headers_and_body() {
    let (result, _, server) = run(vec![Reply::text("ok")]).await;
    result.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.path, "/v1/messages");
    assert_eq!(r.header("x-api-key"), Some("test-key"));
    assert_eq!(r.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(r.body["stream"], json!(true));
    assert_eq!(
        r.body["system"],
        json!([{"type": "text", "text": "be brief", "cache_control": {"type": "ephemeral"}}])
    );
    assert_eq!(r.body["model"], json!("claude-sonnet-4-5"));
    assert_eq!(r.body["messages"][0]["content"][0]["text"], json!("hi"));
}

#[tokio::test]
async fn bearer_token_and_thinking_styles() {
    let server = FakeServer::start(vec![Reply::text("a"), Reply::text("b")])
        .await
        .unwrap();
    let client = Anthropic::new(
        &server.base_url(),
        Auth::Bearer("tok".into()),
        fast_options(),
    );
    let mut req = request();
    req.max_tokens = 8_000;
    req.thinking = Thinking {
        effort: Effort::Low,
        style: Some(ThinkingStyle::Budget),
        budget: None,
    };
    client.stream(&req, &mut |_| {}).await.unwrap();
    req.thinking = Thinking {
        effort: Effort::High,
        style: Some(ThinkingStyle::Adaptive),
        budget: None,
    };
    client.stream(&req, &mut |_| {}).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), Some("Bearer tok"));
    assert_eq!(requests[0].header("x-api-key"), None);
    assert_eq!(
        requests[0].body["thinking"],
        json!({"type": "enabled", "budget_tokens": 4000})
    );
    assert_eq!(requests[1].body["thinking"], json!({"type": "adaptive"}));
    assert_eq!(requests[1].body["output_config"], json!({"effort": "high"}));
}

#[tokio::test]
async fn overloaded_then_success_retries() {
    let (result, events, server) = run(vec![
        Reply::status(529, "overloaded_error", "Overloaded"),
        Reply::text("second time lucky"),
    ])
    .await;
    assert_eq!(result.unwrap().message.text(), "second time lucky");
    assert!(matches!(
        events[0],
        StreamEvent::Retrying {
            attempt: 1,
            status: Some(529),
            max_retries: 2,
            ..
        }
    ));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn overloaded_every_time_gives_up_after_two_retries() {
    let (result, events, server) = run(vec![
        Reply::status(529, "overloaded_error", "Overloaded"),
        Reply::status(529, "overloaded_error", "Overloaded"),
        Reply::status(529, "overloaded_error", "Overloaded"),
    ])
    .await;
    assert_eq!(
        result.unwrap_err(),
        ProviderError::Overloaded { attempts: 3 }
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, StreamEvent::Retrying { .. }))
            .count(),
        2
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let (result, events, _) = run(vec![
        Reply::status(429, "rate_limit_error", "slow down").with_header("retry-after-ms", "30"),
        Reply::text("ok"),
    ])
    .await;
    result.unwrap();
    assert!(events.contains(&StreamEvent::Retrying {
        attempt: 1,
        delay_ms: 30,
        reason: "rate limited (429)".into(),
        status: Some(429),
        max_retries: 2,
        error_type: None,
    }));
}

#[tokio::test]
async fn x_should_retry_false_is_obeyed() {
    let (result, _, server) = run(vec![
        Reply::status(529, "overloaded_error", "Overloaded").with_header("x-should-retry", "false"),
        Reply::text("never"),
    ])
    .await;
    assert!(matches!(
        result.unwrap_err(),
        ProviderError::Overloaded { attempts: 1 }
    ));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn unauthorized_is_not_retried_and_names_the_key() {
    let (result, _, server) = run(vec![Reply::status(
        401,
        "authentication_error",
        "invalid x-api-key",
    )])
    .await;
    let error = result.unwrap_err();
    assert!(matches!(error, ProviderError::Unauthorized { .. }));
    assert!(error.to_string().contains("ANTHROPIC_API_KEY"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn bad_request_shows_the_apis_message_and_404_names_the_model() {
    let (result, _, _) = run(vec![Reply::status(
        400,
        "invalid_request_error",
        "max_tokens: too large",
    )])
    .await;
    assert_eq!(
        result.unwrap_err().to_string(),
        "bad request (400): max_tokens: too large"
    );
    let (result, _, _) = run(vec![Reply::status(404, "not_found_error", "model: nope")]).await;
    let error = result.unwrap_err().to_string();
    assert!(
        error.contains("claude-sonnet-4-5") && error.contains("404"),
        "{error}"
    );
    let (result, _, _) = run(vec![Reply::status(413, "request_too_large", "too big")]).await;
    assert_eq!(result.unwrap_err(), ProviderError::TooLarge);
}

#[tokio::test]
async fn a_dropped_connection_is_an_incomplete_stream() {
    let (result, events, _) = run(vec![
        Reply::text("this answer will be cut off in the middle").drop_after(4),
    ])
    .await;
    assert!(matches!(
        result.unwrap_err(),
        ProviderError::Incomplete { .. }
    ));
    assert!(
        !streamed_text(&events).is_empty(),
        "some text arrived before the drop"
    );
}

#[tokio::test]
async fn a_stalled_stream_times_out() {
    let (result, _, _) = run(vec![Reply::text("stalls").stall_after(3)]).await;
    assert!(matches!(result.unwrap_err(), ProviderError::Stalled { .. }));
}

#[tokio::test]
async fn an_unreachable_server_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Anthropic::new(
        &format!("http://127.0.0.1:{port}"),
        Auth::ApiKey("k".into()),
        fast_options(),
    );
    let mut events = Vec::new();
    let result = client.stream(&request(), &mut |e| events.push(e)).await;
    let error = result.unwrap_err();
    assert!(matches!(error, ProviderError::Connect { .. }), "{error:?}");
    assert_eq!(events.len(), 2, "two retries announced: {events:?}");
}

#[tokio::test]
async fn the_fake_server_rejects_an_invalid_conversation() {
    let server = FakeServer::start(vec![Reply::text("never")]).await.unwrap();
    let client = Anthropic::new(&server.base_url(), Auth::ApiKey("k".into()), fast_options());
    let mut req = request();
    req.messages = vec![Message {
        role: claw::provider::Role::Assistant,
        content: vec![ContentBlock::Text {
            text: "me first".into(),
        }],
    }];
    let error = client.stream(&req, &mut |_| {}).await.unwrap_err();
    assert!(
        error.to_string().contains("roles must alternate"),
        "{error}"
    );
}

#[tokio::test]
async fn a_stream_that_breaks_before_any_output_is_retried() {
    let (result, events, server) = run(vec![
        Reply::text("never seen").drop_after(1),
        Reply::text("second try"),
    ])
    .await;
    assert_eq!(result.unwrap().message.text(), "second try");
    assert!(
        matches!(
            events[1],
            StreamEvent::Retrying {
                attempt: 1,
                status: None,
                max_retries: 2,
                error_type: None,
                ..
            }
        ),
        "{events:?}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_stream_that_breaks_after_output_is_not_retried() {
    let (result, _, server) = run(vec![
        Reply::text("some words arrive before the break").drop_after(5),
        Reply::text("never"),
    ])
    .await;
    assert!(matches!(
        result.unwrap_err(),
        ProviderError::Incomplete { .. }
    ));
    assert_eq!(
        server.requests().len(),
        1,
        "text was shown: retrying would repeat it"
    );
}

#[test]
fn cache_breakpoints_on_a_multi_turn_conversation() {
    use claw::provider::{ContentBlock, Role, ToolSpec};
    let tool = |name: &str| ToolSpec {
        name: name.into(),
        description: "d".into(),
        input_schema: json!({"type": "object"}),
    };
    let assistant = |id: &str| Message {
        role: Role::Assistant,
        content: vec![ContentBlock::ToolUse {
            id: id.into(),
            name: "Read".into(),
            input: json!({}),
        }],
    };
    let results = |id: &str| Message {
        role: Role::User,
        content: vec![ContentBlock::ToolResult {
            tool_use_id: id.into(),
            content: "x".into(),
            is_error: false,
            images: Vec::new(),
        }],
    };
    let mut req = request();
    req.tools = vec![tool("Read"), tool("Bash")];
    req.messages = vec![
        Message::user_text("first"),
        assistant("a"),
        results("a"),
        assistant("b"),
        results("b"),
    ];
    let body = claw::provider::anthropic::request_body(&req);
    let ephemeral = json!({"type": "ephemeral"});
    let marked: Vec<String> = {
        let mut out = Vec::new();
        let mut walk = vec![(String::new(), &body)];
        while let Some((path, v)) = walk.pop() {
            match v {
                serde_json::Value::Object(o) => {
                    if o.get("cache_control") == Some(&ephemeral) {
                        out.push(path.clone());
                    }
                    for (k, c) in o {
                        walk.push((format!("{path}/{k}"), c));
                    }
                }
                serde_json::Value::Array(a) => {
                    for (i, c) in a.iter().enumerate() {
                        walk.push((format!("{path}/{i}"), c));
                    }
                }
                _ => {}
            }
        }
        out.sort();
        out
    };
    assert_eq!(
        marked,
        vec![
            "/messages/2/content/0",
            "/messages/4/content/0",
            "/system/0",
            "/tools/1"
        ],
        "tools, system, and the two newest user turns: at most 4"
    );
    assert!(body["tools"][0].get("cache_control").is_none());
}

#[tokio::test]
async fn a_stream_silent_before_any_output_is_retried() {
    let (result, events, server) = run(vec![
        Reply::text("never seen").stall_after(1),
        Reply::text("second try"),
    ])
    .await;
    assert_eq!(result.unwrap().message.text(), "second try");
    assert!(
        events.iter().any(|e| matches!(
            e,
            StreamEvent::Retrying { reason, .. } if reason.contains("500 ms")
        )),
        "{events:?}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn requests_name_claw_the_install_and_the_betas_a_budget_model_needs_with_tools() {
    let server = FakeServer::start(vec![Reply::text("a"), Reply::text("b"), Reply::text("c")])
        .await
        .unwrap();
    let client = Anthropic::new(&server.base_url(), Auth::ApiKey("k".into()), fast_options())
        .with_user_id(Some("claw_0123".into()));
    let mut req = request();
    req.thinking = Thinking {
        effort: Effort::Low,
        style: None,
        budget: None,
    };
    // Thinking without tools needs no beta.
    client.stream(&req, &mut |_| {}).await.unwrap();
    req.tools = vec![claw::provider::ToolSpec {
        name: "Read".into(),
        description: "reads".into(),
        input_schema: json!({"type": "object"}),
    }];
    client.stream(&req, &mut |_| {}).await.unwrap();
    // Adaptive thinking interleaves on its own.
    req.thinking = Thinking {
        effort: Effort::Low,
        style: Some(ThinkingStyle::Adaptive),
        budget: None,
    };
    client.stream(&req, &mut |_| {}).await.unwrap();
    let requests = server.requests();
    let version = env!("CARGO_PKG_VERSION");
    for r in &requests {
        assert_eq!(
            r.header("user-agent"),
            Some(format!("claw/{version}").as_str())
        );
        assert_eq!(r.body["metadata"], json!({"user_id": "claw_0123"}));
    }
    assert_eq!(requests[0].header("anthropic-beta"), None);
    assert_eq!(
        requests[1].header("anthropic-beta"),
        Some("interleaved-thinking-2025-05-14")
    );
    assert_eq!(requests[2].header("anthropic-beta"), None);
}

#[tokio::test]
async fn server_tool_blocks_are_kept_verbatim_and_shown_when_complete() {
    let (result, events) = replay("docs_web_search").await;
    let done = result.unwrap();
    assert_eq!(done.stop_reason, StopReason::EndTurn);
    let kinds: Vec<&str> = done
        .message
        .content
        .iter()
        .map(|b| match b {
            ContentBlock::Text { .. } => "text",
            ContentBlock::ServerToolUse { .. } => "server_tool_use",
            ContentBlock::ServerToolResult { .. } => "server_tool_result",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        ["text", "server_tool_use", "server_tool_result", "text"]
    );
    let use_block = ContentBlock::ServerToolUse {
        id: "srvtoolu_014hJH82Qum7Td6UV8gDXThB".into(),
        name: "web_search".into(),
        input: json!({"query": "weather NYC today"}),
    };
    assert_eq!(done.message.content[1], use_block);
    // The result is the block's content as the API sent it, encrypted parts and all.
    let sent: serde_json::Value = fixture("docs_web_search")
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .find(|v| v["content_block"]["type"] == "web_search_tool_result")
        .unwrap()["content_block"]["content"]
        .clone();
    let ContentBlock::ServerToolResult {
        tool_use_id,
        kind,
        content,
    } = &done.message.content[2]
    else {
        panic!("{:?}", done.message.content[2]);
    };
    assert_eq!(
        (tool_use_id.as_str(), kind.as_str()),
        (
            "srvtoolu_014hJH82Qum7Td6UV8gDXThB",
            "web_search_tool_result"
        )
    );
    assert_eq!(content, &sent);
    // Shown once each, the call when its query is complete.
    let shown: Vec<&ContentBlock> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ServerTool(b) => Some(b),
            _ => None,
        })
        .collect();
    assert_eq!(shown, [&use_block, &done.message.content[2]]);
    assert!(
        done.message
            .text()
            .ends_with("partly cloudy with a high of 72°F.")
    );

    let (result, _) = replay("docs_web_search_error").await;
    let done = result.unwrap();
    assert!(matches!(
        &done.message.content[1],
        ContentBlock::ServerToolResult { content, .. } if content["error_code"] == "max_uses_exceeded"
    ));
}

#[tokio::test]
async fn a_full_context_and_a_paused_search_are_stop_reasons_of_their_own() {
    let (result, _) = replay("docs_context_window_exceeded").await;
    let done = result.unwrap();
    assert_eq!(done.stop_reason, StopReason::ModelContextWindowExceeded);
    assert_eq!(done.message.text(), "The main loop reads each");
    let (result, _) = replay("docs_pause_turn").await;
    let done = result.unwrap();
    assert_eq!(done.stop_reason, StopReason::PauseTurn);
    assert!(matches!(
        &done.message.content[..],
        [ContentBlock::ServerToolUse { input, .. }] if input["query"] == "tokio release notes"
    ));
}

#[tokio::test]
async fn the_1m_variant_asks_for_its_beta_and_sends_the_plain_id() {
    let server = FakeServer::start(vec![Reply::text("a"), Reply::text("b")])
        .await
        .unwrap();
    let client = Anthropic::new(&server.base_url(), Auth::ApiKey("k".into()), fast_options());
    let mut req = request();
    req.model = "claude-sonnet-4-5[1m]".into();
    client.stream(&req, &mut |_| {}).await.unwrap();
    req.model = "claude-sonnet-4-5".into();
    client.stream(&req, &mut |_| {}).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].body["model"], "claude-sonnet-4-5");
    assert_eq!(
        requests[0].header("anthropic-beta"),
        Some("context-1m-2025-08-07")
    );
    assert_eq!(requests[1].header("anthropic-beta"), None);
}

#[tokio::test]
async fn pictures_go_as_a_note_to_a_model_that_takes_none() {
    let server = FakeServer::start(vec![Reply::text("a")]).await.unwrap();
    let client = Anthropic::new(&server.base_url(), Auth::ApiKey("k".into()), fast_options());
    let mut req = request();
    req.images = claw::provider::Images::Refused;
    req.messages = vec![
        Message::user_text("look"),
        Message {
            role: claw::provider::Role::Assistant,
            content: vec![ContentBlock::ToolUse {
                id: "t1".into(),
                name: "Read".into(),
                input: json!({"file_path": "a.png"}),
            }],
        },
        Message {
            role: claw::provider::Role::User,
            content: vec![ContentBlock::ToolResult {
                tool_use_id: "t1".into(),
                content: "a picture".into(),
                is_error: false,
                images: vec![claw::provider::ImageData {
                    media_type: "image/png".into(),
                    data: "AAAA".into(),
                }],
            }],
        },
    ];
    client.stream(&req, &mut |_| {}).await.unwrap();
    let sent = &server.requests()[0].body["messages"][2]["content"][0];
    assert_eq!(
        sent["content"],
        "a picture\n[a picture (image/png) was left out: this model does not take images]"
    );
}
