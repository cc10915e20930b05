//! api.video's problem details (RFC 7807 style error bodies).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// The error body api.video sends with 4xx and 5xx answers.
///
/// The spec's per-status models (`apivideo_api::models::BadRequest`, `NotFound`,
/// `TooManyRequests`, ...) document those bodies; errors carry this one type instead,
/// which reads the body of any status and keeps every field the server sent.
///
/// ```json
/// {"type": "https://docs.api.video/reference/authentication-invalid-user-credentials",
///  "title": "The user credentials were incorrect.", "name": "", "status": 400}
/// ```
///
/// Decoding is deliberately lenient, because an error body is read when something already
/// went wrong and losing it would hide the cause:
///
/// * `status` may be a number or a numeric string;
/// * `problems` may be absent or `null` (both give an empty list);
/// * any field the server sends that is not modelled here, or a modelled field whose value
///   has an unexpected shape, is kept in [`extra`](Self::extra) under its original name.
///
/// Serializing writes the modelled fields that are set, then everything in `extra`, so a
/// decoded problem re-encodes to the same information. Only a JSON object decodes; any
/// other JSON value is an error.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Problem {
    /// A URI identifying the kind of problem; links to api.video's documentation.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// A short, human-readable summary of the kind of problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The request field the problem is about, when there is one (often empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The HTTP status code the server chose for this problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// A human-readable explanation of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Nested problems, when one request had several faults (e.g. several invalid fields).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    /// Every other member of the JSON object, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Problem {
    /// Builds a problem from a decoded JSON object, moving members it cannot model into
    /// [`extra`](Self::extra) rather than failing.
    pub fn from_json_object(mut object: Map<String, Value>) -> Self {
        let mut problem = Problem {
            r#type: take_string(&mut object, "type"),
            title: take_string(&mut object, "title"),
            name: take_string(&mut object, "name"),
            status: take_status(&mut object),
            detail: take_string(&mut object, "detail"),
            problems: take_problems(&mut object),
            extra: Map::new(),
        };
        problem.extra = object;
        problem
    }

    /// Whether the problem carries no information at all.
    pub fn is_empty(&self) -> bool {
        self == &Problem::default()
    }
}

/// Takes `key` if it is a string (or `null`, meaning absent); any other shape stays behind.
fn take_string(object: &mut Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key) {
        Some(Value::String(_)) => match object.remove(key) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        },
        Some(Value::Null) => {
            object.remove(key);
            None
        }
        _ => None,
    }
}

fn take_status(object: &mut Map<String, Value>) -> Option<u16> {
    let status = match object.get("status")? {
        Value::Null => None,
        Value::Number(n) => n
            .as_u64()
            .or_else(|| {
                // Some servers write 400.0; accept it only when it is a whole number.
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u16::MAX))
                    .map(|f| f as u64)
            })
            .and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse::<u16>().ok(),
        _ => None,
    };
    // A value we could not understand stays in `extra`, so nothing the server sent is lost.
    if status.is_some() || object.get("status") == Some(&Value::Null) {
        object.remove("status");
    }
    status
}

fn take_problems(object: &mut Map<String, Value>) -> Vec<Problem> {
    match object.get("problems") {
        Some(Value::Null) => {
            object.remove("problems");
            Vec::new()
        }
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => {
            match object.remove("problems") {
                Some(Value::Array(items)) => items
                    .into_iter()
                    .filter_map(|item| match item {
                        Value::Object(map) => Some(Problem::from_json_object(map)),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

impl<'de> Deserialize<'de> for Problem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Decoding through a map first is what lets a badly shaped field fall back into
        // `extra` instead of failing the whole body.
        Map::<String, Value>::deserialize(deserializer).map(Problem::from_json_object)
    }
}

impl fmt::Display for Problem {
    /// One line for logs and error messages: title (or type), the field name, the detail,
    /// and how many nested problems there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headline = self
            .title
            .as_deref()
            .filter(|s| !s.is_empty())
            .or(self.r#type.as_deref().filter(|s| !s.is_empty()));
        match headline {
            Some(headline) => f.write_str(headline)?,
            None => f.write_str("no problem details")?,
        }
        if let Some(name) = self.name.as_deref().filter(|s| !s.is_empty()) {
            write!(f, " [{name}]")?;
        }
        if let Some(detail) = self.detail.as_deref().filter(|s| !s.is_empty()) {
            write!(f, ": {detail}")?;
        }
        match self.problems.len() {
            0 => Ok(()),
            1 => f.write_str(" (1 nested problem)"),
            n => write!(f, " ({n} nested problems)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_the_documented_auth_failure() {
        let body = br#"{"type":"https://docs.api.video/reference/authentication-invalid-user-credentials","title":"The user credentials were incorrect.","name":"","status":400}"#;
        let problem: Problem = serde_json::from_slice(body).expect("valid problem");
        assert_eq!(
            problem.r#type.as_deref(),
            Some("https://docs.api.video/reference/authentication-invalid-user-credentials")
        );
        assert_eq!(
            problem.title.as_deref(),
            Some("The user credentials were incorrect.")
        );
        assert_eq!(problem.name.as_deref(), Some(""));
        assert_eq!(problem.status, Some(400));
        assert!(problem.problems.is_empty());
        assert!(problem.extra.is_empty());
    }

    #[test]
    fn status_accepts_numeric_strings_and_keeps_garbage_in_extra() {
        let p: Problem = serde_json::from_value(json!({"status": "404"})).expect("object");
        assert_eq!(p.status, Some(404));
        assert!(p.extra.is_empty());

        let p: Problem = serde_json::from_value(json!({"status": "teapot"})).expect("object");
        assert_eq!(p.status, None);
        assert_eq!(p.extra.get("status"), Some(&json!("teapot")));

        let p: Problem = serde_json::from_value(json!({"status": 70000})).expect("object");
        assert_eq!(p.status, None);
        assert_eq!(p.extra.get("status"), Some(&json!(70000)));
    }

    #[test]
    fn problems_null_or_absent_is_empty_and_nested_problems_decode() {
        let p: Problem = serde_json::from_value(json!({"problems": null})).expect("object");
        assert!(p.problems.is_empty());
        assert!(p.extra.is_empty());

        let p: Problem = serde_json::from_value(json!({
            "title": "invalid body",
            "problems": [{"name": "title", "status": 400, "detail": "too long", "x": 1}]
        }))
        .expect("object");
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].name.as_deref(), Some("title"));
        assert_eq!(p.problems[0].extra.get("x"), Some(&json!(1)));
    }

    #[test]
    fn unknown_fields_round_trip() {
        let original = json!({
            "type": "t", "title": "x", "status": 400, "detail": "d",
            "problems": [{"title": "inner"}], "traceId": "abc", "nested": {"a": [1, 2]}
        });
        let p: Problem = serde_json::from_value(original.clone()).expect("object");
        assert_eq!(p.extra.get("traceId"), Some(&json!("abc")));
        assert_eq!(serde_json::to_value(&p).expect("serializable"), original);
    }

    #[test]
    fn non_objects_do_not_decode() {
        assert!(serde_json::from_str::<Problem>("\"oops\"").is_err());
        assert!(serde_json::from_str::<Problem>("[1]").is_err());
    }

    #[test]
    fn display_is_one_informative_line() {
        let p = Problem {
            title: Some("Invalid body".into()),
            name: Some("title".into()),
            detail: Some("too long".into()),
            problems: vec![Problem::default(), Problem::default()],
            ..Problem::default()
        };
        assert_eq!(
            p.to_string(),
            "Invalid body [title]: too long (2 nested problems)"
        );
        assert_eq!(Problem::default().to_string(), "no problem details");
        assert!(Problem::default().is_empty());
    }
}
