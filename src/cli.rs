//! Command-line arguments.

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "claw",
    version,
    about = "A fast, full-screen terminal coding agent",
    after_help = "Environment: ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN, ANTHROPIC_BASE_URL, CLAW_MODEL."
)]
pub struct Args {
    /// Model id or alias (opus, sonnet, haiku).
    #[arg(long, env = "CLAW_MODEL")]
    pub model: Option<String>,

    /// Headless: answer this prompt, print the answer to stdout and exit. Tools that need
    /// approval are denied.
    #[arg(short = 'p', long = "print", value_name = "PROMPT")]
    pub print: Option<String>,

    /// A first message to send when the session starts.
    #[arg(value_name = "PROMPT")]
    pub prompt: Option<String>,
}
