//! The reducer (being written).
