//! The layer table of DESIGN.md, checked: every `crate::…` path in `src/` (in `use` lines and
//! inline in code alike; comments and string literals don't count) must point where its module
//! may look. Test code (`#[cfg(test)]` items and the files they declare) is exempt: the rules are
//! about what the product depends on.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// What a module may import from the rest of claw.
enum May {
    /// Any claw module except these.
    AnythingBut(&'static [&'static str]),
    /// These claw modules only.
    Only(&'static [&'static str]),
}

/// The design in one table: `(module, what it may import)`. A module not listed here is free.
const LAYERS: &[(&str, May)] = &[
    // The wire between the halves: plain data of its own.
    ("protocol", May::Only(&[])),
    // The pure reducer knows the protocol and pure helpers; it never draws, never runs the
    // terminal, and never reaches into the agent side.
    (
        "app",
        May::AnythingBut(&[
            "ui",
            "tui",
            "agent",
            "provider",
            "tools",
            "permissions",
            "config",
            "hooks",
            "sandbox",
        ]),
    ),
    // The views read the Model and the protocol; the agent side is none of their business, and
    // the terminal runtime sits above them.
    (
        "ui",
        May::AnythingBut(&[
            "tui",
            "agent",
            "provider",
            "tools",
            "permissions",
            "config",
            "hooks",
            "sandbox",
        ]),
    ),
    // The agent talks to the UI only through `Op` / `AgentEvent`.
    ("agent", May::AnythingBut(&["app", "ui", "tui"])),
    // A provider maps claw's conversation to its wire form and back; nothing else.
    ("provider", May::Only(&["protocol"])),
];

/// Known violations, `(file, imported path)`, each tolerated wherever it occurs in that file.
/// Fixing one makes the test fail until its entry is deleted here: this list only shrinks, and
/// it is empty now — every layer keeps to the table.
#[rustfmt::skip] // one entry a line, as a table
const TOLERATED: &[(&str, &str)] = &[];

/// One `crate::…` path found in a file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Import {
    file: String,
    line: usize,
    path: String,
}

struct Violation<'a> {
    import: &'a Import,
    from: String,
    to: String,
}

impl fmt::Display for Violation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} -> {} ({})",
            self.import.file, self.import.line, self.from, self.to, self.import.path
        )
    }
}

#[test]
fn modules_import_only_in_the_allowed_directions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let imports = product_imports(root);
    assert!(
        imports.iter().any(|i| i.file.starts_with("src/app/")),
        "the scan found no imports in src/app: is it reading the right tree?"
    );
    let violations = violations(&imports);

    let mut new = Vec::new();
    let mut seen_tolerated = BTreeSet::new();
    for v in &violations {
        let entry = (v.import.file.as_str(), v.import.path.as_str());
        if TOLERATED.contains(&entry) {
            seen_tolerated.insert(entry);
        } else {
            new.push(v.to_string());
        }
    }
    let fixed: Vec<String> = TOLERATED
        .iter()
        .filter(|entry| !seen_tolerated.contains(*entry))
        .map(|(file, path)| format!("{file}: {path}"))
        .collect();

    let mut report = String::new();
    if !new.is_empty() {
        report += &format!(
            "imports against the layer table (see LAYERS in tests/architecture.rs):\n  {}\n",
            new.join("\n  ")
        );
    }
    if !fixed.is_empty() {
        report += &format!(
            "tolerated violations that no longer occur (delete them from TOLERATED):\n  {}\n",
            fixed.join("\n  ")
        );
    }
    assert!(report.is_empty(), "{report}");
}

#[test]
fn the_scanner_finds_grouped_inline_and_nested_paths_but_not_comments_or_strings() {
    let source = r##"
use crate::ui::{theme::Theme, diff_view::{self, DiffLayout}};
// use crate::agent::Nope;
/* crate::tools::Nope /* nested */ crate::tools::Nope */
fn f<'a>(x: &'a str) -> char {
    let _ = "crate::provider::Nope";
    let _ = r#"crate::provider::Nope"#;
    let _ = crate::config::load(x);
    'c'
}
#[cfg(test)]
mod tests {
    use crate::agent::Fine;
}
"##;
    let (paths, test_mods) = scan(source);
    assert_eq!(
        paths,
        vec![
            (2, "crate::ui::theme::Theme".to_string()),
            (2, "crate::ui::diff_view".to_string()),
            (2, "crate::ui::diff_view::DiffLayout".to_string()),
            (8, "crate::config::load".to_string()),
        ]
    );
    assert!(test_mods.is_empty());
    let (_, test_mods) = scan("#[cfg(test)]\nmod tests;\n#[cfg(test)]\n#[allow(x)]\nmod more;\n");
    assert_eq!(test_mods, vec!["tests".to_string(), "more".to_string()]);
}

#[test]
fn a_bad_import_is_reported_with_its_file_line_and_direction() {
    let imports = vec![
        Import {
            file: "src/provider/x.rs".into(),
            line: 3,
            path: "crate::app::Model".into(),
        },
        Import {
            file: "src/provider/x.rs".into(),
            line: 4,
            path: "crate::protocol::Op".into(),
        },
        Import {
            file: "src/app/y.rs".into(),
            line: 7,
            path: "crate::app::msg::Msg".into(),
        },
    ];
    let found: Vec<String> = violations(&imports).iter().map(|v| v.to_string()).collect();
    assert_eq!(
        found,
        vec!["src/provider/x.rs:3: provider -> app (crate::app::Model)"]
    );
}

/// The claw module a path under `src/` belongs to (`src/app/model.rs` → `app`), or `None` for
/// the crate root (`lib.rs`, `main.rs`).
fn module_of(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("src/")?;
    match rest.split_once('/') {
        Some((dir, _)) => Some(dir),
        None => match rest.strip_suffix(".rs")? {
            "lib" | "main" => None,
            module => Some(module),
        },
    }
}

fn violations(imports: &[Import]) -> Vec<Violation<'_>> {
    let mut found = Vec::new();
    for import in imports {
        let Some(from) = module_of(&import.file) else {
            continue;
        };
        let Some(to) = import
            .path
            .strip_prefix("crate::")
            .and_then(|p| p.split("::").next())
        else {
            continue;
        };
        if to == from || to == "self" {
            continue;
        }
        let Some((_, may)) = LAYERS.iter().find(|(m, _)| *m == from) else {
            continue;
        };
        let allowed = match may {
            May::AnythingBut(never) => !never.contains(&to),
            May::Only(only) => only.contains(&to),
        };
        if !allowed {
            found.push(Violation {
                import,
                from: from.to_string(),
                to: to.to_string(),
            });
        }
    }
    found
}

/// Every `crate::…` path in the product's files under `src/`, in file order.
fn product_imports(root: &Path) -> Vec<Import> {
    let mut files = Vec::new();
    collect_rs_files(&root.join("src"), &mut files);
    files.sort();

    // Files that a `#[cfg(test)] mod x;` declares hold test code only.
    let mut test_files = BTreeSet::new();
    let mut scanned = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("read a source file");
        let (paths, test_mods) = scan(&source);
        let dir = children_dir(file);
        for m in test_mods {
            test_files.insert(dir.join(format!("{m}.rs")));
            test_files.insert(dir.join(&m).join("mod.rs"));
        }
        scanned.push((file.clone(), paths));
    }

    let mut imports = Vec::new();
    for (file, paths) in scanned {
        if test_files
            .iter()
            .any(|t| file.starts_with(t) || under_test_dir(&file, t))
        {
            continue;
        }
        let relative = file
            .strip_prefix(root)
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        for (line, path) in paths {
            imports.push(Import {
                file: relative.clone(),
                line,
                path,
            });
        }
    }
    imports
}

/// Whether `file` sits in the folder of the test module `mod_file` (`x/mod.rs` or `x.rs` with
/// its children in `x/`).
fn under_test_dir(file: &Path, mod_file: &Path) -> bool {
    let folder = if mod_file.file_name().is_some_and(|n| n == "mod.rs") {
        mod_file.parent().map(Path::to_path_buf)
    } else {
        Some(mod_file.with_extension(""))
    };
    folder.is_some_and(|f| file.starts_with(f))
}

/// Where the files of the modules a file declares live: next to `lib.rs`/`main.rs`/`mod.rs`,
/// in `x/` for `x.rs`.
fn children_dir(file: &Path) -> PathBuf {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parent = file.parent().expect("a file has a folder");
    match name {
        "lib.rs" | "main.rs" | "mod.rs" => parent.to_path_buf(),
        _ => file.with_extension(""),
    }
}

fn collect_rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::…` paths of one file's code as `(line, path)`, grouped imports expanded
/// (`crate::ui::{a, b::C}` → `crate::ui::a`, `crate::ui::b::C`), with `#[cfg(test)]` items left
/// out; and the names of the modules it declares under `#[cfg(test)]`.
fn scan(source: &str) -> (Vec<(usize, String)>, Vec<String>) {
    let code = without_comments_and_strings(source);
    let (code, test_mods) = without_test_items(&code);
    let chars: Vec<char> = code.chars().collect();
    let mut paths = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if starts_word(&chars, i, "crate") {
            let mut j = skip_space(&chars, i + "crate".len());
            if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
                j += 2;
                let line = 1 + chars[..i].iter().filter(|c| **c == '\n').count();
                let mut expanded = Vec::new();
                let end = path_tail(&chars, j, "crate".to_string(), &mut expanded);
                paths.extend(expanded.into_iter().map(|p| (line, p)));
                i = end;
                continue;
            }
        }
        i += 1;
    }
    (paths, test_mods)
}

/// Reads the rest of a path after `prefix::` at `i`: segments, then maybe a `{…}` group.
/// Pushes each full path and returns the index after it.
fn path_tail(chars: &[char], mut i: usize, mut prefix: String, out: &mut Vec<String>) -> usize {
    loop {
        i = skip_space(chars, i);
        if chars.get(i) == Some(&'{') {
            i += 1;
            loop {
                i = skip_space(chars, i);
                match chars.get(i) {
                    Some('}') => return i + 1,
                    Some(',') => i += 1,
                    None => return i,
                    Some(_) => {
                        let before = i;
                        i = path_tail(chars, i, prefix.clone(), out);
                        // Skip `as alias` and anything else up to the next item.
                        while let Some(c) = chars.get(i) {
                            if *c == ',' || *c == '}' {
                                break;
                            }
                            i += 1;
                        }
                        if i == before {
                            i += 1;
                        }
                    }
                }
            }
        }
        let start = i;
        while chars
            .get(i)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '*')
        {
            i += 1;
        }
        if i == start {
            out.push(prefix);
            return i;
        }
        let segment: String = chars[start..i].iter().collect();
        if segment != "self" {
            prefix = format!("{prefix}::{segment}");
        }
        let after = skip_space(chars, i);
        if chars.get(after) == Some(&':') && chars.get(after + 1) == Some(&':') {
            i = after + 2;
        } else {
            out.push(prefix);
            return i;
        }
    }
}

fn starts_word(chars: &[char], i: usize, word: &str) -> bool {
    let is_ident = |c: &char| c.is_alphanumeric() || *c == '_';
    if i > 0 && is_ident(&chars[i - 1]) {
        return false;
    }
    let w: Vec<char> = word.chars().collect();
    chars.get(i..i + w.len()) == Some(&w[..]) && !chars.get(i + w.len()).is_some_and(is_ident)
}

fn skip_space(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

/// The source with comments, string and char literals blanked (newlines kept, so line numbers
/// stay right).
fn without_comments_and_strings(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&chars, i) {
            // r"…", r#"…"#, br#"…"#: ends at a quote followed by as many hashes.
            let open = chars[i..].iter().position(|c| *c == '"').unwrap_or(0) + 1;
            for _ in 0..open {
                out.push(' ');
            }
            i += open;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    for _ in 0..=hashes {
                        out.push(' ');
                    }
                    i += hashes + 1;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() {
                match chars[i] {
                    '\\' => {
                        out.push(' ');
                        if let Some(escaped) = chars.get(i + 1) {
                            out.push(blank(*escaped));
                        }
                        i += 2;
                    }
                    '"' => {
                        out.push(' ');
                        i += 1;
                        break;
                    }
                    other => {
                        out.push(blank(other));
                        i += 1;
                    }
                }
            }
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1F600}') or a lifetime ('a): only the former ends
            // with a quote.
            let end = if next == Some('\\') {
                chars[i + 2..]
                    .iter()
                    .position(|c| *c == '\'')
                    .map(|p| i + 2 + p)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(end) => {
                    for _ in i..=end {
                        out.push(' ');
                    }
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// At `i`, a raw (byte) string literal's opening: the number of its hashes.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some(hashes)
}

/// Blanks every item that follows `#[cfg(test)]` (to its `;` or its matching `}`), and returns
/// the names of the out-of-line modules so declared (`#[cfg(test)] mod tests;`).
fn without_test_items(code: &str) -> (String, Vec<String>) {
    const MARK: &str = "#[cfg(test)]";
    let mut chars: Vec<char> = code.chars().collect();
    let mark: Vec<char> = MARK.chars().collect();
    let mut test_mods = Vec::new();
    let mut i = 0;
    while i + mark.len() <= chars.len() {
        if chars[i..i + mark.len()] != mark[..] {
            i += 1;
            continue;
        }
        let mut j = i + mark.len();
        // Further attributes on the same item.
        loop {
            j = skip_space(&chars, j);
            if chars.get(j) == Some(&'#') {
                while j < chars.len() && chars[j] != ']' {
                    j += 1;
                }
                j += 1;
            } else {
                break;
            }
        }
        let item_start = j;
        let mut depth = 0usize;
        let mut end = chars.len();
        while j < chars.len() {
            match chars[j] {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let item: String = chars[item_start..end].iter().collect();
        let words: Vec<&str> = item
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|w| !w.is_empty())
            .collect();
        if item.trim_end().ends_with(';') {
            if let Some(pos) = words.iter().position(|w| *w == "mod") {
                if let Some(name) = words.get(pos + 1) {
                    test_mods.push(name.to_string());
                }
            }
        }
        for c in &mut chars[i..end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = end;
    }
    (chars.into_iter().collect(), test_mods)
}
