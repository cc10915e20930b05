//! Video CRUD, lists, filters, discard and restore, body validation.

use std::collections::HashSet;

use apivideo_api::models::{Video, VideosListResponse};
use apivideo_simulator::Simulator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

fn rels(list: &VideosListResponse) -> Vec<String> {
    list.pagination
        .links
        .iter()
        .map(|link| link.rel.clone().unwrap())
        .collect()
}

fn link(list: &VideosListResponse, rel: &str) -> Option<String> {
    list.pagination
        .links
        .iter()
        .find(|link| link.rel.as_deref() == Some(rel))
        .and_then(|link| link.uri.clone())
}

#[tokio::test]
async fn lists_120_videos_in_pages_with_links() {
    let sim = Simulator::start().await;
    let mut created = Vec::new();
    for i in 0..120 {
        created.push(create_video(&sim, json!({"title": format!("video {i:03}")})).await);
    }

    let first: VideosListResponse =
        expect(call(&sim, Method::GET, "/videos"), StatusCode::OK).await;
    assert_eq!(first.data.len(), 25);
    assert_eq!(first.pagination.items_total, Some(120));
    assert_eq!(first.pagination.pages_total, Some(5));
    assert_eq!(first.pagination.current_page, Some(1));
    assert_eq!(first.pagination.page_size, Some(25));
    assert_eq!(first.pagination.current_page_items, Some(25));
    assert_eq!(rels(&first), ["self", "first", "next", "last"]);
    assert_eq!(
        link(&first, "next").unwrap(),
        format!("{}/videos?currentPage=2&pageSize=25", sim.base_url())
    );

    let third: VideosListResponse = expect(
        call(&sim, Method::GET, "/videos?pageSize=25&currentPage=3"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(rels(&third), ["self", "first", "previous", "next", "last"]);
    assert_eq!(third.data[0].video_id, created[50]);

    let last: VideosListResponse = expect(
        call(&sim, Method::GET, "/videos?currentPage=5"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(last.data.len(), 20);
    assert_eq!(last.pagination.current_page_items, Some(20));
    assert_eq!(rels(&last), ["self", "first", "previous", "last"]);

    // Following `next` from the first page visits every video once, in creation order.
    let mut seen = Vec::new();
    let mut page = first;
    loop {
        seen.extend(page.data.iter().map(|video| video.video_id.clone()));
        let Some(next) = link(&page, "next") else {
            break;
        };
        page = expect(
            http().get(next).basic_auth(sim.api_key(), Some("")),
            StatusCode::OK,
        )
        .await;
    }
    assert_eq!(seen, created);

    // Other page sizes, other query parameters kept in the links.
    let sorted: VideosListResponse = expect(
        call(
            &sim,
            Method::GET,
            "/videos?sortBy=title&sortOrder=desc&pageSize=100&currentPage=2",
        ),
        StatusCode::OK,
    )
    .await;
    assert_eq!(sorted.data.len(), 20);
    assert_eq!(sorted.data[0].title.as_deref(), Some("video 019"));
    assert_eq!(
        link(&sorted, "first").unwrap(),
        format!(
            "{}/videos?sortBy=title&sortOrder=desc&currentPage=1&pageSize=100",
            sim.base_url()
        )
    );

    for bad in ["pageSize=0", "pageSize=101", "currentPage=0", "pageSize=x"] {
        let problem: Value = expect(
            call(&sim, Method::GET, &format!("/videos?{bad}")),
            StatusCode::BAD_REQUEST,
        )
        .await;
        let name = bad.split('=').next().unwrap();
        assert_eq!(problem["name"], name, "{bad}");
    }
    let both: Value = expect(
        call(&sim, Method::GET, "/videos?pageSize=0&currentPage=0"),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(both["problems"].as_array().unwrap().len(), 2);
}

async fn ids_of(sim: &Simulator, query: &str) -> Vec<String> {
    let list: VideosListResponse = expect(call(sim, Method::GET, query), StatusCode::OK).await;
    list.data.into_iter().map(|video| video.video_id).collect()
}

#[tokio::test]
async fn filters_by_metadata_tags_title_and_description() {
    let sim = Simulator::start().await;
    let a = create_video(
        &sim,
        json!({"title": "Rust workspaces", "description": "Cargo tips",
               "tags": ["rust", "tutorial"], "metadata": [{"key": "team", "value": "product"}]}),
    )
    .await;
    let b = create_video(
        &sim,
        json!({"title": "Quarterly demo", "tags": ["rust", "demo"],
               "metadata": [{"key": "team", "value": "sales"}, {"key": "episode", "value": "3"}]}),
    )
    .await;
    let c = create_video(
        &sim,
        json!({"title": "Tutorial: rust async", "tags": ["tutorial"]}),
    )
    .await;

    let query = |q: &str| call(&sim, Method::GET, q);
    let list = |q: &'static str| ids_of(&sim, q);

    assert_eq!(
        list("/videos?metadata%5Bteam%5D=product").await,
        std::slice::from_ref(&a)
    );
    assert_eq!(
        list("/videos?metadata[team]=sales&metadata[episode]=3").await,
        std::slice::from_ref(&b)
    );
    assert!(
        list("/videos?metadata[team]=sales&metadata[episode]=4")
            .await
            .is_empty()
    );
    assert_eq!(
        list("/videos?tags%5B%5D=rust").await,
        [a.clone(), b.clone()]
    );
    assert_eq!(
        list("/videos?tags[]=rust&tags[]=tutorial").await,
        std::slice::from_ref(&a)
    );
    assert_eq!(list("/videos?title=RUST").await, [a.clone(), c.clone()]);
    assert_eq!(
        list("/videos?description=cargo").await,
        std::slice::from_ref(&a)
    );
    assert_eq!(
        list("/videos?sortBy=title&sortOrder=asc").await,
        [b.clone(), a.clone(), c.clone()]
    );
    // No sort asked: the simulator's order, oldest first; `desc` is its exact reverse,
    // also among videos created within the same second.
    assert_eq!(list("/videos").await, [a.clone(), b.clone(), c.clone()]);
    assert_eq!(
        list("/videos?sortOrder=desc").await,
        [c.clone(), b.clone(), a.clone()]
    );
    assert_eq!(
        list("/videos?sortBy=createdAt&sortOrder=desc").await,
        [c.clone(), b.clone(), a.clone()]
    );
    let problem: Value = expect(query("/videos?sortBy=size"), StatusCode::BAD_REQUEST).await;
    assert_eq!(problem["name"], "sortBy");

    // The tags list counts them.
    let tags: apivideo_api::models::ListTagsResponse = expect(
        query("/tags?sortBy=videoCount&sortOrder=desc"),
        StatusCode::OK,
    )
    .await;
    let counts: Vec<(String, i64)> = tags
        .data
        .into_iter()
        .map(|tag| (tag.value.unwrap(), tag.video_count.unwrap()))
        .collect();
    assert_eq!(
        counts,
        [
            ("tutorial".to_owned(), 2),
            ("rust".to_owned(), 2),
            ("demo".to_owned(), 1)
        ]
    );
}

#[tokio::test]
async fn patch_keeps_absent_fields_detaches_players_and_clears_tags() {
    let sim = Simulator::start().await;
    let player: Value = expect(
        call(&sim, Method::POST, "/players").json(&json!({"name": "Dark"})),
        StatusCode::CREATED,
    )
    .await;
    let player_id = player["playerId"].as_str().unwrap();
    let id = create_video(
        &sim,
        json!({"title": "Before", "description": "kept", "tags": ["a", "b"],
               "metadata": [{"key": "k", "value": "v"}], "playerId": player_id, "language": "fr"}),
    )
    .await;
    let path = format!("/videos/{id}");

    let video: Video = expect(
        call(&sim, Method::PATCH, &path).json(&json!({"title": "After"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(video.title.as_deref(), Some("After"));
    assert_eq!(video.description.as_deref(), Some("kept"));
    assert_eq!(video.tags, ["a", "b"]);
    assert_eq!(video.player_id.as_deref(), Some(player_id));
    assert_eq!(video.language.as_deref(), Some("fr"));

    let video: Video = expect(
        call(&sim, Method::PATCH, &path).json(&json!({"playerId": null, "tags": []})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(video.player_id, None);
    assert!(video.tags.is_empty());
    assert_eq!(video.metadata.len(), 1);

    let video: Video = expect(
        call(&sim, Method::PATCH, &path)
            .json(&json!({"metadata": [{"key": "x", "value": "y"}], "public": false})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(video.metadata[0].key.as_deref(), Some("x"));
    assert_eq!(video.public, Some(false));
    assert!(video.assets.unwrap().player.unwrap().contains("?token="));

    let fetched: Video = expect(call(&sim, Method::GET, &path), StatusCode::OK).await;
    assert_eq!(fetched.title.as_deref(), Some("After"));

    let problem: Value = expect(
        call(&sim, Method::PATCH, &path).json(&json!({"playerId": "ptunknown"})),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "playerId");
}

#[tokio::test]
async fn deleted_videos_are_discarded_and_can_be_restored() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "Old"})).await;
    let keep = create_video(&sim, json!({"title": "Kept"})).await;
    expect_status(
        call(&sim, Method::DELETE, &format!("/videos/{id}")),
        StatusCode::NO_CONTENT,
    )
    .await;
    let problem: Value = expect(
        call(&sim, Method::GET, &format!("/videos/{id}")),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(problem["name"], "videoId");
    expect_status(
        call(&sim, Method::DELETE, &format!("/videos/{id}")),
        StatusCode::NOT_FOUND,
    )
    .await;
    let active: VideosListResponse =
        expect(call(&sim, Method::GET, "/videos"), StatusCode::OK).await;
    assert_eq!(active.data.len(), 1);
    assert_eq!(active.data[0].video_id, keep);

    let discarded: VideosListResponse =
        expect(call(&sim, Method::GET, "/discarded/videos"), StatusCode::OK).await;
    assert_eq!(discarded.data.len(), 1);
    let video = &discarded.data[0];
    assert_eq!(video.discarded, Some(true));
    let (at, deletes) = (video.discarded_at.unwrap(), video.deletes_at.unwrap());
    assert_eq!((deletes - at).num_days(), 90);
    let _: Video = expect(
        call(&sim, Method::GET, &format!("/discarded/videos/{id}")),
        StatusCode::OK,
    )
    .await;

    let problem: Value = expect(
        call(&sim, Method::PATCH, &format!("/discarded/videos/{id}"))
            .json(&json!({"discarded": true})),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "discarded");
    let restored: Video = expect(
        call(&sim, Method::PATCH, &format!("/discarded/videos/{id}"))
            .json(&json!({"discarded": false})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(restored.discarded, Some(false));
    assert_eq!(restored.discarded_at, None);
    let _: Video = expect(
        call(&sim, Method::GET, &format!("/videos/{id}")),
        StatusCode::OK,
    )
    .await;

    // Without Video Restore, deleting is for good.
    let sim = Simulator::builder()
        .video_restore(false)
        .start()
        .await
        .unwrap();
    let id = create_video(&sim, json!({"title": "Gone"})).await;
    expect_status(
        call(&sim, Method::DELETE, &format!("/videos/{id}")),
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_status(
        call(&sim, Method::GET, &format!("/discarded/videos/{id}")),
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn malformed_bodies_name_the_field() {
    let sim = Simulator::start().await;
    let post = |path: &str, body: &str| {
        call(&sim, Method::POST, path)
            .header("content-type", "application/json")
            .body(body.to_owned())
    };

    let problem: Value = expect(post("/videos", r#"{"title": 5}"#), StatusCode::BAD_REQUEST).await;
    assert_eq!(problem["name"], "title");
    assert_eq!(problem["status"], 400);
    assert_eq!(problem["problems"][0]["name"], "title");
    assert_eq!(
        problem["type"],
        "https://docs.api.video/reference/invalid-attribute"
    );

    let problem: Value = expect(
        post("/videos", r#"{"tags": ["a"]}"#),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "title");
    assert_eq!(problem["title"], "The title attribute must be provided.");
    assert_eq!(
        problem["type"],
        "https://docs.api.video/reference/attribute-required"
    );

    let problem: Value = expect(
        post("/videos", r#"{"title": "x", "tags": ["a", 7]}"#),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "tags[1]");

    let problem: Value = expect(
        post("/videos", r#"{"title": "x", "language": "klingon"}"#),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "language");

    let problem: Value = expect(
        post(
            "/live-streams",
            r#"{"name": "Show", "restreams": [{"name": "YT", "streamKey": "k"}]}"#,
        ),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "restreams[0][serverUrl]");

    let problem: Value = expect(post("/videos", "{not json"), StatusCode::BAD_REQUEST).await;
    assert_eq!(problem["status"], 400);
    let problem: Value = expect(post("/videos", "[1, 2]"), StatusCode::BAD_REQUEST).await;
    assert_eq!(problem["status"], 400);

    // Nothing was created along the way.
    let list: VideosListResponse = expect(call(&sim, Method::GET, "/videos"), StatusCode::OK).await;
    assert!(list.data.is_empty());

    let problem: Value = expect(
        call(&sim, Method::GET, "/videos/vi0000000000000000000"),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        problem["type"],
        "https://docs.api.video/reference/resource-not-found"
    );
    assert_eq!(problem["name"], "videoId");

    let unknown: Value = expect(
        call(&sim, Method::GET, "/nothing/here"),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        unknown["type"],
        "https://docs.api.video/reference/unrecognized-request-url"
    );
}

#[tokio::test]
async fn created_videos_look_like_api_video_ones() {
    let sim = Simulator::start().await;
    let video: Video = expect(
        call(&sim, Method::POST, "/videos").json(&json!({"title": "Look", "mp4Support": false})),
        StatusCode::CREATED,
    )
    .await;
    assert!(video.video_id.starts_with("vi") && video.video_id.len() == 22);
    assert_eq!(video.created_at, video.updated_at);
    assert_eq!(video.discarded, Some(false));
    assert_eq!(video.public, Some(true));
    let source = video.source.unwrap();
    assert_eq!(
        source.uri.unwrap(),
        format!("/videos/{}/source", video.video_id)
    );
    let assets = video.assets.unwrap();
    assert_eq!(
        assets.hls.unwrap(),
        format!(
            "https://vod.api.video/vod/{}/hls/manifest.m3u8",
            video.video_id
        )
    );
    assert!(
        assets
            .iframe
            .unwrap()
            .starts_with("<iframe src=\"https://embed.api.video/vod/")
    );
    assert_eq!(assets.mp4, None);

    let ids: HashSet<String> = [
        create_video(&sim, json!({"title": "1"})).await,
        create_video(&sim, json!({"title": "2"})).await,
    ]
    .into();
    assert_eq!(ids.len(), 2);
}
