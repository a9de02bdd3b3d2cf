//! The command palette (Ctrl+P) and the pickers built on it: models, sessions, themes and
//! permission modes. One fuzzy list over everything the user can switch to or run; the same
//! list narrowed to one kind is the model picker (`/model`), the session picker (`/resume`)...

use crate::app::commands;
use crate::app::model::Model;
use crate::fuzzy::{FuzzyMatcher, MatchKind};
use crate::protocol::{Effort, ModelChoice, PermissionMode};
use crate::theme::Theme;

/// Which list the palette shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaletteKind {
    Everything,
    Models,
    Sessions,
    Themes,
    Modes,
    /// Messages and code blocks of the transcript, to copy.
    Copy,
}

impl PaletteKind {
    pub fn title(self) -> &'static str {
        match self {
            PaletteKind::Everything => "Command palette",
            PaletteKind::Models => "Switch model",
            PaletteKind::Sessions => "Resume a session",
            PaletteKind::Themes => "Theme",
            PaletteKind::Modes => "Permission mode",
            PaletteKind::Copy => "Copy to the clipboard",
        }
    }
}

/// What choosing an entry does.
#[derive(Clone, Debug, PartialEq)]
pub enum PaletteAction {
    /// Run `/name` (or, when it needs arguments, start typing it).
    Command(String),
    Model(String),
    Session(String),
    Theme(String),
    Mode(PermissionMode),
    /// Copy this text.
    Copy(String),
    /// Open the palette narrowed to one kind.
    Open(PaletteKind),
}

/// One entry of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct PaletteItem {
    /// The kind of entry, shown as a tag in the full palette ("command", "model"…).
    pub group: &'static str,
    pub label: String,
    pub detail: String,
    /// The one in force (current model, theme, mode).
    pub current: bool,
    pub action: PaletteAction,
}

/// An entry that matched, with the label's matched character positions.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub item: PaletteItem,
    pub positions: Vec<usize>,
}

/// The palette while it is open.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    pub kind: PaletteKind,
    pub query: String,
    pub selected: usize,
    /// The thinking effort the model picker will apply.
    pub effort: Effort,
}

impl Palette {
    pub fn new(kind: PaletteKind, effort: Effort) -> Self {
        Palette {
            kind,
            query: String::new(),
            selected: 0,
            effort,
        }
    }
}

/// Everything the palette of `kind` offers, in the order shown for an empty query.
pub fn items(model: &Model, kind: PaletteKind) -> Vec<PaletteItem> {
    let mut out = Vec::new();
    let all = kind == PaletteKind::Everything;
    if all {
        for command in commands::COMMANDS {
            out.push(PaletteItem {
                group: "command",
                label: format!("/{}", command.name),
                detail: command.description.to_string(),
                current: false,
                action: PaletteAction::Command(command.name.to_string()),
            });
        }
        let prompts = crate::app::mcp::prompt_entries(&model.mcp_servers);
        for custom in model.custom_commands.iter().chain(&prompts) {
            out.push(PaletteItem {
                group: "command",
                label: format!("/{}", custom.name),
                detail: if custom.argument_hint.is_empty() {
                    custom.description.clone()
                } else {
                    format!("{} · {}", custom.argument_hint, custom.description)
                },
                current: false,
                action: PaletteAction::Command(custom.name.clone()),
            });
        }
    }
    if all || kind == PaletteKind::Models {
        for listed in crate::app::model_list::listed_models(model) {
            out.push(PaletteItem {
                group: "model",
                label: listed.label,
                detail: model_detail(&listed.choice),
                current: listed.current,
                action: PaletteAction::Model(listed.select),
            });
        }
    }
    if all || kind == PaletteKind::Modes {
        for mode in PermissionMode::ALL {
            out.push(PaletteItem {
                group: "mode",
                label: mode.as_str().to_string(),
                detail: mode_detail(mode).to_string(),
                current: mode.as_str() == model.status.permission_mode,
                action: PaletteAction::Mode(mode),
            });
        }
    }
    if all || kind == PaletteKind::Themes {
        for name in Theme::names() {
            out.push(PaletteItem {
                group: "theme",
                label: name.to_string(),
                detail: String::new(),
                current: name == model.theme.name,
                action: PaletteAction::Theme(name.to_string()),
            });
        }
    }
    if all || kind == PaletteKind::Sessions {
        for session in model.sessions.iter().flatten() {
            out.push(PaletteItem {
                group: "session",
                label: crate::app::columns::truncate(&session.first_prompt, 60),
                detail: format!(
                    "{} · {} · ${:.4}",
                    crate::time_ago::ago(session.age_secs),
                    crate::words::count(session.messages, "message", "messages"),
                    session.cost
                ),
                current: false,
                action: PaletteAction::Session(session.id.clone()),
            });
        }
    }
    if kind == PaletteKind::Copy {
        out.extend(crate::app::copy::choices(model));
    }
    out
}

/// The entries matching the palette's query, best first.
pub fn shown(model: &Model, palette: &Palette) -> Vec<Shown> {
    let items = items(model, palette.kind);
    let mut matcher = FuzzyMatcher::new(&palette.query, MatchKind::Text);
    let mut scored: Vec<(bool, u32, usize, Shown)> = items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| {
            // Entries whose label matches come first; the others may match through their
            // group and description ("model opus", "mode read-only").
            if let Some(score) = matcher.score(&item.label) {
                let positions = matcher.positions(&item.label).unwrap_or_default();
                return Some((true, score, i, Shown { item, positions }));
            }
            let haystack = format!("{} {} {}", item.label, item.group, item.detail);
            let score = matcher.score(&haystack)?;
            let label_len = item.label.chars().count();
            let positions = matcher
                .positions(&haystack)
                .unwrap_or_default()
                .into_iter()
                .filter(|&p| p < label_len)
                .collect();
            Some((false, score, i, Shown { item, positions }))
        })
        .collect();
    // Once a label matches, description-only matches are noise.
    if scored.iter().any(|s| s.0) {
        scored.retain(|s| s.0);
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored.into_iter().map(|(_, _, _, shown)| shown).collect()
}

pub use crate::app::model_list::add_listed;

fn model_detail(choice: &ModelChoice) -> String {
    // A server's list often names a model by its id alone: once is enough.
    let mut detail = if choice.name == choice.id {
        String::new()
    } else {
        choice.name.clone()
    };
    if let Some(window) = choice.context_window {
        let window = if window >= 1_000_000 {
            format!("{}M", window / 1_000_000)
        } else {
            format!("{}K", window / 1_000)
        };
        if !detail.is_empty() {
            detail.push_str(" · ");
        }
        detail.push_str(&format!("{window} context"));
    }
    if let Some((input, output)) = choice.prices {
        detail.push_str(&format!(" · ${input}/${output} per M"));
    }
    detail
}

fn mode_detail(mode: PermissionMode) -> &'static str {
    match mode {
        PermissionMode::Default => "ask before edits and commands",
        PermissionMode::AcceptEdits => "edit files in the project without asking",
        PermissionMode::Plan => "read-only: plan first, change nothing",
        PermissionMode::BypassPermissions => "ask nothing (deny rules still apply)",
    }
}
