//! Terminal runtime (being written).
