//! The built-in slash commands as one typed table: each command's name, aliases, argument hint,
//! description and where it runs. The UI's popup, palette and reducer and the agent's dispatcher
//! all read it; user-defined commands (`.claude/commands/*.md`) are not in it.

use serde::{Deserialize, Serialize};

/// Where a built-in command is carried out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runs {
    /// By the reducer itself.
    Ui,
    /// By the agent (sent as `Op::Command`), which holds what it shows or changes.
    Agent,
    /// By the reducer when typed bare (it opens a picker), by the agent when given arguments.
    Both,
}

/// A built-in slash command (on the wire by its name: `"permissions"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlashCommand {
    Help,
    Clear,
    Config,
    Permissions,
    Hooks,
    Memory,
    Init,
    Model,
    Sandbox,
    Status,
    Cost,
    Compact,
    Context,
    Resume,
    Rewind,
    Export,
    Diff,
    Todos,
    Theme,
    Mcp,
    Doctor,
    Exit,
}

impl SlashCommand {
    /// Every built-in command, in the order `/help`, the popup and the palette list them.
    pub const ALL: [SlashCommand; 22] = [
        SlashCommand::Help,
        SlashCommand::Clear,
        SlashCommand::Config,
        SlashCommand::Permissions,
        SlashCommand::Hooks,
        SlashCommand::Memory,
        SlashCommand::Init,
        SlashCommand::Model,
        SlashCommand::Sandbox,
        SlashCommand::Status,
        SlashCommand::Cost,
        SlashCommand::Compact,
        SlashCommand::Context,
        SlashCommand::Resume,
        SlashCommand::Rewind,
        SlashCommand::Export,
        SlashCommand::Diff,
        SlashCommand::Todos,
        SlashCommand::Theme,
        SlashCommand::Mcp,
        SlashCommand::Doctor,
        SlashCommand::Exit,
    ];

    /// The name typed after `/`.
    pub const fn name(self) -> &'static str {
        match self {
            SlashCommand::Help => "help",
            SlashCommand::Clear => "clear",
            SlashCommand::Config => "config",
            SlashCommand::Permissions => "permissions",
            SlashCommand::Hooks => "hooks",
            SlashCommand::Memory => "memory",
            SlashCommand::Init => "init",
            SlashCommand::Model => "model",
            SlashCommand::Sandbox => "sandbox",
            SlashCommand::Status => "status",
            SlashCommand::Cost => "cost",
            SlashCommand::Compact => "compact",
            SlashCommand::Context => "context",
            SlashCommand::Resume => "resume",
            SlashCommand::Rewind => "rewind",
            SlashCommand::Export => "export",
            SlashCommand::Diff => "diff",
            SlashCommand::Todos => "todos",
            SlashCommand::Theme => "theme",
            SlashCommand::Mcp => "mcp",
            SlashCommand::Doctor => "doctor",
            SlashCommand::Exit => "exit",
        }
    }

    /// Other names that run the same command. None of today's commands has one; an alias
    /// added here is understood by the UI and the agent alike.
    pub const fn aliases(self) -> &'static [&'static str] {
        match self {
            SlashCommand::Help
            | SlashCommand::Clear
            | SlashCommand::Config
            | SlashCommand::Permissions
            | SlashCommand::Hooks
            | SlashCommand::Memory
            | SlashCommand::Init
            | SlashCommand::Model
            | SlashCommand::Sandbox
            | SlashCommand::Status
            | SlashCommand::Cost
            | SlashCommand::Compact
            | SlashCommand::Context
            | SlashCommand::Resume
            | SlashCommand::Rewind
            | SlashCommand::Export
            | SlashCommand::Diff
            | SlashCommand::Todos
            | SlashCommand::Theme
            | SlashCommand::Mcp
            | SlashCommand::Doctor
            | SlashCommand::Exit => &[],
        }
    }

    /// The arguments it takes, as the popup and `/help` show them ("" for none).
    pub const fn args(self) -> &'static str {
        match self {
            SlashCommand::Permissions => "[remove N]",
            SlashCommand::Memory => "[edit [N]]",
            SlashCommand::Model => "[name]",
            SlashCommand::Sandbox => "[on|off]",
            SlashCommand::Compact => "[instructions]",
            SlashCommand::Resume => "[N | id | words]",
            SlashCommand::Rewind => "[N [conversation|code]]",
            SlashCommand::Export => "[file]",
            SlashCommand::Mcp => "[reconnect|approve|deny NAME]",
            SlashCommand::Theme => "[name]",
            SlashCommand::Help
            | SlashCommand::Clear
            | SlashCommand::Config
            | SlashCommand::Hooks
            | SlashCommand::Init
            | SlashCommand::Status
            | SlashCommand::Cost
            | SlashCommand::Context
            | SlashCommand::Diff
            | SlashCommand::Todos
            | SlashCommand::Doctor
            | SlashCommand::Exit => "",
        }
    }

    /// What it does, in a line.
    pub const fn description(self) -> &'static str {
        match self {
            SlashCommand::Help => "list the commands and keys",
            SlashCommand::Clear => "start over: forget the conversation",
            SlashCommand::Config => "the settings in force and the file each came from",
            SlashCommand::Permissions => "the permission mode and rules; remove a rule by number",
            SlashCommand::Hooks => "the hooks configured for each event",
            SlashCommand::Memory => "the memory files in the context; edit one in $EDITOR",
            SlashCommand::Init => "ask the model to study the repository and write a CLAW.md",
            SlashCommand::Model => "choose the model and thinking effort, or switch to one by name",
            SlashCommand::Sandbox => {
                "confine Bash commands' writes and network for this session, or stop"
            }
            SlashCommand::Status => "model, mode, directory, tokens and cost",
            SlashCommand::Cost => "what this session has cost, by model",
            SlashCommand::Compact => "summarize the conversation to free the context",
            SlashCommand::Context => "what fills the context window",
            SlashCommand::Resume => "pick one of this project's saved sessions and continue it",
            SlashCommand::Rewind => {
                "go back to before a prompt: the conversation, the files, or both (Esc Esc)"
            }
            SlashCommand::Export => "write the conversation as markdown",
            SlashCommand::Diff => "the working tree's git changes, file by file",
            SlashCommand::Todos => "the model's task list",
            SlashCommand::Theme => "switch the colour theme (dark, light, high-contrast)",
            SlashCommand::Mcp => "the MCP servers: state, tools; reconnect, enable, disable",
            SlashCommand::Doctor => "check the setup: API key, server, settings, MCP, terminal",
            SlashCommand::Exit => "quit claw",
        }
    }

    /// Where it is carried out.
    pub const fn runs(self) -> Runs {
        match self {
            SlashCommand::Help
            | SlashCommand::Clear
            | SlashCommand::Diff
            | SlashCommand::Todos
            | SlashCommand::Theme
            | SlashCommand::Doctor
            | SlashCommand::Exit => Runs::Ui,
            SlashCommand::Model | SlashCommand::Resume | SlashCommand::Mcp => Runs::Both,
            SlashCommand::Config
            | SlashCommand::Permissions
            | SlashCommand::Hooks
            | SlashCommand::Memory
            | SlashCommand::Init
            | SlashCommand::Sandbox
            | SlashCommand::Status
            | SlashCommand::Cost
            | SlashCommand::Compact
            | SlashCommand::Context
            | SlashCommand::Rewind
            | SlashCommand::Export => Runs::Agent,
        }
    }

    /// The built-in command called `name` (without `/`) or one of its aliases.
    pub fn from_name(name: &str) -> Option<SlashCommand> {
        SlashCommand::ALL
            .into_iter()
            .find(|c| c.name() == name || c.aliases().contains(&name))
    }

    /// `/name args` -> the built-in command and its trimmed arguments. None when the text isn't
    /// a command (see [`invocation`]) or names no built-in one.
    pub fn parse(text: &str) -> Option<(SlashCommand, String)> {
        let (name, args) = invocation(text)?;
        SlashCommand::from_name(name).map(|c| (c, args.to_string()))
    }
}

/// `/name args` -> `(name, args)` trimmed, for any command name, built-in or not. None when the
/// text doesn't start with `/`, names nothing, or is a path like `/usr/bin`.
pub fn invocation(text: &str) -> Option<(&str, &str)> {
    let rest = text.trim().strip_prefix('/')?;
    let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if name.is_empty() || name.contains('/') {
        return None;
    }
    Some((name, args.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_the_variants_in_declaration_order() {
        for (i, command) in SlashCommand::ALL.into_iter().enumerate() {
            assert_eq!(command as usize, i, "{command:?} is out of place in ALL");
        }
        assert_eq!(SlashCommand::ALL.len(), SlashCommand::Exit as usize + 1);
    }

    #[test]
    fn every_name_and_alias_parses_back_to_its_command() {
        for command in SlashCommand::ALL {
            assert_eq!(SlashCommand::from_name(command.name()), Some(command));
            for alias in command.aliases() {
                assert_eq!(SlashCommand::from_name(alias), Some(command));
            }
        }
        let mut names: Vec<_> = SlashCommand::ALL
            .iter()
            .flat_map(|c| std::iter::once(c.name()).chain(c.aliases().iter().copied()))
            .collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "two commands share a name");
    }

    #[test]
    fn on_the_wire_a_command_is_its_name() {
        for command in SlashCommand::ALL {
            let wire = serde_json::to_value(command).unwrap();
            assert_eq!(wire, serde_json::Value::String(command.name().into()));
            assert_eq!(
                serde_json::from_value::<SlashCommand>(wire).unwrap(),
                command
            );
        }
    }

    #[test]
    fn parsing() {
        assert_eq!(
            SlashCommand::parse("  /permissions   remove 2 "),
            Some((SlashCommand::Permissions, "remove 2".to_string()))
        );
        assert_eq!(
            SlashCommand::parse("/help"),
            Some((SlashCommand::Help, String::new()))
        );
        assert_eq!(SlashCommand::parse("/review src"), None);
        assert_eq!(invocation("/review  src "), Some(("review", "src")));
        assert_eq!(invocation("/usr/bin/env is a path"), None);
        assert_eq!(invocation("no slash"), None);
        assert_eq!(invocation("/"), None);
    }
}
