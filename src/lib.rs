//! claw: a full-screen terminal coding agent.
//!
//! The UI half (`app` reducer, `ui` views, `tui` runtime) and the agent half (`agent`, `provider`,
//! `tools`) talk only through `protocol`: `Op` one way, `AgentEvent` the other.

pub mod agent;
pub mod app;
pub mod browser;
pub mod cli;
pub mod config;
pub mod diff;
pub mod finder;
pub mod first_screen;
pub mod fuzzy;
pub mod gitdiff;
pub mod headless;
pub mod history_file;
pub mod hooks;
pub mod mcp;
pub mod permissions;
pub mod process_groups;
pub mod protocol;
pub mod provider;
pub mod sandbox;
pub mod shown_path;
pub mod signals;
pub mod startup;
pub mod terminal_query;
pub mod theme;
pub mod time_ago;
pub mod tools;
pub mod tui;
pub mod ui;
pub mod words;
