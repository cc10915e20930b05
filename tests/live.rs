//! The live suite: the main journeys against the real api.video sandbox, as api.video's
//! own clients keep one. It needs a sandbox API key and the network, so every test is
//! ignored by a plain `cargo test` (listed as ignored, never passed); run them with
//!
//! ```text
//! APIVIDEO_API_KEY=... cargo test -p apivideo-tests --test live -- --ignored
//! ```
//!
//! (`--test-threads 1` keeps the rate limit calm.) Run with `--ignored` but without the
//! variable, each test fails saying so. Everything a test creates is deleted when it
//! ends, pass or fail: a [`Cleanup`] guard records each resource the moment it exists,
//! and also deletes the videos left with this run's tag.
//!
//! Not covered: receiving a webhook delivery (the sandbox cannot reach this machine), so
//! the signature check runs on a body signed here with the secret the sandbox returned.

use std::sync::Mutex;
use std::time::Duration;

use apivideo::auth::secrecy::SecretString;
use apivideo::auth::{Authorization, auth_fn};
use apivideo::models::{
    AuthenticatePayload, RefreshTokenPayload, TokenCreationPayload, VideoCreationPayload,
    VideoUpdatePayload, WebhookEventType, WebhooksCreationPayload,
};
use apivideo::upload::Source;
use apivideo::{Client, Error};
use futures_util::TryStreamExt;

/// A real 3-second MP4 (see `crates/apivideo/examples/quickstart/job.rs` for how it was
/// made).
const TINY_MP4: &[u8] = include_bytes!("../crates/apivideo/examples/fixtures/tiny.mp4");
/// A frame of it, made with
/// `ffmpeg -i tiny.mp4 -ss 1 -frames:v 1 -q:v 8 -map_metadata -1 -fflags +bitexact -flags:v +bitexact thumbnail.jpg`.
const THUMBNAIL: &[u8] = include_bytes!("fixtures/thumbnail.jpg");
const VTT: &str = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\napivideo-rs live suite\n";
const MIB: usize = 1024 * 1024;

const NEEDS_KEY: &str = "the live suite needs a sandbox key: \
    APIVIDEO_API_KEY=... cargo test -p apivideo-tests --test live -- --ignored";

/// The sandbox key, or a failure that says how to give one.
fn key() -> String {
    match std::env::var("APIVIDEO_API_KEY") {
        Ok(key) if !key.trim().is_empty() => key,
        _ => panic!("{NEEDS_KEY}"),
    }
}

fn client() -> Client {
    Client::builder()
        .api_key(key())
        .sandbox()
        .build()
        .expect("a sandbox client")
}

/// A tag unique to this test run, on every video the suite creates.
fn run_tag() -> String {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("apivideo-rs-live-{nanos:x}")
    })
    .clone()
}

fn new_video(title: &str) -> VideoCreationPayload {
    VideoCreationPayload::new(format!("apivideo-rs live: {title}")).tags([run_tag()])
}

/// Something a test created, deleted when the test ends.
#[derive(Debug)]
enum Created {
    Video(String),
    Webhook(String),
    UploadToken(String),
}

/// Deletes what a test created when dropped, pass or fail (panics included), and the
/// videos carrying this run's tag.
struct Cleanup {
    created: Mutex<Vec<Created>>,
}

impl Cleanup {
    fn new() -> Self {
        key();
        Self {
            created: Mutex::new(Vec::new()),
        }
    }

    fn add(&self, item: Created) {
        self.created
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(item);
    }

    fn video(&self, id: &str) {
        self.add(Created::Video(id.to_owned()));
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let created = std::mem::take(&mut *self.created.lock().unwrap_or_else(|e| e.into_inner()));
        // Drop cannot await: the deletions run on a runtime of their own, in a thread of
        // their own (the test's runtime may be the one dropping this).
        let deleting = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let client = client();
                for item in created.into_iter().rev() {
                    let result = match &item {
                        Created::Video(id) => client.videos().delete(id).await,
                        Created::Webhook(id) => client.webhooks().delete(id).await,
                        Created::UploadToken(id) => client.upload_tokens().delete(id).await,
                    };
                    if let Err(error) = result
                        && !error.is_not_found()
                    {
                        eprintln!("live cleanup: could not delete {item:?}: {error}");
                    }
                }
                let tagged: Vec<_> = client
                    .videos()
                    .list()
                    .tag(run_tag())
                    .stream()
                    .try_collect()
                    .await
                    .unwrap_or_default();
                for video in tagged {
                    let _ = client.videos().delete(&video.video_id).await;
                }
            });
        });
        let _ = deleting.join();
    }
}

#[tokio::test]
#[ignore = "needs APIVIDEO_API_KEY"]
async fn authenticate_refresh_and_hand_the_token_to_another_client() {
    let client = client();
    let token = client
        .authentication()
        .authenticate(AuthenticatePayload::new(key()))
        .await
        .expect("a token for the key");
    let access = token.access_token.clone().expect("an access token");
    let refreshed = client
        .authentication()
        .refresh(RefreshTokenPayload::new(
            token.refresh_token.clone().expect("a refresh token"),
        ))
        .await
        .expect("a refreshed token");
    assert!(refreshed.access_token.is_some());
    assert_ne!(refreshed.refresh_token, token.refresh_token);

    // Another process would get only the access token: it works as a bearer.
    let handed = SecretString::from(access);
    let worker = Client::builder()
        .sandbox()
        .credentials(auth_fn(move |_| {
            let token = handed.clone();
            async move { Authorization::bearer(&token).map(Some) }
        }))
        .build()
        .expect("a client with the handed token");
    worker
        .videos()
        .list()
        .page_size(1)
        .await
        .expect("the handed token is accepted");
}

#[tokio::test]
#[ignore = "needs APIVIDEO_API_KEY"]
async fn create_get_list_update_delete_with_metadata() {
    let cleanup = Cleanup::new();
    let client = client();
    let created = client
        .videos()
        .create(
            new_video("crud")
                .metadata([apivideo::models::Metadata::new().key("suite").value("live")]),
        )
        .with_metadata()
        .await
        .expect("created");
    cleanup.video(&created.value.video_id);
    assert!(
        created.rate_limit().limit.is_some(),
        "{:?}",
        created.metadata
    );
    let id = created.value.video_id.clone();

    let fetched = client.videos().get(&id).await.expect("fetched");
    assert_eq!(fetched.video_id, id);
    let updated = client
        .videos()
        .update(
            &id,
            VideoUpdatePayload::new()
                .title("apivideo-rs live: renamed")
                .tags([run_tag(), "renamed".to_owned()]),
        )
        .await
        .expect("updated");
    assert_eq!(updated.title.as_deref(), Some("apivideo-rs live: renamed"));

    let page = client
        .videos()
        .list()
        .tag(run_tag())
        .metadata("suite", "live")
        .await
        .expect("listed");
    assert!(page.items.iter().any(|v| v.video_id == id), "{page:?}");
    assert!(page.metadata.rate_limit.remaining.is_some());

    client.videos().delete(&id).await.expect("deleted");
    let gone = client.videos().get(&id).await.expect_err("gone");
    assert!(gone.is_not_found(), "{gone:?}");
}

#[tokio::test]
#[ignore = "needs APIVIDEO_API_KEY"]
async fn a_chunked_upload_of_a_real_file_becomes_playable() {
    let cleanup = Cleanup::new();
    let client = client();
    let video = client
        .videos()
        .create(new_video("chunked"))
        .await
        .expect("created");
    cleanup.video(&video.video_id);
    // A real MP4 that fills three 5 MiB chunks: the fixture, then padding the MP4
    // reader ignores (a `free` box).
    let mut data = TINY_MP4.to_vec();
    let padding = 11 * MIB;
    data.extend_from_slice(&(padding as u32).to_be_bytes());
    data.extend_from_slice(b"free");
    data.resize(TINY_MP4.len() + padding, 0);
    let uploaded = client
        .videos()
        .upload(&video.video_id, Source::bytes(data).file_name("live.mp4"))
        .chunk_size(5 * MIB as u64)
        .await
        .expect("uploaded in chunks");
    assert_eq!(uploaded.video_id, video.video_id);
    client
        .videos()
        .wait_until_playable(&video.video_id)
        .poll_interval(Duration::from_secs(2))
        .timeout(Duration::from_secs(600))
        .await
        .expect("encoded");
}

#[tokio::test]
#[ignore = "needs APIVIDEO_API_KEY"]
async fn an_upload_token_uploads_without_the_key() {
    let cleanup = Cleanup::new();
    let client = client();
    let token = client
        .upload_tokens()
        .create(TokenCreationPayload::new().ttl(600))
        .await
        .expect("a token");
    let value = token.token.clone().expect("its value");
    cleanup.add(Created::UploadToken(value.clone()));
    let keyless = Client::builder()
        .anonymous()
        .sandbox()
        .build()
        .expect("a client without a key");
    let video = keyless
        .upload_tokens()
        .upload(&value, TINY_MP4)
        .await
        .expect("uploaded with the token");
    cleanup.video(&video.video_id);
    let fetched = client.upload_tokens().get(&value).await.expect("the token");
    assert_eq!(fetched.token.as_deref(), Some(value.as_str()));
}

#[tokio::test]
#[ignore = "needs APIVIDEO_API_KEY"]
async fn a_progressive_session_completes_and_survives_a_resent_part() {
    let cleanup = Cleanup::new();
    let client = client();
    let video = client
        .videos()
        .create(new_video("progressive"))
        .await
        .expect("created");
    cleanup.video(&video.video_id);
    let mut data = TINY_MP4.to_vec();
    let padding = 6 * MIB;
    data.extend_from_slice(&(padding as u32).to_be_bytes());
    data.extend_from_slice(b"free");
    data.resize(TINY_MP4.len() + padding, 0);
    let (first, last) = data.split_at(5 * MIB);
    let mut session = client
        .videos()
        .progressive_upload(&video.video_id)
        .on_progress(|_| {});
    session.upload_part(first.to_vec()).await.expect("part 1");
    session
        .upload_part_at(1, first.to_vec())
        .await
        .expect("part 1 again, same bytes");
    let done = session
        .upload_last_part(last.to_vec())
        .await
        .expect("the last part");
    assert_eq!(done.video_id, video.video_id);
    assert!(session.is_complete());
}

#[tokio::test]
#[ignore = "needs APIVIDEO_API_KEY"]
async fn thumbnails_and_captions() {
    let cleanup = Cleanup::new();
    let client = client();
    let video = client
        .videos()
        .create(new_video("thumbnails and captions"))
        .await
        .expect("created");
    cleanup.video(&video.video_id);
    let id = video.video_id;
    client
        .videos()
        .upload(&id, TINY_MP4)
        .await
        .expect("uploaded");
    client
        .videos()
        .upload_thumbnail(&id, Source::bytes(THUMBNAIL).file_name("frame"))
        .await
        .expect("a thumbnail");

    let caption = client
        .captions()
        .upload(&id, "en", VTT.as_bytes())
        .await
        .expect("a caption");
    assert_eq!(caption.srclang.as_deref(), Some("en"));
    client
        .captions()
        .set_default(&id, "en", true)
        .await
        .expect("made default");
    let listed = client.captions().list(&id).await.expect("listed");
    assert_eq!(listed.items.len(), 1);
    client.captions().delete(&id, "en").await.expect("deleted");
    let error: Error = client.captions().get(&id, "en").await.expect_err("gone");
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test]
#[ignore = "needs APIVIDEO_API_KEY"]
async fn webhooks_are_created_listed_and_their_secret_verifies_signatures() {
    let cleanup = Cleanup::new();
    let client = client();
    let webhook = client
        .webhooks()
        .create(WebhooksCreationPayload::new(
            [WebhookEventType::VideoEncodingQualityCompleted],
            format!("https://example.com/{}", run_tag()),
        ))
        .await
        .expect("created");
    let id = webhook.webhook_id.clone().expect("an id");
    cleanup.add(Created::Webhook(id.clone()));
    let listed: Vec<_> = client
        .webhooks()
        .list()
        .event(WebhookEventType::VideoEncodingQualityCompleted)
        .stream()
        .try_collect()
        .await
        .expect("listed");
    assert!(listed.iter().any(|w| w.webhook_id.as_deref() == Some(&id)));

    // No delivery can reach this machine: the secret the sandbox gave signs a body here.
    let secret = webhook.verification_secret().expect("a secret");
    let body = br#"{"type":"video.encoding.quality.completed","videoId":"vi1"}"#;
    let signature = apivideo::webhooks::sign(&secret, body);
    assert!(apivideo::webhooks::verify(&secret, body, &signature).is_ok());

    client.webhooks().delete(&id).await.expect("deleted");
}
