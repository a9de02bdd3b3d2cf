//! The headless run loop: one `select!` over the agent's events, the client's lines on stdin,
//! the hook calls the agent sends out, signals and the reader of stdout going away. It turns
//! each into output lines and ops, and ends when the work asked for is done (or, stopped
//! early, once the interrupted turn has ended).

use std::collections::HashSet;
use std::io::Write;

use serde_json::Value;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::agent::{self, AgentConfig};
use crate::cli::{InputFormat, OutputFormat};
use crate::hooks::callback::CallbackRequest;
use crate::mcp::McpServers;
use crate::protocol::session_start::SessionStart;
use crate::protocol::{AgentEvent, ExitReason, Op};
use crate::signals::Stop;

use super::api_retry::Retry;
use super::control::Outgoing;
use super::input::{InputLine, read_stdin};
use super::shapes;
use super::stopping::{self, Stopping, sleep_until};
use super::tally::TurnTally;
use super::{Options, client, text};

/// A tool result longer than this is cut in its `user` line (the model still gets it whole):
/// the Python SDK refuses lines over 1 MiB.
const SHOWN_RESULT_MAX: usize = 256 * 1024;

pub(super) struct Frontend {
    pub(super) options: Options,
    pub(super) ops: Option<UnboundedSender<Op>>,
    pub(super) start: SessionStart,
    pub(super) context_window: u64,
    pub(super) mcp: Option<McpServers>,
    pub(super) tally: Option<TurnTally>,
    pub(super) outgoing: Outgoing,
    /// `initialize` requests waiting for the session to start.
    pub(super) deferred_init: Vec<String>,
    /// Whether the agent's session started (initialize can be answered).
    pub(super) started: bool,
    /// The model's tool calls, whose results are reported (hook runs are not).
    pub(super) tool_calls: HashSet<String>,
    pub(super) sent: usize,
    pub(super) ended: usize,
    pub(super) input_open: bool,
    /// The last result, and whether it was an error.
    pub(super) last_result: Option<Value>,
    pub(super) failed: bool,
    /// Every message, for `--output-format json --verbose`.
    pub(super) log: Vec<Value>,
    /// Text output: why the turn will stop early, once a tool call was denied.
    pub(super) stopped_for: Option<String>,
    /// Nobody reads stdout any more: nothing more is printed.
    pub(super) quiet: bool,
    /// Text output: the prose, or with `--json-schema` the structured output.
    pub(super) answer: text::Answer,
    /// The client's requests the agent answers through lookups, by lookup id.
    pub(super) asked: crate::protocol::lookup::AskedLookups<String>,
    /// Where the answers of `--permission-prompt-tool`'s MCP tool come back.
    pub(super) prompt_answers: UnboundedSender<super::answers::PromptAnswer>,
}

impl Frontend {
    pub(super) async fn run(
        mut config: AgentConfig,
        mut run: crate::agent::RunOptions,
        options: Options,
        mut stop: Stop,
    ) -> (i32, Option<tokio::task::JoinHandle<()>>) {
        let (prompt_tx, mut prompt_rx) = unbounded_channel();
        let mut front = Frontend {
            mcp: config.setup.mcp.clone(),
            options,
            ops: None,
            start: SessionStart::default(),
            context_window: 0,
            tally: None,
            outgoing: Outgoing::default(),
            deferred_init: Vec::new(),
            started: false,
            tool_calls: HashSet::new(),
            sent: 0,
            ended: 0,
            input_open: true,
            last_result: None,
            failed: false,
            log: Vec::new(),
            stopped_for: None,
            quiet: false,
            asked: Default::default(),
            answer: text::Answer::Prose,
            prompt_answers: prompt_tx,
        };
        let (hook_tx, mut hook_rx) = unbounded_channel::<CallbackRequest>();
        let mut lines = match front.options.input {
            InputFormat::StreamJson => read_stdin(),
            InputFormat::Text => {
                front.input_open = false;
                unbounded_channel().1
            }
        };
        // An SDK's first line is `initialize`: its hooks and system prompt must be in place
        // before the agent starts, so wait for it (a user message starts the agent at once).
        let mut first = None;
        if front.options.input == InputFormat::StreamJson && front.options.prompt.is_empty() {
            match lines.recv().await {
                Some(InputLine::Request { id, subtype, body }) if subtype == "initialize" => {
                    front.initialize_config(&mut config, &mut run, &body, &hook_tx);
                    front.mcp = config.setup.mcp.clone();
                    front.deferred_init.push(id);
                }
                Some(line) => first = Some(line),
                None => front.input_open = false,
            }
        }
        drop(hook_tx);
        // The provider's own stream events, only when they are printed.
        if front.options.partial && front.options.output == OutputFormat::StreamJson {
            run.raw_stream_events = crate::provider::RawEvents::Forward;
        }
        if run.json_schema.is_some() {
            front.answer = text::Answer::Structured;
        }
        // In-process SDK MCP servers are answered by the stream-json client; anywhere else
        // nobody can, and their messages fail at once.
        let mut sdk_messages =
            crate::mcp::sdk::take_messages().unwrap_or_else(|| unbounded_channel().1);
        if front.options.input != InputFormat::StreamJson {
            sdk_messages = unbounded_channel().1;
        }
        let handle = agent::spawn_with(config, run);
        let mut events = handle.events;
        front.ops = Some(handle.ops);
        let prompt = std::mem::take(&mut front.options.prompt);
        if !prompt.is_empty() {
            front.send_turn(prompt);
        }
        if let Some(line) = first {
            front.line(Some(line));
        }
        let mut reader_gone = stopping::reader_gone();
        // Why the run stops early, until when it waits for the interrupted turn's end, and
        // how many turns had ended then (queued ones don't run after it).
        let mut stopping: Option<(Stopping, tokio::time::Instant, usize)> = None;
        let code = loop {
            if let Some((why, _, ended)) = stopping
                && (front.ended > ended || !front.turn_running())
            {
                break why.exit_status();
            }
            if front.done() {
                break front.exit_code();
            }
            let deadline = stopping.map(|(_, until, _)| until);
            tokio::select! {
                event = events.recv() => match event {
                    Some(event) => front.event(event),
                    None => break 1,
                },
                line = lines.recv(), if front.input_open => front.line(line),
                Some(call) = hook_rx.recv() => {
                    let line = front.outgoing.hook_callback(call);
                    front.control(line);
                }
                Some((request, decision)) = prompt_rx.recv() => front.prompt_answered(request, decision),
                Some(message) = sdk_messages.recv() => {
                    let line = front.outgoing.mcp_message(message);
                    front.control(line);
                }
                signal = stop.requested(), if stopping.is_none() => {
                    stopping = Some(front.stop_for(Stopping::Signal(signal)));
                }
                Some(()) = reader_gone.recv(), if stopping.is_none() => {
                    stopping = Some(front.stop_for(Stopping::ReaderGone));
                }
                () = sleep_until(deadline), if deadline.is_some() => {
                    if let Some((why, _, _)) = stopping {
                        break why.exit_status();
                    }
                }
            }
        };
        front.send(Op::Shutdown(ExitReason::Other));
        front.print_json_output();
        (code, Some(handle.finished))
    }

    fn done(&self) -> bool {
        match self.options.input {
            InputFormat::Text => self.ended > 0,
            InputFormat::StreamJson => {
                !self.input_open
                    && self.ended >= self.sent
                    && self.deferred_init.is_empty()
                    && self.asked.is_empty()
            }
        }
    }

    fn exit_code(&self) -> i32 {
        i32::from(self.failed)
    }

    pub(super) fn send(&self, op: Op) {
        if let Some(ops) = &self.ops {
            let _ = ops.send(op);
        }
    }

    /// A user message: a turn, or one of the user's commands (`/review src`).
    pub(super) fn send_turn(&mut self, prompt: String) {
        let op = match prompt
            .trim()
            .strip_prefix('/')
            .map(|rest| rest.split_once(char::is_whitespace).unwrap_or((rest, "")))
        {
            Some((name, args)) if self.options.custom_commands.iter().any(|c| c == name) => {
                Op::CustomCommand {
                    name: name.to_string(),
                    args: args.trim().to_string(),
                }
            }
            _ => Op::UserTurn { text: prompt },
        };
        self.sent += 1;
        self.send(op);
    }

    /// A JSON message of the conversation: printed now (stream-json) or kept (json).
    pub(super) fn message(&mut self, line: Value) {
        if self.quiet {
            return;
        }
        match self.options.output {
            OutputFormat::StreamJson => write_line(&line),
            OutputFormat::Json if self.options.verbose => self.log.push(line),
            OutputFormat::Json | OutputFormat::Text => {}
        }
    }

    /// A line of the control protocol: always printed at once (while someone reads).
    pub(super) fn control(&mut self, line: Value) {
        if !self.quiet {
            write_line(&line);
        }
    }

    /// `--output-format json`: the result (or with --verbose every message), at the end.
    fn print_json_output(&mut self) {
        if self.options.output != OutputFormat::Json || self.quiet {
            return;
        }
        if self.options.verbose {
            write_line(&Value::Array(std::mem::take(&mut self.log)));
        } else if let Some(result) = &self.last_result {
            write_line(result);
        }
    }

    fn event(&mut self, event: AgentEvent) {
        if self.options.output == OutputFormat::Text && !self.quiet {
            text::show(&event, self.answer);
        }
        let session = self.start.session_id.clone();
        match event {
            AgentEvent::SessionStarted(start) => {
                self.start = *start;
                self.context_window = self.start.context_window;
                self.started = true;
                let init = shapes::init(&self.start);
                self.message(init);
                for id in std::mem::take(&mut self.deferred_init) {
                    let answer = client::initialized(&self.start);
                    self.control(shapes::control_success(&id, answer));
                }
            }
            AgentEvent::SessionInfo { context_window, .. } => {
                self.context_window = context_window;
            }
            AgentEvent::TurnStarted { .. } => {
                self.tally = Some(TurnTally::new(self.context_window));
                self.stopped_for = None;
            }
            AgentEvent::RequestStarted => {
                if let Some(tally) = &mut self.tally {
                    tally.request_started();
                }
            }
            AgentEvent::StreamEvent(event) => self.stream(event),
            AgentEvent::AssistantMessage(reply) => {
                for (id, _, _) in reply.message.tool_uses() {
                    self.tool_calls.insert(id.to_string());
                }
                if let Some(tally) = &mut self.tally {
                    tally.answered(&reply);
                }
                self.message(shapes::assistant(&reply, &session));
            }
            AgentEvent::ToolFinished {
                call_id,
                outcome,
                output,
                ..
            } => {
                if self.tool_calls.remove(&call_id) {
                    let shown = cut(&output);
                    let is_error = outcome != crate::protocol::ToolOutcome::Success;
                    self.message(shapes::tool_result(&call_id, &shown, is_error, &session));
                }
            }
            AgentEvent::Usage { session_cost, .. } => {
                if let Some(tally) = &mut self.tally {
                    tally.session_cost(session_cost);
                }
            }
            AgentEvent::ApprovalNeeded(request) => self.approval(request),
            AgentEvent::ElicitationNeeded(request) => {
                // Nobody can fill in the form or open the page: the server is told no.
                let page = request
                    .url
                    .as_ref()
                    .map(|page| format!(", to open {}", page.url))
                    .unwrap_or_default();
                say!(
                    "claw: declined: MCP server `{}` asked for input ({}{page})",
                    request.server,
                    request.message
                );
                self.send(Op::Elicit {
                    id: request.id,
                    answer: crate::protocol::elicitation::ElicitationAnswer::Decline,
                });
            }
            AgentEvent::Error { message } => {
                if self.options.output != OutputFormat::Text {
                    say!("claw: error: {message}");
                }
                if let Some(tally) = &mut self.tally {
                    tally.error(&message);
                }
            }
            AgentEvent::StructuredOutput(value) => {
                if let Some(tally) = &mut self.tally {
                    tally.structured_output(value);
                }
            }
            AgentEvent::TurnEnded { stop } => {
                let tally = self
                    .tally
                    .take()
                    .unwrap_or_else(|| TurnTally::new(self.context_window));
                let report = tally.finish(&stop);
                if self.options.output == OutputFormat::Text
                    && !self.quiet
                    && let Some(why) = text::why_stopped(&stop, self.stopped_for.take())
                {
                    say!("claw: stopped: {why}");
                }
                // What the turn no longer needs an answer to is cancelled before its result.
                for cancel in self.outgoing.abandon() {
                    self.control(cancel);
                }
                self.failed = report.is_error;
                let result = shapes::result(&report, &session);
                self.last_result = Some(result.clone());
                self.message(result);
                self.ended += 1;
            }
            AgentEvent::LookedUp { id, answer } => self.looked_up(id, answer),
            AgentEvent::Notice { message } => {
                if self.options.output != OutputFormat::Text {
                    say!("claw: {message}");
                }
            }
            AgentEvent::Retrying { .. } => {
                if let Some(retry) = Retry::of(&event) {
                    self.retrying(&retry, &session);
                }
            }
            AgentEvent::UserText { .. }
            | AgentEvent::TextDelta(_)
            | AgentEvent::ThinkingDelta(_)
            | AgentEvent::MessageDone
            | AgentEvent::ToolStarted { .. }
            | AgentEvent::ToolProgress { .. }
            | AgentEvent::PermissionModeChanged(_)
            | AgentEvent::Todos { .. }
            | AgentEvent::TranscriptReset
            // (Headless reads a resumed session whole: this never comes.)
            | AgentEvent::TranscriptRestored { .. }
            | AgentEvent::Compacted { .. }
            | AgentEvent::EditFile { .. }
            | AgentEvent::RewindPoints(_)
            | AgentEvent::EffortChanged(_)
            | AgentEvent::McpServers(_)
            | AgentEvent::ElicitationCompleted { .. }
            | AgentEvent::Info { .. } => {}
        }
    }

    /// A request about to be retried. Stream-json says it on stdout as Claude Code does (a
    /// `system`/`api_retry` line, which is what a program reads), and nothing on stderr; json
    /// keeps that message for `--verbose`'s array but prints it only at the end, so stderr
    /// still says the wait as it happens; text says it with the answer's activity
    /// (`text::show`).
    fn retrying(&mut self, retry: &Retry<'_>, session: &str) {
        match self.options.output {
            OutputFormat::StreamJson => {}
            OutputFormat::Json => say!("claw: {}", retry.sentence()),
            OutputFormat::Text => return,
        }
        self.message(retry.message(session));
    }

    /// `--include-partial-messages`: a provider's stream event as it came, on its line.
    pub(super) fn stream(&mut self, event: Value) {
        if !self.options.partial || self.options.output != OutputFormat::StreamJson {
            return;
        }
        let session = self.start.session_id.clone();
        self.message(shapes::stream_event(event, &session));
    }
}

/// Writes one JSON line to stdout (a closed stdout is not an error worth more than silence:
/// the reader went away).
fn write_line(line: &Value) {
    let mut stdout = std::io::stdout().lock();
    let _ = serde_json::to_writer(&mut stdout, line);
    let _ = stdout.write_all(b"\n");
    let _ = stdout.flush();
}

/// A tool result as its `user` line shows it: whole, or cut with a note when very long.
fn cut(output: &str) -> String {
    if output.len() <= SHOWN_RESULT_MAX {
        return output.to_string();
    }
    let mut end = SHOWN_RESULT_MAX;
    while !output.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n[… {} more bytes, not shown here]",
        &output[..end],
        output.len() - end
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_results_are_cut_on_a_char_boundary_with_a_note() {
        assert_eq!(cut("short"), "short");
        let long = "é".repeat(SHOWN_RESULT_MAX);
        let shown = cut(&long);
        assert!(shown.len() < SHOWN_RESULT_MAX + 100);
        assert!(
            shown.ends_with("more bytes, not shown here]"),
            "{}",
            &shown[shown.len() - 40..]
        );
    }
}
