//! Every facade call of every resource group against a wiremock server: the request it
//! sends (method, path, query, headers that matter, body) is snapshotted, and the spec's
//! example answer comes back as the typed response.
//!
//! [`CALLS`] maps each facade call to the operation it sends; each test looks its
//! operation up there, and `every_operation_has_a_facade_call` checks the lists cover
//! `operations::ALL`, all 59 operations. Any request to a route no test mounted is answered 599 and
//! fails the test when the server is dropped.

mod common;

use std::collections::BTreeSet;

use apivideo::models::{
    AccessToken, AuthenticatePayload, CaptionsUpdatePayload, DiscardedVideoUpdatePayload,
    FilterByQuery, LiveStreamCreationPayload, LiveStreamUpdatePayload, MediaType, Metadata,
    PlayerThemeCreationPayload, PlayerThemeUpdatePayload, RefreshTokenPayload,
    RestreamsRequestObject, SummaryAttribute, SummaryCreationPayload, SummaryCreationPayloadOrigin,
    SummaryUpdatePayload, TokenCreationPayload, VideoCreationPayload, VideoUpdatePayload,
    WebhookEventType, WebhooksCreationPayload,
};
use apivideo::types::{
    GetAggregatedMetricsAggregation, GetAggregatedMetricsMetric, GetAggregatedMetricsViewDuration,
    GetLiveStreamsSortBy, GetMetricsBreakdownBreakdown, GetMetricsBreakdownMetric,
    GetMetricsBreakdownSortBy, GetMetricsOverTimeInterval, GetMetricsOverTimeMetric,
    GetMetricsOverTimeSortBy, GetPlayersSortBy, GetSummariesOrigin, GetSummariesSortBy,
    GetSummariesSourceStatus, GetUploadTokensSortBy, ListDiscardedVideosSortBy, ListTagsSortBy,
    ListVideosSortBy,
};
use apivideo::upload::Source;
use apivideo::{Client, Error, Page, SortOrder};
use chrono::{TimeZone, Utc};
use common::*;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Every facade call and the `operationId` it sends.
const CALLS: &[(&str, &str)] = &[
    ("videos.create", "POST-video"),
    ("videos.get", "GET-video"),
    ("videos.update", "PATCH-video"),
    ("videos.delete", "DELETE-video"),
    ("videos.list", "LIST-videos"),
    ("videos.status", "GET-video-status"),
    ("videos.pick_thumbnail", "PATCH_videos-videoId-thumbnail"),
    ("videos.upload_thumbnail", "POST_videos-videoId-thumbnail"),
    ("videos.list_discarded", "LIST-discarded-videos"),
    ("videos.get_discarded", "GET-discarded-video"),
    ("videos.update_discarded", "PATCH-discarded-video"),
    ("videos.restore", "PATCH-discarded-video"),
    ("videos.wait_until_playable", "GET-video-status"),
    ("upload_tokens.create", "POST_upload-tokens"),
    ("upload_tokens.list", "GET_upload-tokens"),
    ("upload_tokens.get", "GET_upload-tokens-uploadToken"),
    ("upload_tokens.delete", "DELETE_upload-tokens-uploadToken"),
    ("live_streams.create", "POST_live-streams"),
    ("live_streams.list", "GET_live-streams"),
    ("live_streams.get", "GET_live-streams-liveStreamId"),
    ("live_streams.update", "PATCH_live-streams-liveStreamId"),
    ("live_streams.delete", "DELETE_live-streams-liveStreamId"),
    (
        "live_streams.upload_thumbnail",
        "POST_live-streams-liveStreamId-thumbnail",
    ),
    (
        "live_streams.delete_thumbnail",
        "DELETE_live-streams-liveStreamId-thumbnail",
    ),
    (
        "live_streams.complete",
        "PUT_live-streams-liveStreamId-complete",
    ),
    ("captions.get", "GET_videos-videoId-captions-language"),
    ("captions.upload", "POST_videos-videoId-captions-language"),
    (
        "captions.set_default",
        "PATCH_videos-videoId-captions-language",
    ),
    ("captions.update", "PATCH_videos-videoId-captions-language"),
    ("captions.delete", "DELETE_videos-videoId-captions-language"),
    ("captions.list", "GET_videos-videoId-captions"),
    ("chapters.get", "GET_videos-videoId-chapters-language"),
    ("chapters.upload", "POST_videos-videoId-chapters-language"),
    ("chapters.delete", "DELETE_videos-videoId-chapters-language"),
    ("chapters.list", "GET_videos-videoId-chapters"),
    ("players.create", "POST_players"),
    ("players.list", "GET_players"),
    ("players.get", "GET_players-playerId"),
    ("players.update", "PATCH_players-playerId"),
    ("players.delete", "DELETE_players-playerId"),
    ("players.upload_logo", "POST_players-playerId-logo"),
    ("players.delete_logo", "DELETE_players-playerId-logo"),
    ("watermarks.upload", "POST_watermark"),
    ("watermarks.list", "LIST-watermarks"),
    ("watermarks.delete", "DELETE_watermark"),
    ("webhooks.create", "POST-webhooks"),
    ("webhooks.list", "LIST-webhooks"),
    ("webhooks.get", "GET-Webhook"),
    ("webhooks.delete", "DELETE-webhook"),
    ("tags.list", "LIST-tags"),
    ("summaries.create", "POST_summaries"),
    ("summaries.list", "GET_summaries"),
    ("summaries.source", "GET_summaries-summaryId-source"),
    (
        "summaries.update_source",
        "PATCH_summaries-summaryId-source",
    ),
    ("summaries.delete", "DELETE_summaries-summaryId"),
    ("analytics.aggregated", "GET_aggregated-metrics"),
    ("analytics.breakdown", "GET_metrics-breakdown"),
    ("analytics.over_time", "GET_metrics-over-time"),
];

/// Video uploads: facade calls of the upload module, which has its own tests (it is not
/// exercised here).
const UPLOAD_CALLS: &[(&str, &str)] = &[
    ("videos.upload", "POST_videos-videoId-source"),
    ("upload_tokens.upload", "POST_upload"),
];

/// The token operations: tested below without the snapshot helper, since they must not
/// carry the client's credentials.
const AUTH_CALLS: &[(&str, &str)] = &[
    ("authentication.authenticate", "POST_auth-api-key"),
    ("authentication.refresh", "POST_auth-refresh"),
];

const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\xff\xd9";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
const VTT: &str = "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nBonjour !\n";

fn operation_of(call: &str) -> &'static str {
    CALLS
        .iter()
        .find(|(name, _)| *name == call)
        .map(|(_, id)| *id)
        .unwrap_or_else(|| panic!("{call} is not in CALLS"))
}

/// A strict server, a Basic-auth client for it, and the example it serves.
struct Api {
    server: MockServer,
    client: Client,
    call: &'static str,
    served: Option<Value>,
}

impl Api {
    /// Serves the operation of `call` (once) with the spec's example answer for its first
    /// success status.
    async fn serve(call: &'static str) -> Self {
        let id = operation_of(call);
        let op = operation(id);
        let status = op.success[0];
        let served = spec_example(id, status);
        let server = strict_server().await;
        let mut answer = ResponseTemplate::new(status);
        if let Some(body) = &served {
            answer = answer.set_body_json(body);
        }
        Mock::given(method(op.method.as_str()))
            .and(path_regex(common::path_regex(op.path)))
            .respond_with(answer)
            .named(call)
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server);
        Self {
            server,
            client,
            call,
            served,
        }
    }

    /// The example answer, read as `T`.
    fn served<T: DeserializeOwned>(&self) -> T {
        let example = self.served.clone().expect("the operation has an example");
        serde_json::from_value(example).expect("the example reads as the model")
    }

    /// The served example's list, as the items of a page.
    fn served_items<T: DeserializeOwned>(&self) -> Vec<T> {
        let example = self.served.clone().expect("the operation has an example");
        serde_json::from_value(example["data"].clone()).expect("the data reads as the items")
    }

    /// The one request the server received, snapshotted under the call's name.
    async fn snapshot(&self) -> Request {
        let received = requests(&self.server).await;
        assert_eq!(received.len(), 1, "{}: exactly one request", self.call);
        let request = received.into_iter().next().expect("one request");
        assert_eq!(
            header(&request, "authorization"),
            Some(BASIC_HEADER),
            "{}: credentials are sent",
            self.call
        );
        insta::assert_yaml_snapshot!(self.call, summary(&request));
        request
    }
}

fn check_page<T: PartialEq + std::fmt::Debug + DeserializeOwned>(api: &Api, page: &Page<T>) {
    assert_eq!(page.items, api.served_items::<T>(), "{}: items", api.call);
    let pagination = &api.served.as_ref().expect("an example")["pagination"];
    assert_eq!(
        Some(page.current_page()),
        pagination["currentPage"].as_i64(),
        "{}: current page",
        api.call
    );
    assert_eq!(page.pages_total(), pagination["pagesTotal"].as_i64());
    assert_eq!(page.items_total(), pagination["itemsTotal"].as_i64());
    assert!(
        !page.items.is_empty(),
        "{}: the example has items",
        api.call
    );
}

fn every_call() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    CALLS.iter().chain(UPLOAD_CALLS).chain(AUTH_CALLS)
}

#[test]
fn every_operation_has_a_facade_call() {
    let all: BTreeSet<&str> = apivideo::api::operations::ALL
        .iter()
        .map(|op| op.id)
        .collect();
    assert_eq!(all.len(), 59, "the spec has 59 operations");
    for (call, id) in every_call() {
        assert!(all.contains(id), "{call} names {id}, not an operation");
    }
    let covered: BTreeSet<&str> = every_call().map(|c| c.1).collect();
    let missing: Vec<_> = all.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "operations without a facade call: {missing:?}"
    );
    assert_eq!(covered.len(), 59, "59 of 59 operations through the facade");
    let mut names: Vec<_> = every_call().map(|c| c.0).collect();
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "call names are unique");
}

// ---------------------------------------------------------------------------- videos

#[tokio::test]
async fn videos_create() {
    let api = Api::serve("videos.create").await;
    let payload = VideoCreationPayload::new("Maths video")
        .description("An amazing video explaining the string theory")
        .public(false)
        .tags(["maths", "string theory"])
        .metadata([Metadata::new().key("Author").value("John Doe")]);
    let video = api.client.videos().create(payload).await.expect("created");
    assert_eq!(video, api.served::<apivideo::models::Video>());
    assert!(!video.video_id.is_empty());
    api.snapshot().await;
}

#[tokio::test]
async fn videos_get() {
    let api = Api::serve("videos.get").await;
    let video = api.client.videos().get(VIDEO_ID).await.expect("a video");
    assert_eq!(video, api.served::<apivideo::models::Video>());
    assert!(video.title.is_some());
    api.snapshot().await;
}

#[tokio::test]
async fn videos_update() {
    let api = Api::serve("videos.update").await;
    let payload = VideoUpdatePayload::new()
        .title("New title")
        .clear_player_id()
        .tags(["updated"])
        .metadata([Metadata::new().key("Author").value("John Doe")]);
    let video = api
        .client
        .videos()
        .update(VIDEO_ID, payload)
        .await
        .expect("updated");
    assert_eq!(video, api.served::<apivideo::models::Video>());
    api.snapshot().await;
}

#[tokio::test]
async fn videos_delete() {
    let api = Api::serve("videos.delete").await;
    let () = api.client.videos().delete(VIDEO_ID).await.expect("deleted");
    api.snapshot().await;
}

#[tokio::test]
async fn videos_list() {
    let api = Api::serve("videos.list").await;
    let page = api
        .client
        .videos()
        .list()
        .title("all-hands")
        .tags(["internal", "2024 Q2"])
        .metadata("Author", "John Doe")
        .metadata("team", "product")
        .description("recording")
        .live_stream_id(LIVE_STREAM_ID)
        .sort_by(ListVideosSortBy::PublishedAt)
        .sort_order(SortOrder::Desc)
        .page(2)
        .page_size(10)
        .await
        .expect("a page");
    check_page(&api, &page);
    let request = api.snapshot().await;
    assert_eq!(
        query_value(&request, "metadata[Author]").as_deref(),
        Some("John Doe")
    );
}

#[tokio::test]
async fn videos_status() {
    let api = Api::serve("videos.status").await;
    let status = api.client.videos().status(VIDEO_ID).await.expect("status");
    assert_eq!(status, api.served::<apivideo::models::VideoStatus>());
    assert!(status.encoding.is_some_and(|e| !e.qualities.is_empty()));
    api.snapshot().await;
}

#[tokio::test]
async fn videos_pick_thumbnail() {
    let api = Api::serve("videos.pick_thumbnail").await;
    let video = api
        .client
        .videos()
        .pick_thumbnail(VIDEO_ID, "00:01:02.50")
        .await
        .expect("picked");
    assert_eq!(video, api.served::<apivideo::models::Video>());
    api.snapshot().await;
}

#[tokio::test]
async fn videos_upload_thumbnail() {
    let api = Api::serve("videos.upload_thumbnail").await;
    let video = api
        .client
        .videos()
        .upload_thumbnail(VIDEO_ID, JPEG.to_vec())
        .await
        .expect("uploaded");
    assert_eq!(video, api.served::<apivideo::models::Video>());
    api.snapshot().await;
}

#[tokio::test]
async fn videos_list_discarded() {
    let api = Api::serve("videos.list_discarded").await;
    let page = api
        .client
        .videos()
        .list_discarded()
        .title("old")
        .tag("archive")
        .metadata("Author", "John Doe")
        .sort_by(ListDiscardedVideosSortBy::UpdatedAt)
        .sort_order(SortOrder::Asc)
        .await
        .expect("a page");
    check_page(&api, &page);
    api.snapshot().await;
}

#[tokio::test]
async fn videos_get_discarded() {
    let api = Api::serve("videos.get_discarded").await;
    let video = api
        .client
        .videos()
        .get_discarded(VIDEO_ID)
        .await
        .expect("a discarded video");
    assert_eq!(video, api.served::<apivideo::models::Video>());
    api.snapshot().await;
}

#[tokio::test]
async fn videos_update_discarded() {
    let api = Api::serve("videos.update_discarded").await;
    let video = api
        .client
        .videos()
        .update_discarded(VIDEO_ID, DiscardedVideoUpdatePayload::new().discarded(true))
        .await
        .expect("updated");
    assert_eq!(video, api.served::<apivideo::models::Video>());
    api.snapshot().await;
}

#[tokio::test]
async fn videos_restore() {
    let api = Api::serve("videos.restore").await;
    let video = api
        .client
        .videos()
        .restore(VIDEO_ID)
        .await
        .expect("restored");
    assert_eq!(video, api.served::<apivideo::models::Video>());
    let request = api.snapshot().await;
    let body: Value = serde_json::from_slice(&request.body).expect("JSON");
    assert_eq!(body, serde_json::json!({ "discarded": false }));
}

#[tokio::test]
async fn videos_wait_until_playable() {
    let api = Api::serve("videos.wait_until_playable").await;
    let status = api
        .client
        .videos()
        .wait_until_playable(VIDEO_ID)
        .await
        .expect("playable");
    assert_eq!(status, api.served::<apivideo::models::VideoStatus>());
    api.snapshot().await;
}

// ---------------------------------------------------------------------- upload tokens

#[tokio::test]
async fn upload_tokens_create() {
    let api = Api::serve("upload_tokens.create").await;
    let token = api
        .client
        .upload_tokens()
        .create(TokenCreationPayload::new().ttl(3600))
        .await
        .expect("created");
    assert_eq!(token, api.served::<apivideo::models::UploadToken>());
    assert_eq!(token.ttl, Some(3600));
    api.snapshot().await;
}

#[tokio::test]
async fn upload_tokens_list() {
    let api = Api::serve("upload_tokens.list").await;
    let page = api
        .client
        .upload_tokens()
        .list()
        .sort_by(GetUploadTokensSortBy::Ttl)
        .sort_order(SortOrder::Desc)
        .page_size(50)
        .await
        .expect("a page");
    check_page(&api, &page);
    api.snapshot().await;
}

#[tokio::test]
async fn upload_tokens_get() {
    let api = Api::serve("upload_tokens.get").await;
    let token = api
        .client
        .upload_tokens()
        .get(UPLOAD_TOKEN)
        .await
        .expect("a token");
    assert_eq!(token, api.served::<apivideo::models::UploadToken>());
    api.snapshot().await;
}

#[tokio::test]
async fn upload_tokens_delete() {
    let api = Api::serve("upload_tokens.delete").await;
    api.client
        .upload_tokens()
        .delete(UPLOAD_TOKEN)
        .await
        .expect("deleted");
    api.snapshot().await;
}

// ----------------------------------------------------------------------- live streams

#[tokio::test]
async fn live_streams_create() {
    let api = Api::serve("live_streams.create").await;
    let payload = LiveStreamCreationPayload::new("My live stream")
        .public(true)
        .player_id(PLAYER_ID)
        .restreams([RestreamsRequestObject::new(
            "YouTube",
            "rtmp://a.rtmp.youtube.com/live2",
            "yt-stream-key",
        )]);
    let live = api
        .client
        .live_streams()
        .create(payload)
        .await
        .expect("created");
    assert_eq!(live, api.served::<apivideo::models::LiveStream>());
    api.snapshot().await;
}

#[tokio::test]
async fn live_streams_list() {
    let api = Api::serve("live_streams.list").await;
    let page = api
        .client
        .live_streams()
        .list()
        .stream_key("30087931-229e-42cf-b5f9-e91bcc1f7332")
        .name("My live stream")
        .sort_by(GetLiveStreamsSortBy::CreatedAt)
        .sort_order(SortOrder::Asc)
        .await
        .expect("a page");
    check_page(&api, &page);
    api.snapshot().await;
}

#[tokio::test]
async fn live_streams_get() {
    let api = Api::serve("live_streams.get").await;
    let live = api
        .client
        .live_streams()
        .get(LIVE_STREAM_ID)
        .await
        .expect("a live stream");
    assert_eq!(live, api.served::<apivideo::models::LiveStream>());
    assert!(!live.live_stream_id.is_empty());
    api.snapshot().await;
}

#[tokio::test]
async fn live_streams_update() {
    let api = Api::serve("live_streams.update").await;
    let live = api
        .client
        .live_streams()
        .update(
            LIVE_STREAM_ID,
            LiveStreamUpdatePayload::new()
                .name("Renamed")
                .public(false)
                .restreams(Vec::<RestreamsRequestObject>::new()),
        )
        .await
        .expect("updated");
    assert_eq!(live, api.served::<apivideo::models::LiveStream>());
    api.snapshot().await;
}

#[tokio::test]
async fn live_streams_delete() {
    let api = Api::serve("live_streams.delete").await;
    api.client
        .live_streams()
        .delete(LIVE_STREAM_ID)
        .await
        .expect("deleted");
    api.snapshot().await;
}

#[tokio::test]
async fn live_streams_upload_thumbnail() {
    let api = Api::serve("live_streams.upload_thumbnail").await;
    let live = api
        .client
        .live_streams()
        .upload_thumbnail(LIVE_STREAM_ID, Source::bytes(PNG).file_name("cover.png"))
        .await
        .expect("uploaded");
    assert_eq!(live, api.served::<apivideo::models::LiveStream>());
    api.snapshot().await;
}

#[tokio::test]
async fn live_streams_delete_thumbnail() {
    let api = Api::serve("live_streams.delete_thumbnail").await;
    let live = api
        .client
        .live_streams()
        .delete_thumbnail(LIVE_STREAM_ID)
        .await
        .expect("deleted");
    assert_eq!(live, api.served::<apivideo::models::LiveStream>());
    api.snapshot().await;
}

#[tokio::test]
async fn live_streams_complete() {
    let api = Api::serve("live_streams.complete").await;
    api.client
        .live_streams()
        .complete(LIVE_STREAM_ID)
        .await
        .expect("completed");
    api.snapshot().await;
}

// --------------------------------------------------------------------------- captions

#[tokio::test]
async fn captions_get() {
    let api = Api::serve("captions.get").await;
    let caption = api
        .client
        .captions()
        .get(VIDEO_ID, "en")
        .await
        .expect("a caption");
    assert_eq!(caption, api.served::<apivideo::models::Caption>());
    assert!(caption.srclang.is_some());
    api.snapshot().await;
}

#[tokio::test]
async fn captions_upload() {
    let api = Api::serve("captions.upload").await;
    let caption = api
        .client
        .captions()
        .upload(VIDEO_ID, "fr", VTT.as_bytes().to_vec())
        .await
        .expect("uploaded");
    assert_eq!(caption, api.served::<apivideo::models::Caption>());
    api.snapshot().await;
}

#[tokio::test]
async fn captions_set_default() {
    let api = Api::serve("captions.set_default").await;
    let caption = api
        .client
        .captions()
        .set_default(VIDEO_ID, "en", true)
        .await
        .expect("updated");
    assert_eq!(caption, api.served::<apivideo::models::Caption>());
    api.snapshot().await;
}

#[tokio::test]
async fn captions_update() {
    let api = Api::serve("captions.update").await;
    let caption = api
        .client
        .captions()
        .update(VIDEO_ID, "de", CaptionsUpdatePayload::new().default(false))
        .await
        .expect("updated");
    assert_eq!(caption, api.served::<apivideo::models::Caption>());
    api.snapshot().await;
}

#[tokio::test]
async fn captions_delete() {
    let api = Api::serve("captions.delete").await;
    api.client
        .captions()
        .delete(VIDEO_ID, "en")
        .await
        .expect("deleted");
    api.snapshot().await;
}

#[tokio::test]
async fn captions_list() {
    let api = Api::serve("captions.list").await;
    let page = api
        .client
        .captions()
        .list(VIDEO_ID)
        .page_size(5)
        .await
        .expect("a page");
    check_page(&api, &page);
    api.snapshot().await;
}

// --------------------------------------------------------------------------- chapters

#[tokio::test]
async fn chapters_get() {
    let api = Api::serve("chapters.get").await;
    let chapter = api
        .client
        .chapters()
        .get(VIDEO_ID, "en")
        .await
        .expect("chapters");
    assert_eq!(chapter, api.served::<apivideo::models::Chapter>());
    api.snapshot().await;
}

#[tokio::test]
async fn chapters_upload() {
    let api = Api::serve("chapters.upload").await;
    let chapter = api
        .client
        .chapters()
        .upload(
            VIDEO_ID,
            "en",
            Source::bytes(VTT.as_bytes()).file_name("intro.vtt"),
        )
        .await
        .expect("uploaded");
    assert_eq!(chapter, api.served::<apivideo::models::Chapter>());
    api.snapshot().await;
}

#[tokio::test]
async fn chapters_delete() {
    let api = Api::serve("chapters.delete").await;
    api.client
        .chapters()
        .delete(VIDEO_ID, "en")
        .await
        .expect("deleted");
    api.snapshot().await;
}

#[tokio::test]
async fn chapters_list() {
    let api = Api::serve("chapters.list").await;
    let page = api.client.chapters().list(VIDEO_ID).await.expect("a page");
    check_page(&api, &page);
    api.snapshot().await;
}

// ---------------------------------------------------------------------------- players

#[tokio::test]
async fn players_create() {
    let api = Api::serve("players.create").await;
    let payload = PlayerThemeCreationPayload::new()
        .name("Dark theme")
        .text("rgba(255, 255, 255, 1)")
        .enable_controls(true)
        .force_autoplay(false);
    let player = api.client.players().create(payload).await.expect("created");
    assert_eq!(player, api.served::<apivideo::models::PlayerTheme>());
    api.snapshot().await;
}

#[tokio::test]
async fn players_list() {
    let api = Api::serve("players.list").await;
    let page = api
        .client
        .players()
        .list()
        .sort_by(GetPlayersSortBy::Name)
        .sort_order(SortOrder::Asc)
        .await
        .expect("a page");
    check_page(&api, &page);
    api.snapshot().await;
}

#[tokio::test]
async fn players_get() {
    let api = Api::serve("players.get").await;
    let player = api.client.players().get(PLAYER_ID).await.expect("a player");
    assert_eq!(player, api.served::<apivideo::models::PlayerTheme>());
    assert!(!player.player_id.is_empty());
    api.snapshot().await;
}

#[tokio::test]
async fn players_update() {
    let api = Api::serve("players.update").await;
    let player = api
        .client
        .players()
        .update(
            PLAYER_ID,
            PlayerThemeUpdatePayload::new()
                .link("rgba(255, 0, 0, 1)")
                .hide_title(true),
        )
        .await
        .expect("updated");
    assert_eq!(player, api.served::<apivideo::models::PlayerTheme>());
    api.snapshot().await;
}

#[tokio::test]
async fn players_delete() {
    let api = Api::serve("players.delete").await;
    api.client
        .players()
        .delete(PLAYER_ID)
        .await
        .expect("deleted");
    api.snapshot().await;
}

#[tokio::test]
async fn players_upload_logo() {
    let api = Api::serve("players.upload_logo").await;
    let player = api
        .client
        .players()
        .upload_logo(PLAYER_ID, PNG.to_vec(), Some("https://example.com/"))
        .await
        .expect("uploaded");
    assert_eq!(player, api.served::<apivideo::models::PlayerTheme>());
    api.snapshot().await;
}

#[tokio::test]
async fn players_delete_logo() {
    let api = Api::serve("players.delete_logo").await;
    api.client
        .players()
        .delete_logo(PLAYER_ID)
        .await
        .expect("deleted");
    api.snapshot().await;
}

// ------------------------------------------------------------------------- watermarks

#[tokio::test]
async fn watermarks_upload() {
    let api = Api::serve("watermarks.upload").await;
    let watermark = api
        .client
        .watermarks()
        .upload(Source::bytes(PNG).file_name("brand.png"))
        .await
        .expect("uploaded");
    assert_eq!(watermark, api.served::<apivideo::models::Watermark>());
    assert!(watermark.watermark_id.is_some());
    api.snapshot().await;
}

#[tokio::test]
async fn watermarks_list() {
    let api = Api::serve("watermarks.list").await;
    let page = api
        .client
        .watermarks()
        .list()
        .sort_by("createdAt")
        .sort_order(SortOrder::Asc)
        .await
        .expect("a page");
    check_page(&api, &page);
    api.snapshot().await;
}

#[tokio::test]
async fn watermarks_delete() {
    let api = Api::serve("watermarks.delete").await;
    api.client
        .watermarks()
        .delete(WATERMARK_ID)
        .await
        .expect("deleted");
    api.snapshot().await;
}

// --------------------------------------------------------------------------- webhooks

#[tokio::test]
async fn webhooks_create() {
    let api = Api::serve("webhooks.create").await;
    let webhook = api
        .client
        .webhooks()
        .create(WebhooksCreationPayload::new(
            [
                WebhookEventType::VideoEncodingQualityCompleted,
                WebhookEventType::LiveStreamBroadcastStarted,
            ],
            "https://example.com/hooks/apivideo",
        ))
        .await
        .expect("created");
    assert_eq!(webhook, api.served::<apivideo::models::Webhook>());
    assert!(webhook.verification_secret().is_some());
    api.snapshot().await;
}

#[tokio::test]
async fn webhooks_list() {
    let api = Api::serve("webhooks.list").await;
    let page = api
        .client
        .webhooks()
        .list()
        .event(WebhookEventType::VideoEncodingQualityCompleted)
        .await
        .expect("a page");
    check_page(&api, &page);
    let request = api.snapshot().await;
    assert_eq!(
        query_value(&request, "events").as_deref(),
        Some("video.encoding.quality.completed")
    );
}

#[tokio::test]
async fn webhooks_get() {
    let api = Api::serve("webhooks.get").await;
    let webhook = api
        .client
        .webhooks()
        .get(WEBHOOK_ID)
        .await
        .expect("a webhook");
    assert_eq!(webhook, api.served::<apivideo::models::Webhook>());
    api.snapshot().await;
}

#[tokio::test]
async fn webhooks_delete() {
    let api = Api::serve("webhooks.delete").await;
    api.client
        .webhooks()
        .delete(WEBHOOK_ID)
        .await
        .expect("deleted");
    api.snapshot().await;
}

// ------------------------------------------------------------------------------- tags

#[tokio::test]
async fn tags_list() {
    let api = Api::serve("tags.list").await;
    let page = api
        .client
        .tags()
        .list()
        .value("rust")
        .sort_by(ListTagsSortBy::VideoCount)
        .sort_order(SortOrder::Desc)
        .await
        .expect("a page");
    check_page(&api, &page);
    assert!(page.items.iter().all(|tag| tag.value.is_some()));
    api.snapshot().await;
}

// -------------------------------------------------------------------------- summaries

#[tokio::test]
async fn summaries_create() {
    let api = Api::serve("summaries.create").await;
    let summary = api
        .client
        .summaries()
        .create(
            SummaryCreationPayload::new(VIDEO_ID)
                .origin(SummaryCreationPayloadOrigin::Auto)
                .attributes([SummaryAttribute::Abstract, SummaryAttribute::Takeaways]),
        )
        .await
        .expect("created");
    assert_eq!(summary, api.served::<apivideo::models::Summary>());
    api.snapshot().await;
}

#[tokio::test]
async fn summaries_list() {
    let api = Api::serve("summaries.list").await;
    let page = api
        .client
        .summaries()
        .list()
        .video_id(VIDEO_ID)
        .origin(GetSummariesOrigin::Auto)
        .source_status(GetSummariesSourceStatus::Completed)
        .sort_by(GetSummariesSortBy::CreatedAt)
        .sort_order(SortOrder::Desc)
        .await
        .expect("a page");
    check_page(&api, &page);
    api.snapshot().await;
}

#[tokio::test]
async fn summaries_source() {
    let api = Api::serve("summaries.source").await;
    let source = api
        .client
        .summaries()
        .source(SUMMARY_ID)
        .await
        .expect("a source");
    assert_eq!(source, api.served::<apivideo::models::SummarySource>());
    assert!(source.r#abstract.is_some());
    api.snapshot().await;
}

#[tokio::test]
async fn summaries_update_source() {
    let api = Api::serve("summaries.update_source").await;
    let source = api
        .client
        .summaries()
        .update_source(
            SUMMARY_ID,
            SummaryUpdatePayload::new()
                .r#abstract("A shorter abstract.")
                .takeaways(["One.", "Two."]),
        )
        .await
        .expect("updated");
    assert_eq!(source, api.served::<apivideo::models::SummarySource>());
    api.snapshot().await;
}

#[tokio::test]
async fn summaries_delete() {
    let api = Api::serve("summaries.delete").await;
    api.client
        .summaries()
        .delete(SUMMARY_ID)
        .await
        .expect("deleted");
    api.snapshot().await;
}

// -------------------------------------------------------------------------- analytics

fn filter() -> FilterByQuery {
    FilterByQuery::new()
        .media_type(MediaType::Video)
        .media_id([VIDEO_ID])
        .country(["FR", "DE"])
        .device_type(["phone"])
        .tag("keynote")
}

#[tokio::test]
async fn analytics_aggregated() {
    let api = Api::serve("analytics.aggregated").await;
    let from = Utc.with_ymd_and_hms(2024, 9, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2024, 9, 15, 12, 30, 0).unwrap();
    let value = api
        .client
        .analytics()
        .aggregated(
            GetAggregatedMetricsMetric::WatchTime,
            GetAggregatedMetricsAggregation::Average,
        )
        .from(from)
        .to(to)
        .unique(true)
        .view_duration(GetAggregatedMetricsViewDuration::X5s)
        .filter(filter())
        .await
        .expect("a value");
    assert_eq!(
        value,
        api.served::<apivideo::models::AnalyticsAggregatedMetricsResponse>()
    );
    assert!(value.data > 0.0);
    let request = api.snapshot().await;
    let pairs = query(&request);
    for (key, value) in [
        ("filterBy[mediaType]", "video"),
        ("filterBy[country][]", "FR"),
        ("filterBy[country][]", "DE"),
        ("filterBy[tag]", "keynote"),
    ] {
        assert!(
            pairs.contains(&(key.to_owned(), value.to_owned())),
            "{key}={value} in {pairs:?}"
        );
    }
}

#[tokio::test]
async fn analytics_breakdown() {
    let api = Api::serve("analytics.breakdown").await;
    let page = api
        .client
        .analytics()
        .breakdown(
            GetMetricsBreakdownMetric::Play,
            GetMetricsBreakdownBreakdown::Country,
        )
        .from(Utc.with_ymd_and_hms(2024, 9, 1, 0, 0, 0).unwrap())
        .sort_by(GetMetricsBreakdownSortBy::MetricValue)
        .sort_order(SortOrder::Desc)
        .filter(filter())
        .page_size(3)
        .await
        .expect("a page");
    check_page(&api, &page);
    api.snapshot().await;
}

#[tokio::test]
async fn analytics_over_time() {
    let api = Api::serve("analytics.over_time").await;
    let page = api
        .client
        .analytics()
        .over_time(GetMetricsOverTimeMetric::Impression)
        .interval(GetMetricsOverTimeInterval::Hour)
        .sort_by(GetMetricsOverTimeSortBy::EmittedAt)
        .sort_order(SortOrder::Asc)
        .unique(false)
        .filter(FilterByQuery::new().browser(["chrome", "firefox"]))
        .await
        .expect("a page");
    check_page(&api, &page);
    api.snapshot().await;
}

// ------------------------------------------------------- refused before anything is sent

/// Calls whose arguments break a documented rule fail with `InvalidInput` naming the
/// argument, and send nothing.
#[tokio::test]
async fn invalid_arguments_are_refused_before_sending() {
    let server = strict_server().await;
    let client = client(&server);
    let restreams = (0..6)
        .map(|i| RestreamsRequestObject::new(format!("r{i}"), "rtmp://example.com/live", "key"));
    let cases: Vec<(&str, apivideo::Result<()>)> = vec![
        (
            "payload.title",
            client
                .videos()
                .create(VideoCreationPayload::new("  "))
                .await
                .map(drop),
        ),
        (
            "timecode",
            client
                .videos()
                .pick_thumbnail(VIDEO_ID, "1:02")
                .await
                .map(drop),
        ),
        (
            "payload.ttl",
            client
                .upload_tokens()
                .create(TokenCreationPayload::new().ttl(-1))
                .await
                .map(drop),
        ),
        (
            "payload.name",
            client
                .live_streams()
                .create(LiveStreamCreationPayload::new(""))
                .await
                .map(drop),
        ),
        (
            "payload.restreams",
            client
                .live_streams()
                .create(LiveStreamCreationPayload::new("live").restreams(restreams))
                .await
                .map(drop),
        ),
        (
            "payload.name",
            client
                .players()
                .create(PlayerThemeCreationPayload::new().name("x".repeat(101)))
                .await
                .map(drop),
        ),
        (
            "payload.events",
            client
                .webhooks()
                .create(WebhooksCreationPayload::new(
                    Vec::<WebhookEventType>::new(),
                    "https://example.com/",
                ))
                .await
                .map(drop),
        ),
        (
            "payload.url",
            client
                .webhooks()
                .create(WebhooksCreationPayload::new(
                    [WebhookEventType::VideoSourceRecorded],
                    "ftp://example.com/",
                ))
                .await
                .map(drop),
        ),
        (
            "payload.video_id",
            client
                .summaries()
                .create(SummaryCreationPayload::new(""))
                .await
                .map(drop),
        ),
        (
            "payload.takeaways",
            client
                .summaries()
                .update_source(
                    SUMMARY_ID,
                    SummaryUpdatePayload::new().takeaways(["1", "2", "3", "4"]),
                )
                .await
                .map(drop),
        ),
        (
            "source",
            client
                .captions()
                .upload(VIDEO_ID, "en", Vec::<u8>::new())
                .await
                .map(drop),
        ),
    ];
    for (argument, result) in cases {
        match result {
            Err(Error::InvalidInput { argument: a, .. }) => {
                assert_eq!(a, argument, "the error names the argument");
            }
            other => panic!("{argument}: expected InvalidInput, got {other:?}"),
        }
    }
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

// --------------------------------------------------------------------- authentication

/// Serves the token operation `id` with its spec example; the request must carry no
/// `Authorization` header.
async fn serve_token_operation(id: &str) -> (MockServer, Value) {
    let op = operation(id);
    let served = spec_example(id, op.success[0]).expect("the spec has an example");
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path_regex(common::path_regex(op.path)))
        .respond_with(ResponseTemplate::new(op.success[0]).set_body_json(&served))
        .expect(1)
        .mount(&server)
        .await;
    (server, served)
}

#[tokio::test]
async fn authentication_authenticate() {
    let id = AUTH_CALLS[0].1;
    let (server, served) = serve_token_operation(id).await;
    // A bearer client: its own token is not fetched, and nothing of it is sent.
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .build()
        .expect("a client");
    let token = client
        .authentication()
        .authenticate(AuthenticatePayload::new("another-project-key"))
        .await
        .expect("a token");
    assert_eq!(
        token,
        serde_json::from_value::<AccessToken>(served).expect("the example")
    );
    assert!(token.access_token.is_some());
    let received = requests(&server).await;
    assert_eq!(received.len(), 1, "only the call itself");
    let request = &received[0];
    assert_eq!(request.url.path(), "/auth/api-key");
    assert_eq!(header(request, "authorization"), None, "no credentials");
    let body: Value = serde_json::from_slice(&request.body).expect("JSON");
    assert_eq!(body, serde_json::json!({"apiKey": "another-project-key"}));
    let debug = format!("{token:?}");
    assert!(
        !debug.contains(token.access_token.as_deref().unwrap_or("-")),
        "{debug}"
    );
}

#[tokio::test]
async fn authentication_refresh() {
    let id = AUTH_CALLS[1].1;
    let (server, served) = serve_token_operation(id).await;
    let token = client(&server)
        .authentication()
        .refresh(RefreshTokenPayload::new("a-refresh-token"))
        .await
        .expect("a token");
    assert_eq!(
        token,
        serde_json::from_value::<AccessToken>(served).expect("the example")
    );
    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.path(), "/auth/refresh");
    assert_eq!(
        header(&received[0], "authorization"),
        None,
        "the Basic client's key stays home"
    );
    let body: Value = serde_json::from_slice(&received[0].body).expect("JSON");
    assert_eq!(body, serde_json::json!({"refreshToken": "a-refresh-token"}));
}

#[tokio::test]
async fn token_operations_work_without_a_key_and_refuse_blank_input() {
    let (server, _) = serve_token_operation(AUTH_CALLS[0].1).await;
    let anonymous = Client::builder()
        .anonymous()
        .base_url(server.uri())
        .build()
        .expect("a client without a key");
    anonymous
        .authentication()
        .authenticate(AuthenticatePayload::new("a-key"))
        .await
        .expect("no key needed");
    for error in [
        anonymous
            .authentication()
            .authenticate(AuthenticatePayload::new(" "))
            .await
            .expect_err("blank key"),
        anonymous
            .authentication()
            .refresh(RefreshTokenPayload::new(""))
            .await
            .expect_err("blank refresh token"),
    ] {
        assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    }
    assert_eq!(requests(&server).await.len(), 1, "blank input sent nothing");
}
