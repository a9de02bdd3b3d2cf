//! What sending the input does: a slash command (run here or by the agent), one of the user's
//! own commands, a `!` shell command, or a message to the model.

use crate::app::commands;
use crate::app::effect::Effect;
use crate::app::model::{Activity, CellKind, Model, Scroll};
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
                model.activity = Activity::Waiting;
            }
            return vec![Effect::Send(Op::Command { name, args })];
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
        model.activity = Activity::Waiting;
    }
    vec![Effect::Send(Op::UserTurn { text })]
}

/// `/name args` when `name` is one of the user's own commands.
fn custom_invocation(model: &Model, text: &str) -> Option<(String, String)> {
    let rest = text.trim().strip_prefix('/')?;
    let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    model
        .custom_commands
        .iter()
        .any(|c| c.name == name)
        .then(|| (name.to_string(), args.trim().to_string()))
}

pub(crate) fn rewind_command() -> &'static commands::SlashCommand {
    // The list is static and holds "rewind" (a test checks every name parses).
    commands::COMMANDS
        .iter()
        .find(|c| c.name == "rewind")
        .unwrap_or(&commands::COMMANDS[0])
}

pub(crate) fn run_command(
    model: &mut Model,
    parsed: Result<(&'static commands::SlashCommand, String), String>,
) -> Vec<Effect> {
    let (command, args) = match parsed {
        Ok(found) => found,
        Err(message) => {
            model.push_cell(CellKind::Error(message));
            return Vec::new();
        }
    };
    model.scroll = Scroll::Follow;
    match (command.runs, command.name) {
        (commands::Runs::Ui, "exit") => vec![Effect::Quit, Effect::Send(Op::Shutdown)],
        (commands::Runs::Ui, "clear") => {
            model.clear();
            vec![Effect::Send(Op::Clear)]
        }
        (commands::Runs::Ui, "diff") => vec![Effect::Send(Op::Lookup(Lookup::GitDiff))],
        (commands::Runs::Ui, "doctor") => {
            model.push_cell(CellKind::User("/doctor".into()));
            vec![Effect::Send(Op::Lookup(Lookup::Doctor))]
        }
        (commands::Runs::Ui, "theme") if args.is_empty() => {
            crate::app::palette_keys::open(model, PaletteKind::Themes)
        }
        (commands::Runs::Ui, "theme") => {
            crate::app::palette_keys::switch_theme(model, &args);
            Vec::new()
        }
        (commands::Runs::Ui, "todos") => {
            model.push_cell(CellKind::Info {
                title: "Tasks".into(),
                body: todo_list(&model.todos),
            });
            Vec::new()
        }
        (commands::Runs::Ui, _) => {
            model.push_cell(CellKind::Info {
                title: "Help".into(),
                body: commands::help(),
            });
            Vec::new()
        }
        (commands::Runs::Agent, "model") if args.is_empty() => {
            crate::app::palette_keys::open(model, PaletteKind::Models)
        }
        (commands::Runs::Agent, "resume") if args.is_empty() => {
            crate::app::palette_keys::open(model, PaletteKind::Sessions)
        }
        (commands::Runs::Agent, name) => {
            let shown = if args.is_empty() {
                format!("/{name}")
            } else {
                format!("/{name} {args}")
            };
            model.push_cell(CellKind::User(shown));
            vec![Effect::Send(Op::Command {
                name: name.to_string(),
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
