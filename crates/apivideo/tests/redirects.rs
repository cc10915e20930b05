//! Where secrets may go: a second server on 127.0.0.1, which a redirect points to, must
//! receive nothing, whatever the request carries (an API key body, a refresh token,
//! credentials, an upload token). api.video does not redirect API calls, so a 3xx is a
//! typed error that names the status and the `Location`; same-origin redirects are not
//! followed either.

use std::time::Duration;

use apivideo::auth::TokenEndpoint;
use apivideo::{Client, Error, RetryPolicy};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VIDEO_ID: &str = "vi4blUQJFrYWbaG44NChkH27";
const UPLOAD_TOKEN: &str = "to1tcmSFHeYY5KzyhOqVKMKb";

/// A server that must receive nothing; checked when it is dropped and by the caller.
async fn elsewhere() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    server
}

fn redirect(status: u16, to: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("location", to)
}

fn client(api: &MockServer, bearer: bool) -> Client {
    let builder = Client::builder()
        .api_key("a-test-key")
        .base_url(api.uri())
        .retry_policy(RetryPolicy::none());
    let builder = if bearer {
        builder.bearer_auth()
    } else {
        builder.basic_auth()
    };
    builder.build().expect("a client")
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.expect("recording").len()
}

fn redirect_of(error: &Error) -> Option<(u16, Option<String>)> {
    match error {
        Error::Redirect { status, location } => Some((status.as_u16(), location.clone())),
        Error::Upload(upload) => redirect_of(&upload.source),
        Error::Credentials(apivideo::auth::Error::Transport(cause)) => {
            let text = cause.to_string();
            text.contains("redirect").then_some((0, Some(text)))
        }
        _ => None,
    }
}

#[tokio::test]
async fn the_api_key_body_never_follows_a_redirect() {
    for status in [307, 302, 303] {
        let other = elsewhere().await;
        let api = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth/api-key"))
            .respond_with(redirect(status, &format!("{}/steal", other.uri())))
            .expect(1)
            .mount(&api)
            .await;
        let error = client(&api, true)
            .videos()
            .get(VIDEO_ID)
            .await
            .expect_err("no token");
        assert!(redirect_of(&error).is_some(), "{status}: {error:?}");
        assert!(error.to_string().contains("token"), "{error}");
        assert_eq!(
            received(&other).await,
            0,
            "{status}: the key went elsewhere"
        );
        assert_eq!(received(&api).await, 1, "{status}: only the token request");
    }
}

#[tokio::test]
async fn the_refresh_token_never_follows_a_redirect() {
    for status in [307, 302, 303] {
        let other = elsewhere().await;
        let api = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth/refresh"))
            .respond_with(redirect(status, &format!("{}/steal", other.uri())))
            .expect(1)
            .mount(&api)
            .await;
        // The endpoint the client's bearer strategy uses, called as the cache would.
        let endpoint = apivideo::api::ApiTokenEndpoint::new(apivideo::api::Client::new(
            &api.uri(),
            apivideo::api::Context::anonymous().with_retry_policy(RetryPolicy::none()),
        ));
        let secret = apivideo::auth::secrecy::SecretString::from("refresh-SECRET");
        let error = endpoint.refresh(&secret).await.expect_err("redirected");
        let text = format!("{error} {:?}", error.source_chain());
        assert!(text.contains(&format!("{status}")), "{text}");
        assert!(!text.contains("refresh-SECRET"), "{text}");
        assert_eq!(
            received(&other).await,
            0,
            "{status}: the token went elsewhere"
        );
    }
}

/// The chain of an auth error, for messages.
trait SourceChain {
    fn source_chain(&self) -> Vec<String>;
}

impl SourceChain for apivideo::auth::Error {
    fn source_chain(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            lines.push(cause.to_string());
            source = cause.source();
        }
        lines
    }
}

#[tokio::test]
async fn an_api_call_with_credentials_never_follows_a_redirect() {
    for status in [307, 302, 303, 301, 308] {
        let other = elsewhere().await;
        let api = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/videos/{VIDEO_ID}")))
            .respond_with(redirect(status, &format!("{}/videos?token=x", other.uri())))
            .expect(1)
            .mount(&api)
            .await;
        let error = client(&api, false)
            .videos()
            .get(VIDEO_ID)
            .await
            .expect_err("redirected");
        assert_eq!(
            redirect_of(&error),
            Some((status, Some(format!("{}/videos", other.uri())))),
            "{error:?}"
        );
        assert!(error.to_string().contains("not followed"), "{error}");
        assert_eq!(received(&other).await, 0);
    }
}

#[tokio::test]
async fn a_chunk_upload_never_follows_a_redirect() {
    for status in [307, 302, 303] {
        let other = elsewhere().await;
        let api = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("/videos/{VIDEO_ID}/source")))
            .respond_with(redirect(status, &format!("{}/source", other.uri())))
            .expect(1)
            .mount(&api)
            .await;
        let error = client(&api, false)
            .videos()
            .upload(VIDEO_ID, vec![1u8; 1024])
            .await
            .expect_err("redirected");
        assert_eq!(redirect_of(&error).map(|r| r.0), Some(status), "{error:?}");
        assert_eq!(received(&other).await, 0);
    }
}

/// A token upload's URL carries the upload token in its query: neither a followed
/// redirect nor a `Referer` may take it elsewhere.
#[tokio::test]
async fn a_token_upload_never_follows_a_redirect_nor_leaks_its_query() {
    for status in [307, 302, 303] {
        let other = elsewhere().await;
        let api = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/upload"))
            .respond_with(redirect(status, &format!("{}/upload", other.uri())))
            .expect(1)
            .mount(&api)
            .await;
        let keyless = Client::builder()
            .base_url(api.uri())
            .anonymous()
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a client without a key");
        let error = keyless
            .upload_tokens()
            .upload(UPLOAD_TOKEN, vec![1u8; 1024])
            .await
            .expect_err("redirected");
        assert_eq!(redirect_of(&error).map(|r| r.0), Some(status), "{error:?}");
        let text = format!("{error} {error:?}");
        assert!(!text.contains(UPLOAD_TOKEN), "{text}");
        assert_eq!(received(&other).await, 0);
    }
}

/// Decided: same-origin redirects are not followed either (api.video never sends one, and
/// following would replay uploads of any size to wherever the server says).
#[tokio::test]
async fn a_same_origin_redirect_is_refused_too() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(redirect(307, "/videos/elsewhere"))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/videos/elsewhere"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&api)
        .await;
    let error = client(&api, false)
        .videos()
        .get(VIDEO_ID)
        .await
        .expect_err("redirected");
    assert_eq!(
        redirect_of(&error),
        Some((307, Some("/videos/elsewhere".to_owned()))),
        "{error:?}"
    );
}

#[test]
fn plain_http_is_refused_at_build_except_to_this_machine() {
    for insecure in [
        "http://ws.api.video",
        "http://10.0.0.7:8080",
        "http://sim.internal",
    ] {
        match Client::builder().api_key("k").base_url(insecure).build() {
            Err(Error::Config { setting, reason }) => {
                assert_eq!(setting, "base_url");
                assert!(reason.contains("insecure http"), "{reason}");
            }
            other => panic!("{insecure}: expected a refusal, got {other:?}"),
        }
        Client::builder()
            .api_key("k")
            .base_url(insecure)
            .danger_allow_insecure_http()
            .build()
            .expect("allowed when asked for by name");
    }
    for local in [
        "http://127.0.0.1:8080",
        "http://localhost:3000",
        "http://[::1]:9",
        "https://ws.api.video",
    ] {
        Client::builder()
            .api_key("k")
            .base_url(local)
            .build()
            .unwrap_or_else(|e| panic!("{local}: {e}"));
    }
}

#[tokio::test]
async fn extreme_settings_build_and_do_not_panic() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&api)
        .await;
    let client = Client::builder()
        .api_key("k")
        .basic_auth()
        .base_url(api.uri())
        .read_timeout(Duration::MAX)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .token_timeout(Duration::MAX)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(1))
                .max_retry_after(Duration::MAX),
        )
        .build()
        .expect("extreme but valid");
    let error = client.videos().get(VIDEO_ID).await.expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
    let error = client
        .videos()
        .list()
        .page(i64::MAX)
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let error = client
        .videos()
        .upload(VIDEO_ID, vec![1u8; 16])
        .chunk_size(u64::MAX)
        .await
        .expect_err("refused before sending");
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                argument: "chunk_size",
                ..
            }
        ),
        "{error:?}"
    );
}
