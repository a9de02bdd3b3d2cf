//! Snapshot tests of every pane, rendered into a TestBackend at fixed sizes and times.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::app::model::{Focus, StatusInfo};
use crate::app::{Model, Msg, update};
use crate::diff::FileDiff;
use crate::protocol::{AgentEvent, ApprovalPreview, ApprovalRequest, ToolOutcome};
use crate::theme::Theme;
use crate::ui::{RenderCache, view};

pub(crate) fn model_at(now: Instant) -> Model {
    Model::new(
        Theme::dark(),
        StatusInfo {
            model: "claude-sonnet-4-6".into(),
            cwd: "~/src/demo".into(),
            permission_mode: "default".into(),
            context_window: 200_000,
            ..StatusInfo::default()
        },
        now,
    )
}

pub(crate) fn render(model: &Model, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut cache = RenderCache::default();
    terminal
        .draw(|f| {
            view(model, &mut cache, f);
        })
        .unwrap();
    terminal
}

pub(super) fn feed(model: &mut Model, now: Instant, events: Vec<AgentEvent>) {
    for event in events {
        update(model, Msg::Agent(event), now);
    }
}

const ANSWER: &str = "## Plan\n\nThe bug is in `parse_args`: it **ignores** the last flag.\n\n- read the parser\n- fix the loop\n\n```rust\nfn main() {\n    println!(\"hello\");\n}\n```\n\n> Note: tests cover this.\n";

#[test]
fn conversation_with_markdown_and_code() {
    let now = Instant::now();
    let mut model = model_at(now);
    update(
        &mut model,
        Msg::Paste("Why does the parser drop the last flag?".into()),
        now,
    );
    update(
        &mut model,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
        now,
    );
    feed(
        &mut model,
        now,
        vec![
            AgentEvent::TurnStarted {
                prompt: String::new(),
            },
            AgentEvent::TextDelta(ANSWER.into()),
            AgentEvent::MessageDone,
            AgentEvent::TurnEnded {
                stop: crate::protocol::TurnStop::Done,
            },
        ],
    );
    let terminal = render(&model, 80, 30);
    insta::assert_snapshot!(terminal.backend());
}

fn tool_events() -> Vec<AgentEvent> {
    vec![
        AgentEvent::TurnStarted {
            prompt: String::new(),
        },
        AgentEvent::TextDelta("Let me look.".into()),
        AgentEvent::MessageDone,
        AgentEvent::ToolStarted {
            call_id: "t1".into(),
            tool: "Read".into(),
            summary: "src/parser.rs".into(),
        },
        AgentEvent::ToolFinished {
            call_id: "t1".into(),
            outcome: ToolOutcome::Success,
            output: "1\tfn parse() {\n2\t    todo\n3\t}\n4\t\n5\t// end\n".into(),
            summary: "5 lines".into(),
            duration_ms: 3,
        },
        AgentEvent::ToolStarted {
            call_id: "t2".into(),
            tool: "Bash".into(),
            summary: "cargo test --lib parser".into(),
        },
        AgentEvent::ToolFinished {
            call_id: "t2".into(),
            outcome: ToolOutcome::Failed,
            output: "running 3 tests\ntest parser::flags ... FAILED\n\nExit code 101".into(),
            summary: "Exit code 101".into(),
            duration_ms: 2_400,
        },
        AgentEvent::ToolStarted {
            call_id: "t3".into(),
            tool: "Grep".into(),
            summary: "fn parse".into(),
        },
    ]
}

#[test]
fn tool_activity_beside_the_conversation() {
    let now = Instant::now();
    let mut model = model_at(now);
    feed(&mut model, now, tool_events());
    let later = now + Duration::from_millis(250);
    update(&mut model, Msg::Tick, later);
    let terminal = render(&model, 120, 24);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn tool_activity_focused_and_expanded_on_a_narrow_screen() {
    let now = Instant::now();
    let mut model = model_at(now);
    feed(&mut model, now, tool_events());
    model.focus = Focus::Activity;
    model.selected_tool = Some(1);
    model.tools[1].expanded = true;
    let terminal = render(&model, 70, 20);
    insta::assert_snapshot!(terminal.backend());
}

pub(super) fn approval(
    preview: ApprovalPreview,
    tool: &str,
    summary: &str,
    rule: &str,
) -> Vec<AgentEvent> {
    vec![
        AgentEvent::TurnStarted {
            prompt: String::new(),
        },
        AgentEvent::ToolStarted {
            call_id: "c1".into(),
            tool: tool.into(),
            summary: summary.into(),
        },
        AgentEvent::ApprovalNeeded(ApprovalRequest {
            id: 1,
            call_id: "c1".into(),
            tool: tool.into(),
            summary: summary.into(),
            preview,
            session_rule: rule.into(),
            input: serde_json::Value::Null,
            rules: Vec::new(),
        }),
    ]
}

#[test]
fn edit_approval_shows_the_diff() {
    let now = Instant::now();
    let mut model = model_at(now);
    let old = "fn main() {\n    let args = parse();\n    run(args);\n}\n\nfn parse() -> Vec<String> {\n    std::env::args().collect()\n}\n";
    let new = old.replace(
        "    run(args);\n",
        "    if args.is_empty() {\n        return;\n    }\n    run(args);\n",
    );
    let diff = FileDiff::compute("src/main.rs", old, &new, false);
    feed(
        &mut model,
        now,
        approval(
            ApprovalPreview::FileChange(diff),
            "Edit",
            "src/main.rs",
            "Edit",
        ),
    );
    let terminal = render(&model, 100, 30);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn bash_approval_shows_the_command() {
    let now = Instant::now();
    let mut model = model_at(now);
    feed(
        &mut model,
        now,
        approval(
            ApprovalPreview::Command {
                command: "cargo test --workspace".into(),
                description: Some("Run the whole test suite".into()),
            },
            "Bash",
            "cargo test --workspace",
            "Bash(cargo test:*)",
        ),
    );
    let terminal = render(&model, 100, 20);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn status_bar_shows_model_mode_state_tokens_and_cost() {
    let now = Instant::now();
    let mut model = model_at(now);
    feed(
        &mut model,
        now,
        vec![
            AgentEvent::TurnStarted {
                prompt: String::new(),
            },
            AgentEvent::TextDelta("…".into()),
            AgentEvent::Usage {
                usage: crate::provider::Usage {
                    input_tokens: 12_000,
                    output_tokens: 800,
                    ..Default::default()
                },
                session_cost: 0.048,
                pricing: crate::protocol::Pricing::Known,
                total_in: 12_000,
                total_out: 800,
            },
        ],
    );
    let terminal = render(&model, 110, 3);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn a_cost_without_a_price_shows_as_unknown_never_as_zero() {
    let now = Instant::now();
    let mut model = model_at(now);
    let usage = |pricing, session_cost| AgentEvent::Usage {
        usage: crate::provider::Usage {
            input_tokens: 3_000,
            output_tokens: 200,
            ..Default::default()
        },
        session_cost,
        pricing,
        total_in: 3_000,
        total_out: 200,
    };
    feed(
        &mut model,
        now,
        vec![usage(crate::protocol::Pricing::Unknown, 0.0)],
    );
    let unknown = render(&model, 110, 3);
    feed(
        &mut model,
        now,
        vec![usage(crate::protocol::Pricing::Partial, 0.012)],
    );
    let partial = render(&model, 110, 3);
    insta::assert_snapshot!(
        "cost_unknown",
        format!("{}\n{}", unknown.backend(), partial.backend())
    );
}

#[test]
fn a_long_transcript_draws_only_its_end() {
    let now = Instant::now();
    let mut model = model_at(now);
    for i in 0..500 {
        feed(
            &mut model,
            now,
            vec![
                AgentEvent::TextDelta(format!("message number {i}")),
                AgentEvent::MessageDone,
            ],
        );
    }
    let terminal = render(&model, 60, 10);
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("message number 499"), "{screen}");
    assert!(!screen.contains("message number 0\""), "{screen}");
}

#[test]
fn the_slash_popup_lists_matching_commands() {
    let now = Instant::now();
    let mut model = model_at(now);
    update(&mut model, Msg::Paste("/re".into()), now);
    update(
        &mut model,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Down,
        )),
        now,
    );
    let terminal = render(&model, 90, 16);
    insta::assert_snapshot!(terminal.backend());
    update(
        &mut model,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Tab,
        )),
        now,
    );
    assert_eq!(model.input_text(), "/rewind ");
    assert!(
        model.slash_popup().is_none(),
        "closed once a command is named"
    );
}

#[test]
fn the_task_list_shows_in_the_activity_pane() {
    use crate::protocol::{TodoItem, TodoStatus};
    let now = Instant::now();
    let mut model = model_at(now);
    let todo = |content: &str, status, active: &str| TodoItem {
        content: content.into(),
        status,
        active_form: active.into(),
    };
    feed(
        &mut model,
        now,
        vec![
            AgentEvent::ToolStarted {
                call_id: "t".into(),
                tool: "TodoWrite".into(),
                summary: "3 tasks".into(),
            },
            AgentEvent::Todos {
                items: vec![
                    todo(
                        "Read the parser",
                        TodoStatus::Completed,
                        "Reading the parser",
                    ),
                    todo(
                        "Fix the flag loop",
                        TodoStatus::InProgress,
                        "Fixing the flag loop",
                    ),
                    todo("Run the tests", TodoStatus::Pending, "Running the tests"),
                ],
            },
        ],
    );
    let terminal = render(&model, 120, 16);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn a_plan_to_approve() {
    let now = Instant::now();
    let mut model = model_at(now);
    feed(
        &mut model,
        now,
        approval(
            ApprovalPreview::Plan(
                "## Plan\n\n1. Read `parser.rs`\n2. Fix the loop\n3. Run the tests".into(),
            ),
            "ExitPlanMode",
            "## Plan",
            "ExitPlanMode",
        ),
    );
    let terminal = render(&model, 90, 20);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn a_question_dialog() {
    use crate::protocol::Question;
    let now = Instant::now();
    let mut model = model_at(now);
    feed(
        &mut model,
        now,
        approval(
            ApprovalPreview::Questions(vec![
                Question {
                    question: "Which database should the service use?".into(),
                    header: "Database".into(),
                    options: vec![
                        "Postgres".into(),
                        "SQLite".into(),
                        "Keep the current one".into(),
                    ],
                    descriptions: vec![
                        "A server; best for many writers".into(),
                        "One file, nothing to run".into(),
                        String::new(),
                    ],
                    multi_select: false,
                },
                Question {
                    question: "Which parts need tests?".into(),
                    header: "Tests".into(),
                    options: vec!["The UI".into(), "The agent".into(), "The tools".into()],
                    descriptions: Vec::new(),
                    multi_select: true,
                },
            ]),
            "AskUserQuestion",
            "Which database should the service use?",
            "AskUserQuestion",
        ),
    );
    let key = |model: &mut Model, code: crossterm::event::KeyCode, at: Instant| {
        update(model, Msg::Key(code.into()), at);
    };
    let later = now + Duration::from_secs(1);
    key(&mut model, crossterm::event::KeyCode::Down, later);
    insta::assert_snapshot!(render(&model, 90, 20).backend());
    // The second question: multi-select, one option ticked, the cursor on the next.
    key(&mut model, crossterm::event::KeyCode::Enter, later);
    key(&mut model, crossterm::event::KeyCode::Char(' '), later);
    key(&mut model, crossterm::event::KeyCode::Down, later);
    insta::assert_snapshot!(
        "a_question_dialog_multi_select",
        render(&model, 90, 20).backend()
    );
}

#[test]
fn the_command_palette_filters_everything() {
    let mut model = crate::app::palette_tests::palette_model();
    let ctrl = |c| {
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::CONTROL,
        ))
    };
    let now = Instant::now();
    update(&mut model, ctrl('p'), now);
    for c in "co".chars() {
        update(
            &mut model,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            )),
            now,
        );
    }
    insta::assert_snapshot!(render(&model, 100, 26).backend());
}

#[test]
fn the_model_picker() {
    let mut model = crate::app::palette_tests::palette_model();
    let now = Instant::now();
    update(&mut model, Msg::Paste("/model".into()), now);
    for code in [
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyCode::Down,
        crossterm::event::KeyCode::Right,
    ] {
        update(&mut model, Msg::Key(code.into()), now);
    }
    insta::assert_snapshot!(render(&model, 100, 20).backend());
}

/// The screen as text, then each row's runs of colour: what a plain snapshot can't show.
fn with_styles(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut text = String::new();
        let mut runs: Vec<(u16, u16, String)> = Vec::new();
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            text.push_str(cell.symbol());
            let style = format!(
                "{:?}/{:?}{}",
                cell.fg,
                cell.bg,
                if cell.modifier.is_empty() {
                    String::new()
                } else {
                    format!(" {:?}", cell.modifier)
                }
            );
            match runs.last_mut() {
                Some((_, end, s)) if *s == style => *end = x,
                _ => runs.push((x, x, style)),
            }
        }
        out.push_str(&format!("{text}\n"));
        for (start, end, style) in runs {
            if style != "Reset/Reset" {
                out.push_str(&format!("    {start}-{end}: {style}\n"));
            }
        }
    }
    out
}

#[test]
fn each_theme_colours_the_screen() {
    for name in Theme::names() {
        let now = Instant::now();
        let mut model = model_at(now);
        model.theme = Theme::builtin(name).unwrap();
        model.reset_input();
        feed(
            &mut model,
            now,
            vec![
                AgentEvent::UserText {
                    text: "Fix it".into(),
                },
                AgentEvent::TextDelta("Done: `x` is **fixed**.".into()),
                AgentEvent::MessageDone,
            ],
        );
        insta::assert_snapshot!(format!("theme_{name}"), with_styles(&render(&model, 48, 9)));
    }
}

#[test]
fn search_highlights_matches_on_screen() {
    let now = Instant::now();
    let mut model = model_at(now);
    feed(
        &mut model,
        now,
        vec![
            AgentEvent::UserText {
                text: "where is the parser?".into(),
            },
            AgentEvent::TextDelta("The Parser lives in src/parser.rs.".into()),
            AgentEvent::MessageDone,
        ],
    );
    update(
        &mut model,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('f'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
        now,
    );
    for c in "parser".chars() {
        update(
            &mut model,
            Msg::Key(crossterm::event::KeyCode::Char(c).into()),
            now,
        );
    }
    insta::assert_snapshot!(with_styles(&render(&model, 60, 8)));
}

#[test]
fn the_file_finder_above_the_input() {
    let now = Instant::now();
    let mut model = model_at(now);
    for c in "look at @mod".chars() {
        update(
            &mut model,
            Msg::Key(crossterm::event::KeyCode::Char(c).into()),
            now,
        );
    }
    let generation = model.overlays.mention().unwrap().generation;
    let matches = crate::finder::best(
        &[
            "src/app/model.rs".to_string(),
            "src/ui/mod.rs".to_string(),
            "docs/a/very/long/path/that/does/not/fit/in/the/popup/modules.md".to_string(),
            "README.md".to_string(),
        ],
        "mod",
        10,
    );
    update(
        &mut model,
        Msg::FilesFound(crate::finder::FinderResults {
            generation,
            query: "mod".into(),
            matches,
            indexing_done: true,
        }),
        now,
    );
    update(
        &mut model,
        Msg::Key(crossterm::event::KeyCode::Down.into()),
        now,
    );
    insta::assert_snapshot!(render(&model, 50, 12).backend());
}

const GIT_DIFF: &str = "diff --git a/src/parser.rs b/src/parser.rs
index 1111111..2222222 100644
--- a/src/parser.rs
+++ b/src/parser.rs
@@ -1,5 +1,6 @@
 fn parse(args: &[String]) -> Vec<Flag> {
     let mut flags = Vec::new();
-    for arg in &args[..args.len() - 1] {
+    for arg in args {
         flags.push(Flag::from(arg));
     }
+    flags.dedup();
@@ -20,3 +21,3 @@ fn helper() {
     let a = 1;
-    let b = 2;
+    let b = 3;
     a + b
diff --git a/notes/old.md b/notes/new.md
similarity index 95%
rename from notes/old.md
rename to notes/new.md
--- a/notes/old.md
+++ b/notes/new.md
@@ -1 +1 @@
-# Notes
+# New notes
";

fn diff_pane_model(width: u16, height: u16) -> Model {
    let now = Instant::now();
    let mut model = model_at(now);
    update(&mut model, Msg::Resize { width, height }, now);
    let answer = crate::app::lookups::answer(
        &mut model,
        crate::protocol::Lookup::GitDiff,
        crate::protocol::LookupAnswer::GitDiff(Ok(crate::gitdiff::parse(GIT_DIFF))),
    );
    feed(&mut model, now, vec![answer]);
    model
}

#[test]
fn the_diff_pane_unified() {
    let model = diff_pane_model(100, 22);
    insta::assert_snapshot!(render(&model, 100, 22).backend());
}

#[test]
fn the_diff_pane_side_by_side() {
    let model = diff_pane_model(170, 18);
    insta::assert_snapshot!(render(&model, 170, 18).backend());
}

#[test]
fn the_diff_pane_second_file_and_no_changes() {
    let mut model = diff_pane_model(90, 16);
    let now = Instant::now();
    update(
        &mut model,
        Msg::Key(crossterm::event::KeyCode::Down.into()),
        now,
    );
    insta::assert_snapshot!("second_file", render(&model, 90, 16).backend());
    update(
        &mut model,
        Msg::Key(crossterm::event::KeyCode::Esc.into()),
        now,
    );
    assert!(model.overlays.diff_pane().is_none());
    let answer = crate::app::lookups::answer(
        &mut model,
        crate::protocol::Lookup::GitDiff,
        crate::protocol::LookupAnswer::GitDiff(Ok(Vec::new())),
    );
    feed(&mut model, now, vec![answer]);
    insta::assert_snapshot!("no_changes", render(&model, 60, 10).backend());
}

#[test]
fn the_diff_pane_keys() {
    let mut model = diff_pane_model(100, 14);
    let now = Instant::now();
    let key = |model: &mut Model, code| {
        update(model, Msg::Key(crossterm::event::KeyEvent::from(code)), now);
        model.overlays.diff_pane().cloned().unwrap()
    };
    use crossterm::event::KeyCode;
    // 14 lines (header, hunk, 7 lines, hunk, 4 lines) in 7 rows: at most 7 down. The hunks
    // start at lines 1 and 9; the second can only come as far as the bottom allows.
    assert_eq!(key(&mut model, KeyCode::Char(']')).scroll, 1);
    assert_eq!(key(&mut model, KeyCode::Char(']')).scroll, 7);
    assert_eq!(key(&mut model, KeyCode::Char('[')).scroll, 1);
    assert_eq!(key(&mut model, KeyCode::Char('K')).scroll, 0);
    assert_eq!(key(&mut model, KeyCode::End).scroll, 7);
    assert_eq!(key(&mut model, KeyCode::PageUp).scroll, 2);
    assert_eq!(key(&mut model, KeyCode::Down).selected, 1);
    assert_eq!(key(&mut model, KeyCode::Down).selected, 1);
    assert_eq!(key(&mut model, KeyCode::Up).scroll, 0);
    let pane = key(&mut model, KeyCode::Char('v'));
    assert_eq!(
        pane.layout,
        Some(crate::app::diff_layout::DiffLayout::SideBySide)
    );
    insta::assert_snapshot!(render(&model, 100, 14).backend());
    update(&mut model, Msg::Key(KeyCode::Char('q').into()), now);
    assert!(model.overlays.diff_pane().is_none());
}

#[test]
fn the_view_reports_the_cell_at_its_top() {
    let now = Instant::now();
    let mut model = model_at(now);
    for i in 0..30 {
        feed(
            &mut model,
            now,
            vec![AgentEvent::UserText {
                text: format!("message {i}"),
            }],
        );
    }
    let area = ratatui::layout::Rect::new(0, 0, 60, 14);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    let mut cache = RenderCache::default();
    // Following: 10 rows of transcript show the last 5 messages (a line and a gap each).
    let metrics = crate::ui::draw(&model, &mut cache, area, &mut buf);
    assert_eq!(metrics.top_cell, 25);
    model.scroll = crate::app::model::Scroll::FromTop(4);
    let metrics = crate::ui::draw(&model, &mut cache, area, &mut buf);
    assert_eq!(metrics.top_cell, 2);
}

#[test]
fn overlays_survive_tiny_and_odd_screens() {
    let now = Instant::now();
    let ctrl = |c| {
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::CONTROL,
        ))
    };
    type Setup = Box<dyn Fn(&mut Model)>;
    let setups: Vec<Setup> = vec![
        Box::new(move |m| {
            update(m, ctrl('p'), now);
        }),
        Box::new(move |m| {
            update(m, Msg::Paste("/model".into()), now);
            update(m, Msg::Key(crossterm::event::KeyCode::Enter.into()), now);
        }),
        Box::new(move |m| {
            update(m, Msg::Paste("see @src".into()), now);
            update(
                m,
                Msg::Key(crossterm::event::KeyCode::Char('x').into()),
                now,
            );
            let generation = m.overlays.mention().map_or(0, |p| p.generation);
            update(
                m,
                Msg::FilesFound(crate::finder::FinderResults {
                    generation,
                    query: "srcx".into(),
                    matches: crate::finder::best(&["a/src/x.rs".to_string()], "srcx", 5),
                    indexing_done: false,
                }),
                now,
            );
        }),
        Box::new(move |m| {
            let answer = crate::app::lookups::answer(
                m,
                crate::protocol::Lookup::GitDiff,
                crate::protocol::LookupAnswer::GitDiff(Ok(crate::gitdiff::parse(GIT_DIFF))),
            );
            feed(m, now, vec![answer]);
        }),
        Box::new(move |m| {
            update(m, ctrl('f'), now);
            update(m, Msg::Paste("x".into()), now);
        }),
        Box::new(move |m| {
            update(m, Msg::Paste("/".into()), now);
        }),
        Box::new(move |m| {
            let diff = FileDiff::compute("a.rs", "one\ntwo\n", "one\nthree\n", false);
            feed(
                m,
                now,
                approval(ApprovalPreview::FileChange(diff), "Edit", "a.rs", "Edit"),
            );
        }),
        Box::new(move |m| {
            feed(
                m,
                now,
                approval(
                    ApprovalPreview::Command {
                        command: "cargo test --all".into(),
                        description: Some("Run the tests".into()),
                    },
                    "Bash",
                    "cargo test",
                    "Bash(cargo test:*)",
                ),
            );
        }),
    ];
    for setup in &setups {
        for width in [1u16, 2, 5, 10, 19, 20, 21, 33, 47] {
            for height in [1u16, 2, 3, 4, 5, 7, 12] {
                let mut model = model_at(now);
                feed(
                    &mut model,
                    now,
                    vec![AgentEvent::UserText {
                        text: "hello".into(),
                    }],
                );
                update(&mut model, Msg::Resize { width, height }, now);
                setup(&mut model);
                for code in [
                    crossterm::event::KeyCode::Down,
                    crossterm::event::KeyCode::PageDown,
                    crossterm::event::KeyCode::Char(']'),
                    crossterm::event::KeyCode::Char('v'),
                    crossterm::event::KeyCode::End,
                ] {
                    update(&mut model, Msg::Key(code.into()), now);
                    render(&model, width, height);
                }
            }
        }
    }
}

#[test]
fn the_hints_name_the_keys_of_keybindings_json() {
    let now = Instant::now();
    let mut model = model_at(now);
    let (keymap, warnings) = crate::app::keymap::Keymap::from_json(
        r#"{"submit": "alt+enter", "newline": "enter", "exit": "ctrl+q", "interrupt": "ctrl+x",
            "toggleThinking": "f3", "switchFocus": "ctrl+a"}"#,
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    model.set_keymap(keymap);
    feed(
        &mut model,
        now,
        vec![
            AgentEvent::ThinkingDelta("Let me look.".into()),
            AgentEvent::MessageDone,
        ],
    );
    insta::assert_snapshot!(render(&model, 90, 8).backend());
    // Busy, the input's title names the submit and interrupt keys.
    feed(
        &mut model,
        now,
        vec![AgentEvent::TurnStarted {
            prompt: String::new(),
        }],
    );
    let busy = render(&model, 90, 8);
    let screen = format!("{:?}", busy.backend());
    assert!(
        screen.contains("Alt+Enter queues the message · Ctrl+X interrupts"),
        "{screen}"
    );
    // The activity pane names the key that focuses it.
    feed(
        &mut model,
        now,
        vec![AgentEvent::ToolStarted {
            call_id: "c1".into(),
            tool: "Bash".into(),
            summary: "ls".into(),
        }],
    );
    let wide = format!("{:?}", render(&model, 120, 8).backend());
    assert!(wide.contains("Activity  (Ctrl+A)"), "{wide}");
}

#[test]
fn the_rewind_picker() {
    let now = Instant::now();
    let mut model = model_at(now);
    let points = ["create a.txt", "change it\nplease", "and again"]
        .iter()
        .enumerate()
        .map(|(i, prompt)| crate::protocol::RewindPoint {
            turn: i + 1,
            prompt: prompt.to_string(),
            age_secs: Some(7200 - 3540 * i as u64),
        })
        .collect();
    feed(&mut model, now, vec![AgentEvent::RewindPoints(points)]);
    update(
        &mut model,
        Msg::Key(crossterm::event::KeyCode::Up.into()),
        now,
    );
    insta::assert_snapshot!(render(&model, 80, 16).backend());
}

#[test]
fn an_approval_is_painted_over_the_palette() {
    let mut model = crate::app::palette_tests::palette_model();
    let now = model.now;
    update(
        &mut model,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('p'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
        now,
    );
    feed(
        &mut model,
        now,
        approval(
            ApprovalPreview::Command {
                command: "cargo test".into(),
                description: None,
            },
            "Bash",
            "cargo test",
            "Bash(cargo test:*)",
        ),
    );
    insta::assert_snapshot!(render(&model, 80, 20).backend());
}

#[test]
fn the_rewind_picker_floats_over_a_conversation_with_tool_activity() {
    let now = Instant::now();
    let mut model = model_at(now);
    feed(&mut model, now, tool_events());
    let points = vec![crate::protocol::RewindPoint {
        turn: 1,
        prompt: "hello".into(),
        age_secs: Some(3),
    }];
    feed(&mut model, now, vec![AgentEvent::RewindPoints(points)]);
    let screen = format!("{:?}", render(&model, 110, 32).backend());
    assert!(screen.contains("Rewind to before"), "{screen}");
}
