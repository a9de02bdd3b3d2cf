//! Settings and memory files (being written).
