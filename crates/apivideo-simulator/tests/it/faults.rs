//! Fault injection and the request log.

use std::time::{Duration, Instant};

use apivideo_simulator::Simulator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn fail_next_answers_the_status_then_lets_requests_through() {
    let sim = Simulator::start().await;
    sim.faults().fail_next("POST /videos", 2, 503);
    for _ in 0..2 {
        let response = call(&sim, Method::POST, "/videos")
            .json(&json!({"title": "retry me"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers().contains_key("x-ratelimit-limit"));
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 503);
    }
    create_video(&sim, json!({"title": "retry me"})).await;
    let statuses: Vec<Option<u16>> = sim
        .received_requests()
        .iter()
        .filter(|r| r.route == "POST /videos")
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(201)]);
    assert_eq!(sim.request_count("POST /videos"), 3);
    // The failures changed nothing: one video exists.
    let list: Value = expect(call(&sim, Method::GET, "/videos"), StatusCode::OK).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_injected_429_says_when_to_retry() {
    let sim = Simulator::start().await;
    sim.faults()
        .fail_next("GET /videos/{videoId}", 1, 429)
        .retry_after(3);
    let response = call(&sim, Method::GET, "/videos/vi123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["x-ratelimit-retry-after"], "3");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "0");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(
        problem["type"],
        "https://docs.api.video/reference/too-many-requests"
    );
    // Then the route answers normally (404: no such video).
    expect_status(
        call(&sim, Method::GET, "/videos/vi123"),
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn reset_next_drops_the_connection_mid_body() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "reset"})).await;
    let file = sample(2 << 20);
    sim.faults().reset_next("POST /videos/{videoId}/source", 1);

    let upload = || {
        call(&sim, Method::POST, &format!("/videos/{id}/source"))
            .multipart(file_form(&file, "big.mp4"))
            .send()
    };
    let error = upload().await.expect_err("the connection is reset");
    assert!(error.status().is_none(), "no HTTP answer: {error}");
    assert!(
        error.is_request() || error.is_connect() || error.is_body(),
        "{error:?}"
    );
    assert_eq!(
        sim.video_source(&id),
        None,
        "nothing stored from the cut request"
    );

    let response = upload().await.expect("the retry goes through");
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(sim.video_source(&id).unwrap(), file);
    let statuses: Vec<Option<u16>> = sim
        .received_requests()
        .iter()
        .filter(|r| r.route == "POST /videos/{videoId}/source")
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [None, Some(201)]);
}

/// Wall-clock checks with margin on a loaded machine: a delay that applies is checked
/// with a lower bound only (it cannot be shorter); one that must not apply is made a
/// minute long, so an answer within 20 s proves it was not applied.
#[tokio::test]
async fn latency_delays_one_route_or_all() {
    const LONG: Duration = Duration::from_secs(60);
    const SOON: Duration = Duration::from_secs(20);
    let sim = Simulator::start().await;
    let timed = |path: &'static str| {
        let request = call(&sim, Method::GET, path);
        async move {
            let started = Instant::now();
            expect_status(request, StatusCode::OK).await;
            started.elapsed()
        }
    };

    // One route.
    sim.faults()
        .latency("GET /videos", Duration::from_millis(600));
    assert!(timed("/videos").await >= Duration::from_millis(600));
    sim.faults().latency("GET /videos", LONG);
    assert!(
        timed("/webhooks").await < SOON,
        "other routes are not delayed"
    );

    // Every route; a route's own latency wins.
    sim.faults()
        .latency("GET /videos", Duration::from_millis(600))
        .latency("*", Duration::from_millis(300));
    assert!(timed("/webhooks").await >= Duration::from_millis(300));
    assert!(
        timed("/videos").await >= Duration::from_millis(600),
        "its own latency wins"
    );

    // Removed: for every route without its own, then altogether.
    sim.faults()
        .latency("*", LONG)
        .latency(None, Duration::ZERO);
    assert!(timed("/tags").await < SOON);
    sim.faults().latency("GET /videos", LONG).clear();
    assert!(timed("/videos").await < SOON);
}

#[tokio::test]
async fn the_log_keeps_the_scheme_never_the_credentials() {
    let sim = Simulator::builder()
        .api_key("super-secret-key")
        .start()
        .await
        .unwrap();
    let id = create_video(&sim, json!({"title": "log"})).await;
    call(&sim, Method::POST, &format!("/videos/{id}/source"))
        .header("Content-Range", "bytes 0-9/20")
        .multipart(file_form(&sample(10), "a.mp4"))
        .send()
        .await
        .unwrap();
    let token: Value = http()
        .post(format!("{}/auth/api-key", sim.base_url()))
        .json(&json!({"apiKey": "super-secret-key"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = token["access_token"].as_str().unwrap();
    http()
        .get(format!("{}/videos?currentPage=1", sim.base_url()))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();

    let log = sim.received_requests();
    assert_eq!(log.len(), 4);
    let upload = &log[1];
    assert_eq!(upload.method, "POST");
    assert_eq!(upload.route, "POST /videos/{videoId}/source");
    assert_eq!(upload.path, format!("/videos/{id}/source"));
    assert_eq!(upload.content_range.as_deref(), Some("bytes 0-9/20"));
    assert!(
        upload
            .content_type
            .as_deref()
            .unwrap()
            .starts_with("multipart/form-data")
    );
    assert_eq!(upload.authorization.as_deref(), Some("Basic"));
    assert_eq!(log[2].authorization, None);
    assert_eq!(log[3].authorization.as_deref(), Some("Bearer"));
    assert_eq!(log[3].path, "/videos?currentPage=1");
    assert_eq!(log[3].status, Some(200));
    let dump = format!("{log:?}");
    assert!(!dump.contains("super-secret-key"));
    assert!(!dump.contains(access));
    assert_eq!(sim.request_count("post /auth/api-key"), 1);
    assert_eq!(sim.request_count("GET /videos"), 1);
}

#[tokio::test]
#[should_panic(expected = "unknown route")]
async fn faults_on_unknown_routes_are_test_bugs() {
    let sim = Simulator::start().await;
    sim.faults().fail_next("POST /videos/vi123/source", 1, 500);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let sim = Simulator::start().await;
    let url = format!("{}/videos", sim.base_url());
    sim.shutdown().await;
    let error = http().get(&url).send().await.expect_err("nothing listens");
    assert!(error.is_connect() || error.is_request(), "{error:?}");

    let sim = Simulator::start().await;
    let url = format!("{}/videos", sim.base_url());
    drop(sim);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(http().get(&url).send().await.is_err());
}

/// `/_simulator/faults`: the same faults over HTTP, for tests in other languages.
#[tokio::test]
async fn faults_can_be_injected_over_http() {
    let sim = Simulator::start().await;
    let control =
        |method: Method| http().request(method, format!("{}/_simulator/faults", sim.base_url()));
    expect_status(
        control(Method::POST).json(&json!({
            "failNext": {"route": "get /videos/{videoId}", "status": 503, "times": 2},
            "latency": {"route": "GET /webhooks", "ms": 300},
            "retryAfter": 7,
        })),
        StatusCode::NO_CONTENT,
    )
    .await;
    for _ in 0..2 {
        expect_status(
            call(&sim, Method::GET, "/videos/vi1"),
            StatusCode::SERVICE_UNAVAILABLE,
        )
        .await;
    }
    expect_status(
        call(&sim, Method::GET, "/videos/vi1"),
        StatusCode::NOT_FOUND,
    )
    .await;
    let started = Instant::now();
    expect_status(call(&sim, Method::GET, "/webhooks"), StatusCode::OK).await;
    assert!(started.elapsed() >= Duration::from_millis(300));

    expect_status(
        control(Method::POST).json(&json!({"failNext": {"route": "POST /upload", "status": 429}})),
        StatusCode::NO_CONTENT,
    )
    .await;
    let limited = expect_status(
        http().post(format!("{}/upload?token=to1", sim.base_url())),
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    assert_eq!(limited.headers()["x-ratelimit-retry-after"], "7");

    // A reset, then the rate limit lowered.
    expect_status(
        control(Method::POST)
            .json(&json!({"resetNext": {"route": "GET /tags"}, "rateLimit": 1000})),
        StatusCode::NO_CONTENT,
    )
    .await;
    assert!(call(&sim, Method::GET, "/tags").send().await.is_err());
    expect_status(call(&sim, Method::GET, "/tags"), StatusCode::OK).await;

    // DELETE clears what is pending.
    expect_status(
        control(Method::POST).json(&json!({"failNext": {"route": "GET /tags", "status": 500}})),
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_status(control(Method::DELETE), StatusCode::NO_CONTENT).await;
    expect_status(call(&sim, Method::GET, "/tags"), StatusCode::OK).await;

    expect_status(
        control(Method::POST).json(&json!({"rateLimit": 0})),
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_status(
        call(&sim, Method::GET, "/tags"),
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;

    // The control calls are neither rate limited nor recorded.
    expect_status(
        control(Method::POST).json(&json!({"rateLimit": 1000})),
        StatusCode::NO_CONTENT,
    )
    .await;
    assert!(
        sim.received_requests()
            .iter()
            .all(|request| !request.path.starts_with("/_simulator"))
    );
}

#[tokio::test]
async fn bad_control_requests_are_refused_and_change_nothing() {
    let sim = Simulator::start().await;
    let url = format!("{}/_simulator/faults", sim.base_url());
    for (body, name) in [
        (
            json!({"failNext": {"route": "GET /nope", "status": 500}}),
            "failNext[route]",
        ),
        (
            json!({"failNext": {"route": "GET /tags", "status": 99}}),
            "failNext[status]",
        ),
        (
            json!({"failNext": {"route": "GET /tags", "status": 500, "times": 1_000_000_000_u64}}),
            "failNext[times]",
        ),
        (json!({"resetNext": {"route": "tags"}}), "resetNext[route]"),
        (
            json!({"failNext": {"route": "GET /tags", "status": 500}, "latency": {"ms": 86_400_000}}),
            "latency[ms]",
        ),
    ] {
        let refused: Value = expect(http().post(&url).json(&body), StatusCode::BAD_REQUEST).await;
        assert_eq!(refused["name"], name, "{body}");
    }
    for body in [json!({"failnext": {}}), json!([]), json!({"rateLimit": -1})] {
        expect_status(http().post(&url).json(&body), StatusCode::BAD_REQUEST).await;
    }
    expect_status(http().post(&url).body("{"), StatusCode::BAD_REQUEST).await;
    expect_status(http().get(&url), StatusCode::METHOD_NOT_ALLOWED).await;
    expect_status(
        http().post(format!("{}/_simulator/other", sim.base_url())),
        StatusCode::NOT_FOUND,
    )
    .await;
    // Nothing was injected: the first, valid, part of a refused body included.
    expect_status(call(&sim, Method::GET, "/tags"), StatusCode::OK).await;
}

/// `fail_encoding` and `fail_ingest`: the upload succeeds, and the status says the video
/// will never be playable, until the faults are cleared.
#[tokio::test]
async fn encoding_and_ingest_failures_show_in_the_status() {
    let sim = Simulator::builder()
        .encoding_delay(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let status = |id: String| {
        let sim = &sim;
        async move {
            let status: Value = expect(
                call(sim, Method::GET, &format!("/videos/{id}/status")),
                StatusCode::OK,
            )
            .await;
            status
        }
    };
    let encoding = create_video(&sim, json!({"title": "undecodable"})).await;
    let ingest = create_video(&sim, json!({"title": "lost"})).await;
    let healthy = create_video(&sim, json!({"title": "fine"})).await;
    sim.faults().fail_encoding(&encoding).fail_ingest(&ingest);
    for id in [&encoding, &ingest, &healthy] {
        expect_status(
            call(&sim, Method::POST, &format!("/videos/{id}/source"))
                .multipart(file_form(&sample(1000), "clip.mp4")),
            StatusCode::CREATED,
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(150)).await;

    let failed = status(encoding.clone()).await;
    assert_eq!(failed["encoding"]["playable"], false);
    let qualities = failed["encoding"]["qualities"].as_array().unwrap();
    assert!(!qualities.is_empty());
    assert!(
        qualities.iter().all(|q| q["status"] == "failed"),
        "{failed}"
    );

    let lost = status(ingest).await;
    assert_eq!(lost["ingest"]["status"], "failed");
    assert_eq!(lost["encoding"]["playable"], false);
    assert!(
        lost["encoding"]["qualities"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{lost}"
    );

    let fine = status(healthy).await;
    assert_eq!(fine["encoding"]["playable"], true, "{fine}");

    // Cleared, the video reads as the others do.
    sim.faults().clear();
    let cleared = status(encoding).await;
    assert_eq!(cleared["encoding"]["playable"], true, "{cleared}");
}
