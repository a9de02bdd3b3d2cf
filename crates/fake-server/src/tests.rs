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
    let mut acc = claw::provider::sse::MessageAccumulator::new();
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
