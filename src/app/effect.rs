//! What the reducer asks the runtime to do.

use crate::protocol::Op;

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Send an operation to the agent.
    Send(Op),
    /// Leave the app (restoring the terminal) with exit status 0.
    Quit,
    /// Suspend the screen and edit this file in `$VISUAL` / `$EDITOR`.
    OpenEditor(std::path::PathBuf),
    /// Put this text on the clipboard.
    Copy(String),
}
