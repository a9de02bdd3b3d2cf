//! Hooks answered by the front end instead of a shell command: an Agent SDK registers its
//! hook functions in `initialize` (callback ids per event and matcher), and each time one
//! applies the agent sends the event's input down a channel; the headless front end asks the
//! client (`hook_callback`) and sends back the JSON it answered, which is read exactly as a
//! command hook's stdout is.

use std::time::Instant;

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use super::{EVENTS, HookCommand, HookRun, Hooks, read_matcher, read_timeout};

/// One hook call for the front end to answer.
#[derive(Debug)]
pub struct CallbackRequest {
    /// The id the client gave the function in `initialize`.
    pub callback_id: String,
    /// The event's input, as a command hook gets it on stdin.
    pub input: Value,
    /// The hook's JSON output, or why there is none.
    pub reply: oneshot::Sender<Result<Value, String>>,
}

/// Where the agent sends hook calls.
pub type CallbackSender = UnboundedSender<CallbackRequest>;

/// A hook's callback: its id and who answers it.
#[derive(Clone, Debug)]
pub struct Callback {
    pub id: String,
    pub sender: CallbackSender,
}

impl Hooks {
    /// Adds the hooks of an `initialize` request's `hooks` field
    /// (`{"PreToolUse": [{"matcher": "Bash", "hookCallbackIds": ["hook_0"], "timeout": 30}]}`),
    /// answered through `sender`; problems become warnings.
    pub fn add_callbacks(&mut self, config: &Value, sender: &CallbackSender) -> Vec<String> {
        let mut warnings = Vec::new();
        let Some(events) = config.as_object() else {
            return warnings;
        };
        for (event, matchers) in events {
            if !EVENTS.contains(&event.as_str()) {
                warnings.push(format!("hooks: claw has no event `{event}` (ignored)"));
                continue;
            }
            for matcher in matchers.as_array().into_iter().flatten() {
                let Some((written, pattern)) = read_matcher(event, matcher, &mut warnings) else {
                    continue;
                };
                let timeout = read_timeout(matcher);
                let ids = matcher.get("hookCallbackIds").and_then(Value::as_array);
                for id in ids.into_iter().flatten().filter_map(Value::as_str) {
                    self.commands.push(HookCommand {
                        event: event.clone(),
                        matcher: written.clone(),
                        pattern: pattern.clone(),
                        command: format!("callback {id}"),
                        timeout,
                        callback: Some(Callback {
                            id: id.to_string(),
                            sender: sender.clone(),
                        }),
                    });
                }
            }
        }
        warnings
    }
}

/// Asks the front end and waits for its answer, as long as the hook may take.
pub(super) async fn run(hook: &HookCommand, callback: &Callback, input: &str) -> HookRun {
    let started = Instant::now();
    let mut result = HookRun::not_run(hook);
    let (reply, answer) = oneshot::channel();
    let request = CallbackRequest {
        callback_id: callback.id.clone(),
        input: serde_json::from_str(input).unwrap_or(Value::Null),
        reply,
    };
    if callback.sender.send(request).is_err() {
        result.stderr = "the client that registered it is gone".into();
        return result;
    }
    match tokio::time::timeout(hook.timeout, answer).await {
        Ok(Ok(Ok(output))) => {
            result.exit = Some(0);
            result.stdout = output.to_string();
        }
        Ok(Ok(Err(error))) => {
            result.exit = Some(1);
            result.stderr = error;
        }
        Ok(Err(_)) => result.stderr = "the client that registered it is gone".into(),
        Err(_) => result.timed_out = true,
    }
    result.duration = started.elapsed();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn a_callback_hook_is_answered_by_the_front_end_like_a_command_hook() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut hooks = Hooks::default();
        let warnings = hooks.add_callbacks(
            &json!({
                "PreToolUse": [{"matcher": "Bash", "hookCallbackIds": ["hook_0"]}],
                "Nonsense": [{"hookCallbackIds": ["hook_1"]}]
            }),
            &tx,
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(hooks.matching("PreToolUse", Some("Read")).is_empty());
        let answering = tokio::spawn(async move {
            let request = rx.recv().await.unwrap();
            assert_eq!(request.callback_id, "hook_0");
            assert_eq!(request.input["tool_name"], "Bash");
            let _ = request.reply.send(Ok(json!({"hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": "not today"
            }})));
        });
        let outcome = hooks
            .fire(
                "PreToolUse",
                Some("Bash"),
                &json!({"tool_name": "Bash", "tool_input": {}}),
                std::path::Path::new("/"),
            )
            .await;
        answering.await.unwrap();
        assert_eq!(
            outcome.permission,
            Some(("deny".to_string(), "not today".to_string()))
        );
    }

    #[tokio::test]
    async fn a_callback_nobody_answers_fails_without_hanging() {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        drop(rx);
        let mut hooks = Hooks::default();
        hooks.add_callbacks(&json!({"Stop": [{"hookCallbackIds": ["h"]}]}), &tx);
        let outcome = hooks
            .fire("Stop", None, &json!({}), std::path::Path::new("/"))
            .await;
        assert_eq!(outcome.runs[0].exit, None);
        assert!(
            outcome.messages[0].contains("gone"),
            "{:?}",
            outcome.messages
        );
    }
}
