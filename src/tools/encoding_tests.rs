//! Edit, MultiEdit and Write on files in every encoding claw recognises: each keeps every byte
//! it wasn't asked to change (the whole file is compared), or refuses and writes nothing.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::tools::edit::Edit;
use crate::tools::multi_edit::MultiEdit;
use crate::tools::read::Read;
use crate::tools::write::Write;
use crate::tools::{Tool, ToolContext, ToolError, ToolOutput};

/// How a fixture's text becomes bytes, written out independently of the code under test.
#[derive(Clone, Copy, Debug)]
enum Form {
    Windows1252,
    Utf16Le,
    Utf16Be,
    Utf8Bom,
    /// UTF-8 with the bytes 0xFF and 0xC0 standing where the text has ⟨FF⟩ and ⟨C0⟩.
    Utf8WithInvalid,
}

impl Form {
    fn bytes(self, text: &str) -> Vec<u8> {
        match self {
            Form::Windows1252 => text
                .chars()
                .map(|c| match c {
                    'é' => 0xE9,
                    'è' => 0xE8,
                    'à' => 0xE0,
                    'ç' => 0xE7,
                    '€' => 0x80,
                    c if c.is_ascii() => c as u8,
                    c => panic!("no {c} in this fixture"),
                })
                .collect(),
            Form::Utf16Le => [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
            Form::Utf16Be => [0xFE, 0xFF]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
                .collect(),
            Form::Utf8Bom => [0xEF, 0xBB, 0xBF].into_iter().chain(text.bytes()).collect(),
            Form::Utf8WithInvalid => {
                let mut out = Vec::new();
                for part in text.split_inclusive(['⟨', '⟩']) {
                    match part.strip_suffix('⟩') {
                        Some("FF") => out.push(0xFF),
                        Some("C0") => out.push(0xC0),
                        Some(other) => panic!("unknown byte {other}"),
                        None => out.extend(part.trim_end_matches('⟨').bytes()),
                    }
                }
                out
            }
        }
    }

    /// The text as the model sees it (invalid bytes as U+FFFD).
    fn shown(self, text: &str) -> String {
        text.replace("⟨FF⟩", "\u{FFFD}").replace("⟨C0⟩", "\u{FFFD}")
    }
}

const FORMS: [Form; 5] = [
    Form::Windows1252,
    Form::Utf16Le,
    Form::Utf16Be,
    Form::Utf8Bom,
    Form::Utf8WithInvalid,
];

fn original(form: Form) -> &'static str {
    match form {
        Form::Utf8WithInvalid => {
            "// naïve café — ⟨FF⟩ keep\nlet total = 1; // ⟨C0⟩\nlet other = 2;\n// fin ⟨FF⟩ à la ligne\n"
        }
        _ => "// café crème, façade\nlet total = 1;\nlet other = 2;\n// fin à la ligne\n",
    }
}

async fn run(tool: &dyn Tool, ctx: &ToolContext, input: Value) -> Result<ToolOutput, ToolError> {
    tool.run(input, ctx, Arc::new(|_| {})).await
}

/// A directory holding `f.txt` in `form`, already Read (and shown decoded).
async fn setup(form: Form, text: &str) -> (tempfile::TempDir, ToolContext, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.txt");
    std::fs::write(&file, form.bytes(text)).unwrap();
    let ctx = ToolContext::new(dir.path().to_path_buf());
    let read = run(&Read, &ctx, json!({"file_path": "f.txt"}))
        .await
        .unwrap();
    assert!(
        read.content
            .contains(&form.shown(text.lines().nth(1).unwrap_or_default())),
        "{form:?}: {}",
        read.content
    );
    (dir, ctx, file)
}

#[tokio::test]
async fn edit_changes_only_what_it_replaces() {
    for form in FORMS {
        let text = original(form);
        let (_dir, ctx, file) = setup(form, text).await;
        run(
            &Edit,
            &ctx,
            json!({"file_path": "f.txt", "old_string": "total = 1;", "new_string": "total = 10; // déjà"}),
        )
        .await
        .unwrap_or_else(|e| panic!("{form:?}: {e}"));
        let expected = form.bytes(&text.replace("total = 1;", "total = 10; // déjà"));
        assert_eq!(std::fs::read(&file).unwrap(), expected, "{form:?}");
    }
}

#[tokio::test]
async fn multi_edit_changes_only_what_it_replaces() {
    for form in FORMS {
        let text = original(form);
        let (_dir, ctx, file) = setup(form, text).await;
        run(
            &MultiEdit,
            &ctx,
            json!({"file_path": "f.txt", "edits": [
                {"old_string": "let total", "new_string": "let sum"},
                {"old_string": "other = 2", "new_string": "other = sum + 2 // voilà"}
            ]}),
        )
        .await
        .unwrap_or_else(|e| panic!("{form:?}: {e}"));
        let expected = form.bytes(
            &text
                .replace("let total", "let sum")
                .replace("other = 2", "other = sum + 2 // voilà"),
        );
        assert_eq!(std::fs::read(&file).unwrap(), expected, "{form:?}");
    }
}

#[tokio::test]
async fn write_keeps_the_encoding_and_the_bytes_of_unchanged_text() {
    for form in FORMS {
        let text = original(form);
        let (_dir, ctx, file) = setup(form, text).await;
        // The model sends the whole file as it read it (U+FFFD for invalid bytes), changed.
        let changed = text.replace("let other = 2;\n", "let other = 3;\nlet more = 4;\n");
        run(
            &Write,
            &ctx,
            json!({"file_path": "f.txt", "content": form.shown(&changed)}),
        )
        .await
        .unwrap_or_else(|e| panic!("{form:?}: {e}"));
        assert_eq!(
            std::fs::read(&file).unwrap(),
            form.bytes(&changed),
            "{form:?}"
        );
    }
}

#[tokio::test]
async fn an_edit_through_an_invalid_byte_keeps_it() {
    // The model's old_string holds the U+FFFD it was shown; the byte behind it stays.
    let form = Form::Utf8WithInvalid;
    let text = original(form);
    let (_dir, ctx, file) = setup(form, text).await;
    run(
        &Edit,
        &ctx,
        json!({"file_path": "f.txt", "old_string": "1; // \u{FFFD}", "new_string": "5; // \u{FFFD} (was 1)"}),
    )
    .await
    .unwrap();
    let expected = form.bytes(&text.replace("1; // ⟨C0⟩", "5; // ⟨C0⟩ (was 1)"));
    assert_eq!(std::fs::read(&file).unwrap(), expected);
}

#[tokio::test]
async fn a_character_the_encoding_lacks_is_refused_and_nothing_is_written() {
    let form = Form::Windows1252;
    let text = original(form);
    let (_dir, ctx, file) = setup(form, text).await;
    for (tool, input) in [
        (
            &Edit as &dyn Tool,
            json!({"file_path": "f.txt", "old_string": "crème", "new_string": "crème 😀"}),
        ),
        (
            &Write as &dyn Tool,
            json!({"file_path": "f.txt", "content": "Ω\n"}),
        ),
    ] {
        let err = tool.preview(&input, &ctx).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, ToolError::Encoding { .. }), "{message}");
        assert!(message.contains("windows-1252"), "{message}");
        assert!(message.contains("😀") || message.contains("Ω"), "{message}");
        assert!(message.starts_with("f.txt: "), "{message}");
        run(tool, &ctx, input).await.unwrap_err();
    }
    // "€" does exist in windows-1252, as 0x80.
    run(
        &Edit,
        &ctx,
        json!({"file_path": "f.txt", "old_string": "crème", "new_string": "crème à 5€"}),
    )
    .await
    .unwrap();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        form.bytes(&text.replace("crème", "crème à 5€"))
    );
}

#[tokio::test]
async fn crlf_and_a_legacy_encoding_together() {
    let form = Form::Windows1252;
    let text = "caf\u{e9}\r\nlet x = 1;\r\nfin \u{e0} la ligne\r\n";
    let (_dir, ctx, file) = setup(form, text).await;
    run(
        &Edit,
        &ctx,
        json!({"file_path": "f.txt", "old_string": "café\nlet x = 1;", "new_string": "café\nlet x = 2; // è"}),
    )
    .await
    .unwrap();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        form.bytes("café\r\nlet x = 2; // è\r\nfin à la ligne\r\n")
    );
}

#[tokio::test]
async fn a_new_file_is_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = ToolContext::new(dir.path().to_path_buf());
    run(
        &Write,
        &ctx,
        json!({"file_path": "new.txt", "content": "créé 😀\n"}),
    )
    .await
    .unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("new.txt")).unwrap(),
        "créé 😀\n".as_bytes()
    );
}
