//! A scripted Anthropic-compatible (and OpenAI-compatible, see `openai`) server on 127.0.0.1, for the tests and the offline demo.
//! It speaks just enough HTTP/1.1 (one request per connection, close-delimited bodies) to
//! stream SSE with pacing, drop a connection mid-stream or stall, and it checks each request
//! the way the API does (roles, tool_use/tool_result pairing, thinking echoed), answering 400
//! otherwise. Every request is recorded for assertions.
//! Its own crate, used by claw only as a dev-dependency (tests, the demo example), so it never
//! ships in the product and depends on nothing of claw's.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

mod fixtures;
mod openai;
mod sse;
mod validate;

pub use fixtures::sse_fixture_names;
pub use openai::validate_chat;
use sse::message_events;
pub use validate::validate_request;

/// A request as the server received it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The last message of the conversation.
    pub fn last_message(&self) -> Option<&Value> {
        self.body["messages"].as_array().and_then(|m| m.last())
    }
}

/// One block of a scripted assistant message.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Text(String),
    Thinking {
        thinking: String,
        signature: String,
    },
    ToolUse {
        id: String,
        name: String,
        input: Value,
    },
}

#[derive(Clone, Debug, PartialEq)]
enum Body {
    /// SSE events, each a complete `event: …\ndata: …\n\n` string.
    Events(Vec<String>),
    Status {
        code: u16,
        body: String,
    },
    /// A web page (for WebFetch tests), with its own content type.
    Page {
        code: u16,
        content_type: String,
        body: String,
    },
}

/// What the server answers to one request.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    body: Body,
    headers: Vec<(String, String)>,
    pace: Duration,
    drop_after: Option<usize>,
    stall_after: Option<usize>,
    /// The scripted message, kept so an OpenAI-compatible request gets it in that wire form.
    message: Option<(Vec<Block>, String)>,
}

impl Reply {
    fn new(body: Body) -> Self {
        Reply {
            body,
            headers: Vec::new(),
            pace: Duration::ZERO,
            drop_after: None,
            stall_after: None,
            message: None,
        }
    }

    /// A complete streamed message of `blocks`, ending with `stop_reason`.
    pub fn message(blocks: Vec<Block>, stop_reason: &str) -> Self {
        let mut reply = Reply::new(Body::Events(message_events(&blocks, stop_reason, 25, 12)));
        reply.message = Some((blocks, stop_reason.to_string()));
        reply
    }

    /// A streamed text answer (end_turn).
    pub fn text(markdown: &str) -> Self {
        Reply::message(vec![Block::Text(markdown.into())], "end_turn")
    }

    /// Optional text, then one tool call (stop_reason tool_use).
    pub fn tool_use(text: &str, id: &str, name: &str, input: Value) -> Self {
        let mut blocks = Vec::new();
        if !text.is_empty() {
            blocks.push(Block::Text(text.into()));
        }
        blocks.push(Block::ToolUse {
            id: id.into(),
            name: name.into(),
            input,
        });
        Reply::message(blocks, "tool_use")
    }

    /// A web page served at a GET path (see `FakeServer::serve_page`).
    pub fn page(code: u16, content_type: &str, body: &str) -> Self {
        Reply::new(Body::Page {
            code,
            content_type: content_type.into(),
            body: body.into(),
        })
    }

    /// An HTTP error with an API-style JSON body.
    pub fn status(code: u16, error_type: &str, message: &str) -> Self {
        Reply::new(Body::Status {
            code,
            body: json!({"type": "error", "error": {"type": error_type, "message": message}})
                .to_string(),
        })
    }

    /// A recorded SSE body, served as is (split at blank lines, so pacing and faults apply).
    pub fn raw_sse(body: &str) -> Self {
        let mut events: Vec<String> = body.split_inclusive("\n\n").map(str::to_string).collect();
        events.retain(|e| !e.is_empty());
        Reply::new(Body::Events(events))
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Waits this long before each event.
    pub fn paced(mut self, pace: Duration) -> Self {
        self.pace = pace;
        self
    }

    /// Closes the connection after `events` events.
    pub fn drop_after(mut self, events: usize) -> Self {
        self.drop_after = Some(events);
        self
    }

    /// Sends nothing more after `events` events, keeping the connection open.
    pub fn stall_after(mut self, events: usize) -> Self {
        self.stall_after = Some(events);
        self
    }

    /// How many SSE events this reply has.
    pub fn event_count(&self) -> usize {
        match &self.body {
            Body::Events(events) => events.len(),
            Body::Status { .. } | Body::Page { .. } => 0,
        }
    }
}

type Handler = Box<dyn FnMut(&RecordedRequest) -> Reply + Send>;

enum Script {
    Queue(VecDeque<Reply>),
    Handler(Handler),
}

struct State {
    script: Script,
    /// GET paths served as web pages.
    pages: HashMap<String, Reply>,
    requests: Vec<RecordedRequest>,
    /// tool_use id -> the signature of the thinking block sent with it, which must come back.
    thinking_for_tool: HashMap<String, String>,
}

/// The running server. Dropping it stops accepting connections.
pub struct FakeServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeServer {
    /// Serves `replies` in order, one per valid request.
    pub async fn start(replies: Vec<Reply>) -> std::io::Result<Self> {
        Self::launch(Script::Queue(replies.into()), 0).await
    }

    /// Answers each valid request with `handler`.
    pub async fn with_handler(
        port: u16,
        handler: impl FnMut(&RecordedRequest) -> Reply + Send + 'static,
    ) -> std::io::Result<Self> {
        Self::launch(Script::Handler(Box::new(handler)), port).await
    }

    async fn launch(script: Script, port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            script,
            requests: Vec::new(),
            pages: HashMap::new(),
            thinking_for_tool: HashMap::new(),
        }));
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    let _ = serve(stream, state).await;
                });
            }
        });
        Ok(FakeServer { addr, state, task })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every request received so far, valid or not.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .lock()
            .map(|s| s.requests.clone())
            .unwrap_or_default()
    }

    /// Serves `reply` (see `Reply::page`) to GET requests for `path`.
    pub fn serve_page(&self, path: &str, reply: Reply) {
        if let Ok(mut state) = self.state.lock() {
            state.pages.insert(path.to_string(), reply);
        }
    }

    /// Adds replies to the end of the queue (queue scripts only).
    pub fn push(&self, reply: Reply) {
        if let Ok(mut state) = self.state.lock()
            && let Script::Queue(queue) = &mut state.script
        {
            queue.push_back(reply);
        }
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let reply = {
        let Ok(mut state) = state.lock() else {
            return Ok(());
        };
        state.requests.push(request.clone());
        choose_reply(&mut state, &request)
    };
    write_reply(&mut stream, reply).await
}

fn choose_reply(state: &mut State, request: &RecordedRequest) -> Reply {
    if request.method == "GET"
        && let Some(page) = state.pages.get(&request.path)
    {
        return page.clone();
    }
    if request.method == "GET" && request.path.starts_with("/v1/models") {
        return Reply::new(Body::Status {
            code: 200,
            body: json!({"data": [{"id": "fake-model", "type": "model", "display_name": "Fake"}], "has_more": false}).to_string(),
        });
    }
    if request.method == "POST" && request.path.starts_with("/v1/messages/count_tokens") {
        // A stand-in count: a token per 4 characters of what the model would read.
        let read = [
            &request.body["system"],
            &request.body["tools"],
            &request.body["messages"],
        ]
        .iter()
        .filter(|v| !v.is_null())
        .map(|v| v.to_string().len())
        .sum::<usize>();
        return Reply::new(Body::Status {
            code: 200,
            body: json!({"input_tokens": read.div_ceil(4)}).to_string(),
        });
    }
    if request.method == "POST" && request.path.ends_with("/chat/completions") {
        if let Err(message) = validate_chat(&request.body) {
            return Reply::status(400, "invalid_request_error", &message);
        }
        let mut reply = next_reply(state, request);
        if let Some((blocks, stop_reason)) = &reply.message {
            reply.body = Body::Events(openai::chat_events(blocks, stop_reason));
        }
        return reply;
    }
    if request.method != "POST" || !request.path.starts_with("/v1/messages") {
        return Reply::status(
            404,
            "not_found_error",
            &format!("no route {}", request.path),
        );
    }
    if let Err(message) = validate_request(&request.body, &state.thinking_for_tool) {
        return Reply::status(400, "invalid_request_error", &message);
    }
    let reply = next_reply(state, request);
    remember_thinking(state, &reply);
    reply
}

fn next_reply(state: &mut State, request: &RecordedRequest) -> Reply {
    match &mut state.script {
        Script::Queue(queue) => queue.pop_front().unwrap_or_else(|| {
            Reply::status(500, "api_error", "the fake server's script is exhausted")
        }),
        Script::Handler(handler) => handler(request),
    }
}

/// Notes which thinking block went out with which tool call, so later requests can be checked.
fn remember_thinking(state: &mut State, reply: &Reply) {
    let Body::Events(events) = &reply.body else {
        return;
    };
    let mut signature = None;
    for e in events {
        let Some(data) = e.lines().find_map(|l| l.strip_prefix("data: ")) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(data) else {
            continue;
        };
        if let Some(s) = v.pointer("/delta/signature").and_then(Value::as_str) {
            signature = Some(s.to_string());
        }
        if v.pointer("/content_block/type").and_then(Value::as_str) == Some("tool_use")
            && let (Some(id), Some(sig)) = (
                v.pointer("/content_block/id").and_then(Value::as_str),
                &signature,
            )
        {
            state.thinking_for_tool.insert(id.to_string(), sig.clone());
        }
    }
}

/// Reads one HTTP/1.1 request (head, then a content-length body).
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<RecordedRequest>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split_whitespace();
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Ok(Some(RecordedRequest {
        method,
        path,
        headers,
        body,
    }))
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        529 => "Overloaded",
        _ => "Status",
    }
}

async fn write_reply(stream: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    let extra: String = reply
        .headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}\r\n"))
        .collect();
    match reply.body {
        Body::Status { code, body } => {
            let head = format!(
                "HTTP/1.1 {code} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n",
                reason(code),
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body.as_bytes()).await?;
        }
        Body::Page {
            code,
            content_type,
            body,
        } => {
            let head = format!(
                "HTTP/1.1 {code} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n",
                reason(code),
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body.as_bytes()).await?;
        }
        Body::Events(events) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n{extra}\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.flush().await?;
            for (sent, event) in events.iter().enumerate() {
                if reply.drop_after == Some(sent) {
                    // Close abruptly: the client sees the body end mid-message.
                    return Ok(());
                }
                if reply.stall_after == Some(sent) {
                    std::future::pending::<()>().await;
                }
                if !reply.pace.is_zero() {
                    tokio::time::sleep(reply.pace).await;
                }
                stream.write_all(event.as_bytes()).await?;
                stream.flush().await?;
            }
        }
    }
    stream.shutdown().await
}

#[cfg(test)]
mod tests;
