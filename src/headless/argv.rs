//! The command line before clap: in stream-json mode (what the Agent SDKs start claw in) a
//! flag claw doesn't know is a warning on stderr, not an exit, so a newer SDK passing a newer
//! flag still works. Anywhere else an unknown flag is bad usage (exit 2). Bad usage is said in
//! one line naming the flag and what it takes, for the scripts that log it.

use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::cli::Args;

/// Parses `argv` (program name first); on bad usage prints one line and exits 2; `--help` and
/// `--version` print and exit 0, as clap does.
pub fn parse(argv: Vec<String>) -> Args {
    match parse_lenient(argv) {
        Ok((args, warnings)) => {
            for warning in warnings {
                eprintln!("claw: warning: {warning}");
            }
            args
        }
        Err(error) => match usage_line(&error) {
            Some(line) => {
                eprintln!("claw: {line}");
                std::process::exit(crate::headless::USAGE_EXIT)
            }
            None => error.exit(),
        },
    }
}

/// Bad usage as one line: the flag, the value given, and what the flag takes. None for what
/// is not an error (`--help`, `--version`).
pub fn usage_line(error: &clap::Error) -> Option<String> {
    let context = |kind| match error.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        _ => None,
    };
    // clap names a flag with its value's placeholder: `--max-turns <N>`.
    let flag = context(ContextKind::InvalidArg).map(|arg| {
        arg.split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    });
    let given = |flag: &str| match context(ContextKind::InvalidValue) {
        Some(value) if value.is_empty() => format!("{flag} \"\""),
        Some(value) => format!("{flag} {value}"),
        None => flag.to_string(),
    };
    let line = match (error.kind(), flag) {
        (
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand,
            _,
        ) => return None,
        (ErrorKind::InvalidValue, Some(flag)) => match error.get(ContextKind::ValidValue) {
            Some(ContextValue::Strings(valid)) => {
                format!("{}: use one of {}", given(&flag), valid.join(", "))
            }
            _ => format!("{}: not a value it takes", given(&flag)),
        },
        (ErrorKind::ValueValidation, Some(flag)) => {
            let why = std::error::Error::source(error)
                .map(|source| source.to_string())
                .unwrap_or_else(|| "not a value it takes".into());
            format!("{}: {why}", given(&flag))
        }
        (ErrorKind::UnknownArgument, Some(flag)) => {
            let hint = match error.get(ContextKind::SuggestedArg) {
                Some(ContextValue::String(similar)) => format!("did you mean {similar}? "),
                _ => String::new(),
            };
            format!("unknown option {flag} ({hint}claw --help lists them)")
        }
        // Anything else: clap's own first line, without its "error: ".
        _ => {
            let rendered = error.render().to_string();
            let first = rendered.lines().next().unwrap_or_default();
            first.strip_prefix("error: ").unwrap_or(first).to_string()
        }
    };
    Some(line)
}

/// Parses `argv`, dropping flags clap doesn't know when stream-json is asked for; the
/// warnings say which were dropped.
pub fn parse_lenient(mut argv: Vec<String>) -> Result<(Args, Vec<String>), clap::Error> {
    let lenient = is_stream_json(&argv);
    let mut warnings = Vec::new();
    loop {
        let error = match Args::try_parse_from(&argv) {
            Ok(args) => return Ok((args, warnings)),
            Err(error) => error,
        };
        if !lenient || error.kind() != ErrorKind::UnknownArgument {
            return Err(error);
        }
        let Some(ContextValue::String(flag)) = error.get(ContextKind::InvalidArg) else {
            return Err(error);
        };
        let flag = flag.to_string();
        // clap names `--flag=value` by its flag alone.
        let with_value = format!("{flag}=");
        let Some(at) = argv
            .iter()
            .position(|a| *a == flag || a.starts_with(&with_value))
        else {
            return Err(error);
        };
        let mut dropped = argv.remove(at);
        // `--flag value`: its value goes too (`--flag=value` was one word).
        if !dropped.contains('=') && argv.get(at).is_some_and(|next| !next.starts_with('-')) {
            dropped = format!("{dropped} {}", argv.remove(at));
        }
        warnings.push(format!("unknown option `{dropped}` ignored"));
    }
}

/// Whether the command line asks for stream-json input or output.
fn is_stream_json(argv: &[String]) -> bool {
    argv.iter().enumerate().any(|(i, arg)| {
        let value = match arg.split_once('=') {
            Some(("--output-format" | "--input-format", value)) => Some(value),
            Some(_) => None,
            None if matches!(arg.as_str(), "--output-format" | "--input-format") => {
                argv.get(i + 1).map(String::as_str)
            }
            None => None,
        };
        value == Some("stream-json")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        std::iter::once("claw")
            .chain(words.iter().copied())
            .map(String::from)
            .collect()
    }

    #[test]
    fn unknown_flags_are_dropped_with_their_values_in_stream_json_mode() {
        let (args, warnings) = parse_lenient(argv(&[
            "--output-format",
            "stream-json",
            "--future-flag",
            "x",
            "--other=1",
            "--lonely",
            "--verbose",
            "--input-format=stream-json",
        ]))
        .unwrap();
        assert!(args.verbose);
        assert_eq!(
            args.prompt, None,
            "the dropped flag's value is not a prompt"
        );
        assert_eq!(
            warnings,
            [
                "unknown option `--future-flag x` ignored",
                "unknown option `--other=1` ignored",
                "unknown option `--lonely` ignored"
            ]
        );
    }

    #[test]
    fn elsewhere_an_unknown_flag_is_bad_usage() {
        let error = parse_lenient(argv(&["-p", "hi", "--future-flag"])).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnknownArgument);
        assert_eq!(error.exit_code(), 2);
        let error = parse_lenient(argv(&["--output-format", "yaml"])).unwrap_err();
        assert_eq!(error.exit_code(), 2);
    }

    /// The one line bad usage of `words` is said in.
    fn said(words: &[&str]) -> String {
        let error = parse_lenient(argv(words)).unwrap_err();
        assert_eq!(error.exit_code(), 2, "{words:?}");
        let line = usage_line(&error).unwrap();
        assert!(!line.contains('\n'), "{line}");
        line
    }

    #[test]
    fn bad_usage_is_one_line_naming_the_flag_and_what_it_takes() {
        assert_eq!(
            said(&["-p", "hi", "--max-turns", "abc"]),
            "--max-turns abc: use a whole number of model requests, 1 or more (e.g. 5)"
        );
        assert_eq!(
            said(&["-p", "hi", "--max-turns=0"]),
            "--max-turns 0: use a whole number of model requests, 1 or more (e.g. 5)"
        );
        assert_eq!(
            said(&["-p", "hi", "--output-format", "xml"]),
            "--output-format xml: use one of text, json, stream-json"
        );
        assert_eq!(
            said(&["-p", "hi", "--input-format=yaml"]),
            "--input-format yaml: use one of text, stream-json"
        );
        assert_eq!(
            said(&["-p", "hi", "--permission-mode", "bogus"]),
            "--permission-mode bogus: use one of: default, acceptEdits, plan, bypassPermissions"
        );
        assert_eq!(
            said(&["-p", "hi", "--max-thinking-tokens", "-3"]),
            "--max-thinking-tokens -3: use a whole number of tokens, 0 for no thinking (e.g. 8000)"
        );
        assert_eq!(
            said(&["-p", "hi", "--effort", ""]),
            "--effort \"\": use one of: low, medium, high"
        );
        assert_eq!(
            said(&["-p", "hi", "--verbos"]),
            "unknown option --verbos (did you mean --verbose? claw --help lists them)"
        );
        assert!(
            said(&["-p", "hi", "--max-turns"]).contains("--max-turns"),
            "a missing value names its flag"
        );
        let help = parse_lenient(argv(&["--help"])).unwrap_err();
        assert_eq!(usage_line(&help), None);
    }

    #[test]
    fn print_takes_its_prompt_or_none() {
        let (args, _) = parse_lenient(argv(&["-p", "--output-format", "json"])).unwrap();
        assert_eq!(args.print.as_deref(), Some(""));
        let (args, _) = parse_lenient(argv(&["-p", "hello"])).unwrap();
        assert_eq!(args.print.as_deref(), Some("hello"));
    }
}
