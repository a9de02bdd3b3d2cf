//! The per-install id sent as the Messages API's `metadata.user_id`: a random secret made once
//! and kept in claw's data directory, sent only as its SHA-256, so requests of one install can
//! be told apart for abuse handling without anything personal (user name, host, path) in them.

use std::path::Path;

use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};

/// The file in the data directory holding the secret.
const FILE: &str = "install-id";

/// The install's `user_id`, creating its secret on first use. None when the data directory
/// can't be read or written (requests then go without one).
pub fn user_id(data_dir: &Path) -> Option<String> {
    let path = data_dir.join(FILE);
    let secret = match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().len() >= 32 => text.trim().to_string(),
        Ok(_) | Err(_) => {
            let mut bytes = [0u8; 32];
            SystemRandom::new().fill(&mut bytes).ok()?;
            let secret = hex(&bytes);
            std::fs::create_dir_all(data_dir).ok()?;
            std::fs::write(&path, &secret).ok()?;
            secret
        }
    };
    Some(format!(
        "claw_{}",
        hex(digest(&SHA256, secret.as_bytes()).as_ref())
    ))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_then_the_same_and_only_a_hash_of_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = user_id(&data).unwrap();
        assert_eq!(user_id(&data), Some(first.clone()));
        let secret = std::fs::read_to_string(data.join(FILE)).unwrap();
        assert_eq!(secret.len(), 64);
        assert!(!first.contains(&secret));
        assert!(
            first.starts_with("claw_") && first.len() == 5 + 64,
            "{first}"
        );
        // Another install gets another id.
        assert_ne!(user_id(&dir.path().join("other")), Some(first));
    }

    #[test]
    fn no_id_where_nothing_can_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(user_id(&file.join("data")), None);
    }
}
