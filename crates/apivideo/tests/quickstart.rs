//! The quickstart example's job (`examples/quickstart/job.rs`, compiled here as it is)
//! against the simulator: it runs through, and whichever way it ends (done, a failed
//! step, an interrupt such as Ctrl-C) it leaves no video and no webhook behind.

#[path = "../examples/quickstart/job.rs"]
mod job;

use std::time::Duration;

use apivideo::Client;
use apivideo_simulator::Simulator;
use futures_util::TryStreamExt;

async fn simulator(encoding_delay: Duration) -> Simulator {
    Simulator::builder()
        .encoding_delay(encoding_delay)
        .start()
        .await
        .expect("a simulator")
}

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .build()
        .expect("a client")
}

/// The videos and webhooks the simulator still lists.
async fn left_behind(client: &Client) -> (usize, usize) {
    let videos: Vec<_> = client
        .videos()
        .list()
        .stream()
        .try_collect()
        .await
        .expect("videos");
    let webhooks: Vec<_> = client
        .webhooks()
        .list()
        .stream()
        .try_collect()
        .await
        .expect("webhooks");
    (videos.len(), webhooks.len())
}

fn deleted(outcome: &job::Outcome) -> Vec<&str> {
    outcome
        .cleanup
        .iter()
        .filter_map(|line| line.strip_prefix("deleted "))
        .map(|what| what.split(' ').next().unwrap_or_default())
        .collect()
}

#[test]
fn the_fixture_is_a_small_real_mp4() {
    assert!(
        job::TINY_MP4.len() < 200 * 1024,
        "{} bytes",
        job::TINY_MP4.len()
    );
    // An ISO base media file: a `ftyp` box first, with an MP4 brand.
    assert_eq!(&job::TINY_MP4[4..8], b"ftyp");
    assert!(
        [&b"isom"[..], b"mp42", b"mp41", b"avc1"].contains(&&job::TINY_MP4[8..12]),
        "{:?}",
        String::from_utf8_lossy(&job::TINY_MP4[8..12])
    );
}

#[tokio::test]
async fn the_job_runs_through_and_deletes_what_it_created() {
    let sim = simulator(Duration::from_millis(100)).await;
    let client = client(&sim);
    let outcome = job::run(&client, true, std::future::pending::<()>()).await;
    assert!(matches!(outcome.ended, job::Ended::Done), "{outcome:?}");
    assert!(
        outcome
            .report
            .iter()
            .any(|line| line.starts_with("received a verified webhook")),
        "{outcome:?}"
    );
    assert_eq!(deleted(&outcome), ["video", "webhook"], "{outcome:?}");
    assert_eq!(left_behind(&client).await, (0, 0));
    let uploaded = sim
        .received_requests()
        .into_iter()
        .filter(|r| r.route == "POST /videos/{videoId}/source")
        .count();
    assert_eq!(uploaded, 1, "the fixture goes in one request");
}

#[tokio::test]
async fn a_step_that_fails_still_deletes_what_was_created() {
    let sim = simulator(Duration::from_millis(100)).await;
    let client = client(&sim);
    // The listing step is refused (a 400 is not retried).
    sim.faults().fail_next("GET /videos", 1, 400);
    let outcome = job::run(&client, true, std::future::pending::<()>()).await;
    match &outcome.ended {
        job::Ended::Failed(error) => assert!(error.to_string().contains("400"), "{error}"),
        other => panic!("expected a failure, got {other:?}"),
    }
    assert_eq!(deleted(&outcome), ["video", "webhook"], "{outcome:?}");
    assert_eq!(left_behind(&client).await, (0, 0));
}

#[tokio::test]
async fn an_interrupt_still_deletes_what_was_created() {
    // Encoding takes a minute: the interrupt comes while the job waits for it.
    let sim = simulator(Duration::from_secs(60)).await;
    let client = client(&sim);
    let outcome = job::run(
        &client,
        true,
        tokio::time::sleep(Duration::from_millis(500)),
    )
    .await;
    assert!(
        matches!(outcome.ended, job::Ended::Interrupted),
        "{outcome:?}"
    );
    assert_eq!(deleted(&outcome), ["video", "webhook"], "{outcome:?}");
    assert_eq!(left_behind(&client).await, (0, 0));
}

#[tokio::test]
async fn what_is_already_gone_is_reported_as_such() {
    let sim = simulator(Duration::from_millis(100)).await;
    let client = client(&sim);
    let lines = job::delete(
        &client,
        vec![job::Created::Video("vi0000000000000000gone".to_owned())],
    )
    .await;
    assert_eq!(lines, ["video vi0000000000000000gone was already gone"]);
}
