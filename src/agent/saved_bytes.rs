//! A file's exact bytes as a session file keeps them (for /rewind): a JSON string when they are
//! UTF-8, which is how sessions saved them before, so old files load; `{"base64": …}` otherwise.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedBytes(pub Vec<u8>);

/// The two shapes on disk.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum OnDisk {
    Text(String),
    Base64 { base64: String },
}

impl Serialize for SavedBytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => OnDisk::Base64 {
                base64: STANDARD.encode(&self.0),
            }
            .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for SavedBytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match OnDisk::deserialize(deserializer)? {
            OnDisk::Text(text) => Ok(SavedBytes(text.into_bytes())),
            OnDisk::Base64 { base64 } => STANDARD
                .decode(base64)
                .map(SavedBytes)
                .map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_a_string_other_bytes_are_base64_and_both_load() {
        let text = SavedBytes("café\n".as_bytes().to_vec());
        assert_eq!(serde_json::to_string(&text).unwrap(), "\"café\\n\"");
        let latin = SavedBytes(b"caf\xE9\n".to_vec());
        let json = serde_json::to_string(&latin).unwrap();
        assert_eq!(json, r#"{"base64":"Y2Fm6Qo="}"#);
        for value in [text, latin] {
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(serde_json::from_str::<SavedBytes>(&json).unwrap(), value);
        }
        assert!(serde_json::from_str::<SavedBytes>(r#"{"base64":"!!"}"#).is_err());
    }
}
