//! Read against real files: text, images, notebooks, limits, large files, encodings.

use super::*;
use std::sync::Arc;

fn ctx(dir: &std::path::Path) -> ToolContext {
    ToolContext::new(dir.to_path_buf())
}

async fn read(ctx: &ToolContext, input: Value) -> Result<ToolOutput, ToolError> {
    Read.run(input, ctx, Arc::new(|_| {})).await
}

#[tokio::test]
async fn numbers_lines_and_records_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "one\r\ntwo\nthree\n").unwrap();
    let c = ctx(dir.path());
    let out = read(&c, json!({"file_path": "a.txt"})).await.unwrap();
    assert_eq!(out.content, "1\tone\n2\ttwo\n3\tthree\n");
    assert_eq!(out.summary, "3 lines");
    assert!(
        c.files
            .lock()
            .unwrap()
            .check_fresh(&dir.path().join("a.txt"), "a.txt")
            .is_ok()
    );
}

#[tokio::test]
async fn legacy_and_utf16_text_is_shown_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(dir.path());
    std::fs::write(
        dir.path().join("latin.txt"),
        b"caf\xE9 cr\xE8me\r\nd\xE9j\xE0\n",
    )
    .unwrap();
    let out = read(&c, json!({"file_path": "latin.txt"})).await.unwrap();
    assert_eq!(out.content, "1\tcafé crème\n2\tdéjà\n");
    // UTF-16 holds NUL bytes, but its byte order mark says it is text.
    std::fs::write(dir.path().join("wide.txt"), b"\xFF\xFEh\0\xE9\0\n\0").unwrap();
    let out = read(&c, json!({"file_path": "wide.txt"})).await.unwrap();
    assert_eq!(out.content, "1\thé\n");
}

#[tokio::test]
async fn offset_and_limit_with_a_note_to_read_on() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = (1..=10).map(|i| format!("line {i}\n")).collect();
    std::fs::write(dir.path().join("a.txt"), text).unwrap();
    let out = read(
        &ctx(dir.path()),
        json!({"file_path": "a.txt", "offset": 4, "limit": "2"}),
    )
    .await
    .unwrap();
    assert!(
        out.content.starts_with("4\tline 4\n5\tline 5\n"),
        "{}",
        out.content
    );
    assert!(out.content.contains("read on with offset 6"));
    let past = read(
        &ctx(dir.path()),
        json!({"file_path": "a.txt", "offset": 50}),
    )
    .await
    .unwrap();
    assert!(past.content.contains("only 10 lines"));
}

#[tokio::test]
async fn long_lines_are_cut() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "x".repeat(5000)).unwrap();
    let out = read(&ctx(dir.path()), json!({"file_path": "a.txt"}))
        .await
        .unwrap();
    assert!(out.content.contains("[line cut]"));
    assert!(out.content.len() < 2100);
}

#[tokio::test]
async fn refusals_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let c = ctx(dir.path());
    std::fs::write(dir.path().join("bin.dat"), b"ab\0cd").unwrap();
    std::fs::write(dir.path().join("img.png"), b"not really").unwrap();
    std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    assert_eq!(
        read(&c, json!({"file_path": "bin.dat"})).await.unwrap_err(),
        ToolError::Binary {
            path: "bin.dat".into()
        }
    );
    let picture = read(&c, json!({"file_path": "img.png"})).await.unwrap();
    assert_eq!(picture.images[0].media_type, "image/png");
    assert_eq!(
        picture.images[0].data, "bm90IHJlYWxseQ==",
        "base64 of the bytes"
    );
    assert_eq!(
        read(&c, json!({"file_path": "nope.txt"}))
            .await
            .unwrap_err(),
        ToolError::NotFound("nope.txt".into())
    );
    assert!(
        read(&c, json!({"file_path": "sub"}))
            .await
            .unwrap_err()
            .to_string()
            .contains("Glob")
    );
    assert!(
        read(&c, json!({"file_path": "empty.txt"}))
            .await
            .unwrap()
            .content
            .contains("empty")
    );
    assert!(matches!(
        read(&c, json!({})).await,
        Err(ToolError::InvalidInput(_))
    ));
}

#[tokio::test]
async fn one_read_returns_at_most_256_kib() {
    let dir = tempfile::tempdir().unwrap();
    let line = "y".repeat(1999) + "\n";
    std::fs::write(dir.path().join("wide.txt"), line.repeat(2000)).unwrap();
    let out = read(&ctx(dir.path()), json!({"file_path": "wide.txt"}))
        .await
        .unwrap();
    // Each numbered line is 2,007 bytes: 130 fit in 256 KiB.
    assert!(out.content.len() <= MAX_OUTPUT_BYTES + 200);
    assert_eq!(out.summary, "130 lines");
    assert!(
        out.content.ends_with(
            "\n(lines 1-130 of 2000; one read returns at most 256 KiB; read on with offset 131)\n"
        ),
        "{}",
        &out.content[out.content.len() - 120..]
    );
}

#[tokio::test]
async fn a_20_mb_line_with_a_limit_returns_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("one.txt")).unwrap();
    let chunk = vec![b'z'; 1 << 20];
    let mut writer = std::io::BufWriter::new(file);
    for _ in 0..20 {
        std::io::Write::write_all(&mut writer, &chunk).unwrap();
    }
    drop(writer);
    let c = ctx(dir.path());
    let whole = read(&c, json!({"file_path": "one.txt"})).await.unwrap_err();
    assert!(whole.to_string().contains("20 MB"), "{whole}");
    let out = read(&c, json!({"file_path": "one.txt", "limit": 5}))
        .await
        .unwrap();
    assert_eq!(
        out.content,
        format!("1\t{}… [line cut]\n", "z".repeat(2000))
    );
    // Streamed, yet stamped as the whole file: an Edit may follow.
    assert!(
        c.files
            .lock()
            .unwrap()
            .check_fresh(&dir.path().join("one.txt"), "one.txt")
            .is_ok()
    );
    // Many lines of a large file: the window, and how to read on.
    let lines: String = (1..=1_000_000).map(|i| format!("line {i}\n")).collect();
    std::fs::write(dir.path().join("many.txt"), lines).unwrap();
    let part = read(
        &c,
        json!({"file_path": "many.txt", "offset": 999_999, "limit": 1}),
    )
    .await
    .unwrap();
    assert_eq!(
        part.content,
        "999999\tline 999999\n\n(lines 999999-999999 of 1000000; read on with offset 1000000)\n"
    );
}

#[test]
fn a_large_notebook_shows_whole_cells_up_to_the_limit() {
    let cell = |i: usize| {
        format!(
            "<cell id=\"c{i}\" type=\"code\">\n{}\n</cell>\n",
            "é".repeat(10_000)
        )
    };
    let rendered: String = (0..100).map(cell).collect();
    let capped = cap_notebook(rendered.clone(), 100);
    assert!(capped.len() <= MAX_OUTPUT_BYTES + 200);
    // Each cell is about 20 KB: 13 whole cells fit.
    assert!(capped.starts_with(&(0..13).map(cell).collect::<String>()));
    assert!(capped.ends_with(
        "\n(cells 1-13 of 100 shown; one read returns at most 256 KiB: see the others with Bash, e.g. `jq '.cells[13:]'`)\n"
    ));
    let small = cap_notebook(cell(1), 1);
    assert_eq!(small, cell(1));
}

#[tokio::test]
async fn the_line_number_prefix_is_short() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = (1..=2000).map(|i| format!("let x{i} = {i};\n")).collect();
    std::fs::write(dir.path().join("long.rs"), &text).unwrap();
    let out = read(&ctx(dir.path()), json!({"file_path": "long.rs"}))
        .await
        .unwrap();
    // Every line is its number, a tab and the line itself, nothing more.
    for (n, (shown, line)) in out.content.lines().zip(text.lines()).enumerate() {
        assert_eq!(shown, format!("{}\t{line}", n + 1));
    }
    let prefix = out.content.len() - text.len();
    let padded = 2000 * "     1\t".len();
    assert_eq!(prefix, 9 * 2 + 90 * 3 + 900 * 4 + 1001 * 5);
    eprintln!(
        "Read's prefix on 2,000 lines: {prefix} bytes, against {padded} padded to 6 ({} saved)",
        padded - prefix
    );
}
