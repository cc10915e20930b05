//! Helpers shared by the test suites of this workspace, so each exists once: the spec and
//! its example answers, a reader for `multipart/form-data` bodies, small readers of
//! recorded requests, the ids the tests share, a runner for the examples, and files that
//! misbehave. Dev-only
//! (`publish = false`): crates list it under `[dev-dependencies]`.

#![forbid(unsafe_code)]

pub mod examples;
pub mod files;
pub mod ids;
pub mod multipart;

use std::sync::OnceLock;

use serde_json::Value;

pub use multipart::{FormPart, multipart_parts};

/// The workspace's OpenAPI document (`openapi/apivideo.yaml`), parsed once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/apivideo.yaml");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
    })
}

/// The spec's JSON example answer of operation `id` (its `operationId`) for `status`, if
/// it has one. Panics when the spec has no such operation.
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

/// The value of header `name` of a recorded request, if present and text.
pub fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The decoded query pairs of a recorded request, in order.
pub fn query(request: &wiremock::Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A base URL whose port refuses connections by construction: the socket is bound (so no
/// other test can take the port) but never listens. Keep the returned socket alive for as
/// long as the URL is used.
pub fn refused_base_url() -> (String, socket2::Socket) {
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    socket
        .bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("bind to a free port");
    let port = socket
        .local_addr()
        .expect("the bound address")
        .as_socket()
        .expect("an inet address")
        .port();
    (format!("http://127.0.0.1:{port}"), socket)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples_are_found_by_operation_and_status() {
        let video = spec_example("GET-video", 200).expect("an example");
        assert!(video["videoId"].is_string(), "{video}");
        assert!(spec_example("GET-video", 599).is_none());
    }

    #[test]
    #[should_panic(expected = "NOT-an-operation is not in the spec")]
    fn an_unknown_operation_panics() {
        spec_example("NOT-an-operation", 200);
    }
}
