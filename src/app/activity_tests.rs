//! The status bar's state after each way a busy state ends (it is derived from what runs, so
//! a replayed conversation or a finished `!command` leaves it idle at once), and when a quit
//! key arms quitting.

use crossterm::event::{KeyCode, KeyModifiers};

use crate::app::Msg;
use crate::app::model::Activity;
use crate::app::tests::Harness;
use crate::protocol::{AgentEvent, ToolOutcome, TurnStop};

/// The events the agent sends when a resume or a rewind redraws a saved conversation.
fn replayed_conversation(h: &mut Harness) {
    h.agent(AgentEvent::TranscriptReset);
    h.agent(AgentEvent::UserText {
        text: "earlier".into(),
    });
    h.agent(AgentEvent::ThinkingDelta("hm".into()));
    h.agent(AgentEvent::MessageDone);
    h.agent(AgentEvent::TextDelta("an old answer".into()));
    h.agent(AgentEvent::MessageDone);
    h.agent(AgentEvent::ToolStarted {
        call_id: "t1".into(),
        tool: "Read".into(),
        summary: "a.rs".into(),
    });
    h.agent(AgentEvent::ToolFinished {
        call_id: "t1".into(),
        outcome: ToolOutcome::Success,
        output: "x".into(),
        summary: String::new(),
        duration_ms: 0,
    });
    h.agent(AgentEvent::TextDelta("done".into()));
    h.agent(AgentEvent::MessageDone);
    h.agent(AgentEvent::Notice {
        message: "Resumed".into(),
    });
}

#[test]
fn resuming_from_the_picker_leaves_the_status_idle() {
    let mut h = Harness::new();
    h.send(Msg::SubmitPrompt("/resume abc".into()));
    replayed_conversation(&mut h);
    assert_eq!(h.model.activity(), Activity::Idle);
}

#[test]
fn a_session_resumed_mid_session_shows_its_own_totals_not_the_previous_ones() {
    let usage = |input: u64, output: u64, cost: f64| AgentEvent::Usage {
        usage: crate::provider::Usage {
            input_tokens: input,
            output_tokens: output,
            ..Default::default()
        },
        session_cost: cost,
        pricing: crate::protocol::Pricing::Known,
        total_in: input,
        total_out: output,
    };
    let mut h = Harness::new();
    h.send(Msg::SubmitPrompt("hello".into()));
    h.agent(AgentEvent::TurnStarted {
        prompt: String::new(),
    });
    h.agent(usage(40_000, 2_000, 0.75));
    h.agent(AgentEvent::TurnEnded {
        stop: TurnStop::Done,
    });
    // What the agent sends for `/resume`: the resumed session's recorded totals, then its
    // conversation redrawn.
    h.send(Msg::SubmitPrompt("/resume 2".into()));
    h.agent(usage(1_000, 500, 0.0035));
    replayed_conversation(&mut h);
    let status = &h.model.status;
    assert_eq!((status.tokens_in, status.tokens_out), (1_000, 500));
    assert_eq!(status.cost, 0.0035);
    assert_eq!(status.context_used, 1_500);
    // A session with nothing recorded starts from zero.
    h.send(Msg::SubmitPrompt("/resume 3".into()));
    h.agent(usage(0, 0, 0.0));
    replayed_conversation(&mut h);
    let status = &h.model.status;
    assert_eq!(
        (status.tokens_in, status.tokens_out, status.cost),
        (0, 0, 0.0)
    );
    assert_eq!(status.context_used, 0);
}

#[test]
fn resume_and_rewind_commands_leave_the_status_idle() {
    for command in ["/resume 1", "/rewind 1"] {
        let mut h = Harness::new();
        // A finished turn first, so the replay follows real use.
        h.send(Msg::SubmitPrompt("hello".into()));
        h.agent(AgentEvent::TurnStarted {
            prompt: String::new(),
        });
        h.agent(AgentEvent::TextDelta("hi".into()));
        assert_eq!(h.model.activity(), Activity::Streaming);
        h.agent(AgentEvent::TurnEnded {
            stop: TurnStop::Done,
        });
        h.send(Msg::SubmitPrompt(command.into()));
        replayed_conversation(&mut h);
        assert_eq!(h.model.activity(), Activity::Idle, "{command}");
        assert!(!h.model.animating(), "{command}: nothing should tick");
    }
}

#[test]
fn a_shell_command_shows_running_until_it_finishes_then_idle() {
    let mut h = Harness::new();
    h.send(Msg::SubmitPrompt("!echo hi".into()));
    h.agent(AgentEvent::ToolStarted {
        call_id: "shell-1".into(),
        tool: "Bash".into(),
        summary: "echo hi".into(),
    });
    assert_eq!(h.model.activity(), Activity::RunningTool);
    assert!(h.model.animating(), "the spinner turns while it runs");
    h.agent(AgentEvent::ToolFinished {
        call_id: "shell-1".into(),
        outcome: ToolOutcome::Success,
        output: "hi\n".into(),
        summary: "exit 0".into(),
        duration_ms: 3,
    });
    assert_eq!(h.model.activity(), Activity::Idle);
}

#[test]
fn in_a_turn_the_state_follows_the_model_then_the_tools() {
    let mut h = Harness::new();
    h.send(Msg::SubmitPrompt("go".into()));
    assert_eq!(h.model.activity(), Activity::Waiting);
    h.agent(AgentEvent::TurnStarted {
        prompt: String::new(),
    });
    h.agent(AgentEvent::ThinkingDelta("t".into()));
    assert_eq!(h.model.activity(), Activity::Thinking);
    h.agent(AgentEvent::ToolStarted {
        call_id: "c".into(),
        tool: "Bash".into(),
        summary: "ls".into(),
    });
    assert_eq!(h.model.activity(), Activity::RunningTool);
    h.agent(AgentEvent::ToolFinished {
        call_id: "c".into(),
        outcome: ToolOutcome::Success,
        output: String::new(),
        summary: String::new(),
        duration_ms: 1,
    });
    assert_eq!(h.model.activity(), Activity::Waiting);
    h.agent(AgentEvent::TurnEnded {
        stop: TurnStop::Done,
    });
    assert_eq!(h.model.activity(), Activity::Idle);
}

fn ctrl_c(h: &mut Harness) -> Vec<crate::app::Effect> {
    h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL)
}

fn quits(effects: &[crate::app::Effect]) -> bool {
    effects.contains(&crate::app::Effect::Quit)
}

#[test]
fn a_ctrl_c_that_cleared_text_does_not_arm_quitting() {
    let mut h = Harness::new();
    assert!(
        !quits(&ctrl_c(&mut h)),
        "the first press on an empty input arms"
    );
    h.type_text("bbb");
    assert!(!quits(&ctrl_c(&mut h)), "this press clears the text");
    assert!(h.model.input.is_empty());
    assert!(h.model.quit_armed.is_none(), "clearing does not arm");
    assert!(!quits(&ctrl_c(&mut h)), "this press arms");
    assert!(quits(&ctrl_c(&mut h)), "and this one quits");
}

#[test]
fn a_ctrl_c_that_closed_the_palette_or_interrupted_does_not_arm_quitting() {
    let mut h = Harness::new();
    h.key_with(KeyCode::Char('p'), KeyModifiers::CONTROL);
    assert!(h.model.overlays.palette().is_some());
    assert!(!quits(&ctrl_c(&mut h)));
    assert!(
        h.model.overlays.palette().is_none(),
        "Ctrl+C closed the palette"
    );
    assert!(h.model.quit_armed.is_none());
    h.send(Msg::SubmitPrompt("go".into()));
    h.agent(AgentEvent::TurnStarted {
        prompt: String::new(),
    });
    let effects = ctrl_c(&mut h);
    assert!(effects.contains(&crate::app::Effect::Send(crate::protocol::Op::Interrupt)));
    assert!(h.model.quit_armed.is_none(), "interrupting does not arm");
    h.agent(AgentEvent::TurnEnded {
        stop: TurnStop::Interrupted,
    });
    assert!(!quits(&ctrl_c(&mut h)));
    assert!(quits(&ctrl_c(&mut h)));
}

#[test]
fn another_key_between_the_presses_disarms() {
    let mut h = Harness::new();
    ctrl_c(&mut h);
    h.key(KeyCode::PageUp);
    assert!(!quits(&ctrl_c(&mut h)));
}

fn rewind_points() -> Vec<crate::protocol::RewindPoint> {
    ["create a.txt", "change it\nplease", "and again"]
        .iter()
        .enumerate()
        .map(|(i, prompt)| crate::protocol::RewindPoint {
            turn: i + 1,
            prompt: prompt.to_string(),
            age_secs: Some(600 - 240 * i as u64),
        })
        .collect()
}

#[test]
fn esc_esc_lists_the_prompts_in_a_picker_and_enter_rewinds_to_the_chosen_one() {
    use crate::protocol::Op;
    let mut h = Harness::new();
    h.key(KeyCode::Esc);
    let asked = h.key(KeyCode::Esc);
    assert!(
        asked.contains(&crate::app::Effect::Send(Op::Command {
            command: crate::protocol::slash_command::SlashCommand::Rewind,
            args: String::new()
        })),
        "{asked:?}"
    );
    assert!(h.model.cells.is_empty(), "asking for the list adds nothing");
    h.agent(AgentEvent::RewindPoints(rewind_points()));
    assert_eq!(h.model.overlays.rewind().map(|p| p.selected), Some(2));
    h.key(KeyCode::Up);
    let effects = h.key(KeyCode::Enter);
    assert!(
        effects.contains(&crate::app::Effect::Send(Op::Command {
            command: crate::protocol::slash_command::SlashCommand::Rewind,
            args: "2".into()
        })),
        "{effects:?}"
    );
    assert!(h.model.overlays.rewind().is_none());
}

#[test]
fn the_rewind_picker_closes_with_esc_or_ctrl_c_and_says_when_there_is_nothing() {
    let mut h = Harness::new();
    h.agent(AgentEvent::RewindPoints(rewind_points()));
    assert!(h.key(KeyCode::Esc).is_empty());
    assert!(h.model.overlays.rewind().is_none());
    h.agent(AgentEvent::RewindPoints(rewind_points()));
    assert!(!quits(&ctrl_c(&mut h)));
    assert!(h.model.overlays.rewind().is_none());
    assert!(
        h.model.quit_armed.is_none(),
        "closing the picker does not arm"
    );
    h.agent(AgentEvent::RewindPoints(Vec::new()));
    assert!(h.model.overlays.rewind().is_none());
    assert!(matches!(
        h.model.cells.last().map(|c| &c.kind),
        Some(crate::app::model::CellKind::Notice(n)) if n == "Nothing to rewind to yet."
    ));
}

#[test]
fn an_approval_arriving_over_the_palette_takes_the_keys() {
    use crate::app::overlay::{OverlayKind, stack};
    let mut h = Harness::new();
    h.send(Msg::SubmitPrompt("go".into()));
    h.agent(AgentEvent::TurnStarted {
        prompt: String::new(),
    });
    h.key_with(KeyCode::Char('p'), KeyModifiers::CONTROL);
    h.approval(
        1,
        "c1",
        crate::protocol::ApprovalPreview::Command {
            command: "ls".into(),
            description: None,
        },
    );
    assert_eq!(
        stack(&h.model),
        vec![OverlayKind::Palette, OverlayKind::Approval]
    );
    h.advance(500);
    let effects = h.key(KeyCode::Char('y'));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            crate::app::Effect::Send(crate::protocol::Op::Decide { id: 1, .. })
        )),
        "{effects:?}"
    );
    assert_eq!(
        h.model.overlays.palette().map(|p| p.query.as_str()),
        Some(""),
        "the palette got no key"
    );
}
