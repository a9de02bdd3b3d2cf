//! Start-up figures of the real binary in a pseudo-terminal: time to the first drawn frame,
//! resident memory after start-up, and CPU used while idle. Prints the figures; asserts nothing.
//!
//! The terminal's answers to claw's queries (keyboard enhancement, device attributes) are sent
//! at once, as a real terminal would.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

#[path = "support/session.rs"]
mod session;

const RUNS: usize = 15;
/// The end of a synchronized update: claw wraps every frame in one.
const FRAME_END: &[u8] = b"\x1b[?2026l";

/// A claw started in a pty, its first frame drawn.
struct Running {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    reader: Box<dyn Read + Send>,
    writer: Box<dyn Write + Send>,
    /// The screen as the frames drew it.
    screen: vt100::Parser,
}

impl Running {
    /// Reads until the end of the next frame, answering claw's terminal queries on the way.
    fn wait_frame(&mut self) {
        let mut seen = Vec::new();
        let mut buf = [0u8; 65536];
        loop {
            let n = self.reader.read(&mut buf).unwrap_or(0);
            assert!(
                n > 0,
                "claw exited before drawing: {:?}",
                String::from_utf8_lossy(&seen)
            );
            seen.extend_from_slice(&buf[..n]);
            self.screen.process(&buf[..n]);
            if find(&seen, b"\x1b[?u").is_some() && find(&seen, b"\x1b[c").is_some() {
                self.writer
                    .write_all(b"\x1b[?0u\x1b[?62;22c")
                    .expect("answer");
                seen.clear();
            }
            if let Some(at) = find(&seen, b"\x1b[6n") {
                self.writer.write_all(b"\x1b[1;1R").expect("answer");
                seen.drain(..at + 4);
            }
            if find(&seen, FRAME_END).is_some() {
                return;
            }
        }
    }

    /// Reads frames until one shows `text` on the screen.
    fn wait_showing(&mut self, text: &str) {
        while !self.screen.screen().contents().contains(text) {
            self.wait_frame();
        }
    }

    /// Sends keys and waits for the frame that shows them.
    fn keys(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("keys");
        self.wait_frame();
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts claw in a pty with `args` and `env`, answers its terminal queries, and returns the
/// time to the end of its first frame and claw (still running).
fn first_frame(args: &[&str], env: &[(&str, &str)]) -> (Duration, Running) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("openpty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_claw"));
    cmd.args(args);
    cmd.cwd(std::env::temp_dir());
    cmd.env("TERM", "xterm-256color");
    cmd.env("ANTHROPIC_BASE_URL", "http://127.0.0.1:9");
    cmd.env("ANTHROPIC_API_KEY", "bench");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let child = pty.slave.spawn_command(cmd).expect("spawn claw");
    drop(pty.slave);
    let reader = pty.master.try_clone_reader().expect("reader");
    let writer = pty.master.take_writer().expect("writer");
    let mut running = Running {
        child,
        _master: pty.master,
        reader,
        writer,
        screen: vt100::Parser::new(size(40), size(120), 0),
    };
    running.wait_frame();
    (start.elapsed(), running)
}

fn size(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN)
}

/// A saved session of `messages` messages (markdown answers with code, each about
/// `answer_chars` long) to resume, in its own data directory. Returns the text's size.
fn long_session(data: &std::path::Path, messages: usize, answer_chars: usize) -> usize {
    let dir = claw::agent::session_log::project_dir(&data.join("claw"), &std::env::temp_dir());
    let _ = std::fs::remove_dir_all(&dir);
    session::write_session(&dir.join("bench.jsonl"), messages, answer_chars)
}

/// What the screen shows once the session is on it: the header of a new one; a resumed one's
/// last answer, then (once its whole file is read) the notice below it.
const NEW_SESSION_SHOWN: &str = "? keys";
const RESUMED_SHOWN: &str = "Resumed ";

/// Medians over `runs` starts of `claw --continue`: the time to its first frame, to the first
/// frame that shows `last` (the session's last answer), and to the one that says it is
/// resumed (the whole session read).
fn resume(data: &std::path::Path, last: &str, runs: usize) -> [Duration; 3] {
    let data_s = data.display().to_string();
    let (mut first, mut shown, mut whole) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let start = Instant::now();
        let (elapsed, mut running) =
            first_frame(&["--continue"], &[("XDG_DATA_HOME", data_s.as_str())]);
        running.wait_showing(last);
        shown.push(start.elapsed());
        running.wait_showing(RESUMED_SHOWN);
        whole.push(start.elapsed());
        first.push(elapsed);
        running.stop();
    }
    [median(first), median(shown), median(whole)]
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

struct Sample {
    first_frame: Duration,
    /// To the first frame that shows the new session's header.
    shown: Duration,
    rss_kib: u64,
    pid: u32,
}

fn main() {
    let mut samples = Vec::new();
    let mut idle_ticks = None;
    for run in 0..RUNS {
        let start = Instant::now();
        let (first_frame, mut running) = first_frame(&[], &[]);
        running.wait_showing(NEW_SESSION_SHOWN);
        let shown = start.elapsed();
        let pid = running.child.process_id().expect("pid");
        let rss_kib = rss_kib(pid);
        if run == 0 {
            // Idle CPU: let claw sit for 2 s and count the CPU ticks it used.
            let before = cpu_ticks(pid);
            std::thread::sleep(Duration::from_secs(2));
            idle_ticks = Some(cpu_ticks(pid) - before);
        }
        samples.push(Sample {
            first_frame,
            shown,
            rss_kib,
            pid,
        });
        running.stop();
    }
    samples.sort_by_key(|s| s.first_frame);
    let mid = &samples[samples.len() / 2];
    let min = &samples[0];
    let mut rss: Vec<u64> = samples.iter().map(|s| s.rss_kib).collect();
    rss.sort();
    println!(
        "claw start-up over {RUNS} runs (pid of median run {}):",
        mid.pid
    );
    println!(
        "  first frame: median {:.1} ms, best {:.1} ms",
        mid.first_frame.as_secs_f64() * 1000.0,
        min.first_frame.as_secs_f64() * 1000.0
    );
    println!(
        "  resident memory after the first frame: median {:.1} MB",
        rss[rss.len() / 2] as f64 / 1024.0
    );
    let fresh_shown = median(samples.iter().map(|s| s.shown).collect());
    println!(
        "  first frame that shows the session's header: median {:.1} ms",
        ms(fresh_shown)
    );
    if let Some(ticks) = idle_ticks {
        println!("  CPU while idle for 2 s: {ticks} clock ticks (1 tick = 10 ms)");
    }

    // Five MCP servers that take 3 s each to answer `initialize` (given with --mcp-config, so
    // no approval dialog waits): the first frame must not wait for them. Runs alternate with
    // runs without servers, so both see the same load.
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/support/slow-mcp-server.js"
    );
    let slow = format!(r#"{{"type": "stdio", "command": "node", "args": ["{script}"]}}"#);
    let config = format!(
        "{{\"mcpServers\": {{{}}}}}",
        (1..=5)
            .map(|i| format!("\"slow{i}\": {slow}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (mut with_servers, mut without) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let (elapsed, running) = first_frame(&[], &[]);
        without.push(elapsed);
        running.stop();
        let (elapsed, running) = first_frame(&["--mcp-config", &config], &[]);
        with_servers.push(elapsed);
        running.stop();
    }
    with_servers.sort();
    without.sort();
    println!(
        "first frame with five MCP servers that take 3 s to start: median {:.1} ms, best {:.1} ms; \
         with none, in alternate runs: median {:.1} ms, best {:.1} ms",
        ms(with_servers[with_servers.len() / 2]),
        ms(with_servers[0]),
        ms(without[without.len() / 2]),
        ms(without[0])
    );

    let start_rss = rss[rss.len() / 2];

    // Resuming a 200-turn session of 2,000-character answers, and a 5,000-message one.
    let data = std::env::temp_dir().join("claw-bench-data-200");
    let text_size = long_session(&data, 400, 2_000);
    let fresh = mid.first_frame;
    let report = |what: &str, [first, shown, whole]: [Duration; 3]| {
        println!(
            "resume of {what}: first frame median {:.1} ms ({:.2}x a fresh start's {:.1} ms); its last answer on screen median {:.1} ms ({:.2}x a fresh start's header at {:.1} ms; target under 2x); the whole session read and shown median {:.1} ms",
            ms(first),
            first.as_secs_f64() / fresh.as_secs_f64(),
            ms(fresh),
            ms(shown),
            shown.as_secs_f64() / fresh_shown.as_secs_f64(),
            ms(fresh_shown),
            ms(whole),
        )
    };
    report(
        "a 200-turn session (2,000-character answers)",
        resume(&data, "That was answer 199.", 9),
    );
    // Its memory once every turn has been on screen: from the top back to the bottom.
    let data_s = data.display().to_string();
    let (_, mut running) = first_frame(&["--continue"], &[("XDG_DATA_HOME", data_s.as_str())]);
    running.wait_showing(RESUMED_SHOWN);
    running.keys(b"\x1b[1;5H");
    for _ in 0..400 {
        running.keys(b"\x1b[6~");
    }
    running.keys(b"\x1b[1;5F");
    let pid = running.child.process_id().expect("pid");
    let after = settled_rss_kib(pid);
    running.stop();
    println!(
        "  resident memory after paging through all 200 turns: {:.1} MB (start-up {:.1} MB + text {:.1} MB; target under {:.1} MB)",
        after as f64 / 1024.0,
        start_rss as f64 / 1024.0,
        text_size as f64 / 1024.0 / 1024.0,
        (2 * start_rss) as f64 / 1024.0 + text_size as f64 / 1024.0 / 1024.0
    );

    let data = std::env::temp_dir().join("claw-bench-data");
    long_session(&data, 5_000, 0);
    report(
        "a 5,000-message session",
        resume(&data, "That was answer 2499.", 9),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Resident memory once claw has gone idle: the same figure three reads in a row, 50 ms
/// apart (claw gives freed memory back when nothing is left to draw).
fn settled_rss_kib(pid: u32) -> u64 {
    let mut last = rss_kib(pid);
    let mut same = 0;
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(50));
        let now = rss_kib(pid);
        same = if now == last { same + 1 } else { 0 };
        last = now;
        if same == 2 {
            break;
        }
    }
    last
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 14th field.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0);
    let stime: u64 = fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    utime + stime
}
