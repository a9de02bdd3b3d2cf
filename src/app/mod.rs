//! The Elm core of the UI: one `Model`, the `Msg`s that change it, and a pure `update` that
//! returns `Effect`s for the runtime to carry out. No I/O, no clock (time arrives as an argument),
//! no channels: every behaviour of the screen is testable by feeding Msgs.

mod agent_events;
mod approval_keys;
pub mod broken_settings;
pub mod columns;
pub mod commands;
pub mod copy;
pub mod diff_layout;
pub mod diff_pane;
pub mod effect;
pub mod elicitation;
pub mod first_run;
pub mod history;
pub mod keymap;
pub mod lookups;
pub mod mcp;
pub mod mention;
pub mod model;
pub mod model_list;
pub mod msg;
pub mod overlay;
pub mod palette;
mod palette_keys;
pub mod question;
pub mod rewind;
mod search;
mod session_start;
mod submit;
pub mod update;
pub mod welcome;

pub use effect::Effect;
pub use model::Model;
pub use msg::Msg;
pub use update::update;

#[cfg(test)]
mod activity_tests;
#[cfg(test)]
pub(crate) mod elicitation_tests;
#[cfg(test)]
mod mcp_tests;
#[cfg(test)]
pub(crate) mod palette_tests;
#[cfg(test)]
mod tests;
