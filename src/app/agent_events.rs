//! What the agent reports, applied to the Model: streamed text into live cells, tool calls
//! into the activity list, approvals into the queue, usage into the status bar.

use std::time::{Duration, Instant};

use crate::app::effect::Effect;
use crate::app::model::{CellKind, Model, ModelPhase, PendingApproval, ToolCall, ToolStatus};
use crate::app::overlay::Overlay;
use crate::app::question::QuestionDialog;
use crate::app::rewind::RewindPicker;
use crate::protocol::{AgentEvent, ApprovalPreview, ToolOutcome, TurnStop};

/// The UI keeps the newest this-much live output per tool call (the model gets the agent's
/// copy, and the finished call shows the result instead).
pub(crate) const MAX_LIVE_OUTPUT: usize = 64 * 1024;

/// Appends live output, keeping only the newest MAX_LIVE_OUTPUT bytes, from the start of a line
/// when one begins in them.
fn push_live_output(output: &mut String, chunk: &str) {
    output.push_str(chunk);
    if output.len() <= MAX_LIVE_OUTPUT {
        return;
    }
    let mut cut = output.len() - MAX_LIVE_OUTPUT;
    while !output.is_char_boundary(cut) {
        cut += 1;
    }
    if let Some(newline) = output[cut..].find('\n')
        && cut + newline + 1 < output.len()
    {
        cut += newline + 1;
    }
    output.drain(..cut);
}

pub(crate) fn on_agent(model: &mut Model, event: AgentEvent, now: Instant) -> Vec<Effect> {
    match event {
        AgentEvent::SessionInfo {
            model: name,
            cwd,
            context_window,
            provider,
        } => {
            model.status.model = name;
            model.status.provider = provider;
            model.status.cwd = cwd;
            model.status.context_window = context_window;
        }
        AgentEvent::UserText { text } => {
            model.live_cell = None;
            model.push_cell(CellKind::User(text));
        }
        AgentEvent::TurnStarted { prompt } => {
            model.busy = true;
            model.phase = ModelPhase::Waiting;
            if let Some(at) = model.queued.iter().position(|q| *q == prompt) {
                model.queued.remove(at);
                model.live_cell = None;
                model.push_cell(CellKind::User(prompt));
            }
        }
        AgentEvent::RequestStarted => {
            model.phase = ModelPhase::Waiting;
            model.live_cell = None;
        }
        AgentEvent::TextDelta(text) => {
            append_live(model, text, LiveKind::Text);
            model.phase = ModelPhase::Streaming;
        }
        AgentEvent::ThinkingDelta(text) => {
            append_live(model, text, LiveKind::Thinking);
            model.phase = ModelPhase::Thinking;
        }
        AgentEvent::MessageDone => model.live_cell = None,
        AgentEvent::ToolStarted {
            call_id,
            tool,
            summary,
        } => {
            model.live_cell = None;
            // A `!` command the user typed opens with its output shown.
            let typed = tool == "Bash"
                && model
                    .shell_commands
                    .first()
                    .is_some_and(|c| *c == summary)
                && {
                    model.shell_commands.remove(0);
                    true
                };
            let gated = gated_call(model, &tool);
            let index = model.tools.len();
            model.tools.push(ToolCall {
                call_id,
                tool,
                summary,
                status: ToolStatus::Running,
                started: now,
                duration: None,
                output: String::new(),
                result_summary: String::new(),
                expanded: typed,
                hooks: Vec::new(),
                folded: gated.is_some(),
            });
            match gated {
                Some(owner) => {
                    model.tools[owner].hooks.push(index);
                    touch_tool_cell(model, owner);
                }
                None => {
                    model.push_cell(CellKind::Tool(index));
                    // After the tool, the model is waited for again.
                    model.phase = ModelPhase::Waiting;
                }
            }
        }
        AgentEvent::ApprovalNeeded(request) => {
            if let Some(tool) = model
                .tools
                .iter_mut()
                .rev()
                .find(|t| t.call_id == request.call_id)
            {
                tool.status = ToolStatus::WaitingApproval;
            }
            let shown_at = model.approvals.is_empty().then_some(now);
            let dialog = match &request.preview {
                ApprovalPreview::Questions(questions) => Some(QuestionDialog::new(questions.clone())),
                ApprovalPreview::None
                | ApprovalPreview::Command { .. }
                | ApprovalPreview::FileChange(_)
                | ApprovalPreview::Plan(_) => None,
            };
            model.approvals.push_back(PendingApproval {
                request,
                shown_at,
                scroll: 0,
                note: None,
                dialog,
            });
        }
        AgentEvent::ToolProgress { call_id, chunk } => {
            if let Some(tool) = model.tools.iter_mut().rev().find(|t| t.call_id == call_id) {
                push_live_output(&mut tool.output, &chunk);
            }
        }
        AgentEvent::ToolFinished {
            call_id,
            outcome,
            output,
            summary,
            duration_ms,
        } => {
            if let Some(index) = model.tools.iter().rposition(|t| t.call_id == call_id) {
                // A redrawn call (after /rewind) says what it said the first time.
                let (summary, duration) = match model.earlier_results.remove(&call_id) {
                    Some(earlier) if summary.is_empty() && duration_ms == 0 => earlier,
                    // Redrawn from a saved session: its time is unknown, not 0 ms.
                    _ if summary.is_empty() && duration_ms == 0 => (summary, None),
                    _ => (summary, Some(Duration::from_millis(duration_ms))),
                };
                let tool = &mut model.tools[index];
                tool.status = ToolStatus::Done(outcome);
                tool.output = output;
                tool.result_summary = summary;
                tool.duration = duration;
                touch_tool_cell(model, index);
            }
            model.approvals.retain(|a| a.request.call_id != call_id);
        }
        AgentEvent::Usage {
            usage,
            session_cost,
            pricing,
            total_in,
            total_out,
        } => {
            model.status.tokens_in = total_in;
            model.status.tokens_out = total_out;
            model.status.cost = session_cost;
            model.status.pricing = pricing;
            model.status.context_used = usage.input_tokens
                + usage.cache_read_input_tokens
                + usage.cache_creation_input_tokens
                + usage.output_tokens;
        }
        AgentEvent::Retrying {
            attempt,
            delay_ms,
            reason,
            ..
        } => model.push_cell(CellKind::Notice(format!(
            "{reason}; retrying in {:.1} s (attempt {})",
            delay_ms as f64 / 1000.0,
            attempt + 1
        ))),
        AgentEvent::TurnEnded { stop } => end_turn(model, stop),
        AgentEvent::Error { message } => {
            model.live_cell = None;
            model.push_cell(CellKind::Error(message));
        }
        AgentEvent::Notice { message } => model.push_cell(CellKind::Notice(message)),
        AgentEvent::ElicitationNeeded(request) => {
            let mut form = crate::app::elicitation::ElicitationForm::new(request);
            form.shown_at = model.elicitations.is_empty().then_some(now);
            model.elicitations.push_back(form);
        }
        AgentEvent::ElicitationCompleted { id } => {
            crate::app::elicitation::on_completed(model, id, now)
        }
        AgentEvent::Info { title, body } => model.push_cell(CellKind::Info { title, body }),
        AgentEvent::McpServers(servers) => crate::app::mcp::on_servers(model, servers, now),
        AgentEvent::RewindPoints(points) if points.is_empty() => {
            model.push_cell(CellKind::Notice("Nothing to rewind to yet.".into()))
        }
        AgentEvent::RewindPoints(points) => model
            .overlays
            .open(Overlay::Rewind(RewindPicker::new(points))),
        AgentEvent::EffortChanged(effort) => model.effort = effort,
        AgentEvent::LookedUp { id, answer } => crate::app::lookups::answered(model, id, answer),
        // The screen never asks for raw stream events; it shows the deltas.
        AgentEvent::StreamEvent(_) => {}
        AgentEvent::TranscriptReset => {
            model.earlier_results = model
                .tools
                .iter()
                .map(|t| (t.call_id.clone(), (t.result_summary.clone(), t.duration)))
                .collect();
            model.clear();
        }
        AgentEvent::Todos { items } => model.todos = items,
        AgentEvent::PermissionModeChanged(mode) => {
            model.status.permission_mode = mode.as_str().to_string()
        }
        AgentEvent::Compacted { summarized, kept } => model.push_cell(CellKind::Notice(format!(
            "✻ Compacted: {summarized} earlier messages became a summary; the last {kept} are kept as they were."
        ))),
        AgentEvent::EditFile { path } => return vec![Effect::OpenEditor(path.into())],
        AgentEvent::SessionStarted(start) => {
            return crate::app::session_start::on_session_started(model, *start, now);
        }
        AgentEvent::TranscriptRestored {
            transcript,
            notices,
        } => {
            return crate::app::session_start::on_transcript_restored(
                model, transcript, notices, now,
            );
        }
        // The full screen draws answers from their deltas.
        AgentEvent::AssistantMessage(_) | AgentEvent::StructuredOutput(_) => {}
    }
    Vec::new()
}

fn end_turn(model: &mut Model, stop: TurnStop) {
    // A queued prompt's turn starts next: still busy, so what is typed meanwhile queues
    // behind it instead of showing before it.
    model.busy = !model.queued.is_empty();
    model.live_cell = None;
    model.approvals.clear();
    let now = model.now;
    let unfinished: Vec<usize> = (0..model.tools.len())
        .filter(|&i| {
            matches!(
                model.tools[i].status,
                ToolStatus::Running | ToolStatus::WaitingApproval
            )
        })
        .collect();
    for index in unfinished {
        let tool = &mut model.tools[index];
        tool.status = ToolStatus::Done(ToolOutcome::Interrupted);
        tool.duration = Some(now.duration_since(tool.started));
        touch_tool_cell(model, index);
    }
    let notice = match stop {
        TurnStop::Done | TurnStop::Failed => None,
        TurnStop::MaxTokens => Some("The answer reached the output token limit."),
        TurnStop::Refusal => Some("The model declined to answer."),
        TurnStop::Interrupted => Some("Interrupted."),
        TurnStop::MaxTurns => Some("Stopped: the turn reached its limit of model requests."),
        TurnStop::MaxBudget => Some("Stopped: the session reached its cost budget."),
    };
    if let Some(notice) = notice {
        model.push_cell(CellKind::Notice(notice.to_string()));
    }
}

/// Hooks run for a tool call (before it, on its approval, after it) are folded into the row of
/// that call: the newest call with a row of its own. Other hooks get a row.
fn gated_call(model: &Model, tool: &str) -> Option<usize> {
    let event = tool.strip_prefix("hook ")?;
    if !matches!(event, "PreToolUse" | "PermissionRequest" | "PostToolUse") {
        return None;
    }
    model.tools.iter().rposition(|t| !t.folded)
}

/// Marks the row of tool `tool_index` (or of the call its hook gated) as changed.
pub(crate) fn touch_tool_cell(model: &mut Model, tool_index: usize) {
    let row = model
        .tools
        .iter()
        .position(|t| t.hooks.contains(&tool_index))
        .unwrap_or(tool_index);
    if let Some(cell) = model
        .cells
        .iter()
        .rposition(|c| c.kind == CellKind::Tool(row))
    {
        model.touch(cell);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LiveKind {
    Text,
    Thinking,
}

/// Appends a delta to the live cell of its kind, or starts one with it (the delta's text
/// becomes the cell's: a replayed message is not copied again).
fn append_live(model: &mut Model, delta: String, kind: LiveKind) {
    if let Some(index) = model.live_cell {
        let appended = match (&mut model.cells[index].kind, kind) {
            (CellKind::Assistant(text), LiveKind::Text)
            | (CellKind::Thinking(text), LiveKind::Thinking) => {
                text.push_str(&delta);
                true
            }
            _ => false,
        };
        if appended {
            model.touch(index);
            return;
        }
    }
    model.push_cell(match kind {
        LiveKind::Text => CellKind::Assistant(delta),
        LiveKind::Thinking => CellKind::Thinking(delta),
    });
    model.live_cell = Some(model.cells.len() - 1);
}
