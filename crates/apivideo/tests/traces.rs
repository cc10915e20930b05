//! Retries seen through their traces: what is logged, with which fields, and that no
//! secret is.
//!
//! A test binary of its own, in which every test captures from its first line: tracing
//! caches per call site whether anyone listens, so a sibling test logging on a thread
//! without a subscriber could make call sites look unobserved to a capturing test's
//! thread-local subscriber (the auth crate's `trace_redaction.rs` is alone for the same
//! reason). A test added here must call `capture_tracing()` before anything else.

mod common;
mod retry_support;

use apivideo::Error;
use apivideo::models::VideoCreationPayload;
use common::*;
use retry_support::*;
use serde_json::json;
use wiremock::matchers::{header as header_is, method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn refused_connections_are_retried_for_every_method_then_reported() {
    let (captured, _guard) = capture_tracing();
    let (_refusing, port) = refusing_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = builder(&base).build().expect("a client");

    let error = client.videos().get(VIDEO_ID).await.expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let display = error.to_string();
    assert!(
        display.contains("could not connect to api.video"),
        "{display}"
    );
    assert!(
        !display.contains(VIDEO_ID),
        "no URL in the message: {display}"
    );
    let connect_retries = || {
        captured
            .text()
            .lines()
            .filter(|l| l.contains("retrying") && l.contains("connection failed"))
            .count()
    };
    let get_retries = connect_retries();
    assert_eq!(get_retries, 2, "{}", captured.text());
    cost("connection refused on GET /videos/{id}", get_retries + 1);

    let error = client
        .videos()
        .create(VideoCreationPayload::new("Maths video"))
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let retries = connect_retries() - get_retries;
    assert_eq!(retries, 2, "a refused connection never reached the server");
    cost("connection refused on POST /videos", retries + 1);
}

fn assert_no_secrets(text: &str) {
    for secret in [KEY, ACCESS_1, ACCESS_2, REFRESH_1, REFRESH_2, BASIC_HEADER] {
        assert!(!text.contains(secret), "{secret} appears in:\n{text}");
    }
    // The base64 part of the Basic header alone.
    assert!(!text.contains("ZmFjYWRlLXRlc3Qta2V5LTAxMjM6"), "{text}");
}

#[tokio::test]
async fn a_401_refetches_the_token_and_retries_once() {
    let (captured, _guard) = capture_tracing();
    let server = strict_server().await;
    mount_two_tokens(&server).await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .and(header_is("authorization", format!("Bearer {ACCESS_1}")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"status": 401})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .and(header_is("authorization", format!("Bearer {ACCESS_2}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let video = bearer_client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect("the retry with the fresh token succeeds");
    assert_eq!(video.video_id, VIDEO_ID);
    let (auth, gets) = (
        count(&server, "/auth/api-key").await,
        count(&server, &video_path()).await,
    );
    assert_eq!((auth, gets), (2, 2));
    cost(
        "401 then 200 on GET with bearer auth (+2 POST /auth/api-key)",
        gets,
    );
    let text = captured.text();
    assert!(
        text.contains("retrying at once with fresh credentials"),
        "{text}"
    );
    assert_no_secrets(&text);
}

#[tokio::test]
async fn a_second_401_is_returned() {
    let (captured, _guard) = capture_tracing();
    let server = strict_server().await;
    mount_two_tokens(&server).await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "type": "https://docs.api.video/reference/authentication-failed",
            "title": "Unauthorized", "status": 401
        })))
        .expect(2)
        .mount(&server)
        .await;
    let error = bearer_client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("still 401");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error:?}");
    let (auth, gets) = (
        count(&server, "/auth/api-key").await,
        count(&server, &video_path()).await,
    );
    assert_eq!((auth, gets), (2, 2));
    cost(
        "401 twice on GET with bearer auth (+2 POST /auth/api-key)",
        gets,
    );
    let received = requests(&server).await;
    let sent: Vec<_> = received
        .iter()
        .filter(|r| r.url.path() == video_path())
        .map(|r| header(r, "authorization").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        sent,
        [format!("Bearer {ACCESS_1}"), format!("Bearer {ACCESS_2}")]
    );
    // Something was captured: the retry with a fresh token and the invalidation.
    let text = captured.text();
    assert!(
        text.contains("retrying at once with fresh credentials"),
        "{text}"
    );
    assert!(text.contains("token invalidated"), "{text}");
    assert_no_secrets(&text);
    assert_no_secrets(&format!("{error} {error:?}"));
}

#[tokio::test]
async fn retries_are_traced_with_attempt_numbers_and_no_secrets() {
    let (captured, _guard) = capture_tracing();
    let server = strict_server().await;
    mount_two_tokens(&server).await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(unavailable())
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
        .mount(&server)
        .await;
    bearer_client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect("the third attempt succeeds");
    let text = captured.text();
    let retrying: Vec<&str> = text.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retrying.len(), 2, "{text}");
    assert!(retrying[0].contains("attempt=1"), "{}", retrying[0]);
    assert!(retrying[1].contains("attempt=2"), "{}", retrying[1]);
    assert!(
        retrying.iter().all(|l| l.contains("server error (503)")),
        "{text}"
    );
    assert!(retrying.iter().all(|l| l.contains("wait_ms=")), "{text}");
    assert_no_secrets(&text);
}

/// The request span names the spec's route and operationId, so traces can be grouped by
/// endpoint (the runtime finds generated operations by the name progenitor gives its
/// hooks, `get_video`, and names them by the spec's `GET-video`).
#[tokio::test]
async fn request_spans_name_the_route_and_the_operation() {
    let (captured, _guard) = capture_tracing();
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(unavailable())
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
        .mount(&server)
        .await;
    client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect("the retry succeeds");
    let text = captured.text();
    let line = text
        .lines()
        .find(|l| l.contains("retrying"))
        .unwrap_or_else(|| panic!("a retrying event in {text}"));
    assert!(line.contains("route=\"/videos/{videoId}\""), "{line}");
    // The spec's operationId: an empty field would mean the operation lookup failed.
    assert!(line.contains("operation=\"GET-video\""), "{line}");
}
