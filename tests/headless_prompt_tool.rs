//! `claw -p --permission-prompt-tool mcp__perm__approve`: approvals no rule decides are asked
//! of an MCP tool (a small stdio server), as Claude Code does: an allow runs the call with the
//! tool's updated input, a deny tells the model the tool's message, and an answer that is not
//! JSON denies with the reason; denials are reported in the result.

mod support;

use std::path::Path;

use fake_server::Reply;
use serde_json::{Value, json};
use support::claw::Claw;
use support::headless::run;

/// `--mcp-config` for the scripted permission server.
fn perm_server() -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/permission-server.js");
    json!({"mcpServers": {"perm": {"command": "node", "args": [script]}}}).to_string()
}

/// The tool result the model got for call `id`.
fn tool_result(setup: &Claw, id: &str) -> Value {
    setup
        .server
        .requests()
        .iter()
        .flat_map(|r| r.body["messages"].as_array().cloned().unwrap_or_default())
        .flat_map(|m| m["content"].as_array().cloned().unwrap_or_default())
        .find(|b| b["type"] == "tool_result" && b["tool_use_id"] == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
}

#[test]
fn an_mcp_tool_allows_one_call_denies_another_and_a_garbled_answer_denies() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_bash",
            "Bash",
            json!({"command": "echo original > made.txt", "description": "Make"}),
        ),
        Reply::tool_use(
            "",
            "toolu_write",
            "Write",
            json!({"file_path": "w.txt", "content": "hi"}),
        ),
        Reply::tool_use(
            "",
            "toolu_garbled",
            "Bash",
            json!({"command": "echo garbled > g.txt"}),
        ),
        Reply::text("All asked."),
    ]);
    let config = perm_server();
    let out = run(
        &setup,
        &[
            "-p",
            "do things",
            "--output-format",
            "json",
            "--mcp-config",
            &config,
            "--permission-prompt-tool",
            "mcp__perm__approve",
        ],
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let root = setup.root();
    let made = std::fs::read_to_string(root.join("made.txt")).expect("Bash was allowed");
    assert_eq!(made.trim(), "changed", "with the tool's updated input");
    assert!(!root.join("w.txt").exists(), "Write was denied");
    assert!(!root.join("g.txt").exists(), "the garbled answer denied");
    let denied = tool_result(&setup, "toolu_write").to_string();
    assert!(
        denied.contains("no writes on CI (toolu_write, w.txt)"),
        "the tool got the call's name, input and id, and its message reached the model: {denied}"
    );
    let garbled = tool_result(&setup, "toolu_garbled").to_string();
    assert!(
        garbled.contains("mcp__perm__approve") && garbled.contains("not a JSON object"),
        "{garbled}"
    );
    let result = &out.lines[0];
    assert_eq!(result["result"], "All asked.");
    let denials: Vec<&str> = result["permission_denials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["tool_use_id"].as_str().unwrap())
        .collect();
    assert_eq!(denials, ["toolu_write", "toolu_garbled"]);
}

#[test]
fn a_prompt_tool_no_server_offers_denies_and_says_why() {
    let setup = Claw::new(vec![
        Reply::tool_use(
            "",
            "toolu_bash",
            "Bash",
            json!({"command": "touch made", "description": "Make"}),
        ),
        Reply::text("Not allowed."),
    ]);
    let config = perm_server();
    let out = run(
        &setup,
        &[
            "-p",
            "make it",
            "--output-format",
            "json",
            "--mcp-config",
            &config,
            "--permission-prompt-tool",
            "mcp__perm__missing",
        ],
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(!setup.root().join("made").exists());
    let denied = tool_result(&setup, "toolu_bash").to_string();
    assert!(
        denied.contains("mcp__perm__missing") && denied.contains("no MCP server"),
        "{denied}"
    );
    assert!(out.stderr.contains("mcp__perm__missing"), "{}", out.stderr);
    let bad = run(
        &setup,
        &["-p", "x", "--permission-prompt-tool", "approve"],
        "",
    );
    assert_eq!(
        bad.code,
        Some(2),
        "a name that is neither stdio nor an MCP tool"
    );
    assert!(
        bad.stderr.contains("mcp__<server>__<tool>"),
        "{}",
        bad.stderr
    );
}
