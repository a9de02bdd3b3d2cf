//! MCP figure: time from starting server-everything over stdio to its tools being ready (the
//! initialize handshake and tools/list), through claw's client. Prints it; asserts nothing.
//! Needs `npm ci --prefix tests/mcp`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use claw::config::mcp::{Approval, McpScope, McpServerConfig, McpTransport};
use claw::mcp::{McpOptions, McpServers, ServerState};

const RUNS: usize = 7;

fn main() {
    let everything = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(everything.exists(), "run `npm ci --prefix tests/mcp` first");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let config = McpServerConfig {
        name: "everything".into(),
        transport: McpTransport::Stdio {
            command: "node".into(),
            args: vec![everything.display().to_string(), "stdio".into()],
            env: Vec::new(),
        },
        source: PathBuf::from("bench"),
        scope: McpScope::CommandLine,
    };
    let mut times = Vec::new();
    let mut tools = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let elapsed = runtime.block_on(async {
            let servers = McpServers::start(
                vec![(config.clone(), Approval::Approved)],
                std::env::temp_dir(),
                McpOptions::default(),
            );
            assert!(servers.wait_ready(Duration::from_secs(60)).await);
            let status = &servers.statuses()[0];
            assert_eq!(status.state, ServerState::Ready, "{:?}", status.state);
            tools = status.tools.len();
            started.elapsed()
        });
        times.push(elapsed);
    }
    times.sort();
    println!(
        "server-everything (stdio) from start to {tools} tools ready over {RUNS} runs: median {:.0} ms, best {:.0} ms",
        times[RUNS / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0
    );
}
