//! claw's side of an MCP session: what it tells a server about itself, how it answers the
//! server's requests (roots: the working directory; forms and pages for the user; sampling), and
//! where the server's notifications go (progress to the call's activity line, list changes to a
//! refresh, a finished URL elicitation to its dialog).

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

// Roots are deprecated from 2026-07-28 on (SEP-2577), but every version claw offers has them.
#[allow(deprecated)]
use rmcp::model::ListRootsResult;
// Sampling is deprecated from 2026-07-28 on (SEP-2577); the versions claw offers have it.
use rmcp::model::{
    ClientConfig, CustomNotification, ElicitRequestParams, ElicitResult, ProgressNotificationParam,
    ProgressToken,
};
#[allow(deprecated)]
use rmcp::model::{CreateMessageRequestParams, CreateMessageResult};
use rmcp::service::{NotificationContext, RequestContext, RoleClient};
use rmcp::{ClientHandler, ErrorData};
use tokio::sync::Notify;

use crate::mcp::requests::{ServerAsk, ServerRequests};
use crate::mcp::url_elicitation;
use crate::protocol::elicitation::UrlElicitation;
use crate::tools::ProgressSink;

/// The protocol version claw offers in `initialize`; a server answers with the one it speaks.
pub(crate) const OFFERED_VERSION: &str = "2025-11-25";
/// The versions claw accepts in the answer (rmcp speaks them all).
pub(crate) const KNOWN_VERSIONS: &[&str] =
    &["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

/// Progress lines kept for a call not registered yet, at most.
const EARLY_LINES: usize = 32;

/// Where the progress of each call in flight goes, by progress token. A call registers its
/// token only once its request is sent, so a server quick to report may be ahead of it: lines
/// for a token not registered yet wait (a few) and go to the call when it registers.
#[derive(Default)]
pub(crate) struct ProgressRoutes {
    sinks: HashMap<String, ProgressSink>,
    early: VecDeque<(String, String)>,
}

impl ProgressRoutes {
    /// Sends `line` to the call of `token`, or keeps it for when that call registers.
    fn route(&mut self, token: String, line: String) {
        match self.sinks.get(&token) {
            Some(sink) => sink(line),
            None => {
                if self.early.len() == EARLY_LINES {
                    self.early.pop_front();
                }
                self.early.push_back((token, line));
            }
        }
    }

    /// Registers a call's sink, handing it what came ahead of it.
    pub(crate) fn register(&mut self, token: String, sink: ProgressSink) {
        let (mine, others): (VecDeque<_>, VecDeque<_>) = std::mem::take(&mut self.early)
            .into_iter()
            .partition(|(t, _)| *t == token);
        self.early = others;
        for (_, line) in mine {
            sink(line);
        }
        self.sinks.insert(token, sink);
    }

    /// The call ended: its later lines are dropped.
    pub(crate) fn remove(&mut self, token: &str) {
        self.sinks.remove(token);
        self.early.retain(|(t, _)| t != token);
    }
}

/// Progress routes of one server's session.
pub(crate) type ProgressMap = Arc<Mutex<ProgressRoutes>>;

pub(crate) fn token_key(token: &ProgressToken) -> String {
    serde_json::to_string(token).unwrap_or_default()
}

pub(crate) struct Handler {
    pub progress: ProgressMap,
    /// Woken when the server says its tools changed.
    pub tools_changed: Arc<Notify>,
    /// Woken when the server says its prompts or resources changed.
    pub lists_changed: Arc<Notify>,
    pub roots: Vec<PathBuf>,
    /// The server's name, for the requests it makes of claw.
    pub server: String,
    pub requests: ServerRequests,
}

impl ClientHandler for Handler {
    fn get_info(&self) -> ClientConfig {
        let info = serde_json::json!({
            "protocolVersion": OFFERED_VERSION,
            "capabilities": {
                "roots": {"listChanged": false},
                "elicitation": {"form": {}, "url": {}},
                "sampling": {},
            },
            "clientInfo": {"name": "claw", "version": env!("CARGO_PKG_VERSION")},
        });
        // The value above is a valid InitializeRequestParams by the schema; the fallback only
        // guards a future rmcp that renames a field.
        serde_json::from_value(info).unwrap_or_default()
    }

    #[allow(deprecated)]
    async fn list_roots(
        &self,
        _context: RequestContext<RoleClient>,
    ) -> Result<ListRootsResult, ErrorData> {
        let roots: Vec<_> = self
            .roots
            .iter()
            .map(|dir| {
                serde_json::json!({
                    "uri": format!("file://{}", dir.display()),
                    "name": dir.file_name().map(|n| n.to_string_lossy().into_owned()),
                })
            })
            .collect();
        serde_json::from_value(serde_json::json!({ "roots": roots }))
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))
    }

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        if let Ok(mut routes) = self.progress.lock() {
            routes.route(token_key(&params.progress_token), progress_line(&params));
        }
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.tools_changed.notify_one();
    }

    async fn on_prompt_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.lists_changed.notify_one();
    }

    async fn on_resource_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.lists_changed.notify_one();
    }

    async fn on_custom_notification(
        &self,
        notification: CustomNotification,
        _context: NotificationContext<RoleClient>,
    ) {
        if notification.method == url_elicitation::COMPLETE_METHOD
            && let Some(id) = url_elicitation::completed_id(notification.params.as_ref())
        {
            self.requests.completions.complete(&self.server, id);
        }
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        let ask = match request {
            ElicitRequestParams::FormElicitationParams {
                message,
                requested_schema,
                ..
            } => ServerAsk::Elicit {
                message,
                // The schema's map is sorted by name once a `Value`; rmcp kept the wire order.
                order: requested_schema.property_order.clone().unwrap_or_default(),
                schema: serde_json::to_value(requested_schema).unwrap_or_default(),
            },
            ElicitRequestParams::UrlElicitationParams {
                message,
                url,
                elicitation_id,
                ..
            } => ServerAsk::Url {
                message,
                finished: self
                    .requests
                    .completions
                    .finished(&self.server, &elicitation_id),
                page: UrlElicitation {
                    url,
                    elicitation_id,
                    before_retry: None,
                },
            },
            // A mode newer than rmcp 3.11 knows (the type is non-exhaustive).
            _ => {
                return Err(ErrorData::invalid_params(
                    "claw cannot show this kind of elicitation",
                    None,
                ));
            }
        };
        let answer = self
            .requests
            .ask(&self.server, ask)
            .await
            .map_err(|e| ErrorData::internal_error(e, None))?;
        serde_json::from_value(answer).map_err(|e| ErrorData::internal_error(e.to_string(), None))
    }

    #[allow(deprecated)]
    async fn create_message(
        &self,
        params: CreateMessageRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<CreateMessageResult, ErrorData> {
        let params = serde_json::to_value(params).unwrap_or_default();
        let answer = self
            .requests
            .ask(&self.server, ServerAsk::Sample(params))
            .await
            .map_err(|e| ErrorData::invalid_request(e, None))?;
        serde_json::from_value(answer).map_err(|e| ErrorData::internal_error(e.to_string(), None))
    }
}

/// "3/10 Downloading" for the activity pane.
fn progress_line(params: &ProgressNotificationParam) -> String {
    let value = serde_json::to_value(params).unwrap_or_default();
    let number = |key: &str| value.get(key).and_then(serde_json::Value::as_f64);
    let show = |n: f64| {
        if n.fract() == 0.0 {
            format!("{}", n as i64)
        } else {
            format!("{n:.1}")
        }
    };
    let mut line = match (number("progress"), number("total")) {
        (Some(done), Some(total)) => format!("{}/{}", show(done), show(total)),
        (Some(done), None) => show(done),
        _ => String::new(),
    };
    if let Some(message) = value.get("message").and_then(serde_json::Value::as_str) {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(message);
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_ahead_of_its_call_reaches_it_when_it_registers() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink: ProgressSink = {
            let got = got.clone();
            Arc::new(move |line: String| got.lock().unwrap().push(line))
        };
        let mut routes = ProgressRoutes::default();
        routes.route("1".into(), "1/2\n".into());
        routes.route("9".into(), "other\n".into());
        routes.register("1".into(), sink);
        routes.route("1".into(), "2/2\n".into());
        assert_eq!(*got.lock().unwrap(), vec!["1/2\n", "2/2\n"]);
        routes.remove("1");
        routes.route("1".into(), "late\n".into());
        routes.remove("1");
        assert_eq!(got.lock().unwrap().len(), 2);
        assert_eq!(routes.early.len(), 1, "another call's line waits for it");
        for i in 0..100 {
            routes.route(format!("x{i}"), String::new());
        }
        assert_eq!(routes.early.len(), EARLY_LINES);
    }

    #[test]
    fn progress_reads_as_a_fraction_with_its_message() {
        let params: ProgressNotificationParam = serde_json::from_value(serde_json::json!({
            "progressToken": 1, "progress": 3, "total": 10.0, "message": "step"
        }))
        .unwrap();
        assert_eq!(progress_line(&params), "3/10 step\n");
        let params: ProgressNotificationParam =
            serde_json::from_value(serde_json::json!({"progressToken": "a", "progress": 0.5}))
                .unwrap();
        assert_eq!(progress_line(&params), "0.5\n");
    }

    #[test]
    fn claw_offers_the_newest_version_with_initialize() {
        let handler = Handler {
            progress: Default::default(),
            tools_changed: Arc::new(Notify::new()),
            lists_changed: Arc::new(Notify::new()),
            roots: vec![],
            server: "s".into(),
            requests: ServerRequests::default(),
        };
        let info = serde_json::to_value(handler.get_info()).unwrap();
        assert_eq!(info["protocolVersion"], OFFERED_VERSION);
        assert_eq!(info["clientInfo"]["name"], "claw");
        assert!(
            info["capabilities"]["elicitation"]["form"].is_object(),
            "{info}"
        );
        assert!(
            info["capabilities"]["elicitation"]["url"].is_object(),
            "{info}"
        );
        assert!(info["capabilities"]["sampling"].is_object(), "{info}");
    }
}
