//! `/diff` on screen: the changed files on the left (status, path, +/−), the selected file's
//! diff on the right (unified or side by side, as in the approval prompt), the keys below.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::app::diff_layout::DiffLayout;
use crate::app::diff_pane::{DiffPane, list_width};
use crate::diff::FileDiff;
use crate::theme::Theme;
use crate::ui::diff_view::{self, DiffRender};

/// The selected file's highlighted diff, kept while the same diff is shown at the same width
/// and layout (highlighting is the expensive part; scrolling only moves the window).
#[derive(Default)]
pub struct DiffPaneCache {
    key: Option<(FileDiff, u16, DiffLayout)>,
    render: Option<DiffRender>,
}

impl DiffPaneCache {
    fn lines(
        &mut self,
        diff: &FileDiff,
        width: u16,
        layout: DiffLayout,
        theme: &Theme,
    ) -> &[Line<'static>] {
        let fresh = self
            .key
            .as_ref()
            .is_some_and(|(d, w, l)| *w == width && *l == layout && d == diff);
        if !fresh {
            self.key = Some((diff.clone(), width, layout));
            self.render = None;
        }
        &self
            .render
            .get_or_insert_with(|| diff_view::render_diff(diff, width, layout, theme))
            .lines
    }
}

pub fn draw(
    pane: &DiffPane,
    theme: &Theme,
    cache: &mut DiffPaneCache,
    area: Rect,
    buf: &mut Buffer,
) {
    Clear.render(area, buf);
    let (added, removed) = pane
        .files
        .iter()
        .fold((0, 0), |(a, r), f| (a + f.diff.added, r + f.diff.removed));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme.accent))
        .title(Span::styled(
            format!(
                " Changes — {} file{}, +{added} −{removed} ",
                pane.files.len(),
                if pane.files.len() == 1 { "" } else { "s" }
            ),
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let keys_row = inner.y + inner.height - 1;
    let keys = "↑/↓ file · PgUp/PgDn/Space scroll · J/K line · [ ] hunk · v layout · Esc close";
    buf.set_line(
        inner.x + 1,
        keys_row,
        &Line::styled(
            crate::ui::text::truncate(keys, inner.width.saturating_sub(2) as usize),
            Style::default().fg(theme.dim),
        ),
        inner.width.saturating_sub(1),
    );
    let body_height = inner.height - 1;
    if pane.files.is_empty() {
        let message = "No changes in the working tree.";
        let x = inner.x + inner.width.saturating_sub(message.len() as u16) / 2;
        buf.set_line(
            x,
            inner.y + body_height / 2,
            &Line::styled(message, Style::default().fg(theme.dim)),
            inner.width,
        );
        return;
    }
    let list = list_width(inner.width);
    draw_list(
        pane,
        theme,
        Rect::new(inner.x, inner.y, list, body_height),
        buf,
    );
    for y in inner.y..inner.y + body_height {
        buf[(inner.x + list, y)]
            .set_symbol("│")
            .set_style(Style::default().fg(theme.border));
    }
    let diff_rect = Rect::new(
        inner.x + list + 1,
        inner.y,
        inner.width.saturating_sub(list + 1),
        body_height,
    );
    let Some(file) = pane.files.get(pane.selected) else {
        return;
    };
    let layout = pane.layout_for(file, diff_rect.width);
    let rendered = cache.lines(&file.diff, diff_rect.width, layout, theme);
    // Under the header: how the file was renamed, and git's note about it.
    let mut notes = Vec::new();
    if let crate::gitdiff::FileStatus::Renamed { from } = &file.status {
        notes.push(Line::styled(
            format!("renamed from {from}"),
            Style::default().fg(theme.dim),
        ));
    }
    if let Some(note) = &file.note {
        notes.push(Line::styled(
            format!("({note})"),
            Style::default().fg(theme.dim),
        ));
    }
    let lines = rendered
        .iter()
        .take(1)
        .chain(notes.iter())
        .chain(rendered.iter().skip(1));
    let max_scroll = (rendered.len() + notes.len()).saturating_sub(body_height as usize);
    for (y, line) in lines
        .skip(pane.scroll.min(max_scroll))
        .take(body_height as usize)
        .enumerate()
    {
        buf.set_line(diff_rect.x, diff_rect.y + y as u16, line, diff_rect.width);
    }
}

fn draw_list(pane: &DiffPane, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let first = pane
        .selected
        .saturating_sub(area.height.saturating_sub(1) as usize);
    for (row, (i, file)) in pane
        .files
        .iter()
        .enumerate()
        .skip(first)
        .take(area.height as usize)
        .enumerate()
    {
        let mut base = Style::default().fg(theme.fg);
        if i == pane.selected {
            base = base.add_modifier(Modifier::REVERSED);
        }
        let counts = format!(" +{} −{}", file.diff.added, file.diff.removed);
        let mark = format!(" {} ", file.status.mark());
        let room = (area.width as usize).saturating_sub(counts.chars().count() + mark.len());
        // Long paths keep their end: the file name.
        let chars: Vec<char> = file.diff.path.chars().collect();
        let path: String = if chars.len() > room {
            let keep = room.saturating_sub(1);
            std::iter::once('…')
                .chain(chars[chars.len() - keep..].iter().copied())
                .collect()
        } else {
            file.diff.path.clone()
        };
        let pad = room.saturating_sub(path.chars().count());
        let line = Line::from(vec![
            Span::styled(mark, base.fg(theme.warning)),
            Span::styled(path, base),
            Span::styled(" ".repeat(pad), base),
            Span::styled(format!(" +{}", file.diff.added), base.fg(theme.success)),
            Span::styled(format!(" −{}", file.diff.removed), base.fg(theme.error)),
        ]);
        buf.set_line(area.x, area.y + row as u16, &line, area.width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highlighted_diff_is_kept_until_the_diff_width_or_layout_changes() {
        let diff = FileDiff::compute("a.rs", "fn a() {}\n", "fn b() {}\n", false);
        let dark = Theme::dark();
        let light = Theme::builtin("light").unwrap();
        let mut cache = DiffPaneCache::default();
        let first = cache.lines(&diff, 60, DiffLayout::Unified, &dark).to_vec();
        // Drawn again (another theme would colour it differently): the kept lines come back.
        assert_eq!(cache.lines(&diff, 60, DiffLayout::Unified, &light), first);
        let relit = diff_view::render_diff(&diff, 60, DiffLayout::Unified, &light).lines;
        assert_ne!(relit, first);
        assert_eq!(
            cache.lines(&diff, 61, DiffLayout::Unified, &light).len(),
            relit.len()
        );
        assert_ne!(
            cache.lines(&diff, 61, DiffLayout::Unified, &light),
            &first[..]
        );
        let other = FileDiff::compute("a.rs", "fn a() {}\n", "fn c() {}\n", false);
        let changed = cache
            .lines(&other, 61, DiffLayout::Unified, &light)
            .to_vec();
        assert_eq!(
            changed,
            diff_view::render_diff(&other, 61, DiffLayout::Unified, &light).lines
        );
    }
}
