//! URL-mode elicitation (MCP 2025-11-25): a server sends the user to a page of its own (a
//! sign-in, a payment) and may later say, with `notifications/elicitation/complete`, that the
//! user finished there. The completions are kept here, by server and elicitation id, so the
//! dialog still waiting for that request closes by itself (the notice may even come first).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use serde_json::{Value, json};
use tokio::sync::Notify;

/// The method of the server's notice that a URL elicitation is done.
pub(crate) const COMPLETE_METHOD: &str = "notifications/elicitation/complete";

/// Completions remembered at most (the oldest go first).
const KEPT: usize = 64;

/// The URL elicitations servers said are done, as (server, elicitation id).
#[derive(Clone, Default)]
pub(crate) struct Completions {
    done: Arc<Mutex<VecDeque<(String, String)>>>,
    changed: Arc<Notify>,
}

impl Completions {
    /// `server` said elicitation `id` is done.
    pub(crate) fn complete(&self, server: &str, id: &str) {
        if let Ok(mut done) = self.done.lock() {
            if done.len() == KEPT {
                done.pop_front();
            }
            done.push_back((server.to_string(), id.to_string()));
        }
        self.changed.notify_waiters();
    }

    pub(crate) fn is_done(&self, server: &str, id: &str) -> bool {
        self.done
            .lock()
            .is_ok_and(|done| done.iter().any(|(s, i)| s == server && i == id))
    }

    /// Resolves once `server` says elicitation `id` is done; never for a request without an id.
    pub(crate) fn finished(&self, server: &str, id: &str) -> Finished {
        let (this, server, id) = (self.clone(), server.to_string(), id.to_string());
        Finished(Box::pin(async move {
            if id.is_empty() {
                return std::future::pending().await;
            }
            loop {
                let changed = this.changed.notified();
                tokio::pin!(changed);
                // Registered before the check, so a completion in between is not missed.
                changed.as_mut().enable();
                if this.is_done(&server, &id) {
                    return;
                }
                changed.await;
            }
        }))
    }
}

/// The end of a URL elicitation the server reports (a form has none: it never resolves).
pub struct Finished(pub BoxFuture<'static, ()>);

impl std::fmt::Debug for Finished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Finished")
    }
}

/// The elicitation id a completion notice names.
pub(crate) fn completed_id(params: Option<&Value>) -> Option<&str> {
    params?.get("elicitationId")?.as_str()
}

/// The `ElicitResult` for a URL elicitation: it carries no content.
pub(crate) fn result(answer: &crate::protocol::elicitation::ElicitationAnswer) -> Value {
    use crate::protocol::elicitation::ElicitationAnswer;
    json!({"action": match answer {
        ElicitationAnswer::Accept(_) => "accept",
        ElicitationAnswer::Decline => "decline",
        ElicitationAnswer::Cancel => "cancel",
    }})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::elicitation::ElicitationAnswer;
    use std::time::Duration;

    #[tokio::test]
    async fn a_completion_ends_the_wait_for_its_own_request_even_when_it_came_first() {
        let completions = Completions::default();
        completions.complete("pay", "early");
        tokio::time::timeout(
            Duration::from_secs(5),
            completions.finished("pay", "early").0,
        )
        .await
        .expect("a completion that came first counts");

        let waiting = tokio::spawn(completions.finished("pay", "e2").0);
        let other = completions.finished("other", "e2");
        completions.complete("pay", "e1");
        completions.complete("other-server", "e2");
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "another request's completion");
        completions.complete("pay", "e2");
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("its completion ends the wait")
            .unwrap();
        let never = tokio::time::timeout(Duration::from_millis(20), other.0).await;
        assert!(never.is_err(), "the same id from another server is not it");
        let no_id =
            tokio::time::timeout(Duration::from_millis(20), completions.finished("pay", "").0);
        assert!(
            no_id.await.is_err(),
            "a request without an id is never completed"
        );
    }

    #[test]
    fn a_url_answer_carries_no_content_and_a_notice_names_its_request() {
        assert_eq!(
            result(&ElicitationAnswer::Accept(vec![])),
            json!({"action": "accept"})
        );
        assert_eq!(
            result(&ElicitationAnswer::Cancel),
            json!({"action": "cancel"})
        );
        let params = json!({"elicitationId": "e7"});
        assert_eq!(completed_id(Some(&params)), Some("e7"));
        assert_eq!(completed_id(None), None);
    }
}
