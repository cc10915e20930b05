//! The other resources: captions, chapters, thumbnails, player themes, watermarks, live
//! streams, upload tokens, summaries and analytics.

use std::time::Duration;

use apivideo_api::models;
use apivideo_simulator::Simulator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

const VTT: &[u8] = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello\n";

#[tokio::test]
async fn captions_and_chapters() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "Subtitled"})).await;
    let base = format!("/videos/{id}");

    let caption: models::Caption = expect(
        call(&sim, Method::POST, &format!("{base}/captions/fr-CA"))
            .multipart(file_form(VTT, "fr.vtt")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(caption.srclang.as_deref(), Some("fr-CA"));
    assert_eq!(caption.language_name.as_deref(), Some("Français (Canada)"));
    assert_eq!(caption.default, Some(false));
    assert_eq!(
        caption.src.as_deref(),
        Some(format!("https://vod.api.video/vod/{id}/captions/fr-CA.vtt").as_str())
    );
    assert_eq!(sim.caption(&id, "fr-CA").unwrap(), VTT);
    expect_status(
        call(&sim, Method::POST, &format!("{base}/captions/en"))
            .multipart(file_form(VTT, "en.vtt")),
        StatusCode::OK,
    )
    .await;

    let patched: models::Caption = expect(
        call(&sim, Method::PATCH, &format!("{base}/captions/en")).json(&json!({"default": true})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(patched.default, Some(true));
    let list: models::CaptionsListResponse = expect(
        call(&sim, Method::GET, &format!("{base}/captions")),
        StatusCode::OK,
    )
    .await;
    let defaults: Vec<(String, bool)> = list
        .data
        .iter()
        .map(|c| (c.srclang.clone().unwrap(), c.default.unwrap()))
        .collect();
    assert_eq!(
        defaults,
        [("fr-CA".to_owned(), false), ("en".to_owned(), true)]
    );

    let problem: Value = expect(
        call(&sim, Method::GET, &format!("{base}/captions/pt_BR")),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "language");
    assert_eq!(
        problem["problems"][0]["title"],
        "Separate subtags with dashes, as in pt-BR."
    );
    let not_vtt = call(&sim, Method::POST, &format!("{base}/captions/de"))
        .multipart(file_form(b"not subtitles", "de.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(not_vtt.status(), StatusCode::BAD_REQUEST);

    expect_status(
        call(&sim, Method::DELETE, &format!("{base}/captions/fr-CA")),
        StatusCode::NO_CONTENT,
    )
    .await;
    let problem: Value = expect(
        call(&sim, Method::GET, &format!("{base}/captions/fr-CA")),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(problem["name"], "language");

    let chapter: models::Chapter = expect(
        call(&sim, Method::POST, &format!("{base}/chapters/en"))
            .multipart(file_form(VTT, "ch.vtt")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        chapter.uri.as_deref(),
        Some(format!("{base}/chapters/en").as_str())
    );
    let list: models::ChaptersListResponse = expect(
        call(&sim, Method::GET, &format!("{base}/chapters")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(list.data.len(), 1);
    expect_status(
        call(&sim, Method::DELETE, &format!("{base}/chapters/en")),
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_status(
        call(&sim, Method::GET, &format!("{base}/chapters/en")),
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn thumbnails_are_uploaded_or_picked() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "Poster"})).await;
    let image = sample(500);
    let video: models::Video = expect(
        call(&sim, Method::POST, &format!("/videos/{id}/thumbnail"))
            .multipart(file_form(&image, "p.png")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(video.video_id, id);
    assert_eq!(sim.thumbnail(&id).unwrap(), image);
    let gif = call(&sim, Method::POST, &format!("/videos/{id}/thumbnail"))
        .multipart(file_form(&image, "p.gif"))
        .send()
        .await
        .unwrap();
    assert_eq!(gif.status(), StatusCode::BAD_REQUEST);

    let _: models::Video = expect(
        call(&sim, Method::PATCH, &format!("/videos/{id}/thumbnail"))
            .json(&json!({"timecode": "00:00:02.50"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(sim.thumbnail(&id), None);
    let problem: Value = expect(
        call(&sim, Method::PATCH, &format!("/videos/{id}/thumbnail"))
            .json(&json!({"timecode": "2s"})),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "timecode");
}

#[tokio::test]
async fn player_themes_and_logos() {
    let sim = Simulator::start().await;
    let theme: models::PlayerTheme = expect(
        call(&sim, Method::POST, "/players")
            .json(&json!({"name": "Brand", "text": "rgba(255, 255, 255, 1)"})),
        StatusCode::CREATED,
    )
    .await;
    assert!(theme.player_id.starts_with("pt"));
    assert_eq!(theme.enable_api, Some(true));
    assert_eq!(theme.force_loop, Some(false));
    let path = format!("/players/{}", theme.player_id);

    let updated: models::PlayerTheme = expect(
        call(&sim, Method::PATCH, &path).json(&json!({"forceLoop": true})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated.force_loop, Some(true));
    assert_eq!(updated.name.as_deref(), Some("Brand"));

    let form = file_form(&sample(100), "logo.png").text("link", "https://example.com/");
    let with_logo: models::PlayerTheme = expect(
        call(&sim, Method::POST, &format!("{path}/logo")).multipart(form),
        StatusCode::CREATED,
    )
    .await;
    let assets = with_logo.assets.unwrap();
    assert_eq!(assets.link.as_deref(), Some("https://example.com/"));
    assert!(assets.logo.unwrap().ends_with("/logo.png"));
    expect_status(
        call(&sim, Method::DELETE, &format!("{path}/logo")),
        StatusCode::NO_CONTENT,
    )
    .await;
    let fetched: models::PlayerTheme = expect(call(&sim, Method::GET, &path), StatusCode::OK).await;
    assert!(fetched.assets.is_none());

    let problem: Value = expect(
        call(&sim, Method::POST, "/players").json(&json!({"link": "blue"})),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "link");
    let list: models::PlayerThemesListResponse =
        expect(call(&sim, Method::GET, "/players"), StatusCode::OK).await;
    assert_eq!(list.data.len(), 1);
    expect_status(call(&sim, Method::DELETE, &path), StatusCode::NO_CONTENT).await;
    expect_status(call(&sim, Method::GET, &path), StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn watermarks_and_upload_tokens() {
    let sim = Simulator::start().await;
    let watermark: models::Watermark = expect(
        call(&sim, Method::POST, "/watermarks").multipart(file_form(&sample(10), "w.png")),
        StatusCode::OK,
    )
    .await;
    let watermark_id = watermark.watermark_id.unwrap();
    assert!(watermark_id.starts_with("watermark_"));
    let _video = create_video(
        &sim,
        json!({"title": "Marked", "watermark": {"id": watermark_id, "top": "10px", "right": "10px"}}),
    )
    .await;
    let problem: Value = expect(
        call(&sim, Method::POST, "/videos")
            .json(&json!({"title": "x", "watermark": {"id": "watermark_nope"}})),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "watermark[id]");
    let list: models::WatermarksListResponse =
        expect(call(&sim, Method::GET, "/watermarks"), StatusCode::OK).await;
    assert_eq!(list.data.len(), 1);
    expect_status(
        call(&sim, Method::DELETE, &format!("/watermarks/{watermark_id}")),
        StatusCode::NO_CONTENT,
    )
    .await;

    let forever: models::UploadToken = expect(
        call(&sim, Method::POST, "/upload-tokens").json(&json!({})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(forever.ttl, Some(0));
    assert_eq!(forever.expires_at, None);
    let short: models::UploadToken = expect(
        call(&sim, Method::POST, "/upload-tokens").json(&json!({"ttl": 2})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (short.expires_at.unwrap() - short.created_at.unwrap()).num_seconds(),
        2
    );
    let problem: Value = expect(
        call(&sim, Method::POST, "/upload-tokens").json(&json!({"ttl": -5})),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "ttl");
    let list: models::TokenListResponse =
        expect(call(&sim, Method::GET, "/upload-tokens"), StatusCode::OK).await;
    assert_eq!(list.data.len(), 2);
    // Dates are to the second, so a 2 s token lives between 1 and 2 s.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let list: models::TokenListResponse =
        expect(call(&sim, Method::GET, "/upload-tokens"), StatusCode::OK).await;
    assert_eq!(list.data.len(), 1, "the expired token is no longer listed");
    let token = short.token.unwrap();
    expect_status(
        call(&sim, Method::GET, &format!("/upload-tokens/{token}")),
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn live_streams() {
    let sim = Simulator::start().await;
    let live: models::LiveStream = expect(
        call(&sim, Method::POST, "/live-streams").json(&json!({
            "name": "Keynote", "public": false,
            "restreams": [{"name": "YT", "serverUrl": "rtmps://a.example/live2", "streamKey": "k"}]
        })),
        StatusCode::OK,
    )
    .await;
    assert!(live.live_stream_id.starts_with("li"));
    assert_eq!(live.stream_key.as_deref().map(str::len), Some(36));
    assert_eq!(live.restreams.len(), 1);
    assert!(live.assets.unwrap().player.unwrap().contains("?token="));
    let path = format!("/live-streams/{}", live.live_stream_id);

    let updated: models::LiveStream = expect(
        call(&sim, Method::PATCH, &path).json(&json!({"restreams": [], "public": true})),
        StatusCode::OK,
    )
    .await;
    assert!(updated.restreams.is_empty());
    assert_eq!(updated.name.as_deref(), Some("Keynote"));

    let too_many: Vec<Value> = (0..6)
        .map(|i| json!({"name": format!("r{i}"), "serverUrl": "rtmp://x/app", "streamKey": "k"}))
        .collect();
    let problem: Value = expect(
        call(&sim, Method::PATCH, &path).json(&json!({"restreams": too_many})),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "restreams");

    let _: models::LiveStream = expect(
        call(&sim, Method::POST, &format!("{path}/thumbnail"))
            .multipart(file_form(&sample(10), "t.jpg")),
        StatusCode::CREATED,
    )
    .await;
    let _: models::LiveStream = expect(
        call(&sim, Method::DELETE, &format!("{path}/thumbnail")),
        StatusCode::OK,
    )
    .await;

    sim.trigger_broadcast(&live.live_stream_id, true);
    expect_status(
        call(&sim, Method::PUT, &format!("{path}/complete")),
        StatusCode::ACCEPTED,
    )
    .await;
    let ended = eventually(Duration::from_secs(3), || async {
        let live: models::LiveStream = expect(call(&sim, Method::GET, &path), StatusCode::OK).await;
        live.broadcasting == Some(false)
    })
    .await;
    assert!(ended, "completing ends the broadcast");

    let by_key: models::LiveStreamListResponse = expect(
        call(
            &sim,
            Method::GET,
            &format!("/live-streams?streamKey={}", live.stream_key.unwrap()),
        ),
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_key.data.len(), 1);
    expect_status(call(&sim, Method::DELETE, &path), StatusCode::NO_CONTENT).await;
    expect_status(call(&sim, Method::GET, &path), StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn summaries() {
    let sim = Simulator::builder()
        .encoding_delay(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let id = create_video(&sim, json!({"title": "Summarized"})).await;
    let summary: models::Summary = expect(
        call(&sim, Method::POST, "/summaries").json(&json!({"videoId": id, "origin": "auto"})),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        summary.source_status,
        Some(models::SummarySourceStatus::Waiting)
    );
    let summary_id = summary.summary_id.unwrap();
    let conflict: Value = expect(
        call(&sim, Method::POST, "/summaries").json(&json!({"videoId": id})),
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(conflict["status"], 409);
    let busy = call(
        &sim,
        Method::PATCH,
        &format!("/summaries/{summary_id}/source"),
    )
    .json(&json!({"abstract": "x"}))
    .send()
    .await
    .unwrap();
    assert_eq!(busy.status(), StatusCode::CONFLICT);

    // Generation happens once the video is encoded.
    expect_status(
        call(&sim, Method::POST, &format!("/videos/{id}/source"))
            .multipart(file_form(&sample(10), "a.mp4")),
        StatusCode::CREATED,
    )
    .await;
    let completed = eventually(Duration::from_secs(3), || async {
        let list: models::SummariesListResponse = expect(
            call(&sim, Method::GET, "/summaries?sourceStatus=completed"),
            StatusCode::OK,
        )
        .await;
        list.data.len() == 1
    })
    .await;
    assert!(completed);
    let source: models::SummarySource = expect(
        call(
            &sim,
            Method::PATCH,
            &format!("/summaries/{summary_id}/source"),
        )
        .json(&json!({"takeaways": ["one"]})),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(source.takeaways, ["one"]);
    assert!(source.r#abstract.is_some(), "the abstract is kept");
    let problem: Value = expect(
        call(
            &sim,
            Method::PATCH,
            &format!("/summaries/{summary_id}/source"),
        )
        .json(&json!({"takeaways": ["1", "2", "3", "4"]})),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem["name"], "takeaways");
    expect_status(
        call(&sim, Method::DELETE, &format!("/summaries/{summary_id}")),
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_status(
        call(
            &sim,
            Method::GET,
            &format!("/summaries/{summary_id}/source"),
        ),
        StatusCode::NOT_FOUND,
    )
    .await;
    let manual: models::Summary = expect(
        call(&sim, Method::POST, "/summaries").json(&json!({"videoId": id})),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(manual.origin, Some(models::LanguageOrigin::Api));
    assert_eq!(
        manual.source_status,
        Some(models::SummarySourceStatus::Missing)
    );
}

#[tokio::test]
async fn analytics_answers_match_the_schemas() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "Watched"})).await;

    let total: models::AnalyticsAggregatedMetricsResponse = expect(
        call(&sim, Method::GET, "/data/metrics/watch-time/average"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(total.context.aggregation.unwrap().as_str(), "average");
    let timeframe = total.context.timeframe.unwrap();
    assert_eq!(
        (timeframe.to.unwrap() - timeframe.from.unwrap()).num_hours(),
        24
    );
    let again: models::AnalyticsAggregatedMetricsResponse = expect(
        call(
            &sim,
            Method::GET,
            &format!(
                "/data/metrics/watch-time/average?from={}&to={}",
                timeframe.from.unwrap().to_rfc3339().replace('+', "%2B"),
                timeframe.to.unwrap().to_rfc3339().replace('+', "%2B")
            ),
        ),
        StatusCode::OK,
    )
    .await;
    assert_eq!(again.data, total.data, "stable figures");
    let views: models::AnalyticsAggregatedMetricsResponse = expect(
        call(
            &sim,
            Method::GET,
            "/data/metrics/view/count?viewDuration=10s&unique=true",
        ),
        StatusCode::OK,
    )
    .await;
    assert_eq!(views.context.metric.unwrap().as_str(), "unique-view-10");

    let breakdown: models::AnalyticsMetricsBreakdownResponse = expect(
        call(&sim, Method::GET, "/data/buckets/play/country?pageSize=3"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(breakdown.data.len(), 3);
    assert_eq!(breakdown.pagination.items_total, Some(10));
    let values: Vec<f64> = breakdown
        .data
        .iter()
        .map(|d| d.metric_value.unwrap())
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "largest first");
    let media: models::AnalyticsMetricsBreakdownResponse = expect(
        call(&sim, Method::GET, "/data/buckets/play-total/media-id"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(media.data[0].dimension_value.as_deref(), Some(id.as_str()));

    let series: models::AnalyticsMetricsOverTimeResponse = expect(
        call(
            &sim,
            Method::GET,
            "/data/timeseries/impression?interval=hour&pageSize=100",
        ),
        StatusCode::OK,
    )
    .await;
    assert!((24..=25).contains(&series.data.len()));
    assert_eq!(series.context.interval.unwrap().as_str(), "hour");

    for (path, status, name) in [
        ("/data/metrics/ccv/rate", StatusCode::NOT_FOUND, None),
        (
            "/data/buckets/play-total/country",
            StatusCode::NOT_FOUND,
            None,
        ),
        ("/data/timeseries/watch-time", StatusCode::NOT_FOUND, None),
        (
            "/data/metrics/play/count?from=2000-01-01T00:00:00Z",
            StatusCode::BAD_REQUEST,
            Some("from"),
        ),
        (
            "/data/metrics/view/count?viewDuration=7s",
            StatusCode::BAD_REQUEST,
            Some("viewDuration"),
        ),
        (
            "/data/timeseries/play?interval=minute",
            StatusCode::BAD_REQUEST,
            Some("interval"),
        ),
        (
            "/data/buckets/play/browser?filterBy[planet]=mars",
            StatusCode::BAD_REQUEST,
            Some("filterBy"),
        ),
    ] {
        let problem: Value = expect(call(&sim, Method::GET, path), status).await;
        if let Some(name) = name {
            assert_eq!(problem["name"], name, "{path}");
        }
    }
}
