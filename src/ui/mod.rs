//! Views: one renderer per pane, all drawing from the `Model`. `view` lays the panes out and
//! returns what it measured (the transcript's height), which the runtime sends back as a Msg.

pub mod activity;
pub mod approval;
pub mod broken_settings;
pub mod centered_box;
pub mod conversation;
pub mod diff_pane;
pub mod diff_view;
pub mod elicitation;
pub mod file_finder;
pub mod first_run;
pub mod highlight;
pub mod input;
pub mod markdown;
pub mod mcp;
pub mod palette;
pub mod question;
pub mod rewind;
pub mod slash_popup;
pub mod status;
pub mod styled_wrap;
pub mod text;
pub mod tool_row;
pub mod welcome;
/// Themes are data the reducer reads too; this keeps `ui::theme` for the binary and benches.
pub use crate::theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Direction, Layout, Rect};

use crate::app::model::{Focus, Model};
use crate::app::overlay::{self, OverlayKind};
pub use conversation::TranscriptMetrics;

/// Below this size the screen only asks to be made bigger (3 rows: the input and the status
/// bar still fit).
const MIN_WIDTH: u16 = 12;
const MIN_HEIGHT: u16 = 3;

/// Terminals at least this wide show the activity pane beside the conversation.
const SIDE_BY_SIDE_MIN_WIDTH: u16 = 110;

/// Rendered lines kept between frames.
#[derive(Default)]
pub struct RenderCache {
    pub transcript: conversation::TranscriptCache,
    pub approval: approval::ApprovalCache,
    pub diff_pane: diff_pane::DiffPaneCache,
    /// The theme the cached lines were drawn in: another theme draws everything anew.
    pub theme: String,
}

pub fn view(model: &Model, cache: &mut RenderCache, frame: &mut Frame) -> TranscriptMetrics {
    let area = frame.area();
    draw(model, cache, area, frame.buffer_mut())
}

/// Draws the whole screen into `buf`.
pub fn draw(
    model: &Model,
    cache: &mut RenderCache,
    area: Rect,
    buf: &mut Buffer,
) -> TranscriptMetrics {
    if cache.theme != model.theme.name {
        *cache = RenderCache {
            theme: model.theme.name.clone(),
            ..RenderCache::default()
        };
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        // Nothing fits: say so in whatever room there is.
        let note = ratatui::text::Line::styled(
            "claw: enlarge the terminal",
            ratatui::style::Style::default().fg(model.theme.dim),
        );
        if area.height > 0 {
            buf.set_line(area.x, area.y, &note, area.width);
        }
        return TranscriptMetrics {
            lines: model.transcript_lines,
            rows: model.viewport_rows,
            top: model.transcript_top,
            top_cell: model.transcript_top_cell,
            settled: true,
        };
    }
    let input_height = input::wanted_height(model).min(area.height.saturating_sub(2));
    let [main, input_area, status_area] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Min(1),
            Constraint::Length(input_height),
            Constraint::Length(1),
        ])
        .areas(area);

    let (main, prompt_area) = match model.current_approval() {
        Some(approval) => {
            let available = main.height.saturating_sub(3);
            let height = match &approval.dialog {
                Some(dialog) => question::wanted_height(dialog, main.width, available),
                None => approval::wanted_height(model, approval, main.width, available),
            };
            let [top, bottom] = Layout::default()
                .direction(Direction::Vertical)
                .constraints([Constraint::Min(3), Constraint::Length(height)])
                .areas(main);
            (top, Some((approval, bottom)))
        }
        None => (main, None),
    };

    let show_activity = !model.tools.is_empty() || model.focus == Focus::Activity;
    let metrics = if let Some(pane) = model.overlays.diff_pane() {
        diff_pane::draw(pane, &model.theme, &mut cache.diff_pane, main, buf);
        TranscriptMetrics {
            lines: model.transcript_lines,
            rows: model.viewport_rows,
            top: model.transcript_top,
            top_cell: model.transcript_top_cell,
            settled: true,
        }
    } else if show_activity && area.width >= SIDE_BY_SIDE_MIN_WIDTH {
        let [left, right] = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Percentage(62), Constraint::Percentage(38)])
            .areas(main);
        activity::draw(model, right, buf);
        conversation::draw(model, &mut cache.transcript, left, buf)
    } else if model.focus == Focus::Activity {
        activity::draw(model, main, buf);
        TranscriptMetrics {
            lines: model.transcript_lines,
            rows: model.viewport_rows,
            top: model.transcript_top,
            top_cell: model.transcript_top_cell,
            settled: true,
        }
    } else {
        conversation::draw(model, &mut cache.transcript, main, buf)
    };

    input::draw(model, input_area, buf);
    status::draw(model, status_area, buf);
    // The floating overlays, bottom to top: the one that gets the keys is painted last.
    for open in overlay::stack(model) {
        match open {
            OverlayKind::SlashPopup => {
                if let Some(choices) = model.slash_popup() {
                    slash_popup::draw(model, &choices, input_area, area, buf);
                }
            }
            OverlayKind::Mention => {
                if let Some(picker) = model.overlays.mention() {
                    file_finder::draw(model, picker, input_area, area, buf);
                }
            }
            OverlayKind::Palette => {
                if let Some(palette) = model.overlays.palette() {
                    palette::draw(model, palette, above_input(area, input_area), buf);
                }
            }
            OverlayKind::Rewind => {
                if let Some(picker) = model.overlays.rewind() {
                    rewind::draw(model, picker, above_input(area, input_area), buf);
                }
            }
            OverlayKind::McpApproval => {
                if let Some(dialog) = model.overlays.mcp_approval() {
                    mcp::draw_approval(model, dialog, area, buf);
                }
            }
            OverlayKind::McpPanel => {
                if let Some(panel) = model.overlays.mcp_panel() {
                    mcp::draw_panel(model, panel, above_input(area, input_area), buf);
                }
            }
            OverlayKind::BrokenSettings => {
                if let Some(dialog) = model.overlays.broken_settings() {
                    broken_settings::draw(model, dialog, area, buf);
                }
            }
            OverlayKind::FirstRun => {
                if let Some(screen) = model.overlays.first_run() {
                    first_run::draw(model, screen, area, buf);
                }
            }
            // The prompt waiting for the user, in its place below the conversation: after the
            // palette, so nothing covers it.
            OverlayKind::Approval => {
                if let Some((approval, prompt)) = prompt_area {
                    approval::draw(model, approval, &mut cache.approval, prompt, buf);
                }
            }
            OverlayKind::Question => {
                if let Some((dialog, prompt)) = prompt_area
                    .and_then(|(approval, prompt)| approval.dialog.as_ref().map(|d| (d, prompt)))
                {
                    question::draw(model, dialog, prompt, buf);
                }
            }
            OverlayKind::Elicitation => {
                if let Some(form) = model.elicitations.front() {
                    elicitation::draw(model, form, area, buf);
                }
            }
            // Drawn in their place above: the searches in the input box and the conversation,
            // `/diff` instead of the conversation.
            OverlayKind::HistorySearch | OverlayKind::Search | OverlayKind::DiffPane => {}
        }
    }
    metrics
}

/// The screen above the input box, where the pickers float.
fn above_input(screen: Rect, input: Rect) -> Rect {
    Rect {
        height: input.y.saturating_sub(screen.y),
        ..screen
    }
}

#[cfg(test)]
mod approval_footer_tests;
#[cfg(test)]
mod conversation_tests;
#[cfg(test)]
mod elicitation_tests;
#[cfg(test)]
mod model_list_tests;
#[cfg(test)]
mod server_tool_tests;
#[cfg(test)]
pub(crate) mod tests;
