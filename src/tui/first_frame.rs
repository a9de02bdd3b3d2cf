//! The first frame waits for the session: the agent's session-started event brings the header
//! and a resumed transcript, and it comes within a millisecond or two of start-up. Drawing
//! before it would put an empty screen up first and hold the real one back by a whole frame
//! interval (16 ms); drawing after it shows the session at once. An agent that never says
//! anything only delays the first frame by `WAIT`.

use std::time::{Duration, Instant};

use crate::app::Msg;
use crate::protocol::AgentEvent;

/// The longest the first frame waits for the session-started event.
const WAIT: Duration = Duration::from_millis(200);

/// Holds the first frame back until the session has started (or `WAIT` has passed).
#[derive(Debug)]
pub struct FirstFrame {
    /// Until when the first frame waits; None once it may be drawn.
    until: Option<Instant>,
}

impl FirstFrame {
    /// Waits from `now` on.
    pub fn new(now: Instant) -> Self {
        FirstFrame {
            until: Some(now + WAIT),
        }
    }

    /// Takes note of a Msg on its way to the reducer: the session-started event ends the wait.
    pub fn saw(&mut self, msg: &Msg) {
        if matches!(msg, Msg::Agent(AgentEvent::SessionStarted(_))) {
            self.until = None;
        }
    }

    /// Whether a frame may be drawn at `now`.
    pub fn allows(&mut self, now: Instant) -> bool {
        if self.until.is_some_and(|until| now >= until) {
            self.until = None;
        }
        self.until.is_none()
    }

    /// When the wait runs out, while it lasts (the loop wakes then to draw anyway).
    pub fn deadline(&self) -> Option<Instant> {
        self.until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_frame_waits_for_the_session_then_for_nothing() {
        let now = Instant::now();
        let mut first = FirstFrame::new(now);
        assert!(!first.allows(now));
        assert_eq!(first.deadline(), Some(now + WAIT));
        // Other events (a notice, a key) do not end the wait.
        first.saw(&Msg::Agent(AgentEvent::Notice {
            message: "sandbox".into(),
        }));
        first.saw(&Msg::Tick);
        assert!(!first.allows(now + WAIT / 2));
        first.saw(&Msg::Agent(AgentEvent::SessionStarted(Box::default())));
        assert!(first.allows(now));
        assert_eq!(first.deadline(), None);
    }

    #[test]
    fn an_agent_that_says_nothing_delays_the_first_frame_only_so_long() {
        let now = Instant::now();
        let mut first = FirstFrame::new(now);
        assert!(!first.allows(now + WAIT - Duration::from_millis(1)));
        assert!(first.allows(now + WAIT));
        assert_eq!(first.deadline(), None);
        assert!(first.allows(now), "once allowed, always allowed");
    }
}
