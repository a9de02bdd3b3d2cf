//! Colours: every colour the UI draws comes from the active `Theme`. Themes are data (files in
//! `themes/`, embedded at build time); `syntax` names the syntect theme that code follows.

use ratatui::style::Color;

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    /// Ordinary text.
    pub fg: Color,
    /// Secondary text: hints, timestamps, thinking.
    pub dim: Color,
    /// Highlights: the prompt marker, key hints, the focused border.
    pub accent: Color,
    pub user: Color,
    pub assistant: Color,
    pub tool: Color,
    pub success: Color,
    pub error: Color,
    pub warning: Color,
    pub border: Color,
    pub status_fg: Color,
    pub status_bg: Color,
    pub heading: Color,
    pub link: Color,
    pub quote: Color,
    pub inline_code: Color,
    pub code_bg: Color,
    pub diff_added_fg: Color,
    pub diff_added_bg: Color,
    pub diff_removed_fg: Color,
    pub diff_removed_bg: Color,
    pub diff_gutter: Color,
    /// The syntect theme name for code blocks and diffs.
    pub syntax: String,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}

impl Theme {
    pub fn dark() -> Self {
        Theme {
            name: "dark".into(),
            fg: Color::Rgb(0xd8, 0xde, 0xe9),
            dim: Color::Rgb(0x7a, 0x84, 0x94),
            accent: Color::Rgb(0xe0, 0x8f, 0x5a),
            user: Color::Rgb(0x88, 0xc0, 0xd0),
            assistant: Color::Rgb(0xd8, 0xde, 0xe9),
            tool: Color::Rgb(0xb4, 0x8e, 0xad),
            success: Color::Rgb(0xa3, 0xbe, 0x8c),
            error: Color::Rgb(0xbf, 0x61, 0x6a),
            warning: Color::Rgb(0xeb, 0xcb, 0x8b),
            border: Color::Rgb(0x4c, 0x56, 0x6a),
            status_fg: Color::Rgb(0xd8, 0xde, 0xe9),
            status_bg: Color::Rgb(0x2e, 0x34, 0x40),
            heading: Color::Rgb(0x81, 0xa1, 0xc1),
            link: Color::Rgb(0x88, 0xc0, 0xd0),
            quote: Color::Rgb(0x9a, 0xa4, 0xb4),
            inline_code: Color::Rgb(0xeb, 0xcb, 0x8b),
            code_bg: Color::Rgb(0x24, 0x29, 0x33),
            diff_added_fg: Color::Rgb(0xa3, 0xbe, 0x8c),
            diff_added_bg: Color::Rgb(0x1f, 0x3a, 0x24),
            diff_removed_fg: Color::Rgb(0xbf, 0x61, 0x6a),
            diff_removed_bg: Color::Rgb(0x3f, 0x1f, 0x24),
            diff_gutter: Color::Rgb(0x5c, 0x66, 0x7a),
            syntax: "base16-ocean.dark".into(),
        }
    }
}
