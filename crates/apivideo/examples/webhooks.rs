//! Subscribes to webhook events and verifies a delivery before trusting it: the
//! signature is checked in constant time against the raw body, then the event is typed.
//!
//! ```text
//! cargo run -p apivideo --example webhooks
//! ```
//!
//! With the simulator, deliveries reach a receiver on 127.0.0.1; in your service, call
//! `verify_request` from your HTTP handler with the request's headers and raw body.

use std::time::Duration;

use apivideo::models::{VideoCreationPayload, WebhookEventType, WebhooksCreationPayload};
use apivideo::webhooks::{Event, VerifyError, verify_request};
use apivideo_simulator::WebhookReceiver;

mod report;
mod support;

use report::Report;

#[tokio::main]
async fn main() -> Result<(), Report> {
    let (client, simulator) = support::client().await?;
    let Some(_simulator) = simulator else {
        println!(
            "The sandbox cannot reach 127.0.0.1; run without APIVIDEO_API_KEY to see a delivery."
        );
        return Ok(());
    };

    let receiver = WebhookReceiver::start().await?;
    let webhook = client
        .webhooks()
        .create(WebhooksCreationPayload::new(
            [WebhookEventType::VideoEncodingQualityCompleted],
            receiver.url(),
        ))
        .await?;
    // Keep the secret as a secret: its Debug prints nothing of it.
    let secret = webhook
        .verification_secret()
        .ok_or_else(|| Report::msg("api.video sent no signature secret"))?;
    println!("subscribed {:?} with {secret:?}", webhook.webhook_id);

    let video = client
        .videos()
        .create_and_upload(
            VideoCreationPayload::new("webhook demo"),
            vec![7u8; 64 * 1024],
        )
        .await?;
    println!(
        "uploaded {}; waiting for the encoding events",
        video.video_id
    );

    // Until no delivery came for 3 s.
    while let Some(delivery) = receiver.next(Duration::from_secs(3)).await {
        match verify_request(&secret, &delivery.headers, &delivery.body) {
            Ok(Event::VideoEncodingQualityCompleted(event)) => println!(
                "verified: {} {} ready",
                event.encoding.map(|e| e.to_string()).unwrap_or_default(),
                event.quality.map(|q| q.to_string()).unwrap_or_default()
            ),
            Ok(other) => println!("verified another event: {:?}", other.event_type()),
            Err(VerifyError::Mismatch) => println!("refused: the signature does not match"),
            Err(error) => println!("refused: {error}"),
        }
        // A tampered copy is refused.
        let mut forged = delivery.body.to_vec();
        forged.extend_from_slice(b" ");
        assert!(verify_request(&secret, &delivery.headers, &forged).is_err());
    }
    Ok(())
}
