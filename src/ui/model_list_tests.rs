//! The model picker over several providers and the status bar naming the provider: what the
//! user sees as each provider's list comes in, and what choosing one does.

use std::time::Instant;

use crossterm::event::KeyCode;

use crate::app::palette_tests::palette_model;
use crate::app::{Effect, Msg, update};
use crate::protocol::{AgentEvent, LookupAnswer, LookupId, ModelChoice, Op};
use crate::ui::tests::render;

fn listed(asked: LookupId, provider: &str, ids: &[&str], window: Option<u64>) -> AgentEvent {
    AgentEvent::LookedUp {
        id: asked,
        answer: LookupAnswer::Models(
            ids.iter()
                .map(|id| ModelChoice {
                    id: id.to_string(),
                    name: id.to_string(),
                    context_window: window,
                    prices: None,
                    thinks: true,
                    provider: provider.to_string(),
                })
                .collect(),
        ),
    }
}

fn key(model: &mut crate::app::Model, code: KeyCode) -> Vec<Effect> {
    update(model, Msg::Key(code.into()), Instant::now())
}

#[test]
fn the_picker_fills_with_each_providers_models_grouped_by_provider() {
    let mut model = palette_model();
    let now = Instant::now();
    update(&mut model, Msg::Paste("/model".into()), now);
    let effects = key(&mut model, KeyCode::Enter);
    let asked = crate::app::lookups::id_in(&effects, crate::protocol::Lookup::Models);
    // Open at once with the catalog; the providers answer later, in any order.
    let before = format!("{}", render(&model, 100, 20).backend());
    assert!(before.contains("│   claude-opus-5 "), "{before}");
    update(
        &mut model,
        Msg::Agent(listed(asked, "ollama", &["qwen3:8b", "llama3.1:8b"], None)),
        now,
    );
    update(
        &mut model,
        Msg::Agent(listed(
            asked,
            "lmstudio",
            &["openai/gpt-oss-20b"],
            Some(131_072),
        )),
        now,
    );
    // Ollama answers again (the list is asked once a session, but a provider may answer
    // twice): its models replace its own, never pile up.
    update(
        &mut model,
        Msg::Agent(listed(asked, "ollama", &["qwen3:8b", "llama3.1:8b"], None)),
        now,
    );
    let palette = model.overlays.palette().cloned().unwrap();
    let labels: Vec<String> = crate::app::palette::shown(&model, &palette)
        .into_iter()
        .map(|s| s.item.label)
        .collect();
    assert_eq!(labels.len(), 10 + 3, "{labels:?}");
    assert_eq!(labels[0], "anthropic/claude-opus-5");
    assert_eq!(
        &labels[10..],
        [
            "lmstudio/openai/gpt-oss-20b",
            "ollama/qwen3:8b",
            "ollama/llama3.1:8b"
        ]
    );
    insta::assert_snapshot!(render(&model, 100, 24).backend());

    for c in "qwen".chars() {
        key(&mut model, KeyCode::Char(c));
    }
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Send(Op::SetModel {
            model: "ollama/qwen3:8b".into()
        })]
    );
    assert_eq!(
        (model.status.provider.as_str(), model.status.model.as_str()),
        ("ollama", "qwen3:8b")
    );
    // The agent confirms; the picker now marks Ollama's model and offers Claude by provider.
    update(
        &mut model,
        Msg::Agent(AgentEvent::SessionInfo {
            model: "qwen3:8b".into(),
            cwd: "~/src/demo".into(),
            context_window: 40_960,
            provider: "ollama".into(),
        }),
        now,
    );
    update(&mut model, Msg::Paste("/model".into()), now);
    key(&mut model, KeyCode::Enter);
    let palette = model.overlays.palette().cloned().unwrap();
    let shown = crate::app::palette::shown(&model, &palette);
    assert_eq!(shown[palette.selected].item.label, "ollama/qwen3:8b");
    assert!(shown[palette.selected].item.current);
    assert_eq!(
        shown[0].item.label, "ollama/qwen3:8b",
        "the session's provider first"
    );
    for c in "haiku".chars() {
        key(&mut model, KeyCode::Char(c));
    }
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Send(Op::SetModel {
            model: "anthropic/claude-haiku-4-5".into()
        })]
    );
}

#[test]
fn the_status_bar_names_a_provider_other_than_anthropic() {
    let mut model = palette_model();
    model.status.cwd = "~/src/demo".into();
    let now = Instant::now();
    let info = |provider: &str, id: &str| {
        Msg::Agent(AgentEvent::SessionInfo {
            model: id.into(),
            cwd: "~/src/demo".into(),
            context_window: 8192,
            provider: provider.into(),
        })
    };
    update(&mut model, info("llamacpp", "gpt-oss-20b"), now);
    let local = format!("{}", render(&model, 100, 3).backend());
    update(&mut model, info("anthropic", "claude-sonnet-4-6"), now);
    let claude = format!("{}", render(&model, 100, 3).backend());
    assert!(!claude.contains("anthropic/"), "{claude}");
    insta::assert_snapshot!(format!("{local}\n{claude}"));
}
