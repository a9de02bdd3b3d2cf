//! The elicitation form through the reducer: it opens on top of the stack, drops keys typed as
//! it appears, edits each kind of field, refuses a wrong Accept with a message per field, and
//! answers accept, decline or cancel with `Op::Elicit`.

use crossterm::event::KeyCode;

use crate::app::Effect;
use crate::app::elicitation::{Button, Entry};
use crate::app::overlay::{OverlayKind, stack};
use crate::app::tests::Harness;
use crate::protocol::elicitation::{
    BeforeRetry, ChoiceOption, ElicitationAnswer, ElicitationRequest, FieldKind, FieldValue,
    FormField, RetryStep, UrlElicitation,
};
use crate::protocol::{AgentEvent, Op};

pub(crate) fn sample_request(id: u64) -> ElicitationRequest {
    let field =
        |name: &str, required: bool, kind: FieldKind, default: Option<FieldValue>| FormField {
            name: name.into(),
            label: name.to_uppercase(),
            description: String::new(),
            required,
            kind,
            default,
        };
    let options = |values: &[&str]| {
        values
            .iter()
            .map(|v| ChoiceOption {
                value: v.to_string(),
                label: format!("{v}!"),
            })
            .collect::<Vec<_>>()
    };
    ElicitationRequest {
        id,
        server: "github".into(),
        message: "Which repository should the issue go to?".into(),
        fields: vec![
            field(
                "repo",
                true,
                FieldKind::Text {
                    min_length: Some(3),
                    max_length: None,
                    format: None,
                },
                None,
            ),
            field(
                "count",
                false,
                FieldKind::Number {
                    integer: true,
                    minimum: Some(1.0),
                    maximum: Some(10.0),
                },
                Some(FieldValue::Integer(2)),
            ),
            field("private", true, FieldKind::Boolean, None),
            field(
                "kind",
                false,
                FieldKind::Choice {
                    options: options(&["bug", "idea"]),
                    multiple: false,
                    min_items: None,
                    max_items: None,
                },
                None,
            ),
            field(
                "labels",
                false,
                FieldKind::Choice {
                    options: options(&["ui", "agent", "docs"]),
                    multiple: true,
                    min_items: None,
                    max_items: Some(2),
                },
                None,
            ),
            field(
                "email",
                false,
                FieldKind::Text {
                    min_length: None,
                    max_length: None,
                    format: Some("email".into()),
                },
                None,
            ),
        ],
        url: None,
    }
}

/// A URL-mode request: a page to open instead of a form.
pub(crate) fn page_request(id: u64, url: &str) -> ElicitationRequest {
    ElicitationRequest {
        id,
        server: "payments".into(),
        message: "Confirm the payment of 12 EUR in your bank's page.".into(),
        fields: Vec::new(),
        url: Some(UrlElicitation {
            url: url.into(),
            elicitation_id: "pay-1".into(),
            before_retry: None,
        }),
    }
}

/// Page `page` of `pages` a tool call waits on, at `step`.
pub(crate) fn retry_request(
    id: u64,
    page: usize,
    pages: usize,
    step: RetryStep,
) -> ElicitationRequest {
    let mut request = page_request(id, "https://auth.example/sign-in?session=7f3a");
    request.server = "tickets".into();
    request.message = "Sign in to Tickets to let claw read your issues.".into();
    if let Some(url) = &mut request.url {
        url.before_retry = Some(BeforeRetry { page, pages, step });
    }
    request
}

fn answered(effects: &[Effect]) -> Option<(u64, ElicitationAnswer)> {
    effects.iter().find_map(|e| match e {
        Effect::Send(Op::Elicit { id, answer }) => Some((*id, answer.clone())),
        _ => None,
    })
}

fn opened() -> Harness {
    let mut h = Harness::new();
    h.agent(AgentEvent::ElicitationNeeded(sample_request(7)));
    h
}

#[test]
fn the_form_opens_on_top_and_ignores_keys_typed_as_it_appears() {
    let mut h = opened();
    assert_eq!(stack(&h.model).last(), Some(&OverlayKind::Elicitation));
    assert_eq!(h.model.activity(), crate::app::model::Activity::FillingForm);
    h.type_text("xy");
    assert_eq!(
        h.model.elicitations[0].entries[0],
        Entry::Typed(String::new())
    );
    assert_eq!(h.model.input.lines()[0], "", "nor do they reach the input");
    h.advance(500);
    h.type_text("claw");
    assert_eq!(
        h.model.elicitations[0].entries[0],
        Entry::Typed("claw".into())
    );
}

#[test]
fn every_kind_of_field_is_edited_and_accept_sends_the_values() {
    let mut h = opened();
    h.advance(500);
    h.type_text("clax");
    h.key(KeyCode::Backspace);
    h.type_text("w");
    h.key(KeyCode::Tab);
    // The default 2 is there; it becomes 25, then 5.
    h.type_text("5");
    h.key(KeyCode::Left);
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Backspace);
    h.type_text("5");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Down);
    h.key(KeyCode::Right);
    h.key(KeyCode::Right);
    h.key(KeyCode::Left);
    h.key(KeyCode::Down);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Right);
    h.key(KeyCode::Right);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    assert_eq!(
        h.model.elicitations[0].cursor,
        h.model.elicitations[0].buttons_row()
    );
    let effects = h.key(KeyCode::Enter);
    assert_eq!(
        answered(&effects),
        Some((
            7,
            ElicitationAnswer::Accept(vec![
                ("repo".into(), FieldValue::Text("claw".into())),
                ("count".into(), FieldValue::Integer(5)),
                ("private".into(), FieldValue::Boolean(true)),
                ("kind".into(), FieldValue::Choice("bug".into())),
                (
                    "labels".into(),
                    FieldValue::Choices(vec!["ui".into(), "docs".into()])
                ),
            ])
        ))
    );
    assert!(h.model.elicitations.is_empty());
    assert!(!stack(&h.model).contains(&OverlayKind::Elicitation));
}

#[test]
fn a_wrong_accept_says_what_is_wrong_with_each_field_and_keeps_the_form() {
    let mut h = opened();
    h.advance(500);
    h.type_text("ab");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Backspace);
    h.type_text("11");
    for _ in 0..3 {
        h.key(KeyCode::Tab);
    }
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Right);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Right);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Tab);
    h.type_text("not an address");
    h.key(KeyCode::Tab);
    let effects = h.key(KeyCode::Enter);
    assert_eq!(answered(&effects), None, "nothing is sent");
    let form = &h.model.elicitations[0];
    assert_eq!(form.errors[0].as_deref(), Some("At least 3 characters"));
    assert_eq!(form.errors[1].as_deref(), Some("Between 1 and 10"));
    assert_eq!(
        form.errors[2].as_deref(),
        Some("Press Space to choose yes or no (required)")
    );
    assert_eq!(form.errors[3], None, "an optional choice may stay empty");
    assert_eq!(form.errors[4].as_deref(), Some("Tick at most 2"));
    assert_eq!(
        form.errors[5].as_deref(),
        Some("An email address, like ada@example.com")
    );
    assert_eq!(form.cursor, 0, "the cursor goes to the first wrong field");
    // Fixing a field clears its message.
    h.type_text("c");
    assert_eq!(h.model.elicitations[0].errors[0], None);
}

#[test]
fn decline_and_cancel_answer_and_show_the_next_form() {
    let mut h = opened();
    h.agent(AgentEvent::ElicitationNeeded(sample_request(8)));
    h.advance(500);
    h.key(KeyCode::BackTab);
    h.key(KeyCode::Right);
    assert_eq!(h.model.elicitations[0].button, Button::Decline);
    let effects = h.key(KeyCode::Enter);
    assert_eq!(answered(&effects), Some((7, ElicitationAnswer::Decline)));
    // The next form has its own grace.
    assert_eq!(answered(&h.key(KeyCode::Esc)), None);
    h.advance(500);
    assert_eq!(
        answered(&h.key(KeyCode::Esc)),
        Some((8, ElicitationAnswer::Cancel))
    );
    assert!(h.model.elicitations.is_empty());
}

#[test]
fn a_page_opens_in_the_browser_only_when_the_user_says_so() {
    let url = "https://bank.example/confirm?id=42";
    let mut h = Harness::new();
    h.agent(AgentEvent::ElicitationNeeded(page_request(3, url)));
    assert_eq!(stack(&h.model).last(), Some(&OverlayKind::Elicitation));
    // Keys typed as it appears open nothing.
    assert!(h.key(KeyCode::Char('o')).is_empty());
    h.advance(500);
    assert_eq!(
        h.key(KeyCode::Char('c')),
        vec![Effect::Copy(url.into())],
        "c copies the address and answers nothing"
    );
    assert!(h.model.elicitations[0].copied);
    let effects = h.key(KeyCode::Enter);
    assert_eq!(
        effects,
        vec![
            Effect::OpenUrl(url.into()),
            Effect::Send(Op::Elicit {
                id: 3,
                answer: ElicitationAnswer::Accept(vec![])
            })
        ],
        "Open in browser is the first button"
    );
    assert!(h.model.elicitations.is_empty());

    // `o` opens too; Decline and Esc open nothing.
    h.agent(AgentEvent::ElicitationNeeded(page_request(4, url)));
    h.advance(500);
    assert!(
        h.key(KeyCode::Char('o'))
            .contains(&Effect::OpenUrl(url.into()))
    );
    h.agent(AgentEvent::ElicitationNeeded(page_request(5, url)));
    h.advance(500);
    h.key(KeyCode::Right);
    let effects = h.key(KeyCode::Enter);
    assert_eq!(answered(&effects), Some((5, ElicitationAnswer::Decline)));
    assert!(!effects.iter().any(|e| matches!(e, Effect::OpenUrl(_))));
    h.agent(AgentEvent::ElicitationNeeded(page_request(6, url)));
    h.advance(500);
    let effects = h.key(KeyCode::Esc);
    assert_eq!(effects.len(), 1);
    assert_eq!(answered(&effects), Some((6, ElicitationAnswer::Cancel)));
}

#[test]
fn a_page_a_call_waits_on_opens_then_says_done_without_opening_again() {
    let url = "https://auth.example/sign-in?session=7f3a";
    let mut h = Harness::new();
    h.agent(AgentEvent::ElicitationNeeded(retry_request(
        8,
        1,
        2,
        RetryStep::Open,
    )));
    h.advance(500);
    assert_eq!(
        h.key(KeyCode::Enter),
        vec![
            Effect::OpenUrl(url.into()),
            Effect::Send(Op::Elicit {
                id: 8,
                answer: ElicitationAnswer::Accept(vec![])
            })
        ],
        "the first step opens the page like any other"
    );
    h.agent(AgentEvent::ElicitationNeeded(retry_request(
        9,
        1,
        2,
        RetryStep::Waiting,
    )));
    h.advance(500);
    assert_eq!(
        h.key(KeyCode::Char('o')),
        vec![Effect::OpenUrl(url.into())],
        "o opens it again and answers nothing"
    );
    assert_eq!(h.model.elicitations.len(), 1, "the dialog stays");
    assert_eq!(
        h.key(KeyCode::Enter),
        vec![Effect::Send(Op::Elicit {
            id: 9,
            answer: ElicitationAnswer::Accept(vec![])
        })],
        "Done answers without opening the page again"
    );
    h.agent(AgentEvent::ElicitationNeeded(retry_request(
        10,
        2,
        2,
        RetryStep::Waiting,
    )));
    h.advance(500);
    let effects = h.key(KeyCode::Esc);
    assert_eq!(answered(&effects), Some((10, ElicitationAnswer::Cancel)));
}

#[test]
fn a_page_the_server_says_is_done_closes_and_the_next_request_shows() {
    let mut h = Harness::new();
    h.agent(AgentEvent::ElicitationNeeded(page_request(
        3,
        "https://a.example",
    )));
    h.agent(AgentEvent::ElicitationNeeded(sample_request(4)));
    h.advance(500);
    h.agent(AgentEvent::ElicitationCompleted { id: 99 });
    assert_eq!(
        h.model.elicitations.len(),
        2,
        "another request's completion"
    );
    h.agent(AgentEvent::ElicitationCompleted { id: 3 });
    assert_eq!(h.model.elicitations.len(), 1);
    assert_eq!(h.model.elicitations[0].request.id, 4);
    assert!(
        h.model.elicitations[0].shown_at.is_some(),
        "the next form shows, with its own grace"
    );
    assert!(
        h.key(KeyCode::Esc).is_empty(),
        "keys right after it are dropped"
    );
}

#[test]
fn the_host_is_what_follows_the_scheme_without_a_user_or_port() {
    use crate::app::elicitation::host;
    assert_eq!(host("https://bank.example/pay?x=1"), Some("bank.example"));
    assert_eq!(
        host("https://bank.example@evil.example:8443/login"),
        Some("evil.example")
    );
    assert_eq!(host("http://[::1]:9000/x"), Some("::1"));
    assert_eq!(host("https://a.example#frag"), Some("a.example"));
    assert_eq!(host("not a url"), None);
    assert_eq!(host("https:///path"), None);
}
