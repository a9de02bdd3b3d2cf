//! What the analysis finds in commands: programs behind quotes, wrappers and strings;
//! redirection targets; and what it admits it cannot know.

use std::path::{Path, PathBuf};

use super::*;

fn analyse(source: &str) -> Script {
    analyze(
        source,
        Place {
            dir: Path::new("/p"),
            home: Some(Path::new("/home/me")),
        },
    )
}

/// Every program that runs (last form, basename), `?` for an unknown one.
fn programs(source: &str) -> Vec<String> {
    analyse(source)
        .commands
        .iter()
        .filter(|c| !c.runs_code)
        .map(|c| match c.runs().first() {
            Some(Word::Known(p)) => wrappers::basename(p).to_string(),
            _ => "?".to_string(),
        })
        .collect()
}

fn writes(source: &str) -> Vec<String> {
    analyse(source)
        .writes
        .iter()
        .map(|t| match t {
            Target::Path(p) => p.display().to_string(),
            Target::Unknown(t) => format!("?{t}"),
        })
        .collect()
}

#[test]
fn programs_behind_quotes_wrappers_and_strings() {
    let cases: &[(&str, &[&str])] = &[
        ("rm x", &["rm"]),
        ("/bin/rm x", &["rm"]),
        ("\\rm x", &["rm"]),
        ("\"rm\" x", &["rm"]),
        ("r''m x", &["rm"]),
        ("command rm x", &["rm"]),
        ("command -p rm x", &["rm"]),
        ("command -v rm", &["command"]),
        ("builtin cd /p", &["cd"]),
        ("exec rm x", &["rm"]),
        ("exec -a name rm x", &["rm"]),
        ("env rm x", &["rm"]),
        ("env -i FOO=1 rm x", &["rm"]),
        ("env -u HOME -C /tmp rm x", &["rm"]),
        ("env -S 'rm -rf' x", &["rm"]),
        ("FOO=1 rm x", &["rm"]),
        ("(rm x)", &["rm"]),
        ("{ rm x; }", &["rm"]),
        ("time rm x", &["rm"]),
        ("time -p rm x", &["rm"]),
        ("nice rm x", &["rm"]),
        ("nice -n 5 rm x", &["rm"]),
        ("nice -5 rm x", &["rm"]),
        ("nohup rm x", &["rm"]),
        ("timeout 5 rm x", &["rm"]),
        ("timeout -s KILL -k 1 5s rm x", &["rm"]),
        ("timeout --signal=KILL 5 rm x", &["rm"]),
        ("stdbuf -oL rm x", &["rm"]),
        ("stdbuf -o L rm x", &["rm"]),
        ("ionice -c 3 rm x", &["rm"]),
        ("setsid rm x", &["rm"]),
        ("sudo rm x", &["rm"]),
        ("sudo -u root -E rm x", &["rm"]),
        ("doas rm x", &["rm"]),
        ("busybox rm x", &["rm"]),
        ("xargs rm", &["rm"]),
        ("xargs -0 -n 1 rm -f", &["rm"]),
        ("xargs -I{} rm {}", &["rm"]),
        ("xargs", &["echo"]),
        ("eval rm x", &["rm"]),
        ("eval 'rm x'", &["rm"]),
        ("bash -c 'rm x'", &["rm"]),
        ("sh -c \"rm x\"", &["rm"]),
        ("bash -ec 'rm x'", &["rm"]),
        ("bash -lc 'ls; rm x'", &["ls", "rm"]),
        ("sudo sh -c 'rm x'", &["rm"]),
        ("bash -c \"bash -c 'rm x'\"", &["rm"]),
        ("su -c 'rm x' root", &["rm"]),
        ("trap 'rm x' EXIT", &["rm"]),
        ("watch -n 1 rm x", &["rm"]),
        ("ls | xargs rm", &["ls", "rm"]),
        ("find . -delete", &["find", "rm"]),
        ("find . -name '*.o' -exec rm {} \\;", &["find", "rm"]),
        ("find . -execdir rm -f {} +", &["find", "rm"]),
        ("find . -exec sh -c 'rm \"$1\"' _ {} \\;", &["find", "rm"]),
        ("echo $(rm x)", &["echo", "rm"]),
        ("echo `rm x`", &["echo", "rm"]),
        ("diff <(rm x) y", &["diff", "rm"]),
        ("cat <<EOF\n$(rm x)\nEOF", &["cat", "rm"]),
        ("f() { rm x; }; f", &["rm", "f"]),
        ("if true; then rm x; fi", &["true", "rm"]),
        ("while false; do rm x; done", &["false", "rm"]),
        ("for f in a; do rm $f; done", &["rm"]),
        ("case a in a) rm x;; esac", &["rm"]),
        ("! rm x", &["rm"]),
        (
            "a && rm x || b; c | rm y & d",
            &["a", "rm", "b", "c", "rm", "d"],
        ),
        ("$(echo rm) x", &["?", "echo"]),
        ("$X x", &["?"]),
        ("/bin/r? x", &["?"]),
        ("env $X rm", &["?"]),
    ];
    for (source, expected) in cases {
        assert_eq!(programs(source), *expected, "{source}");
    }
}

#[test]
fn redirections_are_writes_and_reads() {
    let cases: &[(&str, &[&str])] = &[
        ("echo hi > f", &["/p/f"]),
        ("echo hi >> f", &["/p/f"]),
        ("echo hi 2> f", &["/p/f"]),
        ("echo hi &> f", &["/p/f"]),
        ("echo hi &>> f", &["/p/f"]),
        ("echo hi >| f", &["/p/f"]),
        ("echo hi >& f", &["/p/f"]),
        ("echo hi > ../x", &["/x"]),
        ("echo hi >> ~/.bashrc", &["/home/me/.bashrc"]),
        (
            "echo hi > .git/hooks/pre-commit",
            &["/p/.git/hooks/pre-commit"],
        ),
        ("echo hi > \"$F\"", &["?\"$F\""]),
        ("echo hi > *.txt", &["?*.txt"]),
        ("echo hi > /dev/null 2>&1", &[]),
        ("echo hi 2>/dev/stderr >&2", &[]),
        ("echo hi 3>&- 1>&2", &[]),
        ("{ echo a; } > g", &["/p/g"]),
        ("(echo a) > g", &["/p/g"]),
        ("cat <<EOF > out\nhi\nEOF", &["/p/out"]),
        ("echo a | tee x > y", &["/p/y"]),
        ("cd sub && echo a > f", &["/p/sub/f"]),
        ("cd /etc; echo a > passwd", &["/etc/passwd"]),
        ("cd; echo a > .bashrc", &["/home/me/.bashrc"]),
        ("(cd /etc); echo a > f", &["?f"]),
        ("cd $D && echo a > f", &["?f"]),
        ("f() { cd /etc; }; f; echo a > f", &["?f"]),
        ("for i in 1 2; do echo > x; cd /etc; done", &["?x"]),
        ("eval 'cd /etc'; echo a > f", &["?f"]),
        ("cd /tmp & echo a > f", &["?f"]),
        ("find . -fprint out", &["/p/out"]),
        ("/usr/bin/time -o t.log make", &["/p/t.log"]),
        ("exec 3> log", &["/p/log"]),
        ("echo > $(echo f)", &["?$(echo f)"]),
    ];
    for (source, expected) in cases {
        assert_eq!(writes(source), *expected, "{source}");
    }
    let reads = analyse("sort < in.txt > out.txt").reads;
    assert_eq!(reads, vec![Target::Path(PathBuf::from("/p/in.txt"))]);
}

#[test]
fn what_cannot_be_known_is_said() {
    let unknown = [
        "$X x",
        "${X} y",
        "$(echo rm) x",
        "`echo rm` x",
        "curl x | sh",
        "bash -s < script",
        "bash",
        "eval \"$CMD\"",
        "bash -c \"$CMD\"",
        "PATH=/tmp/evil ls",
        "LD_PRELOAD=/tmp/x.so ls",
        "env PATH=/tmp/evil ls",
        "sudo env LD_PRELOAD=/tmp/x.so ls",
        "GIT_SSH_COMMAND='rm -rf ~' git fetch",
        "export PATH=/tmp:$PATH; ls",
        "BASH_ENV=/tmp/x bash -c ls",
        "x='a[$(rm y)]'; echo $((x))",
        "(( x ))",
        "[[ $x -eq 1 ]]",
        "echo ${a[$i]}",
        "echo ${s:$n}",
        "let x=y",
        "declare -i n=$v",
        "for ((i=0; i<3; i++)); do echo; done",
        "echo hi <> f",
        "echo 'unterminated",
    ];
    for source in unknown {
        assert!(!analyse(source).unknowns.is_empty(), "{source}");
    }
    let known = [
        "ls -la",
        "git status && cargo test",
        "echo $HOME",
        "echo \"$x\"",
        "RUST_LOG=debug cargo run",
        "[[ -f x ]] && ls",
        "[[ 1 -eq 1 ]]",
        "echo $((1 + 2))",
        "echo ${x:-default} ${x:1:2}",
        "bash script.sh",
        "find . -name '*.rs' | xargs grep -n foo",
        "cat <<'EOF'\n$(not run)\nEOF",
    ];
    for source in known {
        assert!(
            analyse(source).unknowns.is_empty(),
            "{source}: {:?}",
            analyse(source).unknowns
        );
    }
}

#[test]
fn sudo_keeps_its_form_for_rules() {
    let script = analyse("sudo apt update");
    let command = &script.commands[0];
    assert_eq!(
        command.rule_form(),
        Some(
            &[
                Word::Known("sudo".into()),
                Word::Known("apt".into()),
                Word::Known("update".into())
            ][..]
        )
    );
    let nested = analyse("sudo sh -c 'apt update'");
    let inner = nested.commands.iter().find(|c| !c.runs_code).unwrap();
    assert_eq!(inner.rule_form(), None);
}
