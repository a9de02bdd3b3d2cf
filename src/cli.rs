//! Command-line arguments (being written).
