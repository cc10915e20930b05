//! Loading the OpenAPI document and small helpers to walk it.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

use crate::Result;

/// The HTTP methods an OpenAPI path item can hold, in the order we emit them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A loaded spec: its bytes' digest and the document as JSON values (key order kept).
pub struct Spec {
    pub sha256: String,
    pub doc: Value,
}

/// Reads `path` with a YAML 1.2 parser, so `no` stays the string "no" (Norwegian).
pub fn load(path: &Path) -> Result<Spec> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the spec {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// Parses spec text; split from [`load`] so tests can use fragments.
pub fn parse(text: &str) -> Result<Spec> {
    let doc: Value = serde_norway::from_str(text).map_err(|e| format!("invalid YAML: {e}"))?;
    if !doc.is_object() {
        return Err("the spec is not a YAML mapping".into());
    }
    let sha256 = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Spec { sha256, doc })
}

/// One operation of the document, with where it lives.
pub struct OperationRef<'a> {
    pub path: &'a str,
    pub method: &'a str,
    pub op: &'a Value,
}

/// Every operation, in document order.
pub fn operations(doc: &Value) -> Vec<OperationRef<'_>> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push(OperationRef { path, method, op });
                }
            }
        }
    }
    out
}

/// Follows a local `$ref` (`#/components/...`) once; other values are returned as they are.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/")
            .map(|pointer| format!("/{pointer}"))
            .and_then(|pointer| doc.pointer(&pointer))
            .unwrap_or(value),
        None => value,
    }
}

/// The last segment of a `$ref` such as `#/components/schemas/video` → `video`.
pub fn ref_name(value: &Value) -> Option<&str> {
    value.get("$ref")?.as_str()?.rsplit('/').next()
}

/// The request body media types of an operation, with their schema.
pub fn request_bodies<'a>(doc: &'a Value, op: &'a Value) -> Vec<(&'a str, &'a Value)> {
    let Some(body) = op.get("requestBody") else {
        return Vec::new();
    };
    let body = resolve(doc, body);
    body.get("content")
        .and_then(Value::as_object)
        .map(|content| {
            content
                .iter()
                .filter_map(|(mime, media)| media.get("schema").map(|s| (mime.as_str(), s)))
                .collect()
        })
        .unwrap_or_default()
}
