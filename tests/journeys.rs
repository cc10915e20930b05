//! Full user journeys through `apivideo` against the simulator: what a user's program
//! does, end to end, over real HTTP on 127.0.0.1.

use std::path::PathBuf;
use std::time::Duration;

use apivideo::models::{
    TokenCreationPayload, VideoCreationPayload, WebhookEventType, WebhooksCreationPayload,
};
use apivideo::upload::Source;
use apivideo::webhooks::Event;
use apivideo::{Client, Error, RetryPolicy};
use apivideo_simulator::{Simulator, WebhookReceiver};
use futures_util::TryStreamExt;

const MIB: u64 = 1024 * 1024;
const SOURCE: &str = "POST /videos/{videoId}/source";

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(50)),
        )
        .build()
        .expect("client")
}

fn sample(len: u64, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 ^ seed)
        .collect()
}

struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, data: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("apivideo-e2e-{}-{name}", std::process::id()));
        std::fs::write(&path, data).expect("temp file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn new_video(client: &Client, title: &str) -> String {
    client
        .videos()
        .create(VideoCreationPayload::new(title))
        .await
        .expect("create")
        .video_id
}

#[tokio::test]
async fn bearer_tokens_expire_and_refresh_in_the_middle_of_an_upload() {
    // Tokens live 4 s and are renewed half way; each chunk takes at least 700 ms: the
    // upload outlives several tokens, with 2 s of margin before any of them expires.
    let sim = Simulator::builder()
        .token_ttl(Duration::from_secs(4))
        .start()
        .await
        .expect("simulator");
    sim.faults().latency(SOURCE, Duration::from_millis(700));
    let tokens = apivideo::api::Client::new(sim.base_url(), apivideo::api::Context::anonymous());
    let bearer = apivideo::auth::BearerToken::builder(
        apivideo::auth::ApiKey::new(sim.api_key()).expect("key"),
        apivideo::api::ApiTokenEndpoint::new(tokens),
    )
    // The simulator's tokens are meant to be this short: renewals are what is tested.
    .min_lifetime(Duration::from_secs(1))
    .build();
    let client = Client::builder()
        .credentials(bearer)
        .base_url(sim.base_url())
        .build()
        .expect("client");
    let video_id = new_video(&client, "long upload").await;
    // 8 chunks: at least 5.6 s, so tokens are fetched at about 0 s, 2 s and 4 s.
    let data = sample(36 * MIB + 1, 1);
    let file = TempFile::new("bearer.mp4", &data);

    client
        .videos()
        .upload(&video_id, file.0.as_path())
        .chunk_size(5 * MIB)
        .concurrency(1) // one after the other, so the upload outlives the tokens
        .await
        .expect("upload");

    assert!(sim.video_source(&video_id).expect("assembled") == data);
    let renewals =
        sim.request_count("POST /auth/refresh") + sim.request_count("POST /auth/api-key");
    assert!(
        renewals >= 3,
        "tokens were renewed during the upload ({renewals} token requests)"
    );
    let refused = sim
        .received_requests()
        .iter()
        .filter(|r| r.status == Some(401))
        .count();
    assert_eq!(
        refused, 0,
        "tokens were renewed before they expired, never after a 401"
    );
}

#[tokio::test]
async fn sequential_parallel_reader_and_token_uploads_assemble_byte_exact() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let data = sample(23 * MIB + 17, 2);
    let file = TempFile::new("exact.mp4", &data);

    let sequential = new_video(&client, "sequential").await;
    client
        .videos()
        .upload(&sequential, file.0.as_path())
        .chunk_size(5 * MIB)
        .await
        .expect("sequential");
    let parallel = new_video(&client, "parallel").await;
    client
        .videos()
        .upload(&parallel, file.0.as_path())
        .chunk_size(5 * MIB)
        .concurrency(4)
        .await
        .expect("parallel");
    let reader = new_video(&client, "reader").await;
    let source = Source::reader(std::io::Cursor::new(data.clone()), data.len() as u64);
    client
        .videos()
        .upload(&reader, source)
        .chunk_size(5 * MIB)
        .concurrency(2)
        .await
        .expect("reader");
    let stream = new_video(&client, "stream").await;
    client
        .videos()
        .upload(&stream, Source::stream(std::io::Cursor::new(data.clone())))
        .chunk_size(5 * MIB)
        .await
        .expect("progressive");

    // An upload token, used by a client that has no API key at all.
    let token = client
        .upload_tokens()
        .create(TokenCreationPayload::new().ttl(600))
        .await
        .expect("token");
    let keyless = Client::builder()
        .base_url(sim.base_url())
        .anonymous()
        .build()
        .expect("keyless client");
    let by_token = keyless
        .upload_tokens()
        .upload(
            token.token.as_deref().expect("token value"),
            file.0.as_path(),
        )
        .chunk_size(5 * MIB)
        .await
        .expect("token upload");

    for id in [&sequential, &parallel, &reader, &stream, &by_token.video_id] {
        assert!(
            sim.video_source(id).expect("assembled") == data,
            "video {id} differs from the file"
        );
    }
    // One video per upload: the token upload carried its video id across chunks.
    let all: Vec<_> = client
        .videos()
        .list()
        .stream()
        .try_collect()
        .await
        .expect("list");
    assert_eq!(all.len(), 5);
}

#[tokio::test]
async fn uploads_survive_injected_faults_and_resume_after_a_stop() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let data = sample(17 * MIB, 3);
    let file = TempFile::new("faults.mp4", &data);
    // What the simulator answered to the source requests of a video (`None`: the
    // connection was reset instead), sorted: chunks travel concurrently, so they are
    // answered in any order.
    let answers = |video_id: &str| -> Vec<Option<u16>> {
        let path = format!("/videos/{video_id}/source");
        let mut answers: Vec<_> = sim
            .received_requests()
            .into_iter()
            .filter(|request| request.path == path)
            .map(|request| request.status)
            .collect();
        answers.sort();
        answers
    };
    let ok = Some(201);

    // Transient faults are absorbed: a 500 and a connection reset mid-body.
    let video_id = new_video(&client, "faults").await;
    sim.faults().fail_next(SOURCE, 1, 500);
    client
        .videos()
        .upload(&video_id, file.0.as_path())
        .chunk_size(5 * MIB)
        .await
        .expect("first chunk retried");
    assert_eq!(
        answers(&video_id),
        [ok, ok, ok, ok, Some(500)],
        "the injected 500, and the four chunks"
    );
    assert!(sim.video_source(&video_id).expect("assembled") == data);
    let video_id = new_video(&client, "reset").await;
    sim.faults().reset_next(SOURCE, 1);
    client
        .videos()
        .upload(&video_id, file.0.as_path())
        .chunk_size(5 * MIB)
        .await
        .expect("reset chunk retried");
    assert_eq!(
        answers(&video_id),
        [None, ok, ok, ok, ok],
        "the injected reset, and the four chunks"
    );
    assert!(sim.video_source(&video_id).expect("assembled") == data);

    // The source breaks after two chunks (a network share going away, say) while the
    // server also throws a 503: the upload stops with what the server confirmed...
    let video_id = new_video(&client, "resume").await;
    let earlier = sim.request_count(SOURCE);
    sim.faults().fail_next(SOURCE, 1, 503);
    let breaking = BreaksAfter {
        data: data.clone(),
        position: 0,
        limit: 10 * MIB as usize,
    };
    let error = client
        .videos()
        .upload(&video_id, Source::reader(breaking, data.len() as u64))
        .chunk_size(5 * MIB)
        .await
        .expect_err("the source broke");
    let Error::Upload(stopped) = error else {
        panic!("not an upload error: {error}")
    };
    let resume = stopped.resume.expect("resumable");
    assert_eq!(resume.confirmed_chunks().collect::<Vec<_>>(), [0, 1]);
    let sent = sim.request_count(SOURCE);
    assert_eq!(sent - earlier, 3, "two chunks and the retry of the 503");
    assert_eq!(answers(&video_id), [ok, ok, Some(503)]);

    // ...and carries on from what the status endpoint says was received, with the file.
    client
        .videos()
        .resume_from_status(&video_id, file.0.as_path())
        .chunk_size(5 * MIB)
        .await
        .expect("resumed");
    assert_eq!(
        sim.request_count(SOURCE) - sent,
        2,
        "only chunks 3 and 4 were sent again"
    );
    assert_eq!(answers(&video_id), [ok, ok, ok, ok, Some(503)]);
    assert!(sim.video_source(&video_id).expect("assembled") == data);
}

/// A reader that fails once `limit` bytes were read.
struct BreaksAfter {
    data: Vec<u8>,
    position: usize,
    limit: usize,
}

impl tokio::io::AsyncRead for BreaksAfter {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if self.position >= self.limit {
            return std::task::Poll::Ready(Err(std::io::Error::other("the share went away")));
        }
        let end = (self.position + buf.remaining())
            .min(self.limit)
            .min(self.data.len());
        buf.put_slice(&self.data[self.position..end]);
        self.position = end;
        std::task::Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn pagination_streams_120_videos_page_by_page() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    for i in 0..120 {
        client
            .videos()
            .create(VideoCreationPayload::new(format!("video {i:03}")).tags(["paged"]))
            .await
            .expect("create");
    }
    let listed: Vec<_> = client
        .videos()
        .list()
        .tag("paged")
        .page_size(25)
        .stream()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(listed.len(), 120);
    let mut ids: Vec<_> = listed.iter().map(|v| v.video_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 120, "no video twice");
    assert_eq!(
        sim.request_count("GET /videos"),
        5,
        "5 pages of 25, and not one more"
    );

    let third = client
        .videos()
        .list()
        .page(3)
        .page_size(50)
        .await
        .expect("page 3");
    assert_eq!(third.items.len(), 20);
    assert_eq!(third.pages_total(), Some(3));
    assert!(!third.has_next());
}

#[tokio::test]
async fn webhooks_are_delivered_signed_and_verified() {
    let sim = Simulator::builder()
        .encoding_delay(Duration::from_millis(200))
        .start()
        .await
        .expect("simulator");
    let client = client(&sim);
    let receiver = WebhookReceiver::start().await.expect("receiver");
    let webhook = client
        .webhooks()
        .create(WebhooksCreationPayload::new(
            [WebhookEventType::VideoEncodingQualityCompleted],
            receiver.url(),
        ))
        .await
        .expect("webhook");
    let secret = webhook.verification_secret().expect("secret");

    let video = client
        .videos()
        .create_and_upload(VideoCreationPayload::new("hooked"), sample(MIB, 4))
        .await
        .expect("upload");
    client
        .videos()
        .wait_until_playable(&video.video_id)
        .poll_interval(Duration::from_millis(50))
        .await
        .expect("playable");

    let delivery = receiver
        .next(Duration::from_secs(10))
        .await
        .expect("a delivery");
    let id_header = delivery
        .headers
        .get("x-api-video-webhookid")
        .and_then(|v| v.to_str().ok());
    assert_eq!(id_header, webhook.webhook_id.as_deref());
    match apivideo::webhooks::verify_request(&secret, &delivery.headers, &delivery.body)
        .expect("verified")
    {
        Event::VideoEncodingQualityCompleted(event) => {
            assert_eq!(event.video_id.as_deref(), Some(video.video_id.as_str()));
        }
        other => panic!("unexpected event {other:?}"),
    }
    // The same delivery with one byte changed is refused.
    let mut tampered = delivery.body.to_vec();
    tampered[1] ^= 1;
    assert!(apivideo::webhooks::verify_request(&secret, &delivery.headers, &tampered).is_err());
}

#[tokio::test]
async fn rate_limits_are_waited_out_or_reported() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    let video_id = new_video(&client, "limited").await;

    // An injected 429 asking for 1 s: the client waits and the call succeeds.
    sim.faults()
        .retry_after(1)
        .fail_next("GET /videos/{videoId}", 1, 429);
    let started = std::time::Instant::now();
    client.videos().get(&video_id).await.expect("waited out");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(sim.request_count("GET /videos/{videoId}"), 2);

    // The real limit lowered: beyond it, a 429 whose wait exceeds what the client accepts
    // comes back as a typed error with the server's figures.
    sim.faults().rate_limit(3);
    let patient_up_to_a_second = Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .basic_auth()
        .retry_policy(RetryPolicy::default().max_retry_after(Duration::from_secs(1)))
        .build()
        .expect("client");
    let mut outcome = Ok(());
    for _ in 0..5 {
        outcome = patient_up_to_a_second
            .videos()
            .get(&video_id)
            .await
            .map(|_| ());
        if outcome.is_err() {
            break;
        }
    }
    let error = outcome.expect_err("the limit was hit");
    assert!(error.is_rate_limited(), "{error}");
    let api = error.api_error().expect("an API error");
    assert_eq!(api.rate_limit.limit, Some(3));
    assert_eq!(api.rate_limit.remaining, Some(0));
    assert!(
        error
            .retry_after()
            .is_some_and(|wait| wait > Duration::from_secs(1))
    );
}
