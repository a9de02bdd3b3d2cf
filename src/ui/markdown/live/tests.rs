use super::*;
use crate::ui::markdown::render_markdown;

/// A markdown message made of random blocks: prose, headings, fences (closed or not), lists
/// (nested, ordered, tasks), tables, nested quotes, rules, HTML, and blank lines between.
fn generated_message(rng: &mut fastrand::Rng) -> String {
    let words = [
        "parser",
        "**bold** text",
        "*em*",
        "`code`",
        "[link](http://x.y)",
        "flag",
        "a_b",
        "word",
        "~~gone~~",
        "emoji 🦀",
        "<b>",
        "x | y",
    ];
    let sentence = |rng: &mut fastrand::Rng| {
        (0..rng.usize(1..12))
            .map(|_| words[rng.usize(..words.len())])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = String::new();
    for _ in 0..rng.usize(1..14) {
        let block = match rng.usize(..11) {
            0 => format!("{}\n{}\n", sentence(rng), sentence(rng)),
            1 => format!("{} {}\n", "#".repeat(rng.usize(1..4)), sentence(rng)),
            2 => format!("{}\n{}\n", sentence(rng), ["===", "---"][rng.usize(..2)]),
            3 => {
                let fence = ["```", "~~~"][rng.usize(..2)];
                let lang = ["rust", "python", "", "nosuchlang"][rng.usize(..4)];
                let body: String = (0..rng.usize(0..5))
                    .map(|i| format!("let x{i} = \"{}\";\n", sentence(rng)))
                    .collect();
                format!("{fence}{lang}\n{body}{fence}\n")
            }
            4 => {
                let mut list = String::new();
                let ordered = rng.bool();
                for i in 0..rng.usize(1..5) {
                    let marker = if ordered {
                        format!("{}.", i + 1)
                    } else {
                        "-".into()
                    };
                    let task = ["", "[ ] ", "[x] "][rng.usize(..3)];
                    list.push_str(&format!("{marker} {task}{}\n", sentence(rng)));
                    if rng.usize(..3) == 0 {
                        list.push_str(&format!("   - nested {}\n", sentence(rng)));
                    }
                    if rng.usize(..4) == 0 {
                        list.push('\n');
                    }
                }
                list
            }
            5 => {
                let mut table = String::from("| a | b |\n|:--|--:|\n");
                for _ in 0..rng.usize(0..4) {
                    table.push_str(&format!("| {} | {} |\n", sentence(rng), sentence(rng)));
                }
                table
            }
            6 => format!(
                "> {}\n> > {}\n>\n> {}\n",
                sentence(rng),
                sentence(rng),
                sentence(rng)
            ),
            7 => "---\n".into(),
            8 => "<div>\nhtml\n</div>\n".into(),
            9 => format!("    indented code {}\n", sentence(rng)),
            _ => format!("{}  \nafter a hard break\n", sentence(rng)),
        };
        out.push_str(&block);
        out.push_str(["\n", "\n\n", "", "\n"][rng.usize(..4)]);
    }
    if rng.usize(..3) == 0 {
        // Ends inside an open fence, as a message cut off mid-code does.
        out.push_str("```rust\nfn open() {\n");
    }
    out
}

fn text_of(lines: &[Line<'static>]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            format!(
                "{:?}|{}",
                l.style,
                l.spans
                    .iter()
                    .map(|s| format!("{:?}{}", s.style, s.content))
                    .collect::<String>()
            )
        })
        .collect()
}

/// What a check sees after each chunk: the renderer, the text of the frame before, how many
/// lines are unchanged and the last frame's lines.
struct Step<'a> {
    live: &'a LiveMarkdown,
    before: &'a str,
    unchanged: usize,
    previous: &'a [Line<'static>],
}

/// Streams `message` in random chunks of up to `chunk` bytes and checks that every frame draws
/// what `render_markdown` draws for the text so far, that the lines reported unchanged are,
/// and that the finished message draws the same; `check` sees each step.
fn stream_and_compare(
    seed: u64,
    rng: &mut fastrand::Rng,
    message: &str,
    width: u16,
    chunk: usize,
    mut check: impl FnMut(&Step<'_>),
) {
    let theme = Theme::dark();
    let mut live = LiveMarkdown::new(width);
    let mut at = 0;
    let mut previous: Vec<Line<'static>> = Vec::new();
    while at < message.len() {
        let before = at;
        let mut end = (at + rng.usize(1..chunk)).min(message.len());
        while !message.is_char_boundary(end) {
            end += 1;
        }
        at = end;
        let prefix = &message[..at];
        let shown = live.render(prefix, &theme);
        let (lines, unchanged) = (shown.lines.to_vec(), shown.unchanged);
        assert_eq!(
            text_of(&lines),
            text_of(&render_markdown(prefix, width, &theme)),
            "seed {seed}, width {width}, after {at} bytes of {message:?}"
        );
        assert_eq!(
            text_of(&lines[..unchanged]),
            text_of(&previous[..unchanged.min(previous.len())]),
            "seed {seed}: lines reported unchanged did change"
        );
        check(&Step {
            live: &live,
            before: &message[..before],
            unchanged,
            previous: &previous,
        });
        previous = lines;
    }
    assert_eq!(
        text_of(&live.into_lines()),
        text_of(&render_markdown(message, width, &theme)),
        "seed {seed}: the finished message"
    );
}

#[test]
fn streaming_in_random_chunks_renders_what_the_whole_text_renders() {
    for seed in 0..150 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let message = generated_message(&mut rng);
        let width = [20u16, 37, 80][rng.usize(..3)];
        stream_and_compare(seed, &mut rng, &message, width, 60, |_| {});
    }
}

#[test]
fn committed_blocks_are_not_rendered_again() {
    let theme = Theme::dark();
    let mut live = LiveMarkdown::new(60);
    let mut text = String::new();
    for i in 0..50 {
        text.push_str(&format!(
            "Paragraph {i}.\n\n```rust\nfn f{i}() {{}}\n```\n\n"
        ));
    }
    live.render(&text, &theme);
    text.push_str("more");
    let shown = live.render(&text, &theme);
    // Everything above the last paragraph was kept as it was.
    assert!(
        shown.unchanged + 6 >= shown.lines.len(),
        "{} of {}",
        shown.unchanged,
        shown.lines.len()
    );
    // Only the last code block and the new paragraph are still open.
    let open = "```rust\nfn f49() {}\n```\n\nmore";
    assert_eq!(live.committed_source, text.len() - open.len());
}

#[test]
fn a_reference_definition_renders_the_whole_message_again() {
    let theme = Theme::dark();
    let mut live = LiveMarkdown::new(60);
    let mut text = String::from("See [the docs][d].\n\nNext paragraph.\n\n");
    live.render(&text, &theme);
    text.push_str("[d]: http://example.com\n");
    let shown = live.render(&text, &theme);
    assert_eq!(
        text_of(shown.lines),
        text_of(&render_markdown(&text, 60, &theme))
    );
    assert_eq!(shown.unchanged, 0);
}

#[test]
fn text_that_no_longer_starts_with_what_was_committed_renders_anew() {
    let theme = Theme::dark();
    let mut live = LiveMarkdown::new(60);
    live.render("First block here.\n\nSecond.\n\nThird", &theme);
    let replaced = "Other text entirely, and longer than before.\n\nAnd more.";
    let shown = live.render(replaced, &theme);
    assert_eq!(
        text_of(shown.lines),
        text_of(&render_markdown(replaced, 60, &theme))
    );
}

/// A long fence streamed in random chunks: code lines of every shape the reader must follow
/// (empty lines, spaces, tabs, lines that wrap, fence-like lines that do not close it), then
/// the closing fence and more text.
fn long_fence(rng: &mut fastrand::Rng, fence: &str) -> String {
    let shapes = [
        "let x = 1;",
        "",
        "",
        "    indented();",
        "\tlet tab = '\\t';",
        "   ",
        "``",
        "```rust",
        "~~~ not a closer",
        "an extremely long line of code that will certainly wrap at every width the test uses ok",
        "emoji 🦀 and wide 漢字",
        "  ```x",
    ];
    let mut out = format!("Intro with **bold**.\n\n{fence}rust\n");
    for _ in 0..rng.usize(20..60) {
        out.push_str(shapes[rng.usize(..shapes.len())]);
        out.push('\n');
    }
    out.push_str(&format!("{fence}\n\nAfter the block.\n"));
    out
}

#[test]
fn an_open_fence_streamed_line_by_line_renders_what_the_whole_text_renders() {
    for seed in 0..60 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let fence = ["```", "~~~", "````"][rng.usize(..3)];
        let message = long_fence(&mut rng, fence);
        let width = [20u16, 37, 80][rng.usize(..3)];
        let mut followed = 0;
        let mut following = false;
        stream_and_compare(seed, &mut rng, &message, width, 30, |step| {
            let now = matches!(step.live.open, Some(OpenBlock::Fence(_)));
            if following && now {
                followed += 1;
                // Of the last frame's lines, only its partial last line and the empty lines
                // before it are drawn again.
                let open_line = step.before.rsplit('\n').next().unwrap_or("");
                let partial_rows = open_line.chars().count().div_ceil(8).max(1);
                let lines_before = &step.before[..step.before.len() - open_line.len()];
                let held = lines_before.len() - lines_before.trim_end_matches('\n').len();
                assert!(
                    step.unchanged + partial_rows + held >= step.previous.len(),
                    "seed {seed}: {} of the last frame's {} lines kept",
                    step.unchanged,
                    step.previous.len()
                );
            }
            following = now;
        });
        assert!(
            followed > 10,
            "seed {seed}: the fence was read line by line"
        );
    }
}

/// A long paragraph of many lines, streamed: inline markup that closes on the same line or
/// lines later, delimiters left open, and lines that turn what came before into something else
/// (a setext underline, a table's delimiter row, a block that interrupts it).
fn long_paragraph(rng: &mut fastrand::Rng) -> String {
    let pieces = [
        "plain words here",
        "with **bold** and `code`",
        "an *emphasis that goes",
        "on* over a line",
        "a_snake_case name",
        "2 < 3 and x > y",
        "a [link](http://x.y) too",
        "trailing spaces  ",
        "a backslash \\",
        "<span>inline</span>",
        "emoji 🦀 wide 漢字",
        "an unclosed ` tick",
        "~~struck~~ out",
    ];
    let endings = [
        "",
        "",
        "",
        "===",
        "---",
        "|--|--|",
        "# heading",
        "- item",
        "    indented",
        "2. two",
    ];
    let mut out = String::from("Intro.\n\n");
    for _ in 0..rng.usize(10..40) {
        out.push_str(pieces[rng.usize(..pieces.len())]);
        out.push('\n');
    }
    out.push_str(endings[rng.usize(..endings.len())]);
    out.push_str("\nlast line\n\nNext paragraph.\n");
    out
}

#[test]
fn an_open_paragraph_streamed_line_by_line_renders_what_the_whole_text_renders() {
    let mut settled_some = 0;
    for seed in 0..120 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let message = long_paragraph(&mut rng);
        let width = [20u16, 37, 80][rng.usize(..3)];
        stream_and_compare(seed, &mut rng, &message, width, 30, |step| {
            if let Some(OpenBlock::Paragraph(p)) = &step.live.open
                && p.settled_rows() > 0
            {
                settled_some += 1;
            }
        });
    }
    assert!(
        settled_some > 500,
        "paragraph lines settled {settled_some} times"
    );
}

#[test]
fn a_long_plain_paragraph_redraws_only_its_last_lines() {
    let theme = Theme::dark();
    let mut live = LiveMarkdown::new(60);
    let mut text = String::new();
    for i in 0..2_000 {
        text.push_str(&format!(
            "Line {i} of a paragraph with **bold** and `code` in it.\n"
        ));
        let shown = live.render(&text, &theme);
        assert!(
            shown.lines.len() - shown.unchanged <= 2,
            "line {i}: {} of {} redrawn",
            shown.lines.len() - shown.unchanged,
            shown.lines.len()
        );
    }
}
