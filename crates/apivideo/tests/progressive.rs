//! Progressive sessions driven by the caller, against the simulator: progress reports,
//! parts numbered by the caller (out of order, sent again), and failed parts (the last
//! one included) that leave the session usable.

use std::sync::{Arc, Mutex};

use apivideo::upload::{Progress, Source};
use apivideo::{Client, Error, RetryPolicy};
use apivideo_simulator::Simulator;
use bytes::Bytes;

const SOURCE: &str = "POST /videos/{videoId}/source";
const MIB: usize = 1024 * 1024;

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client")
}

async fn new_video(client: &Client) -> String {
    client
        .videos()
        .create(apivideo::models::VideoCreationPayload::new("progressive"))
        .await
        .expect("a video")
        .video_id
}

/// `len` bytes that differ from one part to the next.
fn part(seed: u8, len: usize) -> Bytes {
    Bytes::from(
        (0..len)
            .map(|i| seed.wrapping_add((i % 251) as u8))
            .collect::<Vec<_>>(),
    )
}

#[tokio::test]
async fn progress_is_reported_across_parts() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let id = new_video(&client).await;
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let log = seen.clone();
    let mut session = client
        .videos()
        .progressive_upload(&id)
        .on_progress(move |p| log.lock().expect("not poisoned").push(p));
    let (a, b) = (part(1, 5 * MIB), part(2, MIB));
    session.upload_part(a.clone()).await.expect("part 1");
    session.upload_last_part(b.clone()).await.expect("part 2");
    assert!(session.is_complete());

    let seen = seen.lock().expect("not poisoned");
    let last = seen.last().expect("reports");
    assert_eq!(
        last.bytes_sent,
        (6 * MIB) as u64,
        "every byte of both parts"
    );
    assert_eq!(last.chunk_index, 1);
    assert_eq!(last.chunk_count, Some(2), "the last part knows the count");
    assert!(seen.iter().all(|p| p.total.is_none()));
    assert!(
        seen.windows(2).all(|w| w[0].bytes_sent <= w[1].bytes_sent),
        "bytes only grow when nothing is retried"
    );
    assert!(
        seen.iter()
            .any(|p| p.chunk_index == 0 && p.chunk_count.is_none())
    );
    assert_eq!(
        sim.video_source(&id).expect("assembled"),
        [a, b].concat(),
        "the parts in order"
    );
}

#[tokio::test]
async fn parts_numbered_by_the_caller_may_come_out_of_order_and_again() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let id = new_video(&client).await;
    let (a, b, c) = (part(1, 5 * MIB), part(2, 5 * MIB), part(3, 1000));
    let mut session = client.videos().progressive_upload(&id);
    session
        .upload_part_at(2, b.clone())
        .await
        .expect("part 2 first");
    assert_eq!(session.next_part_number(), 3);
    session
        .upload_last_part_at(3, c.clone())
        .await
        .expect("the last part, 3/3");
    assert!(
        sim.video_source(&id).is_none(),
        "part 1 is still missing: not complete"
    );
    session
        .upload_part_at(2, b.clone())
        .await
        .expect("part 2 again, same bytes");
    session
        .upload_part_at(1, a.clone())
        .await
        .expect("part 1 completes it");
    assert_eq!(session.accepted_parts().collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        sim.video_source(&id).expect("assembled"),
        [a, b, c].concat()
    );
    let ranges: Vec<_> = sim
        .received_requests()
        .into_iter()
        .filter(|r| r.route == SOURCE)
        .filter_map(|r| r.content_range)
        .collect();
    assert_eq!(ranges, ["part 2/*", "part 3/3", "part 2/*", "part 1/*"]);
    let error = session
        .upload_part_at(0, part(9, 5 * MIB))
        .await
        .expect_err("no part 0");
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                argument: "part",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_failed_last_part_leaves_the_session_usable() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let id = new_video(&client).await;
    let (a, b) = (part(1, 5 * MIB), part(2, 2 * MIB));
    let mut session = client.videos().progressive_upload(&id);
    session.upload_part(a.clone()).await.expect("part 1");

    sim.faults().fail_next(SOURCE, 1, 503);
    let error = session
        .upload_last_part(Source::bytes(b.clone()))
        .await
        .expect_err("refused once");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(session.failed_part(), Some(2));
    assert!(!session.is_complete());
    assert_eq!(
        session.next_part_number(),
        2,
        "the failed number is sent again"
    );

    // The session kept the bytes: no need to read the source again.
    let video = session.resend_failed_part().await.expect("sent again");
    assert_eq!(video.video_id, id);
    assert!(session.is_complete());
    assert_eq!(session.failed_part(), None);
    assert_eq!(sim.video_source(&id).expect("assembled"), [a, b].concat());

    let error = session
        .upload_last_part(part(3, 10))
        .await
        .expect_err("already complete");
    assert!(error.to_string().contains("complete"), "{error}");
    let error = session
        .resend_failed_part()
        .await
        .expect_err("nothing failed");
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                argument: "part",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_failed_part_can_be_sent_again_by_calling_the_same_method() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let id = new_video(&client).await;
    let (a, b) = (part(1, 5 * MIB), part(2, 3 * MIB));
    let mut session = client.videos().progressive_upload(&id);
    sim.faults().fail_next(SOURCE, 1, 500);
    session
        .upload_part(a.clone())
        .await
        .expect_err("refused once");
    session.upload_part(a.clone()).await.expect("part 1 again");
    // A stream's bytes cannot be given again: the session's copy is used.
    sim.faults().fail_next(SOURCE, 1, 500);
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(b.clone())]);
    session
        .upload_last_part(Source::byte_stream(stream))
        .await
        .expect_err("refused once");
    session.resend_failed_part().await.expect("the kept bytes");
    assert_eq!(sim.video_source(&id).expect("assembled"), [a, b].concat());
}
