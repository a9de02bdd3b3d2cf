//! What sending the input does: a slash command (run here or by the agent), one of the user's
//! own commands, a `!` shell command, or a message to the model.

use crate::app::commands::{self, SlashCommand};
use crate::app::effect::Effect;
use crate::app::model::{CellKind, Model, ModelPhase, Scroll};
use crate::app::palette::PaletteKind;
use crate::protocol::{Lookup, Op};

/// Sends `text` as if typed and submitted: a slash command, a `!` shell command or a message.
pub(crate) fn submit_text(model: &mut Model, text: &str) -> Vec<Effect> {
    let text = text.to_string();
    if let Some(parsed) = commands::parse(&text) {
        if parsed.is_err()
            && let Some((name, args)) = custom_invocation(model, &text)
        {
            // The user's own command: the agent expands it and sends it to the model.
            model.push_cell(CellKind::User(text.trim().to_string()));
            model.scroll = Scroll::Follow;
            if !model.busy {
                model.busy = true;
                model.phase = ModelPhase::Waiting;
            }
            return vec![Effect::Send(Op::CustomCommand { name, args })];
        }
        return run_command(model, parsed);
    }
    if let Some(command) = text
        .strip_prefix('!')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        model.push_cell(CellKind::User(text.clone()));
        model.scroll = Scroll::Follow;
        return vec![Effect::Send(Op::Shell {
            command: command.to_string(),
        })];
    }
    model.push_cell(CellKind::User(text.clone()));
    model.live_cell = None;
    model.scroll = Scroll::Follow;
    model.quit_armed = None;
    if !model.busy {
        model.busy = true;
        model.phase = ModelPhase::Waiting;
    }
    vec![Effect::Send(Op::UserTurn { text })]
}

/// `/name args` when `name` is one of the user's own commands.
fn custom_invocation(model: &Model, text: &str) -> Option<(String, String)> {
    let (name, args) = crate::protocol::slash_command::invocation(text)?;
    model
        .custom_commands
        .iter()
        .any(|c| c.name == name)
        .then(|| (name.to_string(), args.to_string()))
}

pub(crate) fn run_command(
    model: &mut Model,
    parsed: Result<(&'static commands::Listed, String), String>,
) -> Vec<Effect> {
    let (listed, args) = match parsed {
        Ok(found) => found,
        Err(message) => {
            model.push_cell(CellKind::Notice(message));
            return Vec::new();
        }
    };
    model.scroll = Scroll::Follow;
    match listed.command {
        SlashCommand::Exit => vec![
            Effect::Quit,
            Effect::Send(Op::Shutdown(crate::protocol::ExitReason::PromptInputExit)),
        ],
        SlashCommand::Clear => {
            model.clear();
            vec![Effect::Send(Op::Clear)]
        }
        SlashCommand::Diff => vec![Effect::Send(Op::Lookup(Lookup::GitDiff))],
        SlashCommand::Doctor => {
            model.push_cell(CellKind::User("/doctor".into()));
            vec![Effect::Send(Op::Lookup(Lookup::Doctor))]
        }
        SlashCommand::Theme if args.is_empty() => {
            crate::app::palette_keys::open(model, PaletteKind::Themes)
        }
        SlashCommand::Theme => {
            crate::app::palette_keys::switch_theme(model, &args);
            Vec::new()
        }
        SlashCommand::Todos => {
            model.push_cell(CellKind::Info {
                title: "Tasks".into(),
                body: todo_list(&model.todos),
            });
            Vec::new()
        }
        SlashCommand::Help => {
            model.push_cell(CellKind::Info {
                title: "Help".into(),
                body: commands::help(),
            });
            Vec::new()
        }
        SlashCommand::Model if args.is_empty() => {
            crate::app::palette_keys::open(model, PaletteKind::Models)
        }
        SlashCommand::Resume if args.is_empty() => {
            crate::app::palette_keys::open(model, PaletteKind::Sessions)
        }
        SlashCommand::Model
        | SlashCommand::Resume
        | SlashCommand::Config
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
        | SlashCommand::Export
        | SlashCommand::Mcp => {
            let name = listed.name;
            let shown = if args.is_empty() {
                format!("/{name}")
            } else {
                format!("/{name} {args}")
            };
            model.push_cell(CellKind::User(shown));
            vec![Effect::Send(Op::Command {
                command: listed.command,
                args,
            })]
        }
    }
}

/// `/todos`: the model's task list as text.
fn todo_list(todos: &[crate::protocol::TodoItem]) -> String {
    use crate::protocol::TodoStatus;
    if todos.is_empty() {
        return "No tasks: the model hasn't written a task list in this session.".into();
    }
    todos
        .iter()
        .map(|t| {
            let mark = match t.status {
                TodoStatus::Pending => "☐",
                TodoStatus::InProgress => "▶",
                TodoStatus::Completed => "☑",
            };
            format!("{mark} {}\n", t.content)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::commands::CustomEntry;
    use crate::app::model::StatusInfo;
    use crate::theme::Theme;

    fn model() -> Model {
        Model::new(
            Theme::dark(),
            StatusInfo::default(),
            std::time::Instant::now(),
        )
    }

    #[test]
    fn an_unknown_command_says_so_instead_of_showing_help() {
        let mut model = model();
        assert!(submit_text(&mut model, "/frobnicate now").is_empty());
        let kinds: Vec<_> = model.cells.iter().map(|c| &c.kind).collect();
        assert!(
            matches!(
                kinds.as_slice(),
                [CellKind::Notice(n)] if n == "Unknown command /frobnicate: type /help for the list"
            ),
            "{kinds:?}"
        );
        assert!(!model.busy, "an unknown command is not a turn");
    }

    #[test]
    fn each_built_in_command_runs_where_the_table_says() {
        use crate::protocol::slash_command::Runs;
        let sent = |effects: &[Effect], command: SlashCommand, args: &str| {
            effects.iter().any(|e| {
                matches!(e, Effect::Send(Op::Command { command: c, args: a }) if *c == command && a == args)
            })
        };
        for command in SlashCommand::ALL {
            let name = command.name();
            let bare = submit_text(&mut model(), &format!("/{name}"));
            let with_args = submit_text(&mut model(), &format!("/{name} x"));
            let (bare_in_agent, args_in_agent) = match command.runs() {
                Runs::Ui => (false, false),
                Runs::Agent => (true, true),
                Runs::Both => (false, true),
            };
            assert_eq!(sent(&bare, command, ""), bare_in_agent, "/{name}: {bare:?}");
            assert_eq!(
                sent(&with_args, command, "x"),
                args_in_agent,
                "/{name} x: {with_args:?}"
            );
        }
    }

    #[test]
    fn a_name_outside_the_table_that_the_user_defined_goes_to_the_agent() {
        let mut model = model();
        model.custom_commands = vec![CustomEntry {
            name: "frobnicate".into(),
            description: "frobnicate things".into(),
            argument_hint: String::new(),
        }];
        assert_eq!(
            submit_text(&mut model, "/frobnicate now"),
            vec![Effect::Send(Op::CustomCommand {
                name: "frobnicate".into(),
                args: "now".into()
            })]
        );
    }
}
