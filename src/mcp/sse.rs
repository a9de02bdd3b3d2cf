//! The legacy HTTP+SSE transport (protocol 2024-11-05), which rmcp no longer ships and many
//! servers still speak: GET the SSE URL, wait for the `endpoint` event naming where to POST,
//! then POST each message there and read the answers as `message` events on the stream.

use std::collections::VecDeque;

use futures::{Stream, StreamExt};
use reqwest::header::HeaderMap;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::service::RoleClient;
use rmcp::transport::Transport;
use tokio::sync::mpsc;

use crate::provider::sse::{SseEvent, SseFramer};

/// The events of a response body, framed as they arrive.
struct Events<S> {
    body: S,
    framer: Option<SseFramer>,
    ready: VecDeque<SseEvent>,
}

impl<S, B> Events<S>
where
    S: Stream<Item = reqwest::Result<B>> + Unpin,
    B: AsRef<[u8]>,
{
    fn new(body: S) -> Self {
        Events {
            body,
            framer: Some(SseFramer::default()),
            ready: VecDeque::new(),
        }
    }

    /// The next event; None when the stream ended or failed.
    async fn next(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(event);
            }
            let framer = self.framer.as_mut()?;
            match self.body.next().await {
                Some(Ok(chunk)) => self.ready.extend(framer.feed(chunk.as_ref())),
                Some(Err(_)) => self.framer = None,
                None => {
                    let last = self.framer.take().and_then(SseFramer::finish);
                    self.ready.extend(last);
                }
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SseError {
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("not a valid URL: {0}")]
    Url(String),
    #[error("the event stream ended before the server named its message endpoint")]
    NoEndpoint,
}

pub struct SseTransport {
    client: reqwest::Client,
    endpoint: reqwest::Url,
    incoming: mpsc::Receiver<ServerJsonRpcMessage>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for SseTransport {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Opens the event stream and waits for the `endpoint` event.
pub async fn connect(url: &str, headers: HeaderMap) -> Result<SseTransport, SseError> {
    let base = reqwest::Url::parse(url).map_err(|e| SseError::Url(format!("{url}: {e}")))?;
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()?;
    let response = client
        .get(base.clone())
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(SseError::Status {
            url: url.to_string(),
            status: response.status().as_u16(),
        });
    }
    let mut events = Events::new(Box::pin(response.bytes_stream()));
    let endpoint = loop {
        match events.next().await {
            Some(event) if event.event == "endpoint" => {
                break base
                    .join(event.data.trim())
                    .map_err(|e| SseError::Url(format!("endpoint {}: {e}", event.data)))?;
            }
            Some(_) => continue,
            None => return Err(SseError::NoEndpoint),
        }
    };
    let (tx, incoming) = mpsc::channel(64);
    let reader = tokio::spawn(async move {
        while let Some(event) = events.next().await {
            if event.event != "message" && !event.event.is_empty() {
                continue;
            }
            // A line that isn't a JSON-RPC message is skipped, as on stdio.
            if let Ok(message) = serde_json::from_str::<ServerJsonRpcMessage>(&event.data)
                && tx.send(message).await.is_err()
            {
                return;
            }
        }
        // The stream ended: dropping `tx` ends `receive`, which closes the session.
    });
    Ok(SseTransport {
        client,
        endpoint,
        incoming,
        reader,
    })
}

impl Transport<RoleClient> for SseTransport {
    type Error = SseError;

    fn send(
        &mut self,
        item: ClientJsonRpcMessage,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let request = self.client.post(self.endpoint.clone()).json(&item);
        let url = self.endpoint.to_string();
        async move {
            let response = request.send().await?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(SseError::Status {
                    url,
                    status: response.status().as_u16(),
                })
            }
        }
    }

    async fn receive(&mut self) -> Option<ServerJsonRpcMessage> {
        self.incoming.recv().await
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.reader.abort();
        self.incoming.close();
        Ok(())
    }
}
