//! Helpers shared by the facade's integration tests: clients pointed at a wiremock
//! server, a catch-all mock that fails loudly, request summaries for snapshots, the spec's
//! example answers, and a tracing capture.
#![allow(dead_code)] // each test crate uses a different subset

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use apivideo::api::operation::Operation;
use apivideo::{Client, ClientBuilder, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The API key the tests authenticate with.
pub const KEY: &str = "facade-test-key-0123";
/// `Basic base64("facade-test-key-0123:")`.
pub const BASIC_HEADER: &str = "Basic ZmFjYWRlLXRlc3Qta2V5LTAxMjM6";

pub const VIDEO_ID: &str = "vi4blUQJFrYWbaG44NChkH27";
pub const LIVE_STREAM_ID: &str = "li400mYKSgQ6xs7taUeSaEKr";
pub const PLAYER_ID: &str = "pl45d5vFFGrfdXt5ZQXfTvgu";
pub const SUMMARY_ID: &str = "summary_1CGHWuXjhxmCPFsgYpdt9P";
pub const WATERMARK_ID: &str = "watermark_1BWr2L5MTQwxGkuxKjzh6i";
pub const UPLOAD_TOKEN: &str = "to1tcmSFHeYY5KzyhOqVKMKb";
pub const WEBHOOK_ID: &str = "webhook_XXXXXXXXXXXXXXX";

/// A retry policy with the default bounds but millisecond backoffs, so tests stay fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

/// A builder for `base_url` with [`KEY`], Basic auth and [`fast_retries`].
pub fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .basic_auth()
        .retry_policy(fast_retries())
}

/// A Basic-auth client for `server`.
pub fn client(server: &MockServer) -> Client {
    builder(&server.uri()).build().expect("a valid client")
}

/// A server whose unmatched requests fail loudly: they are answered 599 with a message,
/// and the server panics when dropped if any arrived.
pub async fn strict_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(599).set_body_string("no mock for this route (test bug?)"),
        )
        .with_priority(u8::MAX)
        .named("catch-all: unexpected route")
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// Every request the server received.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// The value of header `name`, if present and text.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The query pairs of a request, in order.
pub fn query(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value of query parameter `name` (the first one).
pub fn query_value(request: &Request, name: &str) -> Option<String> {
    query(request)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// What a snapshot records of a request: method, path, query pairs, the headers that
/// matter, and the body (JSON, or the parts of a multipart form).
pub fn summary(request: &Request) -> Value {
    let mut headers = serde_json::Map::new();
    for name in ["accept", "api-version", "authorization", "content-type"] {
        if let Some(value) = header(request, name) {
            let value = match value.split_once("boundary=") {
                Some((head, _)) => format!("{head}boundary=[boundary]"),
                None => value.to_owned(),
            };
            headers.insert(name.to_owned(), Value::String(value));
        }
    }
    let content_type = header(request, "content-type").unwrap_or_default();
    let body = if request.body.is_empty() {
        Value::Null
    } else if content_type.starts_with("multipart/form-data") {
        json!({ "multipart": multipart_parts(request)
            .into_iter()
            .map(|part| json!({
                "name": part.name,
                "filename": part.file_name,
                "content-type": part.content_type,
                "length": part.data.len(),
                "content": match std::str::from_utf8(&part.data) {
                    Ok(text) => Value::String(text.to_owned()),
                    Err(_) => Value::String(hex(&part.data)),
                },
            }))
            .collect::<Vec<_>>() })
    } else {
        serde_json::from_slice(&request.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&request.body).into_owned()))
    };
    json!({
        "method": request.method.as_str(),
        "path": request.url.path(),
        "query": query(request),
        "headers": headers,
        "body": body,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Splits a `multipart/form-data` request body into its parts; panics on a malformed one.
pub fn multipart_parts(request: &Request) -> Vec<FormPart> {
    let content_type = header(request, "content-type").expect("a Content-Type header");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart/form-data: {content_type}"));
    let delimiter = format!("--{boundary}");
    let mut sections = split(&request.body, delimiter.as_bytes());
    assert!(
        sections.first().is_some_and(|s| s.is_empty()),
        "the body starts with the boundary"
    );
    sections.remove(0);
    let last = sections.pop().expect("a closing boundary");
    assert!(
        last == b"--\r\n" || last == b"--",
        "the body ends with the closing boundary"
    );
    sections
        .into_iter()
        .map(|section| {
            let section = section
                .strip_prefix(b"\r\n")
                .and_then(|s| s.strip_suffix(b"\r\n"))
                .expect("a part framed by CRLF");
            let at = find(section, b"\r\n\r\n").expect("part headers end with an empty line");
            let head = std::str::from_utf8(&section[..at]).expect("UTF-8 part headers");
            let mut part = FormPart {
                name: String::new(),
                file_name: None,
                content_type: None,
                data: section[at + 4..].to_vec(),
            };
            for line in head.split("\r\n") {
                let (name, value) = line.split_once(':').expect("a header line");
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-disposition" => {
                        for param in value.split(';').map(str::trim) {
                            if let Some(v) = param.strip_prefix("name=") {
                                part.name = v.trim_matches('"').to_owned();
                            } else if let Some(v) = param.strip_prefix("filename=") {
                                part.file_name = Some(v.trim_matches('"').to_owned());
                            }
                        }
                    }
                    "content-type" => part.content_type = Some(value.trim().to_owned()),
                    other => panic!("unexpected part header {other}"),
                }
            }
            part
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut haystack: &'a [u8], needle: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(at) = find(haystack, needle) {
        out.push(&haystack[..at]);
        haystack = &haystack[at + needle.len()..];
    }
    out.push(haystack);
    out
}

/// The OpenAPI document, parsed once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/apivideo.yaml");
        let text = std::fs::read_to_string(path).expect("the spec");
        serde_norway::from_str(&text).expect("valid YAML")
    })
}

/// The spec's JSON example answer of operation `id` for `status`.
pub fn spec_example(id: &str, status: u16) -> Option<Value> {
    let paths = spec()["paths"].as_object().expect("paths");
    let operation = paths
        .values()
        .flat_map(|item| item.as_object().expect("path item").values())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(id))
        .unwrap_or_else(|| panic!("{id} is not in the spec"));
    operation["responses"][status.to_string()]
        .pointer("/content/application~1json/example")
        .cloned()
}

/// The operation `id` of the table.
pub fn operation(id: &str) -> &'static Operation {
    Operation::find(id).unwrap_or_else(|| panic!("{id} is not in the operation table"))
}

/// A regex matching the concrete paths of a path template (`/videos/{videoId}`).
pub fn path_regex(template: &str) -> String {
    let mut out = String::from("^");
    for segment in template.split('/').skip(1) {
        out.push('/');
        if segment.starts_with('{') {
            out.push_str("[^/]+");
        } else {
            out.push_str(&regex_escape(segment));
        }
    }
    out.push('$');
    out
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$-".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// Text written by a tracing subscriber, shared with the test.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every tracing event (all levels, all crates) of the current thread until the
/// guard is dropped. Use with the current-thread runtime of `#[tokio::test]`.
pub fn capture_tracing() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_target(true)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (captured, guard)
}

/// A JSON token answer of `/auth/api-key`.
pub fn token_answer(access: &str, refresh: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "token_type": "Bearer",
        "expires_in": 3600,
        "access_token": access,
        "refresh_token": refresh,
    }))
}

/// A minimal video answer.
pub fn video_json(video_id: &str) -> Value {
    json!({ "videoId": video_id, "title": "Maths video", "tags": [], "metadata": [] })
}
