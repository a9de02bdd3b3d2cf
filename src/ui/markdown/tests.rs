//! The markdown renderer at several widths: structure, styles, streaming fences, line breaks (soft breaks kept).

use super::*;

use crate::ui::text::plain as text;

const SAMPLE: &str = "# Title\n\nSome **bold** and *italic* text with `code` and a [link](https://example.com) that goes on for a while to wrap.\n\n- one\n- two with a longer item that needs wrapping onto the next line\n  - nested\n1. first\n2. second\n\n> quoted text that is also rather long and wraps\n\n| a | b |\n|---|:-:|\n| 1 | two |\n\n```rust\nfn main() {}\n```\n\n---\n\n- [x] done\n- [ ] todo\n";

#[test]
fn every_line_fits_every_width() {
    let theme = Theme::dark();
    for width in 10..120u16 {
        for line in render_markdown(SAMPLE, width, &theme) {
            assert!(line.width() <= width as usize, "width {width}: {:?}", line);
        }
    }
}

#[test]
fn structure_at_width_60() {
    let out = text(&render_markdown(SAMPLE, 60, &Theme::dark()));
    insta::assert_snapshot!(out);
}

#[test]
fn narrow_width_30() {
    let out = text(&render_markdown(SAMPLE, 30, &Theme::dark()));
    insta::assert_snapshot!(out);
}

#[test]
fn styles_that_matter() {
    let theme = Theme::dark();
    let lines = render_markdown("**b** `c` x\n\n```rust\nlet x = 1;\n```\n", 40, &theme);
    let spans: Vec<&Span<'_>> = lines.iter().flat_map(|l| l.spans.iter()).collect();
    assert!(
        spans
            .iter()
            .any(|s| s.content == "b" && s.style.add_modifier.contains(Modifier::BOLD))
    );
    assert!(
        spans
            .iter()
            .any(|s| s.content == "c" && s.style.fg == Some(theme.inline_code))
    );
    let code_colours: std::collections::HashSet<_> = lines
        .last()
        .unwrap()
        .spans
        .iter()
        .skip(1)
        .map(|s| s.style.fg)
        .collect();
    assert!(code_colours.len() > 1, "the code line is highlighted");
}

#[test]
fn a_streaming_unclosed_fence_renders_as_code() {
    let out = text(&render_markdown(
        "Here:\n\n```python\ndef f():\n    return",
        40,
        &Theme::dark(),
    ));
    assert_eq!(out, "Here:\n\n╭ python\n│ def f():\n│     return");
}

#[test]
fn single_newlines_in_an_answer_stay_line_breaks() {
    let out = text(&render_markdown("a\nb  \nc", 40, &Theme::dark()));
    assert_eq!(out, "a\nb\nc");
}

#[test]
fn lines_the_model_meant_as_lines_inside_paragraphs_lists_and_quotes() {
    let answer = "Changed files:\nsrc/a.rs\nsrc/b.rs\n\nNext paragraph, long enough to wrap at this width.\n\n- item one\n  continued here\n- item two\n\n> quoted\n> lines\n\n```\ncode\nstays\n```\n";
    insta::assert_snapshot!(text(&render_markdown(answer, 30, &Theme::dark())));
}
