//! Signed-in servers' credentials in claw's data directory (`mcp-oauth/`, one file per server
//! URL), readable only by the user: the directory 0700, each file 0600.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What claw keeps of a sign-in: the client it registered as, and the tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub server_url: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    /// `none`, `client_secret_basic`, `client_secret_post` or `private_key_jwt`.
    pub auth_method: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub resource: Option<String>,
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Seconds since the epoch when the access token expires, when the server said.
    #[serde(default)]
    pub expires_at: Option<u64>,
    /// The scopes the token was asked for (a step-up asks for them again, with the new ones).
    #[serde(default)]
    pub scope: Option<String>,
}

/// The file of `server_url` under `dir`.
fn file(dir: &Path, server_url: &str) -> PathBuf {
    // FNV-1a: the same name from one run to the next.
    let hash = server_url.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    dir.join(format!("{hash:016x}.json"))
}

pub fn load(dir: &Path, server_url: &str) -> Option<Saved> {
    let text = std::fs::read_to_string(file(dir, server_url)).ok()?;
    let saved: Saved = serde_json::from_str(&text).ok()?;
    (saved.server_url == server_url).then_some(saved)
}

pub fn save(dir: &Path, saved: &Saved) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let path = file(dir, &saved.server_url);
    let partial = path.with_extension("json.partial");
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&partial)?;
    out.write_all(serde_json::to_string_pretty(saved)?.as_bytes())?;
    out.sync_all()?;
    std::fs::rename(partial, path)
}

pub fn forget(dir: &Path, server_url: &str) {
    let _ = std::fs::remove_file(file(dir, server_url));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn credentials_are_kept_readable_only_by_the_user() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("mcp-oauth");
        let saved = Saved {
            server_url: "http://127.0.0.1:1/mcp".into(),
            client_id: "c".into(),
            client_secret: None,
            auth_method: "none".into(),
            token_endpoint: "http://127.0.0.1:1/token".into(),
            resource: None,
            access_token: "t".into(),
            refresh_token: Some("r".into()),
            expires_at: Some(5),
            scope: Some("read".into()),
        };
        save(&store, &saved).unwrap();
        assert_eq!(load(&store, &saved.server_url), Some(saved.clone()));
        assert_eq!(load(&store, "http://other/mcp"), None);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&store), 0o700);
        assert_eq!(mode(&file(&store, &saved.server_url)), 0o600);
        forget(&store, &saved.server_url);
        assert_eq!(load(&store, &saved.server_url), None);
    }
}
