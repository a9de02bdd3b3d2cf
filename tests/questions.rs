//! AskUserQuestion from the model to the user's keys and back: the agent's request opens the
//! choice dialog in the UI's reducer, arrow keys, Space and Enter answer it, and the tool result
//! the model gets carries each question with the chosen answers.

mod support;

use std::time::{Duration, Instant};

use claw::app::model::StatusInfo;
use claw::app::{Effect, Model, Msg, update};
use claw::protocol::{AgentEvent, ApprovalPreview, Op};
use claw::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent};
use fake_server::{FakeServer, Reply};
use serde_json::json;

use support::turns::{next, send, start_bypassing, tool_results};

#[tokio::test]
async fn the_answers_chosen_with_the_keys_reach_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "q1",
            "AskUserQuestion",
            json!({"questions": [
                {"question": "Which port?", "header": "Port", "options": [
                    {"label": "8080", "description": "the usual"}, {"label": "3000"}]},
                {"question": "Which parts?", "header": "Parts", "multiSelect": true, "options": [
                    {"label": "api"}, {"label": "web"}, {"label": "cli"}]}
            ]}),
        ),
        Reply::text("using them"),
    ])
    .await
    .unwrap();
    let mut handle = start_bypassing(&server, dir.path());
    send(
        &handle,
        [Op::UserTurn {
            text: "set up".into(),
        }],
    );
    let start = Instant::now();
    let mut ui = Model::new(Theme::dark(), StatusInfo::default(), start);
    // After the approval grace: these keys are meant for the dialog.
    let later = start + Duration::from_secs(1);
    let keys = [
        KeyCode::Down,
        KeyCode::Enter,
        KeyCode::Char(' '),
        KeyCode::Down,
        KeyCode::Down,
        KeyCode::Char(' '),
        KeyCode::Enter,
    ];
    loop {
        let event = next(&mut handle).await;
        let asked = matches!(&event, AgentEvent::ApprovalNeeded(r)
            if matches!(&r.preview, ApprovalPreview::Questions(q)
                if q[0].header == "Port" && q[0].descriptions[0] == "the usual" && q[1].multi_select));
        let ended = matches!(event, AgentEvent::TurnEnded { .. });
        update(&mut ui, Msg::Agent(event), start);
        if asked {
            let mut effects = Vec::new();
            for code in keys {
                effects.extend(update(&mut ui, Msg::Key(KeyEvent::from(code)), later));
            }
            for effect in effects {
                if let Effect::Send(op) = effect {
                    send(&handle, [op]);
                }
            }
        }
        if ended {
            break;
        }
    }
    let result = tool_results(server.requests()[1].last_message().unwrap());
    assert!(!result[0].1, "{result:?}");
    assert!(result[0].2.contains("Which port? → 3000"), "{result:?}");
    assert!(
        result[0].2.contains("Which parts? → api, cli"),
        "{result:?}"
    );
}

#[tokio::test]
async fn questions_the_user_declines_tell_the_model_so_not_that_a_tool_was_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start(vec![
        Reply::tool_use(
            "",
            "q1",
            "AskUserQuestion",
            json!({"questions": [{"question": "Which port?", "options": [{"label": "80"}, {"label": "81"}]}]}),
        ),
        Reply::text("going on without it"),
    ])
    .await
    .unwrap();
    let mut handle = start_bypassing(&server, dir.path());
    send(
        &handle,
        [Op::UserTurn {
            text: "set up".into(),
        }],
    );
    loop {
        match next(&mut handle).await {
            AgentEvent::ApprovalNeeded(request) => send(
                &handle,
                [Op::Decide {
                    id: request.id,
                    decision: claw::protocol::Decision::Deny,
                }],
            ),
            AgentEvent::TurnEnded { .. } => break,
            _ => {}
        }
    }
    let result = tool_results(server.requests()[1].last_message().unwrap());
    assert_eq!(
        result,
        vec![(
            "q1".to_string(),
            true,
            "The user declined to answer these questions.".to_string()
        )]
    );
}
