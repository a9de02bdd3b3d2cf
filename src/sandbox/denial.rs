//! Explaining a sandboxed command's failure: when its output reads like a refused write or a
//! cut network, the tool result gets a line saying what the sandbox blocks, so the model (and
//! the user) don't take it for a broken machine and can ask for the sandbox to be turned off.

use super::{Network, SandboxPolicy};
use crate::tools::ToolError;

/// What refused writes print (EACCES, EROFS, EPERM).
const WRITE_DENIED: &[&str] = &[
    "Permission denied",
    "Read-only file system",
    "Operation not permitted",
];
/// What a cut network prints (curl, wget, git, glibc's resolver, Python, bash's /dev/tcp).
const NETWORK_CUT: &[&str] = &[
    "Network is unreachable",
    "Temporary failure in name resolution",
    "Could not resolve host",
    "Name or service not known",
    "Operation not permitted",
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
        assert!(!looks_blocked(
            "error[E0308]: mismatched types",
            Network::Off
        ));
    }
}
