//! No secret in the trace output of a full token cycle.
//!
//! Alone in its own test binary: tracing caches per call site whether anyone listens, and
//! a test running in parallel on a thread without a subscriber can make call sites look
//! unobserved to this test's thread-local subscriber.

#![cfg(feature = "reqwest")]

mod common;

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apivideo_auth::{ManualClock, ProvideAuthorization};
use common::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every secret the scenario handles, in the forms a leak could take.
fn secrets() -> Vec<String> {
    let mut all = vec![KEY.to_owned(), KEY_BASE64.to_owned()];
    for n in ["A", "B", "D"] {
        all.push(access(n));
        all.push(refresh(n));
    }
    all
}

/// A `MakeWriter` that appends everything to a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn trace_output_of_a_full_cycle_has_no_secret() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    authenticate_mock("A", Duration::ZERO)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    authenticate_mock("B", Duration::ZERO)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    authenticate_mock("D", Duration::ZERO).mount(&server).await;
    refresh_mock("A", "B", Duration::ZERO).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh"))
        .respond_with(ResponseTemplate::new(400).set_body_json(invalid_credentials()))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let auth = bearer(&server, &clock);

    // Fetch A; refresh A → B; refresh B is rejected → the key again (the second key mock
    // answers B once more); invalidate it; fetch again (D).
    let a = auth.authorization_header().await.expect("fetch");
    clock.advance(due_time());
    let b = auth.authorization_header().await.expect("refresh");
    assert_ne!(a, b);
    clock.advance(due_time());
    let after_fallback = auth.authorization_header().await.expect("fallback");
    auth.invalidate(&after_fallback);
    auth.invalidate(&a); // stale: traced at TRACE level
    auth.authorization_header()
        .await
        .expect("fetch after invalidation");
    let _ = format!("{auth:?}");

    let output = String::from_utf8(capture.0.lock().expect("not poisoned").clone()).expect("UTF-8");
    for secret in secrets() {
        assert!(
            !output.contains(&secret),
            "trace output leaks {secret}:\n{output}"
        );
    }
    for event in [
        "fetching token",
        "refreshing token",
        "refresh rejected, re-authenticating",
        "token invalidated",
        "nothing to invalidate",
    ] {
        assert!(output.contains(event), "missing {event:?} in:\n{output}");
    }
    assert_eq!(count(&server, "/auth/api-key").await, 3);
    assert_eq!(count(&server, "/auth/refresh").await, 2);
}
