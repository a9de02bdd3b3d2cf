//! Commands that only read, which run without asking as Read and Grep do: a short list of
//! programs, each with the options that would make it write, run something or page refused,
//! and every file argument judged as a Read would be. Anything not on the list, any word claw
//! can't know before the command runs, or any option it doesn't expect, and the command asks.

use std::path::{Path, PathBuf};

use crate::permissions::shell::Word;
use crate::permissions::shell::wrappers::basename;

/// Programs that read files or print facts and nothing else, with no option to change that
/// beyond those refused in `refused_option`.
const READERS: &[&str] = &[
    "ls", "cat", "head", "tail", "wc", "grep", "egrep", "fgrep", "rg", "find", "stat", "du", "pwd",
    "basename", "dirname", "realpath", "readlink", "cut", "nl", "diff", "cmp", "comm", "uniq",
    "sort", "tree", "echo", "true", "false", "which",
];

/// Git subcommands that only read the repository (with `refused_git_option` and, for the ones
/// that also create or delete things, `git_lists_only`).
const GIT_READERS: &[&str] = &[
    "status",
    "log",
    "diff",
    "show",
    "branch",
    "rev-parse",
    "ls-files",
    "blame",
    "describe",
    "shortlog",
    "tag",
    "remote",
    "stash",
];

/// What a read-only command reads, for the caller to judge as Read would: the files named in
/// its arguments (relative ones against the directory it runs in).
#[derive(Debug, PartialEq, Eq)]
pub struct Reads {
    pub paths: Vec<PathBuf>,
}

/// The files `words` reads if it is a read-only command run in `dir`; None if it isn't one.
pub fn read_only(words: &[Word], dir: &Path) -> Option<Reads> {
    let known: Vec<&str> = words.iter().map(Word::known).collect::<Option<_>>()?;
    let (&program, args) = known.split_first()?;
    // A program named by a path could be anything; only PATH's own programs are known.
    if program.contains('/') || basename(program) != program {
        return None;
    }
    let args: &[&str] = if program == "git" {
        git_args(args)?
    } else if READERS.contains(&program) {
        if args.iter().any(|a| refused_option(program, a)) || too_many_files(program, args) {
            return None;
        }
        args
    } else {
        return None;
    };
    let mut paths = vec![dir.to_path_buf()];
    for arg in args {
        if let Some(path) = named_path(arg) {
            paths.push(dir.join(path));
        }
    }
    Some(Reads { paths })
}

/// Options that make a reader write a file, run a program or read a whole tree it wasn't
/// pointed at.
fn refused_option(program: &str, arg: &str) -> bool {
    let long = |names: &[&str]| {
        names
            .iter()
            .any(|n| arg == *n || arg.starts_with(&format!("{n}=")))
    };
    match program {
        "find" => matches!(
            arg,
            "-exec"
                | "-execdir"
                | "-ok"
                | "-okdir"
                | "-delete"
                | "-fprint"
                | "-fprint0"
                | "-fprintf"
                | "-fls"
        ),
        // `-o FILE` writes the sorted lines; a compressor is a program it runs.
        "sort" => long(&["--output", "--compress-program"]) || short_flag(arg, 'o'),
        // `-R` runs tree again in every directory with `-o 00Tree.html`: it writes there.
        "tree" => short_flag(arg, 'o') || short_flag(arg, 'R'),
        // `--pre` runs a program on every file, `--hostname-bin` one for links; `-z` runs
        // decompressors.
        "rg" => {
            long(&["--pre", "--pre-glob", "--search-zip", "--hostname-bin"])
                || (arg.starts_with('-') && !arg.starts_with("--") && arg.contains('z'))
        }
        _ => false,
    }
}

/// `uniq IN OUT` writes OUT: one file at most.
fn too_many_files(program: &str, args: &[&str]) -> bool {
    program == "uniq" && args.iter().filter(|a| !a.starts_with('-')).count() > 1
}

/// Whether `arg` is a cluster of short options holding `flag` (`-o`, `-uo`, `-ofile`).
fn short_flag(arg: &str, flag: char) -> bool {
    arg.starts_with('-') && !arg.starts_with("--") && arg[1..].contains(flag)
}

/// The subcommand's arguments when `git …` only reads; None otherwise. No option may come
/// before the subcommand: `-c`, `-C`, `--exec-path`, `--git-dir`, `-p`… change what runs.
fn git_args<'a>(args: &'a [&'a str]) -> Option<&'a [&'a str]> {
    let (&sub, rest) = args.split_first()?;
    if !GIT_READERS.contains(&sub) {
        return None;
    }
    if rest.iter().any(|a| refused_git_option(a)) {
        return None;
    }
    if !git_lists_only(sub, rest) {
        return None;
    }
    Some(rest)
}

/// Options of the reading subcommands that write a file or run a program.
fn refused_git_option(arg: &str) -> bool {
    arg.starts_with("--output")
        || arg.starts_with("--ext-diff")
        || arg.starts_with("--textconv")
        || arg.starts_with("--exec")
        || arg.starts_with("--open-files-in-pager")
        || arg == "-O"
        || arg.starts_with("--upload-pack")
        || arg.starts_with("--receive-pack")
}

/// `branch`, `tag`, `remote` and `stash` also create, delete and push: only their listing
/// forms run unasked.
fn git_lists_only(sub: &str, rest: &[&str]) -> bool {
    let all_in = |allowed: &[&str]| {
        rest.iter()
            .all(|a| allowed.contains(a) || a.starts_with("--sort=") || a.starts_with("--format="))
    };
    match sub {
        "branch" => all_in(&[
            "-a",
            "--all",
            "-r",
            "--remotes",
            "-v",
            "-vv",
            "--verbose",
            "--show-current",
            "--merged",
            "--no-merged",
        ]),
        // `git tag -l PATTERN…` lists too.
        "tag" => {
            all_in(&["-l", "--list"])
                || (matches!(rest.first(), Some(&"-l" | &"--list"))
                    && rest[1..].iter().all(|a| !a.starts_with('-')))
        }
        "remote" => all_in(&["-v", "--verbose"]),
        "stash" => rest.first() == Some(&"list"),
        _ => true,
    }
}

/// The path an argument names, if it may name one: a bare word, or the value of `--opt=…`,
/// or what follows an attached short option's first `/` (`-f/etc/x`). Patterns and revisions
/// count too: they resolve inside the directory and are harmless there, and one that looks
/// like a path outside makes the command ask.
fn named_path(arg: &str) -> Option<&str> {
    if let Some(option) = arg.strip_prefix("--") {
        return option.split_once('=').map(|(_, value)| value);
    }
    if arg.starts_with('-') && arg.len() > 1 {
        return arg.find(['/', '~']).map(|at| &arg[at..]);
    }
    Some(arg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Word> {
        line.split_whitespace()
            .map(|w| Word::Known(w.to_string()))
            .collect()
    }

    fn reads(line: &str) -> Option<Vec<String>> {
        read_only(&words(line), Path::new("/r"))
            .map(|r| r.paths.iter().map(|p| p.display().to_string()).collect())
    }

    #[test]
    fn readers_read_their_directory_and_the_files_they_name() {
        assert_eq!(reads("ls"), Some(vec!["/r".into()]));
        assert_eq!(
            reads("grep -rn needle src"),
            Some(vec!["/r".into(), "/r/needle".into(), "/r/src".into()])
        );
        assert_eq!(
            reads("grep --file=/etc/pats x"),
            Some(vec!["/r".into(), "/etc/pats".into(), "/r/x".into()])
        );
        assert_eq!(
            reads("grep -f/etc/pats x"),
            Some(vec!["/r".into(), "/etc/pats".into(), "/r/x".into()])
        );
        assert_eq!(reads("git log --oneline -5"), Some(vec!["/r".into()]));
    }

    #[test]
    fn what_writes_runs_or_is_unknown_is_not_read_only() {
        for line in [
            "rm x",
            "./ls",
            "/bin/ls",
            "sort -o out in",
            "sort --output=out in",
            "sort -uo out in",
            "sort --compress-program=sh in",
            "tree -o out",
            "uniq in out",
            "rg --pre sh x",
            "rg -z x",
            "rg --hostname-bin=./evil --hyperlink-format=default x",
            "find . -delete",
            "find . -exec rm {} ;",
            "find . -fprint out",
            "git -c core.pager=sh log",
            "git -C /elsewhere status",
            "git --exec-path=/x log",
            "git -p log",
            "git diff --output=f",
            "git diff --ext-diff",
            "git log --textconv",
            "git branch new",
            "git branch -D old",
            "git tag v1",
            "git tag -l -d v1",
            "file -C -m magic",
            "git remote add o url",
            "git stash",
            "git stash pop",
            "git commit -m x",
            "git push",
            "git grep -O x",
            "env",
            "printenv",
            "sh -c ls",
        ] {
            assert_eq!(reads(line), None, "{line}");
        }
        assert_eq!(
            read_only(&[Word::Known("ls".into()), Word::Unknown], Path::new("/r")),
            None
        );
    }
}
