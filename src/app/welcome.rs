//! The header on the first screen: claw's version, the model, the working directory and how
//! to get going. It is the conversation's first cell, so it scrolls away like any other.

use crate::app::keymap::GlobalAction;
use crate::app::model::Model;

/// What the header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Welcome {
    pub version: String,
    pub model: String,
    pub cwd: String,
    /// Where help is, how to switch modes and mention files, with the keys in force.
    pub hint: String,
}

/// The header for the model's session, naming the keys of the keymap in force.
pub fn welcome(model: &Model) -> Welcome {
    Welcome {
        version: env!("CARGO_PKG_VERSION").into(),
        model: model.status.model.clone(),
        cwd: model.status.cwd.clone(),
        hint: format!(
            "/help commands · ? keys · {} permission modes · @ mentions a file",
            model.keymap.key_for(GlobalAction::CycleMode)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::model::StatusInfo;
    use crate::theme::Theme;

    #[test]
    fn the_hint_names_the_mode_key_in_force() {
        let mut model = Model::new(
            Theme::dark(),
            StatusInfo {
                model: "claude-sonnet-4-6".into(),
                cwd: "~/src/demo".into(),
                ..StatusInfo::default()
            },
            std::time::Instant::now(),
        );
        let header = welcome(&model);
        assert_eq!(
            (header.model.as_str(), header.cwd.as_str()),
            ("claude-sonnet-4-6", "~/src/demo")
        );
        assert!(
            header.hint.contains("Shift+Tab permission modes"),
            "{}",
            header.hint
        );
        let (keymap, warnings) =
            crate::app::keymap::Keymap::from_json(r#"{"cycleMode": "ctrl+y"}"#);
        assert!(warnings.is_empty(), "{warnings:?}");
        model.keymap = keymap;
        assert!(
            welcome(&model).hint.contains("Ctrl+Y permission modes"),
            "{}",
            welcome(&model).hint
        );
    }
}
