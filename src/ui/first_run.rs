//! The first-run screen, over the whole screen: which key is missing, the model servers found
//! on this machine with their models (or that claw is still looking), the demo, and the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::first_run::{FirstRun, MODELS_SHOWN, Offer};
use crate::app::model::Model;
use crate::ui::text;

const MAX_WIDTH: u16 = 88;

pub fn draw(model: &Model, screen_state: &FirstRun, screen: Rect, buf: &mut Buffer) {
    let theme = &model.theme;
    let width = screen.width.saturating_sub(4).min(MAX_WIDTH);
    if width < 20 || screen.height < 5 {
        return;
    }
    let inner_width = width.saturating_sub(4) as usize;
    let fg = Style::default().fg(theme.fg);
    let dim = Style::default().fg(theme.dim);
    let bold = fg.add_modifier(Modifier::BOLD);
    let wrapped = |text: &str, style: Style| -> Vec<Line<'static>> {
        text::wrap(text, inner_width)
            .into_iter()
            .map(|line| Line::styled(line, style))
            .collect()
    };
    let mut lines = Vec::new();
    if let Some((first, others)) = screen_state.missing.split_first() {
        lines.extend(wrapped(
            &format!(
                "No API key: set {} to use {}.",
                first.variable, first.provider
            ),
            fg,
        ));
        let others: Vec<String> = others
            .iter()
            .map(|m| format!("{} for {} ({})", m.variable, m.provider, m.how))
            .collect();
        if !others.is_empty() {
            lines.extend(wrapped(&format!("Or set {}.", others.join(", ")), dim));
        }
        lines.push(Line::default());
    }
    let offers = screen_state.offers();
    let selected = screen_state.selected.min(offers.len().saturating_sub(1));
    // The line of the highlighted offer.
    let mut selected_line = 0;
    let row = |index: usize, label: String, detail: String| {
        let chosen = index == selected;
        let marker = if chosen { "› " } else { "  " };
        let style = if chosen {
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD)
        } else {
            fg
        };
        let label = text::truncate(&label, inner_width.saturating_sub(2));
        let room = inner_width.saturating_sub(2 + label.chars().count() + 2);
        Line::from(vec![
            Span::styled(format!("{marker}{label}"), style),
            Span::styled(format!("  {}", text::truncate(&detail, room)), dim),
        ])
    };
    lines.push(Line::styled("Model servers on this machine", bold));
    // The rows in the order of `offers`: each server's models, then the demo.
    let mut index = 0;
    match &screen_state.servers {
        None => lines.push(Line::styled(
            "  looking on the default ports (Ollama, LM Studio, llama.cpp, vLLM)…",
            dim,
        )),
        Some(servers) if servers.is_empty() => lines.extend(wrapped(
            "  none found (Ollama 11434, LM Studio 1234, llama.cpp 8080, vLLM 8000)",
            dim,
        )),
        Some(servers) => {
            for server in servers {
                if server.models.is_empty() {
                    lines.push(Line::styled(
                        format!(
                            "  {} at {} lists no models: load one, then restart claw",
                            server.label, server.address
                        ),
                        dim,
                    ));
                    continue;
                }
                for name in server.models.iter().take(MODELS_SHOWN) {
                    if index == selected {
                        selected_line = lines.len();
                    }
                    lines.push(row(
                        index,
                        format!("{} · {name}", server.label),
                        server.address.clone(),
                    ));
                    index += 1;
                }
                let more = server.models.len().saturating_sub(MODELS_SHOWN);
                if more > 0 {
                    lines.push(Line::styled(
                        format!("    and {more} more: --model {}/NAME", server.provider),
                        dim,
                    ));
                }
            }
        }
    }
    debug_assert_eq!(offers.get(index), Some(&Offer::Demo));
    lines.push(Line::default());
    lines.push(Line::styled("Or try claw without a model", bold));
    if index == selected {
        selected_line = lines.len();
    }
    lines.push(row(
        index,
        "Demo".into(),
        "a scripted model inside claw: streaming, tools, a diff to approve".into(),
    ));
    lines.push(Line::default());
    let key = |key: &str, does: &str| {
        crate::ui::centered_box::key_hint(key, does.to_string(), theme.accent, theme.fg)
    };
    let mut choose = key("↑↓", " choose  ");
    choose.extend(key("Enter", " use it now  "));
    let mut other = key("s", " use and save as default  ");
    other.extend(key("Esc", " not now"));
    let (choose, other) = (Line::from(choose), Line::from(other));
    // One line of keys when it fits, else two.
    let keys = if choose.width() + other.width() <= inner_width {
        let mut spans = choose.spans;
        spans.extend(other.spans);
        vec![Line::from(spans)]
    } else {
        vec![choose, other]
    };
    // On a short screen the keys stay, and the highlighted offer stays in view.
    crate::ui::centered_box::dialog(
        screen,
        width,
        crate::ui::centered_box::Dialog {
            title: " Welcome to claw ",
            colour: theme.accent,
            body: &lines,
            keys: &keys,
            keep: selected_line,
        },
        buf,
    );
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use crate::app::Model;
    use crate::app::first_run::{FirstRun, MissingKey};
    use crate::app::model::StatusInfo;
    use crate::app::overlay::Overlay;
    use crate::protocol::local_server::LocalServer;
    use crate::theme::Theme;
    use crate::ui::{RenderCache, view};

    fn on_screen(servers: Option<Vec<LocalServer>>) -> Model {
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
        let key = |provider: &str, variable: &str, how: &str| MissingKey {
            provider: provider.into(),
            variable: variable.into(),
            how: how.into(),
        };
        let mut screen = FirstRun::new(
            vec![
                key(
                    "Claude (Anthropic)",
                    "ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)",
                    "",
                ),
                key("OpenAI", "OPENAI_API_KEY", "with --provider openai"),
            ],
            None,
        );
        if let Some(servers) = servers {
            screen.found(servers);
        }
        model.overlays.open(Overlay::FirstRun(screen));
        model
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

    fn server(provider: &str, label: &str, port: u16, models: &[&str]) -> LocalServer {
        LocalServer {
            provider: provider.into(),
            label: label.into(),
            address: format!("127.0.0.1:{port}"),
            models: models.iter().map(|m| m.to_string()).collect(),
        }
    }

    #[test]
    fn while_looking_the_screen_says_so_and_offers_the_demo() {
        let model = on_screen(None);
        insta::assert_snapshot!(render(&model, 100, 24).backend());
    }

    #[test]
    fn with_nothing_found_the_demo_is_the_offer() {
        let model = on_screen(Some(Vec::new()));
        insta::assert_snapshot!(render(&model, 100, 24).backend());
    }

    #[test]
    fn a_found_server_is_listed_with_its_models() {
        let many: Vec<String> = (1..=8).map(|i| format!("model-{i}:7b")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let model = on_screen(Some(vec![
            server("ollama", "Ollama", 11434, &["qwen3:8b", "llama3.2:3b"]),
            server("lmstudio", "LM Studio", 1234, &[]),
            server("vllm", "vLLM", 8000, &many[..]),
        ]));
        insta::assert_snapshot!(render(&model, 100, 30).backend());
    }

    #[test]
    fn on_a_short_screen_the_keys_stay_visible() {
        let model = on_screen(Some(vec![server(
            "ollama",
            "Ollama",
            11434,
            &["a", "b", "c", "d"],
        )]));
        let screen = format!("{:?}", render(&model, 60, 12).backend());
        assert!(screen.contains("Esc not now"), "{screen}");
        assert!(screen.contains("Welcome to claw"), "{screen}");
        assert!(
            screen.contains("› Demo"),
            "the highlighted offer shows: {screen}"
        );
    }
}
