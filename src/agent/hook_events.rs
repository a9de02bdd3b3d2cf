//! Firing hooks from the turn loop: the common input fields, one activity-pane entry per hook
//! run, and the hooks' messages as notices.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::agent::turn::Session;
use crate::hooks::Outcome;
use crate::protocol::{AgentEvent, ToolOutcome};

impl Session {
    /// Runs the hooks of `event` for `target` with `input` (plus the common fields), showing
    /// each run in the activity pane.
    pub(crate) async fn fire(
        &mut self,
        event: &str,
        target: Option<&str>,
        mut input: Value,
    ) -> Outcome {
        let hooks = Arc::clone(&self.services.hooks);
        let matching = hooks.matching(event, target);
        if matching.is_empty() {
            return Outcome::default();
        }
        if let Some(object) = input.as_object_mut() {
            object.insert("session_id".into(), json!(self.services.session_id));
            object.insert("transcript_path".into(), json!(""));
            object.insert(
                "cwd".into(),
                json!(self.services.ctx.cwd.display().to_string()),
            );
            object.insert("hook_event_name".into(), json!(event));
            object.insert(
                "permission_mode".into(),
                json!(self.policy.permissions.mode.as_str()),
            );
        }
        let ids: Vec<String> = matching
            .iter()
            .map(|hook| {
                self.services.next_hook += 1;
                let id = format!("hook-{}", self.services.next_hook);
                self.emit(AgentEvent::ToolStarted {
                    call_id: id.clone(),
                    tool: format!("hook {event}"),
                    summary: hook.command.clone(),
                });
                id
            })
            .collect();
        let outcome = hooks
            .fire(event, target, &input, &self.services.ctx.cwd)
            .await;
        for (id, run) in ids.iter().zip(&outcome.runs) {
            let (result, summary) = match (run.exit, run.timed_out) {
                (Some(0), _) => (ToolOutcome::Success, "passed".to_string()),
                (Some(2), _) => (ToolOutcome::Failed, "blocked".to_string()),
                (Some(code), _) => (ToolOutcome::Failed, format!("exit {code}")),
                (None, true) => (ToolOutcome::Failed, "timed out".to_string()),
                (None, false) => (ToolOutcome::Failed, "could not run".to_string()),
            };
            let mut output = run.stdout.trim_end().to_string();
            if !run.stderr.trim().is_empty() {
                output.push_str(&format!("\n{}", run.stderr.trim_end()));
            }
            self.emit(AgentEvent::ToolFinished {
                call_id: id.clone(),
                outcome: result,
                output,
                summary,
                duration_ms: run.duration.as_millis() as u64,
            });
        }
        for message in &outcome.messages {
            self.emit(AgentEvent::Notice {
                message: message.clone(),
            });
        }
        outcome
    }

    /// Fires Notification hooks without waiting for them (they must not delay the prompt).
    pub(crate) fn notify(&self, message: String) {
        let hooks = Arc::clone(&self.services.hooks);
        if hooks.matching("Notification", None).is_empty() {
            return;
        }
        let cwd = self.services.ctx.cwd.clone();
        let input = json!({
            "session_id": self.services.session_id,
            "transcript_path": "",
            "cwd": cwd.display().to_string(),
            "hook_event_name": "Notification",
            "message": message,
        });
        tokio::spawn(async move {
            hooks.fire("Notification", None, &input, &cwd).await;
        });
    }
}
