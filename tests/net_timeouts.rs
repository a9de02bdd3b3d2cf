//! Servers that misbehave at the socket level, on a raw TCP listener: one that accepts and never
//! answers, one that reads the request and sends nothing, one that closes before the headers,
//! one whose stream says `overloaded_error` before any text. `claw -p` must give up in bounded
//! time with a plain message; the client must retry what can be retried.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use claw::provider::anthropic::{Anthropic, Auth, Options};
use claw::provider::retry::RetryPolicy;
use claw::provider::timeouts::Timeouts;
use claw::provider::{ChatRequest, Message, Provider, StreamEvent, Thinking};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with each connection, in order (the last one repeats).
#[derive(Clone, Copy, Debug)]
enum Conduct {
    /// Accepts and never reads or writes.
    Silent,
    /// Reads the request, then sends nothing.
    ReadsOnly,
    /// Reads the request, then closes the connection.
    HangsUp,
    /// Reads the request, then answers 200 with this SSE body and closes.
    Streams(&'static str),
}

/// A stream that fails the way the API does when it is overloaded: after message_start.
const OVERLOADED_MID_STREAM: &str = "event: message_start\n\
data: {\"type\": \"message_start\", \"message\": {\"id\": \"msg_1\", \"type\": \"message\", \"role\": \"assistant\", \"content\": [], \"model\": \"claude-sonnet-4-5\", \"stop_reason\": null, \"usage\": {\"input_tokens\": 5, \"output_tokens\": 1}}}\n\n\
event: ping\ndata: {\"type\": \"ping\"}\n\n\
event: error\n\
data: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n";

fn fixture(name: &str) -> &'static str {
    let path = format!(
        "{}/tests/fixtures/sse/anthropic/{name}.sse",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Box::leak(text.into_boxed_str())
}

struct Server {
    url: String,
    /// Connections accepted so far.
    connections: Arc<AtomicUsize>,
}

/// Serves on 127.0.0.1 (port 0) until the runtime ends.
async fn serve(conduct: Vec<Conduct>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&connections);
    tokio::spawn(async move {
        // Held open here, so a silent connection stays silent rather than closing.
        let mut held = Vec::new();
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let n = count.fetch_add(1, Ordering::SeqCst);
            let step = conduct[n.min(conduct.len() - 1)];
            match step {
                Conduct::Silent => held.push(socket),
                Conduct::ReadsOnly => {
                    read_request(&mut socket).await;
                    held.push(socket);
                }
                Conduct::HangsUp => {
                    read_request(&mut socket).await;
                    drop(socket);
                }
                Conduct::Streams(body) => {
                    read_request(&mut socket).await;
                    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                                connection: close\r\n\r\n";
                    let _ = socket.write_all(head.as_bytes()).await;
                    let _ = socket.write_all(body.as_bytes()).await;
                    let _ = socket.shutdown().await;
                }
            }
        }
    });
    Server { url, connections }
}

/// Reads one request: the headers, then `content-length` bytes of body.
async fn read_request(socket: &mut TcpStream) {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let Ok(n) = socket.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        data.extend_from_slice(&buf[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if data.len() >= end + 4 + length {
            return;
        }
    }
}

/// Runs `claw -p hi` against `url` with short timeouts; (exit code, stderr, time taken).
async fn claw_p(url: &str) -> (Option<i32>, String, Duration) {
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["-p", "hi"])
        .env("ANTHROPIC_BASE_URL", url)
        .env("ANTHROPIC_API_KEY", "test-key")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_DATA_HOME", home.path())
        .env("CLAW_API_TIMEOUT_MS", "300")
        .current_dir(home.path())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    // Far above the ~2 s the three attempts and two backoffs take; only a hang reaches it.
    let output = tokio::time::timeout(Duration::from_secs(60), child)
        .await
        .expect("claw -p hung")
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_times_out() {
    let server = serve(vec![Conduct::Silent]).await;
    let (code, stderr, _) = claw_p(&server.url).await;
    assert_eq!(code, Some(1), "{stderr}");
    let expected = format!(
        "no response from {} within 300 ms, after 3 attempts",
        server.url
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(
        stderr.contains("retrying"),
        "the retries are announced: {stderr}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_server_that_reads_the_request_and_sends_no_headers_times_out() {
    let server = serve(vec![Conduct::ReadsOnly]).await;
    let (code, stderr, _) = claw_p(&server.url).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("no response from {} within 300 ms", server.url)),
        "{stderr}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 3);
}

fn fast_client(url: &str) -> Anthropic {
    let options = Options {
        retry: RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
        },
        timeouts: Timeouts {
            response: Duration::from_secs(5),
            idle: Duration::from_secs(5),
            ..Timeouts::default()
        },
        ..Options::default()
    };
    Anthropic::new(url, Auth::ApiKey("k".into()), options)
}

fn request() -> ChatRequest {
    ChatRequest {
        model: "claude-sonnet-4-5".into(),
        max_tokens: 64,
        system: String::new(),
        messages: vec![Message::user_text("hi")],
        tools: Vec::new(),
        server_tools: Vec::new(),
        thinking: Thinking::OFF,
        images: claw::provider::Images::Accepted,
        raw_events: claw::provider::RawEvents::Off,
    }
}

/// Streams one request; (the text, or the error; the retry notices).
async fn stream(url: &str) -> (Result<String, String>, Vec<String>) {
    let client = fast_client(url);
    let mut retries = Vec::new();
    let result = client
        .stream(&request(), &mut |event| {
            if let StreamEvent::Retrying { reason, .. } = event {
                retries.push(reason);
            }
        })
        .await;
    (
        result
            .map(|done| done.message.text())
            .map_err(|e| e.to_string()),
        retries,
    )
}

#[tokio::test]
async fn an_overloaded_error_mid_stream_is_retried_and_the_retry_succeeds() {
    let server = serve(vec![
        Conduct::Streams(OVERLOADED_MID_STREAM),
        Conduct::Streams(fixture("docs_basic_text")),
    ])
    .await;
    let (result, retries) = stream(&server.url).await;
    assert_eq!(result.as_deref(), Ok("Hello!"));
    assert_eq!(retries.len(), 1, "{retries:?}");
    assert!(retries[0].contains("overloaded_error"), "{retries:?}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_connection_closed_before_the_headers_is_retried() {
    let server = serve(vec![
        Conduct::HangsUp,
        Conduct::Streams(fixture("docs_basic_text")),
    ])
    .await;
    let (result, retries) = stream(&server.url).await;
    assert_eq!(result.as_deref(), Ok("Hello!"));
    assert_eq!(
        retries,
        vec!["the connection broke before the response".to_string()]
    );
}

#[tokio::test]
async fn a_server_that_always_hangs_up_fails_after_three_attempts() {
    let server = serve(vec![Conduct::HangsUp]).await;
    let (result, retries) = stream(&server.url).await;
    let error = result.unwrap_err();
    assert!(
        error.starts_with(&format!("cannot reach {}, after 3 attempts", server.url)),
        "{error}"
    );
    assert_eq!(retries.len(), 2);
    assert_eq!(server.connections.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_connection_that_never_completes_is_a_connect_timeout() {
    // A listener that never accepts, its queue full: Linux drops further SYNs, so a connect
    // neither succeeds nor fails, like an address behind a firewall that drops packets.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..4 {
        let Ok(Ok(stream)) =
            tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await
        else {
            break;
        };
        queued.push(stream);
    }
    let client = Anthropic::new(
        &format!("http://{addr}"),
        Auth::ApiKey("k".into()),
        Options {
            retry: RetryPolicy {
                max_retries: 1,
                initial_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(5),
            },
            timeouts: Timeouts {
                connect: Duration::from_millis(200),
                ..Timeouts::default()
            },
            ..Options::default()
        },
    );
    let error = client
        .stream(&request(), &mut |_| {})
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        format!("cannot reach http://{addr}, after 2 attempts: no connection within 200 ms")
    );
    drop(listener);
}
