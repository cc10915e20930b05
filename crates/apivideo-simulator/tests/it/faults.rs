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

#[tokio::test]
async fn latency_delays_one_route_or_all() {
    let sim = Simulator::start().await;
    let timed = |path: &'static str| {
        let request = call(&sim, Method::GET, path);
        async move {
            let started = Instant::now();
            expect_status(request, StatusCode::OK).await;
            started.elapsed()
        }
    };
    sim.faults()
        .latency("GET /videos", Duration::from_millis(600));
    assert!(timed("/videos").await >= Duration::from_millis(600));
    assert!(timed("/webhooks").await < Duration::from_millis(500));

    sim.faults().latency("*", Duration::from_millis(400));
    let all = timed("/webhooks").await;
    assert!((Duration::from_millis(400)..Duration::from_millis(600)).contains(&all));
    assert!(
        timed("/videos").await >= Duration::from_millis(600),
        "its own latency wins"
    );

    sim.faults().latency(None, Duration::ZERO);
    assert!(timed("/webhooks").await < Duration::from_millis(400));
    sim.faults().clear();
    assert!(timed("/videos").await < Duration::from_millis(500));
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
