//! The command line before clap: in stream-json mode (what the Agent SDKs start claw in) a
//! flag claw doesn't know is a warning on stderr, not an exit, so a newer SDK passing a newer
//! flag still works. Anywhere else an unknown flag is bad usage (exit 2), as clap says.

use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::cli::Args;

/// Parses `argv` (program name first); exits as clap does on bad usage, `--help`, `--version`.
pub fn parse(argv: Vec<String>) -> Args {
    match parse_lenient(argv) {
        Ok((args, warnings)) => {
            for warning in warnings {
                eprintln!("claw: warning: {warning}");
            }
            args
        }
        Err(error) => error.exit(),
    }
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

    #[test]
    fn print_takes_its_prompt_or_none() {
        let (args, _) = parse_lenient(argv(&["-p", "--output-format", "json"])).unwrap();
        assert_eq!(args.print.as_deref(), Some(""));
        let (args, _) = parse_lenient(argv(&["-p", "hello"])).unwrap();
        assert_eq!(args.print.as_deref(), Some("hello"));
    }
}
