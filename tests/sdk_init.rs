//! What an Agent SDK client sets up besides the prompt, with the real binary on pipes against
//! the fake model server: custom agents (files, `--agents`, `subagent_type`), the in-process
//! MCP servers `initialize` names (`sdkMcpServers`, a golden `mcp_message` exchange), the
//! permission changes of a `can_use_tool` answer (each destination), `--setting-sources`, and
//! a `--fallback-model` that is the main model.

mod support;

use std::path::Path;

use fake_server::Reply;
use serde_json::{Value, json};
use support::claw::Claw;
use support::headless::{Session, command, control_answer, control_request, run_command, sdk_args};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn bash(id: &str, command: &str) -> Reply {
    Reply::tool_use(
        "",
        id,
        "Bash",
        json!({"command": command, "description": "Run"}),
    )
}

fn tool_names(body: &Value) -> Vec<String> {
    body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn agents_from_files_and_the_flag_are_listed_picked_and_an_unknown_type_is_an_error() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_1",
            "Task",
            json!({"description": "Explore", "prompt": "List the files.", "subagent_type": "explorer"}),
        ),
        Reply::text("Found 3 files."),
        Reply::tool_use(
            "",
            "toolu_2",
            "Task",
            json!({"description": "Nobody", "prompt": "x", "subagent_type": "nobody"}),
        ),
        Reply::text("Done."),
    ]);
    let home = tempfile::tempdir().unwrap();
    write(
        &setup.root().join(".claude/agents/explorer.md"),
        "---\nname: explorer\ndescription: Finds files\ntools: Glob, Read\nmodel: inherit\n---\nYou explore the tree.\n",
    );
    write(
        &home.path().join(".claude/agents/helper.md"),
        "---\nname: helper\ndescription: Helps\n---\nYou help.\n",
    );
    let flag = r#"{"tester": {"description": "Runs tests", "prompt": "You run tests.", "tools": ["Bash"]}}"#;
    let mut claw = command(
        &setup,
        &[
            "-p",
            "explore",
            "--output-format",
            "stream-json",
            "--verbose",
            "--permission-mode",
            "bypassPermissions",
            "--agents",
            flag,
        ],
    );
    claw.env("HOME", home.path());
    let out = run_command(claw, "");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let init = out.of("system", Some("init"))[0];
    assert_eq!(
        init["agents"],
        json!(["general-purpose", "explorer", "helper", "tester"])
    );
    let requests = setup.server.requests();
    assert_eq!(requests.len(), 4);
    let sub = &requests[1].body;
    assert!(
        sub["system"].to_string().contains("You explore the tree."),
        "{}",
        sub["system"]
    );
    assert_eq!(tool_names(sub), ["Read", "Glob"]);
    assert_eq!(
        sub["model"], "claude-sonnet-4-6",
        "inherit: the session's model"
    );
    let refused = out
        .lines
        .iter()
        .find(|l| l["type"] == "user" && l["message"]["content"][0]["tool_use_id"] == "toolu_2")
        .unwrap();
    let result = &refused["message"]["content"][0];
    assert_eq!(result["is_error"], true);
    assert!(
        result["content"].as_str().unwrap().contains(
            "no agent type `nobody`: use one of general-purpose, explorer, helper, tester"
        ),
        "{result}"
    );
}

/// Answers the SDK server `calc`'s messages as an SDK client does, until a line `done` says.
fn serve_calc(claw: &mut Session, methods: &mut Vec<String>, done: impl Fn(&Value) -> bool) {
    loop {
        let line = claw.wait_for("an mcp_message", |l| {
            l["request"]["subtype"] == "mcp_message" || done(l)
        });
        if done(&line) {
            return;
        }
        assert_eq!(line["request"]["server_name"], "calc");
        let message = &line["request"]["message"];
        let method = message["method"].as_str().unwrap_or("").to_string();
        let result = match method.as_str() {
            "initialize" => json!({
                "protocolVersion": message["params"]["protocolVersion"],
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "calc", "version": "1.0.0"},
            }),
            "tools/list" => json!({"tools": [{
                "name": "add",
                "description": "Add two numbers",
                "inputSchema": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}},
            }]}),
            "tools/call" => {
                let args = &message["params"]["arguments"];
                let sum = args["a"].as_f64().unwrap() + args["b"].as_f64().unwrap();
                json!({"content": [{"type": "text", "text": format!("The sum is {sum}.")}]})
            }
            _ => json!({}),
        };
        methods.push(method);
        let id = line["request_id"].as_str().unwrap().to_string();
        claw.send(control_answer(
            &id,
            json!({"mcp_response": {"jsonrpc": "2.0", "id": message["id"], "result": result}}),
        ));
    }
}

#[test]
fn sdk_mcp_servers_named_in_initialize_are_served_through_mcp_message() {
    let setup = Claw::new(vec![
        Reply::tool_use("", "toolu_add", "mcp__calc__add", json!({"a": 2, "b": 3})),
        Reply::text("5, by the client's tool."),
    ]);
    let mut claw = Session::start(
        &setup,
        &sdk_args(&["--permission-mode", "bypassPermissions"]),
    );
    claw.send(control_request(
        "req_init",
        json!({"subtype": "initialize", "hooks": null, "sdkMcpServers": ["calc"]}),
    ));
    let mut methods = Vec::new();
    serve_calc(&mut claw, &mut methods, |l| {
        l["type"] == "control_response" && l["response"]["request_id"] == "req_init"
    });
    let init = claw
        .seen
        .iter()
        .find(|l| l["subtype"] == "init")
        .cloned()
        .unwrap();
    assert!(
        init["mcp_servers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "calc"),
        "{init}"
    );
    claw.user("What is 2 + 3?");
    serve_calc(&mut claw, &mut methods, |l| l["type"] == "result");
    let result = claw.seen.last().unwrap().clone();
    assert_eq!(result["subtype"], "success", "{result}");
    assert_eq!(result["result"], "5, by the client's tool.");
    // The exchange an MCP client has with a server: the handshake, the list, the call.
    assert_eq!(methods[0], "initialize", "{methods:?}");
    let at = |m: &str| methods.iter().position(|x| x == m).unwrap();
    assert!(
        at("notifications/initialized") < at("tools/list"),
        "{methods:?}"
    );
    assert!(at("tools/list") < at("tools/call"), "{methods:?}");
    let requests = setup.server.requests();
    assert!(tool_names(&requests[0].body).contains(&"mcp__calc__add".to_string()));
    assert!(
        requests[1]
            .last_message()
            .unwrap()
            .to_string()
            .contains("The sum is 5."),
    );
    assert_eq!(claw.finish(), Some(0));
}

/// Waits for the next `can_use_tool` request and the end of the turn, whichever comes first.
fn next_ask(claw: &mut Session) -> Option<Value> {
    let line = claw.wait_for("can_use_tool or result", |l| {
        l["request"]["subtype"] == "can_use_tool" || l["type"] == "result"
    });
    (line["type"] != "result").then_some(line)
}

#[test]
fn permission_changes_apply_now_and_are_kept_in_each_destinations_file() {
    let setup = Claw::new(vec![
        bash("toolu_1", "touch one"),
        bash("toolu_2", "touch two"),
        Reply::tool_use(
            "",
            "toolu_3",
            "Write",
            json!({"file_path": "notes.txt", "content": "notes\n"}),
        ),
        Reply::text("Done."),
    ]);
    let home = tempfile::tempdir().unwrap();
    let project_file = setup.root().join(".claude/settings.json");
    let local_file = setup.root().join(".claude/settings.local.json");
    let user_file = home.path().join(".claude/settings.json");
    write(&project_file, r#"{"theme": "light"}"#);
    write(&user_file, r#"{"cleanupPeriodDays": 30}"#);
    let mut command = command(&setup, &sdk_args(&["--permission-prompt-tool", "stdio"]));
    command.env("HOME", home.path());
    let mut claw = Session::start_command(command);
    claw.user("make files");
    let asked = next_ask(&mut claw).expect("the first Bash call asks");
    assert_eq!(asked["request"]["tool_use_id"], "toolu_1");
    let rule = |tool: &str, content: Option<&str>| match content {
        Some(content) => json!({"toolName": tool, "ruleContent": content}),
        None => json!({"toolName": tool}),
    };
    claw.send(control_answer(
        asked["request_id"].as_str().unwrap(),
        json!({"behavior": "allow", "updatedInput": asked["request"]["input"], "updatedPermissions": [
            {"type": "addRules", "rules": [rule("Bash", Some("touch:*"))], "behavior": "allow", "destination": "localSettings"},
            {"type": "addRules", "rules": [rule("WebFetch", None)], "behavior": "deny", "destination": "projectSettings"},
            {"type": "addRules", "rules": [rule("Bash", Some("ls:*"))], "behavior": "allow", "destination": "userSettings"},
            {"type": "addDirectories", "directories": ["extra"], "destination": "localSettings"},
            {"type": "setMode", "mode": "acceptEdits", "destination": "session"},
        ]}),
    ));
    // The local rule allows the second command, the session's mode the Write: nothing asks.
    assert_eq!(next_ask(&mut claw), None, "{:#?}", claw.seen);
    for made in ["one", "two", "notes.txt"] {
        assert!(setup.root().join(made).exists(), "{made}");
    }
    assert_eq!(
        read_json(&local_file),
        json!({"permissions": {"allow": ["Bash(touch:*)"], "additionalDirectories": ["extra"]}})
    );
    assert_eq!(
        read_json(&project_file),
        json!({"theme": "light", "permissions": {"deny": ["WebFetch"]}})
    );
    assert_eq!(
        read_json(&user_file),
        json!({"cleanupPeriodDays": 30, "permissions": {"allow": ["Bash(ls:*)"]}})
    );
    assert_eq!(claw.finish(), Some(0));
}

#[test]
fn session_rules_are_replaced_and_removed_without_touching_a_file() {
    let setup = Claw::new(vec![
        bash("toolu_1", "touch a"),
        bash("toolu_2", "touch b"),
        bash("toolu_3", "mkdir c"),
        bash("toolu_4", "touch d"),
        bash("toolu_5", "mkdir e"),
        Reply::text("Done."),
    ]);
    let mut claw = Session::start(&setup, &sdk_args(&["--permission-prompt-tool", "stdio"]));
    claw.user("make things");
    let allow = |updates: Value| json!({"behavior": "allow", "updatedPermissions": updates});
    let session_rule = |kind: &str, content: &str| json!([{"type": kind, "rules": [{"toolName": "Bash", "ruleContent": content}], "behavior": "allow", "destination": "session"}]);
    let mut asked = Vec::new();
    while let Some(ask) = next_ask(&mut claw) {
        let call = ask["request"]["tool_use_id"].as_str().unwrap().to_string();
        let reply = match call.as_str() {
            "toolu_1" => allow(session_rule("addRules", "touch:*")),
            "toolu_3" => allow(session_rule("replaceRules", "mkdir:*")),
            _ => json!({"behavior": "deny", "message": "not now"}),
        };
        claw.send(control_answer(ask["request_id"].as_str().unwrap(), reply));
        asked.push(call);
    }
    assert_eq!(asked, ["toolu_1", "toolu_3", "toolu_4"]);
    for (name, made) in [
        ("a", true),
        ("b", true),
        ("c", true),
        ("d", false),
        ("e", true),
    ] {
        assert_eq!(setup.root().join(name).exists(), made, "{name}");
    }
    assert!(!setup.root().join(".claude/settings.local.json").exists());
    assert!(!setup.root().join(".claude/settings.json").exists());
    assert_eq!(claw.finish(), Some(0));
}

/// A project and a home with one of everything each source brings.
fn project_with_every_source(setup: &Claw, home: &Path) {
    let root = setup.root();
    write(&root.join("CLAUDE.md"), "PROJECT-MEMORY-TEXT");
    write(&root.join("CLAUDE.local.md"), "LOCAL-MEMORY-TEXT");
    write(&home.join(".claude/CLAUDE.md"), "USER-MEMORY-TEXT");
    write(
        &root.join(".claude/commands/review.md"),
        "---\ndescription: Review\n---\nReview it.",
    );
    write(
        &root.join(".claude/agents/explorer.md"),
        "---\ndescription: Explores\n---\nYou explore.",
    );
    write(
        &home.join(".claude/agents/helper.md"),
        "---\ndescription: Helps\n---\nYou help.",
    );
    write(
        &root.join(".mcp.json"),
        r#"{"mcpServers": {"docs": {"command": "claw-no-such-server"}}}"#,
    );
    setup.settings(json!({"hooks": {"UserPromptSubmit": [{"hooks": [
        {"type": "command", "command": "cat > /dev/null; touch hooked-by-project"}
    ]}]}}));
}

fn run_with_sources(setup: &Claw, home: &Path, sources: &str) -> (Value, String) {
    let mut claw = command(
        setup,
        &[
            "-p",
            "hi",
            "--output-format",
            "stream-json",
            "--verbose",
            "--setting-sources",
            sources,
        ],
    );
    claw.env("HOME", home);
    let out = run_command(claw, "");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let requests = setup.server.requests();
    let sent = requests.last().unwrap().body["messages"].to_string();
    (out.of("system", Some("init"))[0].clone(), sent)
}

#[test]
fn setting_sources_limit_memory_commands_agents_mcp_servers_and_hooks() {
    let setup = Claw::new(vec![Reply::text("One."), Reply::text("Two.")]);
    let home = tempfile::tempdir().unwrap();
    project_with_every_source(&setup, home.path());
    let hooked = setup.root().join("hooked-by-project");

    let (init, sent) = run_with_sources(&setup, home.path(), "user");
    assert_eq!(init["agents"], json!(["general-purpose", "helper"]));
    assert_eq!(init["slash_commands"], json!([]));
    assert_eq!(init["mcp_servers"], json!([]));
    assert!(sent.contains("USER-MEMORY-TEXT"), "{sent}");
    assert!(!sent.contains("PROJECT-MEMORY-TEXT") && !sent.contains("LOCAL-MEMORY-TEXT"));
    assert!(
        !hooked.exists(),
        "no project hooks without the project source"
    );

    let (init, sent) = run_with_sources(&setup, home.path(), "project,local");
    assert_eq!(init["agents"], json!(["general-purpose", "explorer"]));
    assert_eq!(init["slash_commands"], json!(["review"]));
    assert_eq!(init["mcp_servers"][0]["name"], "docs");
    assert!(sent.contains("PROJECT-MEMORY-TEXT") && sent.contains("LOCAL-MEMORY-TEXT"));
    assert!(!sent.contains("USER-MEMORY-TEXT"), "{sent}");
    assert!(hooked.exists(), "the project's hooks run with it");
}

#[test]
fn a_fallback_model_that_is_the_main_model_is_bad_usage() {
    let setup = Claw::new(vec![]);
    let out = run_command(
        command(
            &setup,
            &[
                "-p",
                "hi",
                "--model",
                "claude-sonnet-4-6",
                "--fallback-model=claude-sonnet-4-6",
            ],
        ),
        "",
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("--fallback-model claude-sonnet-4-6 is the main model"),
        "{}",
        out.stderr
    );
    assert!(setup.server.requests().is_empty());
}

#[test]
fn an_agent_runs_with_its_own_turn_limit_permission_mode_and_effort() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_1",
            "Task",
            json!({"description": "Touch", "prompt": "Make the file.", "subagent_type": "runner"}),
        ),
        // The sub-agent's one request: a call it may make without asking.
        Reply::tool_use(
            "Making it.",
            "b1",
            "Bash",
            json!({"command": "touch made-by-agent", "description": "Make"}),
        ),
        // The session's own call, in its own (default) mode: nobody is there to allow it.
        bash("b2", "touch made-by-session"),
        Reply::text("Done."),
    ]);
    let flag = r#"{"runner": {"description": "Runs commands", "prompt": "You run commands.", "tools": ["Bash"], "maxTurns": 1, "permissionMode": "bypassPermissions", "effort": "high"}}"#;
    let out = run_command(
        command(
            &setup,
            &[
                "-p",
                "go",
                "--output-format",
                "stream-json",
                "--verbose",
                "--agents",
                flag,
            ],
        ),
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        setup.root().join("made-by-agent").exists(),
        "the agent ran its call in bypassPermissions"
    );
    assert!(
        !setup.root().join("made-by-session").exists(),
        "the session kept its own mode"
    );
    let requests = setup.server.requests();
    assert_eq!(
        requests.len(),
        4,
        "the agent made one request (maxTurns 1), the session three"
    );
    assert!(
        requests[0].body.get("thinking").is_none(),
        "{}",
        requests[0].body
    );
    assert!(
        requests[1].body.get("thinking").is_some(),
        "the agent thinks at its own effort: {}",
        requests[1].body
    );
    assert!(
        requests[2].body.get("thinking").is_none(),
        "{}",
        requests[2].body
    );
    let result = out.of("result", None)[0];
    assert_eq!(
        result["permission_denials"][0]["tool_use_id"], "b2",
        "{result}"
    );
}
