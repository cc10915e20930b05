//! Verifying and reading webhook deliveries.
//!
//! api.video signs each delivery: `X-Api-Video-Signature` is the lowercase hex
//! HMAC-SHA256 of the raw request body, keyed with the webhook's `signatureSecret`.
//! Verify before trusting anything in the body, with the exact bytes received.
//!
//! The secret comes with the webhook: keep
//! [`webhook.verification_secret()`](crate::models::Webhook::verification_secret) when
//! you create it (it is `None` rather than an empty secret that would verify forgeries),
//! or wrap the one you stored with [`SignatureSecret::new`].
//!
//! ```
//! use apivideo::webhooks::{Event, SignatureSecret, sign, verify_and_parse};
//!
//! let secret = SignatureSecret::new("sig_sec_0123456789abcdef");
//! let body = br#"{"type":"video.encoding.quality.completed","emittedAt":"2026-11-27T10:00:00+00:00","videoId":"vi4blUQJFrYWbaG44NChkH27","encoding":"hls","quality":"720p"}"#;
//! # let header = sign(&secret, body);
//! // `header` is the X-Api-Video-Signature header of the request.
//! match verify_and_parse(&secret, body, &header)? {
//!     Event::VideoEncodingQualityCompleted(event) => {
//!         println!("{:?} ready in {:?}", event.video_id, event.quality);
//!     }
//!     other => println!("ignored {:?}", other.event_type()),
//! }
//! # Ok::<(), apivideo::webhooks::VerifyError>(())
//! ```

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// A webhook's `signatureSecret`, held as a secret; get it from
/// [`Webhook::verification_secret`](crate::models::Webhook::verification_secret).
pub use apivideo_api::SignatureSecret;
pub use apivideo_api::models::{
    LiveStreamBroadcastEndedEvent, LiveStreamBroadcastStartedEvent, VideoCaptionGeneratedEvent,
    VideoEncodingQualityCompletedEvent, VideoSourceRecordedEvent, VideoSummaryGeneratedEvent,
    WebhookEvent as Event,
};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Api-Video-Signature";
/// The header carrying the id of the webhook that sent the delivery.
pub const WEBHOOK_ID_HEADER: &str = "X-Api-Video-WebhookID";

/// Why a delivery was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// No signature header.
    #[error("the delivery has no X-Api-Video-Signature header")]
    MissingSignature,
    /// The signature is not 64 hex digits.
    #[error("the signature is not a hex HMAC-SHA256")]
    MalformedSignature,
    /// The signature does not match the body: forged, altered, or another secret.
    #[error("the signature does not match the body")]
    Mismatch,
    /// The secret is empty: anyone can compute the signature of an empty key, so nothing
    /// verified with it could be trusted.
    #[error("the signature secret is empty; use the webhook's `signatureSecret`")]
    EmptySecret,
    /// The body is signed but is not a JSON event.
    #[error("the delivery is not a JSON event: {0}")]
    InvalidPayload(String),
}

fn mac(secret: &SignatureSecret, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    mac
}

/// The signature api.video would send for `body` (for tests and simulators).
pub fn sign(secret: &SignatureSecret, body: &[u8]) -> String {
    hex::encode(mac(secret, body).finalize().into_bytes())
}

/// Checks `signature` (the header's value) against `body`, in constant time. An empty
/// secret is refused ([`VerifyError::EmptySecret`]): it would accept forged deliveries.
pub fn verify(secret: &SignatureSecret, body: &[u8], signature: &str) -> Result<(), VerifyError> {
    if secret.is_empty() {
        return Err(VerifyError::EmptySecret);
    }
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(VerifyError::MissingSignature);
    }
    if signature.len() != 64 {
        return Err(VerifyError::MalformedSignature);
    }
    let expected = hex::decode(signature).map_err(|_| VerifyError::MalformedSignature)?;
    mac(secret, body)
        .verify_slice(&expected)
        .map_err(|_| VerifyError::Mismatch)
}

/// Verifies, then reads the event (unknown event types are kept as
/// [`Event::Unknown`]).
pub fn verify_and_parse(
    secret: &SignatureSecret,
    body: &[u8],
    signature: &str,
) -> Result<Event, VerifyError> {
    verify(secret, body, signature)?;
    serde_json::from_slice(body).map_err(|e| VerifyError::InvalidPayload(e.to_string()))
}

/// Verifies a delivery from its headers (as any HTTP server framework exposes them).
pub fn verify_request(
    secret: &SignatureSecret,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<Event, VerifyError> {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .ok_or(VerifyError::MissingSignature)?
        .to_str()
        .map_err(|_| VerifyError::MalformedSignature)?;
    verify_and_parse(secret, body, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    #[test]
    fn matches_a_published_hmac_sha256_vector() {
        let secret = SignatureSecret::new("Jefe");
        let body = b"what do ya want for nothing?";
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(sign(&secret, body), expected);
        assert_eq!(verify(&secret, body, expected), Ok(()));
        assert_eq!(verify(&secret, body, &expected.to_uppercase()), Ok(()));
    }

    #[test]
    fn tampering_is_refused() {
        let secret = SignatureSecret::new("Jefe");
        let body = br#"{"type":"video.source.recorded","videoId":"vi1"}"#;
        let signature = sign(&secret, body);
        let tampered = br#"{"type":"video.source.recorded","videoId":"vi2"}"#;
        assert_eq!(
            verify(&secret, tampered, &signature),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(&SignatureSecret::new("other"), body, &signature),
            Err(VerifyError::Mismatch)
        );
        let mut flipped = signature.clone().into_bytes();
        flipped[10] = if flipped[10] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert_eq!(verify(&secret, body, &flipped), Err(VerifyError::Mismatch));
        assert_eq!(
            verify(&secret, body, "zz"),
            Err(VerifyError::MalformedSignature)
        );
        assert_eq!(
            verify(&secret, body, &"g".repeat(64)),
            Err(VerifyError::MalformedSignature)
        );
        assert_eq!(
            verify(&secret, body, ""),
            Err(VerifyError::MissingSignature)
        );
    }

    #[test]
    fn events_are_typed_and_unknown_ones_kept() {
        let secret = SignatureSecret::new("s");
        let body = br#"{"type":"live-stream.broadcast.started","emittedAt":"2026-11-27T10:00:00+01:00","liveStreamId":"li1"}"#;
        let event = verify_and_parse(&secret, body, &sign(&secret, body)).unwrap();
        assert!(
            matches!(&event, Event::LiveStreamBroadcastStarted(e) if e.live_stream_id.as_deref() == Some("li1"))
        );
        let body = br#"{"type":"video.deleted","videoId":"vi1"}"#;
        let event = verify_and_parse(&secret, body, &sign(&secret, body)).unwrap();
        assert_eq!(event.event_type(), Some("video.deleted"));
        assert!(matches!(event, Event::Unknown(_)));
    }

    #[test]
    fn the_secret_never_shows() {
        let secret = SignatureSecret::new("super-secret-value");
        assert_eq!(format!("{secret:?}"), "SignatureSecret([REDACTED])");
        assert_eq!(format!("{secret:#?}"), "SignatureSecret([REDACTED])");
        let from_string = SignatureSecret::from(String::from("super-secret-value"));
        assert_eq!(format!("{from_string:?}"), "SignatureSecret([REDACTED])");
    }
}
