//! MCP servers' requests of claw (forms for the user, questions for the model) served while the
//! agent is idle; during a tool call the call itself serves them (`crate::mcp::tool`). Either
//! way they go through the same agent services a tool gets.

use crate::agent::call_services::SessionCall;
use crate::agent::inbox::Inbox;
use crate::agent::turn::Session;
use crate::mcp::ServerRequest;
use crate::tools::Cut;

impl Session {
    /// Waits for the next request from an MCP server (never, without servers).
    pub(crate) async fn next_mcp_request(&self) -> Option<ServerRequest> {
        match &self.services.setup.mcp {
            Some(mcp) => mcp.next_request().await,
            None => std::future::pending().await,
        }
    }

    /// Answers one request; false when claw is shutting down.
    pub(crate) async fn serve_mcp_request(
        &mut self,
        request: ServerRequest,
        inbox: &mut Inbox,
    ) -> bool {
        let Some(mcp) = self.services.setup.mcp.clone() else {
            return true;
        };
        let server = request.server.clone();
        let mut call = SessionCall {
            session: self,
            inbox,
            call_id: "",
            tool: "",
            summary: server,
        };
        let answered = crate::mcp::answer_request(request, &mut call, mcp.options().sampling).await;
        answered != Err(Cut::Shutdown)
    }
}
