//! `examples/list_videos.rs`, run as a user runs it, against the simulator holding more
//! videos than fit on one page: it has to follow `pagination.links` to the last page.

#![cfg(feature = "reqwest")]

use apivideo_simulator::Simulator;
use apivideo_test_support::examples::Example;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_videos_follows_the_links_to_the_last_page() {
    let sim = Simulator::start().await;
    let http = reqwest::Client::new();
    let mut created = Vec::new();
    for n in 0..130 {
        let video: Value = http
            .post(format!("{}/videos", sim.base_url()))
            .basic_auth(sim.api_key(), Some(""))
            .json(&json!({ "title": format!("video {n}") }))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("create a video")
            .json()
            .await
            .expect("a video");
        created.push(video["videoId"].as_str().expect("videoId").to_owned());
    }

    let stdout = Example::new(env!("CARGO_MANIFEST_DIR"), "list_videos")
        .env("APIVIDEO_BASE_URL", sim.base_url())
        .env("APIVIDEO_API_KEY", sim.api_key())
        .run()
        .await;

    // One line per video: `<id>  <title>`.
    let mut listed: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    listed.sort_unstable();
    created.sort_unstable();
    assert_eq!(listed, created, "every video once:\n{stdout}");
    assert_eq!(sim.request_count("GET /videos"), 2, "two pages of 100");
    assert_eq!(sim.request_count("POST /auth/api-key"), 1, "one token");
}

/// Some of api.video's docs show `pagination.links` as paths (`/videos?currentPage=2`)
/// rather than absolute URLs: the example follows those too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_videos_follows_links_given_as_paths() {
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3600,
            "access_token": "token", "refresh_token": "refresh",
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = |n: u32, links: Value| {
        json!({
            "data": [{ "videoId": format!("vi{n}"), "title": format!("page {n}") }],
            "pagination": { "currentPage": n, "pagesTotal": 2, "links": links },
        })
    };
    Mock::given(method("GET"))
        .and(path("/videos"))
        .and(query_param("currentPage", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            2,
            json!([
                { "rel": "self", "uri": "/videos?currentPage=2&pageSize=100" },
            ]),
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/videos"))
        .and(query_param("pageSize", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            1,
            json!([
                { "rel": "self", "uri": "/videos?currentPage=1&pageSize=100" },
                { "rel": "next", "uri": "/videos?currentPage=2&pageSize=100" },
            ]),
        )))
        .expect(1)
        .mount(&server)
        .await;

    let stdout = Example::new(env!("CARGO_MANIFEST_DIR"), "list_videos")
        .env("APIVIDEO_BASE_URL", server.uri())
        .env("APIVIDEO_API_KEY", "my-key")
        .run()
        .await;
    assert_eq!(stdout, "vi1  page 1\nvi2  page 2\n");
}

/// Without a key the example fails before any request, and says why in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_videos_without_a_key_says_what_is_missing() {
    let stderr = Example::new(env!("CARGO_MANIFEST_DIR"), "list_videos")
        .env(
            "APIVIDEO_BASE_URL",
            apivideo_test_support::refused_base_url().0,
        )
        .run_failing()
        .await;
    assert_eq!(
        stderr.lines().next(),
        Some(
            "error: no api.video API key: the environment variable APIVIDEO_API_KEY is unset or empty"
        ),
        "{stderr}"
    );
}
