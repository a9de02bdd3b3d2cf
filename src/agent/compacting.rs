//! Running a compaction: the PreCompact hook, the summary request, and the new history.

use crate::agent::compact::{KEEP_TURNS, SUMMARY_PROMPT, cut_point};
use crate::agent::inbox::{Inbox, Watched};
use crate::agent::turn::Session;
use crate::protocol::AgentEvent;
use crate::provider::{ChatRequest, ContentBlock, Message, Role, StreamEvent, Thinking};

impl Session {
    /// Summarizes all but the last turns. Returns false when the agent should shut down.
    pub(crate) async fn compact(
        &mut self,
        instructions: &str,
        trigger: &str,
        inbox: &mut Inbox,
    ) -> bool {
        let messages = self.conversation.history.messages().to_vec();
        let Some(cut) = cut_point(&messages, KEEP_TURNS) else {
            self.emit(AgentEvent::Notice {
                message: "Nothing to compact yet: the conversation is only its last turns.".into(),
            });
            return true;
        };
        self.fire(
            "PreCompact",
            Some(trigger),
            serde_json::json!({"trigger": trigger, "custom_instructions": instructions}),
        )
        .await;
        self.emit(AgentEvent::Notice {
            message: format!("Compacting the conversation ({trigger})…"),
        });
        let mut prompt = SUMMARY_PROMPT.to_string();
        if !instructions.trim().is_empty() {
            prompt.push_str(&format!("\n\nAlso: {}", instructions.trim()));
        }
        // The session context leads, as in the turns' requests: the summary reads their cache.
        let mut request_messages = self.conversation.request_messages();
        let ask = ContentBlock::Text { text: prompt };
        match request_messages.last_mut() {
            Some(last) if last.role == Role::User => last.content.push(ask),
            _ => request_messages.push(Message {
                role: Role::User,
                content: vec![ask],
            }),
        }
        let request = ChatRequest {
            model: self.conversation.model.id.clone(),
            max_tokens: self.conversation.model.max_tokens,
            system: self.conversation.system.clone(),
            messages: request_messages,
            // The API wants the tools defined whenever the messages hold tool calls.
            tools: self.services.tools.specs(),
            server_tools: Vec::new(),
            thinking: Thinking::OFF,
            images: self.conversation.model.images,
            raw_events: crate::provider::RawEvents::Off,
        };
        let provider = self.services.provider.current();
        let mut ignore = |_: StreamEvent| {};
        let outcome = inbox.watch(provider.stream(&request, &mut ignore)).await;
        let completed = match outcome {
            Watched::Shutdown => return false,
            Watched::Interrupted => {
                self.emit(AgentEvent::Notice {
                    message: "Compaction interrupted; the conversation is unchanged.".into(),
                });
                return true;
            }
            Watched::Done(Err(error)) => {
                self.emit(AgentEvent::Error {
                    message: format!("Compaction failed, the conversation is unchanged: {error}"),
                });
                return true;
            }
            Watched::Done(Ok(completed)) => completed,
        };
        self.account(&completed.usage);
        self.conversation.compact_due = false;
        let summary = completed.message.text();
        if summary.trim().is_empty() {
            self.emit(AgentEvent::Error {
                message:
                    "Compaction failed: the model wrote no summary; the conversation is unchanged."
                        .into(),
            });
            return true;
        }
        let kept = messages.len() - cut;
        self.conversation.history.compact(&summary, kept);
        self.emit(AgentEvent::Compacted {
            summarized: cut,
            kept,
        });
        true
    }
}
