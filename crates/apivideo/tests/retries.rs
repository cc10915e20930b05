//! When the client sends a request again, and how many requests each case costs.
//!
//! Every case counts the requests the server received and prints a `retry-cost:` line
//! (`cargo test --test retries --test traces -- --nocapture | grep retry-cost`); the cases
//! that also read the traces are in `traces.rs`.

mod common;
mod retry_support;

use std::time::{Duration, Instant};

use apivideo::models::{VideoCreationPayload, WebhookEventType, WebhooksCreationPayload};
use apivideo::{Error, RetryPolicy};
use common::*;
use retry_support::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn created() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(video_json(VIDEO_ID))
}

#[tokio::test]
async fn rate_limited_get_waits_what_the_header_says_then_succeeds() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Limit", "60")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Retry-After", "1"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let video = client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect("the retry succeeds");
    let waited = started.elapsed();
    assert_eq!(video.video_id, VIDEO_ID);
    assert!(
        waited >= Duration::from_secs(1),
        "waited {waited:?}, the header asked for 1 s (the policy's backoff is 5-20 ms)"
    );
    let sent = requests(&server).await.len();
    assert_eq!(sent, 2);
    cost("429 (Retry-After: 1) then 200 on GET /videos/{id}", sent);
}

#[tokio::test]
async fn rate_limited_post_is_retried_because_it_was_not_applied() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/videos"))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/videos"))
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;
    let video = client(&server)
        .videos()
        .create(VideoCreationPayload::new("Maths video"))
        .await
        .expect("created on the second attempt");
    assert_eq!(video.video_id, VIDEO_ID);
    let received = requests(&server).await;
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].body, received[1].body,
        "the same body is sent again"
    );
    cost("429 then 201 on POST /videos", received.len());
}

#[tokio::test]
async fn rate_limited_without_retry_after_uses_the_backoff() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/videos"))
        .respond_with(ResponseTemplate::new(429))
        .expect(3)
        .mount(&server)
        .await;
    let error = client(&server)
        .videos()
        .list()
        .await
        .expect_err("always 429");
    assert!(error.is_rate_limited(), "{error:?}");
    let sent = requests(&server).await.len();
    assert_eq!(sent, 3);
    cost("429 without Retry-After, always, on GET /videos", sent);
}

#[tokio::test]
async fn server_errors_on_get_are_retried_up_to_the_bound() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(unavailable())
        .expect(3)
        .mount(&server)
        .await;
    let error = client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("always 503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        error.api_error().and_then(|e| e.title()),
        Some("Service unavailable"),
        "the last answer is returned"
    );
    let sent = requests(&server).await.len();
    assert_eq!(sent, 3);
    cost("503 always on GET /videos/{id} (default policy)", sent);
}

#[tokio::test]
async fn server_error_then_success_on_get() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(unavailable())
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect("the third attempt succeeds");
    let sent = requests(&server).await.len();
    assert_eq!(sent, 3);
    cost("503, 503, then 200 on GET /videos/{id}", sent);
}

#[tokio::test]
async fn server_errors_on_creating_posts_are_not_retried() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/videos"))
        .respond_with(unavailable())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(unavailable())
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let error = client
        .videos()
        .create(VideoCreationPayload::new("Maths video"))
        .await
        .expect_err("a 503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let sent = count(&server, "/videos").await;
    assert_eq!(sent, 1);
    cost("503 on POST /videos", sent);

    client
        .webhooks()
        .create(WebhooksCreationPayload::new(
            [WebhookEventType::VideoSourceRecorded],
            "https://example.com/hooks",
        ))
        .await
        .expect_err("a 503");
    let sent = count(&server, "/webhooks").await;
    assert_eq!(sent, 1);
    cost("503 on POST /webhooks", sent);
}

#[tokio::test]
async fn server_errors_on_replacing_posts_are_retried() {
    let server = strict_server().await;
    let route = format!("/videos/{VIDEO_ID}/thumbnail");
    Mock::given(method("POST"))
        .and(path(route.as_str()))
        .respond_with(unavailable())
        .expect(3)
        .mount(&server)
        .await;
    client(&server)
        .videos()
        .upload_thumbnail(VIDEO_ID, b"\xff\xd8\xff\xd9".to_vec())
        .await
        .expect_err("always 503");
    let received = requests(&server).await;
    cost(
        "503 always on POST /videos/{id}/thumbnail (replacing)",
        received.len(),
    );
    assert_eq!(received.len(), 3);
    // Each attempt is a new form with its own random boundary; what is inside is the same.
    let without_boundary = |r: &wiremock::Request| {
        let content_type = r
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let boundary = content_type
            .split("boundary=")
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        String::from_utf8_lossy(&r.body).replace(&boundary, "BOUNDARY")
    };
    assert!(
        received
            .iter()
            .all(|r| without_boundary(r) == without_boundary(&received[0])),
        "the same multipart body each time"
    );
}

/// 429 is retried for every request (the API did nothing), multipart ones included; the
/// bodies of these small uploads are in memory, so they can be sent again.
#[tokio::test]
async fn rate_limited_multipart_uploads_are_retried() {
    let server = strict_server().await;
    let route = format!("/videos/{VIDEO_ID}/captions/en");
    Mock::given(method("POST"))
        .and(path(route.as_str()))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(route.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "uri": "/videos/vi4blUQJFrYWbaG44NChkH27/captions/en", "srclang": "en"
        })))
        .mount(&server)
        .await;
    let result = client(&server)
        .captions()
        .upload(VIDEO_ID, "en", b"WEBVTT\n".to_vec())
        .await;
    let sent = requests(&server).await.len();
    cost(
        "429 then 200 on POST /videos/{id}/captions/en (multipart)",
        sent,
    );
    let caption = result.expect("the retry succeeds");
    assert_eq!(caption.srclang.as_deref(), Some("en"));
    assert_eq!(sent, 2);
}

#[tokio::test]
async fn not_implemented_and_client_errors_are_not_retried() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(ResponseTemplate::new(501))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(video_path()))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client.videos().get(VIDEO_ID).await.expect_err("a 501");
    let error = client.videos().delete(VIDEO_ID).await.expect_err("a 404");
    assert!(error.is_not_found());
    let received = requests(&server).await;
    let gets = received
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .count();
    let deletes = received.len() - gets;
    assert_eq!((gets, deletes), (1, 1));
    cost("501 on GET /videos/{id}", gets);
    cost("404 on DELETE /videos/{id}", deletes);
}

#[tokio::test]
async fn a_custom_bound_is_respected() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(unavailable())
        .expect(5)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .retry_policy(fast_retries().max_attempts(5))
        .build()
        .expect("a client");
    client.videos().get(VIDEO_ID).await.expect_err("always 503");
    let sent = requests(&server).await.len();
    assert_eq!(sent, 5);
    cost("503 always on GET, max_attempts(5)", sent);
}

#[tokio::test]
async fn no_retries_policy_sends_once() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(unavailable())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/videos"))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", "0"))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    client.videos().get(VIDEO_ID).await.expect_err("a 503");
    let error = client.videos().list().await.expect_err("a 429");
    assert!(error.is_rate_limited());
    let received = requests(&server).await;
    assert_eq!(received.len(), 2);
    cost("503 on GET, RetryPolicy::none()", 1);
    cost("429 on GET, RetryPolicy::none()", 1);
}

/// `1e20` and 2^64 seconds once panicked in `Duration::from_secs_f64`, on a call and on an
/// upload chunk: now they are clamped to a day, beyond any policy's cap, so the 429 comes
/// back at once with the clamped wait.
#[tokio::test]
async fn an_absurd_retry_after_is_clamped_on_a_call_and_on_a_chunk() {
    let clamp = apivideo::auth::retry::RETRY_AFTER_CLAMP;
    for absurd in ["1e20", "18446744073709551616"] {
        let server = strict_server().await;
        Mock::given(method("GET"))
            .and(path(video_path()))
            .respond_with(
                ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", absurd),
            )
            .expect(1)
            .mount(&server)
            .await;
        let error = client(&server)
            .videos()
            .get(VIDEO_ID)
            .await
            .expect_err("a 429");
        assert!(error.is_rate_limited(), "{absurd}: {error}");
        let expected = Some(clamp);
        assert_eq!(error.retry_after(), expected, "{absurd}");

        let server = strict_server().await;
        Mock::given(method("POST"))
            .and(path(format!("{}/source", video_path())))
            .respond_with(
                ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", absurd),
            )
            .expect(1)
            .mount(&server)
            .await;
        let error = client(&server)
            .videos()
            .upload(VIDEO_ID, vec![1u8; 1024])
            .await
            .expect_err("a 429");
        assert!(error.is_rate_limited(), "{absurd}: {error}");
        assert_eq!(error.retry_after(), expected, "{absurd}");
    }
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_at_once() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Retry-After", "3600")
                .set_body_json(json!({"title": "Request quota exhausted", "status": 429})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("a 429");
    // Waiting would take an hour; a local answer takes milliseconds.
    assert!(started.elapsed() < Duration::from_secs(30), "no wait");
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    let sent = requests(&server).await.len();
    assert_eq!(sent, 1);
    cost("429 with Retry-After: 3600 (> 60 s cap) on GET", sent);

    // A lower cap set on the policy is honoured the same way.
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", "59"))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = builder(&server.uri())
        .retry_policy(fast_retries().max_retry_after(Duration::from_secs(1)))
        .build()
        .expect("a client")
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("a 429");
    // 59 s is within the default cap, beyond this policy's.
    assert!(started.elapsed() < Duration::from_secs(30), "no wait");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(59)));
    cost("429 with Retry-After: 59, max_retry_after(1 s)", 1);
}

#[tokio::test]
async fn read_timeouts_are_retried_only_when_idempotent() {
    let server = strict_server().await;
    let slow = ResponseTemplate::new(200)
        .set_body_json(video_json(VIDEO_ID))
        .set_delay(Duration::from_millis(800));
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(slow.clone())
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/videos"))
        .respond_with(slow)
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(150))
        .build()
        .expect("a client");
    let timed_out = |error: &Error| {
        matches!(
            error,
            Error::Timeout {
                stage: apivideo::Stage::Whole,
                after,
            } if *after == Duration::from_millis(150)
        )
    };
    let error = client.videos().get(VIDEO_ID).await.expect_err("too slow");
    assert!(timed_out(&error), "{error:?}");
    let error = client
        .videos()
        .create(VideoCreationPayload::new("Maths video"))
        .await
        .expect_err("too slow");
    assert!(timed_out(&error), "{error:?}");
    let gets = count(&server, &video_path()).await;
    let posts = count(&server, "/videos").await;
    assert_eq!((gets, posts), (3, 1));
    cost("timeout on GET /videos/{id}", gets);
    cost("timeout on POST /videos", posts);
}

#[tokio::test]
async fn a_401_with_basic_auth_is_not_retried() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("a 401");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let sent = requests(&server).await.len();
    assert_eq!(sent, 1, "the same key would be refused again");
    cost("401 on GET with Basic auth", sent);
}

/// The retry policy applies to every request, 429 included; the token request a bearer
/// client sends first is one of them, and goes through the same retry loop.
#[tokio::test]
async fn a_rate_limited_token_request_is_retried() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Retry-After", "0")
                .set_body_json(json!({"title": "Too many requests", "status": 429})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(token_answer(ACCESS_1, REFRESH_1))
        .mount(&server)
        .await;
    serve_video_ok(&server).await;
    let result = bearer_client(&server).videos().get(VIDEO_ID).await;
    let auth = count(&server, "/auth/api-key").await;
    cost(
        "429 then 200 on POST /auth/api-key (bearer), then GET",
        auth,
    );
    match result {
        Ok(video) => assert_eq!(video.video_id, VIDEO_ID),
        Err(error) => panic!(
            "not retried: {error} (is_rate_limited: {})",
            error.is_rate_limited()
        ),
    }
    assert_eq!(auth, 2);
}

async fn serve_video_ok(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(video_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
        .mount(server)
        .await;
}
