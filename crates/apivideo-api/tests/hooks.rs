//! What the request path does to every request: credentials, retries, re-authentication,
//! redirects. Counts are measured on the wiremock server (or, where no server answers, by
//! a credentials strategy asked once per attempt), never inferred from timing.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apivideo_api::auth::{ApiKey, Authorization, BearerToken, auth_fn};
use apivideo_api::multipart::FilePart;
use apivideo_api::{Context, Error, RetryPolicy, models};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use apivideo_test_support::ids::VIDEO_ID;
use apivideo_test_support::{header, multipart_parts};
use support::{BASIC_HEADER, client, client_with};

fn video_json() -> serde_json::Value {
    json!({
        "videoId": VIDEO_ID,
        "title": "Maths video",
        "createdAt": "2024-06-07T17:05:31+02:00",
        "tags": [],
        "metadata": [],
        "public": true,
    })
}

fn video_answer(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(video_json())
}

/// The requests `server` received for `route`.
async fn requests_to(server: &MockServer, route: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("recording is on")
        .into_iter()
        .filter(|r| r.url.path() == route)
        .collect()
}

fn video_route() -> String {
    format!("/videos/{VIDEO_ID}")
}

fn upload(bytes: &'static [u8]) -> models::VideoUploadPayload {
    models::VideoUploadPayload::new(FilePart::from_bytes(bytes, "clip.mp4"))
}

fn status_of<T: std::fmt::Debug>(result: Result<T, Error>) -> u16 {
    match result {
        Err(Error::Api(api)) => api.status.as_u16(),
        other => panic!("expected an error answer, got {other:?}"),
    }
}

/// A Basic strategy that counts how often it is asked: once per attempt.
fn counting_context(asked: &Arc<AtomicUsize>) -> Context {
    let asked = asked.clone();
    Context::new(auth_fn(move |_| {
        asked.fetch_add(1, Ordering::SeqCst);
        async { Ok(Some(Authorization::basic(&ApiKey::new(support::KEY)?))) }
    }))
}

/// A base URL whose connections are refused for as long as the returned socket lives: it
/// is bound (so no parallel test can take the port) but not listening (so the kernel
/// answers every connection attempt with a reset). A port freed after binding could be
/// taken by another test before it is used.
fn refusing_base_url() -> (socket2::Socket, String) {
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    socket
        .bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("a free port");
    let port = socket
        .local_addr()
        .ok()
        .and_then(|addr| addr.as_socket())
        .expect("an IP address")
        .port();
    (socket, format!("http://127.0.0.1:{port}"))
}

// ---------------------------------------------------------------------------------------
// Credentials

#[tokio::test]
async fn requests_carry_the_basic_header_of_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(video_answer(200))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{}/thumbnail", video_route())))
        .respond_with(video_answer(200))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    client
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("GET");
    let thumbnail = models::VideoThumbnailUploadPayload::new(FilePart::from_bytes(
        &b"\xff\xd8\xff\xd9"[..],
        "t.jpg",
    ));
    client
        .post_videos_video_id_thumbnail(VIDEO_ID, thumbnail)
        .await
        .expect("multipart POST");

    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(header(request, "authorization"), Some(BASIC_HEADER));
    }
}

#[tokio::test]
async fn the_upload_token_upload_carries_no_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/upload"))
        .respond_with(video_answer(201))
        .mount(&server)
        .await;
    let payload = models::TokenUploadPayload::new(FilePart::from_bytes(&b"data"[..], "a.mp4"));
    let video = client(&server.uri())
        .post_upload("to1tcmSFHeYY5KzyhOqVKMKb", None, payload)
        .await
        .expect("token upload")
        .into_inner();
    assert_eq!(video.video_id, VIDEO_ID);

    let requests = requests_to(&server, "/upload").await;
    assert_eq!(requests.len(), 1);
    assert_eq!(header(&requests[0], "authorization"), None);
    assert_eq!(
        requests[0].url.query(),
        Some("token=to1tcmSFHeYY5KzyhOqVKMKb")
    );
}

#[tokio::test]
async fn the_upload_token_upload_fetches_no_bearer_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/upload"))
        .respond_with(video_answer(201))
        .mount(&server)
        .await;
    let bearer = BearerToken::new(ApiKey::new(support::KEY).expect("key"), &server.uri())
        .expect("bearer strategy");
    let client = client_with(&server.uri(), Context::new(bearer));
    let payload = models::TokenUploadPayload::new(FilePart::from_bytes(&b"data"[..], "a.mp4"));
    client
        .post_upload("to1tcmSFHeYY5KzyhOqVKMKb", None, payload)
        .await
        .expect("token upload");

    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 1, "no call to /auth/api-key");
    assert_eq!(header(&requests[0], "authorization"), None);
}

#[tokio::test]
async fn an_anonymous_client_fails_before_sending_but_can_upload_with_a_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/upload"))
        .respond_with(video_answer(201))
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), Context::anonymous());

    match client.get_video().video_id(VIDEO_ID).send().await {
        Err(Error::Credentials(apivideo_api::auth::Error::MissingApiKey)) => {}
        other => panic!("expected a missing key, got {other:?}"),
    }
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        0,
        "nothing is sent without credentials"
    );

    let payload = models::TokenUploadPayload::new(FilePart::from_bytes(&b"data"[..], "a.mp4"));
    client
        .post_upload("to1tcmSFHeYY5KzyhOqVKMKb", Some("bytes 0-3/4"), payload)
        .await
        .expect("the token upload needs no key");
    let requests = requests_to(&server, "/upload").await;
    assert_eq!(requests.len(), 1);
    assert_eq!(header(&requests[0], "authorization"), None);
}

#[tokio::test]
async fn credentials_do_not_follow_a_redirect_to_another_origin() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(video_answer(200))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}{}", elsewhere.uri(), video_route())),
        )
        .mount(&server)
        .await;

    let result = client(&server.uri())
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await;
    match result {
        Err(Error::Redirect { status, location }) => {
            assert_eq!(status.as_u16(), 307);
            assert_eq!(
                location,
                Some(format!("{}{}", elsewhere.uri(), video_route()))
            );
        }
        other => panic!("expected a refused redirect, got {other:?}"),
    }

    let first = requests_to(&server, &video_route()).await;
    assert_eq!(first.len(), 1, "a redirect is not retried");
    assert_eq!(header(&first[0], "authorization"), Some(BASIC_HEADER));
    let followed = elsewhere.received_requests().await.expect("recording");
    assert!(followed.is_empty(), "nothing reaches the other origin");
}

#[tokio::test]
async fn a_redirect_followed_by_the_callers_own_client_is_refused() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(video_answer(200))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}{}", elsewhere.uri(), video_route())),
        )
        .mount(&server)
        .await;
    // A client that follows redirects: the answer from elsewhere is not taken for ours.
    let client = apivideo_api::Client::new_with_client(
        &server.uri(),
        reqwest::Client::new(),
        support::basic_context(),
    );
    let result = client.get_video().video_id(VIDEO_ID).send().await;
    assert!(matches!(result, Err(Error::Redirect { .. })), "{result:?}");
    let followed = requests_to(&elsewhere, &video_route()).await;
    assert_eq!(
        header(&followed[0], "authorization"),
        None,
        "reqwest drops it"
    );
}

// ---------------------------------------------------------------------------------------
// Retries

#[tokio::test]
async fn a_rate_limited_request_waits_as_told_and_is_sent_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(video_answer(200))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let started = Instant::now();
    let video = client
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("success after the wait")
        .into_inner();
    // A lower bound only: the wait the server asked for was honoured.
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(video.video_id, VIDEO_ID);
    assert_eq!(requests_to(&server, &video_route()).await.len(), 2);
}

#[tokio::test]
async fn a_rate_limited_create_is_sent_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/videos"))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/videos"))
        .respond_with(video_answer(201))
        .mount(&server)
        .await;
    client(&server.uri())
        .post_video()
        .body(models::VideoCreationPayload::new("Maths video"))
        .send()
        .await
        .expect("created after the 429");
    let requests = requests_to(&server, "/videos").await;
    assert_eq!(requests.len(), 2, "a 429 means nothing was done");
    assert_eq!(requests[0].body, requests[1].body);
}

#[tokio::test]
async fn a_wait_longer_than_the_cap_is_returned_to_the_caller() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", "3600"))
        .mount(&server)
        .await;
    let result = client(&server.uri())
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await;
    assert_eq!(status_of(result), 429);
    assert_eq!(requests_to(&server, &video_route()).await.len(), 1);
}

#[tokio::test]
async fn server_errors_on_a_get_are_retried_up_to_the_policy() {
    assert_eq!(RetryPolicy::default().attempts(), 3);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(ResponseTemplate::new(500).insert_header("x-request-id", "req-1"))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let result = client.get_video().video_id(VIDEO_ID).send().await;
    assert_eq!(status_of(result), 500);
    assert_eq!(requests_to(&server, &video_route()).await.len(), 3);
}

#[tokio::test]
async fn error_answers_keep_the_request_id_and_problem() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req-1")
                .set_body_json(
                    json!({"title": "The requested resource was not found.", "status": 404}),
                ),
        )
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect_err("404");
    let api = error.api_error().expect("an API error");
    assert_eq!(api.request_id.as_deref(), Some("req-1"));
    assert_eq!(api.title(), Some("The requested resource was not found."));
    assert_eq!(requests_to(&server, &video_route()).await.len(), 1);
}

#[tokio::test]
async fn a_server_error_then_success_on_a_get_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(video_answer(200))
        .mount(&server)
        .await;
    client(&server.uri())
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(requests_to(&server, &video_route()).await.len(), 2);
}

#[tokio::test]
async fn a_server_error_on_a_create_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/videos"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let result = client(&server.uri())
        .post_video()
        .body(models::VideoCreationPayload::new("Maths video"))
        .send()
        .await;
    assert_eq!(status_of(result), 500);
    assert_eq!(requests_to(&server, "/videos").await.len(), 1);
}

#[tokio::test]
async fn a_policy_without_retries_sends_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let context = support::basic_context().with_retry_policy(RetryPolicy::none());
    let result = client_with(&server.uri(), context)
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await;
    assert_eq!(status_of(result), 503);
    assert_eq!(requests_to(&server, &video_route()).await.len(), 1);
}

#[tokio::test]
async fn refused_connections_are_retried() {
    let fast = RetryPolicy::default()
        .max_attempts(4)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(20));
    let asked = Arc::new(AtomicUsize::new(0));
    let (_refusing, base_url) = refusing_base_url();
    let client = client_with(&base_url, counting_context(&asked).with_retry_policy(fast));

    let result = client.get_video().video_id(VIDEO_ID).send().await;
    match result {
        Err(Error::Transport(error)) => assert!(error.is_connect(), "{error}"),
        other => panic!("expected a connection error, got {other:?}"),
    }
    assert_eq!(asked.swap(0, Ordering::SeqCst), 4);

    // The request never reached a server, so even a create is sent again.
    let result = client
        .post_video()
        .body(models::VideoCreationPayload::new("Maths video"))
        .send()
        .await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
    assert_eq!(asked.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn refused_connections_are_retried_with_the_default_policy() {
    let asked = Arc::new(AtomicUsize::new(0));
    let (_refusing, base_url) = refusing_base_url();
    let result = client_with(&base_url, counting_context(&asked))
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
    assert_eq!(asked.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn multipart_bodies_in_memory_or_on_disk_are_retried_streams_are_sent_once() {
    let server = MockServer::start().await;
    let route = format!("{}/source", video_route());
    Mock::given(method("POST"))
        .and(path(route.clone()))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    // From memory: rebuilt for each attempt (replacing a source is idempotent).
    let result = client
        .post_videos_video_id_source(VIDEO_ID, None, upload(b"0123456789"))
        .await;
    assert_eq!(status_of(result), 500);
    let requests = requests_to(&server, &route).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(multipart_parts(request)[0].data, b"0123456789");
    }

    // From disk: read again for each attempt.
    let file = std::env::temp_dir().join(format!("apivideo-api-hooks-{}.mp4", std::process::id()));
    std::fs::write(&file, b"0123456789").expect("temp file");
    let part = FilePart::from_path(&file).await.expect("readable file");
    let result = client
        .post_videos_video_id_source(VIDEO_ID, None, models::VideoUploadPayload::new(part))
        .await;
    std::fs::remove_file(&file).ok();
    assert_eq!(status_of(result), 500);
    let requests = requests_to(&server, &route).await;
    assert_eq!(requests.len(), 6);
    for request in &requests[3..] {
        assert_eq!(multipart_parts(request)[0].data, b"0123456789");
    }

    // A stream handed over once cannot be sent again.
    let stream = FilePart::from_body(reqwest::Body::from(&b"0123456789"[..]), Some(10), "a.mp4");
    assert!(!stream.is_replayable());
    let result = client
        .post_videos_video_id_source(VIDEO_ID, None, models::VideoUploadPayload::new(stream))
        .await;
    assert_eq!(status_of(result), 500);
    assert_eq!(requests_to(&server, &route).await.len(), 7);
}

#[tokio::test]
async fn a_rate_limited_multipart_upload_waits_and_is_sent_again() {
    let server = MockServer::start().await;
    let route = format!("{}/source", video_route());
    Mock::given(method("POST"))
        .and(path(route.clone()))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", "0"))
        .mount(&server)
        .await;
    let result = client(&server.uri())
        .post_videos_video_id_source(VIDEO_ID, Some("bytes 0-3/4"), upload(b"abcd"))
        .await;
    assert_eq!(status_of(result), 429);
    assert_eq!(requests_to(&server, &route).await.len(), 3);
}

// ---------------------------------------------------------------------------------------
// 401 and fresh credentials

fn token_answer(access_token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "refresh_token": format!("refresh-{access_token}"),
        "expires_in": 3600,
    }))
}

/// `/auth/api-key` answers `token-one` the first time and `token-two` afterwards.
async fn mount_token_endpoint(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(token_answer("token-one"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(token_answer("token-two"))
        .mount(server)
        .await;
}

fn bearer_context(server: &MockServer) -> Context {
    let key = ApiKey::new(support::KEY).expect("key");
    Context::new(BearerToken::new(key, &server.uri()).expect("bearer strategy"))
}

fn authorizations(requests: &[Request]) -> Vec<Option<&str>> {
    requests
        .iter()
        .map(|r| header(r, "authorization"))
        .collect()
}

#[tokio::test]
async fn a_401_is_retried_once_with_a_fresh_token_and_a_second_401_is_returned() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server).await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), bearer_context(&server));

    let result = client.get_video().video_id(VIDEO_ID).send().await;
    assert_eq!(status_of(result), 401);

    let api = requests_to(&server, &video_route()).await;
    assert_eq!(
        authorizations(&api),
        [Some("Bearer token-one"), Some("Bearer token-two")]
    );
    let auth = requests_to(&server, "/auth/api-key").await;
    assert_eq!(auth.len(), 2);
    for request in &auth {
        assert_eq!(header(request, "authorization"), None);
        assert_eq!(
            request.body_json::<serde_json::Value>().expect("JSON"),
            json!({"apiKey": support::KEY})
        );
    }
}

#[tokio::test]
async fn a_401_then_success_with_the_fresh_token() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server).await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(video_answer(200))
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), bearer_context(&server));
    client
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("success with the second token");
    // The fresh token is kept for the next call.
    client
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("second call");
    let api = requests_to(&server, &video_route()).await;
    assert_eq!(
        authorizations(&api),
        [
            Some("Bearer token-one"),
            Some("Bearer token-two"),
            Some("Bearer token-two")
        ]
    );
    assert_eq!(requests_to(&server, "/auth/api-key").await.len(), 2);
}

#[tokio::test]
async fn a_401_with_a_fixed_key_is_returned_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let result = client(&server.uri())
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await;
    assert_eq!(status_of(result), 401);
    assert_eq!(
        requests_to(&server, &video_route()).await.len(),
        1,
        "the same key again would be refused again"
    );
}

/// A multipart upload cannot be replayed after a 401, but the refused token must still be
/// dropped so that the caller's next upload (the retry of a chunk) gets a fresh one.
#[tokio::test]
async fn a_401_on_an_upload_is_sent_again_with_a_fresh_token() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server).await;
    let route = format!("{}/source", video_route());
    Mock::given(method("POST"))
        .and(path(route.clone()))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(route.clone()))
        .respond_with(video_answer(201))
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), bearer_context(&server));
    client
        .post_videos_video_id_source(VIDEO_ID, None, upload(b"abcd"))
        .await
        .expect("the body is sent again with a fresh token");
    let requests = requests_to(&server, &route).await;
    assert_eq!(
        authorizations(&requests),
        [Some("Bearer token-one"), Some("Bearer token-two")]
    );
    for request in &requests {
        assert_eq!(multipart_parts(request)[0].data, b"abcd");
    }
}

// ---------------------------------------------------------------------------------------

/// progenitor passes the method name (`post_auth_api_key`) to the hooks, not the spec's
/// operationId (`POST_auth-api-key`); the runtime must still recognise the token
/// endpoints as needing no credentials.
#[tokio::test]
async fn token_endpoints_are_called_without_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(token_answer("token-one"))
        .mount(&server)
        .await;
    for context in [support::basic_context(), Context::anonymous()] {
        let token = client_with(&server.uri(), context)
            .post_auth_api_key()
            .body(models::AuthenticatePayload::new(support::KEY))
            .send()
            .await
            .expect("the token endpoint needs no Authorization header")
            .into_inner();
        assert_eq!(token.access_token.as_deref(), Some("token-one"));
    }
    for request in requests_to(&server, "/auth/api-key").await {
        assert_eq!(header(&request, "authorization"), None);
    }
}

/// Strategies learn the spec operationId of every call, generated or hand-written.
#[tokio::test]
async fn strategies_are_told_the_operation_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(video_route()))
        .respond_with(video_answer(200))
        .mount(&server)
        .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = seen.clone();
    let strategy = auth_fn(move |context| {
        recorder
            .lock()
            .expect("lock")
            .push(context.operation_id.map(str::to_owned));
        async {
            let key = ApiKey::new(support::KEY)?;
            Ok(Some(Authorization::basic(&key)))
        }
    });
    client_with(&server.uri(), Context::new(strategy))
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("GET");
    assert_eq!(*seen.lock().expect("lock"), [Some("GET-video".to_owned())]);
}
