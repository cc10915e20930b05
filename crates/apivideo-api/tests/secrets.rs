//! Secrets inside models (marked `x-secret` in the spec) stay out of `Debug`, while
//! serialization still carries them: users need the value, logs must not see it. And the
//! low-level client's errors never carry an upload token.

use apivideo_api::{Client, Context, models};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const SECRET: &str = "s3cr3t-VALUE-never-logged";

fn check<T: DeserializeOwned + Serialize + std::fmt::Debug>(what: &str, wire: Value) {
    let model: T = serde_json::from_value(wire).unwrap_or_else(|e| panic!("{what}: {e}"));
    let debug = format!("{model:?}");
    assert!(!debug.contains(SECRET), "{what} leaks in Debug: {debug}");
    assert!(debug.contains("[REDACTED]"), "{what}: {debug}");
    let written = serde_json::to_string(&model).expect("serializes");
    assert!(
        written.contains(SECRET),
        "{what} must still serialize the value"
    );
}

#[test]
fn every_secret_field_is_redacted_in_debug_and_kept_in_json() {
    check::<models::Webhook>(
        "Webhook.signatureSecret",
        json!({"webhookId": "w1", "signatureSecret": SECRET, "events": []}),
    );
    check::<models::UploadToken>("UploadToken.token", json!({"token": SECRET, "ttl": 0}));
    check::<models::LiveStream>(
        "LiveStream.streamKey",
        json!({"liveStreamId": "li1", "streamKey": SECRET, "restreams": []}),
    );
    check::<models::AccessToken>(
        "AccessToken.access_token",
        json!({"access_token": SECRET, "refresh_token": "r", "expires_in": 3600}),
    );
    check::<models::AccessToken>(
        "AccessToken.refresh_token",
        json!({"access_token": "a", "refresh_token": SECRET, "expires_in": 3600}),
    );
    check::<models::AuthenticatePayload>("AuthenticatePayload.apiKey", json!({"apiKey": SECRET}));
    check::<models::RefreshTokenPayload>(
        "RefreshTokenPayload.refreshToken",
        json!({"refreshToken": SECRET}),
    );
    check::<models::RestreamsRequestObject>(
        "RestreamsRequestObject.streamKey",
        json!({"name": "yt", "serverUrl": "rtmp://x", "streamKey": SECRET}),
    );
    check::<models::RestreamsResponseObject>(
        "RestreamsResponseObject.streamKey",
        json!({"name": "yt", "serverUrl": "rtmp://x", "streamKey": SECRET}),
    );
}

#[test]
fn models_built_in_code_are_redacted_too() {
    let payload = models::AuthenticatePayload::new(SECRET);
    assert!(!format!("{payload:?}").contains(SECRET));
    let live = models::LiveStream::new("li1", Vec::<models::RestreamsResponseObject>::new())
        .stream_key(SECRET);
    assert!(!format!("{live:?}").contains(SECRET));
}

#[tokio::test]
async fn low_level_errors_never_carry_the_upload_token() {
    let token = "to1SECRETuploadTOKEN";
    let (base, _bound) = apivideo_test_support::refused_base_url();
    let client = Client::new(
        &base,
        Context::anonymous().with_retry_policy(apivideo_api::RetryPolicy::none()),
    );
    let payload = models::TokenUploadPayload::new(apivideo_api::multipart::FilePart::from_bytes(
        &b"data"[..],
        "a.mp4",
    ));
    let error = client
        .post_upload(token, None, payload)
        .await
        .expect_err("refused");
    let mut text = format!("{error} {error:?}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    assert!(matches!(error, apivideo_api::Error::Transport(_)), "{text}");
    assert!(!text.contains(token), "{text}");
    assert!(!text.contains("token="), "{text}");
}
