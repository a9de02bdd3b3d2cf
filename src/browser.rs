//! Opening an address in the user's browser: `$BROWSER` when set (a command the address is
//! appended to, or put in place of its `%s`; of a `:`-separated list, the first), else `open` on
//! macOS and `xdg-open` elsewhere. Fire and forget: the address is
//! always shown beside it too, so a machine without a browser still lets the user copy it.

use std::process::{Command, Stdio};

/// The program and arguments that open `url`, given `$BROWSER`'s value.
fn command(browser: Option<&str>, url: &str) -> (String, Vec<String>) {
    let first = browser.unwrap_or("").split(':').next().unwrap_or("");
    let mut words: Vec<String> = first.split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        words.push(
            if cfg!(target_os = "macos") {
                "open"
            } else {
                "xdg-open"
            }
            .to_string(),
        );
    }
    let program = words.remove(0);
    match words.iter_mut().find(|w| w.contains("%s")) {
        Some(word) => *word = word.replace("%s", url),
        None => words.push(url.to_string()),
    }
    (program, words)
}

/// Starts the browser on `url`, its output kept off the screen; a browser that cannot start
/// is ignored (the user has the address on screen).
pub fn open(url: &str) {
    let browser = std::env::var("BROWSER").ok();
    let (program, args) = command(browser.as_deref(), url);
    let started = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if let Ok(mut child) = started {
        // Reaped in the background, so it leaves no zombie behind.
        std::thread::spawn(move || child.wait());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_variable_is_a_command_the_address_is_appended_to() {
        let (program, args) = command(Some("firefox --new-tab"), "https://a.example/x");
        assert_eq!(program, "firefox");
        assert_eq!(args, ["--new-tab", "https://a.example/x"]);
        let (program, args) = command(Some("  "), "https://a.example");
        assert!(program == "xdg-open" || program == "open", "{program}");
        assert_eq!(args, ["https://a.example"]);
        let (program, args) = command(Some("chromium --app=%s:firefox"), "https://a.example");
        assert_eq!(program, "chromium");
        assert_eq!(
            args,
            ["--app=https://a.example"],
            "the first of a list, %s replaced"
        );
    }
}
