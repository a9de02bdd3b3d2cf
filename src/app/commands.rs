//! Slash commands typed in the input box: which exist, what they do, and where they run (here
//! in the UI, or in the agent, which knows the settings, rules, hooks and memory).

/// Where a command is carried out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runs {
    /// By the reducer itself.
    Ui,
    /// By the agent (sent as `Op::Command`).
    Agent,
}

/// A slash command: its name (without `/`), what it does, where it runs.
#[derive(Debug)]
pub struct SlashCommand {
    pub name: &'static str,
    pub args: &'static str,
    pub description: &'static str,
    pub runs: Runs,
}

/// A command of the user's own (a markdown file), as the popup and the palette list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomEntry {
    pub name: String,
    pub description: String,
    pub argument_hint: String,
}

pub const COMMANDS: &[SlashCommand] = &[
    SlashCommand {
        name: "help",
        args: "",
        description: "list the commands and keys",
        runs: Runs::Ui,
    },
    SlashCommand {
        name: "clear",
        args: "",
        description: "start over: forget the conversation",
        runs: Runs::Ui,
    },
    SlashCommand {
        name: "config",
        args: "",
        description: "the settings in force and the file each came from",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "permissions",
        args: "[remove N]",
        description: "the permission mode and rules; remove a rule by number",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "hooks",
        args: "",
        description: "the hooks configured for each event",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "memory",
        args: "[edit [N]]",
        description: "the memory files in the context; edit one in $EDITOR",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "init",
        args: "",
        description: "ask the model to study the repository and write a CLAW.md",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "model",
        args: "[name]",
        description: "choose the model and thinking effort, or switch to one by name",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "sandbox",
        args: "[on|off]",
        description: "confine Bash commands' writes and network for this session, or stop",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "status",
        args: "",
        description: "model, mode, directory, tokens and cost",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "cost",
        args: "",
        description: "what this session has cost, by model",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "compact",
        args: "[instructions]",
        description: "summarize the conversation to free the context",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "context",
        args: "",
        description: "what fills the context window",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "resume",
        args: "[N | id | words]",
        description: "pick one of this project's saved sessions and continue it",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "rewind",
        args: "[N [conversation|code]]",
        description: "go back to before a prompt: the conversation, the files, or both (Esc Esc)",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "export",
        args: "[file]",
        description: "write the conversation as markdown",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "diff",
        args: "",
        description: "the working tree's git changes, file by file",
        runs: Runs::Ui,
    },
    SlashCommand {
        name: "todos",
        args: "",
        description: "the model's task list",
        runs: Runs::Ui,
    },
    SlashCommand {
        name: "theme",
        args: "[name]",
        description: "switch the colour theme (dark, light, high-contrast)",
        runs: Runs::Ui,
    },
    SlashCommand {
        name: "mcp",
        args: "",
        description: "the MCP servers this project declares",
        runs: Runs::Agent,
    },
    SlashCommand {
        name: "doctor",
        args: "",
        description: "check the setup: API key, server, settings, MCP, terminal",
        runs: Runs::Ui,
    },
    SlashCommand {
        name: "exit",
        args: "",
        description: "quit claw",
        runs: Runs::Ui,
    },
];

/// `/name args` -> the command and its arguments; Err for an unknown name. None when the text
/// isn't a command (doesn't start with `/`, or is a path like `/usr/bin`).
pub fn parse(text: &str) -> Option<Result<(&'static SlashCommand, String), String>> {
    let rest = text.trim().strip_prefix('/')?;
    let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if name.is_empty() || name.contains('/') {
        return None;
    }
    Some(
        COMMANDS
            .iter()
            .find(|c| c.name == name)
            .map(|c| (c, args.trim().to_string()))
            .ok_or_else(|| format!("Unknown command /{name}: type /help for the list")),
    )
}

/// One line of the slash popup: a built-in command or one of the user's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub name: String,
    pub args: String,
    pub description: String,
}

/// The commands a partly typed `/name` could be (the popup shows them while typing), the
/// built-in ones first. None when the input isn't a command being named.
pub fn completions(input: &str, custom: &[CustomEntry]) -> Option<Vec<Completion>> {
    let name = input.strip_prefix('/')?;
    if name.contains(char::is_whitespace) || name.contains('/') {
        return None;
    }
    let builtin = COMMANDS
        .iter()
        .filter(|c| c.name.starts_with(name))
        .map(|c| Completion {
            name: c.name.to_string(),
            args: c.args.to_string(),
            description: c.description.to_string(),
        });
    let own = custom
        .iter()
        .filter(|c| c.name.starts_with(name))
        .map(|c| Completion {
            name: c.name.clone(),
            args: c.argument_hint.clone(),
            description: c.description.clone(),
        });
    Some(builtin.chain(own).collect())
}

/// Every key, for `?` on an empty input: the global ones as bound now, then the fixed ones.
pub fn keys_help(keymap: &crate::app::keymap::Keymap) -> String {
    use crate::app::keymap::GlobalAction;
    let mut out = String::new();
    for action in GlobalAction::ALL {
        let keys = keymap.keys_for(action);
        if keys.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "  {:<22} {}  [{}]\n",
            keys.join(", "),
            action.description(),
            action.name()
        ));
    }
    let (submit, newline) = keymap.input_keys();
    out.push_str(&format!(
        "  {:<22} send the message  [submit]\n",
        submit.join(", ")
    ));
    out.push_str(&format!(
        "  {:<22} new line  [newline]\n",
        newline.join(", ")
    ));
    for (keys, what) in [
        ("Up, Down", "earlier messages (history)"),
        ("Ctrl+R", "search the history"),
        ("Home, End", "start / end of the conversation (empty input)"),
        ("Esc Esc", "rewind to an earlier message (empty input)"),
        ("/", "slash commands (Tab completes)"),
        ("@", "attach a file (fuzzy finder)"),
        ("!command", "run a shell command now"),
        ("?", "this list (empty input)"),
    ] {
        out.push_str(&format!("  {keys:<22} {what}\n"));
    }
    out.push_str(
        "\nApprovals: y yes · a yes for this session · A always (saved) · n no · d no, with a \
         note · Esc no and stop · j/k scroll · [ ] hunks · v layout\n\
         Rebind the first group by the [names] in <config>/claw/keybindings.json, e.g. \
         {\"palette\": \"ctrl+k\"}.",
    );
    out
}

/// The text of `/help`.
pub fn help() -> String {
    let mut out = String::from("Commands:\n");
    for c in COMMANDS {
        let name = if c.args.is_empty() {
            format!("/{}", c.name)
        } else {
            format!("/{} {}", c.name, c.args)
        };
        out.push_str(&format!("  {name:<24} {}\n", c.description));
    }
    out.push_str("\nPress ? on an empty input for every key.");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        let (c, args) = parse("/permissions remove 2").unwrap().unwrap();
        assert_eq!((c.name, args.as_str()), ("permissions", "remove 2"));
        assert_eq!(parse("  /help ").unwrap().unwrap().0.name, "help");
        assert!(parse("/nope").unwrap().unwrap_err().contains("/help"));
        assert!(parse("/usr/bin/env is a path").is_none());
        assert!(parse("no slash").is_none());
        assert!(parse("/").is_none());
        let custom = [CustomEntry {
            name: "review".into(),
            description: "review the diff".into(),
            argument_hint: "[files]".into(),
        }];
        let names = |input: &str| {
            completions(input, &custom)
                .map(|cs| cs.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
        };
        assert_eq!(
            names("/re"),
            Some(vec!["resume".to_string(), "rewind".into(), "review".into()])
        );
        assert_eq!(names("/").map(|n| n.len()), Some(COMMANDS.len() + 1));
        assert_eq!(names("/model x"), None);
        assert_eq!(names("hello"), None);
        assert!(help().contains("/permissions [remove N]"));
        for c in COMMANDS {
            assert_eq!(
                parse(&format!("/{}", c.name)).unwrap().unwrap().0.name,
                c.name
            );
        }
    }
}
