//! What a hostile or broken server sends, thrown at everything that reads answers: error
//! bodies, rate-limit headers, success bodies of any shape. Each yields a value or a typed
//! error, never a panic, and no secret-looking value reaches a snippet.

use apivideo_api::{ApiError, RateLimit, models, snippet};
use proptest::prelude::*;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|n| serde_json::json!(n)),
        ".{0,16}".prop_map(Value::String),
        // The shapes api.video's fields take, to reach deeper than "wrong type".
        "[0-9]{1,20}".prop_map(Value::String),
        Just(Value::String("2024-06-07T17:05:31+02:00".into())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("videoId".to_owned()),
                    Just("title".to_owned()),
                    Just("tags".to_owned()),
                    Just("metadata".to_owned()),
                    Just("createdAt".to_owned()),
                    Just("pagination".to_owned()),
                    Just("data".to_owned()),
                    Just("currentPage".to_owned()),
                    Just("itemsTotal".to_owned()),
                    "[a-z]{1,8}",
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn header_value() -> impl Strategy<Value = HeaderValue> {
    proptest::collection::vec(any::<u8>(), 0..24).prop_filter_map("a header value", |bytes| {
        HeaderValue::from_bytes(&bytes).ok()
    })
}

proptest! {
    #[test]
    fn any_error_answer_becomes_an_api_error(
        status in 400u16..600,
        body in proptest::collection::vec(any::<u8>(), 0..600),
        limit in header_value(),
        remaining in header_value(),
        retry_after in header_value(),
        request_id in header_value(),
    ) {
        let mut headers = HeaderMap::new();
        headers.insert(HeaderName::from_static("x-ratelimit-limit"), limit);
        headers.insert(HeaderName::from_static("x-ratelimit-remaining"), remaining);
        headers.insert(HeaderName::from_static("x-ratelimit-retry-after"), retry_after);
        headers.insert(HeaderName::from_static("x-request-id"), request_id);
        let status = StatusCode::from_u16(status).expect("in range");
        let error = ApiError::from_parts(status, &headers, &body);
        prop_assert_eq!(error.status, status);
        let _ = (error.to_string(), format!("{error:?}"), error.retry_after());
        if let Some(snippet) = &error.snippet {
            prop_assert!(snippet.chars().count() <= 513);
        }
        let limits = RateLimit::from_headers(&headers);
        if let Some(wait) = limits.retry_after {
            prop_assert!(wait <= apivideo_api::auth::retry::RETRY_AFTER_CLAMP);
        }
    }

    #[test]
    fn snippets_never_show_a_secret_field(
        before in "[ -~]{0,40}",
        secret in "[A-Za-z0-9]{8,40}",
        field in prop_oneof![
            Just("token"), Just("apiKey"), Just("streamKey"), Just("signatureSecret"),
            Just("access_token"), Just("refresh_token"), Just("refreshToken"),
        ],
        cut in 0usize..200,
    ) {
        let body = format!(r#"{{"x":"{before}","{field}": "{secret}","y":1}}"#);
        let body = &body.as_bytes()[..body.len().min(body.len().saturating_sub(cut).max(1))];
        let text = snippet(body);
        prop_assert!(!text.contains(secret.as_str()), "{}", text);
    }

    #[test]
    fn success_bodies_of_any_shape_decode_or_fail_cleanly(value in json()) {
        let bytes = serde_json::to_vec(&value).expect("serializable");
        let _ = serde_json::from_slice::<models::Video>(&bytes);
        let _ = serde_json::from_slice::<models::VideosListResponse>(&bytes);
        let _ = serde_json::from_slice::<models::VideoStatus>(&bytes);
        let _ = serde_json::from_slice::<models::Webhook>(&bytes);
        let _ = serde_json::from_slice::<models::LiveStream>(&bytes);
        let _ = serde_json::from_slice::<models::AccessToken>(&bytes);
        let _ = serde_json::from_slice::<models::UploadToken>(&bytes);
    }

    #[test]
    fn truncated_or_foreign_bodies_decode_or_fail_cleanly(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = serde_json::from_slice::<models::Video>(&body);
        let _ = serde_json::from_slice::<models::VideosListResponse>(&body);
    }
}

#[test]
fn an_html_error_page_keeps_a_snippet_and_an_empty_problem() {
    let page = b"<html><body><h1>502 Bad Gateway</h1></body></html>";
    let error = ApiError::from_parts(StatusCode::BAD_GATEWAY, &HeaderMap::new(), page);
    assert!(error.problem.is_empty());
    assert!(
        error
            .snippet
            .as_deref()
            .is_some_and(|s| s.contains("502 Bad Gateway"))
    );
    let truncated = br#"{"title":"The requested resource was not fo"#;
    let error = ApiError::from_parts(StatusCode::NOT_FOUND, &HeaderMap::new(), truncated);
    assert!(error.problem.is_empty() && error.snippet.is_some());
    let wrong_type = br#"["not", "an", "object"]"#;
    let error = ApiError::from_parts(StatusCode::BAD_REQUEST, &HeaderMap::new(), wrong_type);
    assert!(error.problem.is_empty() && error.snippet.is_some());
}
