//! Building a client: settings checked at `build()`, the headers every request carries,
//! and where credentials go (and do not go).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use apivideo::auth::secrecy::SecretString;
use apivideo::auth::{Authorization, auth_fn};
use apivideo::models::VideoCreationPayload;
use apivideo::{Client, Error, RetryPolicy};
use common::*;
use futures_util::future::join_all;
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VERSION: &str = env!("CARGO_PKG_VERSION");

async fn serve_video(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(format!("/videos/{VIDEO_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
        .mount(server)
        .await;
}

fn assert_origin_headers(request: &wiremock::Request, app: Option<&str>, sdk: Option<&str>) {
    let what = format!("{} {}", request.method, request.url.path());
    assert_eq!(
        header(request, "av-origin-client"),
        Some(format!("rust:{VERSION}").as_str()),
        "{what}"
    );
    let agent = header(request, "user-agent").unwrap_or_default();
    assert!(agent.starts_with("apivideo-rs/"), "{what}: {agent:?}");
    assert_eq!(header(request, "av-origin-app"), app, "{what}");
    assert_eq!(header(request, "av-origin-sdk"), sdk, "{what}");
}

#[tokio::test]
async fn every_request_names_the_client_the_application_and_the_sdk() {
    let server = strict_server().await;
    serve_video(&server).await;
    Mock::given(method("POST"))
        .and(path(format!("/videos/{VIDEO_ID}/thumbnail")))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(token_answer("access-1", "refresh-1"))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .bearer_auth()
        .application("my-shop", "2.1.0")
        .sdk("my_sdk-js", "1.0")
        .build()
        .expect("a client");
    client.videos().get(VIDEO_ID).await.expect("a video");
    client
        .videos()
        .upload_thumbnail(VIDEO_ID, b"\xff\xd8\xff\xd9".to_vec())
        .await
        .expect("a video");
    let received = requests(&server).await;
    assert_eq!(received.len(), 3, "token, get, thumbnail");
    for request in &received {
        assert_origin_headers(request, Some("my-shop:2.1.0"), Some("my_sdk-js:1.0"));
    }
}

#[tokio::test]
async fn headers_are_sent_with_a_user_supplied_http_client() {
    let server = strict_server().await;
    serve_video(&server).await;
    let http = apivideo::reqwest::Client::builder().timeout(Duration::from_secs(10));
    let client = builder(&server.uri())
        .http_client(http)
        .application("shop", "3")
        .build()
        .expect("a client");
    client.videos().get(VIDEO_ID).await.expect("a video");
    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_origin_headers(&received[0], Some("shop:3"), None);
    assert_eq!(header(&received[0], "authorization"), Some(BASIC_HEADER));
}

fn config_error(result: apivideo::Result<Client>) -> (&'static str, String) {
    match result {
        Err(Error::Config { setting, reason }) => (setting, reason),
        other => panic!("expected Error::Config, got {other:?}"),
    }
}

#[test]
fn invalid_application_and_sdk_names_and_versions_are_refused() {
    let base = "http://127.0.0.1:9";
    for (name, version) in [
        ("", "1.0"),
        ("my shop", "1.0"),
        ("shop:1", "1.0"),
        ("shöp", "1.0"),
        (&*"x".repeat(51), "1.0"),
        ("shop", ""),
        ("shop", "1.2.3.4"),
        ("shop", "1000"),
        ("shop", "v1"),
        ("shop", "1..2"),
        ("shop", "1.2-beta"),
    ] {
        let (setting, reason) = config_error(builder(base).application(name, version).build());
        assert_eq!(setting, "application", "{name:?} {version:?}");
        assert!(!reason.is_empty());
        let (setting, _) = config_error(builder(base).sdk(name, version).build());
        assert_eq!(setting, "sdk", "{name:?} {version:?}");
    }
    for (name, version) in [
        ("a", "1"),
        ("my-shop_2", "999.999.999"),
        (&*"x".repeat(50), "0.1"),
    ] {
        builder(base)
            .application(name, version)
            .sdk(name, version)
            .build()
            .unwrap_or_else(|e| panic!("{name:?} {version:?} refused: {e}"));
    }
}

#[test]
fn invalid_base_urls_are_refused() {
    for url in [
        "",
        "ws.api.video",
        "ftp://ws.api.video",
        "https://ws.api.video/?a=1",
        "https://ws.api.video/#top",
        "https://user:pass@ws.api.video",
        "http://",
        "not a url",
    ] {
        let result = Client::builder().api_key(KEY).base_url(url).build();
        let (setting, _) = config_error(result);
        assert_eq!(setting, "base_url", "{url:?}");
    }
}

#[test]
fn base_urls_are_normalized_and_environments_named() {
    let client = builder("http://127.0.0.1:8080/").build().expect("a client");
    assert_eq!(client.base_url(), "http://127.0.0.1:8080");
    let client = Client::builder()
        .api_key(KEY)
        .sandbox()
        .build()
        .expect("a client");
    assert_eq!(client.base_url(), apivideo::SANDBOX);
    let client = Client::builder()
        .api_key(KEY)
        .sandbox()
        .production()
        .build()
        .expect("a client");
    assert_eq!(client.base_url(), apivideo::PRODUCTION);
    assert_eq!(
        Client::builder()
            .anonymous()
            .build()
            .expect("a client")
            .base_url(),
        "https://ws.api.video"
    );
}

#[test]
fn other_invalid_settings_are_refused() {
    let base = "http://127.0.0.1:9";
    let (setting, _) = config_error(
        builder(base)
            .retry_policy(RetryPolicy::default().max_attempts(0))
            .build(),
    );
    assert_eq!(setting, "retry_policy");
    let (setting, _) = config_error(
        builder(base)
            .retry_policy(
                RetryPolicy::default()
                    .initial_backoff(Duration::from_secs(2))
                    .max_backoff(Duration::from_secs(1)),
            )
            .build(),
    );
    assert_eq!(setting, "retry_policy");
    for (expected, builder) in [
        ("timeout", builder(base).timeout(Duration::ZERO)),
        ("read_timeout", builder(base).read_timeout(Duration::ZERO)),
        (
            "connect_timeout",
            builder(base).connect_timeout(Duration::ZERO),
        ),
    ] {
        let (setting, _) = config_error(builder.build());
        assert_eq!(setting, expected);
    }
}

#[test]
fn malformed_keys_are_refused_at_build_without_echoing_them() {
    for key in ["", "my key", "my-key\n", " my-key", "my\tkey"] {
        for basic in [false, true] {
            let mut builder = Client::builder()
                .api_key(key)
                .base_url("http://127.0.0.1:9");
            if basic {
                builder = builder.basic_auth();
            }
            match builder.build() {
                Err(Error::Credentials(apivideo::auth::Error::InvalidApiKeyFormat { .. })) => {}
                other => panic!("{key:?}: expected InvalidApiKeyFormat, got {other:?}"),
            }
        }
    }
    let error = Client::builder()
        .api_key("secret-part secret-end")
        .build()
        .expect_err("whitespace");
    let text = format!("{error} {error:?}");
    assert!(!text.contains("secret-part"), "{text}");
}

/// Set in the child processes of the environment tests.
const CHILD: &str = "APIVIDEO_FACADE_TEST_ENV_CHILD";

/// Runs test `name` of this binary again in a child process whose environment has
/// `APIVIDEO_API_KEY` set to `key` (`None`: unset), and returns what it printed after
/// `outcome: `. Setting the variable in this process would need `unsafe` and would
/// race with the other tests; a maintainer's own key must not change what is tested.
fn outcome_in_child(name: &str, key: Option<&str>) -> String {
    let mut command = std::process::Command::new(std::env::current_exe().expect("the test binary"));
    command
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1");
    match key {
        Some(key) => command.env(apivideo::auth::API_KEY_ENV_VAR, key),
        None => command.env_remove(apivideo::auth::API_KEY_ENV_VAR),
    };
    let output = command.output().expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the child did not run {name}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("outcome: "))
        .unwrap_or_else(|| panic!("no outcome line in {stdout}"))
        .to_owned()
}

#[test]
fn a_key_from_an_unset_environment_variable_is_missing() {
    if std::env::var_os(CHILD).is_some() {
        let outcome = match Client::builder().api_key_from_env().build() {
            Err(Error::Credentials(apivideo::auth::Error::MissingEnvVar { name })) => {
                format!("missing {name}")
            }
            other => format!("{other:?}"),
        };
        println!("\noutcome: {outcome}");
        return;
    }
    assert_eq!(
        outcome_in_child("a_key_from_an_unset_environment_variable_is_missing", None),
        "missing APIVIDEO_API_KEY"
    );
    assert_eq!(
        outcome_in_child(
            "a_key_from_an_unset_environment_variable_is_missing",
            Some("")
        ),
        "missing APIVIDEO_API_KEY",
        "an empty variable is no key"
    );
}

#[tokio::test]
async fn a_key_from_the_environment_is_the_one_sent() {
    if std::env::var_os(CHILD).is_some() {
        let server = strict_server().await;
        serve_video(&server).await;
        let client = Client::builder()
            .api_key_from_env()
            .base_url(server.uri())
            .basic_auth()
            .build()
            .expect("a client");
        client.videos().get(VIDEO_ID).await.expect("a video");
        let received = requests(&server).await;
        println!(
            "\noutcome: {}",
            header(&received[0], "authorization").unwrap_or("none")
        );
        return;
    }
    // base64("env-key-0123:")
    assert_eq!(
        outcome_in_child(
            "a_key_from_the_environment_is_the_one_sent",
            Some("env-key-0123")
        ),
        "Basic ZW52LWtleS0wMTIzOg=="
    );
}

#[test]
fn a_builder_given_no_key_refuses_to_build_and_names_the_ways_to_give_one() {
    match Client::builder().build() {
        Err(Error::Config { setting, reason }) => {
            assert_eq!(setting, "api_key");
            for way in [
                ".api_key(",
                ".api_key_from_env()",
                "APIVIDEO_API_KEY",
                ".anonymous()",
            ] {
                assert!(reason.contains(way), "{reason}");
            }
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn an_anonymous_client_sends_nothing_that_needs_a_key() {
    let server = strict_server().await;
    let client = Client::builder()
        .base_url(server.uri())
        .anonymous()
        .build()
        .expect("anonymous on purpose");
    let error = client.videos().get(VIDEO_ID).await.expect_err("no key");
    assert!(
        matches!(
            error,
            Error::Credentials(apivideo::auth::Error::MissingApiKey)
        ),
        "{error:?}"
    );
    let error = client.videos().list().await.expect_err("no key");
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    let error = client
        .videos()
        .create(VideoCreationPayload::new("x"))
        .await
        .expect_err("no key");
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn basic_auth_sends_the_key_as_user_name() {
    let server = strict_server().await;
    serve_video(&server).await;
    let client = Client::builder()
        .api_key("abc123")
        .base_url(server.uri())
        .basic_auth()
        .build()
        .expect("a client");
    client.videos().get(VIDEO_ID).await.expect("a video");
    let received = requests(&server).await;
    // base64("abc123:")
    assert_eq!(
        header(&received[0], "authorization"),
        Some("Basic YWJjMTIzOg==")
    );
}

#[tokio::test]
async fn bearer_auth_is_the_default_and_fetches_one_token_for_concurrent_calls() {
    let server = strict_server().await;
    serve_video(&server).await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(
            token_answer("ACCESS-CONCURRENT", "REFRESH-CONCURRENT")
                .set_delay(Duration::from_millis(200)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .build()
        .expect("a client");
    let calls = (0..12).map(|_| {
        let client = client.clone();
        async move { client.videos().get(VIDEO_ID).await }
    });
    for result in join_all(calls).await {
        result.expect("a video");
    }
    let received = requests(&server).await;
    let token_requests: Vec<_> = received
        .iter()
        .filter(|r| r.url.path() == "/auth/api-key")
        .collect();
    assert_eq!(token_requests.len(), 1, "one token for all calls");
    let body: serde_json::Value =
        serde_json::from_slice(&token_requests[0].body).expect("a JSON body");
    assert_eq!(body, json!({ "apiKey": KEY }));
    assert_eq!(
        header(token_requests[0], "authorization"),
        None,
        "the token request carries the key in its body only"
    );
    let api_requests: Vec<_> = received
        .iter()
        .filter(|r| r.url.path() != "/auth/api-key")
        .collect();
    assert_eq!(api_requests.len(), 12);
    for request in api_requests {
        assert_eq!(
            header(request, "authorization"),
            Some("Bearer ACCESS-CONCURRENT")
        );
    }
    let debug = format!("{client:?}");
    assert!(!debug.contains("ACCESS-CONCURRENT"), "{debug}");
    assert!(!debug.contains(KEY), "{debug}");
}

#[tokio::test]
async fn a_refused_key_is_a_credentials_error_and_no_api_request_is_sent() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "type": "https://docs.api.video/reference/authentication-invalid-user-credentials",
            "title": "The user credentials were incorrect.",
            "name": "",
            "status": 401
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .retry_policy(fast_retries())
        .build()
        .expect("a client");
    let error = client.videos().get(VIDEO_ID).await.expect_err("refused");
    match &error {
        Error::Credentials(inner) => assert!(inner.is_rejected(), "{inner:?}"),
        other => panic!("expected Credentials, got {other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let text = format!("{error} {error:?}");
    assert!(text.contains("credentials were incorrect"), "{text}");
    assert!(!text.contains(KEY), "{text}");
    assert_eq!(requests(&server).await.len(), 1, "only the token request");
}

#[tokio::test]
async fn debug_shows_no_key() {
    for client in [
        builder("http://127.0.0.1:9").build().expect("a client"),
        builder("http://127.0.0.1:9")
            .bearer_auth()
            .build()
            .expect("a client"),
    ] {
        let debug = format!("{client:?}");
        assert!(!debug.contains(KEY), "{debug}");
        assert!(!debug.contains("ZmFjYWRlLXRlc3Qta2V5LTAxMjM6"), "{debug}");
        assert!(debug.contains("127.0.0.1:9"), "{debug}");
    }
}

#[tokio::test]
async fn custom_credentials_are_used() {
    let server = strict_server().await;
    serve_video(&server).await;
    let client = builder(&server.uri())
        .credentials(auth_fn(|_| async {
            Authorization::bearer(&SecretString::from("from-my-vault")).map(Some)
        }))
        .build()
        .expect("a client");
    client.videos().get(VIDEO_ID).await.expect("a video");
    let received = requests(&server).await;
    assert_eq!(
        header(&received[0], "authorization"),
        Some("Bearer from-my-vault")
    );
    assert!(format!("{client:?}").contains("custom"));
}

/// Strategies may decide per operation (`RequestContext::operation_id`, "the OpenAPI
/// operation id of the call"): they are told the spec's operationId (`GET-video`), not
/// progenitor's method name (`get_video`).
#[tokio::test]
async fn custom_credentials_are_told_the_operation() {
    let server = strict_server().await;
    serve_video(&server).await;
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let record = seen.clone();
    let client = builder(&server.uri())
        .credentials(auth_fn(move |context| {
            record
                .lock()
                .expect("not poisoned")
                .push(context.operation_id.map(str::to_owned));
            async { Authorization::bearer(&SecretString::from("vault-token")).map(Some) }
        }))
        .build()
        .expect("a client");
    client.videos().get(VIDEO_ID).await.expect("a video");
    let seen = seen.lock().expect("not poisoned").clone();
    assert_eq!(seen, [Some("GET-video".to_owned())]);
}

#[tokio::test]
async fn a_redirect_is_refused_and_the_other_origin_receives_nothing() {
    for bearer in [false, true] {
        let other = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
            .expect(0)
            .mount(&other)
            .await;
        let api = strict_server().await;
        Mock::given(method("GET"))
            .and(path(format!("/videos/{VIDEO_ID}")))
            .respond_with(
                ResponseTemplate::new(302)
                    .insert_header("location", format!("{}/elsewhere?x=1", other.uri())),
            )
            .expect(1)
            .mount(&api)
            .await;
        Mock::given(method("POST"))
            .and(path("/auth/api-key"))
            .respond_with(token_answer("ACCESS-REDIRECT", "REFRESH-REDIRECT"))
            .mount(&api)
            .await;
        let mut builder = builder(&api.uri());
        if bearer {
            builder = builder.bearer_auth();
        }
        let error = builder
            .build()
            .expect("a client")
            .videos()
            .get(VIDEO_ID)
            .await
            .expect_err("the redirect is refused");
        match &error {
            Error::Redirect { status, location } => {
                assert_eq!(status.as_u16(), 302);
                assert_eq!(
                    location.as_deref(),
                    Some(&*format!("{}/elsewhere", other.uri()))
                );
            }
            other => panic!("expected Error::Redirect, got {other:?}"),
        }
        let at_api = requests(&api).await;
        let first = at_api
            .iter()
            .find(|r| r.url.path() != "/auth/api-key")
            .expect("the API request");
        assert!(header(first, "authorization").is_some(), "sent to the API");
        assert!(requests(&other).await.is_empty(), "bearer: {bearer}");
    }
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/api-key"))
        .respond_with(token_answer("ACCESS-PREFIX", "REFRESH-PREFIX"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/videos/{VIDEO_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json(VIDEO_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&format!("{}/api/v1/", server.uri()))
        .bearer_auth()
        .build()
        .expect("a client");
    assert_eq!(client.base_url(), format!("{}/api/v1", server.uri()));
    client.videos().get(VIDEO_ID).await.expect("a video");
}

#[tokio::test]
async fn ids_are_encoded_as_one_path_segment() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/videos/a%2Fb%3Fc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(video_json("a/b?c")))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .videos()
        .get("a/b?c")
        .await
        .expect("one segment");
}

#[tokio::test]
async fn empty_ids_are_refused_before_any_request() {
    let server = strict_server().await;
    let client = client(&server);
    let png = || b"\x89PNG".to_vec();
    for blank in ["", " ", "\t"] {
        let results: Vec<(&str, apivideo::Result<()>)> = vec![
            ("video_id", client.videos().get(blank).await.map(drop)),
            (
                "video_id",
                client
                    .videos()
                    .update(blank, apivideo::models::VideoUpdatePayload::new())
                    .await
                    .map(drop),
            ),
            ("video_id", client.videos().delete(blank).await),
            ("video_id", client.videos().status(blank).await.map(drop)),
            (
                "video_id",
                client
                    .videos()
                    .pick_thumbnail(blank, "00:00:01")
                    .await
                    .map(drop),
            ),
            (
                "video_id",
                client
                    .videos()
                    .upload_thumbnail(blank, png())
                    .await
                    .map(drop),
            ),
            (
                "video_id",
                client.videos().get_discarded(blank).await.map(drop),
            ),
            ("video_id", client.videos().restore(blank).await.map(drop)),
            (
                "video_id",
                client
                    .videos()
                    .wait_until_playable(blank)
                    .timeout(Duration::from_millis(10))
                    .await
                    .map(drop),
            ),
            ("token", client.upload_tokens().get(blank).await.map(drop)),
            ("token", client.upload_tokens().delete(blank).await),
            (
                "live_stream_id",
                client.live_streams().get(blank).await.map(drop),
            ),
            ("live_stream_id", client.live_streams().delete(blank).await),
            (
                "live_stream_id",
                client
                    .live_streams()
                    .upload_thumbnail(blank, png())
                    .await
                    .map(drop),
            ),
            (
                "live_stream_id",
                client
                    .live_streams()
                    .delete_thumbnail(blank)
                    .await
                    .map(drop),
            ),
            (
                "live_stream_id",
                client.live_streams().complete(blank).await,
            ),
            (
                "video_id",
                client.captions().get(blank, "en").await.map(drop),
            ),
            (
                "language",
                client.captions().get(VIDEO_ID, blank).await.map(drop),
            ),
            (
                "language",
                client
                    .captions()
                    .upload(VIDEO_ID, blank, b"WEBVTT".to_vec())
                    .await
                    .map(drop),
            ),
            (
                "language",
                client
                    .captions()
                    .set_default(VIDEO_ID, blank, true)
                    .await
                    .map(drop),
            ),
            ("language", client.captions().delete(VIDEO_ID, blank).await),
            ("video_id", client.captions().list(blank).await.map(drop)),
            (
                "language",
                client.chapters().get(VIDEO_ID, blank).await.map(drop),
            ),
            ("video_id", client.chapters().delete(blank, "en").await),
            ("video_id", client.chapters().list(blank).await.map(drop)),
            ("player_id", client.players().get(blank).await.map(drop)),
            ("player_id", client.players().delete(blank).await),
            (
                "player_id",
                client
                    .players()
                    .upload_logo(blank, png(), None)
                    .await
                    .map(drop),
            ),
            ("player_id", client.players().delete_logo(blank).await),
            ("watermark_id", client.watermarks().delete(blank).await),
            ("webhook_id", client.webhooks().get(blank).await.map(drop)),
            ("webhook_id", client.webhooks().delete(blank).await),
            (
                "summary_id",
                client.summaries().source(blank).await.map(drop),
            ),
            ("summary_id", client.summaries().delete(blank).await),
        ];
        for (argument, result) in results {
            match result {
                Err(Error::InvalidInput { argument: a, .. }) => {
                    assert_eq!(a, argument, "{blank:?}");
                }
                other => panic!("{argument} {blank:?}: expected InvalidInput, got {other:?}"),
            }
        }
    }
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}
