//! (stub until the tools branch lands)
pub fn command_prefix(command: &str) -> String {
    command
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}
