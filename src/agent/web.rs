//! WebFetch in the agent: fetch the page (interruptible), then have a small fast model answer
//! the prompt over it, so a long page doesn't fill the main conversation.

use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use crate::agent::agent_tools::text_input;
use crate::agent::inbox::Inbox;
use crate::agent::turn::Session;
use crate::protocol::ToolOutcome;
use crate::provider::{ChatRequest, Message, StreamEvent, Thinking};
use crate::tools::CallOutcome;
use crate::tools::web_fetch::{Fetched, fetch};

/// Without a summary, at most this much of the page goes back.
const RAW_FALLBACK_CHARS: usize = 20_000;

const PAGE_SYSTEM: &str = "You read one web page for another assistant and answer its question \
about the page, precisely and briefly, quoting the page where it matters. Use only the page; say \
so if the answer isn't there.";

impl Session {
    pub(crate) async fn web_fetch(
        &mut self,
        id: &str,
        input: &Value,
        inbox: &mut Inbox,
    ) -> CallOutcome {
        let started = Instant::now();
        let url = text_input(input, "url");
        let prompt = text_input(input, "prompt");
        let fetched = match inbox.watch(fetch(&url)).await.settle() {
            Ok(result) => result,
            Err(cut) => return self.cut_short(cut, id, started),
        };
        let (page_url, markdown) = match fetched {
            Err(error) => {
                return self.done(
                    id,
                    ToolOutcome::Failed,
                    error.to_string(),
                    "failed",
                    started,
                    true,
                );
            }
            Ok(Fetched::Redirect { from, to }) => {
                let message =
                    format!("{from} redirects to another host: {to}. Fetch that URL to follow it.");
                return self.done(
                    id,
                    ToolOutcome::Success,
                    message,
                    "redirected",
                    started,
                    false,
                );
            }
            Ok(Fetched::Page { url, markdown }) => (url, markdown),
        };
        let model = self
            .services
            .catalog
            .resolve(&self.services.small_model)
            .map(|m| m.id.clone())
            .unwrap_or_else(|| self.services.small_model.clone());
        let request = ChatRequest {
            model: model.clone(),
            max_tokens: 2048,
            system: PAGE_SYSTEM.to_string(),
            messages: vec![Message::user_text(format!(
                "The page {page_url}, as markdown:\n\n{markdown}\n\n---\n\nQuestion: {prompt}"
            ))],
            tools: Vec::new(),
            server_tools: Vec::new(),
            thinking: Thinking::Off,
        };
        let provider = Arc::clone(&self.services.provider);
        let mut ignore = |_: StreamEvent| {};
        let answer = inbox
            .watch(provider.stream(&request, &mut ignore))
            .await
            .settle();
        match answer {
            Ok(Ok(completed)) => {
                self.account_for(&model, &completed.usage);
                let text = format!("From {page_url}:\n\n{}", completed.message.text().trim());
                self.done(id, ToolOutcome::Success, text, "answered", started, false)
            }
            Ok(Err(error)) => {
                // No summary (a local server may not serve the small model): the page itself.
                let cut: String = markdown.chars().take(RAW_FALLBACK_CHARS).collect();
                let text = format!(
                    "(The page could not be summarized: {error}.) The page {page_url}, as markdown:\n\n{cut}"
                );
                self.done(id, ToolOutcome::Success, text, "raw page", started, false)
            }
            Err(cut) => self.cut_short(cut, id, started),
        }
    }

    /// WebSearch: one request with the API's server-side search tool; its answer is the result.
    pub(crate) async fn web_search(
        &mut self,
        id: &str,
        input: &Value,
        inbox: &mut Inbox,
    ) -> CallOutcome {
        let started = Instant::now();
        let query = text_input(input, "query");
        let request = ChatRequest {
            model: self.conversation.model.id.clone(),
            max_tokens: 4096,
            system: "Search the web for the user's query and report what you find: for each relevant result, its title, URL and the facts it gives. Be factual and brief.".into(),
            messages: vec![Message::user_text(format!("Search the web for: {query}"))],
            tools: Vec::new(),
            server_tools: vec![crate::tools::web_search::server_tool(input)],
            thinking: Thinking::Off,
        };
        let provider = Arc::clone(&self.services.provider);
        let mut ignore = |_: StreamEvent| {};
        let answer = inbox
            .watch(provider.stream(&request, &mut ignore))
            .await
            .settle();
        match answer {
            Ok(Ok(completed)) => {
                let model = self.conversation.model.id.clone();
                self.account_for(&model, &completed.usage);
                let text = completed.message.text();
                if text.trim().is_empty() {
                    return self.done(
                        id,
                        ToolOutcome::Failed,
                        "The search returned nothing.".into(),
                        "no results",
                        started,
                        true,
                    );
                }
                self.done(id, ToolOutcome::Success, text, "searched", started, false)
            }
            Ok(Err(error)) => {
                let message = format!(
                    "Web search is unavailable with this provider or model ({error}). Use WebFetch on a known URL instead."
                );
                self.done(
                    id,
                    ToolOutcome::Failed,
                    message,
                    "unavailable",
                    started,
                    true,
                )
            }
            Err(cut) => self.cut_short(cut, id, started),
        }
    }
}
