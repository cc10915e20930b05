//! Shared fixtures: a wiremock api.video auth server and a bearer strategy pointed at it.

#![allow(dead_code)] // each test binary uses a different subset

use std::time::Duration;

use apivideo_auth::{ApiKey, BearerToken, ManualClock, ReqwestTokenEndpoint};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Distinctive strings, so a leak is found by a plain substring search.
pub const KEY: &str = "KEYsecret0123456789";
/// `base64("KEYsecret0123456789:")`, what a leaked Basic header would contain.
pub const KEY_BASE64: &str = "S0VZc2VjcmV0MDEyMzQ1Njc4OTo=";

pub fn access(n: &str) -> String {
    format!("ACCESStok{n}")
}

pub fn refresh(n: &str) -> String {
    format!("REFRESHtok{n}")
}

pub fn token_body(n: &str, expires_in: u64) -> Value {
    json!({
        "token_type": "Bearer",
        "expires_in": expires_in,
        "access_token": access(n),
        "refresh_token": refresh(n),
    })
}

pub fn invalid_credentials() -> Value {
    json!({
        "type": "https://docs.api.video/reference/authentication-invalid-user-credentials",
        "title": "The user credentials were incorrect.",
        "name": "",
        "status": 400
    })
}

pub fn api_key() -> ApiKey {
    ApiKey::new(KEY).expect("valid key")
}

/// `POST /auth/api-key` with our key, answering token `n`, after `delay`.
pub fn authenticate_mock(n: &str, delay: Duration) -> Mock {
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .and(header("accept", "application/json"))
        .and(body_json(json!({ "apiKey": KEY })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(token_body(n, 3600))
                .set_delay(delay),
        )
}

/// `POST /auth/refresh` with refresh token `from`, answering token `to`, after `delay`.
pub fn refresh_mock(from: &str, to: &str, delay: Duration) -> Mock {
    Mock::given(method("POST"))
        .and(path("/auth/refresh"))
        .and(body_json(json!({ "refreshToken": refresh(from) })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(token_body(to, 3600))
                .set_delay(delay),
        )
}

/// A plain reqwest client, after the crypto provider it needs with the `rustls` feature.
pub fn http() -> reqwest::Client {
    apivideo_auth::install_crypto_provider();
    reqwest::Client::new()
}

/// A strategy on `server` with a manual clock and no jitter, so renewal times are exact:
/// with the default 60 s margin a 3600 s token is due at 3540 s.
pub fn bearer(server: &MockServer, clock: &ManualClock) -> BearerToken {
    let endpoint = ReqwestTokenEndpoint::new(http(), &server.uri()).expect("valid base URL");
    BearerToken::builder(api_key(), endpoint)
        .jitter(Duration::ZERO)
        .clock(clock.clone())
        .build()
}

/// How many requests the server received for `p`, read from its journal (independent of
/// the `.expect(n)` checks done when the server is dropped).
pub async fn count(server: &MockServer, p: &str) -> usize {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .filter(|r| r.url.path() == p)
        .count()
}

pub fn due_time() -> Duration {
    Duration::from_secs(3540)
}
