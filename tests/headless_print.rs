//! `claw -p` with each output format, run as a program with pipes (no terminal): Claude Code's
//! message shapes, field by field, against the fake model server; exit statuses; the prompt
//! from stdin; a failing server; unknown flags.

mod support;

use fake_server::{Block, Reply};
use serde_json::{Value, json};
use support::claw::Claw;
use support::headless::run;

fn thinking_then_read() -> Vec<Reply> {
    vec![
        Reply::message(
            vec![
                Block::Thinking {
                    thinking: "The file first.".into(),
                    signature: "c2lnbmF0dXJl".into(),
                },
                Block::Text("Reading it.".into()),
                Block::ToolUse {
                    id: "toolu_read".into(),
                    name: "Read".into(),
                    input: json!({"file_path": "notes.txt"}),
                },
            ],
            "tool_use",
        ),
        Reply::text("It says hello."),
    ]
}

#[test]
fn stream_json_prints_init_assistant_tool_results_and_the_result_in_claude_codes_shapes() {
    let setup = Claw::new(thinking_then_read());
    std::fs::write(setup.root().join("notes.txt"), "hello\n").unwrap();
    let out = run(
        &setup,
        &[
            "-p",
            "what do my notes say?",
            "--output-format",
            "stream-json",
            "--verbose",
        ],
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let kinds: Vec<&str> = out
        .lines
        .iter()
        .map(|l| l["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["system", "assistant", "user", "assistant", "result"],
        "{}",
        out.stdout
    );

    let init = &out.lines[0];
    assert_eq!(init["subtype"], "init");
    let session = init["session_id"].as_str().unwrap();
    assert!(!session.is_empty());
    for field in [
        "cwd",
        "tools",
        "mcp_servers",
        "model",
        "permissionMode",
        "slash_commands",
        "apiKeySource",
        "claude_code_version",
        "agents",
        "skills",
        "plugins",
        "output_style",
        "uuid",
    ] {
        assert!(init.get(field).is_some(), "init lacks {field}: {init}");
    }
    assert_eq!(init["model"], "claude-sonnet-4-6");
    assert_eq!(init["permissionMode"], "default");
    assert_eq!(init["apiKeySource"], "ANTHROPIC_API_KEY");
    assert_eq!(init["claude_code_version"], env!("CARGO_PKG_VERSION"));
    assert!(init["tools"].as_array().unwrap().contains(&json!("Read")));

    let answer = &out.lines[1];
    assert_eq!(answer["session_id"], session);
    assert!(answer["parent_tool_use_id"].is_null());
    let message = &answer["message"];
    assert_eq!(message["role"], "assistant");
    assert_eq!(message["model"], "claude-sonnet-4-6");
    assert_eq!(message["stop_reason"], "tool_use");
    assert!(message["id"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(
        message["content"][0],
        json!({"type": "thinking", "thinking": "The file first.", "signature": "c2lnbmF0dXJl"})
    );
    assert_eq!(
        message["content"][1],
        json!({"type": "text", "text": "Reading it."})
    );
    assert_eq!(
        message["content"][2],
        json!({"type": "tool_use", "id": "toolu_read", "name": "Read", "input": {"file_path": "notes.txt"}})
    );
    assert!(message["usage"]["output_tokens"].as_u64().unwrap() > 0);

    let result_line = &out.lines[2]["message"]["content"][0];
    assert_eq!(result_line["type"], "tool_result");
    assert_eq!(result_line["tool_use_id"], "toolu_read");
    assert_eq!(result_line["is_error"], false);
    assert!(result_line["content"].as_str().unwrap().contains("hello"));

    let result = &out.lines[4];
    assert_eq!(result["subtype"], "success");
    assert_eq!(result["is_error"], false);
    assert_eq!(result["result"], "It says hello.");
    assert_eq!(result["num_turns"], 2);
    assert_eq!(result["stop_reason"], "end_turn");
    assert_eq!(result["session_id"], session);
    assert_eq!(result["permission_denials"], json!([]));
    assert!(result["duration_ms"].as_u64().unwrap() >= result["duration_api_ms"].as_u64().unwrap());
    assert!(result["total_cost_usd"].as_f64().unwrap() > 0.0);
    let usage = &result["usage"];
    assert_eq!(
        usage["output_tokens"].as_u64().unwrap(),
        out.lines[1]["message"]["usage"]["output_tokens"]
            .as_u64()
            .unwrap()
            + out.lines[3]["message"]["usage"]["output_tokens"]
                .as_u64()
                .unwrap()
    );
    assert_eq!(
        result["modelUsage"]["claude-sonnet-4-6"]["outputTokens"],
        usage["output_tokens"]
    );
    assert!(
        result["modelUsage"]["claude-sonnet-4-6"]["contextWindow"]
            .as_u64()
            .unwrap()
            > 0
    );
    // The thinking went back to the model with its signature.
    let second = &setup.server.requests()[1].body;
    assert_eq!(
        second["messages"][1]["content"][0]["signature"],
        "c2lnbmF0dXJl"
    );
}

#[test]
fn partial_messages_stream_anthropic_events_before_each_assistant_message() {
    let setup = Claw::new(thinking_then_read());
    std::fs::write(setup.root().join("notes.txt"), "hello\n").unwrap();
    let out = run(
        &setup,
        &[
            "-p",
            "notes?",
            "--output-format",
            "stream-json",
            "--verbose",
            "--include-partial-messages",
        ],
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let first_assistant = out
        .lines
        .iter()
        .position(|l| l["type"] == "assistant")
        .unwrap();
    let events: Vec<&Value> = out.lines[..first_assistant]
        .iter()
        .filter(|l| l["type"] == "stream_event")
        .map(|l| &l["event"])
        .collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"message_start"));
    assert_eq!(&kinds[kinds.len() - 2..], ["message_delta", "message_stop"]);
    let text: String = events
        .iter()
        .filter(|e| e["delta"]["type"] == "text_delta")
        .map(|e| e["delta"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Reading it.");
    let thinking: String = events
        .iter()
        .filter(|e| e["delta"]["type"] == "thinking_delta")
        .map(|e| e["delta"]["thinking"].as_str().unwrap())
        .collect();
    assert_eq!(thinking, "The file first.");
    let tool = events
        .iter()
        .find(|e| e["type"] == "content_block_start" && e["content_block"]["type"] == "tool_use")
        .unwrap();
    assert_eq!(tool["content_block"]["id"], "toolu_read");
    let stream_line = out.of("stream_event", None)[0];
    assert!(
        stream_line["session_id"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(stream_line["uuid"].is_string());
}

#[test]
fn json_prints_one_result_object_and_verbose_every_message() {
    let setup = Claw::new(vec![Reply::text("Four."), Reply::text("Four.")]);
    let out = run(&setup, &["-p", "2+2?", "--output-format", "json"], "");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let result: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(result["type"], "result");
    assert_eq!(result["result"], "Four.");
    assert_eq!(out.stdout.trim().lines().count(), 1);

    let out = run(
        &setup,
        &["-p", "2+2?", "--output-format", "json", "--verbose"],
        "",
    );
    let all: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    let kinds: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["system", "assistant", "result"]);
}

#[test]
fn text_prints_the_answer_and_reads_the_prompt_from_stdin() {
    let setup = Claw::new(vec![Reply::text("Piped answer.")]);
    let out = run(&setup, &["-p"], "the prompt from a pipe\n");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "Piped answer.");
    let asked = &setup.server.requests()[0];
    let sent = asked.last_message().unwrap().to_string();
    assert!(sent.contains("the prompt from a pipe"), "{sent}");
}

#[test]
fn no_prompt_at_all_is_bad_usage() {
    let setup = Claw::new(vec![]);
    let out = run(&setup, &["-p"], "");
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("no prompt"), "{}", out.stderr);
    assert!(setup.server.requests().is_empty());
}

#[test]
fn a_tool_nobody_may_approve_is_denied_reported_and_the_model_goes_on() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_bash",
            "Bash",
            json!({"command": "touch made", "description": "Make"}),
        ),
        Reply::text("I was not allowed."),
    ]);
    let out = run(&setup, &["-p", "make it", "--output-format", "json"], "");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(!setup.root().join("made").exists());
    let result = &out.lines[0];
    assert_eq!(result["subtype"], "success");
    assert_eq!(result["result"], "I was not allowed.");
    assert_eq!(
        result["permission_denials"],
        json!([{"tool_name": "Bash", "tool_use_id": "toolu_bash", "tool_input": {"command": "touch made", "description": "Make"}}])
    );
    assert!(out.stderr.contains("Bash needs approval"), "{}", out.stderr);
}

#[test]
fn a_failing_model_server_is_an_error_result_and_exit_1_in_every_format() {
    for format in ["text", "json", "stream-json"] {
        let setup = Claw::new(vec![Reply::status(
            400,
            "invalid_request_error",
            "prompt is too odd",
        )]);
        let out = run(&setup, &["-p", "hi", "--output-format", format], "");
        assert_eq!(out.code, Some(1), "{format}: {}", out.stderr);
        assert!(
            out.stderr.contains("prompt is too odd"),
            "{format}: {}",
            out.stderr
        );
        if format == "text" {
            continue;
        }
        let result = out.of("result", None)[0];
        assert_eq!(result["subtype"], "error_during_execution");
        assert_eq!(result["is_error"], true);
        assert!(
            result["result"]
                .as_str()
                .unwrap()
                .contains("prompt is too odd"),
            "{result}"
        );
        assert!(
            result["errors"][0]
                .as_str()
                .unwrap()
                .contains("prompt is too odd")
        );
    }
}

#[test]
fn an_unknown_flag_warns_in_stream_json_mode_and_is_bad_usage_elsewhere() {
    let setup = Claw::new(vec![Reply::text("Fine.")]);
    let out = run(
        &setup,
        &[
            "-p",
            "hi",
            "--output-format=stream-json",
            "--some-future-flag",
            "on",
            "--verbose",
        ],
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("unknown option `--some-future-flag on` ignored"),
        "{}",
        out.stderr
    );
    assert_eq!(out.of("result", None)[0]["result"], "Fine.");

    let out = run(&setup, &["-p", "hi", "--some-future-flag"], "");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
}

#[test]
fn text_output_with_a_json_schema_prints_the_validated_structured_output_not_the_prose() {
    let schema =
        r#"{"type":"object","properties":{"files":{"type":"integer"}},"required":["files"]}"#;
    let setup = Claw::new(vec![
        // A wrong answer first: it is sent back, never printed.
        Reply::tool_use("Counting.", "s1", "StructuredOutput", json!({"files": "3"})),
        Reply::tool_use("Counted.", "s2", "StructuredOutput", json!({"files": 3})),
        Reply::text("There are 3 files."),
    ]);
    let out = run(
        &setup,
        &["-p", "count the files", "--json-schema", schema],
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "{\"files\":3}\n", "stderr: {}", out.stderr);
    let parsed: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(parsed, json!({"files": 3}));
    // Without a schema the same format prints the prose.
    let prose = Claw::new(vec![Reply::text("There are 3 files.")]);
    let out = run(&prose, &["-p", "count the files"], "");
    assert_eq!(out.stdout.trim(), "There are 3 files.");
}
