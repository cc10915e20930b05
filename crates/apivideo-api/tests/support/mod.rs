//! Helpers shared by this crate's integration tests: clients pointed at a wiremock
//! server. Those shared with other crates' tests (the spec and its examples, the
//! multipart reader, request readers, ids) are in `apivideo-test-support`.
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
    Client::new(base_url, basic_context())
}

/// A client for `base_url` with `context`.
pub fn client_with(base_url: &str, context: Context) -> Client {
    Client::new(base_url, context)
}
