//! Snapshots of an MCP server's form: as it opens, and after an Accept with wrong fields.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;

use crate::app::{Msg, update};
use crate::protocol::AgentEvent;
use crate::ui::tests::{model_at, render};

#[test]
fn an_mcp_servers_form() {
    let now = Instant::now();
    let mut model = model_at(now);
    let request = crate::app::elicitation_tests::sample_request(1);
    update(
        &mut model,
        Msg::Agent(AgentEvent::ElicitationNeeded(request)),
        now,
    );
    let later = now + Duration::from_secs(1);
    for c in "claw".chars() {
        update(&mut model, Msg::Key(KeyCode::Char(c).into()), later);
    }
    insta::assert_snapshot!(render(&model, 90, 30).backend());
    // Accept with the required yes/no left empty and a bad address.
    for code in [
        KeyCode::Tab,
        KeyCode::Tab,
        KeyCode::Tab,
        KeyCode::Right,
        KeyCode::Tab,
        KeyCode::Char(' '),
        KeyCode::Tab,
    ] {
        update(&mut model, Msg::Key(code.into()), later);
    }
    for c in "ada@".chars() {
        update(&mut model, Msg::Key(KeyCode::Char(c).into()), later);
    }
    update(&mut model, Msg::Key(KeyCode::Tab.into()), later);
    update(&mut model, Msg::Key(KeyCode::Enter.into()), later);
    insta::assert_snapshot!(
        "an_mcp_servers_form_with_errors",
        render(&model, 90, 30).backend()
    );
}

#[test]
fn an_mcp_servers_page_to_open() {
    let now = Instant::now();
    let mut model = model_at(now);
    let request = crate::app::elicitation_tests::page_request(
        1,
        "https://bank.example/confirm/payment?order=8c1f4e2a9b7d4c3e&return=https%3A%2F%2Fshop.example%2Fdone",
    );
    update(
        &mut model,
        Msg::Agent(AgentEvent::ElicitationNeeded(request)),
        now,
    );
    let later = now + Duration::from_secs(1);
    update(&mut model, Msg::Key(KeyCode::Char('c').into()), later);
    insta::assert_snapshot!(render(&model, 80, 24).backend());
}

#[test]
fn a_page_a_tool_call_waits_on() {
    use crate::protocol::elicitation::RetryStep;
    let now = Instant::now();
    let mut model = model_at(now);
    let open = crate::app::elicitation_tests::retry_request(1, 1, 2, RetryStep::Open);
    update(
        &mut model,
        Msg::Agent(AgentEvent::ElicitationNeeded(open)),
        now,
    );
    insta::assert_snapshot!(
        "a_page_a_tool_call_waits_on_1_of_2",
        render(&model, 80, 24).backend()
    );
    let later = now + Duration::from_secs(1);
    update(&mut model, Msg::Key(KeyCode::Enter.into()), later);
    let waiting = crate::app::elicitation_tests::retry_request(2, 2, 2, RetryStep::Waiting);
    update(
        &mut model,
        Msg::Agent(AgentEvent::ElicitationNeeded(waiting)),
        later,
    );
    insta::assert_snapshot!(
        "a_page_a_tool_call_waits_on_opened",
        render(&model, 80, 24).backend()
    );
}
