//! Basic and bearer authentication, refresh, expiry, and the routes that need none.

use std::time::Duration;

use apivideo_api::models::AccessToken;
use apivideo_simulator::Simulator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

async fn token(sim: &Simulator, path: &str, body: Value) -> reqwest::Response {
    http()
        .post(format!("{}{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .expect("sent")
}

async fn list_with_bearer(sim: &Simulator, access: &str) -> StatusCode {
    http()
        .get(format!("{}/videos", sim.base_url()))
        .bearer_auth(access)
        .send()
        .await
        .expect("sent")
        .status()
}

#[tokio::test]
async fn basic_auth_takes_the_key_as_user_name_only() {
    let sim = Simulator::builder()
        .api_key("my-key")
        .start()
        .await
        .unwrap();
    expect_status(call(&sim, Method::GET, "/videos"), StatusCode::OK).await;
    let url = format!("{}/videos", sim.base_url());

    let wrong = http()
        .get(&url)
        .basic_auth("other-key", Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let problem: Value = wrong.json().await.unwrap();
    assert_eq!(problem["status"], 401);
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .starts_with("https://docs.api.video/reference/")
    );

    let none = http().get(&url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    let garbage = http()
        .get(&url)
        .header("Authorization", "Basic !!!")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_unknown_key_gets_the_documented_problem() {
    let sim = Simulator::start().await;
    let response = token(&sim, "/auth/api-key", json!({"apiKey": "not-the-key"})).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "type": "https://docs.api.video/reference/authentication-invalid-user-credentials",
            "title": "The user credentials were incorrect.",
            "name": "",
            "status": 400
        })
    );
}

#[tokio::test]
async fn bearer_tokens_work_and_a_refresh_token_works_once() {
    let sim = Simulator::start().await;
    let response = token(&sim, "/auth/api-key", json!({"apiKey": sim.api_key()})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let first: AccessToken = response.json().await.unwrap();
    assert_eq!(first.token_type.as_deref(), Some("Bearer"));
    assert_eq!(first.expires_in, Some(3600));
    let access = first.access_token.clone().unwrap();
    assert_eq!(access.split('.').count(), 3, "JWT-shaped");
    assert_eq!(list_with_bearer(&sim, &access).await, StatusCode::OK);
    assert_eq!(
        list_with_bearer(&sim, "made-up").await,
        StatusCode::UNAUTHORIZED
    );

    let old_refresh = first.refresh_token.clone().unwrap();
    let response = token(&sim, "/auth/refresh", json!({"refreshToken": old_refresh})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let second: AccessToken = response.json().await.unwrap();
    assert_ne!(second.access_token, first.access_token);
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(
        list_with_bearer(&sim, second.access_token.as_deref().unwrap()).await,
        StatusCode::OK
    );

    // The old refresh token stopped working; the new one works.
    let reused = token(&sim, "/auth/refresh", json!({"refreshToken": old_refresh})).await;
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    let problem: Value = reused.json().await.unwrap();
    assert_eq!(problem["name"], "refreshToken");
    let again = token(
        &sim,
        "/auth/refresh",
        json!({"refreshToken": second.refresh_token.unwrap()}),
    )
    .await;
    assert_eq!(again.status(), StatusCode::OK);
}

#[tokio::test]
async fn tokens_expire_after_their_ttl() {
    let sim = Simulator::builder()
        .token_ttl(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let issued: AccessToken = token(&sim, "/auth/api-key", json!({"apiKey": sim.api_key()}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(issued.expires_in, Some(1));
    let access = issued.access_token.unwrap();
    assert_eq!(list_with_bearer(&sim, &access).await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        list_with_bearer(&sim, &access).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn only_the_token_upload_and_auth_routes_are_open() {
    let sim = Simulator::start().await;
    for path in [
        "/tags",
        "/summaries",
        "/webhooks",
        "/upload-tokens",
        "/players",
    ] {
        let response = http()
            .get(format!("{}{path}", sim.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let upload_token: Value = expect(
        call(&sim, Method::POST, "/upload-tokens").json(&json!({})),
        StatusCode::OK,
    )
    .await;
    let upload = http()
        .post(format!(
            "{}/upload?token={}",
            sim.base_url(),
            upload_token["token"].as_str().unwrap()
        ))
        .multipart(file_form(&sample(100), "clip.mp4"))
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), StatusCode::CREATED);
}
