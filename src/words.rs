//! Counts and numbers as a person reads them: "1 line", "2 lines", "12,345 bytes", "1M tokens".
//! Pure, so every layer says them the same way (no "file(s)", no "1 lines").

/// `n` with its noun, singular for exactly one: "1 file", "0 files", "1,204 lines".
pub fn count(n: usize, one: &str, many: &str) -> String {
    let noun = if n == 1 { one } else { many };
    format!("{} {noun}", grouped(n as u64))
}

/// `n` with thousands separators: 1234567 → "1,234,567".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A large round-ish figure in short form: 1000000 → "1M", 200000 → "200k", 1500 → "1.5k";
/// below a thousand, the number itself. One decimal at most, dropped when it is zero.
pub fn abbreviated(n: u64) -> String {
    let (unit, suffix) = match n {
        0..=999 => return n.to_string(),
        1_000..=999_999 => (1_000, "k"),
        _ => (1_000_000, "M"),
    };
    let tenths = (n * 10 + unit / 2) / unit;
    if tenths % 10 == 0 {
        format!("{}{suffix}", tenths / 10)
    } else {
        format!("{}.{}{suffix}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(count(0, "line", "lines"), "0 lines");
        assert_eq!(count(1, "line", "lines"), "1 line");
        assert_eq!(count(2, "match", "matches"), "2 matches");
        assert_eq!(count(12_345, "file", "files"), "12,345 files");
    }

    #[test]
    fn digits_are_grouped_by_three() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_000_000), "1,000,000");
        assert_eq!(grouped(12_345_678), "12,345,678");
    }

    #[test]
    fn big_figures_are_abbreviated_to_one_decimal() {
        assert_eq!(abbreviated(999), "999");
        assert_eq!(abbreviated(1_000), "1k");
        assert_eq!(abbreviated(1_500), "1.5k");
        assert_eq!(abbreviated(200_000), "200k");
        assert_eq!(abbreviated(1_000_000), "1M");
        assert_eq!(abbreviated(1_048_576), "1M");
        assert_eq!(abbreviated(2_500_000), "2.5M");
    }
}
