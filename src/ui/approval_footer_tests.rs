//! The approval prompt's key line at the widths people use: it wraps, never cut.

use std::time::Instant;

use crate::diff::FileDiff;
use crate::protocol::ApprovalPreview;
use crate::ui::tests::{approval, feed, model_at, render};

fn edit_prompt_at(width: u16) -> String {
    let now = Instant::now();
    let mut model = model_at(now);
    let diff = FileDiff::compute("src/main.rs", "a\nb\n", "a\nc\n", false);
    feed(
        &mut model,
        now,
        approval(
            ApprovalPreview::FileChange(diff),
            "Edit",
            "src/main.rs",
            "Edit(src/**)",
        ),
    );
    let terminal = render(&model, width, 24);
    let buffer = terminal.backend().buffer();
    let rows: Vec<String> = (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect();
    rows.join("\n")
}

#[test]
fn every_key_of_the_footer_shows_at_each_width() {
    for width in [60, 80, 100, 140] {
        let screen = edit_prompt_at(width);
        for hint in [
            "y yes",
            "a this session (Edit(src/**))",
            "A always",
            "n no",
            "d no, and say why",
            "Esc stop",
            "j/k scroll · [ ] hunk · v layout",
        ] {
            assert!(
                screen.contains(hint),
                "{hint:?} at {width} columns:\n{screen}"
            );
        }
        insta::assert_snapshot!(format!("approval_footer_{width}"), screen);
    }
}
