//! Slash commands typed in the input box, as the popup, the palette and `/help` list them: the
//! built-in ones come from the typed table in `protocol::slash_command`, the user's own from
//! their markdown files.

pub use crate::protocol::slash_command::SlashCommand;

/// One built-in command as the lists show it: the table's fields, laid out for reading.
#[derive(Clone, Copy, Debug)]
pub struct Listed {
    pub command: SlashCommand,
    pub name: &'static str,
    pub args: &'static str,
    pub description: &'static str,
}

impl Listed {
    const fn of(command: SlashCommand) -> Listed {
        Listed {
            command,
            name: command.name(),
            args: command.args(),
            description: command.description(),
        }
    }
}

/// One of the user's own commands, as the agent reports it at session start.
pub use crate::protocol::session_start::CommandInfo as CustomEntry;

/// Every built-in command, in the table's order.
pub const COMMANDS: &[Listed] = &listing();

const fn listing() -> [Listed; SlashCommand::ALL.len()] {
    let mut out = [Listed::of(SlashCommand::Help); SlashCommand::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = Listed::of(SlashCommand::ALL[i]);
        i += 1;
    }
    out
}

/// The listing of one built-in command.
pub fn listed(command: SlashCommand) -> &'static Listed {
    // COMMANDS is SlashCommand::ALL laid out, and ALL lists every variant in declaration order
    // (the table's tests check it), so the fallback is never taken.
    COMMANDS
        .iter()
        .find(|c| c.command == command)
        .unwrap_or(&COMMANDS[0])
}

/// `/name args` -> the command and its arguments; Err for an unknown name. None when the text
/// isn't a command (doesn't start with `/`, or is a path like `/usr/bin`).
pub fn parse(text: &str) -> Option<Result<(&'static Listed, String), String>> {
    let (name, args) = crate::protocol::slash_command::invocation(text)?;
    Some(
        SlashCommand::from_name(name)
            .map(|c| (listed(c), args.to_string()))
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
    let interrupt = keymap.key_for(GlobalAction::Interrupt);
    let twice = format!("{interrupt} {interrupt}");
    for (keys, what) in [
        ("Up, Down", "earlier messages (history)"),
        ("Ctrl+R", "search the history"),
        ("Home, End", "start / end of the conversation (empty input)"),
        (twice.as_str(), "rewind to an earlier message (empty input)"),
        ("/", "slash commands (Tab completes)"),
        ("@", "attach a file or an MCP resource (fuzzy finder)"),
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
    let names: Vec<String> = COMMANDS
        .iter()
        .map(|c| {
            if c.args.is_empty() {
                format!("/{}", c.name)
            } else {
                format!("/{} {}", c.name, c.args)
            }
        })
        .collect();
    // One column for the names, as wide as the longest, so every description lines up.
    let column = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    for (c, name) in COMMANDS.iter().zip(&names) {
        out.push_str(&format!("  {name:<column$}  {}\n", c.description));
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

    #[test]
    fn every_description_in_help_starts_in_the_same_column() {
        let help = help();
        let columns: std::collections::BTreeSet<usize> = help
            .lines()
            .filter(|l| l.starts_with("  /"))
            .map(|l| {
                let name_end = l[2..].find("  ").unwrap() + 2;
                name_end + l[name_end..].len() - l[name_end..].trim_start().len()
            })
            .collect();
        assert_eq!(columns.len(), 1, "{help}");
        assert!(help.contains("/rewind [N [conversation|code]]  "), "{help}");
    }
}
