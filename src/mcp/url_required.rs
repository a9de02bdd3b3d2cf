//! A tool call a server refuses until the user opens pages of its own (MCP 2025-11-25's
//! `URLElicitationRequiredError`, code -32042, its data listing URL elicitations): each page
//! shows in the URL dialog, first to open, then to say when the user is done there (a
//! `notifications/elicitation/complete` for it closes either); then the call is made once more.
//! A page declined or cancelled ends the call with an error naming the pages; so does a front
//! end without dialogs (`claw -p`), which declines them.

use serde_json::Value;

use crate::mcp::tool::Link;
use crate::protocol::elicitation::{
    BeforeRetry, ElicitationAnswer, ElicitationRequest, RetryStep, UrlElicitation,
};
use crate::tools::{AgentServices, Cut};

/// The JSON-RPC error code of `URLElicitationRequiredError`.
const CODE: i32 = -32042;

/// What a server answered instead of a tool result: its message and the pages to open.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PagesRequired {
    pub message: String,
    pub pages: Vec<Page>,
}

/// One page of the list (an `ElicitRequestURLParams`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Page {
    /// The server's id for it (empty when it gave none: no completion can name it).
    pub id: String,
    /// The address; None when the server left it out.
    pub url: Option<String>,
    pub message: Option<String>,
}

/// How the pages went.
#[derive(Debug, PartialEq)]
pub(crate) enum Opened {
    /// The user went through every one: the call can be made again.
    All,
    /// Not all of them: the call's error, for the model.
    Refused(String),
}

impl PagesRequired {
    /// The pages `error` asks for, when it is a `URLElicitationRequiredError`.
    pub(crate) fn from_error(error: &rmcp::ErrorData) -> Option<PagesRequired> {
        if error.code.0 != CODE {
            return None;
        }
        let text = |v: &Value| v.as_str().map(str::to_string);
        let pages = error
            .data
            .as_ref()
            .and_then(|d| d["elicitations"].as_array())
            .map(|list| {
                list.iter()
                    .map(|page| Page {
                        id: text(&page["elicitationId"]).unwrap_or_default(),
                        url: text(&page["url"]),
                        message: text(&page["message"]),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(PagesRequired {
            message: error.message.to_string(),
            pages,
        })
    }

    /// Each page's message and address, for the user (and the model) to read.
    pub(crate) fn readable(&self, server: &str) -> String {
        let mut message = format!(
            "MCP server `{server}` needs the user to open a page before this call can run: {}",
            self.message
        );
        for page in &self.pages {
            let url = page.url.as_deref().unwrap_or("(no address given)");
            match &page.message {
                Some(why) => message.push_str(&format!("\n- {why}: {url}")),
                None => message.push_str(&format!("\n- {url}")),
            }
        }
        message
    }

    /// The error of a call run without the agent's services (`Tool::run`): no dialog to show.
    pub(crate) fn not_shown(&self, server: &str) -> String {
        format!(
            "{}\nOnce the user has done that, the call can be made again.",
            self.readable(server)
        )
    }

    /// The error of a call whose pages cannot be shown (none has an address).
    pub(crate) fn unshowable(&self, server: &str) -> String {
        format!(
            "The server gave no page claw can show, so the call was not made again. {}",
            self.readable(server)
        )
    }

    /// The error of a call the server still refused after the user opened its pages.
    pub(crate) fn still_required(&self, server: &str) -> String {
        format!(
            "claw made the call again once after the user went through the pages, and the server \
             still asks for them. {}",
            self.readable(server)
        )
    }

    /// Whether there is a page to show.
    pub(crate) fn showable(&self) -> bool {
        self.pages.iter().any(|p| p.url.is_some())
    }

    /// Shows the user each page (those the server has not already said are done), then asks
    /// them to say when they are done there. Err: the user interrupted, or claw shuts down.
    pub(crate) async fn open(
        &self,
        link: &Link,
        agent: &mut dyn AgentServices,
    ) -> Result<Opened, Cut> {
        let completions = &link.requests.completions;
        let pages: Vec<(&Page, &str)> = self
            .pages
            .iter()
            .filter_map(|p| Some((p, p.url.as_deref()?)))
            .collect();
        for (at, (page, url)) in pages.iter().enumerate() {
            for step in [RetryStep::Open, RetryStep::Waiting] {
                if !page.id.is_empty() && completions.is_done(&link.server, &page.id) {
                    break;
                }
                let request = ElicitationRequest {
                    id: 0,
                    server: link.server.clone(),
                    message: page.message.clone().unwrap_or_else(|| self.message.clone()),
                    fields: Vec::new(),
                    url: Some(UrlElicitation {
                        url: url.to_string(),
                        elicitation_id: page.id.clone(),
                        before_retry: Some(BeforeRetry {
                            page: at + 1,
                            pages: pages.len(),
                            step,
                        }),
                    }),
                };
                let finished = completions.finished(&link.server, &page.id).0;
                let how = match agent.elicit_until(request, finished).await? {
                    ElicitationAnswer::Accept(_) => continue,
                    ElicitationAnswer::Decline => "declined",
                    ElicitationAnswer::Cancel => "cancelled",
                };
                return Ok(Opened::Refused(format!(
                    "The page {url} was {how} (not opened), so the call was not made again. {}",
                    self.readable(&link.server)
                )));
            }
        }
        Ok(Opened::All)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(data: Value) -> rmcp::ErrorData {
        serde_json::from_value(serde_json::json!({
            "code": -32042,
            "message": "This request requires browser-based authorization.",
            "data": data,
        }))
        .unwrap()
    }

    #[test]
    fn the_error_lists_each_page_and_other_errors_are_not_it() {
        let required = PagesRequired::from_error(&error(serde_json::json!({"elicitations": [
            {"mode": "url", "elicitationId": "e1", "url": "https://auth.example/start",
             "message": "Sign in to Example"},
            {"mode": "url", "elicitationId": "e2", "url": "https://pay.example/"},
        ]})))
        .expect("a URL elicitation error");
        assert_eq!(required.pages.len(), 2);
        assert_eq!(required.pages[0].id, "e1");
        assert_eq!(required.pages[1].message, None);
        assert!(required.showable());
        let message = required.readable("example");
        assert!(
            message.starts_with(
                "MCP server `example` needs the user to open a page before this call can run: \
                 This request requires browser-based authorization."
            ),
            "{message}"
        );
        assert!(
            message.contains(
                "\n- Sign in to Example: https://auth.example/start\n- https://pay.example/"
            ),
            "{message}"
        );
        let other: rmcp::ErrorData = serde_json::from_value(
            serde_json::json!({"code": -32603, "message": "internal error"}),
        )
        .unwrap();
        assert_eq!(PagesRequired::from_error(&other), None);
        let no_page = PagesRequired::from_error(&error(serde_json::json!({"elicitations": [
            {"mode": "url", "elicitationId": "e1"}
        ]})))
        .unwrap();
        assert!(!no_page.showable());
        assert!(no_page.readable("s").contains("(no address given)"));
        assert!(
            no_page
                .unshowable("s")
                .starts_with("The server gave no page claw can show"),
            "the call is not made again without a page to show"
        );
        let no_data = PagesRequired::from_error(&error(Value::Null)).unwrap();
        assert!(no_data.pages.is_empty());
    }
}
