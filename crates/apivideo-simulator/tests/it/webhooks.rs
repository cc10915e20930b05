//! Webhook subscriptions and signed deliveries.

use std::time::Duration;

use apivideo_api::models::{Webhook, WebhookEvent};
use apivideo_simulator::Simulator;
use hmac::{KeyInit, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

async fn receiver() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;
    server
}

async fn subscribe(sim: &Simulator, url: String, events: &[&str]) -> Webhook {
    expect(
        call(sim, Method::POST, "/webhooks").json(&json!({"url": url, "events": events})),
        StatusCode::CREATED,
    )
    .await
}

async fn deliveries(server: &MockServer, count: usize) -> Vec<wiremock::Request> {
    let arrived = eventually(Duration::from_secs(5), || async {
        server.received_requests().await.unwrap_or_default().len() >= count
    })
    .await;
    let requests = server.received_requests().await.unwrap_or_default();
    assert!(arrived, "{} deliveries, expected {count}", requests.len());
    requests
}

fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> &'a str {
    request
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn encoding_events_are_delivered_signed() {
    let sim = Simulator::builder()
        .encoding_delay(Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    let server = receiver().await;
    let other = receiver().await;
    let hook = subscribe(
        &sim,
        format!("{}/hooks", server.uri()),
        &["video.encoding.quality.completed"],
    )
    .await;
    subscribe(
        &sim,
        format!("{}/hooks", other.uri()),
        &["live-stream.broadcast.started"],
    )
    .await;
    let secret = hook.signature_secret.clone().unwrap();
    assert_eq!(secret.len(), 32);

    let id = create_video(&sim, json!({"title": "Hooked"})).await;
    expect_status(
        call(&sim, Method::POST, &format!("/videos/{id}/source"))
            .multipart(file_form(&sample(1000), "a.mp4")),
        StatusCode::CREATED,
    )
    .await;

    // Five HLS renditions and the MP4.
    let requests = deliveries(&server, 6).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
    let mut qualities = Vec::new();
    for request in &requests {
        assert_eq!(
            header(request, "x-api-video-webhookid"),
            hook.webhook_id.as_deref().unwrap()
        );
        assert_eq!(
            header(request, "x-api-video-signature"),
            hmac_hex(&secret, &request.body),
            "signature over the raw body"
        );
        assert_ne!(
            header(request, "x-api-video-signature"),
            hmac_hex("another secret", &request.body)
        );
        let event: WebhookEvent = serde_json::from_slice(&request.body).unwrap();
        let WebhookEvent::VideoEncodingQualityCompleted(event) = event else {
            panic!("unexpected event {event:?}");
        };
        assert_eq!(event.video_id.as_deref(), Some(id.as_str()));
        assert!(event.emitted_at.is_some());
        qualities.push(format!(
            "{}/{}",
            event.encoding.unwrap().as_str(),
            event.quality.unwrap().as_str()
        ));
    }
    qualities.sort();
    assert_eq!(
        qualities,
        [
            "hls/1080p",
            "hls/240p",
            "hls/360p",
            "hls/480p",
            "hls/720p",
            "mp4/1080p"
        ]
    );
    assert!(other.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn broadcasts_and_recordings_are_announced() {
    let sim = Simulator::builder()
        .encoding_delay(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let server = receiver().await;
    subscribe(
        &sim,
        format!("{}/hooks", server.uri()),
        &[
            "live-stream.broadcast.started",
            "live-stream.broadcast.ended",
            "video.source.recorded",
        ],
    )
    .await;
    let live: Value = expect(
        call(&sim, Method::POST, "/live-streams").json(&json!({"name": "Town hall"})),
        StatusCode::OK,
    )
    .await;
    let live_id = live["liveStreamId"].as_str().unwrap().to_owned();
    assert_eq!(live["broadcasting"], false);

    assert!(sim.trigger_broadcast(&live_id, true));
    let requests = deliveries(&server, 1).await;
    let event: WebhookEvent = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(event.event_type(), Some("live-stream.broadcast.started"));
    let live: Value = expect(
        call(&sim, Method::GET, &format!("/live-streams/{live_id}")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(live["broadcasting"], true);

    assert!(sim.trigger_broadcast(&live_id, false));
    let requests = deliveries(&server, 3).await;
    let mut kinds: Vec<String> = Vec::new();
    let mut recording = None;
    for request in &requests {
        let event: WebhookEvent = serde_json::from_slice(&request.body).unwrap();
        kinds.push(event.event_type().unwrap().to_owned());
        if let WebhookEvent::VideoSourceRecorded(event) = event {
            assert_eq!(event.live_stream_id.as_deref(), Some(live_id.as_str()));
            recording = event.video_id;
        }
    }
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "live-stream.broadcast.ended",
            "live-stream.broadcast.started",
            "video.source.recorded"
        ]
    );
    let recording = recording.expect("a recording");
    let listed: Value = expect(
        call(
            &sim,
            Method::GET,
            &format!("/videos?liveStreamId={live_id}"),
        ),
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["data"][0]["videoId"], recording.as_str());
    assert_eq!(listed["data"][0]["source"]["type"], "live");
    assert!(!sim.trigger_broadcast("linotalivestream", true));
}

#[tokio::test]
async fn transcripts_and_summaries_are_announced_after_encoding() {
    let sim = Simulator::builder()
        .encoding_delay(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let server = receiver().await;
    subscribe(
        &sim,
        format!("{}/hooks", server.uri()),
        &["video.caption.generated", "video.summary.generated"],
    )
    .await;
    let id = create_video(
        &sim,
        json!({"title": "Talk", "language": "fr", "transcript": true, "transcriptSummary": true}),
    )
    .await;
    expect_status(
        call(&sim, Method::POST, &format!("/videos/{id}/source"))
            .multipart(file_form(&sample(100), "a.mp4")),
        StatusCode::CREATED,
    )
    .await;
    let requests = deliveries(&server, 2).await;
    let mut summary_id = None;
    for request in &requests {
        match serde_json::from_slice::<WebhookEvent>(&request.body).unwrap() {
            WebhookEvent::VideoCaptionGenerated(event) => {
                assert_eq!(event.language.unwrap().as_str(), "fr");
                assert!(event.caption_id.unwrap().starts_with("caption_"));
            }
            WebhookEvent::VideoSummaryGenerated(event) => summary_id = event.summary_id,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(sim.caption(&id, "fr").unwrap().starts_with(b"WEBVTT"));
    let summary_id = summary_id.unwrap();
    let source: Value = expect(
        call(
            &sim,
            Method::GET,
            &format!("/summaries/{summary_id}/source"),
        ),
        StatusCode::OK,
    )
    .await;
    assert!(source["abstract"].as_str().unwrap().contains("Talk"));
    assert_eq!(source["takeaways"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn webhook_crud_and_validation() {
    let sim = Simulator::start().await;
    let hook = subscribe(
        &sim,
        "https://hooks.example.com/a".to_owned(),
        &["video.summary.generated"],
    )
    .await;
    let id = hook.webhook_id.unwrap();
    assert!(id.starts_with("webhook"));
    let got: Webhook = expect(
        call(&sim, Method::GET, &format!("/webhooks/{id}")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(got.url.as_deref(), Some("https://hooks.example.com/a"));
    let listed: Value = expect(
        call(
            &sim,
            Method::GET,
            "/webhooks?events=video.summary.generated",
        ),
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    let none: Value = expect(
        call(&sim, Method::GET, "/webhooks?events=video.source.recorded"),
        StatusCode::OK,
    )
    .await;
    assert!(none["data"].as_array().unwrap().is_empty());

    for (body, name) in [
        (json!({"url": "https://x.example", "events": []}), "events"),
        (
            json!({"url": "https://x.example", "events": ["video.exploded"]}),
            "events[0]",
        ),
        (
            json!({"url": "ftp://x.example", "events": ["video.summary.generated"]}),
            "url",
        ),
        (json!({"events": ["video.summary.generated"]}), "url"),
    ] {
        let problem: Value = expect(
            call(&sim, Method::POST, "/webhooks").json(&body),
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(problem["name"], name, "{body}");
    }
    expect_status(
        call(&sim, Method::DELETE, &format!("/webhooks/{id}")),
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_status(
        call(&sim, Method::GET, &format!("/webhooks/{id}")),
        StatusCode::NOT_FOUND,
    )
    .await;
}
