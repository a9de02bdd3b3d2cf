//! Real `bash -c` commands under the sandbox. Where the kernel has no Landlock each test says
//! so and returns (set CLAW_REQUIRE_SANDBOX=1 to make that a failure, as CI does on kernels that
//! have it); everything else must hold.

use super::*;
use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Output};

/// Whether the sandbox can run here; prints why not.
fn kernel_can_sandbox(test: &str) -> bool {
    match kernel_support() {
        Support::Missing(why) => {
            assert!(
                std::env::var_os("CLAW_REQUIRE_SANDBOX").is_none(),
                "CLAW_REQUIRE_SANDBOX is set but {why}"
            );
            eprintln!("{test}: skipped: {why}");
            false
        }
        Support::Full | Support::Partial(_) => true,
    }
}

fn policy(project: &Path, network: Network) -> SandboxPolicy {
    SandboxPolicy {
        enabled: true,
        network,
        project: project.to_path_buf(),
        additional: Vec::new(),
    }
}

fn run(policy: &SandboxPolicy, script: &str) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(script);
    confine(&mut cmd, policy).unwrap();
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A directory outside every writable root: under the crate, not under a temp directory.
fn outside() -> Option<tempfile::TempDir> {
    let dir = match tempfile::Builder::new()
        .prefix(".sandbox-test-")
        .tempdir_in(env!("CARGO_MANIFEST_DIR"))
    {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("skipped: no directory outside the writable roots can be made here: {e}");
            return None;
        }
    };
    let real = std::fs::canonicalize(dir.path()).unwrap();
    let temp = [std::env::temp_dir(), "/tmp".into()];
    if temp
        .iter()
        .filter_map(|t| std::fs::canonicalize(t).ok())
        .any(|t| real.starts_with(t))
    {
        eprintln!("skipped: the crate lies under a temp directory, so nothing is outside");
        return None;
    }
    Some(dir)
}

#[test]
fn writes_inside_the_project_and_tmp_succeed() {
    if !kernel_can_sandbox("writes_inside_the_project_and_tmp_succeed") {
        return;
    }
    let project = tempfile::tempdir().unwrap();
    let p = project.path().display();
    let out = run(
        &policy(project.path(), Network::Off),
        &format!(
            "set -e; mkdir {p}/d; echo a > {p}/d/f; mv {p}/d/f {p}/g; \
             t=/tmp/claw-sandbox-$$; echo b > $t; rm $t; echo ok"
        ),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "ok\n");
    assert_eq!(
        std::fs::read_to_string(project.path().join("g")).unwrap(),
        "a\n"
    );
}

#[test]
fn writes_outside_the_roots_are_refused_and_reads_are_not() {
    if !kernel_can_sandbox("writes_outside_the_roots_are_refused_and_reads_are_not") {
        return;
    }
    let Some(elsewhere) = outside() else { return };
    let project = tempfile::tempdir().unwrap();
    let existing = elsewhere.path().join("existing");
    std::fs::write(&existing, "keep me\n").unwrap();
    let sandbox = policy(project.path(), Network::Off);

    let new_file = elsewhere.path().join("new");
    let out = run(&sandbox, &format!("echo x > {}", new_file.display()));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("Permission denied"),
        "{}",
        text(&out.stderr)
    );
    assert!(!new_file.exists());

    let moved = format!("{}.moved", existing.display());
    for change in ["rm -f", ": >", "truncate -s 0", "mv -f"] {
        let target = if change == "mv -f" {
            moved.as_str()
        } else {
            ""
        };
        let out = run(
            &sandbox,
            &format!("{change} {} {target}", existing.display()),
        );
        assert!(!out.status.success(), "`{change}` was allowed");
        assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me\n");
    }

    let out = run(&sandbox, &format!("cat {}", existing.display()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "keep me\n");
}

#[test]
fn additional_directories_are_writable() {
    if !kernel_can_sandbox("additional_directories_are_writable") {
        return;
    }
    let Some(elsewhere) = outside() else { return };
    let project = tempfile::tempdir().unwrap();
    let mut sandbox = policy(project.path(), Network::Off);
    sandbox.additional.push(elsewhere.path().to_path_buf());
    let file = elsewhere.path().join("f");
    let out = run(&sandbox, &format!("echo y > {}", file.display()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(file).unwrap(), "y\n");
}

#[test]
fn dev_null_the_streams_heredocs_and_process_substitution_work() {
    if !kernel_can_sandbox("dev_null_the_streams_heredocs_and_process_substitution_work") {
        return;
    }
    let project = tempfile::tempdir().unwrap();
    let out = run(
        &policy(project.path(), Network::Off),
        "set -e; echo gone > /dev/null; head -c 4 /dev/zero > /dev/null; \
         echo out > /dev/stdout; echo err > /dev/stderr; cat <(echo sub); \
         cat <<EOF\nhere $(seq 1 20000 | tail -1)\nEOF",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "out\nsub\nhere 20000\n");
    assert_eq!(text(&out.stderr), "err\n");
}

/// Whether a sandboxed `bash` connects to a listener on 127.0.0.1 and writes to it.
fn connects(network: Network) -> (bool, String) {
    let project = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let out = run(
        &policy(project.path(), network),
        &format!("echo hello > /dev/tcp/127.0.0.1/{port}"),
    );
    listener.set_nonblocking(true).unwrap();
    let received = match listener.accept() {
        Ok((mut stream, _)) => {
            stream.set_nonblocking(false).unwrap();
            let mut got = String::new();
            stream.read_to_string(&mut got).unwrap();
            got == "hello\n"
        }
        Err(_) => false,
    };
    assert_eq!(
        out.status.success(),
        received,
        "exit status and delivery disagree"
    );
    (received, text(&out.stderr))
}

#[test]
fn with_the_network_off_a_local_listener_is_unreachable() {
    if !kernel_can_sandbox("with_the_network_off_a_local_listener_is_unreachable") {
        return;
    }
    let (received, stderr) = connects(Network::Off);
    assert!(!received, "the connection went through");
    assert!(
        stderr.contains("Operation not permitted") || stderr.contains("Permission denied"),
        "{stderr}"
    );
}

#[test]
fn with_the_network_allowed_a_local_listener_is_reached() {
    if !kernel_can_sandbox("with_the_network_allowed_a_local_listener_is_reached") {
        return;
    }
    let (received, stderr) = connects(Network::Allowed);
    assert!(received, "{stderr}");
}

#[test]
fn with_the_network_off_unix_sockets_still_work() {
    if !kernel_can_sandbox("with_the_network_off_unix_sockets_still_work") {
        return;
    }
    if crate::tools::find_on_path("python3").is_none() {
        eprintln!("with_the_network_off_unix_sockets_still_work: skipped: no python3");
        return;
    }
    let project = tempfile::tempdir().unwrap();
    let out = run(
        &policy(project.path(), Network::Off),
        "python3 -c 'import socket; a, b = socket.socketpair(); a.send(b\"u\"); \
         print(b.recv(1).decode()); socket.socket(socket.AF_UNIX).close(); \
         socket.socket(socket.AF_INET)'",
    );
    assert!(!out.status.success(), "an AF_INET socket was allowed");
    assert_eq!(text(&out.stdout), "u\n");
    assert!(
        text(&out.stderr).contains("Operation not permitted"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_policy_that_is_off_confines_nothing() {
    let Some(elsewhere) = outside() else { return };
    let project = tempfile::tempdir().unwrap();
    let mut sandbox = policy(project.path(), Network::Off);
    sandbox.enabled = false;
    let file = elsewhere.path().join("free");
    let out = run(&sandbox, &format!("echo z > {}", file.display()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(file.exists());
}

#[test]
fn toggling_says_the_new_state() {
    let mut sandbox = SandboxPolicy::off(Path::new("/p"));
    let on = toggle(&mut sandbox, "").unwrap();
    assert!(sandbox.enabled);
    assert!(on.starts_with("Sandbox on"), "{on}");
    let off = toggle(&mut sandbox, "off").unwrap();
    assert!(!sandbox.enabled);
    assert_eq!(off, "Sandbox off: Bash commands run unconfined.");
    assert!(toggle(&mut sandbox, "maybe").is_err());
    assert!(!sandbox.enabled);
    toggle(&mut sandbox, "on").unwrap();
    assert!(sandbox.enabled);
}

#[test]
fn the_note_names_the_writable_places_and_the_network() {
    let mut sandbox = policy(Path::new("/work/p"), Network::Off);
    assert_eq!(
        sandbox.limits_text(),
        "writes outside /work/p and /tmp are blocked, and network access is off"
    );
    sandbox.network = Network::Allowed;
    sandbox.additional.push("/opt".into());
    assert_eq!(
        sandbox.limits_text(),
        "writes outside /work/p, /tmp and the additional directories are blocked"
    );
}

/// The Bash tool with the sandbox on in `project`.
fn bash_context(project: &Path) -> crate::tools::ToolContext {
    crate::tools::ToolContext::new(project.to_path_buf())
        .with_sandbox(policy(project, Network::Off))
}

async fn bash(
    ctx: &crate::tools::ToolContext,
    input: serde_json::Value,
) -> Result<crate::tools::ToolOutput, crate::tools::ToolError> {
    use crate::tools::Tool;
    crate::tools::bash::Bash
        .run(input, ctx, std::sync::Arc::new(|_| {}))
        .await
}

#[tokio::test]
async fn a_blocked_bash_command_says_the_sandbox_may_be_why() {
    if !kernel_can_sandbox("a_blocked_bash_command_says_the_sandbox_may_be_why") {
        return;
    }
    let Some(elsewhere) = outside() else { return };
    let project = tempfile::tempdir().unwrap();
    let ctx = bash_context(project.path());
    let target = elsewhere.path().join("f");
    let command = format!("echo x > {}", target.display());
    let err = bash(&ctx, serde_json::json!({ "command": command }))
        .await
        .unwrap_err()
        .to_string();
    let note = format!(
        "[sandbox: writes outside {} and /tmp are blocked, and network access is off; \
         this may be why the command failed]",
        project.path().display()
    );
    assert!(err.starts_with("Exit code 1\n"), "{err}");
    assert!(err.contains("Permission denied"), "{err}");
    assert!(err.ends_with(&note), "{err}");
    assert!(!target.exists());

    // A failure that isn't a refusal gets no note; nor does a refusal with the sandbox off.
    let err = bash(&ctx, serde_json::json!({"command": "echo nope; exit 3"}))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "Exit code 3\nnope");
    ctx.sandbox.lock().unwrap().enabled = false;
    let err = bash(
        &ctx,
        serde_json::json!({"command": "echo 'x: Permission denied' >&2; exit 1"}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "Exit code 1\nx: Permission denied");
}

#[tokio::test]
async fn background_bash_commands_are_confined_too() {
    if !kernel_can_sandbox("background_bash_commands_are_confined_too") {
        return;
    }
    let Some(elsewhere) = outside() else { return };
    let project = tempfile::tempdir().unwrap();
    let ctx = bash_context(project.path());
    let target = elsewhere.path().join("f");
    let done = project.path().join("done");
    let command = format!(
        "echo x > {}; echo $? > {}",
        target.display(),
        done.display()
    );
    bash(
        &ctx,
        serde_json::json!({"command": command, "run_in_background": true}),
    )
    .await
    .unwrap();
    for _ in 0..100 {
        if std::fs::read_to_string(&done).is_ok_and(|s| s.ends_with('\n')) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(std::fs::read_to_string(&done).unwrap(), "1\n");
    assert!(!target.exists());
}

#[test]
fn a_kernel_that_falls_short_is_reported() {
    let mut sandbox = policy(Path::new("/p"), Network::Off);
    let missing = Support::Missing("this kernel has no Landlock".into());
    assert_eq!(
        sandbox.shortfall_on(&missing).as_deref(),
        Some("Sandbox: this kernel has no Landlock, so Bash commands run unsandboxed.")
    );
    assert_eq!(
        sandbox.describe_on(&missing),
        "on, but this kernel has no Landlock: Bash commands run unsandboxed"
    );
    let partial = Support::Partial("no seccomp".into());
    assert_eq!(
        sandbox.shortfall_on(&partial).as_deref(),
        Some("Sandbox: only partly enforced: no seccomp.")
    );
    assert!(sandbox.describe_on(&partial).ends_with("(but no seccomp)"));
    assert_eq!(sandbox.shortfall_on(&Support::Full), None);
    sandbox.enabled = false;
    assert_eq!(sandbox.shortfall_on(&missing), None);
}

#[test]
fn the_writable_roots_are_the_project_the_temp_dirs_and_the_additional_ones_once_each() {
    let mut sandbox = policy(Path::new("/work/p"), Network::Off);
    sandbox.additional = vec!["/opt/a".into(), "/tmp".into(), "/opt/a".into()];
    let roots = sandbox.writable_roots();
    for root in [
        PathBuf::from("/work/p"),
        std::env::temp_dir(),
        "/tmp".into(),
        "/opt/a".into(),
    ] {
        assert_eq!(roots.iter().filter(|r| **r == root).count(), 1, "{roots:?}");
    }
}
