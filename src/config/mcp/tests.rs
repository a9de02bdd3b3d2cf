use super::*;
use serde_json::json;

fn settings_file(path: &str, layer: Layer, value: Value) -> SettingsFile {
    SettingsFile {
        path: PathBuf::from(path),
        layer,
        anchor: PathBuf::from("/"),
        value,
    }
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn sources<'a>(root: &'a Path, files: &'a [SettingsFile], cli: &'a [String]) -> McpSources<'a> {
    McpSources {
        project_root: root,
        settings: files,
        claude_json: None,
        command_line: cli,
        strict: false,
    }
}

#[test]
fn reads_mcp_json_and_settings_with_the_later_scope_winning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".mcp.json"),
        r#"{"mcpServers": {"files": {"command": "npx", "args": ["-y", "server-filesystem", "."]},
            "web": {"type": "http", "url": "http://127.0.0.1:9/mcp"}, "bad": {},
            "old": {"type": "sse", "url": "http://127.0.0.1:9/sse", "headers": {"X-Key": "k"}}}}"#,
    )
    .unwrap();
    let files = [
        settings_file(
            "user.json",
            Layer::User,
            json!({"mcpServers": {"web": {"command": "u"}}}),
        ),
        settings_file(
            "local.json",
            Layer::Local,
            json!({"mcpServers": {"files": {"command": "other"}}}),
        ),
    ];
    let (servers, warnings) = declared_servers(&sources(dir.path(), &files, &[]), &no_env);
    let names: Vec<_> = servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["files", "old", "web"]);
    assert_eq!(servers[0].target(), "other");
    assert_eq!(servers[0].scope, McpScope::Local);
    assert_eq!(
        servers[1].transport,
        McpTransport::Sse {
            url: "http://127.0.0.1:9/sse".into(),
            headers: vec![("X-Key".into(), "k".into())]
        }
    );
    assert_eq!(servers[2].target(), "http://127.0.0.1:9/mcp");
    assert_eq!(
        servers[2].scope,
        McpScope::Project,
        "the project file wins over the user's"
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`bad`"));
}

#[test]
fn a_broken_file_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".mcp.json"), "{ nope").unwrap();
    let (servers, warnings) = declared_servers(&sources(dir.path(), &[], &[]), &no_env);
    assert!(servers.is_empty());
    assert!(warnings[0].contains(".mcp.json:1:"));
}

#[test]
fn variables_are_expanded_everywhere_and_unset_ones_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".mcp.json"),
        r#"{"mcpServers": {
            "s": {"command": "${BIN:-node}", "args": ["${ROOT}/srv.js"], "env": {"KEY": "${KEY}", "N": 3}},
            "h": {"type": "http", "url": "http://127.0.0.1:${PORT:-3001}/mcp",
                  "headers": {"Authorization": "Bearer ${TOKEN}"}}}}"#,
    )
    .unwrap();
    let env = |name: &str| (name == "ROOT").then(|| "/srv".to_string());
    let (servers, warnings) = declared_servers(&sources(dir.path(), &[], &[]), &env);
    assert_eq!(
        servers[1].transport,
        McpTransport::Stdio {
            command: "node".into(),
            args: vec!["/srv/srv.js".into()],
            env: vec![("KEY".into(), "${KEY}".into()), ("N".into(), "3".into())],
        }
    );
    assert_eq!(
        servers[0].transport,
        McpTransport::Http {
            url: "http://127.0.0.1:3001/mcp".into(),
            headers: vec![("Authorization".into(), "Bearer ${TOKEN}".into())],
            oauth: None,
        }
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("`h`: ${TOKEN} not set")));
    assert!(warnings.iter().any(|w| w.contains("`s`: ${KEY} not set")));
}

#[test]
fn the_command_line_adds_servers_and_strict_keeps_only_those() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".mcp.json"),
        r#"{"mcpServers": {"project": {"command": "p"}}}"#,
    )
    .unwrap();
    let file = dir.path().join("extra.json");
    std::fs::write(&file, r#"{"mcpServers": {"fromfile": {"command": "f"}}}"#).unwrap();
    let cli = vec![
        r#"{"mcpServers": {"inline": {"type": "sse", "url": "http://127.0.0.1:1/sse"}}}"#
            .to_string(),
        file.display().to_string(),
    ];
    let mut src = sources(dir.path(), &[], &cli);
    let names = |s: &McpSources| {
        declared_servers(s, &no_env)
            .0
            .into_iter()
            .map(|s| s.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&src), ["fromfile", "inline", "project"]);
    src.strict = true;
    assert_eq!(names(&src), ["fromfile", "inline"]);
    let bad = vec!["{nope".to_string(), "/no/such/file.json".to_string()];
    let (_, warnings) = declared_servers(&sources(dir.path(), &[], &bad), &no_env);
    assert!(
        warnings[0].starts_with("--mcp-config: not valid JSON"),
        "{warnings:?}"
    );
    assert!(
        warnings.len() == 1,
        "a missing file is silent like a missing .mcp.json: {warnings:?}"
    );
}

#[test]
fn claude_code_own_file_gives_user_and_local_servers() {
    let dir = tempfile::tempdir().unwrap();
    let claude_json = dir.path().join(".claude.json");
    let root = dir.path().join("proj");
    std::fs::write(
        &claude_json,
        json!({"mcpServers": {"g": {"command": "global"}},
               "projects": {root.display().to_string(): {"mcpServers": {"l": {"command": "here"}}},
                            "/elsewhere": {"mcpServers": {"x": {"command": "no"}}}}})
        .to_string(),
    )
    .unwrap();
    let mut src = sources(&root, &[], &[]);
    src.claude_json = Some(claude_json);
    let (servers, _) = declared_servers(&src, &no_env);
    let got: Vec<_> = servers.iter().map(|s| (s.name.as_str(), s.scope)).collect();
    assert_eq!(got, [("g", McpScope::User), ("l", McpScope::Local)]);
}

#[test]
fn project_servers_wait_for_approval_by_claude_code_keys() {
    let server = |scope| McpServerConfig {
        name: "db".into(),
        transport: McpTransport::Stdio {
            command: "x".into(),
            args: vec![],
            env: vec![],
        },
        source: PathBuf::from(".mcp.json"),
        scope,
    };
    let project = server(McpScope::Project);
    assert_eq!(approval(&project, &json!({})), Approval::Pending);
    assert_eq!(
        approval(&server(McpScope::User), &json!({})),
        Approval::Approved
    );
    assert_eq!(
        approval(&project, &json!({"enabledMcpjsonServers": ["db"]})),
        Approval::Approved
    );
    assert_eq!(
        approval(&project, &json!({"enableAllProjectMcpServers": true})),
        Approval::Approved
    );
    assert_eq!(
        approval(
            &project,
            &json!({"enableAllProjectMcpServers": true, "disabledMcpjsonServers": ["db"]})
        ),
        Approval::Denied
    );
    // A server of the user's own, disabled from /mcp, stays off too.
    assert_eq!(
        approval(
            &server(McpScope::User),
            &json!({"disabledMcpjsonServers": ["db"]})
        ),
        Approval::Denied
    );
}

#[test]
fn an_sdk_server_on_the_command_line_is_served_by_the_client() {
    let dir = tempfile::tempdir().unwrap();
    // As the Python Agent SDK passes it: the instance stays in the client.
    let cli = vec![r#"{"mcpServers": {"calc": {"type": "sdk", "name": "calc"}}}"#.to_string()];
    let (servers, warnings) = declared_servers(&sources(dir.path(), &[], &cli), &no_env);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(servers[0].name, "calc");
    assert_eq!(servers[0].transport, McpTransport::Sdk);
    assert_eq!(servers[0].transport.kind(), "sdk");
}

#[test]
fn only_a_client_with_its_own_credentials_signs_in_without_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let cli = vec![
        r#"{"mcpServers": {
            "machine": {"type": "http", "url": "http://127.0.0.1:1/mcp", "oauth": {"clientId": "c", "clientSecret": "s", "grantType": "client_credentials"}},
            "person": {"type": "http", "url": "http://127.0.0.1:1/mcp", "oauth": {"clientId": "c"}},
            "open": {"type": "http", "url": "http://127.0.0.1:1/mcp"},
            "local": {"command": "p"}
        }}"#
        .to_string(),
    ];
    let (servers, warnings) = declared_servers(&sources(dir.path(), &[], &cli), &no_env);
    assert!(warnings.is_empty(), "{warnings:?}");
    let without: Vec<(&str, bool)> = servers
        .iter()
        .map(|s| (s.name.as_str(), s.signs_in_without_browser()))
        .collect();
    assert_eq!(
        without,
        [
            ("local", false),
            ("machine", true),
            ("open", false),
            ("person", false)
        ]
    );
}
