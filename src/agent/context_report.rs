//! `/context`: what fills the context window — the system prompt, the memory files (with the
//! environment, sent ahead of the first message), the tool definitions and the messages — counted by the API's `count_tokens` where the server has it,
//! estimated otherwise.

use crate::agent::turn::Session;

impl Session {
    /// `/context`: what fills the window, counted by the API (`count_tokens`) where it can, or
    /// estimated at ~4 characters a token.
    pub(crate) async fn context_breakdown(&self) -> String {
        let estimate = |chars: usize| chars.div_ceil(4) as u64;
        let (system, memory, tools, messages, counted) = match self.counted_context().await {
            Some((system, memory, tools, messages)) => (system, memory, tools, messages, true),
            None => (
                estimate(self.conversation.system.len()),
                estimate(self.conversation.context.len()),
                estimate(
                    serde_json::to_string(&self.services.tools.specs())
                        .map(|t| t.len())
                        .unwrap_or(0),
                ),
                estimate(
                    serde_json::to_string(self.conversation.history.messages())
                        .map(|t| t.len())
                        .unwrap_or(0),
                ),
                false,
            ),
        };
        let window = self.conversation.model.context_window.max(1);
        let approx = if counted { " " } else { "~" };
        let line = |name: &str, tokens: u64| {
            format!(
                "{name:<16} {approx}{:>9} tokens  {:>5.1}%\n",
                crate::words::grouped(tokens),
                tokens as f64 * 100.0 / window as f64
            )
        };
        let mut body = format!(
            "Window: {} tokens ({})\n\n",
            crate::words::abbreviated(window),
            self.conversation.model.id
        );
        body.push_str(&line("System prompt", system));
        body.push_str(&line("Memory files", memory));
        body.push_str(&line("Tools", tools));
        body.push_str(&line("Messages", messages));
        body.push_str(&line("Total", system + memory + tools + messages));
        body.push_str(if counted {
            "\nCounted by the API (count_tokens)."
        } else {
            "\nEstimated at ~4 characters a token (the server has no token counting)."
        });
        if self.conversation.totals.context > 0 {
            body.push_str(&format!(
                "\nThe last request used {} tokens of context.",
                crate::words::grouped(self.conversation.totals.context)
            ));
        }
        body.push_str(&format!(
            "\nCompaction starts at {:.0}% (/compact to do it now).",
            self.policy.compact_threshold * 100.0
        ));
        body
    }

    /// (system prompt, memory and environment, tools, messages) as the API counts them:
    /// count_tokens calls, each leaving out one more part.
    async fn counted_context(&self) -> Option<(u64, u64, u64, u64)> {
        use crate::provider::{ChatRequest, Message, Thinking};
        let empty = self.conversation.history.messages().is_empty();
        // The API counts nothing without a message; this one is subtracted below.
        let placeholder = || vec![Message::user_text(".")];
        let history = if empty {
            placeholder()
        } else {
            self.conversation.history.messages().to_vec()
        };
        let with_context = if empty {
            let mut messages = placeholder();
            if !self.conversation.context.is_empty() {
                messages[0].content.insert(
                    0,
                    crate::provider::ContentBlock::Text {
                        text: self.conversation.context.clone(),
                    },
                );
            }
            messages
        } else {
            self.conversation.request_messages()
        };
        let full = ChatRequest {
            model: self.conversation.model.id.clone(),
            max_tokens: self.conversation.model.max_tokens,
            system: self.conversation.system.clone(),
            messages: with_context,
            tools: self.services.tools.specs(),
            server_tools: Vec::new(),
            thinking: Thinking::OFF,
            images: self.conversation.model.images,
            raw_events: crate::provider::RawEvents::Off,
        };
        let no_tools = ChatRequest {
            tools: Vec::new(),
            ..full.clone()
        };
        let no_system = ChatRequest {
            system: String::new(),
            ..no_tools.clone()
        };
        let bare = ChatRequest {
            messages: history,
            ..no_system.clone()
        };
        let provider = self.services.provider.current();
        let count = |request| provider.count_tokens(request);
        let total = count(&full).await.ok()?;
        let without_tools = count(&no_tools).await.ok()?;
        let without_system = count(&no_system).await.ok()?;
        // Without a session context the last two requests are the same.
        let messages = if self.conversation.context.is_empty() {
            without_system
        } else {
            count(&bare).await.ok()?
        };
        Some((
            without_tools.saturating_sub(without_system),
            without_system.saturating_sub(messages),
            total.saturating_sub(without_tools),
            if empty { 0 } else { messages },
        ))
    }
}
