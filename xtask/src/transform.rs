//! The few changes progenitor 0.15 needs before it can read the spec.
//!
//! They apply to an in-memory copy handed to progenitor; `openapi/apivideo.yaml` keeps
//! the API's facts as they are. Each one is small, named, and tolerant of specs that no
//! longer need it (a newer spec from api.video), so `--spec` keeps working.

use serde_json::{Map, Value, json};

use crate::Result;
use crate::spec::{self, METHODS};

/// A named change to the spec with the reason it exists.
pub struct Transformation {
    pub name: &'static str,
    pub reason: &'static str,
    pub apply: fn(&mut Value) -> Result<Vec<String>>,
}

/// Every transformation, in the order they run.
pub const ALL: &[Transformation] = &[
    Transformation {
        name: "split_off_multipart_operations",
        reason: "progenitor 0.15 cannot encode multipart/form-data bodies; these operations are \
                 written by hand in apivideo-api's `multipart` module on top of the generated \
                 payload models",
        apply: split_off_multipart_operations,
    },
    Transformation {
        name: "deep_object_parameters_to_types",
        reason: "progenitor 0.15 rejects deepObject query parameters; each one becomes a named \
                 type whose serializer emits `name[key]=value` pairs, so the generated builders \
                 send them as the spec describes",
        apply: deep_object_parameters_to_types,
    },
    Transformation {
        name: "errors_from_raw_responses",
        reason: "progenitor 0.15 panics on operations with several error schemas; error \
                 responses are left undocumented for it so every error reaches the caller as the \
                 raw response (status, headers, body) and is decoded in one place",
        apply: errors_from_raw_responses,
    },
];

/// What one transformation did, for the codegen report.
pub struct Applied {
    pub name: &'static str,
    pub changes: Vec<String>,
}

/// Runs [`ALL`] over `doc`.
pub fn apply_all(doc: &mut Value) -> Result<Vec<Applied>> {
    ALL.iter()
        .map(|t| {
            let changes = (t.apply)(doc).map_err(|e| format!("{}: {e}", t.name))?;
            Ok(Applied {
                name: t.name,
                changes,
            })
        })
        .collect()
}

fn is_multipart(doc: &Value, op: &Value) -> bool {
    spec::request_bodies(doc, op)
        .iter()
        .any(|(mime, _)| mime.starts_with("multipart/"))
}

/// Removes operations whose request body is multipart; drops path items left empty.
pub fn split_off_multipart_operations(doc: &mut Value) -> Result<Vec<String>> {
    let mut doomed = Vec::new();
    for op in spec::operations(doc) {
        if is_multipart(doc, op.op) {
            doomed.push((
                op.path.to_owned(),
                op.method.to_owned(),
                operation_id(op.op),
            ));
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(Vec::new());
    };
    for (path, method, _) in &doomed {
        if let Some(item) = paths.get_mut(path).and_then(Value::as_object_mut) {
            item.remove(method);
            if !item.keys().any(|k| METHODS.contains(&k.as_str())) {
                paths.remove(path);
            }
        }
    }
    Ok(doomed.into_iter().map(|(_, _, id)| id).collect())
}

/// Marks a synthesized schema with the query parameter it encodes.
pub const DEEP_OBJECT_EXTENSION: &str = "x-deep-object-parameter";

/// Moves each deepObject query parameter's schema to `components/schemas/<name>-query`,
/// marked with [`DEEP_OBJECT_EXTENSION`], and turns the parameter into a form parameter
/// referencing it.
pub fn deep_object_parameters_to_types(doc: &mut Value) -> Result<Vec<String>> {
    let mut changes = Vec::new();
    let mut new_schemas: Vec<(String, Value)> = Vec::new();

    let mut convert = |param: &mut Value, context: &str| -> Result<()> {
        let is_deep = param.get("in").and_then(Value::as_str) == Some("query")
            && param.get("style").and_then(Value::as_str) == Some("deepObject");
        if !is_deep {
            return Ok(());
        }
        let name = param
            .get("name")
            .and_then(Value::as_str)
            .ok_or("a deepObject parameter has no name")?
            .to_owned();
        let mut schema = param
            .get("schema")
            .cloned()
            .ok_or_else(|| format!("deepObject parameter `{name}` has no schema"))?;
        if let Some(obj) = schema.as_object_mut() {
            obj.insert(DEEP_OBJECT_EXTENSION.into(), Value::String(name.clone()));
            obj.remove("x-is-deep-object");
            if let Some(description) = param.get("description") {
                obj.entry("description").or_insert(description.clone());
            }
        }
        let mut schema_name = format!("{name}-query");
        match new_schemas.iter().find(|(n, _)| *n == schema_name) {
            Some((_, existing)) if *existing == schema => {}
            Some(_) => {
                schema_name = format!("{context}-{name}-query");
                new_schemas.push((schema_name.clone(), schema));
            }
            None => new_schemas.push((schema_name.clone(), schema)),
        }
        let obj = param
            .as_object_mut()
            .ok_or("a parameter is not a mapping")?;
        obj.insert("style".into(), json!("form"));
        obj.insert("explode".into(), json!(true));
        obj.remove("x-is-deep-object");
        obj.insert(
            "schema".into(),
            json!({ "$ref": format!("#/components/schemas/{schema_name}") }),
        );
        changes.push(format!("{context}: `{name}` → {schema_name}"));
        Ok(())
    };

    if let Some(params) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        for (key, param) in params.iter_mut() {
            convert(param, &format!("components/parameters/{key}"))?;
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let context = operation_id(op);
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    for param in params {
                        convert(param, &context)?;
                    }
                }
            }
        }
    }
    if !new_schemas.is_empty() {
        let components = doc
            .as_object_mut()
            .ok_or("the spec is not a mapping")?
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let schemas = components
            .as_object_mut()
            .ok_or("components is not a mapping")?
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or("components/schemas is not a mapping")?;
        for (name, schema) in new_schemas {
            if schemas.contains_key(&name) {
                return Err(format!("components/schemas/{name} already exists").into());
            }
            schemas.insert(name, schema);
        }
    }
    Ok(changes)
}

/// Removes every response that is not a 2xx from every operation.
pub fn errors_from_raw_responses(doc: &mut Value) -> Result<Vec<String>> {
    let mut changes = Vec::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(changes);
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let id = operation_id(op);
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                let before: Vec<String> = responses.keys().cloned().collect();
                responses.retain(|status, _| status.starts_with('2'));
                let removed: Vec<String> = before
                    .into_iter()
                    .filter(|s| !responses.contains_key(s))
                    .collect();
                if !removed.is_empty() {
                    changes.push(format!("{id}: {}", removed.join(", ")));
                }
            }
        }
    }
    Ok(changes)
}

fn operation_id(op: &Value) -> String {
    op.get("operationId")
        .and_then(Value::as_str)
        .unwrap_or("<no operationId>")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fragment(yaml: &str) -> Value {
        serde_norway::from_str(yaml).expect("test fragment parses")
    }

    #[test]
    fn multipart_operations_are_split_off_and_empty_paths_dropped() {
        let mut doc = fragment(
            r#"
paths:
  /videos/{id}/thumbnail:
    post:
      operationId: upload-thumb
      requestBody:
        content:
          multipart/form-data:
            schema: { type: object }
      responses: { '200': { description: ok } }
    patch:
      operationId: pick-thumb
      requestBody:
        content:
          application/json:
            schema: { type: object }
      responses: { '200': { description: ok } }
  /watermarks:
    post:
      operationId: upload-watermark
      requestBody:
        content:
          multipart/form-data:
            schema: { type: object }
      responses: { '200': { description: ok } }
"#,
        );
        let removed = split_off_multipart_operations(&mut doc).unwrap();
        assert_eq!(removed, ["upload-thumb", "upload-watermark"]);
        assert!(
            doc.pointer("/paths/~1videos~1{id}~1thumbnail/post")
                .is_none()
        );
        assert!(
            doc.pointer("/paths/~1videos~1{id}~1thumbnail/patch")
                .is_some()
        );
        assert!(doc.pointer("/paths/~1watermarks").is_none());
    }

    #[test]
    fn deep_object_parameters_become_named_form_parameters() {
        let mut doc = fragment(
            r#"
paths:
  /videos:
    get:
      operationId: list-videos
      parameters:
        - name: metadata
          in: query
          style: deepObject
          explode: true
          schema: { type: object, additionalProperties: { type: string } }
        - name: title
          in: query
          schema: { type: string }
  /discarded/videos:
    get:
      operationId: list-discarded
      parameters:
        - name: metadata
          in: query
          style: deepObject
          explode: true
          schema: { type: object, additionalProperties: { type: string } }
components:
  parameters:
    filterBy:
      name: filterBy
      in: query
      style: deepObject
      schema: { type: object, properties: { tag: { type: string } } }
"#,
        );
        let changes = deep_object_parameters_to_types(&mut doc).unwrap();
        assert_eq!(changes.len(), 3);
        let param = doc.pointer("/paths/~1videos/get/parameters/0").unwrap();
        assert_eq!(param["style"], "form");
        assert_eq!(
            param["schema"]["$ref"],
            "#/components/schemas/metadata-query"
        );
        // Both list operations share one type because their schemas are identical.
        assert_eq!(
            doc.pointer("/paths/~1discarded~1videos/get/parameters/0/schema/$ref")
                .unwrap(),
            "#/components/schemas/metadata-query"
        );
        assert_eq!(
            doc.pointer("/components/schemas/metadata-query/x-deep-object-parameter")
                .unwrap(),
            "metadata"
        );
        assert_eq!(
            doc.pointer("/components/parameters/filterBy/schema/$ref")
                .unwrap(),
            "#/components/schemas/filterBy-query"
        );
        // Other parameters are untouched.
        assert_eq!(
            doc.pointer("/paths/~1videos/get/parameters/1/schema/type")
                .unwrap(),
            "string"
        );
    }

    #[test]
    fn clashing_deep_object_schemas_get_operation_scoped_names() {
        let mut doc = fragment(
            r#"
paths:
  /a:
    get:
      operationId: op-a
      parameters:
        - { name: f, in: query, style: deepObject, schema: { type: object, properties: { x: { type: string } } } }
  /b:
    get:
      operationId: op-b
      parameters:
        - { name: f, in: query, style: deepObject, schema: { type: object, properties: { y: { type: string } } } }
"#,
        );
        deep_object_parameters_to_types(&mut doc).unwrap();
        assert!(doc.pointer("/components/schemas/f-query").is_some());
        assert!(doc.pointer("/components/schemas/op-b-f-query").is_some());
    }

    #[test]
    fn only_success_responses_remain() {
        let mut doc = fragment(
            r#"
paths:
  /videos/{id}:
    get:
      operationId: get-video
      responses:
        '200': { description: ok }
        '404': { description: missing }
        '429': { description: slow down }
    delete:
      operationId: delete-video
      responses:
        '204': { description: gone }
"#,
        );
        let changes = errors_from_raw_responses(&mut doc).unwrap();
        assert_eq!(changes, ["get-video: 404, 429"]);
        let responses = doc.pointer("/paths/~1videos~1{id}/get/responses").unwrap();
        assert_eq!(
            responses.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["200"]
        );
    }

    #[test]
    fn transformations_tolerate_a_spec_that_needs_none_of_them() {
        let mut doc = fragment("openapi: 3.0.0\ninfo: { title: t, version: '1' }\npaths: {}\n");
        let applied = apply_all(&mut doc).unwrap();
        assert!(applied.iter().all(|a| a.changes.is_empty()));
    }
}
