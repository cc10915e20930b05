//! Every JSON response example of the spec reads into its model, and writing the model
//! back gives every value of the example again.
//!
//! The only differences allowed between an example and its re-serialization are the ones
//! the spec (and so the model's documentation) states: a `nullable` property may be
//! `null` on one side and absent on the other, and an array property may be absent or
//! `null` on one side and `[]` on the other. Date-times may change notation (`+0200` →
//! `+02:00`) but never instant or offset. Anything else fails.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::models;

/// What one example gave.
struct Parsed {
    /// The model written back to JSON.
    back: Value,
    /// Written back a second time after reading `back`: must be `back` again.
    again: Result<Value, String>,
}

/// Reads `example` as a `T`, snapshots what was read and writes it back.
fn check<T>(snapshot: &str, example: &Value) -> Result<Parsed, String>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let parsed: T = serde_json::from_value(example.clone()).map_err(|e| e.to_string())?;
    insta::assert_debug_snapshot!(snapshot, parsed);
    let back = serde_json::to_value(&parsed).map_err(|e| e.to_string())?;
    let again = serde_json::from_value::<T>(back.clone())
        .map_err(|e| format!("re-reading the re-serialized value: {e}"))
        .and_then(|reread| {
            if reread == parsed {
                serde_json::to_value(&reread).map_err(|e| e.to_string())
            } else {
                Err(format!(
                    "re-reading gave another value: {reread:#?} instead of {parsed:#?}"
                ))
            }
        });
    Ok(Parsed { back, again })
}

macro_rules! dispatch {
    ($($model:ident => $strategy:ident),* $(,)?) => {
        /// Every model `for_each_json_model!` knows, by type name.
        const MODELS: &[&str] = &[$(stringify!($model)),*];

        /// Reads `example` as the model called `model`; `None` for an unknown name.
        fn parse_as(model: &str, snapshot: &str, example: &Value) -> Option<Result<Parsed, String>> {
            match model {
                $(stringify!($model) => Some(check::<models::$model>(snapshot, example)),)*
                _ => None,
            }
        }
    };
}

models::for_each_json_model!(dispatch);

/// The generator's naming rule for types (`xtask/src/naming.rs`): heck's PascalCase of
/// the name with every character that cannot continue an identifier turned into `-`, and
/// `X` in front of a leading digit. (The rule's `_` after a Rust keyword cannot apply to
/// a PascalCase schema name other than `Self`, which the spec does not use.)
fn type_name(schema: &str) -> String {
    use heck::ToPascalCase;
    let cleaned: String = schema
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = cleaned.to_pascal_case();
    match out.chars().next() {
        None => "X".to_owned(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("X{out}"),
    }
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Follows `$ref`s to the schema they name.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix(SCHEMA_PREFIX)
            .unwrap_or_else(|| panic!("non-local $ref {reference}"));
        schema = doc["components"]["schemas"]
            .get(name)
            .unwrap_or_else(|| panic!("$ref to a missing schema {reference}"));
    }
    schema
}

/// Whether `schema` (the property's own schema or the one it refers to) says `nullable`.
fn is_nullable(doc: &Value, schema: Option<&Value>) -> bool {
    schema.is_some_and(|s| {
        s.get("nullable") == Some(&Value::Bool(true))
            || resolve(doc, s).get("nullable") == Some(&Value::Bool(true))
    })
}

fn is_array(doc: &Value, schema: Option<&Value>) -> bool {
    schema.is_some_and(|s| resolve(doc, s).get("type").and_then(Value::as_str) == Some("array"))
}

fn is_date_time(doc: &Value, schema: Option<&Value>) -> bool {
    schema
        .is_some_and(|s| resolve(doc, s).get("format").and_then(Value::as_str) == Some("date-time"))
}

/// Appends to `errors` every value of `original` that `back` lost or changed, and every
/// value `back` has that `original` had not, except where `schema` allows it.
fn compare(
    doc: &Value,
    schema: Option<&Value>,
    original: &Value,
    back: &Value,
    path: &str,
    errors: &mut Vec<String>,
) {
    let resolved = schema.map(|s| resolve(doc, s));
    match (original, back) {
        (Value::Object(original), Value::Object(back)) => {
            let properties = resolved.and_then(|s| s.get("properties"));
            for (key, value) in original {
                let property = properties.and_then(|p| p.get(key));
                let here = format!("{path}.{key}");
                match back.get(key) {
                    Some(written) => compare(doc, property, value, written, &here, errors),
                    None if value.is_null() && is_nullable(doc, property) => {}
                    None => errors.push(format!("{here}: {value} was lost")),
                }
            }
            for (key, written) in back {
                if original.contains_key(key) {
                    continue;
                }
                let property = properties.and_then(|p| p.get(key));
                let allowed = (written.is_null() && is_nullable(doc, property))
                    || (written.as_array().is_some_and(Vec::is_empty) && is_array(doc, property));
                if !allowed {
                    errors.push(format!("{path}.{key}: {written} was added"));
                }
            }
        }
        (Value::Array(original), Value::Array(back)) => {
            if original.len() != back.len() {
                errors.push(format!(
                    "{path}: {} items became {}",
                    original.len(),
                    back.len()
                ));
                return;
            }
            let items = resolved.and_then(|s| s.get("items"));
            for (i, (value, written)) in original.iter().zip(back).enumerate() {
                compare(doc, items, value, written, &format!("{path}[{i}]"), errors);
            }
        }
        (Value::Null, Value::Array(back)) if back.is_empty() && is_array(doc, schema) => {}
        (Value::Number(original), Value::Number(back)) => {
            let same = match (original.as_i64(), back.as_i64()) {
                (Some(a), Some(b)) => a == b,
                _ => original.as_f64() == back.as_f64(),
            };
            if !same {
                errors.push(format!("{path}: {original} became {back}"));
            }
        }
        (Value::String(original), Value::String(back)) if original != back => {
            let same_instant = is_date_time(doc, schema)
                && match (
                    crate::wire::parse_date_time(original),
                    crate::wire::parse_date_time(back),
                ) {
                    (Some(a), Some(b)) => a == b && a.offset() == b.offset(),
                    _ => false,
                };
            if !same_instant {
                errors.push(format!("{path}: {original:?} became {back:?}"));
            }
        }
        _ if original != back => errors.push(format!("{path}: {original} became {back}")),
        _ => {}
    }
}

#[test]
fn the_comparison_catches_lost_changed_and_added_values() {
    let doc = serde_json::json!({
        "components": {"schemas": {
            "thing": {"type": "object", "properties": {
                "id": {"type": "string"},
                "gone": {"type": "string", "nullable": true},
                "list": {"type": "array", "items": {"type": "string"}},
                "at": {"type": "string", "format": "date-time"},
                "n": {"type": "integer"},
            }}
        }}
    });
    let schema = serde_json::json!({"$ref": "#/components/schemas/thing"});
    let run = |original: Value, back: Value| {
        let mut errors = Vec::new();
        compare(&doc, Some(&schema), &original, &back, "$", &mut errors);
        errors
    };
    use serde_json::json;
    // Allowed: the documented null/absent/empty differences and date-time notation.
    assert_eq!(
        run(
            json!({"id": "a", "gone": null, "list": null, "at": "2024-01-01T10:00:00+0200"}),
            json!({"id": "a", "list": [], "at": "2024-01-01T10:00:00+02:00"})
        ),
        Vec::<String>::new()
    );
    assert!(
        run(
            json!({"id": "a"}),
            json!({"id": "a", "gone": null, "list": []})
        )
        .is_empty()
    );
    // Not allowed.
    assert_eq!(run(json!({"id": "a"}), json!({})).len(), 1, "lost");
    assert_eq!(
        run(json!({"id": "a"}), json!({"id": "b"})).len(),
        1,
        "changed"
    );
    assert_eq!(run(json!({"n": 1}), json!({"n": 2})).len(), 1, "number");
    assert_eq!(run(json!({"n": 1}), json!({"n": "1"})).len(), 1, "type");
    assert_eq!(run(json!({"id": null}), json!({})).len(), 1, "not nullable");
    assert_eq!(run(json!({}), json!({"id": null})).len(), 1, "added null");
    assert_eq!(run(json!({}), json!({"x": 1})).len(), 1, "added value");
    assert_eq!(run(json!({"list": ["a"]}), json!({"list": []})).len(), 1);
    assert_eq!(
        run(
            json!({"at": "2024-01-01T10:00:00+02:00"}),
            json!({"at": "2024-01-01T08:00:00Z"})
        )
        .len(),
        1,
        "same instant, other offset"
    );
}

#[test]
fn type_names_follow_the_generator() {
    assert_eq!(type_name("videos-list-response"), "VideosListResponse");
    assert_eq!(type_name("403-error-schema"), "X403ErrorSchema");
    assert_eq!(
        type_name("analytics-plays-400-error"),
        "AnalyticsPlays400Error"
    );
    assert_eq!(type_name("video"), "Video");
}

#[test]
fn every_response_example_reads_into_its_model_and_back() {
    let doc = apivideo_test_support::spec();
    let mut checked = 0;
    let mut models_seen = BTreeSet::new();
    let mut failures = Vec::new();
    let paths = doc["paths"].as_object().expect("paths");
    for (route, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {route} has no operationId"));
            for (status, response) in responses {
                let Some(media) = response.pointer("/content/application~1json") else {
                    continue;
                };
                assert!(
                    media.get("examples").is_none(),
                    "{id} {status}: `examples` is not handled by this test"
                );
                let Some(example) = media.get("example") else {
                    continue;
                };
                let schema = &media["schema"];
                let reference = schema["$ref"].as_str().unwrap_or_else(|| {
                    panic!("{id} {status}: the example's schema is not a $ref: {schema}")
                });
                let schema_name = reference.strip_prefix(SCHEMA_PREFIX).expect("local $ref");
                let model = type_name(schema_name);
                let snapshot = format!("{id}_{status}");
                let Some(result) = parse_as(&model, &snapshot, example) else {
                    panic!("{id} {status}: no JSON model {model} for schema {schema_name}")
                };
                checked += 1;
                models_seen.insert(model.clone());
                let parsed = match result {
                    Ok(parsed) => parsed,
                    Err(error) => {
                        failures.push(format!("{id} {status} ({model}): {error}"));
                        continue;
                    }
                };
                let mut errors = Vec::new();
                compare(doc, Some(schema), example, &parsed.back, "$", &mut errors);
                match &parsed.again {
                    Ok(again) if *again == parsed.back => {}
                    Ok(again) => errors.push(format!(
                        "second round trip changed the JSON: {} vs {again}",
                        parsed.back
                    )),
                    Err(error) => errors.push(error.clone()),
                }
                failures.extend(
                    errors
                        .into_iter()
                        .map(|e| format!("{id} {status} ({model}): {e}")),
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 100, "only {checked} examples were checked");
    for model in &models_seen {
        assert!(MODELS.contains(&model.as_str()));
    }
    // Every kind of answer the API gives is represented: lists, single objects, errors.
    for model in [
        "Video",
        "VideosListResponse",
        "VideoStatus",
        "LiveStream",
        "BadRequest",
        "NotFound",
        "AnalyticsMetricsBreakdownResponse",
    ] {
        assert!(models_seen.contains(model), "no example for {model}");
    }
}
