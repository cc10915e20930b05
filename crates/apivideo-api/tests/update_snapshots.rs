//! The exact JSON `PATCH /videos/{videoId}` sends, as captured by the server: a field
//! left out is not sent, `null` clears, an empty list empties. Each body is snapshotted
//! byte for byte and also compared as JSON here, so a change shows in both places.

mod support;

use apivideo_api::models::{self, VideoUpdatePayload};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use apivideo_test_support::header;
use apivideo_test_support::ids::{PLAYER_ID, VIDEO_ID};

/// Sends `payload` with `PATCH /videos/{videoId}` and returns the body the server got.
async fn sent_body(payload: VideoUpdatePayload) -> String {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"videoId": VIDEO_ID})))
        .expect(1)
        .mount(&server)
        .await;
    let video = support::client(&server.uri())
        .patch_video()
        .video_id(VIDEO_ID)
        .body(payload)
        .send()
        .await
        .expect("PATCH /videos/{videoId}")
        .into_inner();
    assert_eq!(video.video_id, VIDEO_ID);
    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 1);
    assert_eq!(
        header(&requests[0], "content-type"),
        Some("application/json")
    );
    String::from_utf8(requests[0].body.clone()).expect("UTF-8 body")
}

/// Checks the body as JSON and snapshots its exact text.
#[track_caller]
fn check(name: &str, body: &str, expected: Value) {
    let parsed: Value = serde_json::from_str(body).expect("a JSON body");
    assert_eq!(parsed, expected, "{name}: {body}");
    insta::assert_snapshot!(name, body);
}

#[tokio::test]
async fn player_id_left_out_is_not_sent() {
    let body = sent_body(VideoUpdatePayload::new().title("Maths video")).await;
    assert!(!body.contains("playerId"));
    check("player_id_absent", &body, json!({"title": "Maths video"}));
}

#[tokio::test]
async fn player_id_cleared_is_sent_as_null() {
    let body = sent_body(VideoUpdatePayload::new().clear_player_id()).await;
    check("player_id_null", &body, json!({"playerId": null}));
}

#[tokio::test]
async fn player_id_set_is_sent() {
    let body = sent_body(VideoUpdatePayload::new().player_id(PLAYER_ID)).await;
    check("player_id_value", &body, json!({"playerId": PLAYER_ID}));
}

#[tokio::test]
async fn an_empty_payload_sends_an_empty_object() {
    let body = sent_body(VideoUpdatePayload::new()).await;
    check("empty", &body, json!({}));
}

#[tokio::test]
async fn empty_tags_are_sent_to_remove_every_tag() {
    let body = sent_body(VideoUpdatePayload::new().tags(Vec::<String>::new())).await;
    check("tags_empty", &body, json!({"tags": []}));
}

#[tokio::test]
async fn empty_metadata_is_sent_to_remove_every_pair() {
    let body = sent_body(VideoUpdatePayload::new().metadata(Vec::<models::Metadata>::new())).await;
    check("metadata_empty", &body, json!({"metadata": []}));
}

#[tokio::test]
async fn a_combination_sends_each_field_as_set() {
    let payload = VideoUpdatePayload::new()
        .title("Maths video (final cut)")
        .description("")
        .clear_player_id()
        .public(false)
        .tags(Vec::<String>::new())
        .metadata(Vec::<models::Metadata>::new())
        .clear_language()
        .transcript(true)
        .with_extra("customField", json!({"nested": [1, null]}));
    let body = sent_body(payload).await;
    check(
        "combination",
        &body,
        json!({
            "playerId": null,
            "title": "Maths video (final cut)",
            "description": "",
            "public": false,
            "tags": [],
            "metadata": [],
            "language": null,
            "transcript": true,
            "customField": {"nested": [1, null]},
        }),
    );
}

#[tokio::test]
async fn a_combination_with_values_sends_them() {
    let payload = VideoUpdatePayload::new()
        .player_id(PLAYER_ID)
        .tags(["maths", "string theory"])
        .metadata([
            models::Metadata::new().key("Author").value("John Doe"),
            models::Metadata::new().key("reviewed").value(""),
        ])
        .language("fr");
    let body = sent_body(payload).await;
    check(
        "combination_values",
        &body,
        json!({
            "playerId": PLAYER_ID,
            "tags": ["maths", "string theory"],
            "metadata": [
                {"key": "Author", "value": "John Doe"},
                {"key": "reviewed", "value": ""},
            ],
            "language": "fr",
        }),
    );
}

#[test]
fn the_three_states_of_player_id_read_back_as_sent() {
    // The payload reads its own JSON back into the same state (absent, null, value).
    for (body, expected) in [
        (json!({}), VideoUpdatePayload::new()),
        (
            json!({"playerId": null}),
            VideoUpdatePayload::new().clear_player_id(),
        ),
        (
            json!({"playerId": PLAYER_ID}),
            VideoUpdatePayload::new().player_id(PLAYER_ID),
        ),
    ] {
        let read: VideoUpdatePayload = serde_json::from_value(body.clone()).expect("reads");
        assert_eq!(read, expected, "{body}");
        assert_eq!(serde_json::to_value(&read).expect("writes"), body);
    }
}

#[tokio::test]
async fn clear_setters_send_empty_lists_and_null() {
    let body = sent_body(
        VideoUpdatePayload::new()
            .clear_tags()
            .clear_metadata()
            .clear_transcript_summary_attributes()
            .clear_player_id(),
    )
    .await;
    let sent: Value = serde_json::from_str(&body).expect("a JSON body");
    assert_eq!(
        sent,
        json!({
            "playerId": null,
            "tags": [],
            "metadata": [],
            "transcriptSummaryAttributes": [],
        })
    );
}

#[tokio::test]
async fn metadata_from_pairs_is_sent_as_key_value_objects() {
    let pairs = std::collections::BTreeMap::from([("team", "blue"), ("year", "2026")]);
    let body = sent_body(
        VideoUpdatePayload::new()
            .metadata([("Author", String::from("John Doe"))])
            .title("renamed"),
    )
    .await;
    let sent: Value = serde_json::from_str(&body).expect("a JSON body");
    assert_eq!(
        sent,
        json!({"title": "renamed", "metadata": [{"key": "Author", "value": "John Doe"}]})
    );
    let from_map = VideoUpdatePayload::new().metadata(pairs);
    assert_eq!(
        serde_json::to_value(&from_map).expect("writes"),
        json!({"metadata": [{"key": "team", "value": "blue"}, {"key": "year", "value": "2026"}]})
    );
}
