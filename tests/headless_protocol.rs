//! `--input-format stream-json`: many turns in one process, and every control exchange of the
//! Agent SDK protocol (initialize, can_use_tool, hook_callback, interrupt, mode and model
//! changes, status and context queries, cancels, unknown subtypes), golden against the fake
//! model server, with the real binary on pipes.

mod support;

use std::time::Duration;

use fake_server::Reply;
use serde_json::json;
use support::claw::Claw;
use support::headless::{SDK_ARGS, Session, control_answer, control_request, run, sdk_args};

fn user(text: &str) -> String {
    json!({"type": "user", "message": {"role": "user", "content": text}, "parent_tool_use_id": null, "session_id": ""}).to_string()
}

#[test]
fn queued_user_messages_each_get_a_result_and_claw_exits_0_when_stdin_closes() {
    let setup = Claw::new(vec![Reply::text("One."), Reply::text("Two.")]);
    // Both messages are written and stdin closed before the first answer: nothing is lost.
    let blocks = json!({"type": "user", "message": {"role": "user", "content": [{"type": "text", "text": "second"}]}});
    let out = run(&setup, SDK_ARGS, &format!("{}\n{blocks}\n", user("first")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let results: Vec<&str> = out
        .of("result", None)
        .iter()
        .map(|r| r["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["One.", "Two."]);
    assert_eq!(out.of("system", Some("init")).len(), 1);
    let requests = setup.server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests[1]
            .last_message()
            .unwrap()
            .to_string()
            .contains("second")
    );
}

#[test]
fn initialize_is_answered_with_commands_models_and_account_after_the_session_starts() {
    let setup = Claw::new(vec![]);
    std::fs::create_dir_all(setup.root().join(".claude/commands")).unwrap();
    std::fs::write(
        setup.root().join(".claude/commands/review.md"),
        "---\ndescription: Review a file\nargument-hint: [file]\n---\nReview $ARGUMENTS",
    )
    .unwrap();
    let mut claw = Session::start(&setup, SDK_ARGS);
    claw.send(control_request(
        "req_1",
        json!({"subtype": "initialize", "hooks": null}),
    ));
    let response = claw.wait_response("req_1")["response"].clone();
    assert_eq!(response["subtype"], "success");
    let body = &response["response"];
    assert_eq!(
        body["commands"],
        json!([{"name": "review", "description": "Review a file (project)", "argumentHint": "[file]"}])
    );
    assert!(
        body["models"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["value"] == "claude-opus-5")
    );
    assert_eq!(body["output_style"], "default");
    assert_eq!(body["account"]["apiKeySource"], "ANTHROPIC_API_KEY");
    let init = claw
        .seen
        .iter()
        .find(|l| l["subtype"] == "init")
        .cloned()
        .unwrap();
    assert_eq!(init["slash_commands"], json!(["review"]));
    assert_eq!(claw.finish(), Some(0));
}

#[test]
fn can_use_tool_allows_with_a_changed_input_and_denies_with_a_message() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_1",
            "Bash",
            json!({"command": "touch asked", "description": "Make"}),
        ),
        Reply::tool_use(
            "",
            "toolu_2",
            "Bash",
            json!({"command": "touch refused", "description": "Make"}),
        ),
        Reply::text("Done with both."),
    ]);
    let mut claw = Session::start(&setup, &sdk_args(&["--permission-prompt-tool", "stdio"]));
    claw.user("make files");
    let first = claw.wait_for("can_use_tool", |l| {
        l["request"]["subtype"] == "can_use_tool"
    });
    let body = &first["request"];
    assert_eq!(body["tool_name"], "Bash");
    assert_eq!(body["tool_use_id"], "toolu_1");
    assert_eq!(body["input"]["command"], "touch asked");
    assert_eq!(
        body["permission_suggestions"][0],
        json!({"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": "touch:*"}], "behavior": "allow", "destination": "session"})
    );
    let id = first["request_id"].as_str().unwrap();
    claw.send(control_answer(
        id,
        json!({"behavior": "allow", "updatedInput": {"command": "touch changed", "description": "Make"}}),
    ));
    let second = claw.wait_for("can_use_tool", |l| {
        l["request"]["subtype"] == "can_use_tool"
    });
    assert_eq!(second["request"]["tool_use_id"], "toolu_2");
    let id = second["request_id"].as_str().unwrap();
    claw.send(control_answer(
        id,
        json!({"behavior": "deny", "message": "No refusing files."}),
    ));
    let result = claw.wait_type("result", None);
    assert_eq!(result["subtype"], "success");
    assert_eq!(result["permission_denials"][0]["tool_use_id"], "toolu_2");
    assert!(
        setup.root().join("changed").exists(),
        "ran with the updated input"
    );
    assert!(!setup.root().join("asked").exists());
    assert!(!setup.root().join("refused").exists());
    let denied = claw
        .seen
        .iter()
        .find(|l| l["type"] == "user" && l["message"]["content"][0]["tool_use_id"] == "toolu_2")
        .unwrap();
    assert_eq!(
        denied["message"]["content"][0]["content"],
        "No refusing files."
    );
    assert_eq!(denied["message"]["content"][0]["is_error"], true);
    assert_eq!(claw.finish(), Some(0));
}

#[test]
fn a_deny_with_interrupt_stops_the_turn() {
    let setup = Claw::new(vec![Reply::tool_use(
        "",
        "toolu_1",
        "Bash",
        json!({"command": "touch x", "description": "Make"}),
    )]);
    let mut claw = Session::start(&setup, &sdk_args(&["--permission-prompt-tool", "stdio"]));
    claw.user("make x");
    let asked = claw.wait_for("can_use_tool", |l| {
        l["request"]["subtype"] == "can_use_tool"
    });
    let id = asked["request_id"].as_str().unwrap();
    claw.send(control_answer(
        id,
        json!({"behavior": "deny", "message": "Stop here.", "interrupt": true}),
    ));
    let result = claw.wait_type("result", None);
    assert_eq!(result["subtype"], "error_during_execution");
    assert_eq!(result["is_error"], true);
    assert_eq!(
        setup.server.requests().len(),
        1,
        "nothing went back to the model"
    );
    assert_eq!(claw.finish(), Some(1), "the last turn was an error");
}

#[test]
fn a_hook_callback_from_initialize_fires_before_the_tool_and_can_deny_it() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_1",
            "Bash",
            json!({"command": "touch hooked", "description": "Make"}),
        ),
        Reply::text("The hook said no."),
    ]);
    let mut claw = Session::start(
        &setup,
        &sdk_args(&["--permission-mode", "bypassPermissions"]),
    );
    claw.send(control_request(
        "req_1",
        json!({"subtype": "initialize", "hooks": {"PreToolUse": [{"matcher": "Bash", "hookCallbackIds": ["hook_0"]}]}}),
    ));
    claw.wait_response("req_1");
    claw.user("make a file");
    let call = claw.wait_for("hook_callback", |l| {
        l["request"]["subtype"] == "hook_callback"
    });
    let body = &call["request"];
    assert_eq!(body["callback_id"], "hook_0");
    assert_eq!(body["tool_use_id"], "toolu_1");
    assert_eq!(body["input"]["hook_event_name"], "PreToolUse");
    assert_eq!(body["input"]["tool_name"], "Bash");
    assert_eq!(body["input"]["tool_input"]["command"], "touch hooked");
    claw.send(control_answer(
        call["request_id"].as_str().unwrap(),
        json!({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "not in tests"}}),
    ));
    let result = claw.wait_type("result", None);
    assert_eq!(result["result"], "The hook said no.");
    assert!(!setup.root().join("hooked").exists());
    let told = setup.server.requests()[1]
        .last_message()
        .unwrap()
        .to_string();
    assert!(told.contains("not in tests"), "{told}");
    assert_eq!(claw.finish(), Some(0));
}

#[test]
fn mode_model_status_context_and_unknown_requests_are_each_answered() {
    let setup = Claw::new(vec![Reply::text("Hi."), Reply::text("Again.")]);
    let mut claw = Session::start(&setup, SDK_ARGS);
    claw.user("hello");
    claw.wait_type("result", None);
    let exchanges = [
        (
            "r1",
            json!({"subtype": "set_permission_mode", "mode": "acceptEdits"}),
            "success",
        ),
        (
            "r2",
            json!({"subtype": "set_permission_mode", "mode": "sideways"}),
            "error",
        ),
        (
            "r3",
            json!({"subtype": "set_model", "model": "claude-opus-5"}),
            "success",
        ),
        ("r4", json!({"subtype": "mcp_status"}), "success"),
        ("r5", json!({"subtype": "get_context_usage"}), "success"),
        ("r6", json!({"subtype": "rewind_everything"}), "error"),
        (
            "r7",
            json!({"subtype": "mcp_reconnect", "serverName": "nowhere"}),
            "error",
        ),
        ("r8", json!({"subtype": "interrupt"}), "success"),
    ];
    let mut answers = Vec::new();
    for (id, body, expected) in exchanges {
        claw.send(control_request(id, body));
        let response = claw.wait_response(id)["response"].clone();
        assert_eq!(response["subtype"], expected, "{id}: {response}");
        answers.push(response);
    }
    assert!(answers[1]["error"].as_str().unwrap().contains("sideways"));
    assert_eq!(answers[3]["response"]["mcpServers"], json!([]));
    let context = &answers[4]["response"];
    assert!(context["totalTokens"].as_u64().unwrap() > 0);
    assert_eq!(context["maxTokens"], 1_000_000);
    assert_eq!(
        answers[5]["error"],
        "Unsupported control request subtype: rewind_everything"
    );
    claw.user("again");
    claw.wait_type("result", None);
    let again = &setup.server.requests()[1].body;
    assert_eq!(
        again["model"], "claude-opus-5",
        "set_model applies to the next turn"
    );
    assert_eq!(claw.finish(), Some(0));
}

#[test]
fn outstanding_status_and_context_requests_are_each_answered_to_their_own_id() {
    let setup = Claw::new(vec![Reply::text("Hi.")]);
    let mut claw = Session::start(&setup, SDK_ARGS);
    claw.user("hello");
    claw.wait_type("result", None);
    // Three requests, two of the same kind, all outstanding at once.
    for (id, subtype) in [
        ("c1", "get_context_usage"),
        ("c2", "mcp_status"),
        ("c3", "get_context_usage"),
    ] {
        claw.send(control_request(id, json!({"subtype": subtype})));
    }
    claw.wait_response("c3");
    let answered: Vec<(String, serde_json::Value)> = claw
        .seen
        .iter()
        .filter(|l| l["type"] == "control_response")
        .map(|l| {
            let id = l["response"]["request_id"].as_str().unwrap().to_string();
            (id, l["response"]["response"].clone())
        })
        .collect();
    let ids: Vec<&str> = answered.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3"], "each answered once, in order");
    assert!(answered[0].1["totalTokens"].as_u64().unwrap() > 0);
    assert_eq!(answered[1].1, json!({"mcpServers": []}));
    assert_eq!(answered[2].1["totalTokens"], answered[0].1["totalTokens"]);
    // A request still waiting on the agent when stdin closes is answered before claw exits.
    claw.send(control_request(
        "c4",
        json!({"subtype": "get_context_usage"}),
    ));
    claw.close_stdin();
    let last = claw.wait_response("c4");
    assert_eq!(last["response"]["subtype"], "success");
    assert_eq!(claw.finish(), Some(0));
}

#[test]
fn interrupt_ends_a_streaming_answer_and_cancels_an_unanswered_approval() {
    let long = "word ".repeat(400);
    let setup = Claw::new(vec![
        Reply::text(&long).paced(Duration::from_millis(20)),
        Reply::tool_use(
            "",
            "toolu_1",
            "Bash",
            json!({"command": "touch x", "description": "Make"}),
        ),
    ]);
    let mut claw = Session::start(
        &setup,
        &sdk_args(&[
            "--permission-prompt-tool",
            "stdio",
            "--include-partial-messages",
        ]),
    );
    claw.user("talk a lot");
    claw.wait_for("a text delta", |l| {
        l["event"]["delta"]["type"] == "text_delta"
    });
    claw.send(control_request("int_1", json!({"subtype": "interrupt"})));
    assert_eq!(
        claw.wait_response("int_1")["response"]["subtype"],
        "success"
    );
    let result = claw.wait_type("result", None);
    assert_eq!(result["subtype"], "error_during_execution");

    claw.user("now a tool");
    let asked = claw.wait_for("can_use_tool", |l| {
        l["request"]["subtype"] == "can_use_tool"
    });
    let id = asked["request_id"].as_str().unwrap().to_string();
    claw.send(control_request("int_2", json!({"subtype": "interrupt"})));
    let cancel = claw.wait_type("control_cancel_request", None);
    assert_eq!(cancel["request_id"], id.as_str());
    claw.wait_type("result", None);
    assert!(!setup.root().join("x").exists());
}

#[test]
fn stdin_closed_while_claw_waits_for_an_answer_denies_and_finishes() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_1",
            "Bash",
            json!({"command": "touch x", "description": "Make"}),
        ),
        Reply::text("Not allowed, then."),
    ]);
    let mut claw = Session::start(&setup, &sdk_args(&["--permission-prompt-tool", "stdio"]));
    claw.user("make x");
    claw.wait_for("can_use_tool", |l| {
        l["request"]["subtype"] == "can_use_tool"
    });
    assert_eq!(claw.finish(), Some(0));
    assert!(!setup.root().join("x").exists());
    assert_eq!(setup.server.requests().len(), 2);
}

#[test]
fn initialize_carries_the_system_prompt_its_addition_and_a_json_schema() {
    let setup = Claw::new(vec![Reply::text("Plain words.")]);
    let mut claw = Session::start(&setup, SDK_ARGS);
    claw.send(control_request(
        "req_1",
        json!({"subtype": "initialize", "hooks": null, "systemPrompt": "You review code.",
               "appendSystemPrompt": "Answer in French.",
               "jsonSchema": {"type": "object", "properties": {"verdict": {"type": "string"}},
                              "required": ["verdict"]}}),
    ));
    claw.wait_response("req_1");
    claw.user("look");
    claw.wait_type("result", None);
    claw.close_stdin();
    claw.finish();
    let body = &setup.server.requests()[0].body;
    let system = body["system"].to_string();
    assert!(system.contains("You review code."), "{system}");
    assert!(system.contains("Answer in French."), "{system}");
    let tools: Vec<&str> = body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(tools.contains(&"StructuredOutput"), "{tools:?}");
}
