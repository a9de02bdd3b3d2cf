//! The transport of an Agent SDK's in-process MCP server (`{"type": "sdk"}`): the MCP client
//! writes JSON-RPC lines into a pipe as for a stdio server; each message goes to the headless
//! front end, which asks the SDK client (`mcp_message`) and hands back its answer, written
//! into the pipe the client reads. One route for the process: servers may start before the
//! front end takes the other end, and their messages wait in the channel meanwhile.

use std::sync::{Mutex, OnceLock};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;

/// One JSON-RPC message for an SDK server, and where its answer goes.
#[derive(Debug)]
pub struct SdkMessage {
    pub server: String,
    pub message: Value,
    /// The server's JSON-RPC answer (for a notification, whatever the client says; unused).
    pub reply: oneshot::Sender<Value>,
}

type Route = (
    UnboundedSender<SdkMessage>,
    Mutex<Option<UnboundedReceiver<SdkMessage>>>,
);

fn route() -> &'static Route {
    static ROUTE: OnceLock<Route> = OnceLock::new();
    ROUTE.get_or_init(|| {
        let (tx, rx) = unbounded_channel();
        (tx, Mutex::new(Some(rx)))
    })
}

/// The front end's end of the route (once: None after the first call).
pub fn take_messages() -> Option<UnboundedReceiver<SdkMessage>> {
    route().1.lock().ok().and_then(|mut rx| rx.take())
}

/// A connection to the SDK server `name`: the (read, write) pair an MCP client serves on.
pub fn connect(name: &str) -> (DuplexStream, DuplexStream) {
    let (client_read, mut answers) = tokio::io::duplex(1 << 16);
    let (client_write, requests) = tokio::io::duplex(1 << 16);
    let name = name.to_string();
    let sender = route().0.clone();
    tokio::spawn(async move {
        let (done_tx, mut done_rx) = unbounded_channel::<Value>();
        let mut lines = BufReader::new(requests).lines();
        loop {
            tokio::select! {
                line = lines.next_line() => {
                    let Ok(Some(line)) = line else { return };
                    let Ok(message) = serde_json::from_str::<Value>(&line) else { continue };
                    forward(&name, message, &sender, &done_tx);
                }
                Some(answer) = done_rx.recv() => {
                    let mut bytes = answer.to_string().into_bytes();
                    bytes.push(b'\n');
                    if answers.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    (client_read, client_write)
}

/// Sends one message on; a request's answer (or an error naming why there is none) comes back
/// through `done`, a notification's answer is dropped.
fn forward(
    name: &str,
    message: Value,
    sender: &UnboundedSender<SdkMessage>,
    done: &UnboundedSender<Value>,
) {
    let id = message.get("id").cloned();
    let is_request = id.is_some() && message.get("method").is_some();
    let (reply, answer) = oneshot::channel();
    let gone = sender
        .send(SdkMessage {
            server: name.to_string(),
            message,
            reply,
        })
        .is_err();
    if !is_request {
        return;
    }
    let done = done.clone();
    let name = name.to_string();
    tokio::spawn(async move {
        let answer = match (gone, answer.await) {
            (false, Ok(answer)) => answer,
            (true, _) | (false, Err(_)) => json!({
                "jsonrpc": "2.0",
                "id": id,
                "error": {"code": -32603, "message": format!("the SDK client serving `{name}` is gone")},
            }),
        };
        let _ = done.send(answer);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_go_to_the_front_end_and_their_answers_come_back_in_the_pipe() {
        let mut messages = take_messages().unwrap();
        assert!(take_messages().is_none(), "one front end takes the route");
        let (read, mut write) = connect("calc");
        write
            .write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}\n")
            .await
            .unwrap();
        let note = messages.recv().await.unwrap();
        assert_eq!(note.server, "calc");
        assert_eq!(note.message["method"], "notifications/initialized");
        let _ = note.reply.send(json!({"jsonrpc": "2.0", "result": {}}));
        let request = messages.recv().await.unwrap();
        assert_eq!(request.message["id"], 7);
        let _ = request
            .reply
            .send(json!({"jsonrpc": "2.0", "id": 7, "result": {"tools": []}}));
        let mut lines = BufReader::new(read).lines();
        let answer: Value =
            serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
        // Only the request's answer: the notification's is not an MCP message.
        assert_eq!(
            answer,
            json!({"jsonrpc": "2.0", "id": 7, "result": {"tools": []}})
        );
    }
}
