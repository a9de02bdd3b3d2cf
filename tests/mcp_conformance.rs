//! The MCP client conformance suite (`@modelcontextprotocol/conformance`, installed in
//! tests/mcp with the Node 22 it needs) against claw's client, through the
//! `mcp_conformance_client` example. Every client scenario the suite offers is accounted for:
//! those that passed must still pass (a scenario gets a second try, as the suite's servers race
//! their own streams now and then), those that fail are listed with the reason.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The scenarios claw passes.
const PASSING: &[&str] = &[
    "initialize",
    "tools_call",
    "elicitation-sep1034-client-defaults",
    "sse-retry",
    "auth/metadata-default",
    "auth/metadata-var1",
    "auth/metadata-var2",
    "auth/metadata-var3",
    "auth/scope-from-www-authenticate",
    "auth/scope-from-scopes-supported",
    "auth/scope-omitted-when-undefined",
    "auth/token-endpoint-auth-basic",
    "auth/token-endpoint-auth-post",
    "auth/token-endpoint-auth-none",
    "auth/pre-registration",
    "auth/2025-03-26-oauth-metadata-backcompat",
    "auth/2025-03-26-oauth-endpoint-fallback",
    "auth/resource-mismatch",
    "auth/offline-access-scope",
    "auth/offline-access-not-supported",
    "auth/scope-step-up",
    "auth/scope-retry-limit",
    "auth/client-credentials-jwt",
    "auth/client-credentials-basic",
    "auth/basic-cimd",
    "auth/cross-app-access-complete-flow",
];

/// The scenarios claw fails, and why (none today).
const FAILING: &[(&str, &str)] = &[];

fn mcp_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp")
}

/// `conformance …` with the suite's Node 22 first on the path.
fn conformance() -> Command {
    let bin = mcp_dir().join("node_modules/.bin");
    assert!(
        bin.join("conformance").exists() && bin.join("node").exists(),
        "the conformance suite is not installed: run `npm ci --prefix tests/mcp` (.ci/run does)"
    );
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new(bin.join("conformance"));
    command.env("PATH", path).current_dir(std::env::temp_dir());
    command
}

/// The example client, built next to the tests (`cargo test` builds examples).
fn client() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let debug = exe.parent().and_then(Path::parent).unwrap();
    let client = debug.join("examples/mcp_conformance_client");
    assert!(client.exists(), "{} is not built", client.display());
    client
}

fn client_scenarios() -> Vec<String> {
    let out = conformance().arg("list").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let clients = text.split("Client scenarios").nth(1).unwrap_or("");
    clients
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

fn passes(scenario: &str, client: &Path, output: &Path) -> (bool, String) {
    let out = conformance()
        .args(["client", "--scenario", scenario, "--command"])
        .arg(client)
        .arg("-o")
        .arg(output)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success(), text)
}

#[test]
fn every_client_scenario_that_passed_still_passes() {
    let mut offered = client_scenarios();
    offered.sort();
    let mut known: Vec<String> = PASSING
        .iter()
        .copied()
        .chain(FAILING.iter().map(|(s, _)| *s))
        .map(str::to_string)
        .collect();
    known.sort();
    assert_eq!(
        offered, known,
        "the suite's client scenarios changed: sort the new ones"
    );

    let client = client();
    let output = tempfile::tempdir().unwrap();
    let mut regressed = Vec::new();
    for scenario in PASSING {
        let (ok, text) = passes(scenario, &client, output.path());
        if ok || passes(scenario, &client, output.path()).0 {
            continue;
        }
        regressed.push(format!("{scenario}:\n{text}"));
    }
    assert!(
        regressed.is_empty(),
        "{} of {} scenarios regressed:\n{}",
        regressed.len(),
        PASSING.len(),
        regressed.join("\n")
    );
}
