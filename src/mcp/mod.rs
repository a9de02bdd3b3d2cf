//! The MCP client: connects to the servers the configuration declares (`crate::config::mcp`)
//! over stdio, streamable HTTP or legacy SSE, in the background, and offers their tools to the
//! model as `mcp__<server>__<tool>`, each one a [`crate::tools::Tool`] the agent runs like any
//! other. The agent sees only [`McpServers`]: states, tools, and a wait for the ones starting.

pub mod cli;
mod connect;
mod form;
mod handler;
mod listings;
pub mod oauth;
mod requests;
mod resources;
mod result;
pub mod sdk;
mod servers;
mod sign_in;
mod sse;
mod supervise;
mod tool;
mod url_elicitation;
mod url_required;

use std::time::Duration;

pub use requests::{Sampling, ServerAsk, ServerRequest, answer as answer_request};
pub use servers::{McpServers, ServerState, ServerStatus};
pub use tool::tool_name;
pub use url_elicitation::Finished;

/// Limits, from Claude Code's environment variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct McpOptions {
    /// How long a turn waits for servers still starting (`MCP_TIMEOUT`, ms).
    pub startup_wait: Duration,
    /// How long a server may take to answer `initialize` before it counts as failed.
    pub connect_timeout: Duration,
    /// How long one tool call may take (`MCP_TOOL_TIMEOUT`, ms).
    pub tool_timeout: Duration,
    /// Output over this many tokens (about 4 characters each) is cut, with a notice
    /// (`MAX_MCP_OUTPUT_TOKENS`).
    pub max_output_tokens: usize,
    /// Whether servers' sampling requests reach the model (`allowMcpSampling`).
    pub sampling: Sampling,
}

impl Default for McpOptions {
    fn default() -> Self {
        McpOptions {
            startup_wait: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(30),
            tool_timeout: Duration::from_secs(600),
            max_output_tokens: 25_000,
            sampling: Sampling::Declined,
        }
    }
}

impl McpOptions {
    /// The defaults, overridden by `MCP_TIMEOUT`, `MCP_TOOL_TIMEOUT` and `MAX_MCP_OUTPUT_TOKENS`
    /// where they hold a number; warnings for those that don't.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> (McpOptions, Vec<String>) {
        let mut options = McpOptions::default();
        let mut warnings = Vec::new();
        let mut number = |name: &str| -> Option<u64> {
            let text = env(name)?;
            match text.trim().parse::<u64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    warnings.push(format!(
                        "{name}={text} is not a positive number; using the default"
                    ));
                    None
                }
            }
        };
        if let Some(ms) = number("MCP_TIMEOUT") {
            options.startup_wait = Duration::from_millis(ms);
            options.connect_timeout = options.connect_timeout.max(options.startup_wait);
        }
        if let Some(ms) = number("MCP_TOOL_TIMEOUT") {
            options.tool_timeout = Duration::from_millis(ms);
        }
        if let Some(tokens) = number("MAX_MCP_OUTPUT_TOKENS") {
            options.max_output_tokens = tokens as usize;
        }
        (options, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_come_from_claude_code_variables() {
        let env = |name: &str| match name {
            "MCP_TIMEOUT" => Some("45000".to_string()),
            "MCP_TOOL_TIMEOUT" => Some("1500".to_string()),
            "MAX_MCP_OUTPUT_TOKENS" => Some("lots".to_string()),
            _ => None,
        };
        let (options, warnings) = McpOptions::from_env(&env);
        assert_eq!(options.startup_wait, Duration::from_secs(45));
        assert_eq!(options.connect_timeout, Duration::from_secs(45));
        assert_eq!(options.tool_timeout, Duration::from_millis(1500));
        assert_eq!(options.max_output_tokens, 25_000);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("MAX_MCP_OUTPUT_TOKENS=lots"));
    }
}
