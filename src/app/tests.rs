//! Reducer tests: feed Msgs, check the Model and the Effects.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEventKind};

use crate::app::model::{Activity, CellKind, Scroll, StatusInfo, ToolStatus};
use crate::app::{Effect, Model, Msg, update};
use crate::diff::FileDiff;
use crate::protocol::slash_command::SlashCommand;
use crate::protocol::{
    AgentEvent, ApprovalPreview, ApprovalRequest, Decision, Op, ToolOutcome, TurnStop,
};
use crate::theme::Theme;

pub(crate) struct Harness {
    pub(crate) model: Model,
    pub(crate) now: Instant,
}

impl Harness {
    pub(crate) fn new() -> Self {
        let now = Instant::now();
        Harness {
            model: Model::new(Theme::dark(), StatusInfo::default(), now),
            now,
        }
    }

    pub(crate) fn advance(&mut self, ms: u64) {
        self.now += Duration::from_millis(ms);
    }

    /// The effects of `msg`, without the history file's (checked on their own).
    pub(crate) fn send(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = update(&mut self.model, msg, self.now);
        effects.retain(|e| !matches!(e, Effect::SaveHistory(_)));
        effects
    }

    pub(crate) fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        self.send(Msg::Key(KeyEvent::from(code)))
    }

    pub(crate) fn key_with(&mut self, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
        self.send(Msg::Key(KeyEvent::new(code, modifiers)))
    }

    pub(crate) fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub(crate) fn agent(&mut self, event: AgentEvent) -> Vec<Effect> {
        self.send(Msg::Agent(event))
    }

    pub(crate) fn approval(&mut self, id: u64, call_id: &str, preview: ApprovalPreview) {
        self.agent(AgentEvent::ToolStarted {
            call_id: call_id.into(),
            tool: "Bash".into(),
            summary: "ls".into(),
        });
        self.agent(AgentEvent::ApprovalNeeded(ApprovalRequest {
            id,
            call_id: call_id.into(),
            tool: "Bash".into(),
            summary: "ls".into(),
            preview,
            session_rule: "Bash(ls:*)".into(),
            input: serde_json::Value::Null,
            rules: Vec::new(),
        }));
    }
}

fn command(cmd: &str) -> ApprovalPreview {
    ApprovalPreview::Command {
        command: cmd.into(),
        description: None,
    }
}

fn decided(effects: &[Effect]) -> Option<(u64, Decision)> {
    effects.iter().find_map(|e| match e {
        Effect::Send(Op::Decide { id, decision }) => Some((*id, decision.clone())),
        _ => None,
    })
}

#[test]
fn enter_sends_the_typed_message() {
    let mut h = Harness::new();
    h.type_text("fix the bug");
    let effects = h.key(KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Send(Op::UserTurn {
            text: "fix the bug".into()
        })]
    );
    assert_eq!(h.model.cells.len(), 1);
    assert_eq!(h.model.cells[0].kind, CellKind::User("fix the bug".into()));
    assert!(h.model.input.is_empty());
    assert!(h.model.busy);
}

#[test]
fn enter_on_blank_input_sends_nothing() {
    let mut h = Harness::new();
    h.type_text("   ");
    assert!(h.key(KeyCode::Enter).is_empty());
    assert!(h.model.cells.is_empty());
}

#[test]
fn shift_enter_and_ctrl_j_insert_newlines() {
    let mut h = Harness::new();
    h.type_text("a");
    h.key_with(KeyCode::Enter, KeyModifiers::SHIFT);
    h.type_text("b");
    h.key_with(KeyCode::Char('j'), KeyModifiers::CONTROL);
    h.type_text("c");
    assert_eq!(h.model.input_text(), "a\nb\nc");
    let effects = h.key(KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Send(Op::UserTurn {
            text: "a\nb\nc".into()
        })]
    );
}

#[test]
fn paste_inserts_text_with_line_breaks() {
    let mut h = Harness::new();
    h.send(Msg::Paste("one\r\ntwo\rthree".into()));
    assert_eq!(h.model.input_text(), "one\ntwo\nthree");
}

#[test]
fn up_and_down_recall_history() {
    let mut h = Harness::new();
    h.type_text("first");
    h.key(KeyCode::Enter);
    h.type_text("second");
    h.key(KeyCode::Enter);
    h.type_text("draft");
    h.key(KeyCode::Up);
    assert_eq!(h.model.input_text(), "second");
    h.key(KeyCode::Up);
    assert_eq!(h.model.input_text(), "first");
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    assert_eq!(h.model.input_text(), "draft");
}

#[test]
fn deltas_stream_into_one_cell_until_a_tool_starts() {
    let mut h = Harness::new();
    h.agent(AgentEvent::TurnStarted {
        prompt: String::new(),
    });
    h.agent(AgentEvent::TextDelta("Hel".into()));
    h.agent(AgentEvent::TextDelta("lo".into()));
    assert_eq!(h.model.cells.len(), 1);
    assert_eq!(h.model.cells[0].kind, CellKind::Assistant("Hello".into()));
    assert_eq!(h.model.activity(), Activity::Streaming);
    let version = h.model.cells[0].version;
    h.agent(AgentEvent::TextDelta("!".into()));
    assert_ne!(
        h.model.cells[0].version, version,
        "a delta must invalidate the cache"
    );
    h.agent(AgentEvent::ToolStarted {
        call_id: "t1".into(),
        tool: "Read".into(),
        summary: "src/lib.rs".into(),
    });
    h.agent(AgentEvent::TextDelta("Done".into()));
    assert_eq!(h.model.cells.len(), 3);
    assert_eq!(h.model.cells[1].kind, CellKind::Tool(0));
    assert_eq!(h.model.cells[2].kind, CellKind::Assistant("Done".into()));
}

#[test]
fn thinking_and_text_get_separate_cells() {
    let mut h = Harness::new();
    h.agent(AgentEvent::ThinkingDelta("hmm".into()));
    h.agent(AgentEvent::ThinkingDelta(" ok".into()));
    h.agent(AgentEvent::TextDelta("Answer".into()));
    assert_eq!(h.model.cells[0].kind, CellKind::Thinking("hmm ok".into()));
    assert_eq!(h.model.cells[1].kind, CellKind::Assistant("Answer".into()));
}

#[test]
fn keys_in_the_grace_period_do_not_answer_an_approval() {
    let mut h = Harness::new();
    h.approval(7, "c1", command("ls"));
    assert!(decided(&h.key(KeyCode::Char('y'))).is_none());
    h.advance(100);
    assert!(decided(&h.key(KeyCode::Char('y'))).is_none());
    assert_eq!(h.model.approvals.len(), 1);
    assert!(
        h.model.input.is_empty(),
        "swallowed keys must not reach the input"
    );
    h.advance(400);
    assert_eq!(
        decided(&h.key(KeyCode::Char('y'))),
        Some((7, Decision::AllowOnce))
    );
    assert!(h.model.approvals.is_empty());
    assert_eq!(h.model.tools[0].status, ToolStatus::Running);
}

#[test]
fn queued_approvals_are_shown_one_at_a_time_each_with_its_own_grace() {
    let mut h = Harness::new();
    h.approval(1, "c1", command("ls"));
    h.approval(2, "c2", command("pwd"));
    h.advance(500);
    assert_eq!(
        decided(&h.key(KeyCode::Char('a'))),
        Some((1, Decision::AllowForSession))
    );
    // The second prompt just appeared: an immediate 'n' is ignored.
    assert!(decided(&h.key(KeyCode::Char('n'))).is_none());
    h.advance(500);
    assert_eq!(
        decided(&h.key(KeyCode::Char('n'))),
        Some((2, Decision::Deny))
    );
}

#[test]
fn deny_with_a_note() {
    let mut h = Harness::new();
    h.approval(3, "c1", command("rm -rf build"));
    h.advance(500);
    h.key(KeyCode::Char('d'));
    h.type_text("use cargo clean");
    h.key(KeyCode::Backspace);
    h.type_text("n");
    assert_eq!(
        decided(&h.key(KeyCode::Enter)),
        Some((3, Decision::DenyWithNote("use cargo clean".into())))
    );
}

#[test]
fn esc_on_an_approval_denies_and_stops() {
    let mut h = Harness::new();
    h.approval(4, "c1", command("ls"));
    h.approval(5, "c2", command("ls"));
    h.advance(500);
    assert_eq!(
        decided(&h.key(KeyCode::Esc)),
        Some((4, Decision::DenyAndStop))
    );
    assert!(h.model.approvals.is_empty());
}

#[test]
fn esc_interrupts_a_running_turn_only() {
    let mut h = Harness::new();
    assert!(h.key(KeyCode::Esc).is_empty());
    h.type_text("go");
    h.key(KeyCode::Enter);
    assert_eq!(h.key(KeyCode::Esc), vec![Effect::Send(Op::Interrupt)]);
}

#[test]
fn ctrl_c_clears_then_arms_then_quits() {
    let mut h = Harness::new();
    h.type_text("draft");
    assert!(
        h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL)
            .is_empty()
    );
    assert!(h.model.input.is_empty());
    assert!(
        h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL)
            .is_empty()
    );
    let effects = h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(effects.contains(&Effect::Quit));
}

#[test]
fn ctrl_d_on_an_empty_input_quits_at_once() {
    let mut h = Harness::new();
    let effects = h.key_with(KeyCode::Char('d'), KeyModifiers::CONTROL);
    assert_eq!(
        effects,
        vec![
            Effect::Quit,
            Effect::Send(Op::Shutdown(crate::protocol::ExitReason::PromptInputExit))
        ]
    );
}

#[test]
fn ctrl_d_with_text_in_the_input_edits_it_and_does_not_quit() {
    let mut h = Harness::new();
    h.type_text("draft");
    h.key(KeyCode::Home);
    let effects = h.key_with(KeyCode::Char('d'), KeyModifiers::CONTROL);
    assert!(!effects.contains(&Effect::Quit), "{effects:?}");
    assert_eq!(h.model.input_text(), "raft", "Ctrl+D deleted forward");
    assert!(h.model.quit_armed.is_none());
}

#[test]
fn ctrl_c_presses_far_apart_do_not_quit() {
    let mut h = Harness::new();
    h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    h.advance(3_000);
    h.send(Msg::Tick);
    assert!(h.model.quit_armed.is_none());
    assert!(
        !h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL)
            .contains(&Effect::Quit)
    );
}

#[test]
fn scrolling_leaves_and_rejoins_the_stream() {
    let mut h = Harness::new();
    h.send(Msg::TranscriptLayout {
        lines: 100,
        rows: 20,
        top: 80,
        top_cell: 0,
    });
    assert_eq!(h.model.scroll, Scroll::Follow);
    h.key(KeyCode::PageUp);
    assert_eq!(h.model.scroll, Scroll::FromTop(62));
    h.send(Msg::Mouse(MouseEventKind::ScrollUp));
    assert_eq!(h.model.scroll, Scroll::FromTop(59));
    // The stream grows: the view stays where the user put it.
    h.send(Msg::TranscriptLayout {
        lines: 150,
        rows: 20,
        top: 59,
        top_cell: 0,
    });
    assert_eq!(h.model.scroll, Scroll::FromTop(59));
    h.key_with(KeyCode::End, KeyModifiers::CONTROL);
    assert_eq!(h.model.scroll, Scroll::Follow);
    h.key_with(KeyCode::Home, KeyModifiers::CONTROL);
    assert_eq!(h.model.scroll, Scroll::FromTop(0));
    for _ in 0..20 {
        h.key(KeyCode::PageDown);
    }
    assert_eq!(h.model.scroll, Scroll::Follow);
}

#[test]
fn a_short_transcript_does_not_scroll() {
    let mut h = Harness::new();
    h.send(Msg::TranscriptLayout {
        lines: 5,
        rows: 20,
        top: 0,
        top_cell: 0,
    });
    h.key(KeyCode::PageUp);
    assert_eq!(h.model.scroll, Scroll::Follow);
}

#[test]
fn turn_end_settles_unfinished_tools_and_explains_the_stop() {
    let mut h = Harness::new();
    h.approval(1, "c1", command("sleep 100"));
    h.agent(AgentEvent::TurnEnded {
        stop: TurnStop::Interrupted,
    });
    assert!(!h.model.busy);
    assert!(h.model.approvals.is_empty());
    assert_eq!(
        h.model.tools[0].status,
        ToolStatus::Done(ToolOutcome::Interrupted)
    );
    assert_eq!(
        h.model.cells.last().map(|c| &c.kind),
        Some(&CellKind::Notice("Interrupted.".into()))
    );
}

#[test]
fn a_call_id_seen_again_updates_the_newest_call() {
    let mut h = Harness::new();
    for _ in 0..2 {
        h.agent(AgentEvent::ToolStarted {
            call_id: "same".into(),
            tool: "Bash".into(),
            summary: "x".into(),
        });
        h.agent(AgentEvent::ToolFinished {
            call_id: "same".into(),
            outcome: ToolOutcome::Denied,
            output: "Permission denied".into(),
            summary: "denied by a rule".into(),
            duration_ms: 1,
        });
    }
    assert!(
        h.model
            .tools
            .iter()
            .all(|t| t.status == ToolStatus::Done(ToolOutcome::Denied))
    );
}

#[test]
fn tool_progress_and_result_update_the_activity() {
    let mut h = Harness::new();
    h.agent(AgentEvent::ToolStarted {
        call_id: "c1".into(),
        tool: "Bash".into(),
        summary: "make".into(),
    });
    h.agent(AgentEvent::ToolProgress {
        call_id: "c1".into(),
        chunk: "building\n".into(),
    });
    assert_eq!(h.model.tools[0].output, "building\n");
    h.agent(AgentEvent::ToolFinished {
        call_id: "c1".into(),
        outcome: ToolOutcome::Success,
        output: "building\ndone\n".into(),
        summary: "exit 0".into(),
        duration_ms: 1200,
    });
    let tool = &h.model.tools[0];
    assert_eq!(tool.status, ToolStatus::Done(ToolOutcome::Success));
    assert_eq!(tool.result_summary, "exit 0");
    assert_eq!(tool.duration, Some(Duration::from_millis(1200)));
}

#[test]
fn live_output_keeps_a_bounded_tail_from_a_line_start() {
    use crate::app::agent_events::MAX_LIVE_OUTPUT;
    let mut h = Harness::new();
    h.agent(AgentEvent::ToolStarted {
        call_id: "c1".into(),
        tool: "Bash".into(),
        summary: "yes".into(),
    });
    // 10 MB of progress, in chunks that end inside a line: only the newest 64 KiB stay.
    let chunk: String = (0..1000)
        .map(|i| format!("line ü{i}\n"))
        .collect::<String>()
        + "par";
    for _ in 0..1000 {
        h.agent(AgentEvent::ToolProgress {
            call_id: "c1".into(),
            chunk: chunk.clone(),
        });
    }
    let output = &h.model.tools[0].output;
    assert!(output.len() <= MAX_LIVE_OUTPUT, "{} bytes", output.len());
    assert!(
        output.len() > MAX_LIVE_OUTPUT - 100,
        "{} bytes",
        output.len()
    );
    assert!(output.starts_with("line ü"), "{:?}", &output[..20]);
    assert!(output.ends_with("line ü999\npar"));
}

#[test]
fn hunk_keys_move_between_hunks_of_a_diff() {
    let mut h = Harness::new();
    let old: String = (1..=40).map(|i| format!("line {i}\n")).collect();
    let new = old
        .replace("line 5\n", "line five\n")
        .replace("line 30\n", "line thirty\n");
    let diff = FileDiff::compute("a.txt", &old, &new, false);
    assert_eq!(diff.hunks.len(), 2);
    h.approval(1, "c1", ApprovalPreview::FileChange(diff));
    h.advance(500);
    h.key(KeyCode::Char(']'));
    let first = h.model.approvals[0].scroll;
    h.key(KeyCode::Char(']'));
    let second = h.model.approvals[0].scroll;
    assert!(second > first, "{first} -> {second}");
    h.key(KeyCode::Char('['));
    assert_eq!(h.model.approvals[0].scroll, first);
}

#[test]
fn usage_updates_the_status_bar() {
    let mut h = Harness::new();
    h.agent(AgentEvent::Usage {
        usage: crate::provider::Usage {
            input_tokens: 100,
            output_tokens: 20,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 900,
        },
        session_cost: 0.25,
        pricing: crate::protocol::Pricing::Known,
        total_in: 1000,
        total_out: 20,
    });
    assert_eq!(h.model.status.tokens_in, 1000);
    assert_eq!(h.model.status.context_used, 1020);
    assert_eq!(h.model.status.cost, 0.25);
}

#[test]
fn shift_tab_cycles_the_permission_mode() {
    use crate::protocol::PermissionMode;
    let mut h = Harness::new();
    h.model.status.permission_mode = "default".into();
    let effects = h.key(KeyCode::BackTab);
    assert_eq!(
        effects,
        vec![Effect::Send(Op::SetPermissionMode(
            PermissionMode::AcceptEdits
        ))]
    );
    assert_eq!(h.model.status.permission_mode, "acceptEdits");
    h.key(KeyCode::BackTab);
    assert_eq!(h.model.status.permission_mode, "plan");
    h.key(KeyCode::BackTab);
    assert_eq!(h.model.status.permission_mode, "default");
}

#[test]
fn capital_a_allows_always() {
    let mut h = Harness::new();
    h.approval(9, "c1", command("make"));
    h.advance(500);
    assert_eq!(
        decided(&h.key(KeyCode::Char('A'))),
        Some((9, Decision::AllowAlways))
    );
}

#[test]
fn slash_commands_run_here_or_in_the_agent() {
    let mut h = Harness::new();
    h.type_text("/help");
    assert!(h.key(KeyCode::Enter).is_empty());
    assert!(
        matches!(&h.model.cells[0].kind, CellKind::Info { title, body } if title == "Help" && body.contains("/permissions"))
    );
    h.type_text("/permissions remove 2");
    assert_eq!(
        h.key(KeyCode::Enter),
        vec![Effect::Send(Op::Command {
            command: SlashCommand::Permissions,
            args: "remove 2".into()
        })]
    );
    assert!(!h.model.busy, "a command is not a turn");
    h.type_text("/frobnicate");
    h.key(KeyCode::Enter);
    assert!(
        matches!(&h.model.cells.last().unwrap().kind, CellKind::Notice(e) if e.contains("/help"))
    );
    h.type_text("/clear");
    assert_eq!(h.key(KeyCode::Enter), vec![Effect::Send(Op::Clear)]);
    assert!(h.model.cells.is_empty());
    h.type_text("/usr/bin is a path, not a command");
    assert!(matches!(
        h.key(KeyCode::Enter).as_slice(),
        [Effect::Send(Op::UserTurn { .. })]
    ));
    h.type_text("/exit");
    assert!(h.key(KeyCode::Enter).contains(&Effect::Quit));
}

#[test]
fn esc_twice_on_an_empty_input_opens_rewind() {
    let mut h = Harness::new();
    assert!(h.key(KeyCode::Esc).is_empty());
    h.advance(300);
    assert_eq!(
        h.key(KeyCode::Esc),
        vec![Effect::Send(Op::Command {
            command: SlashCommand::Rewind,
            args: String::new()
        })]
    );
    // Far apart: nothing.
    h.advance(2_000);
    assert!(h.key(KeyCode::Esc).is_empty());
    h.advance(2_000);
    assert!(h.key(KeyCode::Esc).is_empty());
}

#[test]
fn a_question_dialog_collects_one_answer_per_question() {
    use crate::protocol::Question;
    let mut h = Harness::new();
    let questions = vec![
        Question {
            question: "Database?".into(),
            options: vec!["Postgres".into(), "SQLite".into()],
            ..Question::default()
        },
        Question {
            question: "Name?".into(),
            options: vec!["a".into(), "b".into()],
            ..Question::default()
        },
    ];
    h.approval(5, "q1", ApprovalPreview::Questions(questions));
    assert_eq!(h.model.activity(), Activity::AskingQuestion);
    // Typed just as the dialog appeared: meant for the input, it answers nothing.
    assert!(h.key(KeyCode::Char('1')).is_empty());
    h.advance(500);
    assert!(h.key(KeyCode::Char('9')).is_empty(), "no such option");
    assert!(h.key(KeyCode::Char('2')).is_empty());
    let dialog = h.model.approvals[0].dialog.as_ref().unwrap();
    assert_eq!(dialog.answers, vec!["SQLite".to_string()]);
    // Typing that isn't the dialog's keys is not an answer.
    h.type_text("/todos");
    assert!(
        h.model.approvals[0]
            .dialog
            .as_ref()
            .unwrap()
            .other
            .is_none()
    );
    // Row 3 is Other: an answer in the user's words.
    h.key(KeyCode::Char('3'));
    h.type_text("claw-db");
    assert_eq!(
        decided(&h.key(KeyCode::Enter)),
        Some((
            5,
            Decision::Answered(vec!["SQLite".into(), "claw-db".into()])
        ))
    );
}

#[test]
fn a_bang_runs_a_shell_command() {
    let mut h = Harness::new();
    h.type_text("!git status");
    assert_eq!(
        h.key(KeyCode::Enter),
        vec![Effect::Send(Op::Shell {
            command: "git status".into()
        })]
    );
    assert!(!h.model.busy);
    h.type_text("!");
    assert!(
        matches!(
            h.key(KeyCode::Enter).as_slice(),
            [Effect::Send(Op::UserTurn { .. })]
        ),
        "a lone ! is just text"
    );
}

#[test]
fn ctrl_r_searches_the_history() {
    let mut h = Harness::new();
    for entry in ["cargo test --lib", "git status", "cargo build"] {
        h.type_text(entry);
        h.key(KeyCode::Enter);
    }
    h.key_with(KeyCode::Char('r'), KeyModifiers::CONTROL);
    h.type_text("cargo");
    assert_eq!(
        h.model.overlays.history_search().unwrap().found,
        Some((2, "cargo build".into()))
    );
    h.key_with(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(
        h.model.overlays.history_search().unwrap().found,
        Some((0, "cargo test --lib".into()))
    );
    h.key(KeyCode::Enter);
    assert!(h.model.overlays.history_search().is_none());
    assert_eq!(h.model.input_text(), "cargo test --lib");
    // Esc leaves the input as it was.
    h.key_with(KeyCode::Char('r'), KeyModifiers::CONTROL);
    h.type_text("git");
    h.key(KeyCode::Esc);
    assert_eq!(h.model.input_text(), "cargo test --lib");
}

#[test]
fn submitted_prompts_are_saved_to_the_history_file_and_large_pastes_expand() {
    let mut h = Harness::new();
    let pasted: String = (0..40).map(|i| format!("line {i}\n")).collect();
    h.send(Msg::Paste(pasted.clone()));
    assert_eq!(h.model.input_text(), "[Pasted text #1 +40 lines]");
    h.type_text(" fix it");
    let effects = update(
        &mut h.model,
        Msg::Key(KeyEvent::from(KeyCode::Enter)),
        h.now,
    );
    let sent = format!("{pasted} fix it");
    assert_eq!(
        effects,
        vec![
            Effect::SaveHistory(sent.clone()),
            Effect::Send(Op::UserTurn { text: sent.clone() })
        ]
    );
    assert!(h.model.pastes.is_empty());
    // Up brings back what was sent, whole.
    h.key(KeyCode::Up);
    assert_eq!(h.model.input_text(), sent);
}

#[test]
fn a_prompt_from_the_command_line_is_sent_and_saved_to_the_history() {
    let mut h = Harness::new();
    let effects = update(&mut h.model, Msg::SubmitPrompt("fix the bug".into()), h.now);
    assert_eq!(
        effects,
        vec![
            Effect::SaveHistory("fix the bug".into()),
            Effect::Send(Op::UserTurn {
                text: "fix the bug".into()
            })
        ]
    );
    assert!(h.model.input_text().is_empty());
    h.key(KeyCode::Up);
    assert_eq!(h.model.input_text(), "fix the bug");
}

#[test]
fn ctrl_g_edits_the_message_and_f2_releases_the_mouse() {
    let mut h = Harness::new();
    h.type_text("draft");
    let effects = h.key_with(KeyCode::Char('g'), KeyModifiers::CONTROL);
    assert_eq!(effects, vec![Effect::EditInput("draft".into())]);
    h.send(Msg::InputEdited(Ok("edited\nmessage\n".into())));
    assert_eq!(h.model.input_text(), "edited\nmessage");
    // A paste placeholder that went through the editor still expands when sent.
    let pasted: String = (0..20).map(|i| format!("{i}\n")).collect();
    h.send(Msg::Paste(pasted.clone()));
    h.send(Msg::InputEdited(
        Ok("see [Pasted text #1 +20 lines]".into()),
    ));
    let effects = h.key(KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Send(Op::UserTurn {
            text: format!("see {pasted}")
        })]
    );
    h.type_text("edited\nmessage");
    h.send(Msg::InputEdited(Ok("edited\nmessage\n".into())));
    h.send(Msg::InputEdited(Err("the editor exited with 1".into())));
    assert_eq!(h.model.input_text(), "edited\nmessage");
    assert!(
        matches!(h.model.cells.last().map(|c| &c.kind), Some(CellKind::Error(e)) if e.contains("exited"))
    );
    assert_eq!(h.key(KeyCode::F(2)), vec![Effect::MouseCapture(false)]);
    assert_eq!(h.key(KeyCode::F(2)), vec![Effect::MouseCapture(true)]);
}

#[test]
fn question_mark_on_an_empty_input_lists_every_key() {
    let mut h = Harness::new();
    h.key(KeyCode::Char('?'));
    match h.model.cells.last().map(|c| &c.kind) {
        Some(CellKind::Info { title, body }) => {
            assert_eq!(title, "Keys");
            assert!(body.contains("Ctrl+P"));
            assert!(body.contains("F2"));
        }
        other => panic!("{other:?}"),
    }
    h.type_text("why?");
    assert_eq!(h.model.input_text(), "why?");
}

#[test]
fn ctrl_f_finds_cells_and_n_moves_between_them() {
    let mut h = Harness::new();
    for text in ["alpha one", "beta", "Alpha two", "gamma"] {
        h.agent(AgentEvent::UserText { text: text.into() });
    }
    h.key_with(KeyCode::Char('f'), KeyModifiers::CONTROL);
    h.type_text("alpha");
    let search = h.model.overlays.search().cloned().unwrap();
    assert_eq!(search.matches, vec![0, 2]);
    assert_eq!(h.model.scroll, Scroll::Cell(2));
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('n'));
    assert_eq!(h.model.scroll, Scroll::Cell(0));
    h.key(KeyCode::Char('N'));
    assert_eq!(h.model.scroll, Scroll::Cell(2));
    // The view reports where that put the top; scrolling goes on from there.
    h.send(Msg::TranscriptLayout {
        lines: 100,
        rows: 10,
        top: 40,
        top_cell: 0,
    });
    assert_eq!(h.model.scroll, Scroll::FromTop(40));
    // Another key closes the search and does its usual job.
    h.key(KeyCode::Char('x'));
    assert!(h.model.overlays.search().is_none());
    assert_eq!(h.model.input_text(), "x");
}

#[test]
fn custom_commands_are_offered_and_sent_to_the_agent() {
    let mut h = Harness::new();
    h.model.custom_commands = vec![crate::app::commands::CustomEntry {
        name: "review".into(),
        description: "Review the diff (project)".into(),
        argument_hint: "[files]".into(),
    }];
    h.type_text("/rev");
    let popup = h.model.slash_popup().unwrap();
    assert_eq!(popup.len(), 1);
    assert_eq!(popup[0].args, "[files]");
    h.key(KeyCode::Tab);
    h.type_text("src/main.rs");
    let effects = h.key(KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Send(Op::CustomCommand {
            name: "review".into(),
            args: "src/main.rs".into()
        })]
    );
    assert!(h.model.busy);
    assert!(
        matches!(h.model.cells.last().map(|c| &c.kind), Some(CellKind::User(t)) if t == "/review src/main.rs")
    );
    // An unknown name is still said to be unknown.
    h.type_text("/nothing");
    h.key(KeyCode::Enter);
    assert!(matches!(
        h.model.cells.last().map(|c| &c.kind),
        Some(CellKind::Notice(_))
    ));
}

fn found(generation: u64, paths: &[&str], done: bool) -> Msg {
    Msg::FilesFound(crate::finder::FinderResults {
        generation,
        query: String::new(),
        matches: paths
            .iter()
            .map(|p| crate::finder::FileMatch {
                path: p.to_string(),
                positions: Vec::new(),
            })
            .collect(),
        indexing_done: done,
    })
}

#[test]
fn at_opens_the_file_finder_and_tab_attaches_the_choice() {
    let mut h = Harness::new();
    h.type_text("fix ");
    let effects = h.key(KeyCode::Char('@'));
    assert_eq!(
        effects,
        vec![Effect::FindFiles {
            generation: 1,
            query: String::new()
        }]
    );
    let effects = h.key(KeyCode::Char('m'));
    assert_eq!(
        effects,
        vec![Effect::FindFiles {
            generation: 2,
            query: "m".into()
        }]
    );
    // A stale answer is dropped; the current one shows.
    h.send(found(1, &["README.md"], true));
    assert!(h.model.overlays.mention().unwrap().matches.is_empty());
    h.send(found(2, &["src/main.rs", "src/my file.rs"], false));
    let picker = h.model.overlays.mention().cloned().unwrap();
    assert_eq!(picker.matches.len(), 2);
    assert!(picker.searching);
    h.key(KeyCode::Down);
    h.key(KeyCode::Tab);
    assert_eq!(h.model.input_text(), "fix @\"src/my file.rs\" ");
    assert!(h.model.overlays.mention().is_none());
    h.type_text("now");
    assert_eq!(h.model.input_text(), "fix @\"src/my file.rs\" now");
}

#[test]
fn a_mention_completed_before_a_space_leaves_one_space() {
    let mut h = Harness::new();
    h.type_text("fix  now");
    for _ in 0..4 {
        h.key(KeyCode::Left);
    }
    h.type_text("@m");
    h.send(found(2, &["src/main.rs"], true));
    h.key(KeyCode::Tab);
    assert_eq!(h.model.input_text(), "fix @src/main.rs now");
    assert_eq!(
        h.model.input.cursor(),
        (0, 17),
        "the cursor sits after the space"
    );
}

#[test]
fn esc_closes_the_finder_for_that_mention_and_mail_addresses_dont_open_it() {
    let mut h = Harness::new();
    h.type_text("me@example.com ");
    assert!(h.model.overlays.mention().is_none());
    h.type_text("@src");
    assert!(h.model.overlays.mention().is_some());
    h.key(KeyCode::Esc);
    assert!(h.model.overlays.mention().is_none());
    let effects = h.key(KeyCode::Char('x'));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(h.model.overlays.mention().is_none());
    // Enter with the finder closed sends the message.
    let effects = h.key(KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Send(Op::UserTurn { text })] if text == "me@example.com @srcx")
    );
}

#[test]
fn the_top_overlay_gets_the_key_and_the_one_below_gets_the_next() {
    use crate::app::overlay::{Overlay, OverlayKind, stack};
    let mut h = Harness::new();
    h.model
        .overlays
        .open(Overlay::DiffPane(crate::app::diff_pane::DiffPane::new(
            Vec::new(),
        )));
    h.model
        .overlays
        .open(Overlay::Palette(crate::app::palette::Palette::new(
            crate::app::palette::PaletteKind::Sessions,
            h.model.effort,
        )));
    assert_eq!(
        stack(&h.model),
        vec![OverlayKind::DiffPane, OverlayKind::Palette]
    );
    h.key(KeyCode::Esc);
    assert!(h.model.overlays.palette().is_none());
    assert_eq!(stack(&h.model), vec![OverlayKind::DiffPane]);
    h.key(KeyCode::Esc);
    assert!(stack(&h.model).is_empty());
}
