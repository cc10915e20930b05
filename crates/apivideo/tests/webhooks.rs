//! Verifying webhook deliveries. Every expected signature here was computed outside the
//! crate, with Python's `hmac` module:
//!
//! ```text
//! python3 -c "import hmac,hashlib; print(hmac.new(SECRET, BODY, hashlib.sha256).hexdigest())"
//! ```

use apivideo::models::{Language, QualityType, VideoEncodingQualityCompletedQuality};
use apivideo::webhooks::{
    Event, SIGNATURE_HEADER, SignatureSecret, VerifyError, sign, verify, verify_and_parse,
    verify_request,
};

const SECRET: &str = "sig_sec_Hx7pQ2vL9kT4mN8rW3zY";

/// Bodies of the six documented events and one unknown event, with their signatures.
const DELIVERIES: &[(&str, &str)] = &[
    (
        r#"{"type":"live-stream.broadcast.started","emittedAt":"2024-09-17T09:45:10+02:00","liveStreamId":"li400mYKSgQ6xs7taUeSaEKr"}"#,
        "6afb0328737be9a9d8bd7fd40588829b7d4a1361e93456b05fe09ec47b0f9302",
    ),
    (
        r#"{"type":"live-stream.broadcast.ended","emittedAt":"2024-09-17T10:45:10+02:00","liveStreamId":"li400mYKSgQ6xs7taUeSaEKr"}"#,
        "c29626332fc65504ebe8946614c52f9bc5b1d41ac8401c1c3da2bd1ee75543d0",
    ),
    (
        r#"{"type":"video.source.recorded","emittedAt":"2024-09-17T10:46:00+02:00","liveStreamId":"li400mYKSgQ6xs7taUeSaEKr","videoId":"vi4blUQJFrYWbaG44NChkH27"}"#,
        "a415cf0b73fba118c4f27ed55a94264db935ce72fe7d6dbcca20eade3a8f9665",
    ),
    (
        r#"{"type":"video.encoding.quality.completed","emittedAt":"2024-09-17T09:45:10-04:00","videoId":"vi4blUQJFrYWbaG44NChkH27","encoding":"hls","quality":"720p"}"#,
        "ecf83ca24f4296cb89cbb65b22caaef1f3dbe394b93c025c580826616a9a5fe3",
    ),
    (
        r#"{"type":"video.caption.generated","emittedAt":"2024-09-17T11:00:00Z","videoId":"vi4blUQJFrYWbaG44NChkH27","captionId":"caption_1","generationMode":"transcript","language":"fr"}"#,
        "3a2409c6535a32adaa983c1c2bcb3d3f98c36c4f56d76cdbe4b94aecea247931",
    ),
    (
        r#"{"type":"video.summary.generated","emittedAt":"2024-09-17T11:05:00Z","videoId":"vi4blUQJFrYWbaG44NChkH27","summaryId":"summary_1CGHWuXjhxmCPFsgYpdt9P"}"#,
        "7e48aec005f3a034c4c36fdeb6a77d08b6d1b874cd79e93a351184ba61b3c77d",
    ),
    (
        r#"{"type":"video.deleted","emittedAt":"2024-09-17T12:00:00Z","videoId":"vi4blUQJFrYWbaG44NChkH27","reason":"user"}"#,
        "d3c9e5dd3e393b1ca9ba2d7aaa6c1ab90d3f2a1e9e0b0dad04d355050947e372",
    ),
];

fn secret() -> SignatureSecret {
    SignatureSecret::new(SECRET)
}

fn delivery(kind: &str) -> (&'static [u8], &'static str) {
    let (body, signature) = DELIVERIES
        .iter()
        .find(|(body, _)| body.contains(&format!(r#""type":"{kind}""#)))
        .unwrap_or_else(|| panic!("no {kind} delivery"));
    (body.as_bytes(), signature)
}

#[test]
fn known_vectors_verify() {
    // The HMAC-SHA256 example everyone quotes (key "key").
    let fox = b"The quick brown fox jumps over the lazy dog";
    let expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";
    assert_eq!(verify(&SignatureSecret::new("key"), fox, expected), Ok(()));
    assert_eq!(sign(&SignatureSecret::new("key"), fox), expected);
    for (body, signature) in DELIVERIES {
        assert_eq!(
            verify(&secret(), body.as_bytes(), signature),
            Ok(()),
            "{body}"
        );
        assert_eq!(sign(&secret(), body.as_bytes()), *signature);
    }
}

#[test]
fn header_values_are_trimmed_and_case_insensitive() {
    let (body, signature) = delivery("video.encoding.quality.completed");
    assert_eq!(verify(&secret(), body, &format!(" {signature}\n")), Ok(()));
    assert_eq!(
        verify(&secret(), body, &signature.to_ascii_uppercase()),
        Ok(())
    );
}

#[test]
fn tampering_is_refused() {
    let (body, signature) = delivery("video.encoding.quality.completed");
    // One byte of the body changed (720p -> 1080p), or whitespace added.
    let altered = String::from_utf8(body.to_vec())
        .expect("UTF-8")
        .replace("720p", "1080p");
    assert_eq!(
        verify(&secret(), altered.as_bytes(), signature),
        Err(VerifyError::Mismatch)
    );
    let mut spaced = body.to_vec();
    spaced.push(b'\n');
    assert_eq!(
        verify(&secret(), &spaced, signature),
        Err(VerifyError::Mismatch)
    );
    // Another secret, or one character off.
    assert_eq!(
        verify(&SignatureSecret::new("sig_sec_other"), body, signature),
        Err(VerifyError::Mismatch)
    );
    let near = format!("{}Z", &SECRET[..SECRET.len() - 1]);
    assert_eq!(
        verify(&SignatureSecret::new(near), body, signature),
        Err(VerifyError::Mismatch)
    );
    // The signature with its last digit changed, or truncated, or not hex.
    let last = signature.chars().last().expect("a digit");
    let flipped = format!(
        "{}{}",
        &signature[..63],
        if last == '0' { '1' } else { '0' }
    );
    assert_eq!(
        verify(&secret(), body, &flipped),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        verify(&secret(), body, &signature[..62]),
        Err(VerifyError::MalformedSignature)
    );
    assert_eq!(
        verify(&secret(), body, &format!("{signature}00")),
        Err(VerifyError::MalformedSignature)
    );
    assert_eq!(
        verify(&secret(), body, &"x".repeat(64)),
        Err(VerifyError::MalformedSignature)
    );
    assert_eq!(
        verify(&secret(), body, ""),
        Err(VerifyError::MissingSignature)
    );
    // A signature of the right body in `sha256=` form is not what api.video sends.
    assert!(verify(&secret(), body, &format!("sha256={signature}")).is_err());
    // Nothing parsed from a refused body.
    assert_eq!(
        verify_and_parse(&secret(), altered.as_bytes(), signature).map(|_| ()),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn verify_request_reads_the_signature_header() {
    let (body, signature) = delivery("video.summary.generated");
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "x-api-video-webhookid",
        http::HeaderValue::from_static("webhookJxlRLKej0rN042fSzQ1z"),
    );
    headers.insert(
        SIGNATURE_HEADER,
        http::HeaderValue::from_str(signature).expect("a header value"),
    );
    let event = verify_request(&secret(), &headers, body).expect("verified");
    match event {
        Event::VideoSummaryGenerated(event) => {
            assert_eq!(
                event.summary_id.as_deref(),
                Some("summary_1CGHWuXjhxmCPFsgYpdt9P")
            );
        }
        other => panic!("expected VideoSummaryGenerated, got {other:?}"),
    }

    let mut missing = headers.clone();
    missing.remove(SIGNATURE_HEADER);
    assert_eq!(
        verify_request(&secret(), &missing, body).map(|_| ()),
        Err(VerifyError::MissingSignature)
    );
    let mut wrong = headers.clone();
    wrong.insert(
        "X-API-VIDEO-SIGNATURE",
        http::HeaderValue::from_static(
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
    );
    assert_eq!(
        verify_request(&secret(), &wrong, body).map(|_| ()),
        Err(VerifyError::Mismatch)
    );
    let mut binary = headers;
    binary.insert(
        SIGNATURE_HEADER,
        http::HeaderValue::from_bytes(b"\xff\xfe").expect("an opaque value"),
    );
    assert_eq!(
        verify_request(&secret(), &binary, body).map(|_| ()),
        Err(VerifyError::MalformedSignature)
    );
}

fn parse(kind: &str) -> Event {
    let (body, signature) = delivery(kind);
    let event = verify_and_parse(&secret(), body, signature).expect("a valid delivery");
    assert_eq!(event.event_type(), Some(kind));
    event
}

#[test]
fn every_event_type_parses_into_its_variant() {
    match parse("live-stream.broadcast.started") {
        Event::LiveStreamBroadcastStarted(e) => {
            assert_eq!(
                e.live_stream_id.as_deref(),
                Some("li400mYKSgQ6xs7taUeSaEKr")
            );
            let at = e.emitted_at.expect("a date");
            assert_eq!(at.to_rfc3339(), "2024-09-17T09:45:10+02:00");
        }
        other => panic!("{other:?}"),
    }
    match parse("live-stream.broadcast.ended") {
        Event::LiveStreamBroadcastEnded(e) => {
            assert_eq!(
                e.live_stream_id.as_deref(),
                Some("li400mYKSgQ6xs7taUeSaEKr")
            );
        }
        other => panic!("{other:?}"),
    }
    match parse("video.source.recorded") {
        Event::VideoSourceRecorded(e) => {
            assert_eq!(e.video_id.as_deref(), Some("vi4blUQJFrYWbaG44NChkH27"));
            assert_eq!(
                e.live_stream_id.as_deref(),
                Some("li400mYKSgQ6xs7taUeSaEKr")
            );
        }
        other => panic!("{other:?}"),
    }
    match parse("video.encoding.quality.completed") {
        Event::VideoEncodingQualityCompleted(e) => {
            assert_eq!(e.video_id.as_deref(), Some("vi4blUQJFrYWbaG44NChkH27"));
            assert_eq!(e.encoding, Some(QualityType::Hls));
            assert_eq!(e.quality, Some(VideoEncodingQualityCompletedQuality::X720p));
        }
        other => panic!("{other:?}"),
    }
    match parse("video.caption.generated") {
        Event::VideoCaptionGenerated(e) => {
            assert_eq!(e.caption_id.as_deref(), Some("caption_1"));
            assert_eq!(e.language, Some(Language::Fr));
        }
        other => panic!("{other:?}"),
    }
    match parse("video.summary.generated") {
        Event::VideoSummaryGenerated(e) => {
            assert_eq!(e.video_id.as_deref(), Some("vi4blUQJFrYWbaG44NChkH27"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_event_types_are_kept_whole() {
    match parse("video.deleted") {
        Event::Unknown(value) => {
            assert_eq!(value["videoId"], "vi4blUQJFrYWbaG44NChkH27");
            assert_eq!(value["reason"], "user");
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
}

#[test]
fn a_signed_body_that_is_not_an_event_is_refused() {
    for body in [&b"not json"[..], b"[1,2]", b""] {
        let signature = hmac_of(body);
        match verify_and_parse(&secret(), body, &signature) {
            Err(VerifyError::InvalidPayload(_)) => {}
            Ok(Event::Unknown(_)) if body == b"[1,2]" => {}
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
    // A known type with a field of the wrong shape is refused, not silently dropped.
    let body = br#"{"type":"video.source.recorded","videoId":42}"#;
    assert!(matches!(
        verify_and_parse(&secret(), body, &hmac_of(body)),
        Err(VerifyError::InvalidPayload(_))
    ));
}

/// Signatures of bodies not listed above: the crate's own `sign`, checked against the
/// independent vectors in `known_vectors_verify`.
fn hmac_of(body: &[u8]) -> String {
    sign(&secret(), body)
}

#[test]
fn the_secret_never_shows() {
    let secret = secret();
    assert!(!format!("{secret:?}").contains(SECRET));
    assert!(!format!("{secret:?}").contains("Hx7pQ2"));
    let (body, _) = delivery("video.summary.generated");
    let error = verify(&secret, body, &"0".repeat(64)).expect_err("a mismatch");
    assert!(!format!("{error} {error:?}").contains(SECRET));
}
