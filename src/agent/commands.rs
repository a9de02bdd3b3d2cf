//! Slash commands the agent answers, because it holds what they show: the settings, the
//! permission rules, the hooks, the memory files, the model and the session's cost.

use crate::agent::inbox::Inbox;
use crate::agent::turn::Session;
use crate::protocol::AgentEvent;
use crate::protocol::slash_command::SlashCommand;

/// What `/init` asks the model to do.
const INIT_PROMPT: &str = "Study this repository and write a CLAW.md file at its root for future \
sessions: what the project is, how it is laid out, how to build, run and test it (the exact \
commands), the conventions the code follows, and anything surprising. Read the README and the \
build files first; keep it short and factual. If a CLAW.md, CLAUDE.md or AGENTS.md exists, \
improve it rather than starting over.";

impl Session {
    pub(crate) fn info(&self, title: &str, body: String) {
        self.emit(AgentEvent::Info {
            title: title.to_string(),
            body,
        });
    }

    /// Runs a built-in command. Returns false when the agent should shut down.
    pub(crate) async fn command(
        &mut self,
        command: SlashCommand,
        args: &str,
        inbox: &mut Inbox,
    ) -> bool {
        match command {
            SlashCommand::Config => self.info("Settings", self.services.settings_summary.clone()),
            SlashCommand::Permissions => self.permissions_command(args),
            SlashCommand::Hooks => {
                let mut body = String::new();
                for hook in self.services.hooks.all() {
                    let matcher = if hook.matcher.is_empty() { "*" } else { hook.matcher.as_str() };
                    body.push_str(&format!(
                        "{:<18} {:<14} {}  (timeout {} s)\n",
                        hook.event,
                        matcher,
                        hook.command,
                        hook.timeout.as_secs_f64()
                    ));
                }
                if body.is_empty() {
                    body = "No hooks configured. Add them under \"hooks\" in a settings file.".into();
                }
                self.info("Hooks", body);
            }
            SlashCommand::Memory if args.starts_with("edit") => {
                let path = self.memory_file_to_edit(args.trim_start_matches("edit").trim());
                self.emit(AgentEvent::EditFile {
                    path: path.display().to_string(),
                });
            }
            SlashCommand::Memory => {
                let mut body = String::new();
                if let Some((_, seen)) = &self.conversation.memory {
                    let mut files: Vec<_> = seen.iter().collect();
                    files.sort();
                    for (n, path) in files.into_iter().enumerate() {
                        let n = n + 1;
                        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                        body.push_str(&format!(
                            "{n:>3}. {}  ({})\n",
                            self.services.ctx.shown_to_user(path),
                            crate::words::count(size as usize, "byte", "bytes")
                        ));
                    }
                }
                if body.is_empty() {
                    body = "No memory files loaded. /init writes a CLAW.md for this repository.".into();
                }
                body.push_str("\nEdit one with /memory edit [N] (default: the project's CLAW.md).");
                self.info("Memory files in the context", body);
            }
            SlashCommand::Model if !args.is_empty() => {
                self.set_model(args);
                self.info("Model", format!("Using {} from your next message on.", self.conversation.model.id));
            }
            SlashCommand::Model => {
                let mut body = format!("In use: {}\n\nAvailable:\n", self.conversation.model.id);
                for m in self.services.catalog.models() {
                    body.push_str(&format!(
                        "  {:<20} {:>5} context  ${}/${} per M tokens in/out\n",
                        m.id,
                        crate::words::abbreviated(m.context_window),
                        m.input,
                        m.output
                    ));
                }
                let mut aliases: Vec<_> = self.services.catalog.aliases().collect();
                aliases.sort();
                for (alias, id) in aliases {
                    body.push_str(&format!("  {alias} = {id}\n"));
                }
                body.push_str("\nSwitch with /model <name>.");
                self.info("Models", body);
            }
            SlashCommand::Sandbox => {
                let switched = match self.services.ctx.sandbox.lock() {
                    Ok(mut policy) => crate::sandbox::toggle(&mut policy, args),
                    Err(_) => Err("the sandbox setting is unavailable".to_string()),
                };
                match switched {
                    Ok(message) => self.emit(AgentEvent::Notice { message }),
                    Err(message) => self.emit(AgentEvent::Error { message }),
                }
            }
            SlashCommand::Status => self.info(
                "Status",
                format!(
                    "Model: {}\nPermission mode: {}\nSandbox: {}\nDirectory: {}\nTokens: {} in, {} out\nCost: ${:.4}\nMessages in the conversation: {}\nMemory files: {}\nHooks: {}",
                    self.conversation.model.id,
                    self.policy.permissions.mode.as_str(),
                    self.services.ctx.sandbox_policy().describe(),
                    crate::shown_path::shown_from(&self.services.ctx.cwd, std::path::Path::new("")),
                    crate::words::grouped(self.conversation.totals.input),
                    crate::words::grouped(self.conversation.totals.output),
                    self.conversation.totals.cost,
                    self.conversation.history.len(),
                    self.conversation.memory.as_ref().map_or(0, |(_, seen)| seen.len()),
                    self.services.hooks.all().len(),
                ),
            ),
            SlashCommand::Cost => {
                let mut body = String::new();
                for (model, usage, cost) in &self.conversation.totals.by_model {
                    body.push_str(&format!(
                        "{model}: ${cost:.4}  ({} in, {} cache write, {} cache read, {} out)\n",
                        crate::words::grouped(usage.input_tokens),
                        crate::words::grouped(usage.cache_creation_input_tokens),
                        crate::words::grouped(usage.cache_read_input_tokens),
                        crate::words::grouped(usage.output_tokens)
                    ));
                }
                body.push_str(&format!("\nThis session: ${:.4}", self.conversation.totals.cost));
                self.info("Cost", body);
            }
            SlashCommand::Context => {
                let body = self.context_breakdown().await;
                self.info("Context", body)
            }
            SlashCommand::Mcp => {
                let body = self.mcp_command(args);
                self.info("MCP servers", body);
            }
            SlashCommand::Rewind => self.rewind_command(args),
            SlashCommand::Resume => self.resume_command(args),
            SlashCommand::Init => return self.turn(INIT_PROMPT.to_string(), inbox).await,
            SlashCommand::Compact => return self.compact(args, "manual", inbox).await,
            SlashCommand::Export => {
                let name = if args.is_empty() {
                    format!("claw-conversation-{}.md", crate::agent::session_log::new_id())
                } else {
                    args.to_string()
                };
                let path = self.services.ctx.resolve(&name);
                let message = match std::fs::write(&path, export_markdown(self.conversation.history.messages())) {
                    Ok(()) => format!(
                        "Exported the conversation to {}",
                        self.services.ctx.shown_to_user(&path)
                    ),
                    Err(e) => format!("Could not write {}: {e}", self.services.ctx.shown_to_user(&path)),
                };
                self.emit(AgentEvent::Notice { message });
            }
            // The screen carries these out itself: none of them is the agent's to run.
            SlashCommand::Help
            | SlashCommand::Clear
            | SlashCommand::Diff
            | SlashCommand::Todos
            | SlashCommand::Theme
            | SlashCommand::Doctor
            | SlashCommand::Exit => self.unknown_command(command.name()),
        }
        true
    }

    /// Runs one of the user's own commands, or says the agent knows no command called `name`.
    /// Returns false when the agent should shut down.
    pub(crate) async fn custom_command(
        &mut self,
        name: &str,
        args: &str,
        inbox: &mut Inbox,
    ) -> bool {
        let custom = self
            .services
            .setup
            .custom_commands
            .iter()
            .find(|c| c.name == name)
            .cloned();
        match custom {
            Some(command) => self.run_custom_command(command, args, inbox).await,
            None => {
                self.unknown_command(name);
                true
            }
        }
    }

    /// Says the agent has no command called `name`, and ends what the UI awaits as a turn.
    fn unknown_command(&self, name: &str) {
        self.emit(AgentEvent::Error {
            message: format!("/{name} is not something the agent knows"),
        });
        self.emit(AgentEvent::TurnEnded {
            stop: crate::protocol::TurnStop::Failed,
        });
    }

    /// Runs one of the user's commands: its prompt filled in, with its `allowed-tools` allowed
    /// and its `model` in use for this turn only.
    async fn run_custom_command(
        &mut self,
        command: crate::config::custom_commands::CustomCommand,
        args: &str,
        inbox: &mut Inbox,
    ) -> bool {
        use crate::permissions::RuleKind;
        let cwd = self.services.ctx.cwd.clone();
        let (to_expand, args_owned) = (command.clone(), args.to_string());
        let prompt = tokio::task::spawn_blocking(move || {
            crate::config::custom_commands::expand(&to_expand, &args_owned, &cwd)
        })
        .await
        .unwrap_or_else(|_| command.body.clone());
        let already = self.policy.permissions.rules(RuleKind::Allow);
        let mut granted = Vec::new();
        for tool in &command.allowed_tools {
            if !already.contains(tool)
                && self
                    .policy
                    .permissions
                    .add(RuleKind::Allow, tool, &self.services.ctx.cwd)
            {
                granted.push(tool.clone());
            }
        }
        let previous_model = match &command.model {
            Some(model) => {
                let previous = self.conversation.model.id.clone();
                self.set_model(model);
                Some(previous)
            }
            None => None,
        };
        let go_on = self.turn(prompt, inbox).await;
        for tool in granted {
            self.policy.permissions.remove_rule(RuleKind::Allow, &tool);
        }
        if let Some(previous) = previous_model {
            self.set_model(&previous);
        }
        go_on
    }

    /// Memory file number `n` as `/memory` lists them, or the project's CLAW.md.
    fn memory_file_to_edit(&self, n: &str) -> std::path::PathBuf {
        let chosen = n.parse::<usize>().ok().and_then(|n| {
            let (_, seen) = self.conversation.memory.as_ref()?;
            let mut files: Vec<_> = seen.iter().collect();
            files.sort();
            files.get(n.checked_sub(1)?).map(|p| (*p).clone())
        });
        chosen.unwrap_or_else(|| {
            let root = self
                .conversation
                .memory
                .as_ref()
                .map(|(places, _)| places.root.clone())
                .unwrap_or_else(|| self.services.ctx.cwd.clone());
            root.join("CLAW.md")
        })
    }

    /// `!command`: runs it with the Bash tool at once (typed by the user, so not asked about)
    /// and adds the command and its output to the conversation for the model to see. Returns
    /// false when the agent should shut down.
    pub(crate) async fn shell(&mut self, command: &str, inbox: &mut Inbox) -> bool {
        self.services.next_hook += 1;
        let id = format!("shell-{}", self.services.next_hook);
        let Some(bash) = self.services.tools.get("Bash") else {
            return true;
        };
        let started = std::time::Instant::now();
        self.emit(AgentEvent::ToolStarted {
            call_id: id.clone(),
            tool: "Bash".into(),
            summary: command.to_string(),
        });
        let events = self.services.events.clone();
        let progress_id = id.clone();
        let progress: crate::tools::ProgressSink = std::sync::Arc::new(move |chunk: String| {
            let _ = events.send(AgentEvent::ToolProgress {
                call_id: progress_id.clone(),
                chunk,
            });
        });
        let ctx = self.services.ctx.clone();
        let run = inbox
            .watch(bash.run(serde_json::json!({"command": command}), &ctx, progress))
            .await;
        let alive = !matches!(run, crate::agent::inbox::Watched::Shutdown);
        let (outcome, output, summary) = match run {
            crate::agent::inbox::Watched::Done(Ok(out)) => (
                crate::protocol::ToolOutcome::Success,
                out.content,
                out.summary,
            ),
            crate::agent::inbox::Watched::Done(Err(e)) => (
                crate::protocol::ToolOutcome::Failed,
                e.to_string(),
                "failed".to_string(),
            ),
            crate::agent::inbox::Watched::Interrupted | crate::agent::inbox::Watched::Shutdown => (
                crate::protocol::ToolOutcome::Interrupted,
                "interrupted".to_string(),
                "interrupted".to_string(),
            ),
        };
        self.finish(&id, outcome, &output, &summary, started);
        self.conversation.history.push_user_text(format!(
            "I ran this in the shell myself:\n<bash-input>{command}</bash-input>\n<bash-output>\n{output}\n</bash-output>"
        ));
        alive
    }

    fn permissions_command(&mut self, args: &str) {
        if let Some(number) = args.strip_prefix("remove") {
            let message = match number
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| self.policy.permissions.remove(n))
            {
                Some((kind, rule)) => {
                    if let Ok(mut denials) = self.services.ctx.read_denials.write() {
                        *denials = self.policy.permissions.read_denials();
                    }
                    let list = match kind {
                        crate::permissions::RuleKind::Allow => "allow",
                        crate::permissions::RuleKind::Ask => "ask",
                        crate::permissions::RuleKind::Deny => "deny",
                    };
                    let mut files = Vec::new();
                    let mut problems = Vec::new();
                    let candidates = self
                        .services
                        .setup
                        .settings_files
                        .iter()
                        .chain(self.policy.local_settings.iter());
                    for path in candidates {
                        match crate::config::settings::remove_permission_rule(path, list, &rule) {
                            Ok(true) if !files.contains(&path.display().to_string()) => {
                                files.push(path.display().to_string())
                            }
                            Ok(_) => {}
                            Err(e) => problems.push(e),
                        }
                    }
                    let mut message = format!("Removed the {list} rule {rule}");
                    if files.is_empty() {
                        message.push_str(" for this session (no settings file held it).");
                    } else {
                        message.push_str(&format!(" from {}.", files.join(", ")));
                    }
                    for problem in problems {
                        message.push_str(&format!(" Could not edit {problem}."));
                    }
                    message
                }
                None => format!(
                    "There is no rule number `{}`: /permissions lists them.",
                    number.trim()
                ),
            };
            self.emit(AgentEvent::Notice { message });
            return;
        }
        let mut body = format!(
            "Mode: {} (Shift+Tab switches)\n\n",
            self.policy.permissions.mode.as_str()
        );
        let rules = self.policy.permissions.numbered();
        if rules.is_empty() {
            body.push_str("No rules: read-only tools run, everything else asks.\n");
        }
        for (n, kind, rule) in rules {
            body.push_str(&format!(
                "{n:>3}. {:<6} {rule}\n",
                format!("{kind:?}").to_lowercase()
            ));
        }
        body.push_str("\nDeny beats ask beats allow. Remove one with /permissions remove N.");
        self.info("Permissions", body);
    }
}

/// The conversation as markdown: each message under a heading, tool calls and results as
/// fenced blocks, thinking left out.
pub fn export_markdown(messages: &[crate::provider::Message]) -> String {
    use crate::provider::{ContentBlock, Role};
    let mut out = String::from("# claw conversation\n");
    for message in messages {
        let heading = match message.role {
            Role::User => "## You",
            Role::Assistant => "## claw",
        };
        out.push_str(&format!("\n{heading}\n\n"));
        for block in &message.content {
            match block {
                ContentBlock::Text { text } => out.push_str(&format!("{}\n\n", text.trim_end())),
                ContentBlock::ToolUse { name, input, .. } => out.push_str(&format!(
                    "**{name}**\n\n```json\n{}\n```\n\n",
                    serde_json::to_string_pretty(input).unwrap_or_default()
                )),
                ContentBlock::ToolResult {
                    content, is_error, ..
                } => out.push_str(&format!(
                    "{}\n\n```\n{}\n```\n\n",
                    if *is_error {
                        "Result (error):"
                    } else {
                        "Result:"
                    },
                    content.trim_end()
                )),
                ContentBlock::ServerToolUse { name, input, .. } => {
                    out.push_str(&format!("**{name}** (run by the provider): {input}\n\n"))
                }
                ContentBlock::ServerToolResult { content, .. } => {
                    match crate::provider::server_result_digest(content) {
                        Ok(found) => {
                            for (title, url) in found {
                                out.push_str(&format!("- [{title}]({url})\n"));
                            }
                            out.push('\n');
                        }
                        Err(error) => out.push_str(&format!("Result (error): {error}\n\n")),
                    }
                }
                ContentBlock::Thinking { .. } | ContentBlock::RedactedThinking { .. } => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{ContentBlock, Message, Role};

    #[test]
    fn export_shows_messages_tools_and_results() {
        let messages = vec![
            Message::user_text("list files"),
            Message {
                role: Role::Assistant,
                content: vec![
                    ContentBlock::Thinking {
                        thinking: "secret".into(),
                        signature: "s".into(),
                    },
                    ContentBlock::Text {
                        text: "Sure.".into(),
                    },
                    ContentBlock::ToolUse {
                        id: "t".into(),
                        name: "Bash".into(),
                        input: serde_json::json!({"command": "ls"}),
                    },
                ],
            },
            Message {
                role: Role::User,
                content: vec![ContentBlock::ToolResult {
                    tool_use_id: "t".into(),
                    content: "a.rs".into(),
                    is_error: false,
                    images: Vec::new(),
                }],
            },
        ];
        let md = export_markdown(&messages);
        assert!(md.contains("## You\n\nlist files"));
        assert!(md.contains("## claw\n\nSure."));
        assert!(md.contains("**Bash**") && md.contains("\"command\": \"ls\""));
        assert!(md.contains("Result:\n\n```\na.rs\n```"));
        assert!(!md.contains("secret"));
    }
}
