//! Headless mode: `claw -p` and the Agent SDK protocol. A front end of the agent like the
//! full screen, speaking through the same `Op`/`AgentEvent` wire: it prints the agent's events
//! as text or as Claude Code's JSON messages, reads user messages and control requests from
//! stdin (`--input-format stream-json`), and asks the client about approvals and hooks.

/// A line on stderr, as `eprintln!` but never a panic: a stderr nobody reads any more
/// (`claw -p … 2>&1 | head -1`) is nothing to die of.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use say;

mod answers;
mod api_retry;
pub mod argv;
mod client;
mod control;
mod frontend;
mod initialize;
mod input;
mod lookups;
mod permission_updates;
mod prompt_tool;
pub mod shapes;
mod stopping;
mod tally;
mod text;

use std::io::{IsTerminal, Read};

use crate::agent::AgentConfig;
use crate::cli::{Args, InputFormat, OutputFormat};
use crate::signals::Stop;

pub use text::{BROKEN_SETTINGS_EXIT, broken_settings_message};

/// The exit status of bad usage (no prompt, flags that don't go together).
pub const USAGE_EXIT: i32 = 2;

/// How this headless run talks.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub output: OutputFormat,
    pub input: InputFormat,
    /// With json output: print every message, not only the result.
    pub verbose: bool,
    /// `--include-partial-messages`.
    pub partial: bool,
    /// `--permission-prompt-tool stdio`: approvals go to the client as `can_use_tool`.
    pub ask_client: bool,
    /// The first prompt ("" for none: stream-json input brings its own).
    pub prompt: String,
    /// The user's own commands: a prompt `/name args` runs one.
    pub custom_commands: Vec<String>,
    /// `--permission-prompt-tool mcp__server__tool`: approvals are asked of that MCP tool.
    pub prompt_tool: Option<String>,
}

/// Whether the command line asks for a headless run.
pub fn wanted(args: &Args) -> bool {
    args.print.is_some() || args.input_format == Some(InputFormat::StreamJson)
}

impl Options {
    /// Reads the options from the command line, and the prompt from stdin when -p has none
    /// (text input only: stream-json input is read as messages). Err: bad usage, to print.
    pub fn from_args(args: &Args, custom_commands: Vec<String>) -> Result<Options, String> {
        let input = args.input_format.unwrap_or(InputFormat::Text);
        let output = args.output_format.unwrap_or(OutputFormat::Text);
        if input == InputFormat::StreamJson && output != OutputFormat::StreamJson {
            return Err(
                "--input-format stream-json needs --output-format stream-json (the replies to \
                 its control requests are JSON lines)"
                    .into(),
            );
        }
        let mut prompt_tool = None;
        let ask_client = match args.permission_prompt_tool.as_deref() {
            None => false,
            Some(tool) if prompt_tool::is_mcp_tool(tool) => {
                prompt_tool = Some(tool.to_string());
                false
            }
            Some("stdio") if input == InputFormat::StreamJson => true,
            Some("stdio") => {
                return Err(
                    "--permission-prompt-tool stdio needs --input-format stream-json (the \
                     answers come on stdin)"
                        .into(),
                );
            }
            Some(other) => {
                return Err(format!(
                    "--permission-prompt-tool {other}: give `stdio` (the SDK's can_use_tool) \
                     or an MCP tool's name, mcp__<server>__<tool>"
                ));
            }
        };
        let given = args
            .print
            .clone()
            .filter(|p| !p.trim().is_empty())
            .or_else(|| args.prompt.clone())
            .unwrap_or_default();
        let prompt = if given.is_empty() && input == InputFormat::Text {
            let stdin = std::io::stdin();
            let mut text = String::new();
            if !stdin.is_terminal() {
                stdin
                    .lock()
                    .read_to_string(&mut text)
                    .map_err(|e| format!("cannot read the prompt from stdin: {e}"))?;
            }
            if text.trim().is_empty() {
                return Err(
                    "no prompt: give one after -p, or pipe it on stdin (claw -p < prompt.txt)"
                        .into(),
                );
            }
            text
        } else {
            given
        };
        Ok(Options {
            output,
            input,
            verbose: args.verbose,
            partial: args.include_partial_messages,
            ask_client,
            prompt,
            custom_commands,
            prompt_tool,
        })
    }
}

/// Starts the agent with `config` and runs until the work is done; returns the exit status
/// (0 done, 1 an error, 128+n after signal n) and the agent task to wind down.
pub async fn run(
    config: AgentConfig,
    run: crate::agent::RunOptions,
    options: Options,
    stop: Stop,
) -> (i32, Option<tokio::task::JoinHandle<()>>) {
    frontend::Frontend::run(config, run, options, stop).await
}
