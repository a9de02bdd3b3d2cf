//! Memory and time for a flood of command output: the Bash tool running `yes | head -c
//! 200000000` (200 MB, 100 million lines), against the same command redirected to /dev/null.
//! Peak RSS is measured in a fresh process (this bench re-run as a child), so the figure is claw's
//! side alone, not `yes`'s; the headless binary is measured end to end against the fake server.
//! Prints the figures; asserts nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[path = "../tests/support/mod.rs"]
mod support;

use claw::tools::bash::Bash;
use claw::tools::read::Read;
use claw::tools::{ProgressSink, Tool, ToolContext};
use fake_server::{FakeServer, Reply};
use serde_json::json;

const COMMAND: &str = "yes | head -c 200000000";
/// Set in the child that measures one run.
const CHILD: &str = "CLAW_BENCH_OUTPUT_CHILD";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// This process's peak resident set, in KiB (VmHWM).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Runs the Bash tool on COMMAND once, its progress flowing through a channel to a consumer as
/// in the agent; prints "rss_kib ms events result_bytes".
fn child() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let ctx = ToolContext::new(dir.path().to_path_buf());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let events = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&events);
    let consumer = rt.spawn(async move {
        while rx.recv().await.is_some() {
            seen.fetch_add(1, Ordering::Relaxed);
        }
    });
    let progress: ProgressSink = Arc::new(move |chunk| {
        let _ = tx.send(chunk);
    });
    let started = Instant::now();
    let out = rt
        .block_on(Bash.run(json!({"command": COMMAND}), &ctx, progress))
        .expect("bash");
    let elapsed = started.elapsed();
    let _ = rt.block_on(consumer);
    println!(
        "{} {} {} {}",
        peak_rss_kib(),
        elapsed.as_millis(),
        events.load(Ordering::Relaxed),
        out.content.len()
    );
}

/// A 200 MB file of one line (made once, under target/).
fn one_line_file() -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-one-line-200mb");
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == 200_000_000) {
        return path;
    }
    let chunk = vec![b'y'; 1_000_000];
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    for _ in 0..200 {
        std::io::Write::write_all(&mut file, &chunk).expect("write");
    }
    path
}

/// Reads the 200 MB one-line file with a limit; prints "rss_kib ms result_bytes".
fn read_child() {
    let rt = runtime();
    let path = one_line_file();
    let ctx = ToolContext::new(path.parent().expect("dir").to_path_buf());
    let quiet: ProgressSink = Arc::new(|_| {});
    let started = Instant::now();
    let out = rt
        .block_on(Read.run(
            json!({"file_path": path.display().to_string(), "limit": 10}),
            &ctx,
            quiet,
        ))
        .expect("read");
    println!(
        "{} {} {}",
        peak_rss_kib(),
        started.elapsed().as_millis(),
        out.content.len()
    );
}

struct ChildRun {
    rss_kib: u64,
    time: Duration,
    events: usize,
    result_bytes: usize,
}

fn run_child() -> ChildRun {
    let out = std::process::Command::new(std::env::current_exe().expect("exe"))
        .env(CHILD, "1")
        .output()
        .expect("child");
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<u64> = text
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    assert_eq!(fields.len(), 4, "child said: {text}");
    ChildRun {
        rss_kib: fields[0],
        time: Duration::from_millis(fields[1]),
        events: fields[2] as usize,
        result_bytes: fields[3] as usize,
    }
}

fn redirected() -> Duration {
    shell(&format!("{COMMAND} > /dev/null"))
}

/// The floor for any reader of the output through a pipe: `cat` doing nothing with it.
fn through_cat() -> Duration {
    shell(&format!("{COMMAND} | cat > /dev/null"))
}

fn shell(command: &str) -> Duration {
    let started = Instant::now();
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(command)
        .status()
        .expect("bash");
    assert!(status.success());
    started.elapsed()
}

/// Peak RSS (KiB, from wait4) and wall time of `claw -p` whose model runs COMMAND once.
fn headless() -> Option<(u64, Duration, usize)> {
    let claw = std::path::Path::new(env!("CARGO_BIN_EXE_claw"));
    let rt = runtime();
    let server = rt
        .block_on(FakeServer::start(vec![
            Reply::tool_use("", "flood", "Bash", json!({"command": COMMAND})),
            Reply::text("done"),
        ]))
        .ok()?;
    let home = tempfile::tempdir().ok()?;
    let started = Instant::now();
    let child = std::process::Command::new(claw)
        .args(["-p", "flood", "--dangerously-skip-permissions"])
        .current_dir(home.path())
        .env("ANTHROPIC_BASE_URL", server.base_url())
        .env("ANTHROPIC_API_KEY", "test-key")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    // The server runs on `rt`'s threads while this one waits.
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, filling the two out-parameters.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    if waited != pid {
        return None;
    }
    let result_bytes = server
        .requests()
        .get(1)
        .map(|r| r.body["messages"].to_string().len())
        .unwrap_or(0);
    // ru_maxrss is the largest of claw and what it waited for (bash, yes, head: a few MB).
    Some((usage.ru_maxrss as u64, elapsed, result_bytes))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn min(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

/// The claw process whose working directory is `dir`.
fn claw_in(dir: &std::path::Path) -> Option<u32> {
    let dir = std::fs::canonicalize(dir).ok()?;
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
            let cwd = std::fs::read_link(entry.path().join("cwd")).ok()?;
            (comm.trim() == "claw" && cwd == dir).then_some(pid)
        })
}

/// Peak RSS (KiB, VmHWM) and time from Enter to the answer of a full-screen session (in a pty)
/// whose model runs COMMAND once.
fn full_screen() -> Result<(u64, Duration), String> {
    use support::pty::{Key, PtySession};
    let rt = runtime();
    let server = rt
        .block_on(FakeServer::start(vec![
            Reply::tool_use("", "flood", "Bash", json!({"command": COMMAND})),
            Reply::text("flood-finished"),
        ]))
        .map_err(|e| e.to_string())?;
    let home = tempfile::tempdir().map_err(|e| e.to_string())?;
    let home_str = home.path().display().to_string();
    let base = server.base_url();
    let env = [
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("ANTHROPIC_API_KEY", "test-key"),
        ("HOME", home_str.as_str()),
        ("XDG_CONFIG_HOME", home_str.as_str()),
        ("CLAW_MODEL", "claude-sonnet-4-6"),
    ];
    let claw = std::path::Path::new(env!("CARGO_BIN_EXE_claw"));
    let wait = Duration::from_secs(120);
    let term = PtySession::spawn(
        claw,
        &["--dangerously-skip-permissions"],
        &env,
        home.path(),
        120,
        40,
    )
    .map_err(|e| e.to_string())?;
    term.wait_for_text("Ask claw", wait)
        .map_err(|e| e.to_string())?;
    term.send("flood");
    let started = Instant::now();
    term.send_key(Key::Enter);
    term.wait_for_text("flood-finished", wait)
        .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    let pid = claw_in(home.path()).ok_or("claw's process not found")?;
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| e.to_string())?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or("no VmHWM")?;
    term.kill();
    Ok((rss, elapsed))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    match std::env::var(CHILD).as_deref() {
        Ok("read") => return read_child(),
        Ok(_) => return child(),
        Err(_) => {}
    }
    one_line_file();
    let read = std::process::Command::new(std::env::current_exe().expect("exe"))
        .env(CHILD, "read")
        .output()
        .expect("child");
    let read = String::from_utf8_lossy(&read.stdout);
    let read: Vec<u64> = read
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    if let [rss, ms, bytes] = read[..] {
        println!(
            "Read of a 200 MB one-line file (limit 10): peak RSS {:.1} MiB, {ms} ms, result \
             {bytes} bytes",
            rss as f64 / 1024.0
        );
    }
    // Interleaved, so both see the same load on a shared machine.
    let (mut runs, mut bases, mut cats) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..7 {
        runs.push(run_child());
        bases.push(redirected());
        cats.push(through_cat());
    }
    let tool_times: Vec<Duration> = runs.iter().map(|r| r.time).collect();
    let (tool, base) = (median(tool_times.clone()), median(bases.clone()));
    let (tool_min, base_min) = (min(&tool_times), min(&bases));
    let rss = runs.iter().map(|r| r.rss_kib).max().unwrap_or(0);
    println!(
        "Bash tool, `{COMMAND}`: peak RSS {:.1} MiB (the whole measuring process); \
         {} progress events, result {} bytes",
        rss as f64 / 1024.0,
        runs[0].events,
        runs[0].result_bytes
    );
    println!(
        "time, 7 runs: the tool median {:.0} ms (fastest {:.0}), `{COMMAND} > /dev/null` median \
         {:.0} ms (fastest {:.0}): {:.2}x (fastest {:.2}x)",
        ms(tool),
        ms(tool_min),
        ms(base),
        ms(base_min),
        tool.as_secs_f64() / base.as_secs_f64(),
        tool_min.as_secs_f64() / base_min.as_secs_f64()
    );
    println!(
        "`{COMMAND} | cat > /dev/null` (one more pipe, as the tool reads it): median {:.0} ms \
         (fastest {:.0}); the tool takes {:.2}x of it",
        ms(median(cats.clone())),
        ms(min(&cats)),
        tool.as_secs_f64() / median(cats).as_secs_f64()
    );
    match headless() {
        Some((rss, time, bytes)) => println!(
            "claw -p whose model runs it: peak RSS {:.1} MiB, {:.0} ms start to end; the next \
             request's messages are {bytes} bytes",
            rss as f64 / 1024.0,
            time.as_secs_f64() * 1000.0
        ),
        None => println!("claw -p could not be measured"),
    }
    match full_screen() {
        Ok((rss, time)) => println!(
            "full-screen claw (in a pty) whose model runs it: peak RSS {:.1} MiB, {:.0} ms from \
             Enter to the answer on screen",
            rss as f64 / 1024.0,
            ms(time)
        ),
        Err(e) => println!("the full-screen session could not be measured: {e}"),
    }
    divan::main();
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn bash_tool_200_mb(bencher: divan::Bencher) {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let ctx = ToolContext::new(dir.path().to_path_buf());
    let quiet: ProgressSink = Arc::new(|_| {});
    bencher.bench_local(|| {
        rt.block_on(Bash.run(json!({"command": COMMAND}), &ctx, quiet.clone()))
            .expect("bash")
    });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn redirected_to_dev_null_200_mb() -> Duration {
    redirected()
}
