//! The MCP servers on screen, driven by Msgs: the start-up dialog, `/mcp`'s panel, prompts as
//! slash commands and resources in the `@` finder; and their rendered buffers.

use crossterm::event::KeyCode;

use crate::app::Effect;
use crate::app::tests::Harness;
use crate::protocol::mcp::{
    McpAction, McpPromptArgument, McpPromptInfo, McpResourceInfo, McpServerInfo, McpState,
    McpToolInfo,
};
use crate::protocol::{AgentEvent, Op};

pub(crate) fn server(name: &str, state: McpState) -> McpServerInfo {
    McpServerInfo {
        name: name.into(),
        state,
        transport: "stdio".into(),
        target: format!("node {name}/index.js stdio"),
        scope: "project".into(),
        from_mcp_json: true,
        ..Default::default()
    }
}

/// server-everything as the agent lists it once connected (a few of its tools and all kinds).
pub(crate) fn everything() -> McpServerInfo {
    let mut s = server("everything", McpState::Connected);
    s.tools = ["echo", "get-sum", "trigger-long-running-operation"]
        .iter()
        .map(|t| McpToolInfo {
            name: format!("mcp__everything__{t}"),
            remote: t.to_string(),
            description: format!("What {t} does"),
        })
        .collect();
    s.resources = vec![McpResourceInfo {
        uri: "demo://resource/static/document/architecture.md".into(),
        name: "architecture.md".into(),
        description: String::new(),
    }];
    s.prompts = vec![McpPromptInfo {
        command: "mcp__everything__args-prompt".into(),
        remote: "args-prompt".into(),
        description: "A prompt with arguments".into(),
        arguments: vec![
            McpPromptArgument {
                name: "city".into(),
                description: String::new(),
                required: true,
            },
            McpPromptArgument {
                name: "state".into(),
                description: String::new(),
                required: false,
            },
        ],
    }];
    s
}

fn mcp_ops(effects: &[Effect]) -> Vec<(McpAction, Vec<String>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(Op::Mcp { action, servers }) => Some((*action, servers.clone())),
            _ => None,
        })
        .collect()
}

fn waiting_two() -> Harness {
    let mut h = Harness::new();
    h.agent(AgentEvent::McpServers(vec![
        server("db", McpState::NeedsApproval),
        server("search", McpState::NeedsApproval),
    ]));
    // Past the grace in which keys meant for the input are dropped.
    h.advance(500);
    h
}

#[test]
fn keys_typed_as_the_dialog_appears_do_not_answer_it() {
    let mut h = Harness::new();
    h.agent(AgentEvent::McpServers(vec![server(
        "db",
        McpState::NeedsApproval,
    )]));
    // "add a test", typed at start-up: its `a` must not approve the server.
    h.advance(100);
    assert!(mcp_ops(&h.key(KeyCode::Char('a'))).is_empty());
    assert!(h.model.overlays.mcp_approval().is_some());
    h.advance(400);
    assert_eq!(
        mcp_ops(&h.key(KeyCode::Char('a'))),
        [(McpAction::Enable, vec!["db".to_string()])]
    );
}

#[test]
fn new_project_servers_open_the_dialog_once() {
    let mut h = waiting_two();
    let dialog = h.model.overlays.mcp_approval().expect("the dialog is open");
    assert_eq!(dialog.servers.len(), 2);
    assert_eq!(dialog.checked, [true, true]);
    h.advance(500);
    h.key(KeyCode::Esc);
    assert!(h.model.overlays.mcp_approval().is_none());
    // Asking later: the next lists don't open it again.
    h.agent(AgentEvent::McpServers(vec![server(
        "db",
        McpState::NeedsApproval,
    )]));
    assert!(h.model.overlays.mcp_approval().is_none());
    // Servers of the user's own or already approved never ask.
    let mut h = Harness::new();
    let mut own = server("own", McpState::Connecting);
    own.from_mcp_json = false;
    h.agent(AgentEvent::McpServers(vec![
        own,
        server("ok", McpState::Connected),
    ]));
    assert!(h.model.overlays.mcp_approval().is_none());
}

#[test]
fn the_dialog_approves_all_chooses_or_denies() {
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut h = waiting_two();
    assert_eq!(
        mcp_ops(&h.key(KeyCode::Char('a'))),
        [(McpAction::Enable, names(&["db", "search"]))]
    );
    assert!(h.model.overlays.mcp_approval().is_none());

    let mut h = waiting_two();
    h.key(KeyCode::Down);
    h.key(KeyCode::Char(' '));
    assert_eq!(
        h.model.overlays.mcp_approval().unwrap().checked,
        [true, false]
    );
    assert_eq!(
        mcp_ops(&h.key(KeyCode::Enter)),
        [
            (McpAction::Enable, names(&["db"])),
            (McpAction::Disable, names(&["search"]))
        ]
    );

    let mut h = waiting_two();
    assert_eq!(
        mcp_ops(&h.key(KeyCode::Char('n'))),
        [(McpAction::Disable, names(&["db", "search"]))]
    );
    let mut h = waiting_two();
    assert_eq!(
        mcp_ops(&h.key(KeyCode::Char('A'))),
        [(McpAction::EnableAllProject, names(&["db", "search"]))]
    );
    // Keys typed meanwhile go nowhere else.
    let mut h = waiting_two();
    h.key(KeyCode::Char('x'));
    assert_eq!(h.model.input_text(), "");
    assert!(h.model.overlays.mcp_approval().is_some());
}

#[test]
fn slash_mcp_opens_the_panel_with_keys_for_the_highlighted_server() {
    let mut h = Harness::new();
    let mut failed = server("broken", McpState::Failed("exited with status 1".into()));
    failed.stderr = "Error: cannot find module".into();
    h.agent(AgentEvent::McpServers(vec![failed, everything()]));
    h.type_text("/mcp");
    let effects = h.key(KeyCode::Enter);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Send(Op::Command { .. }))),
        "bare /mcp is the panel, not text: {effects:?}"
    );
    assert!(h.model.overlays.mcp_panel().is_some());
    assert_eq!(
        mcp_ops(&h.key(KeyCode::Char('r'))),
        [(McpAction::Reconnect, vec!["broken".to_string()])]
    );
    h.key(KeyCode::Down);
    assert_eq!(
        mcp_ops(&h.key(KeyCode::Char('d'))),
        [(McpAction::Disable, vec!["everything".to_string()])]
    );
    assert_eq!(
        mcp_ops(&h.key(KeyCode::Char('e'))),
        [(McpAction::Enable, vec!["everything".to_string()])]
    );
    h.key(KeyCode::Enter);
    assert!(h.model.overlays.mcp_panel().unwrap().tools);
    h.key(KeyCode::Esc);
    let panel = h
        .model
        .overlays
        .mcp_panel()
        .expect("Esc goes back to the list");
    assert!(!panel.tools);
    // A server gone from the list leaves the highlight on one that is there.
    h.agent(AgentEvent::McpServers(vec![everything()]));
    assert_eq!(h.model.overlays.mcp_panel().unwrap().selected, 0);
    h.key(KeyCode::Esc);
    assert!(h.model.overlays.mcp_panel().is_none());
    // With arguments it is still the agent's text command.
    h.type_text("/mcp reconnect broken");
    let effects = h.key(KeyCode::Enter);
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::Send(Op::Command { args, .. }) if args == "reconnect broken")
        ),
        "{effects:?}"
    );
}

#[test]
fn prompts_are_slash_commands_in_the_popup_and_the_palette() {
    let mut h = Harness::new();
    h.agent(AgentEvent::McpServers(vec![everything()]));
    h.type_text("/mcp__");
    let popup = h.model.slash_popup().expect("the popup offers the prompt");
    assert_eq!(popup.len(), 1);
    assert_eq!(popup[0].name, "mcp__everything__args-prompt");
    assert_eq!(popup[0].args, "<city> [state]");
    assert!(popup[0].description.contains("A prompt with arguments"));
    h.type_text("everything__args-prompt Paris");
    let effects = h.key(KeyCode::Enter);
    assert_eq!(
        effects,
        [Effect::Send(Op::McpPrompt {
            command: "mcp__everything__args-prompt".into(),
            args: "Paris".into()
        })]
    );
    assert!(h.model.busy);
    let items = crate::app::palette::items(&h.model, crate::app::palette::PaletteKind::Everything);
    let item = items
        .iter()
        .find(|i| i.label == "/mcp__everything__args-prompt")
        .expect("the palette lists it");
    assert!(item.detail.contains("<city> [state]"), "{}", item.detail);
    // A server that is not connected offers no prompts.
    let mut h = Harness::new();
    let mut off = everything();
    off.state = McpState::Disabled;
    h.agent(AgentEvent::McpServers(vec![off]));
    h.type_text("/mcp__everything__args-prompt Paris");
    let effects = h.key(KeyCode::Enter);
    assert!(effects.is_empty(), "{effects:?}");
}

#[test]
fn the_finder_offers_resources_beside_files() {
    let mut h = Harness::new();
    h.agent(AgentEvent::McpServers(vec![everything()]));
    h.type_text("read @archi");
    let picker = h.model.overlays.mention().expect("the finder is open");
    assert_eq!(picker.resources.len(), 1);
    assert_eq!(
        picker.resources[0].mention,
        "everything:demo://resource/static/document/architecture.md"
    );
    h.key(KeyCode::Tab);
    assert_eq!(
        h.model.input_text(),
        "read @everything:demo://resource/static/document/architecture.md "
    );
}

mod screens {
    use std::time::Instant;

    use super::*;
    use crate::app::Model;

    fn model() -> Model {
        crate::ui::tests::model_at(Instant::now())
    }

    fn render(model: &Model) -> String {
        format!("{:?}", crate::ui::tests::render(model, 100, 24).backend())
    }

    fn send(model: &mut Model, event: AgentEvent) {
        crate::app::update(model, crate::app::Msg::Agent(event), Instant::now());
    }

    /// A key a second later (past the dialog's grace).
    fn key(model: &mut Model, code: KeyCode) {
        crate::app::update(
            model,
            crate::app::Msg::Key(crossterm::event::KeyEvent::from(code)),
            Instant::now() + std::time::Duration::from_secs(1),
        );
    }

    #[test]
    fn the_start_up_dialog() {
        let mut m = model();
        send(
            &mut m,
            AgentEvent::McpServers(vec![
                server("everything", McpState::NeedsApproval),
                server("filesystem", McpState::NeedsApproval),
            ]),
        );
        key(&mut m, KeyCode::Down);
        key(&mut m, KeyCode::Char(' '));
        insta::assert_snapshot!(render(&m));
    }

    #[test]
    fn the_panel_lists_every_server_and_why_one_failed() {
        let mut m = model();
        let mut failed = server(
            "broken",
            McpState::Failed("the server exited with status 1".into()),
        );
        failed.stderr = "node:internal/modules\nError: Cannot find module 'x'\n    at load".into();
        let mut own = server("notes", McpState::Connecting);
        own.scope = "user".into();
        own.from_mcp_json = false;
        own.transport = "http".into();
        own.target = "https://notes.example/mcp".into();
        send(
            &mut m,
            AgentEvent::McpServers(vec![
                failed,
                everything(),
                server("later", McpState::NeedsApproval),
                own,
                server("off", McpState::Disabled),
            ]),
        );
        // Asked later: the dialog is closed.
        key(&mut m, KeyCode::Esc);
        crate::app::mcp::open_panel(&mut m);
        insta::assert_snapshot!(render(&m));
    }

    #[test]
    fn a_server_whose_sign_in_was_lost_says_why() {
        let mut m = model();
        let mut lost = server("tracker", McpState::NeedsAuth);
        lost.transport = "http".into();
        lost.target = "https://tracker.example/mcp".into();
        lost.auth_reason =
            "the sign-in could not be renewed (the token request failed: invalid_grant)".into();
        send(&mut m, AgentEvent::McpServers(vec![lost]));
        crate::app::mcp::open_panel(&mut m);
        insta::assert_snapshot!(render(&m));
    }

    #[test]
    fn a_server_that_signs_in_without_the_browser_is_not_sent_there() {
        let mut m = model();
        let mut lost = server("tracker", McpState::NeedsAuth);
        lost.transport = "http".into();
        lost.target = "https://tracker.example/mcp".into();
        lost.signs_in_without_browser = true;
        send(&mut m, AgentEvent::McpServers(vec![lost]));
        crate::app::mcp::open_panel(&mut m);
        insta::assert_snapshot!(render(&m));
    }

    #[test]
    fn enter_shows_a_servers_tools() {
        let mut m = model();
        send(&mut m, AgentEvent::McpServers(vec![everything()]));
        crate::app::mcp::open_panel(&mut m);
        key(&mut m, KeyCode::Enter);
        insta::assert_snapshot!(render(&m));
    }

    #[test]
    fn the_finder_shows_resources_with_their_names() {
        let mut m = model();
        send(&mut m, AgentEvent::McpServers(vec![everything()]));
        for c in "see @arch".chars() {
            key(&mut m, KeyCode::Char(c));
        }
        insta::assert_snapshot!(render(&m));
    }
}
