use super::*;
use crate::tools::Risk;
use serde_json::json;

fn locations(root: &Path, home: &Path) -> Locations {
    Locations {
        project_root: root.to_path_buf(),
        home: Some(home.to_path_buf()),
        user_config: Some(home.join(".config/claw")),
    }
}

fn write(path: PathBuf, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn layers_merge_lists_and_override_scalars() {
    let home = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    write(
        home.path().join(".claude/settings.json"),
        r#"{"model": "haiku", "permissions": {"allow": ["Bash(ls:*)"]}}"#,
    );
    write(
        root.path().join(".claude/settings.json"),
        r#"{"model": "sonnet", "permissions": {"allow": ["Bash(make:*)"], "deny": ["Read(.env)"]}}"#,
    );
    write(
        root.path().join(".claw/settings.local.json"),
        r#"{"model": "opus", "permissions": {"allow": ["Bash(ls:*)"], "defaultMode": "acceptEdits"}}"#,
    );
    let mut s = Settings::load(&locations(root.path(), home.path()));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert_eq!(s.files.len(), 3);
    assert_eq!(s.string("model").as_deref(), Some("opus"));
    assert_eq!(
        s.merged.pointer("/permissions/allow"),
        Some(&json!(["Bash(ls:*)", "Bash(make:*)"]))
    );
    assert_eq!(s.default_mode(), Some(PermissionMode::AcceptEdits));
    let mut p = Permissions::new(
        PermissionMode::Default,
        root.path(),
        Some(home.path().to_path_buf()),
    );
    s.apply_rules(&mut p, root.path());
    assert_eq!(
        p.decide("Bash", &json!({"command": "make all"}), Risk::Mutating),
        crate::permissions::Verdict::Allow
    );
    assert!(matches!(
        p.decide("Read", &json!({"file_path": ".env"}), Risk::ReadOnly),
        crate::permissions::Verdict::Deny(_)
    ));
}

#[test]
fn malformed_files_are_reported_with_position_and_the_rest_load() {
    let home = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    write(
        root.path().join(".claw/settings.json"),
        "{\n  \"model\": \"sonnet\",\n  oops\n}",
    );
    write(
        root.path().join(".claude/settings.local.json"),
        r#"{"model": "haiku", "colour": "red", "permissions": {"alow": []}}"#,
    );
    write(root.path().join(".claude/settings.json"), "[1, 2]");
    std::fs::create_dir_all(home.path().join(".claude")).unwrap();
    std::fs::write(
        home.path().join(".claude/settings.json"),
        b"{\"model\": \"caf\xE9\"}",
    )
    .unwrap();
    let s = Settings::load(&locations(root.path(), home.path()));
    assert_eq!(s.files.len(), 1);
    assert_eq!(s.string("model").as_deref(), Some("haiku"));
    let broken: Vec<String> = s.broken.iter().map(ToString::to_string).collect();
    assert_eq!(broken.len(), 3, "{broken:?}");
    assert!(
        broken[0]
            .ends_with(".claude/settings.json:1:15: not valid JSON: invalid unicode code point"),
        "{broken:?}"
    );
    assert!(
        broken[1].ends_with(".claude/settings.json:1:1: settings must be a JSON object"),
        "{broken:?}"
    );
    assert!(
        broken[2].ends_with(".claw/settings.json:3:3: not valid JSON: key must be a string"),
        "{broken:?}"
    );
    assert_eq!((s.broken[2].line, s.broken[2].column), (3, 3), "{broken:?}");
    let all = s.warnings.join("\n");
    assert!(
        !all.contains("settings.json"),
        "broken files aren't warnings: {all}"
    );
    assert!(all.contains("unknown setting `colour`"), "{all}");
    assert!(all.contains("unknown setting `permissions.alow`"), "{all}");
    // `claw config` lists them.
    let described = s.describe();
    assert!(
        described.contains(
            ".claw/settings.json:3:3: not valid JSON: key must be a string (the file was left out)"
        ),
        "{described}"
    );
}

#[test]
fn a_file_found_twice_is_read_once_and_an_empty_file_is_no_problem() {
    let dir = tempfile::tempdir().unwrap();
    // The project at the home directory: ~/.claude/settings.json is also the project's.
    write(dir.path().join(".claude/settings.json"), "{oops}");
    write(dir.path().join(".claw/settings.json"), "  \n");
    let s = Settings::load(&locations(dir.path(), dir.path()));
    assert_eq!(s.broken.len(), 1, "{:?}", s.broken);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert!(s.files.is_empty());
}

#[test]
fn bad_rules_and_modes_are_warnings() {
    let mut s = Settings::default();
    s.add_text(
        PathBuf::from("/p/s.json"),
        Layer::Project,
        PathBuf::from("/p"),
        r#"{"permissions": {"allow": ["Bash(oops", 3], "deny": "Bash", "defaultMode": "yolo"}}"#,
    );
    let mut p = Permissions::new(PermissionMode::Default, Path::new("/p"), None);
    s.apply_rules(&mut p, Path::new("/p"));
    assert_eq!(s.default_mode(), None);
    let all = s.warnings.join("\n");
    assert!(all.contains("cannot read the rule \"Bash(oops\""), "{all}");
    assert!(all.contains("cannot read the rule 3"), "{all}");
    assert!(all.contains("permissions.deny must be a list"), "{all}");
    assert!(all.contains("`yolo` is not one of"), "{all}");
}

#[test]
fn describe_names_the_file_of_each_value() {
    let mut s = Settings::default();
    s.add_text(
        PathBuf::from("/u/settings.json"),
        Layer::User,
        PathBuf::from("/u"),
        r#"{"model": "haiku", "permissions": {"allow": ["A"]}}"#,
    );
    s.add_text(
        PathBuf::from("/p/.claw/settings.json"),
        Layer::Project,
        PathBuf::from("/p"),
        r#"{"model": "opus", "permissions": {"allow": ["A", "B"]}}"#,
    );
    let text = s.describe();
    assert!(
        text.contains("model = \"opus\"    (/p/.claw/settings.json)"),
        "{text}"
    );
    assert!(!text.contains("\"haiku\""), "{text}");
    assert!(
        text.contains("permissions.allow = \"A\"    (/u/settings.json)"),
        "{text}"
    );
    assert!(
        text.contains("permissions.allow = \"B\"    (/p/.claw/settings.json)"),
        "{text}"
    );
}

#[test]
fn saving_a_rule_keeps_the_file_and_sticks() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join(".claw/settings.local.json");
    save_allow_rule(&path, "Bash(cargo test:*)").unwrap();
    save_allow_rule(&path, "Bash(cargo test:*)").unwrap();
    save_allow_rule(&path, "Bash(ls:*)").unwrap();
    assert_eq!(
        remove_permission_rule(&path, "allow", "Bash(ls:*)"),
        Ok(true)
    );
    assert_eq!(
        remove_permission_rule(&path, "allow", "Bash(ls:*)"),
        Ok(false)
    );
    assert_eq!(
        remove_permission_rule(&path, "deny", "Bash(cargo test:*)"),
        Ok(false)
    );
    write(
        path.clone(),
        r#"{"model": "x", "permissions": {"allow": ["Edit"]}}"#,
    );
    save_allow_rule(&path, "Bash(make:*)").unwrap();
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        value,
        json!({"model": "x", "permissions": {"allow": ["Edit", "Bash(make:*)"]}})
    );
    write(path.clone(), "not json");
    assert!(
        save_allow_rule(&path, "Edit")
            .unwrap_err()
            .contains("not valid JSON")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "not json");
}

#[test]
fn the_starting_effort_comes_from_effort_level_then_always_thinking() {
    use crate::protocol::Effort;
    let effort_of = |text: &str| {
        let mut s = Settings::default();
        s.add_text(
            PathBuf::from("/u/s.json"),
            Layer::User,
            PathBuf::from("/u"),
            text,
        );
        (s.effort(), s.warnings.join("\n"))
    };
    assert_eq!(effort_of("{}").0, Effort::Off);
    assert_eq!(
        effort_of(r#"{"alwaysThinkingEnabled": true}"#).0,
        Effort::High
    );
    assert_eq!(
        effort_of(r#"{"alwaysThinkingEnabled": false}"#).0,
        Effort::Off
    );
    assert_eq!(
        effort_of(r#"{"alwaysThinkingEnabled": true, "effortLevel": "low"}"#).0,
        Effort::Low
    );
    // What Ctrl+S saved wins, "off" included.
    assert_eq!(
        effort_of(r#"{"alwaysThinkingEnabled": true, "effortLevel": "off"}"#).0,
        Effort::Off
    );
    let (effort, warnings) = effort_of(r#"{"alwaysThinkingEnabled": true, "effortLevel": "max"}"#);
    assert_eq!(effort, Effort::High);
    assert!(warnings.contains("effortLevel \"max\""), "{warnings}");
    assert!(!warnings.contains("unknown"), "{warnings}");
}
