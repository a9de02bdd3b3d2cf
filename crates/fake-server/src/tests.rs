//! The fake server answers as scripted and as the real API would, and claw reads its streams.

use super::*;

fn check(messages: Value) -> Result<(), String> {
    validate_request(
        &json!({"model": "m", "max_tokens": 10, "stream": true, "messages": messages}),
        &HashMap::new(),
    )
}

#[test]
fn a_valid_tool_round_trip_passes() {
    assert_eq!(
        check(json!([
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "a", "name": "Read", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a", "content": "x"}, {"type": "text", "text": "more"}]}
        ])),
        Ok(())
    );
}

#[test]
fn the_api_rules_are_enforced() {
    assert!(check(json!([])).is_err());
    assert!(
        check(json!([{"role": "assistant", "content": "x"}]))
            .unwrap_err()
            .contains("alternate")
    );
    assert!(
        check(json!([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}])).is_err()
    );
    assert!(
        check(json!([{"role": "user", "content": [{"type": "text", "text": ""}]}]))
            .unwrap_err()
            .contains("non-empty")
    );
    let unanswered = check(json!([
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "a", "name": "Read", "input": {}}]},
        {"role": "user", "content": "no result"}
    ]));
    assert!(unanswered.unwrap_err().contains("without `tool_result`"));
    let stray = check(json!([
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "zz", "content": "x"}]}
    ]));
    assert!(stray.unwrap_err().contains("unexpected `tool_use_id`"));
    let late = check(json!([
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "a", "name": "Read", "input": {}}]},
        {"role": "user", "content": [{"type": "text", "text": "first"}, {"type": "tool_result", "tool_use_id": "a", "content": "x"}]}
    ]));
    assert!(late.unwrap_err().contains("come first"));
}

#[test]
fn thinking_sent_with_a_tool_call_must_come_back() {
    let mut sent = HashMap::new();
    sent.insert("a".to_string(), "sig".to_string());
    let without = json!({"model": "m", "max_tokens": 1, "stream": true, "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "a", "name": "Read", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a", "content": "x"}]}
    ]});
    assert!(
        validate_request(&without, &sent)
            .unwrap_err()
            .contains("thinking")
    );
    let with = json!({"model": "m", "max_tokens": 1, "stream": true, "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [{"type": "thinking", "thinking": "t", "signature": "sig"}, {"type": "tool_use", "id": "a", "name": "Read", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a", "content": "x"}]}
    ]});
    assert_eq!(validate_request(&with, &sent), Ok(()));
}

#[test]
fn scripted_messages_assemble_into_what_was_scripted() {
    let reply = Reply::message(
        vec![
            Block::Thinking {
                thinking: "let me think about it".into(),
                signature: "s1".into(),
            },
            Block::Text("Hello there, this is a longer answer.".into()),
            Block::ToolUse {
                id: "t1".into(),
                name: "Read".into(),
                input: json!({"file_path": "a.rs"}),
            },
        ],
        "tool_use",
    );
    let Body::Events(events) = &reply.body else {
        unreachable!()
    };
    let mut acc = claw::provider::anthropic::stream::MessageAccumulator::new();
    for e in events {
        let mut name = "";
        let mut data = "";
        for line in e.lines() {
            if let Some(n) = line.strip_prefix("event: ") {
                name = n;
            } else if let Some(d) = line.strip_prefix("data: ") {
                data = d;
            }
        }
        acc.apply(name, data).unwrap();
    }
    let done = acc.finish().unwrap();
    use claw::provider::ContentBlock;
    assert_eq!(
        done.message.content,
        vec![
            ContentBlock::Thinking {
                thinking: "let me think about it".into(),
                signature: "s1".into()
            },
            ContentBlock::Text {
                text: "Hello there, this is a longer answer.".into()
            },
            ContentBlock::ToolUse {
                id: "t1".into(),
                name: "Read".into(),
                input: json!({"file_path": "a.rs"})
            },
        ]
    );
    assert_eq!(done.usage.output_tokens, 12);
}

fn check_body(body: Value) -> Result<(), String> {
    validate_request(&body, &HashMap::new())
}

#[test]
fn thinking_turned_on_inside_a_tool_loop_is_refused() {
    let loop_messages = json!([
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [{"type": "text", "text": "I'll look"}, {"type": "tool_use", "id": "a", "name": "Read", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a", "content": "x"}]}
    ]);
    let body = |thinking: Value| json!({"model": "m", "max_tokens": 10, "stream": true, "thinking": thinking, "messages": loop_messages});
    let refused = check_body(body(json!({"type": "adaptive"}))).unwrap_err();
    assert!(
        refused.contains("must start with a thinking block"),
        "{refused}"
    );
    assert!(
        refused.starts_with("messages.1.content.0.type"),
        "{refused}"
    );
    assert!(check_body(body(json!({"type": "enabled", "budget_tokens": 2000}))).is_err());
    assert_eq!(check_body(body(json!({"type": "disabled"}))), Ok(()));
    // A new user turn after the loop may turn thinking on.
    let mut next_turn = body(json!({"type": "adaptive"}));
    let messages = next_turn["messages"].as_array_mut().unwrap();
    messages.push(json!({"role": "assistant", "content": [{"type": "text", "text": "done"}]}));
    messages.push(json!({"role": "user", "content": "again"}));
    assert_eq!(check_body(next_turn), Ok(()));
    // The loop may go on when the assistant message starts with its thinking.
    let mut thought = body(json!({"type": "adaptive"}));
    thought["messages"][1]["content"]
        .as_array_mut()
        .unwrap()
        .insert(
            0,
            json!({"type": "thinking", "thinking": "t", "signature": "s"}),
        );
    assert_eq!(check_body(thought), Ok(()));
}

#[test]
fn more_than_four_cache_breakpoints_are_refused() {
    let marked = json!({"type": "ephemeral"});
    let body = |count: usize| {
        let mut messages = Vec::new();
        for i in 0..count.saturating_sub(2) {
            let role = if i % 2 == 0 { "user" } else { "assistant" };
            messages.push(json!({"role": role, "content": [{"type": "text", "text": "x", "cache_control": marked}]}));
        }
        if messages.len() % 2 == 0 {
            messages.push(json!({"role": "user", "content": "last"}));
        }
        json!({
            "model": "m", "max_tokens": 10, "stream": true, "messages": messages,
            "system": [{"type": "text", "text": "s", "cache_control": marked}],
            "tools": [{"name": "t", "input_schema": {}, "cache_control": marked}],
        })
    };
    assert_eq!(check_body(body(4)), Ok(()));
    assert_eq!(
        check_body(body(5)),
        Err("A maximum of 4 blocks with cache_control may be provided. Found 5.".into())
    );
}
