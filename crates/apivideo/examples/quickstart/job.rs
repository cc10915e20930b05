//! The quickstart's job, step by step, and the cleanup that follows it whatever happens:
//! everything the job creates is recorded the moment it exists, and deleted at the end,
//! whether the job finished, failed, or was interrupted. The crate's tests run it too.

use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apivideo::Client;
use apivideo::models::{VideoCreationPayload, WebhookEventType, WebhooksCreationPayload};
use apivideo::upload::Source;
use apivideo::webhooks::Event;
use apivideo_simulator::WebhookReceiver;
use futures_util::TryStreamExt;

/// A real 3-second MP4 (320x240 test pattern, a 440 Hz tone: 24 KB), made with
/// `ffmpeg -f lavfi -i testsrc=duration=3:size=320x240:rate=15 -f lavfi -i sine=frequency=440:duration=3 -c:v libx264 -preset veryslow -crf 30 -pix_fmt yuv420p -c:a aac -b:a 32k -shortest -movflags +faststart -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact tiny.mp4`,
/// so the api.video sandbox can encode it.
pub const TINY_MP4: &[u8] = include_bytes!("../fixtures/tiny.mp4");

/// The tag of the videos the quickstart creates (it lists only these).
pub const TAG: &str = "apivideo-rs-quickstart";

/// How the job ended.
#[derive(Debug)]
pub enum Ended {
    /// Every step ran.
    Done,
    /// The interrupt (Ctrl-C) came first.
    Interrupted,
    /// A step failed.
    Failed(Box<dyn std::error::Error + Send + Sync>),
}

/// What the job did and what the cleanup deleted.
#[derive(Debug)]
pub struct Outcome {
    pub report: Vec<String>,
    pub cleanup: Vec<String>,
    pub ended: Ended,
}

/// Something the job created, to delete at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Created {
    Video(String),
    Webhook(String),
}

/// Runs the job until it ends or `interrupt` resolves, then deletes what it created.
/// `local` says the API is the in-process simulator, which can deliver webhooks here.
pub async fn run<I: Future>(client: &Client, local: bool, interrupt: I) -> Outcome {
    let created = Mutex::new(Vec::new());
    let mut report = Vec::new();
    let ended = tokio::select! {
        result = steps(client, local, &created, &mut report) => match result {
            Ok(()) => Ended::Done,
            Err(error) => Ended::Failed(error),
        },
        _ = interrupt => Ended::Interrupted,
    };
    let created = created.into_inner().unwrap_or_else(|e| e.into_inner());
    let cleanup = delete(client, created).await;
    Outcome {
        report,
        cleanup,
        ended,
    }
}

type StepResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

async fn steps(
    client: &Client,
    local: bool,
    created: &Mutex<Vec<Created>>,
    report: &mut Vec<String>,
) -> StepResult {
    let record = |item: Created| created.lock().unwrap_or_else(|e| e.into_inner()).push(item);

    // 1. A receiver for the webhook, registered before the upload so it sees the
    //    encoding. The sandbox cannot reach this machine: there, this step is skipped.
    let webhook = if local {
        let receiver = WebhookReceiver::start().await?;
        let webhook = client
            .webhooks()
            .create(WebhooksCreationPayload::new(
                [WebhookEventType::VideoEncodingQualityCompleted],
                receiver.url(),
            ))
            .await?;
        let id = webhook.webhook_id.clone().unwrap_or_default();
        record(Created::Webhook(id.clone()));
        report.push(format!("registered webhook {id} for {}", receiver.url()));
        let secret = webhook
            .verification_secret()
            .ok_or("api.video sent no signature secret")?;
        Some((receiver, secret))
    } else {
        report.push("webhook skipped: the sandbox cannot deliver to this machine".to_owned());
        None
    };

    // 2. A video, recorded for the cleanup before anything else can fail.
    let video = client
        .videos()
        .create(VideoCreationPayload::new("apivideo-rs quickstart").tags([TAG]))
        .await?;
    record(Created::Video(video.video_id.clone()));
    println!("created video {}", video.video_id);

    // 3. Its source: a real MP4, with a progress bar.
    let total = TINY_MP4.len() as u64;
    let shown = Arc::new(AtomicU64::new(u64::MAX));
    let uploaded = client
        .videos()
        .upload(
            &video.video_id,
            Source::bytes(TINY_MP4).file_name("tiny.mp4"),
        )
        .on_progress(move |p| {
            let percent = p.bytes_sent * 100 / p.total.unwrap_or(total).max(1);
            if percent != shown.swap(percent, Ordering::Relaxed) {
                let filled = (percent / 5) as usize;
                eprint!(
                    "\r  uploading [{}{}] {percent:3}%",
                    "#".repeat(filled),
                    " ".repeat(20 - filled)
                );
                let _ = std::io::stderr().flush();
            }
        })
        .with_metadata()
        .await?;
    eprintln!();
    report.push(format!(
        "uploaded {total} bytes to video {}{}",
        uploaded.value.video_id,
        uploaded
            .request_id()
            .map(|id| format!(" (request id {id})"))
            .unwrap_or_default()
    ));

    // 4. Until it can be played.
    let waiting = Instant::now();
    client
        .videos()
        .wait_until_playable(&video.video_id)
        .poll_interval(Duration::from_millis(if local { 100 } else { 2000 }))
        .timeout(Duration::from_secs(600))
        .await?;
    report.push(format!(
        "playable after {:.1} s: {}",
        waiting.elapsed().as_secs_f64(),
        uploaded
            .value
            .assets
            .as_ref()
            .and_then(|a| a.player.as_deref())
            .unwrap_or("(no player link)")
    ));

    // 5. The quickstart's videos, page by page, with each page's rate-limit headers.
    let mut pages = client.videos().list().tag(TAG).page_size(10).pages();
    let (mut listed, mut found, mut remaining) = (0, false, None);
    while let Some(page) = pages.try_next().await? {
        listed += page.items.len();
        found |= page.items.iter().any(|v| v.video_id == video.video_id);
        remaining = page.metadata.rate_limit.remaining;
    }
    report.push(format!(
        "listed {listed} quickstart video(s); ours is among them: {found}; \
         requests left in this rate-limit window: {}",
        remaining.map_or_else(|| "not said".to_owned(), |n| n.to_string())
    ));

    // 6. The signed delivery announcing the encoding.
    if let Some((receiver, secret)) = webhook {
        let delivery = receiver
            .next(Duration::from_secs(30))
            .await
            .ok_or("no webhook delivery within 30 s")?;
        let event = apivideo::webhooks::verify_request(&secret, &delivery.headers, &delivery.body)?;
        report.push(match event {
            Event::VideoEncodingQualityCompleted(event) => format!(
                "received a verified webhook: {} {} ready for {}",
                event.encoding.map(|e| e.to_string()).unwrap_or_default(),
                event.quality.map(|q| q.to_string()).unwrap_or_default(),
                event.video_id.unwrap_or_default()
            ),
            other => format!("received a verified webhook: {:?}", other.event_type()),
        });
    }
    Ok(())
}

/// Deletes what the job created, newest first; one failure does not stop the others.
pub async fn delete(client: &Client, created: Vec<Created>) -> Vec<String> {
    let mut lines = Vec::new();
    for item in created.into_iter().rev() {
        let (kind, id, result) = match &item {
            Created::Video(id) => ("video", id, client.videos().delete(id).await),
            Created::Webhook(id) => ("webhook", id, client.webhooks().delete(id).await),
        };
        lines.push(match result {
            Ok(()) => format!("deleted {kind} {id}"),
            Err(error) if error.is_not_found() => format!("{kind} {id} was already gone"),
            Err(error) => format!("could not delete {kind} {id}: {error}"),
        });
    }
    lines
}
