//! `wait_until_playable` fails fast when a video never will be playable: against the
//! simulator's fault injection (`fail_encoding`, `fail_ingest`), a video without a
//! source, and (on wiremock) an upload still under way elsewhere, which is waited for.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use apivideo::models::VideoCreationPayload;
use apivideo::{Client, Error};
use apivideo_simulator::Simulator;
use common::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

async fn simulator() -> Simulator {
    Simulator::builder()
        .encoding_delay(Duration::from_millis(200))
        .start()
        .await
        .expect("a simulator")
}

fn sim_client(sim: &Simulator) -> Client {
    Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .build()
        .expect("a client")
}

/// A video with a small uploaded source.
async fn uploaded(client: &Client, sim: &Simulator, fault: impl Fn(&str)) -> String {
    let video = client
        .videos()
        .create(VideoCreationPayload::new("wait"))
        .await
        .expect("a video");
    fault(&video.video_id);
    client
        .videos()
        .upload(&video.video_id, vec![1u8; 4096])
        .await
        .expect("uploaded");
    assert!(sim.video_source(&video.video_id).is_some());
    video.video_id
}

#[tokio::test]
async fn an_encoding_that_fails_ends_the_wait_at_once() {
    let sim = simulator().await;
    let client = sim_client(&sim);
    let id = uploaded(&client, &sim, |id| {
        sim.faults().fail_encoding(id);
    })
    .await;
    let started = Instant::now();
    let error = client
        .videos()
        .wait_until_playable(&id)
        .poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(60))
        .await
        .expect_err("never playable");
    match &error {
        Error::EncodingFailed { video_id } => assert_eq!(video_id, &id),
        other => panic!("expected EncodingFailed, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "not the timeout"
    );
    assert!(error.to_string().contains("encoding failed"), "{error}");
}

#[tokio::test]
async fn an_ingest_that_fails_ends_the_wait_at_once() {
    let sim = simulator().await;
    let client = sim_client(&sim);
    let id = uploaded(&client, &sim, |id| {
        sim.faults().fail_ingest(id);
    })
    .await;
    let error = client
        .videos()
        .wait_until_playable(&id)
        .poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(60))
        .await
        .expect_err("never playable");
    match &error {
        Error::IngestFailed { video_id, status } => {
            assert_eq!(video_id, &id);
            assert_eq!(status, "failed");
        }
        other => panic!("expected IngestFailed, got {other:?}"),
    }
    assert_eq!(
        sim.request_count("GET /videos/{videoId}/status"),
        1,
        "the first status said it"
    );
}

#[tokio::test]
async fn a_video_without_a_source_is_not_waited_for_until_the_timeout() {
    let sim = simulator().await;
    let client = sim_client(&sim);
    let video = client
        .videos()
        .create(VideoCreationPayload::new("no source"))
        .await
        .expect("a video");
    let started = Instant::now();
    let error = client
        .videos()
        .wait_until_playable(&video.video_id)
        .poll_interval(Duration::from_millis(20))
        .max_interval(Duration::from_millis(50))
        .start_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(60))
        .await
        .expect_err("never playable");
    match &error {
        Error::EncodingNotStarted {
            video_id, waited, ..
        } => {
            assert_eq!(video_id, &video.video_id);
            assert!(*waited >= Duration::from_millis(300), "{waited:?}");
        }
        other => panic!("expected EncodingNotStarted, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(error.to_string().contains("had not started"), "{error}");
}

#[tokio::test]
async fn a_healthy_upload_becomes_playable() {
    let sim = simulator().await;
    let client = sim_client(&sim);
    let id = uploaded(&client, &sim, |_| {}).await;
    let status = client
        .videos()
        .wait_until_playable(&id)
        .poll_interval(Duration::from_millis(20))
        .start_timeout(Duration::from_millis(100))
        .timeout(Duration::from_secs(60))
        .await
        .expect("playable");
    assert_eq!(status.encoding.and_then(|e| e.playable), Some(true));
}

/// Answers the statuses in turn, repeating the last one.
struct Statuses(Vec<Value>, AtomicUsize);

impl Respond for Statuses {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.1.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(&self.0[n.min(self.0.len() - 1)])
    }
}

fn uploading(received: u64) -> Value {
    json!({
        "ingest": {"status": "uploading", "filesize": 100,
                   "receivedBytes": [{"from": 0, "to": received - 1, "total": 100}]},
        "encoding": {"playable": false, "qualities": []}
    })
}

/// An upload still moving (bytes received grow from poll to poll) is waited for, however
/// long it takes past the start timeout; an import from a URL too.
#[tokio::test]
async fn an_upload_under_way_elsewhere_is_waited_for() {
    let server = strict_server().await;
    let mut answers: Vec<Value> = (1..=8).map(|n| uploading(n * 10)).collect();
    answers.push(json!({"ingest": {"status": "ingesting"}, "encoding": {"playable": false}}));
    answers.push(json!({"ingest": {"status": "ingesting"}, "encoding": {"playable": false}}));
    answers.push(json!({"ingest": {"status": "ingesting"}, "encoding": {"playable": false}}));
    answers.push(
        json!({"ingest": {"status": "ingested"}, "encoding": {"playable": true,
        "qualities": [{"type": "hls", "quality": "720p", "status": "encoded"}]}}),
    );
    let count = answers.len();
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}/status")))
        .respond_with(Statuses(answers, AtomicUsize::new(0)))
        .mount(&server)
        .await;
    client(&server)
        .videos()
        .wait_until_playable(VIDEO_ID)
        .poll_interval(Duration::from_millis(30))
        .max_interval(Duration::from_millis(30))
        .start_timeout(Duration::from_millis(50))
        .timeout(Duration::from_secs(60))
        .await
        .expect("waited while the ingest moved");
    assert_eq!(requests(&server).await.len(), count);
}
