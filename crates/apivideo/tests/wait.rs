//! `videos().wait_until_playable()`: polls the status until the video can be played,
//! encoding failed, or the time is up.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use apivideo::Error;
use common::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers the statuses in turn, repeating the last one.
struct Statuses {
    answers: Vec<Value>,
    served: AtomicUsize,
}

impl Respond for Statuses {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        let answer = &self.answers[n.min(self.answers.len() - 1)];
        ResponseTemplate::new(200).set_body_json(answer)
    }
}

fn status(playable: bool, qualities: &[&str]) -> Value {
    json!({
        "ingest": {"status": "uploaded", "filesize": 1000},
        "encoding": {
            "playable": playable,
            "qualities": qualities
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let quality = ["360p", "720p", "1080p"][i % 3];
                    json!({ "type": "hls", "quality": quality, "status": s })
                })
                .collect::<Vec<_>>(),
        }
    })
}

async fn serve(server: &MockServer, answers: Vec<Value>) {
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}/status")))
        .respond_with(Statuses {
            answers,
            served: AtomicUsize::new(0),
        })
        .mount(server)
        .await;
}

async fn polls(server: &MockServer) -> usize {
    requests(server).await.len()
}

#[tokio::test]
async fn polls_until_playable() {
    let server = strict_server().await;
    serve(
        &server,
        vec![
            json!({"ingest": {"status": "uploading"}}),
            status(false, &["encoding", "waiting"]),
            status(false, &["encoded", "encoding"]),
            status(true, &["encoded", "encoding"]),
            status(true, &["encoded", "encoded"]),
        ],
    )
    .await;
    let started = Instant::now();
    let status = client(&server)
        .videos()
        .wait_until_playable(VIDEO_ID)
        .poll_interval(Duration::from_millis(20))
        .max_interval(Duration::from_millis(40))
        .await
        .expect("playable");
    let elapsed = started.elapsed();
    let encoding = status.encoding.expect("encoding");
    assert_eq!(encoding.playable, Some(true));
    assert_eq!(
        polls(&server).await,
        4,
        "stops at the first playable status"
    );
    // Waits of 20, 30 and 40 ms between the four polls (a lower bound: a loaded machine
    // only makes it longer).
    assert!(elapsed >= Duration::from_millis(85), "{elapsed:?}");
}

#[tokio::test]
async fn a_playable_video_is_returned_after_one_poll() {
    let server = strict_server().await;
    serve(&server, vec![status(true, &["encoded"])]).await;
    client(&server)
        .videos()
        .wait_until_playable(VIDEO_ID)
        .await
        .expect("playable");
    assert_eq!(polls(&server).await, 1);
}

#[tokio::test]
async fn times_out() {
    let server = strict_server().await;
    serve(&server, vec![status(false, &["encoding", "waiting"])]).await;
    let started = Instant::now();
    let error = client(&server)
        .videos()
        .wait_until_playable(VIDEO_ID)
        .timeout(Duration::from_secs(1))
        .poll_interval(Duration::from_millis(20))
        .max_interval(Duration::from_millis(50))
        .await
        .expect_err("never playable");
    let elapsed = started.elapsed();
    // Upper bounds with margin for a loaded machine: what they rule out is a wait that
    // does not stop (the video never becomes playable).
    match &error {
        Error::WaitTimeout { video_id, waited } => {
            assert_eq!(video_id, VIDEO_ID);
            assert!(*waited >= Duration::from_secs(1), "{waited:?}");
            assert!(*waited < Duration::from_secs(10), "{waited:?}");
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let polls = polls(&server).await;
    // 20 + 30 + 45 + 50 + 50 ... ms: about 20 polls in 1 s; fewer than 3 only if each
    // took a third of a second, more than 52 only if the waits were shorter than 20 ms.
    assert!((3..=52).contains(&polls), "{polls} polls");
    eprintln!("wait: {polls} polls before the 1 s timeout");
    let display = error.to_string();
    assert!(display.contains(VIDEO_ID), "{display}");
    assert!(display.contains("not playable"), "{display}");
}

#[tokio::test]
async fn the_last_wait_is_cut_to_the_deadline() {
    let server = strict_server().await;
    serve(&server, vec![status(false, &["encoding"])]).await;
    let started = Instant::now();
    let error = client(&server)
        .videos()
        .wait_until_playable(VIDEO_ID)
        .timeout(Duration::from_millis(100))
        .poll_interval(Duration::from_secs(30))
        .await
        .expect_err("never playable");
    assert!(matches!(error, Error::WaitTimeout { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "a 30 s interval must not outlast a 100 ms timeout"
    );
    // One poll, then one at the deadline (only one if the first took the whole 100 ms).
    let polls = polls(&server).await;
    assert!((1..=2).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn fails_when_every_quality_failed() {
    let server = strict_server().await;
    serve(
        &server,
        vec![
            status(false, &["failed", "encoding"]),
            status(false, &["failed", "failed", "failed"]),
        ],
    )
    .await;
    let error = client(&server)
        .videos()
        .wait_until_playable(VIDEO_ID)
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(5))
        .await
        .expect_err("encoding failed");
    match &error {
        Error::EncodingFailed { video_id } => assert_eq!(video_id, VIDEO_ID),
        other => panic!("expected EncodingFailed, got {other:?}"),
    }
    assert_eq!(polls(&server).await, 2, "one failed quality is not enough");
    assert!(error.to_string().contains("encoding failed"), "{error}");
}

#[tokio::test]
async fn no_qualities_yet_is_not_a_failure() {
    let server = strict_server().await;
    serve(
        &server,
        vec![
            status(false, &[]),
            json!({"ingest": {"status": "uploaded"}, "encoding": {"playable": false}}),
            status(true, &["encoded"]),
        ],
    )
    .await;
    client(&server)
        .videos()
        .wait_until_playable(VIDEO_ID)
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(5))
        .await
        .expect("playable");
    assert_eq!(polls(&server).await, 3);
}

#[tokio::test]
async fn an_error_while_polling_is_returned() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}/status")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "title": "No video exists with this id.", "status": 404
        })))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .videos()
        .wait_until_playable(VIDEO_ID)
        .poll_interval(Duration::from_millis(10))
        .await
        .expect_err("not found");
    assert!(error.is_not_found(), "{error:?}");
}

/// "Gives up after this long": a status request that hangs is abandoned at the deadline
/// too, rather than holding the caller until the HTTP read timeout (60 s by default, per
/// attempt).
#[tokio::test]
async fn the_timeout_also_bounds_a_hanging_poll() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}/status")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(status(false, &["encoding"]))
                .set_delay(Duration::from_secs(60)),
        )
        .mount(&server)
        .await;
    let started = Instant::now();
    let result = client(&server)
        .videos()
        .wait_until_playable(VIDEO_ID)
        .timeout(Duration::from_millis(200))
        .await;
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(Error::WaitTimeout { .. })),
        "{result:?}"
    );
    assert!(
        elapsed < Duration::from_secs(20),
        "a 200 ms wait returned after {elapsed:?}, the poll hangs for 60 s"
    );
}
