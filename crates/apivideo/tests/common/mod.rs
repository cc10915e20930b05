//! Helpers shared by the facade's integration tests: clients pointed at a wiremock
//! server, a catch-all mock that fails loudly, request summaries for snapshots, and a
//! tracing capture. The helpers other crates' tests share too (the spec and its example
//! answers, the multipart reader, request readers, ids) come from `apivideo-test-support`,
//! re-exported here so every test file reaches them through `common::*`.
#![allow(dead_code, unused_imports)] // each test crate uses a different subset

use std::io::Write;
use std::sync::{Arc, Mutex};
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

pub use apivideo_test_support::ids::*;
pub use apivideo_test_support::{header, multipart_parts, query, spec_example};

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
