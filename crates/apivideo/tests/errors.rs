//! Error answers and unreadable answers become `Error` values that keep everything the
//! server said (status, problem details, rate limits, request id, a snippet of a non-JSON
//! body), read well, and never show a secret.

mod common;

use std::time::Duration;

use apivideo::models::{SummaryCreationPayload, VideoCreationPayload};
use apivideo::{Error, RetryPolicy};
use common::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client that sends each request once, so every answer is returned as it came.
fn once(server: &MockServer) -> apivideo::Client {
    builder(&server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid client")
}

fn api_error(error: &Error) -> &apivideo::ApiError {
    error
        .api_error()
        .unwrap_or_else(|| panic!("expected Error::Api, got {error:?}"))
}

#[tokio::test]
async fn bad_request_keeps_the_problem_with_nested_problems_and_extra_fields() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/videos"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-request-id", "req-400-abc")
                .insert_header("x-ratelimit-limit", "60")
                .insert_header("x-ratelimit-remaining", "59")
                .insert_header("x-ratelimit-retry-after", "12")
                .set_body_json(json!({
                    "type": "https://docs.api.video/reference/invalid-attribute",
                    "title": "An attribute is invalid.",
                    "name": "title",
                    "status": 400,
                    "detail": "The title must be at most 256 characters.",
                    "problems": [
                        {"type": "https://docs.api.video/reference/invalid-attribute",
                         "title": "This attribute must be shorter.", "name": "title", "status": 400},
                        {"title": "This attribute must be a boolean.", "name": "public",
                         "status": 400, "hint": "true or false"}
                    ],
                    "traceId": "trace-7f3a",
                    "documentation": {"url": "https://docs.api.video/"}
                })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .videos()
        .create(VideoCreationPayload::new("x".repeat(300)))
        .await
        .expect_err("a 400");
    let api = api_error(&error);
    assert_eq!(api.status, 400);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(api.title(), Some("An attribute is invalid."));
    assert_eq!(
        api.detail(),
        Some("The title must be at most 256 characters.")
    );
    assert_eq!(api.problem.name.as_deref(), Some("title"));
    assert_eq!(api.problem.status, Some(400));
    assert_eq!(api.problem.problems.len(), 2);
    assert_eq!(api.problem.problems[1].name.as_deref(), Some("public"));
    assert_eq!(
        api.problem.problems[1].extra.get("hint"),
        Some(&json!("true or false"))
    );
    assert_eq!(api.problem.extra.get("traceId"), Some(&json!("trace-7f3a")));
    assert_eq!(
        api.problem.extra.get("documentation"),
        Some(&json!({"url": "https://docs.api.video/"}))
    );
    assert_eq!(api.request_id.as_deref(), Some("req-400-abc"));
    assert_eq!(api.rate_limit.limit, Some(60));
    assert_eq!(api.rate_limit.remaining, Some(59));
    assert_eq!(api.rate_limit.retry_after, Some(Duration::from_secs(12)));
    assert_eq!(api.snippet, None, "a JSON problem needs no snippet");
    assert!(!error.is_not_found() && !error.is_rate_limited());
    insta::assert_snapshot!("bad_request_display", error.to_string());
}

#[tokio::test]
async fn not_found_is_recognised() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(spec_example("GET-video", 404).expect("an example")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("a 404");
    assert!(error.is_not_found(), "{error:?}");
    assert!(api_error(&error).is_not_found());
    assert!(!error.is_rate_limited());
    assert_eq!(error.retry_after(), None);
    assert_eq!(
        api_error(&error).title(),
        Some("No video exists with this id.")
    );
    insta::assert_snapshot!("not_found_display", error.to_string());
}

#[tokio::test]
async fn conflict_keeps_title_detail_and_field() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/summaries"))
        .respond_with(
            ResponseTemplate::new(409)
                .set_body_json(spec_example("POST_summaries", 409).expect("an example")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .summaries()
        .create(SummaryCreationPayload::new(VIDEO_ID))
        .await
        .expect_err("a 409");
    let api = api_error(&error);
    assert_eq!(api.status, 409);
    assert_eq!(api.problem.name.as_deref(), Some("videoId"));
    assert_eq!(
        api.detail(),
        Some("Delete the current summary before requesting a new one.")
    );
    let display = error.to_string();
    assert!(display.contains("409"), "{display}");
    assert!(
        display.contains("Summary generation was already requested"),
        "{display}"
    );
    assert!(display.contains("Delete the current summary"), "{display}");
    assert!(display.contains("videoId"), "{display}");
}

#[tokio::test]
async fn rate_limited_answers_carry_the_headers() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/videos"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Limit", "60")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Retry-After", "30")
                .set_body_json(spec_example("LIST-videos", 429).expect("an example")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = once(&server).videos().list().await.expect_err("a 429");
    assert!(error.is_rate_limited(), "{error:?}");
    assert!(api_error(&error).is_rate_limited());
    assert!(!error.is_not_found());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    let limits = api_error(&error).rate_limit;
    assert_eq!(
        (limits.limit, limits.remaining, limits.retry_after),
        (Some(60), Some(0), Some(Duration::from_secs(30)))
    );
    insta::assert_snapshot!("rate_limited_display", error.to_string());
}

#[tokio::test]
async fn server_error_with_json_is_an_api_error() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("X-Request-Id", "req-500-xyz")
                .set_body_json(json!({
                    "type": "https://docs.api.video/reference/internal-error",
                    "title": "An unexpected error occurred.",
                    "status": 500
                })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = once(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("a 500");
    let api = api_error(&error);
    assert_eq!(api.status, 500);
    assert_eq!(api.title(), Some("An unexpected error occurred."));
    assert_eq!(api.request_id.as_deref(), Some("req-500-xyz"));
    let display = error.to_string();
    assert!(display.contains("500"), "{display}");
    assert!(
        display.contains("An unexpected error occurred."),
        "{display}"
    );
}

#[tokio::test]
async fn html_error_page_is_kept_as_a_snippet() {
    let server = strict_server().await;
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                <center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("x-amzn-requestid", "amzn-req-1")
                .set_body_raw(page, "text/html"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = once(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("a 502");
    let api = api_error(&error);
    assert_eq!(api.status, 502);
    assert!(api.problem.is_empty(), "{:?}", api.problem);
    let snippet = api.snippet.as_deref().expect("a snippet");
    assert!(snippet.contains("<h1>502 Bad Gateway</h1>"), "{snippet}");
    assert_eq!(api.request_id.as_deref(), Some("amzn-req-1"));
    assert!(error.to_string().contains("502"), "{error}");
}

#[tokio::test]
async fn long_error_pages_are_cut() {
    let server = strict_server().await;
    let page = format!("<html>{}</html>", "x".repeat(10_000));
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(page, "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let error = once(&server)
        .videos()
        .delete(VIDEO_ID)
        .await
        .expect_err("a 503");
    let snippet = api_error(&error).snippet.clone().expect("a snippet");
    assert!(snippet.chars().count() <= 513, "{} chars", snippet.len());
    assert!(snippet.starts_with("<html>xxx"));
}

#[tokio::test]
async fn truncated_success_body_is_a_decode_error_with_the_status() {
    let server = strict_server().await;
    let body = r#"{"videoId":"vi4blUQJFrYWbaG44NChkH27","title":"Maths vid"#;
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("unreadable");
    match &error {
        Error::Decode {
            status, snippet, ..
        } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(200));
            assert!(snippet.contains("vi4blUQJFrYWbaG44NChkH27"), "{snippet}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let display = error.to_string();
    assert!(display.contains("HTTP 200"), "{display}");
    assert!(display.contains("decode"), "{display}");
}

const SECRET: &str = "whsec-TOP-SECRET-8b2e4d6f0a1c3e5d";

#[tokio::test]
async fn wrong_shape_success_body_is_a_decode_error_without_secrets() {
    let server = strict_server().await;
    let body = json!({
        "data": [{
            "webhookId": "webhookJxlRLKej0rN042fSzQ1z",
            "signatureSecret": SECRET,
            "events": ["video.encoding.quality.completed"],
            "url": "https://hooks.example.com/api-video/encoding",
            "createdAt": "yesterday at noon"
        }],
        "pagination": {"currentPage": 1, "pagesTotal": 1}
    });
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .webhooks()
        .list()
        .await
        .expect_err("a bad date");
    assert!(
        matches!(&error, Error::Decode { status: Some(s), .. } if s.as_u16() == 200),
        "{error:?}"
    );
    let (display, debug) = (error.to_string(), format!("{error:?}"));
    for text in [&display, &debug] {
        assert!(!text.contains(SECRET), "the secret leaked: {text}");
        assert!(
            !text.contains("TOP-SECRET"),
            "part of the secret leaked: {text}"
        );
    }
    assert!(debug.contains("webhookJxlRLKej0rN042fSzQ1z"), "{debug}");
    assert!(display.contains("HTTP 200"), "{display}");
}

/// serde quotes the offending value in its message (`invalid type: string "..."`), and
/// the crate drops quoted values since they may be secrets. A value with an escaped quote
/// must be dropped whole, and the rest of the message (what was expected, where) kept.
#[tokio::test]
async fn quoted_values_in_decode_messages_are_dropped_even_with_escaped_quotes() {
    let server = strict_server().await;
    let tricky = r#"sec\"ret-PART-TWO"#;
    let body =
        format!(r#"{{"webhookId":"webhook1","signatureSecret":"{SECRET}","events":"{tricky}"}}"#);
    Mock::given(method("GET"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .webhooks()
        .get(WEBHOOK_ID)
        .await
        .expect_err("events is not a list");
    let (display, debug) = (error.to_string(), format!("{error:?}"));
    for text in [&display, &debug] {
        assert!(!text.contains("TOP-SECRET"), "the secret leaked: {text}");
    }
    // The message drops the quoted value; the snippet (in Debug) shows the start of the
    // body on purpose, with only the secret fields masked.
    assert!(
        !display.contains("PART-TWO"),
        "a quoted value leaked: {display}"
    );
    assert!(display.contains("expected a list or null"), "{display}");
}

#[tokio::test]
async fn undocumented_success_status_is_a_decode_error() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(ResponseTemplate::new(203).set_body_json(video_json(VIDEO_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("203 is not documented");
    match &error {
        Error::Decode {
            status, snippet, ..
        } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(203));
            assert!(snippet.contains(VIDEO_ID), "{snippet}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn error_bodies_of_multipart_calls_are_read_too() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path(format!("/videos/{VIDEO_ID}/thumbnail")))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("X-Request-Id", "req-thumb")
                .set_body_json(json!({
                    "type": "https://docs.api.video/reference/invalid-file",
                    "title": "Only JPEG and PNG images are accepted.",
                    "name": "file",
                    "status": 400
                })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .videos()
        .upload_thumbnail(VIDEO_ID, b"GIF89a".to_vec())
        .await
        .expect_err("a 400");
    let api = api_error(&error);
    assert_eq!(api.status, 400);
    assert_eq!(api.title(), Some("Only JPEG and PNG images are accepted."));
    assert_eq!(api.request_id.as_deref(), Some("req-thumb"));
}

#[tokio::test]
async fn display_is_one_useful_line() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/videos"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(spec_example("LIST-videos", 400).expect("an example")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server).videos().list().await.expect_err("a 400");
    let display = error.to_string();
    assert!(!display.contains('\n'), "{display}");
    for part in [
        "400",
        "The pagination parameters are out of range.",
        "pageSize",
        "pageSize accepts values from 1 to 100.",
        "currentPage must be 1 or greater.",
    ] {
        assert!(display.contains(part), "{part:?} missing from {display}");
    }
    insta::assert_snapshot!("list_bad_request_display", display);

    let invalid = client(&server)
        .videos()
        .get(" ")
        .await
        .expect_err("blank id");
    assert_eq!(invalid.to_string(), "invalid `video_id`: must not be empty");
}
