//! Shared support for integration tests: a pseudo-terminal driver (`pty`) over an emulated
//! terminal (`terminal`), the real binary started in it (`claw`), the agent's test
//! configuration (`agent`) and turn-by-turn driving of it (`turns`). Each test binary uses a different part, hence `dead_code` allowed.
#![allow(dead_code)]

pub mod agent;
pub mod claw;
pub mod failure;
pub mod headless;
pub mod pty;
pub mod terminal;
pub mod turns;
