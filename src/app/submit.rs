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
        if parsed.is_err()
            && let Some((name, args)) = crate::protocol::slash_command::invocation(&text)
            && crate::app::mcp::prompt_named(model, name).is_some()
        {
            // An MCP server's prompt: the agent fetches it and sends it to the model.
            let op = Op::McpPrompt {
                command: name.to_string(),
                args: args.to_string(),
            };
            model.push_cell(CellKind::User(text.trim().to_string()));
            model.scroll = Scroll::Follow;
            if !model.busy {
                model.busy = true;
                model.phase = ModelPhase::Waiting;
            }
            return vec![Effect::Send(op)];
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
        model.shell_commands.push(command.to_string());
        return vec![Effect::Send(Op::Shell {
            command: command.to_string(),
        })];
    }
    model.scroll = Scroll::Follow;
    model.quit_armed = None;
    if model.busy {
        // The agent runs it after the current turn; until then it waits below the answer
        // instead of splitting it.
        model.queued.push(text.clone());
    } else {
        model.push_cell(CellKind::User(text.clone()));
        model.live_cell = None;
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
        SlashCommand::Diff => vec![crate::app::lookups::send(model, Lookup::GitDiff)],
        SlashCommand::Doctor => {
            model.push_cell(CellKind::User("/doctor".into()));
            vec![crate::app::lookups::send(model, Lookup::Doctor)]
        }
        SlashCommand::Theme if args.is_empty() => {
            crate::app::palette_keys::open(model, PaletteKind::Themes)
        }
        SlashCommand::Theme => {
            crate::app::palette_keys::choose_theme(model, &args);
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
        SlashCommand::Mcp if args.is_empty() => crate::app::mcp::open_panel(model),
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

    fn users(model: &Model) -> Vec<&str> {
        model
            .cells
            .iter()
            .filter_map(|c| match &c.kind {
                CellKind::User(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_queued_prompt_keeps_its_place_until_its_turn_starts() {
        use crate::protocol::{AgentEvent, TurnStop};
        let mut model = model();
        let agent = |model: &mut Model, event| {
            crate::app::agent_events::on_agent(model, event, std::time::Instant::now())
        };
        submit_text(&mut model, "one");
        agent(
            &mut model,
            AgentEvent::TurnStarted {
                prompt: "one".into(),
            },
        );
        agent(&mut model, AgentEvent::TextDelta("first half".into()));
        assert_eq!(
            submit_text(&mut model, "two"),
            vec![Effect::Send(Op::UserTurn { text: "two".into() })]
        );
        agent(&mut model, AgentEvent::TextDelta(", second half".into()));
        assert_eq!(
            users(&model),
            ["one"],
            "not drawn into the middle of the answer"
        );
        assert_eq!(model.queued, ["two"]);
        assert!(
            matches!(&model.cells[1].kind, CellKind::Assistant(t) if t == "first half, second half")
        );
        agent(
            &mut model,
            AgentEvent::TurnEnded {
                stop: TurnStop::Done,
            },
        );
        // Typed before "two" started: it queues behind "two", not in front of it.
        submit_text(&mut model, "three");
        assert!(model.busy, "the queued turn is about to start");
        agent(
            &mut model,
            AgentEvent::TurnStarted {
                prompt: "two".into(),
            },
        );
        assert_eq!(users(&model), ["one", "two"]);
        assert_eq!(model.queued, ["three"]);
        agent(
            &mut model,
            AgentEvent::TurnEnded {
                stop: TurnStop::Interrupted,
            },
        );
        agent(
            &mut model,
            AgentEvent::TurnStarted {
                prompt: "three".into(),
            },
        );
        agent(
            &mut model,
            AgentEvent::TurnEnded {
                stop: TurnStop::Done,
            },
        );
        assert_eq!(users(&model), ["one", "two", "three"]);
        assert!(!model.busy && model.queued.is_empty());
    }

    #[test]
    fn theme_says_what_it_did() {
        let mut model = model();
        submit_text(&mut model, "/theme light");
        assert_eq!(model.theme.name, "light");
        assert!(
            matches!(model.cells.last().map(|c| &c.kind), Some(CellKind::Notice(n)) if n.starts_with("Theme: light")),
            "{:?}",
            model.cells
        );
    }

    #[test]
    fn after_a_rewind_the_redrawn_calls_keep_their_results() {
        use crate::protocol::{AgentEvent, ToolOutcome};
        let mut model = model();
        let now = std::time::Instant::now();
        let started = AgentEvent::ToolStarted {
            call_id: "t1".into(),
            tool: "Write".into(),
            summary: "f.txt".into(),
        };
        let agent =
            |model: &mut Model, event| crate::app::agent_events::on_agent(model, event, now);
        agent(&mut model, started.clone());
        agent(
            &mut model,
            AgentEvent::ToolFinished {
                call_id: "t1".into(),
                outcome: ToolOutcome::Success,
                output: "Created f.txt (1 line).".into(),
                summary: "+1 -0".into(),
                duration_ms: 7,
            },
        );
        agent(&mut model, AgentEvent::TranscriptReset);
        // The replay of the history: no summary, no time.
        agent(&mut model, started);
        let replayed = AgentEvent::ToolFinished {
            call_id: "t1".into(),
            outcome: ToolOutcome::Success,
            output: "Created f.txt (1 line).".into(),
            summary: String::new(),
            duration_ms: 0,
        };
        agent(&mut model, replayed.clone());
        let call = &model.tools[0];
        assert_eq!(call.result_summary, "+1 -0");
        assert_eq!(call.duration, Some(std::time::Duration::from_millis(7)));
        // A call redrawn with nothing to go by has no time rather than "0ms".
        agent(&mut model, AgentEvent::TranscriptReset);
        model.earlier_results.clear();
        agent(
            &mut model,
            AgentEvent::ToolStarted {
                call_id: "t1".into(),
                tool: "Write".into(),
                summary: "f.txt".into(),
            },
        );
        agent(&mut model, replayed);
        assert_eq!(model.tools[0].duration, None);
    }

    #[test]
    fn hook_runs_fold_into_their_call_and_ctrl_o_opens_the_call() {
        use crate::protocol::AgentEvent;
        let mut model = model();
        let now = std::time::Instant::now();
        for (id, tool) in [
            ("t1", "Bash"),
            ("hook-1", "hook PreToolUse"),
            ("hook-2", "hook Stop"),
        ] {
            crate::app::agent_events::on_agent(
                &mut model,
                AgentEvent::ToolStarted {
                    call_id: id.into(),
                    tool: tool.into(),
                    summary: "x".into(),
                },
                now,
            );
        }
        let rows: Vec<_> = model.cells.iter().map(|c| c.kind.clone()).collect();
        assert_eq!(
            rows,
            [CellKind::Tool(0), CellKind::Tool(2)],
            "a Stop hook gates no call"
        );
        assert_eq!(model.tools[0].hooks, [1]);
        assert_eq!(model.toggled_tool(), Some(2));
    }
}
