//! The scripted Anthropic-compatible server used by tests and the offline demo (being written).
