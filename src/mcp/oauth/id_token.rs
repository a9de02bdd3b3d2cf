//! The user's ID token for cross-app access, read where the entry's `identityProvider` says
//! (the entry itself, a file, or a command's output) at every sign-in, so a token a
//! single-sign-on helper renewed is the one exchanged.

use std::time::Duration;

use super::OAuthError;
use crate::config::mcp::oauth::IdTokenSource;

/// How long `idTokenCommand` may take (it may wait for a single-sign-on helper).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// The ID token from `source`, trimmed; Err: why there is none.
pub(super) async fn read(source: &IdTokenSource) -> Result<String, OAuthError> {
    let (token, from) = match source {
        IdTokenSource::Text(token) => (token.clone(), "`idToken`".to_string()),
        IdTokenSource::File(path) => {
            let text = tokio::fs::read_to_string(path).await.map_err(|e| {
                OAuthError::IdentityProvider(format!(
                    "cannot read the ID token file {}: {e}",
                    path.display()
                ))
            })?;
            (text, format!("the ID token file {}", path.display()))
        }
        IdTokenSource::Command(command) => (run(command).await?, format!("`{command}`")),
    };
    let token = token.trim();
    if token.is_empty() {
        return Err(OAuthError::IdentityProvider(format!(
            "{from} gave no ID token"
        )));
    }
    Ok(token.to_string())
}

/// The standard output of `sh -c command`, in its own process group: killed whole on timeout,
/// when the sign-in is dropped, or when claw goes (as hooks are).
async fn run(command: &str) -> Result<String, OAuthError> {
    let failed = |why: String| OAuthError::IdentityProvider(format!("`{command}` {why}"));
    let mut shell = tokio::process::Command::new("sh");
    crate::process_groups::die_with_claw(shell.as_std_mut());
    let child = shell
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| failed(format!("could not start: {e}")))?;
    // Dropped unreleased (timed out, or this sign-in cancelled), it kills the command's group.
    let registered = child
        .id()
        .map(|id| crate::process_groups::Registration::new(id as i32));
    let output = match tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output()).await {
        Ok(output) => {
            if let Some(registration) = registered {
                registration.release();
            }
            output.map_err(|e| failed(format!("failed: {e}")))?
        }
        Err(_) => {
            drop(registered);
            return Err(failed(format!(
                "printed no ID token within {} s",
                COMMAND_TIMEOUT.as_secs()
            )));
        }
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let why = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let code = output
            .status
            .code()
            .map_or_else(|| "a signal".to_string(), |c| c.to_string());
        return Err(failed(
            format!("failed (exit {code}) {why}").trim_end().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_id_token_comes_from_the_entry_a_file_or_a_command() {
        let text = IdTokenSource::Text(" eyJ.a.b \n".into());
        assert_eq!(read(&text).await.unwrap(), "eyJ.a.b");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("id.jwt");
        std::fs::write(&file, "eyJ.from.file\n").unwrap();
        assert_eq!(
            read(&IdTokenSource::File(file)).await.unwrap(),
            "eyJ.from.file"
        );
        let command = IdTokenSource::Command("printf 'eyJ.%s.c' printed".into());
        assert_eq!(read(&command).await.unwrap(), "eyJ.printed.c");
    }

    #[tokio::test]
    async fn a_missing_id_token_says_where_claw_looked() {
        let missing = IdTokenSource::File("/nonexistent/claw/id.jwt".into());
        let why = read(&missing).await.unwrap_err().to_string();
        assert!(
            why.contains("cannot read the ID token file /nonexistent/claw/id.jwt"),
            "{why}"
        );
        let failing = IdTokenSource::Command("echo 'not signed in' >&2; exit 3".into());
        let why = read(&failing).await.unwrap_err().to_string();
        assert!(why.contains("failed (exit 3) not signed in"), "{why}");
        let silent = IdTokenSource::Command("true".into());
        let why = read(&silent).await.unwrap_err().to_string();
        assert!(why.contains("gave no ID token"), "{why}");
    }
}
