//! Colours: every colour the UI draws comes from the active `Theme`. Themes are data (files in
//! `themes/`, embedded at build time); `syntax` names the syntect theme that code follows.

use std::str::FromStr;

use ratatui::style::Color;
use serde_json::Value;

/// The themes shipped with claw, embedded at build time.
const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../themes/dark.json")),
    ("light", include_str!("../themes/light.json")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.json"),
    ),
];

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
    /// The names of the built-in themes.
    pub fn names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(name, _)| *name).collect()
    }

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Option<Theme> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, json)| Theme::from_json(json).ok())
    }

    /// Parses a theme file: colours as "#rrggbb" or names ("lightcyan"); a missing key keeps
    /// the dark theme's colour.
    pub fn from_json(json: &str) -> Result<Theme, String> {
        let value: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut theme = Theme::fallback();
        let color = |key: &str, into: &mut Color| -> Result<(), String> {
            if let Some(text) = value.get(key).and_then(Value::as_str) {
                *into = Color::from_str(text)
                    .map_err(|_| format!("{key}: `{text}` is not a colour"))?;
            }
            Ok(())
        };
        color("fg", &mut theme.fg)?;
        color("dim", &mut theme.dim)?;
        color("accent", &mut theme.accent)?;
        color("user", &mut theme.user)?;
        color("assistant", &mut theme.assistant)?;
        color("tool", &mut theme.tool)?;
        color("success", &mut theme.success)?;
        color("error", &mut theme.error)?;
        color("warning", &mut theme.warning)?;
        color("border", &mut theme.border)?;
        color("status_fg", &mut theme.status_fg)?;
        color("status_bg", &mut theme.status_bg)?;
        color("heading", &mut theme.heading)?;
        color("link", &mut theme.link)?;
        color("quote", &mut theme.quote)?;
        color("inline_code", &mut theme.inline_code)?;
        color("code_bg", &mut theme.code_bg)?;
        color("diff_added_fg", &mut theme.diff_added_fg)?;
        color("diff_added_bg", &mut theme.diff_added_bg)?;
        color("diff_removed_fg", &mut theme.diff_removed_fg)?;
        color("diff_removed_bg", &mut theme.diff_removed_bg)?;
        color("diff_gutter", &mut theme.diff_gutter)?;
        if let Some(name) = value.get("name").and_then(Value::as_str) {
            theme.name = name.to_string();
        }
        if let Some(syntax) = value.get("syntax").and_then(Value::as_str) {
            theme.syntax = syntax.to_string();
        }
        Ok(theme)
    }

    /// The dark theme from `themes/dark.json`.
    pub fn dark() -> Self {
        Theme::builtin("dark").unwrap_or_else(Theme::fallback)
    }

    /// Hard-coded colours, used only if an embedded theme file were broken (a test checks).
    fn fallback() -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses_and_names_a_syntect_theme() {
        let syntect = syntect::highlighting::ThemeSet::load_defaults();
        for (name, json) in BUILTIN {
            let theme = Theme::from_json(json).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(theme.name, *name);
            assert!(
                syntect.themes.contains_key(&theme.syntax),
                "{name}: {}",
                theme.syntax
            );
        }
        assert_eq!(Theme::dark().fg, Theme::fallback().fg);
        assert_ne!(Theme::builtin("light").unwrap().fg, Theme::dark().fg);
        assert!(Theme::from_json(r#"{"fg": "not-a-colour"}"#).is_err());
    }
}
