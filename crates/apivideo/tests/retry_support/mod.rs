//! What the retry tests (`retries.rs`) and the retry traces tests (`traces.rs`) share.
#![allow(dead_code)] // each test crate uses a different subset

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

/// Prints the `retry-cost:` line of a case.
pub fn cost(case: &str, requests: usize) {
    eprintln!("retry-cost: {case} -> {requests} request(s)");
}

pub fn video_path() -> String {
    format!("/videos/{VIDEO_ID}")
}

pub fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503).set_body_json(json!({
        "title": "Service unavailable", "status": 503
    }))
}

/// How many requests `server` received on `route`.
pub async fn count(server: &MockServer, route: &str) -> usize {
    requests(server)
        .await
        .iter()
        .filter(|r| r.url.path() == route)
        .count()
}

pub const ACCESS_1: &str = "ACCESS-TOKEN-ONE-5f1d0c";
pub const ACCESS_2: &str = "ACCESS-TOKEN-TWO-9a7b3e";
pub const REFRESH_1: &str = "REFRESH-TOKEN-ONE-44e2aa";
pub const REFRESH_2: &str = "REFRESH-TOKEN-TWO-11b9cd";

/// `/auth/api-key` answers a first token, then a second one.
pub async fn mount_two_tokens(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(token_answer(ACCESS_1, REFRESH_1))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/api-key"))
        .respond_with(token_answer(ACCESS_2, REFRESH_2))
        .mount(server)
        .await;
}

pub fn bearer_client(server: &MockServer) -> apivideo::Client {
    builder(&server.uri())
        .bearer_auth()
        .build()
        .expect("a client")
}

/// A local port that refuses connections for as long as the returned socket lives: the
/// socket is bound (so nothing else can take the port) but not listening (so the kernel
/// answers every connection attempt with a reset, "connection refused"). A port freed
/// after binding could be taken by a parallel test between the check and the use.
pub fn refusing_port() -> (socket2::Socket, u16) {
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
    (socket, port)
}
