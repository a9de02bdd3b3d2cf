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
    /// Edit the message being typed in `$EDITOR`; the result comes back as `Msg::InputEdited`.
    EditInput(String),
    /// Capture the mouse (wheel scrolling) or leave it to the terminal (text selection).
    MouseCapture(bool),
    /// Ask the file finder for the files best matching `query` (answered as `Msg::FilesFound`).
    FindFiles { generation: u64, query: String },
    /// Remember a submitted prompt in this project's input history file.
    SaveHistory(String),
    /// Open this address in the user's browser (an MCP server's page the user agreed to open).
    OpenUrl(String),
}
