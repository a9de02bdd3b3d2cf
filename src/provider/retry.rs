//! The retry policy of the official SDKs, as pure functions: which responses to retry, and how
//! long to wait (exponential backoff from 0.5 s capped at 8 s with jitter, `retry-after`
//! honoured up to 60 s, `x-should-retry` overriding the choice).

use std::time::Duration;

/// How many times to retry and how long the first wait is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub initial_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

/// The longest `retry-after` claw honours.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Whether a response with this status (and optional `x-should-retry` header) is retried.
pub fn should_retry(status: u16, should_retry_header: Option<&str>) -> bool {
    match should_retry_header.map(str::trim) {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    matches!(status, 408 | 409 | 429) || status >= 500
}

impl RetryPolicy {
    /// The wait before retry number `attempt` (0-based), given the server's `retry-after-ms` or
    /// `retry-after` header and a jitter factor in [0, 1).
    pub fn delay(
        &self,
        attempt: u32,
        retry_after_ms: Option<&str>,
        retry_after: Option<&str>,
        jitter: f64,
    ) -> Duration {
        if let Some(server) = parse_retry_after(retry_after_ms, retry_after)
            && server <= MAX_RETRY_AFTER
        {
            return server;
        }
        let base = self
            .initial_delay
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_delay);
        // Up to 25% less, as the SDKs do.
        base.mul_f64(1.0 - 0.25 * jitter.clamp(0.0, 1.0))
    }
}

fn parse_retry_after(retry_after_ms: Option<&str>, retry_after: Option<&str>) -> Option<Duration> {
    if let Some(ms) = retry_after_ms.and_then(|v| v.trim().parse::<f64>().ok())
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = retry_after?.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    // An HTTP date: honour it only as "later", which a plain backoff approximates; the SDKs
    // compute the difference from now, which needs a clock this pure function doesn't have.
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_header_override() {
        for status in [408, 409, 429, 500, 502, 503, 529] {
            assert!(should_retry(status, None), "{status}");
        }
        for status in [400, 401, 403, 404, 413, 422] {
            assert!(!should_retry(status, None), "{status}");
        }
        assert!(should_retry(400, Some("true")));
        assert!(!should_retry(529, Some("false")));
    }

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(0, None, None, 0.0), Duration::from_millis(500));
        assert_eq!(p.delay(1, None, None, 0.0), Duration::from_secs(1));
        assert_eq!(p.delay(10, None, None, 0.0), Duration::from_secs(8));
        assert_eq!(p.delay(0, None, None, 1.0), Duration::from_millis(375));
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_minute() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(0, None, Some("3"), 0.5), Duration::from_secs(3));
        assert_eq!(
            p.delay(0, Some("120"), Some("3"), 0.5),
            Duration::from_millis(120)
        );
        assert_eq!(
            p.delay(0, None, Some("600"), 0.0),
            Duration::from_millis(500)
        );
        assert_eq!(
            p.delay(0, None, Some("Wed, 21 Oct 2015 07:28:00 GMT"), 0.0),
            Duration::from_millis(500)
        );
    }
}
