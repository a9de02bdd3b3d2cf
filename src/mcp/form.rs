//! Elicitation forms: the fields of a server's requested schema (MCP 2025-06-18 and 2025-11-25:
//! a flat object of strings, numbers, booleans, enums and arrays of enums), and the user's
//! answer as the `ElicitResult` JSON the server expects. Pure: no I/O.

use serde_json::{Map, Value, json};

use crate::protocol::elicitation::{
    ChoiceOption, ElicitationAnswer, FieldKind, FieldValue, FormField,
};

/// The form's fields, in the order the server wrote its properties (`order`: the names as
/// they came on the wire; a `Value`'s map is sorted by name, so the order travels beside it),
/// any property `order` leaves out after them; Err says which property a form cannot ask for.
pub(crate) fn fields(schema: &Value, order: &[String]) -> Result<Vec<FormField>, String> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else {
        return Ok(Vec::new());
    };
    let mut named: Vec<(&String, &Value)> = properties.iter().collect();
    // A stable sort: the names `order` leaves out keep their (sorted) place after the others.
    named.sort_by_key(|(name, _)| order.iter().position(|o| o == *name).unwrap_or(usize::MAX));
    named
        .into_iter()
        .map(|(name, property)| field(name, property, required.contains(&name.as_str())))
        .collect()
}

fn field(name: &str, property: &Value, required: bool) -> Result<FormField, String> {
    let text = |key: &str| property[key].as_str().map(str::to_string);
    let number = |key: &str| property[key].as_f64();
    let count = |key: &str| property[key].as_u64();
    let kind = match property["type"].as_str().unwrap_or("string") {
        "string" => match choices(property) {
            Some(options) => FieldKind::Choice {
                options,
                multiple: false,
                min_items: None,
                max_items: None,
            },
            None => FieldKind::Text {
                min_length: count("minLength"),
                max_length: count("maxLength"),
                format: text("format"),
            },
        },
        kind @ ("number" | "integer") => FieldKind::Number {
            integer: kind == "integer",
            minimum: number("minimum"),
            maximum: number("maximum"),
        },
        "boolean" => FieldKind::Boolean,
        "array" => match choices(&property["items"]) {
            Some(options) => FieldKind::Choice {
                options,
                multiple: true,
                min_items: count("minItems"),
                max_items: count("maxItems"),
            },
            None => return Err(format!("field `{name}` is a list without choices")),
        },
        other => {
            return Err(format!(
                "field `{name}` has type `{other}`, which a form cannot ask for"
            ));
        }
    };
    let default = default_value(&kind, &property["default"]);
    Ok(FormField {
        name: name.to_string(),
        label: text("title").unwrap_or_else(|| name.to_string()),
        description: text("description").unwrap_or_default(),
        required,
        kind,
        default,
    })
}

/// The options of `enum` (labelled by the legacy `enumNames`), or of `oneOf`/`anyOf` with
/// `const` and `title` (SEP-1330's titled enums).
fn choices(schema: &Value) -> Option<Vec<ChoiceOption>> {
    if let Some(values) = schema["enum"].as_array() {
        let names = schema["enumNames"].as_array();
        return Some(
            values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let value = v.as_str()?.to_string();
                    let label = names
                        .and_then(|n| n.get(i))
                        .and_then(Value::as_str)
                        .map_or_else(|| value.clone(), str::to_string);
                    Some(ChoiceOption { value, label })
                })
                .collect(),
        );
    }
    let titled = schema["oneOf"]
        .as_array()
        .or_else(|| schema["anyOf"].as_array())?;
    Some(
        titled
            .iter()
            .filter_map(|option| {
                let value = option["const"].as_str()?.to_string();
                let label = option["title"]
                    .as_str()
                    .map_or_else(|| value.clone(), str::to_string);
                Some(ChoiceOption { value, label })
            })
            .collect(),
    )
}

fn default_value(kind: &FieldKind, default: &Value) -> Option<FieldValue> {
    match (kind, default) {
        (FieldKind::Text { .. }, Value::String(s)) => Some(FieldValue::Text(s.clone())),
        (FieldKind::Number { integer: true, .. }, Value::Number(n)) => {
            n.as_i64().map(FieldValue::Integer)
        }
        (FieldKind::Number { .. }, Value::Number(n)) => n.as_f64().map(FieldValue::Number),
        (FieldKind::Boolean, Value::Bool(b)) => Some(FieldValue::Boolean(*b)),
        (
            FieldKind::Choice {
                multiple: false, ..
            },
            Value::String(s),
        ) => Some(FieldValue::Choice(s.clone())),
        (FieldKind::Choice { multiple: true, .. }, Value::Array(items)) => {
            Some(FieldValue::Choices(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            ))
        }
        _ => None,
    }
}

/// The `ElicitResult` for the user's answer.
pub(crate) fn result(answer: &ElicitationAnswer) -> Value {
    match answer {
        ElicitationAnswer::Accept(values) => {
            let content: Map<String, Value> = values
                .iter()
                .map(|(name, value)| (name.clone(), to_json(value)))
                .collect();
            json!({"action": "accept", "content": content})
        }
        ElicitationAnswer::Decline => json!({"action": "decline"}),
        ElicitationAnswer::Cancel => json!({"action": "cancel"}),
    }
}

fn to_json(value: &FieldValue) -> Value {
    match value {
        FieldValue::Text(s) | FieldValue::Choice(s) => json!(s),
        FieldValue::Integer(n) => json!(n),
        FieldValue::Number(n) => json!(n),
        FieldValue::Boolean(b) => json!(b),
        FieldValue::Choices(items) => json!(items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_property_becomes_a_field() {
        let schema = json!({"type": "object", "required": ["name", "color"], "properties": {
            "name": {"type": "string", "title": "Your name", "minLength": 2, "default": "Ada"},
            "age": {"type": "integer", "minimum": 0, "maximum": 150, "default": 36},
            "ratio": {"type": "number"},
            "ok": {"type": "boolean", "default": true},
            "color": {"type": "string", "enum": ["r", "g"], "enumNames": ["Red", "Green"]},
            "size": {"type": "string", "oneOf": [{"const": "s", "title": "Small"}, {"const": "l"}]},
            "tags": {"type": "array", "minItems": 1,
                     "items": {"anyOf": [{"const": "a", "title": "A"}, {"const": "b", "title": "B"}]},
                     "default": ["a"]},
            "email": {"type": "string", "format": "email", "description": "work address"}
        }});
        let fields = fields(&schema, &[]).unwrap();
        let by = |n: &str| fields.iter().find(|f| f.name == n).unwrap().clone();
        assert_eq!(fields.len(), 8);
        let name = by("name");
        assert_eq!((name.label.as_str(), name.required), ("Your name", true));
        assert_eq!(name.default, Some(FieldValue::Text("Ada".into())));
        assert!(matches!(
            name.kind,
            FieldKind::Text {
                min_length: Some(2),
                ..
            }
        ));
        assert_eq!(by("age").default, Some(FieldValue::Integer(36)));
        assert!(matches!(
            by("ratio").kind,
            FieldKind::Number { integer: false, .. }
        ));
        assert_eq!(by("ok").default, Some(FieldValue::Boolean(true)));
        let FieldKind::Choice {
            options, multiple, ..
        } = by("color").kind
        else {
            panic!("color is a choice")
        };
        assert!(!multiple);
        assert_eq!(
            options[1],
            ChoiceOption {
                value: "g".into(),
                label: "Green".into()
            }
        );
        let FieldKind::Choice { options, .. } = by("size").kind else {
            panic!("size is a choice")
        };
        assert_eq!(
            options[1].label, "l",
            "an option without a title shows its value"
        );
        let tags = by("tags");
        assert!(matches!(
            tags.kind,
            FieldKind::Choice {
                multiple: true,
                min_items: Some(1),
                ..
            }
        ));
        assert_eq!(tags.default, Some(FieldValue::Choices(vec!["a".into()])));
        assert_eq!(by("email").description, "work address");
    }

    #[test]
    fn a_property_a_form_cannot_ask_for_is_an_error_naming_it() {
        let schema = json!({"properties": {"blob": {"type": "object"}}});
        let error = fields(&schema, &[]).unwrap_err();
        assert!(
            error.contains("`blob`") && error.contains("`object`"),
            "{error}"
        );
    }

    #[test]
    fn fields_come_in_the_order_the_server_wrote_them() {
        let schema = json!({"properties": {
            "zip": {"type": "string"}, "city": {"type": "string"},
            "street": {"type": "string"}, "apartment": {"type": "string"}
        }});
        let wire = ["zip", "street", "city"].map(String::from);
        let names: Vec<String> = fields(&schema, &wire)
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(
            names,
            ["zip", "street", "city", "apartment"],
            "a name the order leaves out comes last"
        );
    }

    #[test]
    fn answers_become_the_result_the_server_reads() {
        let answer = ElicitationAnswer::Accept(vec![
            ("name".into(), FieldValue::Text("Ada".into())),
            ("age".into(), FieldValue::Integer(36)),
            ("ok".into(), FieldValue::Boolean(false)),
            ("color".into(), FieldValue::Choice("g".into())),
            (
                "tags".into(),
                FieldValue::Choices(vec!["a".into(), "b".into()]),
            ),
        ]);
        assert_eq!(
            result(&answer),
            json!({"action": "accept", "content": {
                "name": "Ada", "age": 36, "ok": false, "color": "g", "tags": ["a", "b"]
            }})
        );
        assert_eq!(
            result(&ElicitationAnswer::Decline),
            json!({"action": "decline"})
        );
        assert_eq!(
            result(&ElicitationAnswer::Cancel),
            json!({"action": "cancel"})
        );
    }
}
