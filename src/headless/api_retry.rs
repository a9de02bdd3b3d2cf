//! A model request about to be retried, as headless mode reports it: Claude Code's
//! `{"type": "system", "subtype": "api_retry", …}` message (the Agent SDKs' `SDKAPIRetryMessage`)
//! for JSON output, and one sentence for a person reading stderr.

use serde_json::{Value, json};

use super::shapes::uuid;
use crate::protocol::AgentEvent;

/// One retry, as the agent announced it (`AgentEvent::Retrying`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Retry<'a> {
    /// Retry number, from 1 (the request that failed was attempt number `attempt`).
    pub attempt: u32,
    /// How many retries the request may have in all; 0 when the event did not say.
    pub max_retries: u32,
    pub delay_ms: u64,
    pub reason: &'a str,
    pub status: Option<u16>,
    pub error_type: Option<&'a str>,
}

impl<'a> Retry<'a> {
    /// The retry an `AgentEvent::Retrying` announces (none for any other event).
    pub fn of(event: &'a AgentEvent) -> Option<Retry<'a>> {
        let AgentEvent::Retrying {
            attempt,
            delay_ms,
            reason,
            status,
            max_retries,
            error_type,
        } = event
        else {
            return None;
        };
        Some(Retry {
            attempt: *attempt,
            max_retries: *max_retries,
            delay_ms: *delay_ms,
            reason,
            status: *status,
            error_type: error_type.as_deref(),
        })
    }

    /// `{"type": "system", "subtype": "api_retry", …}`, with the fields Claude Code prints
    /// before each retry: `error_status` is null when no response came (or the error was an
    /// event inside the stream), `error` one of the SDKs' error categories.
    pub fn message(&self, session_id: &str) -> Value {
        json!({
            "type": "system",
            "subtype": "api_retry",
            "attempt": self.attempt,
            "max_retries": self.max_retries,
            "retry_delay_ms": self.delay_ms,
            "error_status": self.status,
            "error": self.category(),
            "uuid": uuid(),
            "session_id": session_id,
        })
    }

    /// The SDKs' `SDKAssistantMessageError` category of the failure, as Claude Code sorts a
    /// retried error: overloaded (529, or the stream's `overloaded_error`) and rate limited
    /// (429) are `rate_limit`, a refused key `authentication_failed`, any other status from
    /// 408 up (or the stream's `api_error`) `server_error`, no response at all `unknown`.
    pub fn category(&self) -> &'static str {
        match (self.status, self.error_type) {
            (Some(429 | 529), _) | (_, Some("overloaded_error" | "rate_limit_error")) => {
                "rate_limit"
            }
            (Some(401 | 403), _) => "authentication_failed",
            (Some(408..), _) | (_, Some("api_error" | "server_error")) => "server_error",
            (Some(_) | None, _) => "unknown",
        }
    }

    /// What a person reads on stderr: "rate limited (429); retrying in 0.5 s (retry 1 of 2)".
    pub fn sentence(&self) -> String {
        let of = if self.max_retries > 0 {
            format!(" of {}", self.max_retries)
        } else {
            String::new()
        };
        format!(
            "{}; retrying in {:.1} s (retry {}{of})",
            self.reason,
            self.delay_ms as f64 / 1000.0,
            self.attempt
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retry(status: Option<u16>, error_type: Option<&'static str>) -> Retry<'static> {
        Retry {
            attempt: 1,
            max_retries: 2,
            delay_ms: 1500,
            reason: "the API is overloaded (529)",
            status,
            error_type,
        }
    }

    #[test]
    fn the_message_has_claude_codes_fields() {
        let line = retry(Some(529), None).message("s1");
        let mut keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "attempt",
                "error",
                "error_status",
                "max_retries",
                "retry_delay_ms",
                "session_id",
                "subtype",
                "type",
                "uuid"
            ]
        );
        assert_eq!(line["type"], "system");
        assert_eq!(line["subtype"], "api_retry");
        assert_eq!(line["attempt"], 1);
        assert_eq!(line["max_retries"], 2);
        assert_eq!(line["retry_delay_ms"], 1500);
        assert_eq!(line["error_status"], 529);
        assert_eq!(line["error"], "rate_limit");
        assert_eq!(line["session_id"], "s1");
        assert_eq!(line["uuid"].as_str().unwrap().len(), 36);
    }

    #[test]
    fn no_response_has_a_null_status_and_an_unknown_error() {
        let line = retry(None, None).message("s1");
        assert!(line["error_status"].is_null(), "{line}");
        assert_eq!(line["error"], "unknown");
    }

    #[test]
    fn failures_fall_in_the_sdks_categories() {
        let cases = [
            (Some(529), None, "rate_limit"),
            (Some(429), None, "rate_limit"),
            (None, Some("overloaded_error"), "rate_limit"),
            (None, Some("rate_limit_error"), "rate_limit"),
            (Some(401), None, "authentication_failed"),
            (Some(403), None, "authentication_failed"),
            (Some(408), None, "server_error"),
            (Some(409), None, "server_error"),
            (Some(500), None, "server_error"),
            (Some(503), None, "server_error"),
            (None, Some("api_error"), "server_error"),
            (Some(400), None, "unknown"),
            (None, Some("something_new"), "unknown"),
            (None, None, "unknown"),
        ];
        for (status, error_type, category) in cases {
            assert_eq!(
                retry(status, error_type).category(),
                category,
                "{status:?} {error_type:?}"
            );
        }
    }

    #[test]
    fn an_event_carries_its_status_limit_and_error_type_and_older_events_still_read() {
        let event = AgentEvent::Retrying {
            attempt: 2,
            delay_ms: 40,
            reason: "server error (500)".into(),
            status: Some(500),
            max_retries: 2,
            error_type: None,
        };
        let wire = serde_json::to_string(&event).unwrap();
        let back: AgentEvent = serde_json::from_str(&wire).unwrap();
        assert_eq!(back, event);
        let retry = Retry::of(&back).unwrap();
        assert_eq!((retry.attempt, retry.max_retries), (2, 2));
        assert_eq!(retry.message("s")["error_status"], 500);
        // An event written before the status and the limit were added.
        let old = r#"{"type":"retrying","data":{"attempt":1,"delay_ms":500,"reason":"rate limited (429)"}}"#;
        let old: AgentEvent = serde_json::from_str(old).unwrap();
        let retry = Retry::of(&old).unwrap();
        assert_eq!(
            (retry.status, retry.max_retries, retry.error_type),
            (None, 0, None)
        );
        assert_eq!(
            retry.sentence(),
            "rate limited (429); retrying in 0.5 s (retry 1)"
        );
        assert_eq!(Retry::of(&AgentEvent::MessageDone), None);
    }

    #[test]
    fn the_sentence_names_the_wait_and_the_retry_of_how_many() {
        assert_eq!(
            retry(Some(529), None).sentence(),
            "the API is overloaded (529); retrying in 1.5 s (retry 1 of 2)"
        );
        let unbounded = Retry {
            max_retries: 0,
            ..retry(Some(529), None)
        };
        assert_eq!(
            unbounded.sentence(),
            "the API is overloaded (529); retrying in 1.5 s (retry 1)"
        );
    }
}
