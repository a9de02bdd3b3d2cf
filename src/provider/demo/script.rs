//! The demo's script: what the scripted model says next, decided from the conversation so far
//! (the user's last words, or the results of the tool it last called). The built-in `demo`
//! provider plays it in-process; `examples/demo_server.rs` serves the same script over HTTP.

use serde_json::{Value, json};

/// What the script reads from the conversation's last message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Said {
    /// The user's words (claw's own notes left out), when the last message is theirs.
    pub prompt: String,
    /// The results of the scripted calls, in order, when the last message answers them.
    pub results: Vec<ToolResult>,
    /// How many messages came before: makes each call's id unique in the conversation.
    pub serial: usize,
}

/// One tool result, as the model gets it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ToolResult {
    pub call_id: String,
    pub is_error: bool,
    pub content: String,
}

/// The scripted model's next message: markdown, then at most one tool call.
#[derive(Clone, Debug, PartialEq)]
pub struct Scripted {
    pub text: String,
    pub call: Option<Call>,
}

/// A tool call of the script.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub id: String,
    pub name: String,
    pub input: Value,
}

/// The file the tour writes, edits and shows.
pub const DEMO_FILE_NAME: &str = "claw-demo.md";

const INTRO: &str = "## Let's look around\n\nI'll show what claw does:\n\n1. **find** files with `Glob`\n2. **write** a new file (you approve the diff)\n3. **edit** it, then **run** a command\n\n```rust\nfn main() {\n    println!(\"hello from the demo\");\n}\n```\n\nFirst, the markdown files here:";

const DEMO_FILE: &str = "# claw demo\n\nThis file was written by claw's offline demo.\n\n- status: draft\n- tools: Glob, Write, Edit, Bash\n";

const DONE: &str = "## Done\n\n| step | tool |\n|---|---|\n| looked around | Glob |\n| wrote a file | Write |\n| edited it | Edit |\n| showed it | Bash |\n\nDelete `claw-demo.md` whenever you like.";

/// The user's words in a text claw sent: claw's own notes (the session context, plan mode,
/// an interruption) are not what the user said. The context may lead the same text
/// (Chat Completions joins them in one string).
pub fn user_words(text: &str) -> Option<&str> {
    if text.starts_with("[The user interrupted") || text.starts_with("[Request interrupted by user")
    {
        return None;
    }
    match text.strip_prefix("<system-reminder>") {
        Some(rest) => rest
            .split_once("</system-reminder>\n")
            .map(|(_, said)| said)
            .filter(|said| !said.trim().is_empty() && !said.starts_with("<system-reminder>")),
        None => Some(text),
    }
}

/// What the scripted model answers to `said`.
pub fn reply(said: &Said) -> Scripted {
    let call = |step: &str, name: &str, input: Value| {
        Some(Call {
            id: format!("demo_{step}-{}", said.serial),
            name: name.into(),
            input,
        })
    };
    let say = |text: &str| Scripted {
        text: text.to_string(),
        call: None,
    };
    let Some(result) = said.results.last() else {
        let prompt = said.prompt.trim();
        if prompt.to_lowercase().contains("long") {
            return say(&long_answer());
        }
        // `run: COMMAND` has the model ask for exactly that command (to try permissions).
        if let Some(command) = prompt.strip_prefix("run:") {
            return Scripted {
                text: String::new(),
                call: call(
                    "run",
                    "Bash",
                    json!({"command": command.trim(), "description": "The command you asked for"}),
                ),
            };
        }
        // `call: TOOL {json}` has the model call any tool (an MCP server's, to try them).
        if let Some(asked) = prompt.strip_prefix("call:") {
            let (tool, input) = asked.trim().split_once(' ').unwrap_or((asked.trim(), "{}"));
            let input = serde_json::from_str(input).unwrap_or_else(|_| json!({}));
            return Scripted {
                text: String::new(),
                call: call("call", tool, input),
            };
        }
        if let Some(command) = prompt.strip_prefix("task:") {
            return Scripted {
                text: "I'll hand this to a sub-agent.".into(),
                call: call(
                    "task",
                    "Task",
                    json!({"description": "Run a command", "prompt": format!("run: {}", command.trim())}),
                ),
            };
        }
        if prompt.starts_with("ask:") {
            return Scripted {
                text: String::new(),
                call: call("ask", "AskUserQuestion", questions()),
            };
        }
        return Scripted {
            text: INTRO.into(),
            call: call("glob", "Glob", json!({"pattern": "*.md"})),
        };
    };
    let content = result.content.as_str();
    if result.is_error {
        return say(&format!(
            "Understood, I won't do that. The tool said:\n\n> {}\n\nAsk me anything else.",
            content.lines().next().unwrap_or("")
        ));
    }
    let step = result
        .call_id
        .strip_prefix("demo_")
        .and_then(|rest| rest.split('-').next())
        .unwrap_or("");
    match step {
        "run" => say(&format!("It printed:\n\n```\n{content}\n```")),
        "task" => say(&format!("The sub-agent reported:\n\n{content}")),
        "call" => say(&format!("The tool answered:\n\n{content}")),
        "ask" => say(&format!("Noted. {content}")),
        "glob" => Scripted {
            text: format!(
                "{}. Now I'll write `{DEMO_FILE_NAME}`; you'll see the diff first.",
                found_files(content)
            ),
            call: call(
                "write",
                "Write",
                json!({"file_path": DEMO_FILE_NAME, "content": DEMO_FILE}),
            ),
        },
        "write" => Scripted {
            text: "Written. Now a small edit:".into(),
            call: call(
                "edit",
                "Edit",
                json!({"file_path": DEMO_FILE_NAME, "old_string": "- status: draft", "new_string": "- status: edited by claw"}),
            ),
        },
        "edit" => Scripted {
            text: "And a command to show the result:".into(),
            call: call(
                "cat",
                "Bash",
                json!({"command": format!("cat {DEMO_FILE_NAME}"), "description": "Show the demo file"}),
            ),
        },
        _ => say(DONE),
    }
}

/// AskUserQuestion's input for `ask:`: two questions, the second multi-select.
fn questions() -> Value {
    json!({"questions": [
        {"question": "Which colour should the demo use?", "header": "Colour",
         "options": [
            {"label": "red", "description": "Warm and loud"},
            {"label": "green", "description": "Calm"},
            {"label": "blue"}]},
        {"question": "Which parts need tests?", "header": "Tests", "multiSelect": true,
         "options": [{"label": "The UI"}, {"label": "The agent"}, {"label": "The tools"}]}
    ]})
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
    use super::*;

    fn after(call: &Call, content: &str, is_error: bool) -> Scripted {
        reply(&Said {
            results: vec![ToolResult {
                call_id: call.id.clone(),
                is_error,
                content: content.into(),
            }],
            serial: 9,
            ..Said::default()
        })
    }

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

    #[test]
    fn the_tour_goes_glob_write_edit_bash_then_sums_up() {
        let first = reply(&Said {
            prompt: "hello".into(),
            ..Said::default()
        });
        assert!(first.text.contains("```rust"), "{}", first.text);
        let mut call = first.call.unwrap();
        let mut names = vec![call.name.clone()];
        loop {
            let next = after(&call, "README.md", false);
            match next.call {
                Some(c) => {
                    names.push(c.name.clone());
                    call = c;
                }
                None => {
                    assert!(next.text.contains("## Done"), "{}", next.text);
                    break;
                }
            }
        }
        assert_eq!(names, ["Glob", "Write", "Edit", "Bash"]);
    }

    #[test]
    fn a_denied_call_is_acknowledged_and_the_prompts_choose_the_path() {
        let said = |prompt: &str| {
            reply(&Said {
                prompt: prompt.into(),
                serial: 3,
                ..Said::default()
            })
        };
        let run = said("run: ls -la").call.unwrap();
        assert_eq!((run.name.as_str(), run.id.as_str()), ("Bash", "demo_run-3"));
        assert_eq!(run.input["command"], "ls -la");
        let denied = after(&run, "The user denied this", true);
        assert!(denied.text.contains("I won't do that"), "{}", denied.text);
        assert_eq!(said("ask: colours").call.unwrap().name, "AskUserQuestion");
        assert_eq!(said("task: ls").call.unwrap().input["prompt"], "run: ls");
        let any = said(r#"call: mcp__everything__echo {"message": "hi"}"#)
            .call
            .unwrap();
        assert_eq!(
            (any.name.as_str(), any.input["message"].as_str()),
            ("mcp__everything__echo", Some("hi"))
        );
        let long = said("a long one");
        assert!(long.call.is_none() && long.text.lines().count() > 100);
    }

    #[test]
    fn claws_own_notes_are_not_the_users_words() {
        assert_eq!(user_words("hello"), Some("hello"));
        assert_eq!(
            user_words("<system-reminder>cwd: /p</system-reminder>\nhello"),
            Some("hello")
        );
        assert_eq!(
            user_words("<system-reminder>plan mode</system-reminder>"),
            None
        );
        assert_eq!(user_words("[The user interrupted the answer]"), None);
        assert_eq!(
            user_words("[Request interrupted by user for tool use]"),
            None
        );
    }
}
