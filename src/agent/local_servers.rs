//! Finds model servers running on this machine for the first-run screen: each local preset
//! (Ollama, LM Studio, llama.cpp, vLLM) asked for its `/models` at 127.0.0.1 on its port, all at
//! once, with short waits, so a machine with nothing running answers in a blink.

use std::time::Duration;

use crate::protocol::local_server::LocalServer;
use crate::provider::Provider;
use crate::provider::openai::{OpenAi, Settings};
use crate::provider::presets;
use crate::provider::timeouts::Timeouts;

/// A loopback connection is made at once or refused at once; a firewall that drops packets
/// must not hold the screen's list.
const CONNECT: Duration = Duration::from_millis(250);
/// A server that accepted the connection gets this long to list its models.
const ANSWER: Duration = Duration::from_millis(1500);

/// The local presets, as people call them.
const LOCAL: [(&str, &str); 4] = [
    ("ollama", "Ollama"),
    ("lmstudio", "LM Studio"),
    ("llamacpp", "llama.cpp"),
    ("vllm", "vLLM"),
];

/// Where one preset's server would answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub provider: String,
    pub label: String,
    /// Up to and including `/v1`, at 127.0.0.1.
    pub base_url: String,
}

/// The local presets at their addresses (`OLLAMA_HOST` moves Ollama's), those on this machine
/// only, asked at 127.0.0.1.
pub fn candidates(var: &dyn Fn(&str) -> Option<String>) -> Vec<Candidate> {
    LOCAL
        .iter()
        .filter_map(|(name, label)| {
            let config = presets::preset(name, var)?;
            let base_url = loopback(&config.base_url)?;
            Some(Candidate {
                provider: name.to_string(),
                label: label.to_string(),
                base_url,
            })
        })
        .collect()
}

/// `url` with its host made 127.0.0.1 when it names this machine; None for another host.
fn loopback(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let (host_port, path) = rest.split_once('/').unwrap_or((rest, ""));
    let port = host_port.rsplit_once(':').map(|(_, port)| port)?;
    let host = &host_port[..host_port.len() - port.len() - 1];
    matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "0.0.0.0")
        .then(|| format!("{scheme}://127.0.0.1:{port}/{path}"))
}

/// Asks every candidate at once; the servers that answered, in the candidates' order.
pub async fn probe(candidates: &[Candidate]) -> Vec<LocalServer> {
    let asks = candidates.iter().map(|candidate| async move {
        let client = OpenAi::new(Settings {
            timeouts: Timeouts {
                connect: CONNECT,
                response: ANSWER,
                idle: ANSWER,
            },
            ..Settings::local(&candidate.base_url)
        });
        let listed = tokio::time::timeout(ANSWER, client.list_models()).await;
        let Ok(Ok(models)) = listed else {
            return None;
        };
        let address = candidate
            .base_url
            .split_once("://")
            .map_or(candidate.base_url.as_str(), |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        Some(LocalServer {
            provider: candidate.provider.clone(),
            label: candidate.label.clone(),
            address,
            models: models.into_iter().map(|m| m.id).collect(),
        })
    });
    futures::future::join_all(asks)
        .await
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_presets_are_asked_on_this_machine_only() {
        let none = |_: &str| None;
        let found = candidates(&none);
        let urls: Vec<&str> = found.iter().map(|c| c.base_url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://127.0.0.1:11434/v1",
                "http://127.0.0.1:1234/v1",
                "http://127.0.0.1:8080/v1",
                "http://127.0.0.1:8000/v1"
            ]
        );
        let elsewhere = |n: &str| (n == "OLLAMA_HOST").then(|| "gpu-box:11434".to_string());
        assert!(
            candidates(&elsewhere)
                .iter()
                .all(|c| c.provider != "ollama"),
            "another machine is not probed"
        );
        let moved = |n: &str| (n == "OLLAMA_HOST").then(|| "127.0.0.1:11500".to_string());
        assert_eq!(candidates(&moved)[0].base_url, "http://127.0.0.1:11500/v1");
    }
}
