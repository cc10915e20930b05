//! Helpers shared by the integration tests: clients pointed at a wiremock server, and a
//! reader for the multipart bodies the uploads send.
#![allow(dead_code)] // each test crate uses a different subset

use apivideo_api::auth::{ApiKey, Basic};
use apivideo_api::{Client, Context};

/// The API key the tests authenticate with.
pub const KEY: &str = "test-key";
/// `Basic base64("test-key:")`.
pub const BASIC_HEADER: &str = "Basic dGVzdC1rZXk6";

/// Basic credentials for [`KEY`] with the default retry policy.
pub fn basic_context() -> Context {
    Context::new(Basic::new(ApiKey::new(KEY).expect("valid key")))
}

/// A client for `base_url` authenticating with [`KEY`].
pub fn client(base_url: &str) -> Client {
    // The context first: it installs the crypto provider reqwest needs with `rustls`.
    let context = basic_context();
    Client::new_with_client(base_url, reqwest::Client::new(), context)
}

/// A client for `base_url` with `context`.
pub fn client_with(base_url: &str, context: Context) -> Client {
    Client::new_with_client(base_url, reqwest::Client::new(), context)
}

/// The value of header `name`, if present and text.
pub fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Splits a `multipart/form-data` request body into its parts. Panics when the body is
/// not well-formed multipart for the boundary its `Content-Type` announces.
pub fn multipart_parts(request: &wiremock::Request) -> Vec<FormPart> {
    let content_type = header(request, "content-type").expect("a Content-Type header");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart/form-data: {content_type}"));
    let delimiter = format!("--{boundary}");
    let body = &request.body[..];
    let mut sections = split(body, delimiter.as_bytes());
    assert!(
        sections.first().is_some_and(|s| s.is_empty()),
        "the body starts with the boundary"
    );
    sections.remove(0);
    let last = sections.pop().expect("a closing boundary");
    assert!(
        last == b"--\r\n" || last == b"--",
        "the body ends with the closing boundary, not {:?}",
        String::from_utf8_lossy(last)
    );
    sections
        .into_iter()
        .map(|section| {
            let section = section
                .strip_prefix(b"\r\n")
                .and_then(|s| s.strip_suffix(b"\r\n"))
                .expect("a part framed by CRLF");
            let at = find(section, b"\r\n\r\n").expect("part headers end with an empty line");
            let (head, data) = (&section[..at], &section[at + 4..]);
            let head = std::str::from_utf8(head).expect("UTF-8 part headers");
            let mut part = FormPart {
                name: String::new(),
                file_name: None,
                content_type: None,
                data: data.to_vec(),
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
