//! WebFetch: gets a web page (http or https), turns its HTML into markdown, and has a small fast
//! model (through the agent's services) answer the prompt over it, so a long page doesn't fill
//! the main conversation. A redirect to another host is reported,
//! not followed; size and time are limited; pages are cached for 15 minutes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::protocol::ApprovalPreview;
use crate::tools::{
    Asked, ModelQuestion, Risk, Tool, ToolCall, ToolContext, ToolError, ToolOutput, optional_str,
    required_str,
};

/// The most a page may weigh.
const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most markdown handed on.
const MAX_CHARS: usize = 100_000;
const TIMEOUT: Duration = Duration::from_secs(30);
const CACHE_FOR: Duration = Duration::from_secs(15 * 60);
const MAX_REDIRECTS: usize = 5;
/// Without a summary, at most this much of the page goes back.
const RAW_FALLBACK_CHARS: usize = 20_000;

const PAGE_SYSTEM: &str = "You read one web page for another assistant and answer its question \
about the page, precisely and briefly, quoting the page where it matters. Use only the page; say \
so if the answer isn't there.";

/// What fetching a URL gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Fetched {
    Page {
        url: String,
        markdown: String,
    },
    /// The server sends us to another host: the model decides whether to fetch that.
    Redirect {
        from: String,
        to: String,
    },
}

fn cache() -> &'static Mutex<HashMap<String, (Instant, Fetched)>> {
    static CACHE: OnceLock<Mutex<HashMap<String, (Instant, Fetched)>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Checks the URL: http or https only.
pub fn check_url(url: &str) -> Result<reqwest::Url, ToolError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| ToolError::InvalidInput(format!("bad URL `{url}`: {e}")))?;
    match parsed.scheme() {
        "http" | "https" => Ok(parsed),
        other => Err(ToolError::InvalidInput(format!(
            "only http and https URLs can be fetched, not {other}:"
        ))),
    }
}

/// HTML (or plain text) as markdown, cut to the limit.
pub fn to_markdown(content_type: &str, body: &str) -> Result<String, ToolError> {
    let mut text = if content_type.contains("html") {
        htmd::HtmlToMarkdown::builder()
            .skip_tags(vec!["script", "style", "noscript", "svg", "head"])
            .build()
            .convert(body)
            .map_err(|e| ToolError::Failed(format!("cannot read the page's HTML: {e}")))?
    } else if content_type.starts_with("text/")
        || content_type.contains("json")
        || content_type.contains("xml")
    {
        body.to_string()
    } else {
        return Err(ToolError::Failed(format!(
            "the page is not text ({content_type})"
        )));
    };
    if text.chars().count() > MAX_CHARS {
        text = text.chars().take(MAX_CHARS).collect();
        text.push_str("\n\n[… the page is longer; the rest was cut]");
    }
    Ok(text)
}

/// Fetches `url`, following redirects on the same host only.
pub async fn fetch(url: &str) -> Result<Fetched, ToolError> {
    let mut current = check_url(url)?;
    if let Ok(cache) = cache().lock()
        && let Some((at, hit)) = cache.get(url)
        && at.elapsed() < CACHE_FOR
    {
        return Ok(hit.clone());
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .user_agent(concat!("claw/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ToolError::Failed(e.to_string()))?;
    for _ in 0..=MAX_REDIRECTS {
        let response = client
            .get(current.clone())
            .send()
            .await
            .map_err(|e| ToolError::Failed(format!("cannot fetch {current}: {e}")))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| {
                    ToolError::Failed(format!("{current} redirects without a Location"))
                })?;
            let next = current
                .join(location)
                .map_err(|e| ToolError::Failed(format!("bad redirect `{location}`: {e}")))?;
            if next.host_str() != current.host_str()
                || next.port_or_known_default() != current.port_or_known_default()
            {
                return Ok(Fetched::Redirect {
                    from: current.to_string(),
                    to: next.to_string(),
                });
            }
            current = next;
            continue;
        }
        if !status.is_success() {
            return Err(ToolError::Failed(format!("{current} answered {status}")));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("text/html")
            .to_ascii_lowercase();
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| ToolError::Failed(format!("reading {current}: {e}")))?;
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BYTES {
                body.truncate(MAX_BYTES);
                break;
            }
        }
        let markdown = to_markdown(&content_type, &String::from_utf8_lossy(&body))?;
        let page = Fetched::Page {
            url: current.to_string(),
            markdown,
        };
        if let Ok(mut cache) = cache().lock() {
            cache.retain(|_, (at, _)| at.elapsed() < CACHE_FOR);
            cache.insert(url.to_string(), (Instant::now(), page.clone()));
        }
        return Ok(page);
    }
    Err(ToolError::Failed(format!("{url}: too many redirects")))
}

pub struct WebFetch;

impl Tool for WebFetch {
    fn name(&self) -> Cow<'static, str> {
        "WebFetch".into()
    }

    fn description(&self) -> Cow<'static, str> {
        "Fetches a web page (http or https), converts it to markdown, and answers prompt about \
         it with a small fast model; returns that answer. A redirect to another host is reported \
         back for you to fetch if you wish. Pages are cached for 15 minutes."
            .into()
    }

    fn input_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "url": {"type": "string", "description": "The page to fetch"},
                "prompt": {"type": "string", "description": "What to find out from it"}
            },
            "required": ["url", "prompt"]
        })
    }

    fn risk(&self) -> Risk {
        // It reaches outside the machine: asks, unless a WebFetch(domain:…) rule allows it.
        Risk::Mutating
    }

    fn summarize(&self, input: &Value) -> String {
        input["url"].as_str().unwrap_or("").to_string()
    }

    fn preview(&self, input: &Value, _ctx: &ToolContext) -> Result<ApprovalPreview, ToolError> {
        let url = required_str(input, "url")?;
        check_url(url)?;
        Ok(ApprovalPreview::Command {
            command: format!("fetch {url}"),
            description: input
                .get("prompt")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }

    fn call<'a>(
        &'a self,
        input: Value,
        call: &'a mut ToolCall<'_>,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let url = required_str(&input, "url")?;
            let prompt = optional_str(&input, "prompt").unwrap_or("");
            let fetched = call
                .watch(fetch(url))
                .await?
                .map_err(|error| ToolError::Reported {
                    message: error.to_string(),
                    summary: "failed",
                })?;
            let (page_url, markdown) = match fetched {
                Fetched::Redirect { from, to } => {
                    return Ok(ToolOutput {
                        content: format!(
                            "{from} redirects to another host: {to}. Fetch that URL to follow it."
                        ),
                        summary: "redirected".into(),
                        ..Default::default()
                    });
                }
                Fetched::Page { url, markdown } => (url, markdown),
            };
            let question = ModelQuestion {
                model: Asked::SmallModel,
                system: PAGE_SYSTEM.to_string(),
                prompt: format!(
                    "The page {page_url}, as markdown:\n\n{markdown}\n\n---\n\nQuestion: {prompt}"
                ),
                max_tokens: 2048,
                server_tools: Vec::new(),
            };
            let (content, summary) = match call.agent.ask_model(question).await? {
                Ok(answer) => (format!("From {page_url}:\n\n{}", answer.trim()), "answered"),
                Err(error) => {
                    // No summary (a local server may not serve the small model): the page itself.
                    let cut: String = markdown.chars().take(RAW_FALLBACK_CHARS).collect();
                    (
                        format!(
                            "(The page could not be summarized: {error}.) The page {page_url}, as markdown:\n\n{cut}"
                        ),
                        "raw page",
                    )
                }
            };
            Ok(ToolOutput {
                content,
                summary: summary.into(),
                ..Default::default()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_conversion() {
        assert!(check_url("https://example.com/a").is_ok());
        assert!(check_url("file:///etc/passwd").is_err());
        assert!(check_url("not a url").is_err());
        let md = to_markdown(
            "text/html; charset=utf-8",
            "<html><head><title>T</title><style>x{}</style></head><body><h1>Hello</h1><p>A <a href=\"/x\">link</a>.</p><script>evil()</script></body></html>",
        )
        .unwrap();
        assert!(md.contains("# Hello") && md.contains("[link](/x)"), "{md}");
        assert!(!md.contains("evil") && !md.contains("x{}"), "{md}");
        assert!(to_markdown("image/png", "…").is_err());
        assert_eq!(to_markdown("text/plain", "plain").unwrap(), "plain");
    }
}
