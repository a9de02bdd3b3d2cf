//! A search the API ran itself, as the conversation shows it: one row with the query that
//! closes with the titles found, or the tool's error.

use std::time::{Duration, Instant};

use crate::protocol::{AgentEvent, ToolOutcome};
use crate::ui::tests::{feed, model_at, render};

#[test]
fn a_web_search_is_a_row_with_its_query_and_the_titles_found() {
    let now = Instant::now();
    let mut model = model_at(now);
    model.status.cwd = "~/src/demo".into();
    feed(
        &mut model,
        now,
        vec![
            AgentEvent::TurnStarted {
                prompt: "weather in NYC?".into(),
            },
            AgentEvent::TextDelta("I'll check the weather.".into()),
            AgentEvent::MessageDone,
            AgentEvent::ToolStarted {
                call_id: "srvtoolu_1".into(),
                tool: "web_search".into(),
                summary: "weather NYC today".into(),
            },
            AgentEvent::ToolFinished {
                call_id: "srvtoolu_1".into(),
                outcome: ToolOutcome::Success,
                output: "Forecast — https://w.example/".into(),
                summary: "3 results: NYC Weather Forecast · AccuWeather …".into(),
                duration_ms: 1_400,
            },
            AgentEvent::ToolStarted {
                call_id: "srvtoolu_2".into(),
                tool: "web_search".into(),
                summary: "weather NYC tomorrow".into(),
            },
            AgentEvent::ToolFinished {
                call_id: "srvtoolu_2".into(),
                outcome: ToolOutcome::Failed,
                output: "max uses exceeded".into(),
                summary: "max uses exceeded".into(),
                duration_ms: 300,
            },
            AgentEvent::TextDelta("Partly cloudy, 72°F.".into()),
        ],
    );
    let later = now + Duration::from_secs(2);
    model.now = later;
    insta::assert_snapshot!(render(&model, 100, 14).backend());
}
