//! "5m ago": how long ago something happened, in the one short form both halves show (the
//! session list of the palette and of `/resume`). Pure, so any layer may use it.

/// `secs` seconds ago in its largest whole unit: "42s ago", "5m ago", "3h ago", "2d ago".
pub fn ago(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs}s ago"),
        60..=3599 => format!("{}m ago", secs / 60),
        3600..=86_399 => format!("{}h ago", secs / 3600),
        _ => format!("{}d ago", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::ago;

    #[test]
    fn each_unit_starts_where_the_smaller_one_ends() {
        assert_eq!(ago(0), "0s ago");
        assert_eq!(ago(59), "59s ago");
        assert_eq!(ago(60), "1m ago");
        assert_eq!(ago(3599), "59m ago");
        assert_eq!(ago(3600), "1h ago");
        assert_eq!(ago(86_399), "23h ago");
        assert_eq!(ago(86_400), "1d ago");
        assert_eq!(ago(10 * 86_400 + 5), "10d ago");
    }
}
