//! Views: one renderer per pane, all drawing from the `Model`.

pub mod diff_view;
pub mod highlight;
pub mod markdown;
pub mod theme;
