//! `X-RateLimit-*` headers and 429.

use apivideo_simulator::Simulator;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::*;

fn header(response: &reqwest::Response, name: &str) -> u64 {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn every_answer_carries_the_headers() {
    let sim = Simulator::start().await;
    let ok = expect_status(call(&sim, Method::GET, "/videos"), StatusCode::OK).await;
    let not_found = expect_status(
        call(&sim, Method::GET, "/videos/vinope"),
        StatusCode::NOT_FOUND,
    )
    .await;
    let unauthorized = http()
        .get(format!("{}/videos", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), StatusCode::UNAUTHORIZED);
    for response in [&ok, &not_found, &unauthorized] {
        assert_eq!(header(response, "x-ratelimit-limit"), 1000);
        assert!(header(response, "x-ratelimit-retry-after") <= 60);
    }
    assert_eq!(header(&ok, "x-ratelimit-remaining"), 999);
    assert_eq!(header(&not_found, "x-ratelimit-remaining"), 998);
}

#[tokio::test]
async fn the_request_after_the_limit_gets_429() {
    let sim = Simulator::builder().rate_limit(3).start().await.unwrap();
    for remaining in [2, 1, 0] {
        let response = expect_status(call(&sim, Method::GET, "/videos"), StatusCode::OK).await;
        assert_eq!(header(&response, "x-ratelimit-remaining"), remaining);
    }
    let limited = call(&sim, Method::GET, "/videos").send().await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&limited, "x-ratelimit-limit"), 3);
    assert_eq!(header(&limited, "x-ratelimit-remaining"), 0);
    let wait = header(&limited, "x-ratelimit-retry-after");
    assert!((1..=60).contains(&wait), "{wait}");
    let problem: Value = limited.json().await.unwrap();
    assert_eq!(problem["status"], 429);
    assert_eq!(
        problem["type"],
        "https://docs.api.video/reference/too-many-requests"
    );
    assert_eq!(sim.request_count("GET /videos"), 4);
}

#[tokio::test]
async fn the_limit_can_be_lowered_at_runtime() {
    let sim = Simulator::start().await;
    expect_status(call(&sim, Method::GET, "/videos"), StatusCode::OK).await;
    expect_status(call(&sim, Method::GET, "/videos"), StatusCode::OK).await;
    sim.faults().rate_limit(2);
    let limited = expect_status(
        call(&sim, Method::GET, "/videos"),
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    assert_eq!(header(&limited, "x-ratelimit-limit"), 2);
    sim.faults().rate_limit(10);
    expect_status(call(&sim, Method::GET, "/videos"), StatusCode::OK).await;
}
