//! Everything that can happen to the UI.

use crossterm::event::{KeyEvent, MouseEventKind};

use crate::protocol::AgentEvent;

#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEventKind),
    Resize {
        width: u16,
        height: u16,
    },
    /// Time passed (drives spinners and timeouts); sent only while something animates.
    Tick,
    Agent(AgentEvent),
    /// The view measured the transcript: its height in lines, the rows visible and the first
    /// line shown.
    TranscriptLayout {
        lines: usize,
        rows: usize,
        top: usize,
        top_cell: usize,
    },
    /// The terminal said whether its background is light (at start-up).
    TerminalBackground {
        light: bool,
    },
    /// The file finder's answer to `Effect::FindFiles`.
    FilesFound(crate::finder::FinderResults),
    /// A prompt to submit as if typed and entered (`claw "prompt"` on the command line).
    SubmitPrompt(String),
    /// The message came back from `$EDITOR` (Ctrl+G); None when the editor failed.
    InputEdited(Result<String, String>),
}
