//! List calls: one page with `.await`, every item across pages with `.stream()`.

mod common;

use apivideo::Error;
use apivideo::list_params::ListVideosParams;
use apivideo::models::{FilterByQuery, MetadataQuery};
use apivideo::types::{
    GetMetricsBreakdownBreakdown, GetMetricsBreakdownMetric, ListVideosSortBy, ListVideosSortOrder,
};
use common::*;
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A page of `GET /videos`: `ids` as videos, with the pagination object.
fn videos_page(ids: &[&str], current: i64, pages_total: Option<i64>, size: i64) -> Value {
    let mut pagination = json!({
        "currentPage": current,
        "pageSize": size,
        "currentPageItems": ids.len(),
        "links": [],
    });
    if let Some(total) = pages_total {
        pagination["pagesTotal"] = json!(total);
        pagination["itemsTotal"] = json!(total * size);
    }
    json!({
        "data": ids.iter().map(|id| video_json(id)).collect::<Vec<_>>(),
        "pagination": pagination,
    })
}

/// Serves page `n` of `GET /videos`, expected `times` times.
async fn serve_page(server: &MockServer, n: i64, body: Value, times: u64) {
    Mock::given(method("GET"))
        .and(path("/videos"))
        .and(query_param("currentPage", n.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(times)
        .named(format!("page {n}"))
        .mount(server)
        .await;
}

/// Three pages of two videos, and a fourth page the client must not ask for.
async fn three_pages(server: &MockServer) {
    serve_page(server, 1, videos_page(&["vi1", "vi2"], 1, Some(3), 2), 1).await;
    serve_page(server, 2, videos_page(&["vi3", "vi4"], 2, Some(3), 2), 1).await;
    serve_page(server, 3, videos_page(&["vi5", "vi6"], 3, Some(3), 2), 1).await;
    serve_page(server, 4, videos_page(&["vi7"], 4, Some(3), 2), 0).await;
}

fn current_pages(received: &[wiremock::Request]) -> Vec<String> {
    received
        .iter()
        .map(|r| query_value(r, "currentPage").unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn stream_yields_every_item_in_order_and_stops_at_pages_total() {
    let server = strict_server().await;
    three_pages(&server).await;
    let videos: Vec<_> = client(&server)
        .videos()
        .list()
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .expect("three pages");
    let ids: Vec<_> = videos.iter().map(|v| v.video_id.as_str()).collect();
    assert_eq!(ids, ["vi1", "vi2", "vi3", "vi4", "vi5", "vi6"]);
    let received = requests(&server).await;
    assert_eq!(
        received.len(),
        3,
        "one request per page, none after the last"
    );
    assert_eq!(current_pages(&received), ["1", "2", "3"]);
    assert!(
        received
            .iter()
            .all(|r| query_value(r, "pageSize").as_deref() == Some("2"))
    );
}

#[tokio::test]
async fn stream_fetches_lazily() {
    let server = strict_server().await;
    three_pages(&server).await;
    let mut stream = Box::pin(client(&server).videos().list().stream());
    let first = stream.next().await.expect("an item").expect("a video");
    assert_eq!(first.video_id, "vi1");
    assert_eq!(
        requests(&server).await.len(),
        1,
        "only the first page so far"
    );
    let second = stream.next().await.expect("an item").expect("a video");
    assert_eq!(second.video_id, "vi2");
    assert_eq!(requests(&server).await.len(), 1);
    let third = stream.next().await.expect("an item").expect("a video");
    assert_eq!(third.video_id, "vi3");
    assert_eq!(requests(&server).await.len(), 2);
    let rest: Vec<_> = stream.try_collect().await.expect("the rest");
    assert_eq!(rest.len(), 3);
}

#[tokio::test]
async fn stream_can_start_at_a_later_page() {
    let server = strict_server().await;
    serve_page(&server, 2, videos_page(&["vi3", "vi4"], 2, Some(3), 2), 1).await;
    serve_page(&server, 3, videos_page(&["vi5", "vi6"], 3, Some(3), 2), 1).await;
    let videos: Vec<_> = client(&server)
        .videos()
        .list()
        .page(2)
        .stream()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(videos.len(), 4);
    assert_eq!(current_pages(&requests(&server).await), ["2", "3"]);
}

#[tokio::test]
async fn awaiting_sends_the_page_and_page_size() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/videos"))
        .and(query_param("currentPage", "2"))
        .and(query_param("pageSize", "10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(videos_page(
            &["vi11"],
            2,
            Some(2),
            10,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .videos()
        .list()
        .page(2)
        .page_size(10)
        .await
        .expect("page 2");
    assert_eq!(page.current_page(), 2);
    assert_eq!(page.pages_total(), Some(2));
    assert_eq!(page.items_total(), Some(20));
    assert!(!page.has_next());
    let ids: Vec<_> = page.into_iter().map(|v| v.video_id).collect();
    assert_eq!(ids, ["vi11"]);
}

#[tokio::test]
async fn filters_are_sent_again_with_every_page() {
    let server = strict_server().await;
    three_pages(&server).await;
    let videos: Vec<_> = client(&server)
        .videos()
        .list()
        .title("all-hands")
        .tags(["internal", "2024 Q2"])
        .metadata("Author", "John Doe")
        .sort_by(ListVideosSortBy::CreatedAt)
        .sort_order(apivideo::SortOrder::Asc)
        .stream()
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(videos.len(), 6);
    let received = requests(&server).await;
    assert_eq!(received.len(), 3);
    let without_page = |r: &wiremock::Request| -> Vec<(String, String)> {
        query(r)
            .into_iter()
            .filter(|(k, _)| k != "currentPage")
            .collect()
    };
    let first = without_page(&received[0]);
    for (key, value) in [
        ("title", "all-hands"),
        ("tags[]", "internal"),
        ("tags[]", "2024 Q2"),
        ("metadata[Author]", "John Doe"),
        ("sortBy", "createdAt"),
        ("sortOrder", "asc"),
    ] {
        assert!(
            first.contains(&(key.to_owned(), value.to_owned())),
            "{key}={value} in {first:?}"
        );
    }
    for request in &received[1..] {
        assert_eq!(
            without_page(request),
            first,
            "the same filters on every page"
        );
    }
}

#[tokio::test]
async fn analytics_filters_and_path_are_sent_again_with_every_page() {
    let server = strict_server().await;
    for n in 1..=2 {
        Mock::given(method("GET"))
            .and(path("/data/buckets/play/country"))
            .and(query_param("currentPage", n.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "context": {"metric": "play", "breakdown": "country"},
                "data": [{"dimensionValue": format!("C{n}"), "metricValue": n}],
                "pagination": {"currentPage": n, "pageSize": 1, "pagesTotal": 2,
                               "itemsTotal": 2, "links": []}
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let rows: Vec<_> = client(&server)
        .analytics()
        .breakdown(
            GetMetricsBreakdownMetric::Play,
            GetMetricsBreakdownBreakdown::Country,
        )
        .filter(FilterByQuery::new().country(["FR", "DE"]).tag("keynote"))
        .page_size(1)
        .stream()
        .try_collect()
        .await
        .expect("two pages");
    let dimensions: Vec<_> = rows
        .iter()
        .map(|r| r.dimension_value.clone().unwrap_or_default())
        .collect();
    assert_eq!(dimensions, ["C1", "C2"]);
    for request in requests(&server).await {
        let pairs = query(&request);
        for (key, value) in [
            ("filterBy[country][]", "FR"),
            ("filterBy[country][]", "DE"),
            ("filterBy[tag]", "keynote"),
            ("pageSize", "1"),
        ] {
            assert!(
                pairs.contains(&(key.to_owned(), value.to_owned())),
                "{key}={value} in {pairs:?}"
            );
        }
    }
}

#[tokio::test]
async fn an_error_on_page_two_surfaces_in_the_stream() {
    let server = strict_server().await;
    serve_page(&server, 1, videos_page(&["vi1", "vi2"], 1, Some(3), 2), 1).await;
    Mock::given(method("GET"))
        .and(path("/videos"))
        .and(query_param("currentPage", "2"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "title": "This page does not exist.", "status": 404
        })))
        .expect(1)
        .mount(&server)
        .await;
    serve_page(&server, 3, videos_page(&["vi5"], 3, Some(3), 2), 0).await;
    let items: Vec<_> = client(&server).videos().list().stream().collect().await;
    assert_eq!(items.len(), 3, "two videos, then the error, then the end");
    assert_eq!(items[0].as_ref().expect("a video").video_id, "vi1");
    assert_eq!(items[1].as_ref().expect("a video").video_id, "vi2");
    let error = items[2].as_ref().expect_err("the error of page 2");
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn without_totals_a_short_page_is_the_last() {
    let server = strict_server().await;
    serve_page(&server, 1, videos_page(&["vi1", "vi2"], 1, None, 2), 1).await;
    serve_page(&server, 2, videos_page(&["vi3"], 2, None, 2), 1).await;
    serve_page(&server, 3, videos_page(&[], 3, None, 2), 0).await;
    let videos: Vec<_> = client(&server)
        .videos()
        .list()
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(videos.len(), 3);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn an_empty_page_ends_the_stream() {
    let server = strict_server().await;
    serve_page(&server, 1, videos_page(&[], 1, Some(5), 2), 1).await;
    let videos: Vec<_> = client(&server)
        .videos()
        .list()
        .stream()
        .try_collect()
        .await
        .expect("no videos");
    assert!(videos.is_empty());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn invalid_page_arguments_fail_before_any_request() {
    let server = strict_server().await;
    let client = client(&server);
    let check = |result: apivideo::Result<()>, argument: &str| match result {
        Err(Error::InvalidInput { argument: a, .. }) => assert_eq!(a, argument),
        other => panic!("expected InvalidInput for {argument}, got {other:?}"),
    };
    check(
        client.videos().list().page_size(0).await.map(drop),
        "page_size",
    );
    check(
        client.videos().list().page_size(101).await.map(drop),
        "page_size",
    );
    check(client.videos().list().page(0).await.map(drop), "page");
    check(client.webhooks().list().page(-3).await.map(drop), "page");
    check(
        client.captions().list("").page_size(10).await.map(drop),
        "video_id",
    );
    let mut stream = Box::pin(client.videos().list().page(0).stream());
    check(stream.next().await.expect("an error").map(drop), "page");
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
    let mut stream = Box::pin(client.tags().list().page_size(0).stream());
    check(
        stream.next().await.expect("an error").map(drop),
        "page_size",
    );
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

/// A client for tests that send nothing (the settings of a list are read back, not sent).
fn offline_client() -> apivideo::Client {
    builder("http://127.0.0.1:9")
        .build()
        .expect("a valid client")
}

/// The settings of a list are plain data: `params()` shows what every page will send, and
/// repeated or accumulating setters end up as one would expect.
#[test]
fn list_settings_are_plain_data_read_back_with_params() {
    let client = offline_client();
    let request = client
        .videos()
        .list()
        .title("all-hands")
        .tags(["internal", "2024 Q2"])
        .metadata("Author", "John Doe")
        .metadata("Team", "Video")
        .description("quarterly")
        .live_stream_id(LIVE_STREAM_ID)
        .sort_by(ListVideosSortBy::CreatedAt)
        .sort_order(apivideo::SortOrder::Asc)
        .page_size(50)
        .page(3);
    let mut expected = ListVideosParams::default();
    expected.title = Some("all-hands".to_owned());
    expected.tags = vec!["internal".to_owned(), "2024 Q2".to_owned()];
    expected.metadata = Some(MetadataQuery(
        [("Author", "John Doe"), ("Team", "Video")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    ));
    expected.description = Some("quarterly".to_owned());
    expected.live_stream_id = Some(LIVE_STREAM_ID.to_owned());
    expected.sort_by = Some(ListVideosSortBy::CreatedAt);
    expected.sort_order = Some(ListVideosSortOrder::Asc);
    expected.page_size = Some(50);
    assert_eq!(request.params(), &expected);

    let replaced = client.videos().list().tags(["a", "b"]).tag("c").title("x");
    assert_eq!(replaced.params().tags, ["c"], "the last tags win");
    assert_eq!(replaced.params().metadata, None, "no metadata, none sent");
    assert_eq!(
        client.videos().list().params(),
        &ListVideosParams::default(),
        "nothing set, nothing sent"
    );

    let captions = client.captions().list(VIDEO_ID);
    assert_eq!(captions.params().video_id.as_deref(), Some(VIDEO_ID));
    let breakdown = client
        .analytics()
        .breakdown(
            GetMetricsBreakdownMetric::Play,
            GetMetricsBreakdownBreakdown::Country,
        )
        .filter(FilterByQuery::new().country(["FR"]));
    assert_eq!(
        breakdown.params().metric,
        Some(GetMetricsBreakdownMetric::Play)
    );
    assert_eq!(
        breakdown.params().breakdown,
        Some(GetMetricsBreakdownBreakdown::Country)
    );
    assert_eq!(
        breakdown.params().filter_by,
        Some(FilterByQuery::new().country(["FR"]))
    );
}

/// `SortOrder` becomes each list operation's own `sortOrder` type, both ways.
#[test]
fn sort_order_maps_to_every_list_operation() {
    use apivideo::SortOrder::{Asc, Desc};
    use apivideo::types::*;
    let c = offline_client();
    let m = GetMetricsBreakdownMetric::Play;
    let b = GetMetricsBreakdownBreakdown::Country;
    let t = GetMetricsOverTimeMetric::Play;
    macro_rules! both {
        ($list:expr, $ty:ident) => {
            assert_eq!(
                (
                    $list.sort_order(Asc).params().sort_order.clone(),
                    $list.sort_order(Desc).params().sort_order.clone()
                ),
                (Some($ty::Asc), Some($ty::Desc)),
                "{}",
                stringify!($list)
            );
        };
    }
    both!(c.videos().list(), ListVideosSortOrder);
    both!(c.videos().list_discarded(), ListDiscardedVideosSortOrder);
    both!(c.live_streams().list(), GetLiveStreamsSortOrder);
    both!(c.players().list(), GetPlayersSortOrder);
    both!(c.summaries().list(), GetSummariesSortOrder);
    both!(c.tags().list(), ListTagsSortOrder);
    both!(c.upload_tokens().list(), GetUploadTokensSortOrder);
    both!(c.analytics().breakdown(m, b), GetMetricsBreakdownSortOrder);
    both!(c.analytics().over_time(t), GetMetricsOverTimeSortOrder);
    let watermarks = |order| c.watermarks().list().sort_order(order);
    assert_eq!(watermarks(Asc).params().sort_order.as_deref(), Some("asc"));
    assert_eq!(
        watermarks(Desc).params().sort_order.as_deref(),
        Some("desc")
    );
}

/// A stream key is a credential: it never shows in a list's `Debug` output.
#[test]
fn a_stream_key_filter_stays_out_of_debug_output() {
    let request = offline_client()
        .live_streams()
        .list()
        .stream_key("30087931-229e-42cf-b5f9-e91bcc1f7332")
        .name("all-hands");
    for shown in [format!("{request:?}"), format!("{:?}", request.params())] {
        assert!(!shown.contains("30087931"), "{shown}");
        assert!(shown.contains("[REDACTED]"), "{shown}");
        assert!(shown.contains("all-hands"), "{shown}");
    }
    assert_eq!(
        request.params().stream_key.as_deref(),
        Some("30087931-229e-42cf-b5f9-e91bcc1f7332"),
        "the value is still sent"
    );
}
