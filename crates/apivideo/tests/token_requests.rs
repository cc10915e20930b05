//! Token requests go through the same request path as every call: the builder's retry
//! policy reaches them, and the operations table says they carry no credentials.

use std::time::Duration;

use apivideo::{Client, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn token_requests(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("recording")
        .into_iter()
        .filter(|r| r.url.path() == "/auth/api-key")
        .collect()
}

#[tokio::test]
async fn the_builders_retry_policy_reaches_token_requests() {
    for (policy, expected) in [
        (RetryPolicy::none(), 1),
        (RetryPolicy::default(), 3),
        (RetryPolicy::default().max_attempts(5), 5),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth/api-key"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        let client = Client::builder()
            .api_key("a-test-key")
            .base_url(server.uri())
            .retry_policy(
                policy
                    .initial_backoff(Duration::from_millis(1))
                    .max_backoff(Duration::from_millis(2)),
            )
            .build()
            .expect("client");
        let error = client.videos().get("vi1").await.expect_err("no token");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
        let requests = token_requests(&server).await;
        assert_eq!(requests.len(), expected);
        for request in &requests {
            assert!(request.headers.get("authorization").is_none());
        }
    }
}

#[tokio::test]
async fn a_rate_limited_token_request_waits_what_the_server_says() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", "0.2"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "ACCESS", "refresh_token": "REFRESH", "expires_in": 3600,
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "videoId": "vi1", "tags": [], "metadata": [],
        })))
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let client = Client::builder()
        .api_key("a-test-key")
        .base_url(server.uri())
        .build()
        .expect("client");
    client
        .videos()
        .get("vi1")
        .await
        .expect("a token after the wait");
    // A lower bound only: the decimal wait the server asked for was honoured.
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(token_requests(&server).await.len(), 2);
}
