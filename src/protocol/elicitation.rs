//! An MCP server's request for input from the user (`elicitation/create`), as the agent shows
//! it to the UI: a message and a form of typed fields built from the server's JSON schema, or
//! a page to open in the browser (URL mode). The UI answers with `Op::Elicit`: the values
//! (accept), or decline, or cancel.

use serde::{Deserialize, Serialize};

/// One form the user is asked to fill in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ElicitationRequest {
    pub id: u64,
    /// The MCP server that asks.
    pub server: String,
    /// What the server says it needs.
    pub message: String,
    pub fields: Vec<FormField>,
    /// A URL-mode request (MCP 2025-11-25): the page the user is asked to open, instead of a
    /// form (`fields` is empty).
    #[serde(default)]
    pub url: Option<UrlElicitation>,
}

/// The page of a URL-mode elicitation: the user opens it (or not) and finishes there, out of
/// claw's sight; the server may say when that is done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrlElicitation {
    pub url: String,
    /// The server's id of the request (empty when it gave none).
    pub elicitation_id: String,
    /// Set when the page stands between a tool call and its one retry (the server answered
    /// the call with MCP's `URLElicitationRequiredError`).
    #[serde(default)]
    pub before_retry: Option<BeforeRetry>,
}

/// A page a tool call waits for: which one of the server's list, and how far the user got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BeforeRetry {
    /// This page's place in the list, from 1.
    pub page: usize,
    pub pages: usize,
    pub step: RetryStep,
}

/// Where the user is with a page a tool call waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RetryStep {
    /// Not opened yet: Accept opens it.
    Open,
    /// Opened: Accept says the user is done there, and the call is made again (or the next
    /// page shows); `o` opens it again.
    Waiting,
}

/// One field of the form, from one property of the requested schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormField {
    /// The property's name: the key of its value in the answer.
    pub name: String,
    /// What the user is shown (the schema's `title`, or the name).
    pub label: String,
    #[serde(default)]
    pub description: String,
    pub required: bool,
    pub kind: FieldKind,
    /// The schema's `default`, pre-filled.
    #[serde(default)]
    pub default: Option<FieldValue>,
}

/// What a field holds, with the schema's limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FieldKind {
    Text {
        min_length: Option<u64>,
        max_length: Option<u64>,
        /// `email`, `uri`, `date` or `date-time`.
        format: Option<String>,
    },
    Number {
        /// Only whole numbers (`"type": "integer"`).
        integer: bool,
        minimum: Option<f64>,
        maximum: Option<f64>,
    },
    Boolean,
    /// One of a list (`enum`, or `oneOf` with titles); several for an array of choices.
    Choice {
        options: Vec<ChoiceOption>,
        multiple: bool,
        min_items: Option<u64>,
        max_items: Option<u64>,
    },
}

/// An option of a choice: the value sent, and what the user reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
}

/// A field's value in the answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FieldValue {
    Text(String),
    Integer(i64),
    Number(f64),
    Boolean(bool),
    /// The chosen option's value (a single choice).
    Choice(String),
    /// The chosen options' values (a multiple choice).
    Choices(Vec<String>),
}

/// The user's answer to an elicitation (for a URL, Accept with no values: the user agreed to
/// open the page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ElicitationAnswer {
    /// The form, filled in: (field name, value) for each field given a value.
    Accept(Vec<(String, FieldValue)>),
    /// The user said no.
    Decline,
    /// The user dismissed it without choosing (Esc, an interrupt, nobody to ask).
    Cancel,
}
