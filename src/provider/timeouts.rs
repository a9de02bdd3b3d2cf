//! How long claw waits on the API: to connect, for the response headers, and between two pieces
//! of a streaming body. The defaults suit the public API; `CLAW_CONNECT_TIMEOUT_MS`,
//! `CLAW_API_TIMEOUT_MS` and `CLAW_STREAM_IDLE_TIMEOUT_MS` change them (tests make them short).

use std::time::Duration;

/// The environment variables, with what each one sets.
pub const CONNECT_VAR: &str = "CLAW_CONNECT_TIMEOUT_MS";
pub const RESPONSE_VAR: &str = "CLAW_API_TIMEOUT_MS";
pub const IDLE_VAR: &str = "CLAW_STREAM_IDLE_TIMEOUT_MS";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// For the TCP (and TLS) connection.
    pub connect: Duration,
    /// From sending the request to its response headers (connecting included).
    pub response: Duration,
    /// A stream that sends nothing for this long has stalled.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            response: Duration::from_secs(60),
            idle: Duration::from_secs(90),
        }
    }
}

impl Timeouts {
    /// The defaults with whatever `var` (an environment lookup) overrides; a value that is not a
    /// positive number of milliseconds is ignored with a warning.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> (Self, Vec<String>) {
        let mut timeouts = Timeouts::default();
        let mut warnings = Vec::new();
        for (name, slot) in [
            (CONNECT_VAR, &mut timeouts.connect),
            (RESPONSE_VAR, &mut timeouts.response),
            (IDLE_VAR, &mut timeouts.idle),
        ] {
            let Some(value) = var(name).filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            match value.trim().parse::<u64>() {
                Ok(ms) if ms > 0 => *slot = Duration::from_millis(ms),
                _ => warnings.push(format!(
                    "{name}={value:?} is not a number of milliseconds; using {} ms",
                    slot.as_millis()
                )),
            }
        }
        (timeouts, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn variables_override_the_defaults() {
        let (t, warnings) =
            Timeouts::from_vars(vars(&[(RESPONSE_VAR, "300"), (IDLE_VAR, " 1500 ")]));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(t.response, Duration::from_millis(300));
        assert_eq!(t.idle, Duration::from_millis(1500));
        assert_eq!(t.connect, Timeouts::default().connect);
    }

    #[test]
    fn bad_values_are_ignored_with_a_warning() {
        let (t, warnings) = Timeouts::from_vars(vars(&[(CONNECT_VAR, "10s"), (RESPONSE_VAR, "0")]));
        assert_eq!(t, Timeouts::default());
        assert_eq!(warnings.len(), 2);
        assert!(
            warnings[0].contains("CLAW_CONNECT_TIMEOUT_MS") && warnings[0].contains("10000 ms"),
            "{warnings:?}"
        );
    }
}
