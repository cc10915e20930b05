//! What happens after a request: encoding finishing, transcripts and summaries being
//! generated, and webhook deliveries announcing it.

use std::sync::Arc;

use apivideo_api::models::{self, WebhookEvent};
use bytes::Bytes;
use hmac::{KeyInit, Mac};

use crate::handlers::summaries;
use crate::handlers::videos::renditions;
use crate::state::{CaptionRec, Shared, State, new_id, now};

/// Ends the encoding of `video_id` once the encoding delay has passed since its source
/// was complete: its status turns playable on its own, and this announces each
/// rendition and produces the transcript and summary that were asked for.
pub(crate) fn schedule_encoding(shared: &Arc<Shared>, video_id: &str) {
    let delay = shared.config.encoding_delay;
    let task_shared = Arc::clone(shared);
    let video_id = video_id.to_owned();
    shared.spawn_background(async move {
        tokio::time::sleep(delay).await;
        if task_shared.faults.video_failure(&video_id).is_some() {
            // A test made this video's processing fail: nothing is announced.
            return;
        }
        let events = {
            let mut state = task_shared.lock();
            let mut events = finish_encoding(&mut state, &video_id);
            events.extend(generate(&mut state, &video_id));
            events
        };
        for event in events {
            deliver(&task_shared, &event);
        }
    });
}

/// Produces, one encoding delay from now, the transcript and summaries asked for on an
/// already encoded video.
pub(crate) fn schedule_generation(shared: &Arc<Shared>, video_id: &str) {
    let delay = shared.config.encoding_delay;
    let task_shared = Arc::clone(shared);
    let video_id = video_id.to_owned();
    shared.spawn_background(async move {
        tokio::time::sleep(delay).await;
        let events = generate(&mut task_shared.lock(), &video_id);
        for event in events {
            deliver(&task_shared, &event);
        }
    });
}

fn finish_encoding(state: &mut State, video_id: &str) -> Vec<WebhookEvent> {
    let Some(rec) = state.videos.get_mut(video_id) else {
        return Vec::new();
    };
    if rec.encoded {
        return Vec::new();
    }
    rec.encoded = true;
    let video = &mut rec.video;
    if video.language.as_deref().unwrap_or_default().is_empty() {
        // What api.video's language detection would find.
        video.language = Some("en".to_owned());
        video.language_origin = Some(models::LanguageOrigin::Auto);
    }
    renditions(video.mp4_support != Some(false))
        .into_iter()
        .map(|(encoding, resolution)| {
            let mut event = models::VideoEncodingQualityCompletedEvent::new()
                .r#type("video.encoding.quality.completed")
                .emitted_at(now())
                .video_id(video_id)
                .encoding(encoding);
            event.quality = Some(models::VideoEncodingQualityCompletedQuality::from(
                resolution.as_str(),
            ));
            WebhookEvent::VideoEncodingQualityCompleted(event)
        })
        .collect()
}

/// The transcript caption and the automatic summaries still owed for an encoded video.
fn generate(state: &mut State, video_id: &str) -> Vec<WebhookEvent> {
    let mut events = Vec::new();
    let Some(rec) = state.videos.get_mut(video_id) else {
        return events;
    };
    if !rec.encoded {
        return events;
    }
    let title = rec.video.title.clone().unwrap_or_default();
    if rec.transcript {
        rec.transcript = false;
        let language = rec
            .video
            .language
            .clone()
            .filter(|language| !language.is_empty())
            .unwrap_or_else(|| "en".to_owned());
        let vtt = format!("WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n{title}\n");
        rec.captions.insert(
            language.clone(),
            CaptionRec {
                vtt: Bytes::from(vtt),
                default: false,
            },
        );
        let mut event = models::VideoCaptionGeneratedEvent::new()
            .r#type("video.caption.generated")
            .emitted_at(now())
            .video_id(video_id)
            .caption_id(new_id("caption_"))
            .generation_mode(models::VideoCaptionGeneratedGenerationMode::Transcript);
        event.language = Some(models::Language::from(language.as_str()));
        events.push(WebhookEvent::VideoCaptionGenerated(event));
    }
    for summary_id in summaries::complete_waiting(state, video_id, &title) {
        let event = models::VideoSummaryGeneratedEvent::new()
            .r#type("video.summary.generated")
            .emitted_at(now())
            .video_id(video_id)
            .summary_id(summary_id);
        events.push(WebhookEvent::VideoSummaryGenerated(event));
    }
    events
}

/// The lowercase hex HMAC-SHA256 of `body` keyed with `secret`: the
/// `X-Api-Video-Signature` of a delivery.
pub(crate) fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// POSTs `event` to every webhook subscribed to its type, in the background; failures
/// are logged and forgotten.
pub(crate) fn deliver(shared: &Arc<Shared>, event: &WebhookEvent) {
    let Some(kind) = event.event_type() else {
        return;
    };
    let body = match serde_json::to_vec(event) {
        Ok(body) => Bytes::from(body),
        Err(error) => {
            tracing::warn!(%error, "cannot encode a webhook event");
            return;
        }
    };
    let targets: Vec<(String, String, String)> = shared
        .lock()
        .webhooks
        .values()
        .filter(|hook| hook.events.iter().any(|event| event.as_str() == kind))
        .filter_map(|hook| {
            Some((
                hook.webhook_id.clone()?,
                hook.url.clone()?,
                hook.signature_secret.clone()?,
            ))
        })
        .collect();
    for (webhook_id, url, secret) in targets {
        let request = shared
            .http
            .post(&url)
            .header("content-type", "application/json")
            .header("X-Api-Video-WebhookID", &webhook_id)
            .header("X-Api-Video-Signature", signature(&secret, &body))
            .body(body.clone());
        let kind = kind.to_owned();
        shared.spawn_background(async move {
            match request.send().await {
                Ok(response) => tracing::debug!(
                    webhook = %webhook_id,
                    event = %kind,
                    status = response.status().as_u16(),
                    "webhook delivered"
                ),
                Err(error) => {
                    tracing::info!(webhook = %webhook_id, event = %kind, %error, "webhook delivery failed");
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn signature_is_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
