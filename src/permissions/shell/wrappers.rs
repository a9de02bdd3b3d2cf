//! Programs that run other programs: wrappers (`env`, `timeout`, `sudo`, `xargs`…) are looked
//! through to the command they start, shells given `-c` and `eval`-like builtins run a string
//! of shell code, and `find` runs commands and writes files of its own. Pure.

use super::words::Word;

/// What a command does with the words after its program.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Not a wrapper: the first word is the program as it runs.
    Program,
    /// A wrapper: it runs `rest` as a command (`privileged`: as another user), and writes these
    /// files itself.
    Runs {
        rest: Vec<Word>,
        privileged: bool,
        writes: Vec<Word>,
    },
    /// Runs this shell code (`sh -c`, `eval`, `trap`, `watch`, `su -c`); None: not known.
    Script {
        code: Option<String>,
        privileged: bool,
    },
    /// A shell reading commands from its input (`curl … | sh`): nothing about them is known.
    ReadsCommands,
    /// Something that changes what runs in a way claw can't follow (why).
    Unknowable(&'static str),
}

/// The program's name as rules see it: the last path component.
pub fn basename(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish"];

/// What `words` (a command, program first) does.
pub fn step(words: &[Word]) -> Step {
    let Some(Word::Known(program)) = words.first() else {
        return Step::Program;
    };
    let runs = |at: Option<usize>| runs_from(words, at, false);
    match basename(program) {
        "command" => {
            // `command -v x` / `-V` only describe x.
            if words[1..]
                .iter()
                .take_while(|w| w.known().is_some_and(|t| t.starts_with('-')))
                .any(|w| {
                    w.known()
                        .is_some_and(|t| t.contains('v') || t.contains('V'))
                })
            {
                return Step::Program;
            }
            runs(after_options(words, 1, "", &[]))
        }
        "builtin" | "nohup" | "coproc" | "unbuffer" => runs(after_options(words, 1, "", &[])),
        "exec" => runs(after_options(words, 1, "a", &[])),
        "setsid" => runs(after_options(words, 1, "", &[])),
        "nice" => runs(after_options(words, 1, "n", &["--adjustment"])),
        "stdbuf" => runs(after_options(
            words,
            1,
            "ioe",
            &["--input", "--output", "--error"],
        )),
        "ionice" => {
            let describes = words[1..].iter().any(|w| {
                matches!(
                    w.known(),
                    Some("-p" | "-P" | "-u" | "--pid" | "--pgid" | "--uid")
                )
            });
            if describes {
                return Step::Program;
            }
            runs(after_options(words, 1, "cn", &["--class", "--classdata"]))
        }
        "timeout" => {
            let at = after_options(words, 1, "sk", &["--signal", "--kill-after"]);
            // Then the duration.
            runs(at.map(|i| i + 1))
        }
        "time" => time(words),
        "chroot" => {
            let at = after_options(words, 1, "", &["--userspec", "--groups"]);
            runs(at.map(|i| i + 1))
        }
        "busybox" => runs(Some(1)),
        "env" => env(words),
        "xargs" => xargs(words),
        "sudo" => {
            if words[1..]
                .iter()
                .any(|w| matches!(w.known(), Some("-e" | "--edit")))
            {
                return Step::Program;
            }
            runs_from(
                words,
                after_options(
                    words,
                    1,
                    "ugCDhprtTU",
                    &[
                        "--user",
                        "--group",
                        "--close-from",
                        "--chdir",
                        "--host",
                        "--prompt",
                        "--role",
                        "--type",
                        "--command-timeout",
                        "--other-user",
                    ],
                ),
                true,
            )
        }
        "doas" => runs_from(words, after_options(words, 1, "uC", &[]), true),
        "su" => su(words),
        "eval" => Step::Script {
            code: joined(&words[1..]),
            privileged: false,
        },
        "trap" => trap(words),
        "watch" => watch(words),
        name if SHELLS.contains(&name) => shell(words),
        _ => Step::Program,
    }
}

/// `Runs` with the words from `at`; an unknown option position makes the program unknown.
fn runs_from(words: &[Word], at: Option<usize>, privileged: bool) -> Step {
    let rest = match at {
        Some(i) if i < words.len() => words[i..].to_vec(),
        Some(_) => return Step::Program,
        None => vec![Word::Unknown],
    };
    Step::Runs {
        rest,
        privileged,
        writes: Vec::new(),
    }
}

/// The index of the first word at or after `start` that is not an option. `takes` lists the
/// short options that take a value, `long` the long ones (which may also use `=`). None when an
/// option's word can't be known.
pub fn after_options(words: &[Word], start: usize, takes: &str, long: &[&str]) -> Option<usize> {
    let mut i = start;
    while i < words.len() {
        let text = words[i].known()?;
        if text == "--" {
            return Some(i + 1);
        }
        if let Some(name) = text.strip_prefix("--") {
            let name = format!("--{}", name.split('=').next().unwrap_or(name));
            i += if !text.contains('=') && long.contains(&name.as_str()) {
                2
            } else {
                1
            };
            continue;
        }
        if text.len() > 1 && text.starts_with('-') {
            // A cluster like `-xvf file`: a value-taking letter at the end takes the next word;
            // one in the middle has its value attached.
            let letters: Vec<char> = text[1..].chars().collect();
            let mut skip = 1;
            for (n, letter) in letters.iter().enumerate() {
                if takes.contains(*letter) {
                    if n == letters.len() - 1 {
                        skip = 2;
                    }
                    break;
                }
            }
            i += skip;
            continue;
        }
        return Some(i);
    }
    Some(i)
}

/// The words joined with spaces, as `eval` does; None if any is unknown.
fn joined(words: &[Word]) -> Option<String> {
    let parts: Option<Vec<&str>> = words.iter().map(Word::known).collect();
    parts.map(|p| p.join(" "))
}

/// `time [-p] [-f fmt] [-o file] [-a] command`: the time keyword, or GNU time, whose `-o` writes.
fn time(words: &[Word]) -> Step {
    let mut writes = Vec::new();
    for (i, word) in words.iter().enumerate().skip(1) {
        match word.known() {
            Some("-o" | "--output") => {
                writes.push(words.get(i + 1).cloned().unwrap_or(Word::Unknown))
            }
            Some(t) if t.starts_with("--output=") => {
                writes.push(Word::Known(t["--output=".len()..].to_string()))
            }
            Some(t) if !t.starts_with('-') => break,
            Some(_) => {}
            None => break,
        }
    }
    match runs_from(
        words,
        after_options(words, 1, "fo", &["--format", "--output"]),
        false,
    ) {
        Step::Runs {
            rest, privileged, ..
        } => Step::Runs {
            rest,
            privileged,
            writes,
        },
        other => other,
    }
}

/// `env [-i] [-u NAME] [-C DIR] [-S STRING] [NAME=VALUE]… [command]`.
fn env(words: &[Word]) -> Step {
    let mut i = 1;
    while i < words.len() {
        let Some(text) = words[i].known() else {
            return runs_from(words, None, false);
        };
        // `-S STRING`: the string is split into words and run, followed by the other words.
        let split = match text {
            "-S" | "--split-string" => Some((words.get(i + 1).and_then(Word::known), i + 2)),
            t if t.starts_with("--split-string=") => Some((Some(&t[15..]), i + 1)),
            t if t.starts_with("-S") => Some((Some(&t[2..]), i + 1)),
            _ => None,
        };
        if let Some((string, next)) = split {
            let rest = joined(&words[next.min(words.len())..]);
            return Step::Script {
                code: string.zip(rest).map(|(s, rest)| format!("{s} {rest}")),
                privileged: false,
            };
        }
        if matches!(text, "-u" | "-C" | "--unset" | "--chdir") {
            i += 2;
        } else if is_assignment(text) {
            let name = text.split('=').next().unwrap_or(text);
            if super::is_risky_variable(name) {
                return Step::Unknowable("it sets a variable that changes what programs run");
            }
            i += 1;
        } else if text.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    runs_from(words, Some(i), false)
}

/// `NAME=value`, as env and the shell see an assignment.
pub fn is_assignment(text: &str) -> bool {
    text.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// `xargs [options] [command [args]]`: the command gets more arguments from the input.
fn xargs(words: &[Word]) -> Step {
    let at = after_options(
        words,
        1,
        "adEILnPs",
        &[
            "--arg-file",
            "--delimiter",
            "--eof",
            "--replace",
            "--max-lines",
            "--max-args",
            "--max-procs",
            "--max-chars",
            "--process-slot-var",
        ],
    );
    let mut rest = match at {
        Some(i) if i < words.len() => words[i..].to_vec(),
        Some(_) => vec![Word::Known("echo".into())],
        None => vec![Word::Unknown],
    };
    rest.push(Word::Unknown);
    Step::Runs {
        rest,
        privileged: false,
        writes: Vec::new(),
    }
}

/// `su [options] [-] [user] [-c command]`.
fn su(words: &[Word]) -> Step {
    for (i, word) in words.iter().enumerate().skip(1) {
        match word.known() {
            Some("-c" | "--command") => {
                return Step::Script {
                    code: words.get(i + 1).and_then(Word::known).map(str::to_string),
                    privileged: true,
                };
            }
            Some(t) if t.starts_with("--command=") => {
                return Step::Script {
                    code: Some(t["--command=".len()..].to_string()),
                    privileged: true,
                };
            }
            Some(_) => {}
            None => {
                return Step::Script {
                    code: None,
                    privileged: true,
                };
            }
        }
    }
    Step::Program
}

/// `trap 'code' SIGNALS`: the code runs later, in this shell.
fn trap(words: &[Word]) -> Step {
    match words.get(1).map(Word::known) {
        None | Some(Some("-p" | "-l" | "-" | "--")) => Step::Program,
        Some(code) => Step::Script {
            code: code.map(str::to_string),
            privileged: false,
        },
    }
}

/// `watch [options] command…`: the words joined run with `sh -c` (or directly with `-x`).
fn watch(words: &[Word]) -> Step {
    let at = after_options(words, 1, "nq", &["--interval", "--equexit"]);
    if words[1..]
        .iter()
        .any(|w| matches!(w.known(), Some("-x" | "--exec")))
    {
        return runs_from(words, at, false);
    }
    Step::Script {
        code: at.and_then(|i| joined(&words[i.min(words.len())..])),
        privileged: false,
    }
}

/// A shell: `-c code` runs the code; a script file is a program of its own; neither reads
/// commands from the input.
fn shell(words: &[Word]) -> Step {
    let mut code_flag = false;
    let mut reads_input = false;
    let mut i = 1;
    while i < words.len() {
        let Some(text) = words[i].known() else {
            return Step::Script {
                code: None,
                privileged: false,
            };
        };
        if text == "--" {
            i += 1;
            break;
        }
        if matches!(text, "-o" | "+o" | "-O" | "+O" | "--rcfile" | "--init-file") {
            i += 2;
            continue;
        }
        if text.starts_with("--") {
            i += 1;
            continue;
        }
        if text.len() > 1 && (text.starts_with('-') || text.starts_with('+')) {
            code_flag |= text.contains('c');
            reads_input |= text.contains('s');
            i += 1;
            continue;
        }
        break;
    }
    if code_flag {
        return Step::Script {
            code: words.get(i).and_then(Word::known).map(str::to_string),
            privileged: false,
        };
    }
    if reads_input || i >= words.len() {
        return Step::ReadsCommands;
    }
    Step::Program
}

/// What `find` does besides listing: the commands `-exec`/`-execdir`/`-ok`/`-okdir` run (with
/// `{}` unknown), an `rm` for `-delete`, and the files `-fprint`/`-fls`… write.
pub fn find_actions(words: &[Word]) -> (Vec<Vec<Word>>, Vec<Word>) {
    let mut runs = Vec::new();
    let mut writes = Vec::new();
    let mut i = 1;
    while i < words.len() {
        match words[i].known() {
            Some("-exec" | "-execdir" | "-ok" | "-okdir") => {
                let mut command = Vec::new();
                i += 1;
                while i < words.len() && !matches!(words[i].known(), Some(";" | "+")) {
                    command.push(match words[i].known() {
                        Some(t) if t.contains("{}") => Word::Unknown,
                        _ => words[i].clone(),
                    });
                    i += 1;
                }
                runs.push(if command.is_empty() {
                    vec![Word::Unknown]
                } else {
                    command
                });
            }
            Some("-delete") => runs.push(vec![Word::Known("rm".into()), Word::Unknown]),
            Some("-fprint" | "-fprint0" | "-fls") => {
                writes.push(words.get(i + 1).cloned().unwrap_or(Word::Unknown));
                i += 1;
            }
            Some("-fprintf") => {
                writes.push(words.get(i + 1).cloned().unwrap_or(Word::Unknown));
                i += 2;
            }
            _ => {}
        }
        i += 1;
    }
    (runs, writes)
}
