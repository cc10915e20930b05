//! Response metadata on success: every call gives its value with `.await`, or its value
//! with the answer's status, headers, rate-limit headers and request id with
//! `.with_metadata().await`; pages carry theirs, and `pages()` streams them.

mod common;

use std::time::Duration;

use apivideo::Error;
use apivideo::types::{GetAggregatedMetricsAggregation, GetAggregatedMetricsMetric};
use common::*;
use futures_util::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

/// An answer with api.video's rate-limit headers and a request id.
fn with_headers(status: u16, remaining: u64, request_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-ratelimit-limit", "60")
        .insert_header("x-ratelimit-remaining", remaining.to_string().as_str())
        .insert_header("x-ratelimit-retry-after", "42")
        .insert_header("x-request-id", request_id)
        .insert_header("x-custom", "kept")
}

#[tokio::test]
async fn a_call_gives_its_value_or_its_value_with_the_metadata() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(with_headers(200, 57, "req-get").set_body_json(video_json(VIDEO_ID)))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);

    let plain = client.videos().get(VIDEO_ID).await.expect("a video");
    let response = client
        .videos()
        .get(VIDEO_ID)
        .with_metadata()
        .await
        .expect("a video with metadata");
    assert_eq!(response.value, plain);
    assert_eq!(response.status(), 200);
    let limit = response.rate_limit();
    assert_eq!(limit.limit, Some(60));
    assert_eq!(limit.remaining, Some(57));
    assert_eq!(limit.retry_after, Some(Duration::from_secs(42)));
    assert_eq!(response.request_id(), Some("req-get"));
    assert_eq!(
        response.headers().get("x-custom").map(|v| v.as_bytes()),
        Some(&b"kept"[..])
    );
    assert_eq!(response.into_value().video_id, VIDEO_ID);
}

#[tokio::test]
async fn answers_without_a_body_and_uploads_have_metadata_too() {
    let server = strict_server().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(with_headers(204, 10, "req-delete"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/videos/{VIDEO_ID}/thumbnail")))
        .respond_with(with_headers(200, 9, "req-thumb").set_body_json(video_json(VIDEO_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let deleted = client
        .videos()
        .delete(VIDEO_ID)
        .with_metadata()
        .await
        .expect("deleted");
    assert_eq!(deleted.status(), 204);
    assert_eq!(deleted.request_id(), Some("req-delete"));
    assert_eq!(deleted.rate_limit().remaining, Some(10));

    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let thumbnail = client
        .videos()
        .upload_thumbnail(VIDEO_ID, png)
        .with_metadata()
        .await
        .expect("uploaded");
    assert_eq!(thumbnail.request_id(), Some("req-thumb"));
    assert_eq!(thumbnail.rate_limit().remaining, Some(9));
    assert_eq!(thumbnail.value.video_id, VIDEO_ID);
}

#[tokio::test]
async fn every_page_carries_the_metadata_of_its_answer() {
    let server = strict_server().await;
    for (page, remaining) in [(1, 30u64), (2, 29)] {
        let ids = if page == 1 {
            ["vi1", "vi2"]
        } else {
            ["vi3", "vi4"]
        };
        let body = json!({
            "data": ids.iter().map(|id| video_json(id)).collect::<Vec<_>>(),
            "pagination": {
                "currentPage": page, "pageSize": 2, "pagesTotal": 2, "itemsTotal": 4, "links": []
            },
        });
        Mock::given(method("GET"))
            .and(path("/videos"))
            .and(query_param("currentPage", page.to_string()))
            .respond_with(
                with_headers(200, remaining, &format!("req-page-{page}")).set_body_json(body),
            )
            .expect(if page == 1 { 2 } else { 1 })
            .mount(&server)
            .await;
    }
    let client = client(&server);

    let first = client.videos().list().page_size(2).await.expect("a page");
    assert_eq!(first.metadata.request_id.as_deref(), Some("req-page-1"));
    assert_eq!(first.metadata.rate_limit.remaining, Some(30));

    let pages: Vec<_> = client
        .videos()
        .list()
        .page_size(2)
        .pages()
        .try_collect()
        .await
        .expect("every page");
    let seen: Vec<_> = pages
        .iter()
        .map(|p| {
            (
                p.current_page(),
                p.items.len(),
                p.metadata.request_id.clone().unwrap_or_default(),
                p.metadata.rate_limit.remaining,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (1, 2, "req-page-1".to_owned(), Some(30)),
            (2, 2, "req-page-2".to_owned(), Some(29))
        ]
    );
}

#[tokio::test]
async fn aggregated_analytics_have_metadata() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/data/metrics/play/count"))
        .respond_with(with_headers(200, 5, "req-metrics").set_body_json(json!({
            "context": {"metric": "play", "aggregation": "count", "timeframe": {
                "from": "2024-05-28T11:15:07+00:00", "to": "2024-05-29T11:15:07+00:00"}},
            "data": 346.5
        })))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .analytics()
        .aggregated(
            GetAggregatedMetricsMetric::Play,
            GetAggregatedMetricsAggregation::Count,
        )
        .with_metadata()
        .await
        .expect("metrics");
    assert_eq!(response.request_id(), Some("req-metrics"));
    assert_eq!(response.rate_limit().remaining, Some(5));
}

#[tokio::test]
async fn a_call_sends_nothing_until_awaited_and_checks_its_arguments_first() {
    let server = strict_server().await;
    let client = client(&server);
    let call = client.videos().get(VIDEO_ID);
    drop(call);
    let error = client
        .videos()
        .get(" ")
        .with_metadata()
        .await
        .expect_err("a blank id");
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                argument: "video_id",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(requests(&server).await.is_empty());
}

/// A call is an ordinary `Send + 'static` future: it can be spawned and joined.
#[tokio::test]
async fn calls_can_be_spawned_and_joined() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server);
    let spawned = tokio::spawn(client.videos().get(VIDEO_ID));
    let joined = futures_util::future::try_join_all([
        client.videos().get(VIDEO_ID),
        client.videos().get(VIDEO_ID),
    ])
    .await
    .expect("both");
    assert_eq!(joined.len(), 2);
    assert_eq!(
        spawned.await.expect("joined").expect("a video").video_id,
        VIDEO_ID
    );
}

#[tokio::test]
async fn an_upload_gives_the_metadata_of_the_request_that_completed_it() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path(format!("/videos/{VIDEO_ID}/source")))
        .respond_with(with_headers(201, 7, "req-upload").set_body_json(video_json(VIDEO_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .videos()
        .upload(VIDEO_ID, vec![1u8; 1024])
        .with_metadata()
        .await
        .expect("uploaded");
    assert_eq!(response.value.video_id, VIDEO_ID);
    assert_eq!(response.status(), 201);
    assert_eq!(response.request_id(), Some("req-upload"));
    assert_eq!(response.rate_limit().remaining, Some(7));
}
