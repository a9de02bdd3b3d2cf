//! The dialog over the screen when a settings file doesn't parse: each file with its line,
//! column and the parser's message, what leaving it out means, and the two keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use crate::app::broken_settings::BrokenSettings;
use crate::app::model::Model;
use crate::ui::text;

const MAX_WIDTH: u16 = 84;

pub fn draw(model: &Model, dialog: &BrokenSettings, screen: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let width = screen.width.saturating_sub(4).min(MAX_WIDTH);
    if width < 12 || screen.height < 3 {
        return;
    }
    let inner_width = width.saturating_sub(4) as usize;
    let plain = |text: &str, style: Style| -> Vec<Line<'static>> {
        text::wrap(text, inner_width)
            .into_iter()
            .map(|line| Line::styled(line, style))
            .collect()
    };
    let (one, its, them) = if dialog.files.len() == 1 {
        ("This settings file", "its", "it")
    } else {
        ("These settings files", "their", "them")
    };
    let mut lines = plain(
        &format!(
            "{one} could not be parsed, so none of {its} settings are in force, deny rules included:"
        ),
        Style::default().fg(theme.fg),
    );
    for file in &dialog.files {
        lines.push(Line::default());
        lines.extend(plain(
            &format!("{}:{}:{}", file.path.display(), file.line, file.column),
            Style::default().fg(theme.fg).add_modifier(Modifier::BOLD),
        ));
        lines.extend(plain(&file.message, Style::default().fg(theme.error)));
    }
    lines.push(Line::default());
    let key = |key: &'static str, rest: String| {
        Line::from(crate::ui::centered_box::key_hint(
            key,
            rest,
            theme.accent,
            theme.fg,
        ))
    };
    let keys = [
        key("c", format!(" / Enter  continue without {them}")),
        key("q", " / Esc    quit (and fix it)".into()),
    ];
    // When the screen is too short, the keys matter most: they stay, the explanation is cut.
    crate::ui::centered_box::dialog(
        screen,
        width,
        crate::ui::centered_box::Dialog {
            title: " Settings not loaded ",
            colour: theme.error,
            body: &lines,
            keys: &keys,
            keep: 0,
        },
        buf,
    );
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Instant;

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use crate::app::Model;
    use crate::app::broken_settings::BrokenSettings;
    use crate::app::model::StatusInfo;
    use crate::config::settings::BrokenFile;
    use crate::theme::Theme;
    use crate::ui::{RenderCache, view};

    fn with_dialog(files: Vec<BrokenFile>) -> Model {
        let mut model = Model::new(
            Theme::dark(),
            StatusInfo {
                model: "claude-sonnet-4-6".into(),
                cwd: "~/src/demo".into(),
                permission_mode: "default".into(),
                context_window: 200_000,
                ..StatusInfo::default()
            },
            Instant::now(),
        );
        model
            .overlays
            .open(crate::app::overlay::Overlay::BrokenSettings(
                BrokenSettings {
                    files,
                    first_prompt: None,
                },
            ));
        model
    }

    fn broken(path: &str, line: usize, column: usize, message: &str) -> BrokenFile {
        BrokenFile {
            path: PathBuf::from(path),
            line,
            column,
            message: message.into(),
        }
    }

    fn render(model: &Model, width: u16, height: u16) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| {
                view(model, &mut RenderCache::default(), f);
            })
            .unwrap();
        terminal
    }

    #[test]
    fn the_dialog_names_the_file_line_and_column() {
        let model = with_dialog(vec![broken(
            "/home/me/src/demo/.claude/settings.json",
            3,
            5,
            "not valid JSON: expected `,` or `}`",
        )]);
        insta::assert_snapshot!(render(&model, 90, 20).backend());
    }

    #[test]
    fn on_a_small_screen_the_keys_stay_visible() {
        let model = with_dialog(vec![
            broken(
                "/p/.claude/settings.json",
                1,
                2,
                "not valid JSON: key must be a string",
            ),
            broken(
                "/p/.claw/settings.local.json",
                7,
                1,
                "settings must be a JSON object",
            ),
        ]);
        let screen = format!("{:?}", render(&model, 40, 9).backend());
        assert!(screen.contains("q / Esc"), "{screen}");
        assert!(screen.contains("Settings not loaded"), "{screen}");
    }
}
