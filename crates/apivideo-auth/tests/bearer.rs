//! `BearerToken` against a wiremock api.video: single flight, renewal, fallback, failures,
//! invalidation.

#![cfg(feature = "reqwest")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use apivideo_auth::{
    Authorization, BearerToken, Error, ManualClock, ProvideAuthorization, RequestContext,
    ReqwestTokenEndpoint, SharedAuth,
};
use common::*;
use secrecy::SecretString;
use tokio::sync::Barrier;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TASKS: usize = 100;
const SLOW: Duration = Duration::from_millis(300);

fn bearer_header(n: &str) -> String {
    format!("Bearer {}", access(n))
}

fn header_string(auth: &Authorization) -> String {
    auth.header_value().to_str().expect("ASCII").to_owned()
}

/// Starts `TASKS` tasks that ask at the same moment, and returns what each got.
async fn ask_concurrently(auth: Arc<BearerToken>) -> Vec<Result<Authorization, Error>> {
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let auth = Arc::clone(&auth);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                auth.authorization_header().await
            })
        })
        .collect();
    let mut results = Vec::with_capacity(TASKS);
    for task in tasks {
        results.push(task.await.expect("task did not panic"));
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_requests_share_one_fetch() {
    let server = MockServer::start().await;
    authenticate_mock("A", SLOW).expect(1).mount(&server).await;
    let auth = Arc::new(bearer(&server, &ManualClock::new()));

    let results = ask_concurrently(Arc::clone(&auth)).await;

    assert_eq!(results.len(), TASKS);
    for result in &results {
        let header = result.as_ref().expect("every task gets the token");
        assert_eq!(header_string(header), bearer_header("A"));
    }
    assert_eq!(count(&server, "/auth/api-key").await, 1);
    assert_eq!(count(&server, "/auth/refresh").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_at_refresh_time_share_one_refresh() {
    let server = MockServer::start().await;
    authenticate_mock("A", Duration::ZERO)
        .expect(1)
        .mount(&server)
        .await;
    refresh_mock("A", "B", SLOW).expect(1).mount(&server).await;
    let clock = ManualClock::new();
    let auth = Arc::new(bearer(&server, &clock));

    let first = auth.authorization_header().await.expect("first token");
    assert_eq!(header_string(&first), bearer_header("A"));

    // Just before the renewal point the cached token is served without any request.
    clock.advance(due_time() - Duration::from_millis(1));
    let still = auth.authorization_header().await.expect("cached token");
    assert_eq!(header_string(&still), bearer_header("A"));
    assert_eq!(count(&server, "/auth/refresh").await, 0);

    clock.advance(Duration::from_millis(1));
    let results = ask_concurrently(Arc::clone(&auth)).await;

    for result in &results {
        let header = result.as_ref().expect("every task gets the renewed token");
        assert_eq!(header_string(header), bearer_header("B"));
    }
    assert_eq!(count(&server, "/auth/refresh").await, 1);
    assert_eq!(count(&server, "/auth/api-key").await, 1);
}

#[tokio::test]
async fn rejected_refresh_falls_back_to_the_key_once() {
    let server = MockServer::start().await;
    authenticate_mock("A", Duration::ZERO)
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    authenticate_mock("B", Duration::ZERO)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh"))
        .and(wiremock::matchers::body_json(
            serde_json::json!({"refreshToken": refresh("A")}),
        ))
        .respond_with(ResponseTemplate::new(400).set_body_json(invalid_credentials()))
        .expect(1)
        .mount(&server)
        .await;
    refresh_mock("B", "C", Duration::ZERO)
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let auth = bearer(&server, &clock);

    assert_eq!(
        header_string(&auth.authorization_header().await.expect("A")),
        bearer_header("A")
    );
    clock.advance(due_time());
    let after_fallback = auth
        .authorization_header()
        .await
        .expect("fallback succeeds");
    assert_eq!(header_string(&after_fallback), bearer_header("B"));
    assert_eq!(count(&server, "/auth/api-key").await, 2);
    assert_eq!(count(&server, "/auth/refresh").await, 1);

    // The next renewal uses the refresh token that came with the fallback token.
    clock.advance(due_time());
    let renewed = auth.authorization_header().await.expect("refresh of B");
    assert_eq!(header_string(&renewed), bearer_header("C"));
    assert_eq!(count(&server, "/auth/api-key").await, 2);
    assert_eq!(count(&server, "/auth/refresh").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_fetch_fails_all_waiters_and_the_next_call_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        // A 404 is not transient, so the endpoint does not retry it by itself.
        .respond_with(ResponseTemplate::new(404).set_delay(SLOW))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    authenticate_mock("A", Duration::ZERO)
        .expect(1)
        .mount(&server)
        .await;
    let auth = Arc::new(bearer(&server, &ManualClock::new()));

    let results = ask_concurrently(Arc::clone(&auth)).await;
    for result in &results {
        match result {
            Err(Error::MalformedTokenResponse { status: 404, .. }) => {}
            other => panic!("expected the shared 404 error, got {other:?}"),
        }
    }
    assert_eq!(count(&server, "/auth/api-key").await, 1);

    let retried = auth
        .authorization_header()
        .await
        .expect("the retry succeeds");
    assert_eq!(header_string(&retried), bearer_header("A"));
    assert_eq!(count(&server, "/auth/api-key").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_fails_all_waiters_and_the_next_call_retries() {
    // A socket bound but not listening: connections are refused, and no other test can
    // take the port before the server below listens on it.
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    socket
        .bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("bind");
    let addr = socket
        .local_addr()
        .ok()
        .and_then(|addr| addr.as_socket())
        .expect("an IP address");
    let endpoint =
        ReqwestTokenEndpoint::new(http(), &format!("http://{addr}")).expect("valid base URL");
    let auth = Arc::new(
        BearerToken::builder(api_key(), endpoint)
            .clock(ManualClock::new())
            .build(),
    );

    let results = ask_concurrently(Arc::clone(&auth)).await;
    for result in &results {
        assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
    }

    // Bring the server up on the same port: the next call must try again, not replay.
    socket.listen(128).expect("listen");
    let server = MockServer::builder()
        .listener(std::net::TcpListener::from(socket))
        .start()
        .await;
    authenticate_mock("A", Duration::ZERO)
        .expect(1)
        .mount(&server)
        .await;
    let retried = auth
        .authorization_header()
        .await
        .expect("the retry succeeds");
    assert_eq!(header_string(&retried), bearer_header("A"));
}

#[tokio::test]
async fn an_invalid_key_is_rejected_with_the_problem_details() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(ResponseTemplate::new(400).set_body_json(invalid_credentials()))
        .expect(2)
        .mount(&server)
        .await;
    let auth = bearer(&server, &ManualClock::new());

    let error = auth.authorization_header().await.expect_err("rejected");
    match &error {
        Error::Rejected { status, problem } => {
            assert_eq!(*status, 400);
            assert_eq!(
                problem.r#type.as_deref(),
                Some("https://docs.api.video/reference/authentication-invalid-user-credentials")
            );
            assert_eq!(
                problem.title.as_deref(),
                Some("The user credentials were incorrect.")
            );
            assert_eq!(problem.status, Some(400));
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    let display = error.to_string();
    let debug = format!("{error:?} {auth:?}");
    assert!(
        display.contains("The user credentials were incorrect."),
        "{display}"
    );
    for text in [&display, &debug] {
        assert!(!text.contains(KEY) && !text.contains(KEY_BASE64), "{text}");
    }

    // A refusal is not cached: asking again asks the server again.
    assert!(
        auth.authorization_header()
            .await
            .expect_err("rejected")
            .is_rejected()
    );
    assert_eq!(count(&server, "/auth/api-key").await, 2);
}

#[tokio::test]
async fn invalidating_the_current_token_fetches_a_new_one() {
    let server = MockServer::start().await;
    authenticate_mock("A", Duration::ZERO)
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    authenticate_mock("B", Duration::ZERO)
        .expect(1)
        .mount(&server)
        .await;
    let auth = bearer(&server, &ManualClock::new());

    let a = auth.authorization_header().await.expect("A");
    auth.invalidate(&a);
    let b = auth.authorization_header().await.expect("B");
    assert_eq!(header_string(&b), bearer_header("B"));
    assert_eq!(count(&server, "/auth/api-key").await, 2);
}

#[tokio::test]
async fn invalidating_a_stale_token_changes_nothing() {
    let server = MockServer::start().await;
    authenticate_mock("A", Duration::ZERO)
        .expect(1)
        .mount(&server)
        .await;
    let auth = bearer(&server, &ManualClock::new());

    let a = auth.authorization_header().await.expect("A");
    let stale = Authorization::bearer(&SecretString::from(access("OLD"))).expect("valid");
    auth.invalidate(&stale);
    let again = auth.authorization_header().await.expect("still A");
    assert_eq!(again, a);
    assert_eq!(count(&server, "/auth/api-key").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stampede_of_401s_causes_one_refetch() {
    let server = MockServer::start().await;
    authenticate_mock("A", Duration::ZERO)
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    authenticate_mock("B", SLOW).expect(1).mount(&server).await;
    let auth = Arc::new(bearer(&server, &ManualClock::new()));
    let a = auth.authorization_header().await.expect("A");

    // Wave 1: 401s for A arrive while the new token is being fetched.
    // Wave 2: late 401s for A arrive after B is cached; they must not evict B.
    for wave in 1..=2 {
        let barrier = Arc::new(Barrier::new(TASKS));
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let (auth, barrier, a) = (Arc::clone(&auth), Arc::clone(&barrier), a.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    auth.invalidate(&a);
                    auth.authorization_header().await
                })
            })
            .collect();
        for task in tasks {
            let header = task.await.expect("no panic").expect("token B");
            assert_eq!(header_string(&header), bearer_header("B"), "wave {wave}");
        }
        assert_eq!(count(&server, "/auth/api-key").await, 2, "wave {wave}");
    }
}

#[tokio::test]
async fn a_short_lived_token_is_renewed_before_it_expires() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("A", 4)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("B", 4)))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    // Default margin (60 s) and jitter (30 s) both exceed the lifetime: half-life applies.
    let endpoint = ReqwestTokenEndpoint::new(http(), &server.uri()).expect("valid base");
    let auth = BearerToken::builder(api_key(), endpoint)
        .clock(clock.clone())
        .min_lifetime(Duration::from_secs(1))
        .build();

    assert_eq!(
        header_string(&auth.authorization_header().await.expect("A")),
        bearer_header("A")
    );
    clock.advance(Duration::from_millis(1900));
    assert_eq!(
        header_string(&auth.authorization_header().await.expect("A")),
        bearer_header("A")
    );
    assert_eq!(count(&server, "/auth/refresh").await, 0);

    // 3 s into a 4 s token: past the half-life, not yet expired.
    clock.advance(Duration::from_millis(1100));
    assert_eq!(
        header_string(&auth.authorization_header().await.expect("B")),
        bearer_header("B")
    );
    assert_eq!(count(&server, "/auth/refresh").await, 1);
    assert_eq!(count(&server, "/auth/api-key").await, 1);
}

#[tokio::test]
async fn a_failed_renewal_keeps_serving_the_unexpired_token() {
    let server = MockServer::start().await;
    authenticate_mock("A", Duration::ZERO)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh"))
        // The endpoint makes three attempts per renewal: an outage that outlasts them.
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(3)
        .expect(3)
        .mount(&server)
        .await;
    refresh_mock("A", "B", Duration::ZERO)
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let auth = bearer(&server, &clock);

    auth.authorization_header().await.expect("A");
    clock.advance(due_time());
    let during_outage = auth.authorization_header().await.expect("still A");
    assert_eq!(header_string(&during_outage), bearer_header("A"));
    // Within the retry pause the token is served without asking the server again.
    clock.advance(Duration::from_secs(1));
    auth.authorization_header().await.expect("still A");
    assert_eq!(count(&server, "/auth/refresh").await, 3);

    clock.advance(Duration::from_secs(5));
    let renewed = auth.authorization_header().await.expect("B");
    assert_eq!(header_string(&renewed), bearer_header("B"));
    assert_eq!(count(&server, "/auth/refresh").await, 4);
}

#[tokio::test]
async fn credential_free_requests_never_fetch() {
    let server = MockServer::start().await;
    authenticate_mock("A", Duration::ZERO)
        .expect(1)
        .mount(&server)
        .await;
    let auth = SharedAuth::from(bearer(&server, &ManualClock::new()));
    let post = http::Method::POST;
    let get = http::Method::GET;
    let upload_url = format!("{}/upload?token=to1abc", server.uri());
    let upload = RequestContext::new(&post, &upload_url);
    assert_eq!(auth.authorization(&upload).await.expect("no fetch"), None);
    assert_eq!(count(&server, "/auth/api-key").await, 0);

    let videos_url = format!("{}/videos", server.uri());
    let videos = RequestContext::new(&get, &videos_url);
    let header = auth
        .authorization(&videos)
        .await
        .expect("fetch")
        .expect("a header");
    assert_eq!(header_string(&header), bearer_header("A"));
}

#[test]
fn new_refuses_a_bad_base_url() {
    for bad in [
        "ws.api.video",
        "ftp://ws.api.video",
        "https://u:p@ws.api.video",
    ] {
        let result = BearerToken::new(api_key(), bad);
        assert!(matches!(result, Err(Error::InvalidBaseUrl { .. })), "{bad}");
    }
    assert!(BearerToken::new(api_key(), apivideo_auth::SANDBOX_BASE_URL).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_token_request_waits_and_is_sent_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    authenticate_mock("A", Duration::ZERO).mount(&server).await;
    let auth = bearer(&server, &ManualClock::new());

    let started = std::time::Instant::now();
    let header = auth
        .authorization_header()
        .await
        .expect("the second attempt succeeds");
    assert_eq!(header_string(&header), bearer_header("A"));
    assert_eq!(count(&server, "/auth/api-key").await, 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as asked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_token_endpoint_is_tried_three_times_then_reported_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let auth = bearer(&server, &ManualClock::new());

    match auth.authorization_header().await {
        Err(Error::Unavailable { status: 503, .. }) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(count(&server, "/auth/api-key").await, 3);
}

/// A server that hands out tokens announced to live 0 s cannot make callers storm it:
/// concurrent callers share one request, and the next one waits for the lifetime floor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_second_tokens_cause_no_refresh_storm() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(token_body("Z", 0))
                .set_delay(SLOW),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("Y", 0)))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let auth = Arc::new(bearer(&server, &clock));

    let results = ask_concurrently(Arc::clone(&auth)).await;
    for result in &results {
        assert_eq!(
            header_string(result.as_ref().expect("a token")),
            bearer_header("Z")
        );
    }
    assert_eq!(
        count(&server, "/auth/api-key").await,
        1,
        "one request for 100 callers"
    );

    // Half the floor later (when renewal is due), still no storm: one refresh in all.
    clock.advance(apivideo_auth::MIN_TOKEN_LIFETIME / 2 - Duration::from_millis(1));
    ask_concurrently(Arc::clone(&auth)).await;
    assert_eq!(count(&server, "/auth/refresh").await, 0);
    clock.advance(Duration::from_millis(1));
    let results = ask_concurrently(Arc::clone(&auth)).await;
    for result in &results {
        assert_eq!(
            header_string(result.as_ref().expect("a token")),
            bearer_header("Y")
        );
    }
    assert_eq!(count(&server, "/auth/refresh").await, 1);
    assert_eq!(count(&server, "/auth/api-key").await, 1);
}
