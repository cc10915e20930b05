//! What the hooks do to every request: credentials, retries, re-authentication and the
//! call log. Counts are measured on the wiremock server, never inferred from timing.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apivideo_api::auth::{ApiKey, Authorization, BearerToken, auth_fn};
use apivideo_api::multipart::FilePart;
use apivideo_api::{CallLog, Context, CredentialsFailure, Error, RetryPolicy, models};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use support::{BASIC_HEADER, client, client_with, header};

const VIDEO_ID: &str = "vi4blUQJFrYWbaG44NChkH27";

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
        Err(Error::UnexpectedResponse(response)) => response.status().as_u16(),
        other => panic!("expected an error response, got {other:?}"),
    }
}

/// A base URL on which nothing listens.
fn refusing_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("an address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
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
    let log = Arc::new(CallLog::default());
    let client = client_with(&server.uri(), Context::anonymous()).with_call_log(log.clone());

    match client.get_video().video_id(VIDEO_ID).send().await {
        Err(Error::Custom(message)) => assert!(
            message.contains("needs an API key"),
            "unexpected message {message:?}"
        ),
        other => panic!("expected Error::Custom, got {other:?}"),
    }
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        0,
        "nothing is sent without credentials"
    );
    let record = log.snapshot();
    assert!(
        matches!(record.credentials, Some(CredentialsFailure::Missing)),
        "{record:?}"
    );
    assert_eq!(record.attempts, 0);

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

    client(&server.uri())
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("redirected GET");

    let first = requests_to(&server, &video_route()).await;
    assert_eq!(header(&first[0], "authorization"), Some(BASIC_HEADER));
    let followed = requests_to(&elsewhere, &video_route()).await;
    assert_eq!(followed.len(), 1);
    assert_eq!(header(&followed[0], "authorization"), None);
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
    let log = Arc::new(CallLog::default());
    let client = client(&server.uri()).with_call_log(log.clone());

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
    let record = log.snapshot();
    assert_eq!(record.attempts, 2);
    assert_eq!(record.status.map(|s| s.as_u16()), Some(200));
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
    let log = Arc::new(CallLog::default());
    let client = client(&server.uri()).with_call_log(log.clone());

    let result = client.get_video().video_id(VIDEO_ID).send().await;
    assert_eq!(status_of(result), 500);
    assert_eq!(requests_to(&server, &video_route()).await.len(), 3);
    let record = log.snapshot();
    assert_eq!(record.attempts, 3);
    assert_eq!(record.status.map(|s| s.as_u16()), Some(500));
    assert_eq!(
        record
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("req-1")
    );
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
    let log = Arc::new(CallLog::default());
    client(&server.uri())
        .with_call_log(log.clone())
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(requests_to(&server, &video_route()).await.len(), 2);
    assert_eq!(log.snapshot().attempts, 2);
}

#[tokio::test]
async fn a_server_error_on_a_create_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/videos"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let log = Arc::new(CallLog::default());
    let result = client(&server.uri())
        .with_call_log(log.clone())
        .post_video()
        .body(models::VideoCreationPayload::new("Maths video"))
        .send()
        .await;
    assert_eq!(status_of(result), 500);
    assert_eq!(requests_to(&server, "/videos").await.len(), 1);
    assert_eq!(log.snapshot().attempts, 1);
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
    let client = client_with(
        &refusing_base_url(),
        support::basic_context().with_retry_policy(fast),
    );

    let log = Arc::new(CallLog::default());
    let result = client
        .with_call_log(log.clone())
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await;
    match result {
        Err(Error::CommunicationError(error)) => assert!(error.is_connect(), "{error}"),
        other => panic!("expected a connection error, got {other:?}"),
    }
    let record = log.snapshot();
    assert_eq!(record.attempts, 4);
    assert_eq!(record.status, None);

    // The request never reached a server, so even a create is sent again.
    let log = Arc::new(CallLog::default());
    let result = client
        .with_call_log(log.clone())
        .post_video()
        .body(models::VideoCreationPayload::new("Maths video"))
        .send()
        .await;
    assert!(matches!(result, Err(Error::CommunicationError(_))));
    assert_eq!(log.snapshot().attempts, 4);
}

#[tokio::test]
async fn refused_connections_are_retried_with_the_default_policy() {
    let log = Arc::new(CallLog::default());
    let result = client(&refusing_base_url())
        .with_call_log(log.clone())
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await;
    assert!(matches!(result, Err(Error::CommunicationError(_))));
    assert_eq!(log.snapshot().attempts, 3);
}

#[tokio::test]
async fn multipart_bodies_are_sent_once() {
    let server = MockServer::start().await;
    let route = format!("{}/source", video_route());
    Mock::given(method("POST"))
        .and(path(route.clone()))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    // From memory: still a streamed multipart body.
    let log = Arc::new(CallLog::default());
    let result = client
        .with_call_log(log.clone())
        .post_videos_video_id_source(VIDEO_ID, None, upload(b"0123456789"))
        .await;
    assert_eq!(status_of(result), 500);
    assert_eq!(requests_to(&server, &route).await.len(), 1);
    assert_eq!(log.snapshot().attempts, 1);

    // From disk.
    let file = std::env::temp_dir().join(format!("apivideo-api-hooks-{}.mp4", std::process::id()));
    std::fs::write(&file, b"0123456789").expect("temp file");
    let part = FilePart::from_path(&file).await.expect("readable file");
    let result = client
        .post_videos_video_id_source(VIDEO_ID, None, models::VideoUploadPayload::new(part))
        .await;
    std::fs::remove_file(&file).ok();
    assert_eq!(status_of(result), 500);
    let requests = requests_to(&server, &route).await;
    assert_eq!(requests.len(), 2, "one more request, not three");
    let parts = support::multipart_parts(&requests[1]);
    assert_eq!(parts[0].data, b"0123456789");
}

#[tokio::test]
async fn a_rate_limited_multipart_upload_is_returned_to_the_caller() {
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
    assert_eq!(requests_to(&server, &route).await.len(), 1);
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
    let log = Arc::new(CallLog::default());
    let client = client_with(&server.uri(), bearer_context(&server)).with_call_log(log.clone());

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
    let record = log.snapshot();
    assert_eq!(record.attempts, 2);
    assert_eq!(record.status.map(|s| s.as_u16()), Some(401));
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
async fn a_401_on_an_upload_invalidates_the_refused_token() {
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
    let first = client
        .post_videos_video_id_source(VIDEO_ID, None, upload(b"abcd"))
        .await;
    assert_eq!(status_of(first), 401);
    client
        .post_videos_video_id_source(VIDEO_ID, None, upload(b"abcd"))
        .await
        .expect("the second upload uses a fresh token");
    assert_eq!(
        authorizations(&requests_to(&server, &route).await),
        [Some("Bearer token-one"), Some("Bearer token-two")]
    );
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
