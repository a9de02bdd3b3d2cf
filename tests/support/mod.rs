//! Shared test support: a pseudo-terminal driver for end-to-end tests.
#![allow(dead_code)]

pub mod pty;
