//! The SDK's main job from start to finish: authenticate, upload a video, wait until it
//! can be played, list videos, receive a signed webhook, clean up.
//!
//! ```text
//! cargo run -p apivideo --example quickstart
//! ```
//!
//! Without `APIVIDEO_API_KEY` it starts the api.video simulator in-process, so it runs
//! offline on a fresh machine. With the variable set it uses the api.video sandbox (then
//! the webhook is registered but its delivery cannot reach this machine, so that step is
//! reported as skipped).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use apivideo::models::{VideoCreationPayload, WebhookEventType, WebhooksCreationPayload};
use apivideo::upload::Source;
use apivideo::webhooks::Event;
use apivideo_simulator::WebhookReceiver;
use futures_util::TryStreamExt;

mod support;

const MIB: usize = 1024 * 1024;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut report = Vec::new();

    // 1. Where to talk to.
    let (client, simulator) = support::client().await?;
    let local = simulator.is_some();

    // 2. A receiver for the webhook, registered before the upload so it sees the encoding.
    let receiver = WebhookReceiver::start().await?;
    let hook_url = receiver.url().to_owned();
    let webhook = client
        .webhooks()
        .create(WebhooksCreationPayload::new(
            [WebhookEventType::VideoEncodingQualityCompleted],
            hook_url.clone(),
        ))
        .await?;
    let secret = webhook
        .verification_secret()
        .ok_or("api.video sent no signature secret")?;
    report.push(format!(
        "registered webhook {} for {hook_url}",
        webhook.webhook_id.clone().unwrap_or_default()
    ));

    // 3. Create a video and upload a generated 12 MiB file in 5 MiB chunks.
    let data = test_video(12 * MIB);
    let total = data.len() as u64;
    let shown = Arc::new(AtomicU64::new(0));
    let bar = shown.clone();
    let video = client
        .videos()
        .create_and_upload(
            VideoCreationPayload::new("apivideo-rs quickstart").tags(["quickstart"]),
            Source::bytes(data).file_name("quickstart.mp4"),
        )
        .chunk_size(5 * MIB as u64)
        .on_progress(move |p| {
            let percent = p.bytes_sent * 100 / p.total.unwrap_or(total).max(1);
            if percent != bar.swap(percent, Ordering::Relaxed) {
                let filled = (percent / 5) as usize;
                eprint!(
                    "\r  uploading [{}{}] {percent:3}%",
                    "#".repeat(filled),
                    " ".repeat(20 - filled)
                );
                let _ = std::io::stderr().flush();
            }
        })
        .await?;
    eprintln!();
    report.push(format!(
        "uploaded {} bytes to video {}",
        total, video.video_id
    ));

    // 4. Wait until it can be played.
    let waiting = Instant::now();
    client
        .videos()
        .wait_until_playable(&video.video_id)
        .poll_interval(Duration::from_millis(200))
        .timeout(Duration::from_secs(600))
        .await?;
    report.push(format!(
        "playable after {:.1} s",
        waiting.elapsed().as_secs_f64()
    ));

    // 5. List videos page by page through the stream.
    let listed: Vec<_> = client
        .videos()
        .list()
        .page_size(10)
        .stream()
        .try_collect()
        .await?;
    let found = listed.iter().any(|v| v.video_id == video.video_id);
    report.push(format!(
        "listed {} video(s); ours is among them: {found}",
        listed.len()
    ));

    // 6. The signed delivery.
    if local {
        let delivery = receiver
            .next(Duration::from_secs(30))
            .await
            .ok_or("no webhook delivery within 30 s")?;
        match apivideo::webhooks::verify_request(&secret, &delivery.headers, &delivery.body)? {
            Event::VideoEncodingQualityCompleted(event) => report.push(format!(
                "received a verified webhook: {} {} ready for {}",
                event.encoding.map(|e| e.to_string()).unwrap_or_default(),
                event.quality.map(|q| q.to_string()).unwrap_or_default(),
                event.video_id.unwrap_or_default()
            )),
            other => report.push(format!(
                "received a verified webhook: {:?}",
                other.event_type()
            )),
        }
    } else {
        report.push("webhook delivery skipped: the sandbox cannot reach 127.0.0.1".to_owned());
    }

    // 7. Clean up.
    client.videos().delete(&video.video_id).await?;
    if let Some(id) = &webhook.webhook_id {
        client.webhooks().delete(id).await?;
    }
    report.push("deleted the video and the webhook".to_owned());

    println!("\nquickstart report");
    for line in &report {
        println!("  - {line}");
    }
    println!("  done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Bytes that look nothing like all-zero padding (a real encoder would reject them, the
/// simulator does not mind).
fn test_video(len: usize) -> Vec<u8> {
    let mut state: u32 = 2_463_534_242;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}
