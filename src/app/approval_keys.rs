//! Keys while an approval prompt is on screen: allow, deny (with a note), stop, scroll the
//! preview, move between hunks; and the question dialog's answers.

use std::time::Instant;

use crossterm::event::KeyEvent;

use crate::app::diff_layout::{self, DiffLayout};
use crate::app::effect::Effect;
use crate::app::keymap::{self, ApprovalAction};
use crate::app::model::{APPROVAL_GRACE, Model, PendingApproval, ToolStatus};
use crate::app::question::QuestionAction;
use crate::protocol::{ApprovalPreview, Decision, Op, ToolOutcome};

pub(crate) fn on_approval_key(model: &mut Model, key: KeyEvent, now: Instant) -> Vec<Effect> {
    let page = (model.height as usize / 2).max(1);
    let width = model.width;
    let layout = model
        .diff_layout
        .unwrap_or_else(|| diff_layout::auto_layout(width));
    let Some(approval) = model.approvals.front_mut() else {
        return Vec::new();
    };
    if let Some(note) = approval.note.as_mut() {
        use crossterm::event::KeyCode;
        match key.code {
            KeyCode::Enter => {
                let note = note.trim().to_string();
                let decision = if note.is_empty() {
                    Decision::Deny
                } else {
                    Decision::DenyWithNote(note)
                };
                return decide(model, decision, now);
            }
            KeyCode::Esc => approval.note = None,
            KeyCode::Backspace => {
                note.pop();
            }
            KeyCode::Char(c) => note.push(c),
            _ => {}
        }
        return Vec::new();
    }
    if in_grace(approval, now) {
        return Vec::new();
    }
    let Some(action) = keymap::approval(&key) else {
        return Vec::new();
    };
    match action {
        ApprovalAction::AllowOnce => return decide(model, Decision::AllowOnce, now),
        ApprovalAction::AllowForSession => return decide(model, Decision::AllowForSession, now),
        ApprovalAction::AllowAlways => return decide(model, Decision::AllowAlways, now),
        ApprovalAction::Deny => return decide(model, Decision::Deny, now),
        ApprovalAction::DenyAndStop => return decide(model, Decision::DenyAndStop, now),
        ApprovalAction::DenyWithNote => approval.note = Some(String::new()),
        ApprovalAction::ScrollDown => approval.scroll += 1,
        ApprovalAction::ScrollUp => approval.scroll = approval.scroll.saturating_sub(1),
        ApprovalAction::PageDown => approval.scroll += page,
        ApprovalAction::PageUp => approval.scroll = approval.scroll.saturating_sub(page),
        ApprovalAction::NextHunk | ApprovalAction::PreviousHunk => {
            if let ApprovalPreview::FileChange(diff) = &approval.request.preview {
                let starts = diff_layout::shape(diff, layout).hunk_starts;
                let current = approval.scroll;
                let target = if action == ApprovalAction::NextHunk {
                    starts.iter().copied().find(|&s| s > current)
                } else {
                    starts.iter().rev().copied().find(|&s| s < current)
                };
                if let Some(target) = target {
                    approval.scroll = target;
                }
            }
        }
        ApprovalAction::ToggleLayout => {
            model.diff_layout = Some(match layout {
                DiffLayout::Unified => DiffLayout::SideBySide,
                DiffLayout::SideBySide => DiffLayout::Unified,
            });
        }
    }
    Vec::new()
}

/// Keys typed within APPROVAL_GRACE of a prompt appearing were meant for what was on screen
/// before: they don't answer it.
pub(crate) fn in_grace(approval: &mut PendingApproval, now: Instant) -> bool {
    let shown_at = *approval.shown_at.get_or_insert(now);
    now.duration_since(shown_at) < APPROVAL_GRACE
}

/// The question dialog's keys: its actions answer (or decline) the request on screen.
pub(crate) fn on_question_key(model: &mut Model, key: &KeyEvent, now: Instant) -> Vec<Effect> {
    let Some(approval) = model.approvals.front_mut() else {
        return Vec::new();
    };
    if approval.dialog.as_ref().is_some_and(|d| d.other.is_none()) && in_grace(approval, now) {
        return Vec::new();
    }
    let Some(dialog) = approval.dialog.as_mut() else {
        return Vec::new();
    };
    match dialog.on_key(key) {
        QuestionAction::Asking => Vec::new(),
        QuestionAction::Answered(answers) => decide(model, Decision::Answered(answers), now),
        QuestionAction::Declined => decide(model, Decision::Deny, now),
    }
}

/// Answers the approval on screen and shows the next one, if any.
pub(crate) fn decide(model: &mut Model, decision: Decision, now: Instant) -> Vec<Effect> {
    let Some(approval) = model.approvals.pop_front() else {
        return Vec::new();
    };
    let call_id = approval.request.call_id.clone();
    if let Some(tool) = model.tools.iter_mut().rev().find(|t| t.call_id == call_id) {
        tool.status = match decision {
            Decision::AllowOnce
            | Decision::AllowForSession
            | Decision::AllowAlways
            | Decision::Answered(_)
            | Decision::AllowWith { .. } => ToolStatus::Running,
            Decision::Deny
            | Decision::DenyWithNote(_)
            | Decision::DenyAndStop
            | Decision::DenyWith { .. } => ToolStatus::Done(ToolOutcome::Denied),
        };
        tool.started = now;
    }
    if decision == Decision::DenyAndStop {
        model.approvals.clear();
    }
    if let Some(next) = model.approvals.front_mut() {
        next.shown_at = Some(now);
    }
    vec![Effect::Send(Op::Decide {
        id: approval.request.id,
        decision,
    })]
}
