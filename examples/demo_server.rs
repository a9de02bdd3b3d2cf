//! An offline, scripted Anthropic-compatible server for trying claw without an API key:
//!
//!     cargo run --example demo_server [-- --port 8765]
//!     ANTHROPIC_BASE_URL=http://127.0.0.1:8765 cargo run --release
//!
//! It plays a small tool-using session that works in any directory, deciding each reply from
//! the conversation so far: a markdown answer and a Glob, then a Write of `claw-demo.md` (shown
//! to you as a diff), an Edit of it, a Bash `cat`, and a summary. A denied tool gets an
//! acknowledgement. A prompt containing "long" streams a long answer to try Esc on; `run: CMD`
//! asks to run CMD; `call: TOOL {JSON}` calls any tool (an MCP server's); `task: CMD` has a
//! sub-agent ask to run CMD and report; `ask:` asks you two questions (the second
//! multi-select) in the choice dialog.

use std::time::Duration;

use fake_server::{FakeServer, RecordedRequest, Reply};
use serde_json::{Value, json};

const PACE: Duration = Duration::from_millis(15);

const INTRO: &str = "## Let's look around\n\nI'll show what claw does:\n\n1. **find** files with `Glob`\n2. **write** a new file (you approve the diff)\n3. **edit** it, then **run** a command\n\n```rust\nfn main() {\n    println!(\"hello from the demo\");\n}\n```\n\nFirst, the markdown files here:";

const DEMO_FILE: &str = "# claw demo\n\nThis file was written by claw's offline demo.\n\n- status: draft\n- tools: Glob, Write, Edit, Bash\n";

fn main() -> std::io::Result<()> {
    let port = std::env::args()
        .skip_while(|a| a != "--port")
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0u16);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let server = FakeServer::with_handler(port, |request| reply(request).paced(PACE)).await?;
        println!("ANTHROPIC_BASE_URL={}", server.base_url());
        println!("(the demo server is running; Ctrl+C stops it)");
        tokio::signal::ctrl_c().await
    })
}

/// The tool_result blocks of the last user message, as (tool_use_id, is_error, content); over
/// Chat Completions, the `tool` messages that end the conversation.
fn results(request: &RecordedRequest) -> Vec<(String, bool, String)> {
    if let Some(messages) = request.body["messages"].as_array()
        && messages.last().is_some_and(|m| m["role"] == "tool")
    {
        let mut tools: Vec<_> = messages
            .iter()
            .rev()
            .take_while(|m| m["role"] == "tool")
            .map(|m| {
                let content = m["content"].as_str().unwrap_or("").to_string();
                let id = m["tool_call_id"].as_str().unwrap_or("").to_string();
                (id, content.starts_with("Error: "), content)
            })
            .collect();
        tools.reverse();
        return tools;
    }
    request
        .last_message()
        .and_then(|m| m["content"].as_array())
        .map(|blocks| {
            blocks
                .iter()
                .filter(|b| b["type"] == "tool_result")
                .map(|b| {
                    (
                        b["tool_use_id"].as_str().unwrap_or("").to_string(),
                        b["is_error"].as_bool().unwrap_or(false),
                        b["content"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn last_user_text(request: &RecordedRequest) -> String {
    match request.last_message().map(|m| &m["content"]) {
        // Chat Completions: one string, claw's session context first.
        Some(Value::String(s)) => match s.split_once("</system-reminder>\n") {
            Some((_, said)) if s.starts_with("<system-reminder>") => said.to_string(),
            _ => s.clone(),
        },
        Some(Value::Array(blocks)) => blocks
            .iter()
            .filter(|b| b["type"] == "text")
            .filter_map(|b| b["text"].as_str())
            // claw's own notes (the session context, plan mode) are not the user's words.
            .filter(|t| {
                !t.starts_with("<system-reminder>") && !t.starts_with("[The user interrupted")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

fn reply(request: &RecordedRequest) -> Reply {
    let results = results(request);
    let Some((id, is_error, content)) = results.last() else {
        let prompt = last_user_text(request);
        if prompt.to_lowercase().contains("long") {
            return Reply::text(&long_answer());
        }
        // `run: COMMAND` has the model ask for exactly that command (to try permissions).
        if let Some(command) = prompt.strip_prefix("run:") {
            return Reply::tool_use(
                "",
                "demo_run",
                "Bash",
                json!({"command": command.trim(), "description": "The command you asked for"}),
            );
        }
        // `call: TOOL {json}` has the model call any tool (an MCP server's, to try them).
        if let Some(call) = prompt.strip_prefix("call:") {
            let (tool, input) = call.trim().split_once(' ').unwrap_or((call.trim(), "{}"));
            let input = serde_json::from_str(input).unwrap_or_else(|_| json!({}));
            return Reply::tool_use("", "demo_call", tool, input);
        }
        if let Some(command) = prompt.strip_prefix("task:") {
            return Reply::tool_use(
                "I'll hand this to a sub-agent.",
                "demo_task",
                "Task",
                json!({"description": "Run a command", "prompt": format!("run: {}", command.trim())}),
            );
        }
        if prompt.starts_with("ask:") {
            return Reply::tool_use(
                "",
                "demo_ask",
                "AskUserQuestion",
                json!({"questions": [
                    {"question": "Which colour should the demo use?", "header": "Colour",
                     "options": [
                        {"label": "red", "description": "Warm and loud"},
                        {"label": "green", "description": "Calm"},
                        {"label": "blue"}]},
                    {"question": "Which parts need tests?", "header": "Tests", "multiSelect": true,
                     "options": [{"label": "The UI"}, {"label": "The agent"}, {"label": "The tools"}]}
                ]}),
            );
        }
        return Reply::tool_use(INTRO, "demo_glob", "Glob", json!({"pattern": "*.md"}));
    };
    if *is_error {
        return Reply::text(&format!(
            "Understood, I won't do that. The tool said:\n\n> {}\n\nAsk me anything else.",
            content.lines().next().unwrap_or("")
        ));
    }
    match id.as_str() {
        "demo_run" => Reply::text(&format!("It printed:\n\n```\n{content}\n```")),
        "demo_task" => Reply::text(&format!("The sub-agent reported:\n\n{content}")),
        "demo_ask" => Reply::text(&format!("Noted. {content}")),
        "demo_glob" => Reply::tool_use(
            &format!(
                "{}. Now I'll write `claw-demo.md`; you'll see the diff first.",
                found_files(content)
            ),
            "demo_write",
            "Write",
            json!({"file_path": "claw-demo.md", "content": DEMO_FILE}),
        ),
        "demo_write" => Reply::tool_use(
            "Written. Now a small edit:",
            "demo_edit",
            "Edit",
            json!({"file_path": "claw-demo.md", "old_string": "- status: draft", "new_string": "- status: edited by claw"}),
        ),
        "demo_edit" => Reply::tool_use(
            "And a command to show the result:",
            "demo_cat",
            "Bash",
            json!({"command": "cat claw-demo.md", "description": "Show the demo file"}),
        ),
        _ => Reply::text(
            "## Done\n\n| step | tool |\n|---|---|\n| looked around | Glob |\n| wrote a file | Write |\n| edited it | Edit |\n| showed it | Bash |\n\nDelete `claw-demo.md` whenever you like.",
        ),
    }
}

/// What the model says about a Glob result: its file lines counted, "No files found" (and the
/// "(N more not shown…)" note) read as what they say rather than as file names.
fn found_files(glob_output: &str) -> String {
    let mut files = 0;
    let mut more = 0;
    for line in glob_output.lines().map(str::trim) {
        if line.is_empty() || line == "No files found" {
            continue;
        }
        match line.strip_prefix('(').and_then(|l| l.split_once(' ')) {
            Some((n, rest)) if rest.starts_with("more") => more += n.parse::<usize>().unwrap_or(0),
            _ => files += 1,
        }
    }
    match files + more {
        0 => "No markdown files here".into(),
        1 => "Found 1 file".into(),
        n => format!("Found {n} files"),
    }
}

fn long_answer() -> String {
    let mut out = String::from("## A long answer\n\nPress **Esc** at any time to stop it.\n\n");
    for i in 1..=120 {
        out.push_str(&format!(
            "{i}. Paragraph {i} of a long streamed answer, which keeps going so there is time to interrupt it.\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::found_files;

    #[test]
    fn the_count_agrees_with_what_glob_reported() {
        assert_eq!(found_files("No files found"), "No markdown files here");
        assert_eq!(found_files("README.md"), "Found 1 file");
        assert_eq!(found_files("README.md\ndocs/a.md\n"), "Found 2 files");
        assert_eq!(
            found_files("a.md\n(3 more not shown; narrow the pattern)"),
            "Found 4 files"
        );
    }
}
