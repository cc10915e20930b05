//! Uploads never duplicate: the request that creates a video (the first chunk of a token
//! upload, a whole token upload, the first part of a progressive token session) is sent
//! again only when the server surely did not process it. The simulator handles the
//! request, then answers 500 or resets the connection: exactly one video exists.

use std::time::Duration;

use apivideo::{Client, Error, RetryPolicy};
use apivideo_simulator::Simulator;
use futures_util::TryStreamExt;

const UPLOAD: &str = "POST /upload";
const MIB: usize = 1024 * 1024;

fn keyless(sim: &Simulator) -> Client {
    Client::builder()
        .base_url(sim.base_url())
        .anonymous()
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .expect("a client without a key")
}

fn keyed(sim: &Simulator) -> Client {
    Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .build()
        .expect("a client")
}

async fn token(sim: &Simulator) -> String {
    keyed(sim)
        .upload_tokens()
        .create(apivideo::models::TokenCreationPayload::new())
        .await
        .expect("an upload token")
        .token
        .expect("the token value")
}

async fn videos(sim: &Simulator) -> usize {
    let all: Vec<_> = keyed(sim)
        .videos()
        .list()
        .stream()
        .try_collect()
        .await
        .expect("list");
    all.len()
}

#[derive(Clone, Copy, Debug)]
enum After {
    Fails,
    Resets,
}

fn inject(sim: &Simulator, after: After) {
    match after {
        After::Fails => sim.faults().fail_after_handling(UPLOAD, 1, 500),
        After::Resets => sim.faults().reset_after_handling(UPLOAD, 1),
    };
}

#[tokio::test]
async fn a_chunked_token_upload_whose_first_chunk_was_handled_is_not_sent_again() {
    for after in [After::Fails, After::Resets] {
        let sim = Simulator::start().await;
        let token = token(&sim).await;
        inject(&sim, after);
        let error = keyless(&sim)
            .upload_tokens()
            .upload(&token, vec![3u8; 11 * MIB])
            .chunk_size(5 * MIB as u64)
            .await
            .expect_err("the first chunk's answer was lost");
        assert!(matches!(error, Error::Upload(_)), "{after:?}: {error:?}");
        assert_eq!(sim.request_count(UPLOAD), 1, "{after:?}: not sent again");
        assert_eq!(videos(&sim).await, 1, "{after:?}: exactly one video");
    }
}

#[tokio::test]
async fn a_whole_token_upload_that_was_handled_is_not_sent_again() {
    for after in [After::Fails, After::Resets] {
        let sim = Simulator::start().await;
        let token = token(&sim).await;
        inject(&sim, after);
        keyless(&sim)
            .upload_tokens()
            .upload(&token, vec![3u8; 1024])
            .await
            .expect_err("the answer was lost");
        assert_eq!(sim.request_count(UPLOAD), 1, "{after:?}");
        assert_eq!(videos(&sim).await, 1, "{after:?}");
    }
}

#[tokio::test]
async fn the_first_part_of_a_progressive_token_session_is_not_sent_again() {
    let sim = Simulator::start().await;
    let token = token(&sim).await;
    inject(&sim, After::Fails);
    let mut session = keyless(&sim).upload_tokens().progressive_upload(&token);
    session
        .upload_part(vec![1u8; 5 * MIB])
        .await
        .expect_err("the answer was lost");
    assert_eq!(sim.request_count(UPLOAD), 1);
    assert_eq!(videos(&sim).await, 1);
}

/// What the server refused before doing anything (429) is sent again, and the upload
/// completes with one video; later chunks, which name the video, are retried after a 500.
#[tokio::test]
async fn refusals_before_handling_and_later_chunks_are_retried_into_one_video() {
    let sim = Simulator::start().await;
    let token = token(&sim).await;
    sim.faults().retry_after(0).fail_next(UPLOAD, 1, 429);
    let data = vec![9u8; 11 * MIB];
    let video = keyless(&sim)
        .upload_tokens()
        .upload(&token, data.clone())
        .chunk_size(5 * MIB as u64)
        .on_chunk_confirmed({
            let sim_faults = sim.faults().clone();
            move |confirmed| {
                if confirmed.index == 0 {
                    // The second chunk names the video: a 500 on it is retried.
                    sim_faults.fail_after_handling(UPLOAD, 1, 500);
                }
            }
        })
        .await
        .expect("retried into one video");
    assert_eq!(videos(&sim).await, 1);
    assert_eq!(
        sim.request_count(UPLOAD),
        5,
        "429 + 3 chunks + one retried chunk"
    );
    assert_eq!(sim.video_source(&video.video_id).expect("assembled"), data);
}
