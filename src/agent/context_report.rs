//! `/context`: what fills the context window — the system prompt, the memory files, the tool
//! definitions and the messages — counted by the API's `count_tokens` where the server has it,
//! estimated otherwise.

use crate::agent::turn::Session;

impl Session {
    /// `/context`: what fills the window, counted by the API (`count_tokens`) where it can, or
    /// estimated at ~4 characters a token.
    pub(crate) async fn context_breakdown(&self) -> String {
        let estimate = |chars: usize| chars.div_ceil(4) as u64;
        let memory_chars: usize = self
            .conversation
            .memory
            .as_ref()
            .map(|(_, seen)| {
                seen.iter()
                    .filter_map(|p| std::fs::metadata(p).ok())
                    .map(|m| m.len() as usize)
                    .sum()
            })
            .unwrap_or(0);
        let (system, memory, tools, messages, counted) = match self.counted_context().await {
            Some((system_and_memory, tools, messages)) => {
                // The API counts the system prompt whole: split it by the memory files' share.
                let share = memory_chars as f64 / self.conversation.system.len().max(1) as f64;
                let memory = (system_and_memory as f64 * share.min(1.0)).round() as u64;
                (system_and_memory - memory, memory, tools, messages, true)
            }
            None => (
                estimate(self.conversation.system.len().saturating_sub(memory_chars)),
                estimate(memory_chars),
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

    /// (system prompt, tools, messages) as the API counts them: three count_tokens calls,
    /// with everything, without the tools, and without the system prompt and tools.
    async fn counted_context(&self) -> Option<(u64, u64, u64)> {
        use crate::provider::{ChatRequest, Message, Thinking};
        let empty = self.conversation.history.messages().is_empty();
        let messages = if empty {
            // The API counts nothing without a message; this one is subtracted below.
            vec![Message::user_text(".")]
        } else {
            self.conversation.history.messages().to_vec()
        };
        let full = ChatRequest {
            model: self.conversation.model.id.clone(),
            max_tokens: self.conversation.model.max_tokens,
            system: self.conversation.system.clone(),
            messages,
            tools: self.services.tools.specs(),
            server_tools: Vec::new(),
            thinking: Thinking::Off,
        };
        let no_tools = ChatRequest {
            tools: Vec::new(),
            ..full.clone()
        };
        let bare = ChatRequest {
            system: String::new(),
            ..no_tools.clone()
        };
        let total = self.services.provider.count_tokens(&full).await.ok()?;
        let without_tools = self.services.provider.count_tokens(&no_tools).await.ok()?;
        let messages = self.services.provider.count_tokens(&bare).await.ok()?;
        Some((
            without_tools.saturating_sub(messages),
            total.saturating_sub(without_tools),
            if empty { 0 } else { messages },
        ))
    }
}
