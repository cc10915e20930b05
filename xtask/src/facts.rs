//! `cargo xtask spec-diff OTHER`: the differences in *facts* between our spec and another
//! (api.video's own, or a newer one), ignoring prose, examples and SDK-generator hints.
//! Run it before regenerating from a newer spec to see what changed in the API.

use serde_json::{Map, Value};

use crate::spec;

/// Keys that carry prose or samples, not facts.
const PROSE: &[&str] = &["description", "summary", "title", "example", "examples"];

/// Vendor extensions that state facts (the rest are hints for api.video's generators).
const FACT_EXTENSIONS: &[&str] = &["x-optional-nullable", "x-webhooks"];

/// The parts of a document compared.
const SECTIONS: &[&str] = &["servers", "paths", "components", "x-webhooks"];

/// Every difference, as `path: what`, sorted.
pub fn differences(ours: &Value, theirs: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for section in SECTIONS {
        let a = normalize(
            ours,
            ours.get(*section).unwrap_or(&Value::Null),
            Some(section),
        );
        let b = normalize(
            theirs,
            theirs.get(*section).unwrap_or(&Value::Null),
            Some(section),
        );
        compare(&a, &b, &format!("/{section}"), &mut out);
    }
    out.sort();
    out
}

/// Resolves references other than to schemas (headers, parameters, responses...) and
/// drops prose, samples and hints; `components/headers` and `components/examples` only
/// exist to be referenced, so they go once resolved.
fn normalize(doc: &Value, value: &Value, key: Option<&str>) -> Value {
    let value = match value.get("$ref").and_then(Value::as_str) {
        Some(r) if !r.starts_with("#/components/schemas/") => spec::resolve(doc, value),
        _ => value,
    };
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let prose = PROSE.contains(&k.as_str())
                    && (v.is_string() || matches!(k.as_str(), "example" | "examples"))
                    // A property *named* description or title is a fact.
                    && key != Some("properties");
                let hint = k.starts_with("x-") && !FACT_EXTENSIONS.contains(&k.as_str());
                let referenced_only =
                    key == Some("components") && matches!(k.as_str(), "headers" | "examples");
                if prose || hint || referenced_only {
                    continue;
                }
                out.insert(k.clone(), normalize(doc, v, Some(k)));
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| normalize(doc, v, None)).collect())
        }
        other => other.clone(),
    }
}

fn compare(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let here = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => compare(p, q, &here, out),
                    (Some(_), None) => out.push(format!("{here}: only in ours")),
                    (None, Some(_)) => out.push(format!("{here}: only in the other spec")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                out.push(format!(
                    "{path}: {} items in ours, {} in the other",
                    x.len(),
                    y.len()
                ));
            }
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                compare(p, q, &format!("{path}/{i}"), out);
            }
        }
        _ if a != b => out.push(format!("{path}: ours {a}, the other {b}")),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(yaml: &str) -> Value {
        serde_norway::from_str(yaml).expect("fragment parses")
    }

    #[test]
    fn prose_examples_hints_and_header_refs_do_not_count() {
        let ours = doc(r#"
paths:
  /v:
    get:
      summary: Ours
      description: Our words.
      responses:
        '200':
          description: The video.
          headers: { X-RateLimit-Limit: { $ref: '#/components/headers/limit' } }
          content: { application/json: { schema: { $ref: '#/components/schemas/v' }, example: { a: 1 } } }
components:
  headers: { limit: { description: Ours, schema: { type: integer } } }
  schemas:
    v: { type: object, properties: { description: { type: string, description: Text. }, lang: { type: string, enum: ['no'] } } }
"#);
        let theirs = doc(r#"
paths:
  /v:
    get:
      summary: Theirs
      x-client-action: get
      responses:
        '200':
          description: Success
          headers: { X-RateLimit-Limit: { schema: { type: integer } } }
          content: { application/json: { schema: { $ref: '#/components/schemas/v' }, examples: { r: { value: {} } } } }
components:
  examples: { r: { value: {} } }
  schemas:
    v: { type: object, properties: { description: { type: string }, lang: { type: string, enum: [no] } } }
"#);
        assert_eq!(differences(&ours, &theirs), Vec::<String>::new());
    }

    #[test]
    fn facts_that_differ_are_listed() {
        let ours = doc("paths: { /v: { get: { operationId: a, security: [{ apiKey: [] }] } } }");
        let theirs = doc("paths: { /v: { get: { operationId: b }, post: { operationId: c } } }");
        assert_eq!(
            differences(&ours, &theirs),
            [
                r#"/paths/~1v/get/operationId: ours "a", the other "b""#,
                "/paths/~1v/get/security: only in ours",
                "/paths/~1v/post: only in the other spec",
            ]
        );
    }
}
