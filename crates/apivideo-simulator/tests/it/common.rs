//! Helpers shared by the tests.

use std::time::Duration;

use apivideo_simulator::Simulator;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A client that never goes through a proxy.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// A request to `path` on the simulator, with HTTP Basic credentials.
pub fn call(sim: &Simulator, method: Method, path: &str) -> RequestBuilder {
    http()
        .request(method, format!("{}{path}", sim.base_url()))
        .basic_auth(sim.api_key(), Some(""))
}

/// Sends, checks the status, and decodes the body.
pub async fn expect<T: DeserializeOwned>(request: RequestBuilder, status: StatusCode) -> T {
    let response = request.send().await.expect("request sent");
    let got = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(got, status, "unexpected status; body: {body}");
    serde_json::from_str(&body).unwrap_or_else(|error| panic!("{error}: {body}"))
}

/// Sends and checks the status only.
pub async fn expect_status(request: RequestBuilder, status: StatusCode) -> Response {
    let response = request.send().await.expect("request sent");
    assert_eq!(response.status(), status);
    response
}

/// Creates a video from a JSON payload and returns its id.
pub async fn create_video(sim: &Simulator, payload: Value) -> String {
    let video: apivideo_api::models::Video = expect(
        call(sim, Method::POST, "/videos").json(&payload),
        StatusCode::CREATED,
    )
    .await;
    video.video_id
}

/// A multipart body with `bytes` in the `file` field.
pub fn file_form(bytes: &[u8], name: &str) -> Form {
    Form::new().part(
        "file",
        Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
    )
}

/// `len` bytes that differ from one position to the next.
pub fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// Polls `check` every 20 ms until it is true or `limit` passes.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
