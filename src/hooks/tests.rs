//! Hook configuration, matching and outcomes, with real shell commands.

use std::path::Path;
use std::time::Instant;

use serde_json::json;

use super::*;

fn hooks(config: serde_json::Value) -> Hooks {
    let (hooks, warnings) = Hooks::from_settings(Some(&config));
    assert!(warnings.is_empty(), "{warnings:?}");
    hooks
}

#[test]
fn config_matchers_and_warnings() {
    let h = hooks(json!({
        "PreToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "a"}]},
            {"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "b", "timeout": 5}]},
            {"hooks": [{"type": "command", "command": "c"}]}
        ],
        "Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "d"}]}]
    }));
    let names = |event: &str, target: &str| -> Vec<String> {
        h.matching(event, Some(target))
            .iter()
            .map(|c| c.command.clone())
            .collect()
    };
    assert_eq!(names("PreToolUse", "Bash"), vec!["a", "c"]);
    assert_eq!(names("PreToolUse", "Write"), vec!["b", "c"]);
    assert_eq!(
        names("PreToolUse", "Bashful"),
        vec!["c"],
        "matchers match whole names"
    );
    assert_eq!(names("Stop", "x"), vec!["d"]);
    assert_eq!(
        h.matching("PreToolUse", Some("Edit"))[0].timeout,
        std::time::Duration::from_secs(5)
    );
    let (_, warnings) = Hooks::from_settings(Some(&json!({
        "PreToolUse": [{"matcher": "(", "hooks": [{"command": "x"}]}],
        "OnLunch": [],
        "Stop": [{"hooks": [{"type": "command"}]}]
    })));
    assert_eq!(warnings.len(), 3, "{warnings:?}");
}

#[tokio::test]
async fn exit_two_blocks_with_stderr() {
    let h = hooks(
        json!({"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command",
        "command": "input=$(cat); case \"$input\" in *'rm -rf'*) echo 'no rm -rf here' >&2; exit 2;; esac; exit 0"}]}]}),
    );
    let cwd = std::env::temp_dir();
    let blocked = h
        .fire(
            "PreToolUse",
            Some("Bash"),
            &json!({"tool_name": "Bash", "tool_input": {"command": "rm -rf /"}}),
            &cwd,
        )
        .await;
    assert_eq!(blocked.blocked.as_deref(), Some("no rm -rf here"));
    let passed = h
        .fire(
            "PreToolUse",
            Some("Bash"),
            &json!({"tool_name": "Bash", "tool_input": {"command": "ls"}}),
            &cwd,
        )
        .await;
    assert_eq!(passed.blocked, None);
    assert_eq!(passed.runs.len(), 1);
    assert_eq!(passed.runs[0].exit, Some(0));
}

#[tokio::test]
async fn json_output_is_honoured() {
    let h = hooks(
        json!({"PreToolUse": [{"hooks": [{"type": "command", "command":
        r#"echo '{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "allow", "permissionDecisionReason": "safe", "updatedInput": {"command": "ls -la"}}, "systemMessage": "rewrote it"}'"#}]}]}),
    );
    let out = h
        .fire("PreToolUse", Some("Bash"), &json!({}), Path::new("/"))
        .await;
    assert_eq!(out.permission, Some(("allow".into(), "safe".into())));
    assert_eq!(out.updated_input, Some(json!({"command": "ls -la"})));
    assert_eq!(out.messages, vec!["rewrote it"]);
    let stop = hooks(json!({"Stop": [{"hooks": [{"type": "command", "command":
        r#"echo '{"decision": "block", "reason": "run the tests first"}'"#}]}]}));
    let out = stop.fire("Stop", None, &json!({}), Path::new("/")).await;
    assert_eq!(out.blocked.as_deref(), Some("run the tests first"));
    let halt = hooks(
        json!({"PostToolUse": [{"hooks": [{"type": "command", "command":
        r#"echo '{"continue": false, "stopReason": "enough"}'"#}]}]}),
    );
    assert_eq!(
        halt.fire("PostToolUse", Some("Edit"), &json!({}), Path::new("/"))
            .await
            .stop
            .as_deref(),
        Some("enough")
    );
}

#[tokio::test]
async fn prompt_hooks_add_context_from_stdout() {
    let h = hooks(json!({"UserPromptSubmit": [{"hooks": [
        {"type": "command", "command": "echo 'The build uses make.'"},
        {"type": "command", "command": "cat > /dev/null; echo 'Second context.'"}
    ]}]}));
    let out = h
        .fire(
            "UserPromptSubmit",
            None,
            &json!({"prompt": "hi"}),
            Path::new("/"),
        )
        .await;
    assert_eq!(out.context, vec!["The build uses make.", "Second context."]);
}

#[tokio::test]
async fn a_hanging_hook_times_out_and_others_still_count() {
    let h = hooks(json!({"UserPromptSubmit": [{"hooks": [
        {"type": "command", "command": "sleep 30", "timeout": 0.3},
        {"type": "command", "command": "echo fast"}
    ]}]}));
    let started = Instant::now();
    let out = h
        .fire("UserPromptSubmit", None, &json!({}), Path::new("/"))
        .await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "hooks run in parallel and time out"
    );
    assert_eq!(out.context, vec!["fast"]);
    assert!(out.messages[0].contains("timed out"), "{:?}", out.messages);
    assert!(out.runs[0].timed_out);
}

#[tokio::test]
async fn the_event_arrives_on_stdin() {
    let h = hooks(
        json!({"PostToolUse": [{"hooks": [{"type": "command", "command": "cat >&2; exit 2"}]}]}),
    );
    let input = json!({"hook_event_name": "PostToolUse", "tool_name": "Edit"});
    let out = h
        .fire("PostToolUse", Some("Edit"), &input, Path::new("/"))
        .await;
    let echoed: serde_json::Value = serde_json::from_str(out.blocked.as_deref().unwrap()).unwrap();
    assert_eq!(echoed, input);
}

#[test]
fn matchers_name_mcp_tools_as_claude_code_does() {
    let h = hooks(json!({
        "PreToolUse": [
            {"matcher": "mcp__memory__.*", "hooks": [{"type": "command", "command": "all"}]},
            {"matcher": "mcp__.*__write.*", "hooks": [{"type": "command", "command": "writes"}]}
        ]
    }));
    let names = |target: &str| -> Vec<String> {
        h.matching("PreToolUse", Some(target))
            .iter()
            .map(|c| c.command.clone())
            .collect()
    };
    assert_eq!(names("mcp__memory__create_entities"), vec!["all"]);
    assert_eq!(names("mcp__fs__write_file"), vec!["writes"]);
    assert!(names("mcp__memoryx__read").is_empty());
}

#[tokio::test]
async fn a_hook_that_prints_without_end_is_cut_and_still_finishes() {
    // 64 MiB on stdout and on stderr: kept to the cap each, and the hook isn't stalled.
    let h = hooks(json!({"Stop": [{"hooks": [{"type": "command",
        "command": "yes a | head -c 67108864; head -c 67108864 /dev/zero >&2; exit 0"}]}]}));
    let fired = h
        .fire("Stop", None, &json!({}), &std::env::temp_dir())
        .await;
    let run = &fired.runs[0];
    assert_eq!(run.exit, Some(0), "{run:?}");
    assert!(
        run.stdout.len() < super::run::MAX_HOOK_OUTPUT + 100,
        "{}",
        run.stdout.len()
    );
    assert!(run.stdout.starts_with("a\na\n"));
    assert!(
        run.stdout.ends_with("more bytes]"),
        "{}",
        &run.stdout[run.stdout.len() - 60..]
    );
    assert!(run.stderr.len() < super::run::MAX_HOOK_OUTPUT + 100);
}
