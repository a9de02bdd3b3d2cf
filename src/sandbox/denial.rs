//! Explaining a sandboxed command's failure: when its output reads like a refused write or a
//! cut network, the tool result gets a line saying what the sandbox blocks, so the model (and
//! the user) don't take it for a broken machine and can ask for the sandbox to be turned off.

use super::{Network, SandboxPolicy};
use crate::tools::ToolError;

/// What refused writes print (EACCES, EROFS, EPERM), in lower case: Go and others print
/// strerror's text in lower case, C programs capitalized.
const WRITE_DENIED: &[&str] = &[
    "permission denied",
    "read-only file system",
    "operation not permitted",
];
/// What a cut network prints: glibc's resolver and Python, curl (and git, cargo through it),
/// Node and npm (EAI_AGAIN), bash's /dev/tcp (EPERM).
const NETWORK_CUT: &[&str] = &[
    "network is unreachable",
    "temporary failure in name resolution",
    "could not resolve host",
    "couldn't connect to server",
    "name or service not known",
    "eai_again",
    "operation not permitted",
];

/// `error` with the sandbox's note appended when the sandbox confined the command and the
/// output looks like something it blocks.
pub fn explain_failure(error: ToolError, policy: &SandboxPolicy) -> ToolError {
    match error {
        ToolError::Failed(text) if policy.confines() && looks_blocked(&text, policy.network) => {
            ToolError::Failed(format!(
                "{text}\n[sandbox: {}; this may be why the command failed]",
                policy.limits_text()
            ))
        }
        other => other,
    }
}

fn looks_blocked(text: &str, network: Network) -> bool {
    let networked = match network {
        Network::Off => NETWORK_CUT,
        Network::Allowed => &[],
    };
    let text = text.to_lowercase();
    WRITE_DENIED
        .iter()
        .chain(networked)
        .any(|m| text.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_counts_as_blocked() {
        assert!(looks_blocked(
            "touch: cannot touch '/x': Permission denied",
            Network::Off
        ));
        assert!(looks_blocked(
            "curl: (6) Could not resolve host: a.b",
            Network::Off
        ));
        assert!(!looks_blocked(
            "curl: (6) Could not resolve host: a.b",
            Network::Allowed
        ));
        assert!(looks_blocked(
            "open /x: permission denied",
            Network::Allowed
        ));
        assert!(looks_blocked(
            "curl: (7) Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server",
            Network::Off
        ));
        assert!(looks_blocked("npm error errno EAI_AGAIN", Network::Off));
        assert!(!looks_blocked(
            "error[E0308]: mismatched types",
            Network::Off
        ));
    }
}
