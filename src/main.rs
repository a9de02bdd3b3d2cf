//! The `claw` binary: parse the command line and start.

fn main() -> std::process::ExitCode {
    // Before clap: in stream-json mode an unknown flag is a warning, not an exit.
    let args = claw::headless::argv::parse(std::env::args().collect());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("claw: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(claw::startup::run(args));
    // Don't wait for tasks still running (a tool, a request): their drop guards clean up.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    // Whatever a tool started and the drop guards did not finish off.
    claw::process_groups::kill_all();
    match result {
        Ok(code) => std::process::ExitCode::from(code.clamp(0, 255) as u8),
        Err(error) => {
            eprintln!("claw: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
