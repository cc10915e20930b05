//! Source uploads: whole, byte ranges in any order, progressive parts, upload tokens,
//! and the status they leave behind.

use std::time::Duration;

use apivideo_api::models::{IngestStatus, QualityStatus, Video, VideoStatus};
use apivideo_simulator::Simulator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

async fn send_chunk(sim: &Simulator, id: &str, range: &str, bytes: &[u8]) -> reqwest::Response {
    call(sim, Method::POST, &format!("/videos/{id}/source"))
        .header("Content-Range", range)
        .multipart(file_form(bytes, "movie.mp4"))
        .send()
        .await
        .expect("sent")
}

async fn status(sim: &Simulator, id: &str) -> VideoStatus {
    expect(
        call(sim, Method::GET, &format!("/videos/{id}/status")),
        StatusCode::OK,
    )
    .await
}

/// A deterministic shuffle (no RNG crate needed).
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed;
    for i in (1..n).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = usize::try_from(state >> 33).unwrap() % (i + 1);
        order.swap(i, j);
    }
    order
}

#[tokio::test]
async fn chunks_in_shuffled_order_assemble_byte_exact() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "Chunks"})).await;
    let file = sample(100_003);
    let chunk = 7_000;
    let ranges: Vec<(usize, usize)> = (0..file.len())
        .step_by(chunk)
        .map(|from| (from, (from + chunk).min(file.len()) - 1))
        .collect();
    let order = shuffled(ranges.len(), 42);
    assert_ne!(order, (0..ranges.len()).collect::<Vec<_>>());

    for (sent, &index) in order.iter().enumerate() {
        let (from, to) = ranges[index];
        let header = format!("bytes {from}-{to}/{}", file.len());
        let response = send_chunk(&sim, &id, &header, &file[from..=to]).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let video: Video = response.json().await.unwrap();
        assert_eq!(video.video_id, id);
        let last = sent + 1 == order.len();
        assert_eq!(
            sim.video_source(&id).is_some(),
            last,
            "after {} chunks",
            sent + 1
        );
        if !last {
            let status = status(&sim, &id).await;
            let ingest = status.ingest.unwrap();
            assert_eq!(ingest.status, Some(IngestStatus::Uploading));
            assert_eq!(ingest.received_bytes.len(), sent + 1);
        } else {
            // The last chunk's answer is the final video.
            assert_eq!(video.source.unwrap().r#type.as_deref(), Some("upload"));
        }
    }
    assert_eq!(sim.video_source(&id).unwrap(), file);
    let ingest = status(&sim, &id).await.ingest.unwrap();
    assert_eq!(ingest.status, Some(IngestStatus::Uploaded));
    assert_eq!(ingest.filesize, Some(100_003));
    let froms: Vec<i64> = ingest
        .received_bytes
        .iter()
        .map(|r| r.from.unwrap())
        .collect();
    let mut sorted = froms.clone();
    sorted.sort_unstable();
    assert_eq!(froms, sorted, "received ranges are listed in file order");
    assert_eq!(
        sim.request_count("POST /videos/{videoId}/source"),
        ranges.len()
    );
}

#[tokio::test]
async fn overlapping_and_inconsistent_chunks_are_refused() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "Overlap"})).await;
    let file = sample(3000);
    assert_eq!(
        send_chunk(&sim, &id, "bytes 0-1499/3000", &file[..1500])
            .await
            .status(),
        StatusCode::CREATED
    );
    for (range, bytes) in [
        ("bytes 1000-2999/3000", &file[1000..]),  // overlaps
        ("bytes 1500-2999/4000", &file[1500..]),  // another total
        ("bytes 1500-2998/3000", &file[1500..]),  // size differs from the range
        ("bytes 2999-1500/3000", &file[1500..]),  // backwards
        ("bytes 1500-3000/3000", &file[1500..]),  // beyond the end
        ("part 2/2", &file[1500..]),              // another form
        ("bytes 0-1499/3000", &file[1500..3000]), // same range, other bytes
    ] {
        let response = send_chunk(&sim, &id, range, bytes).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{range}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 400);
        assert_eq!(problem["name"], "Content-Range", "{range}");
    }
    // The same chunk again is a harmless retry.
    assert_eq!(
        send_chunk(&sim, &id, "bytes 0-1499/3000", &file[..1500])
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(sim.video_source(&id), None);
    assert_eq!(
        send_chunk(&sim, &id, "bytes 1500-2999/3000", &file[1500..])
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(sim.video_source(&id).unwrap(), file);

    // A complete video refuses another file.
    let again = call(&sim, Method::POST, &format!("/videos/{id}/source"))
        .multipart(file_form(&file, "again.mp4"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let problem: Value = again.json().await.unwrap();
    assert_eq!(
        problem["type"],
        "https://docs.api.video/reference/video-source-already-uploaded"
    );
}

#[tokio::test]
async fn progressive_parts_complete_on_the_last_in_any_order() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "Progressive"})).await;
    let file = sample(5000);
    let parts = [&file[..2000], &file[2000..4000], &file[4000..]];
    assert_eq!(
        send_chunk(&sim, &id, "part 2/*", parts[1]).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        send_chunk(&sim, &id, "part 3/3", parts[2]).await.status(),
        StatusCode::CREATED
    );
    let ingest = status(&sim, &id).await.ingest.unwrap();
    let received = ingest.received_parts.unwrap();
    assert_eq!(received.parts, [2, 3]);
    assert_eq!(received.total, Some(3));
    assert_eq!(sim.video_source(&id), None);

    // A part past the announced last one is refused.
    assert_eq!(
        send_chunk(&sim, &id, "part 4/*", parts[0]).await.status(),
        StatusCode::BAD_REQUEST
    );
    let last: Video = send_chunk(&sim, &id, "part 1/*", parts[0])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(last.video_id, id);
    assert_eq!(sim.video_source(&id).unwrap(), file);
    let ingest = status(&sim, &id).await.ingest.unwrap();
    assert_eq!(ingest.status, Some(IngestStatus::Uploaded));
    assert_eq!(ingest.received_parts.unwrap().parts, [1, 2, 3]);
    assert_eq!(ingest.filesize, Some(5000));
}

#[tokio::test]
async fn token_uploads_continue_with_the_video_id_or_start_anew() {
    let sim = Simulator::start().await;
    let token: Value = expect(
        call(&sim, Method::POST, "/upload-tokens").json(&json!({"ttl": 60})),
        StatusCode::OK,
    )
    .await;
    let token = token["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("to"));
    let url = format!("{}/upload?token={token}", sim.base_url());
    let file = sample(4000);

    // No credentials: the token is enough. The first chunk creates the video.
    let first: Video = expect(
        http()
            .post(&url)
            .header("Content-Range", "bytes 0-1999/4000")
            .multipart(file_form(&file[..2000], "Customer story.mp4")),
        StatusCode::CREATED,
    )
    .await;
    // Titled with the file name as sent, whole, as api.video does.
    assert_eq!(first.title.as_deref(), Some("Customer story.mp4"));
    let id = first.video_id;

    let form = file_form(&file[2000..], "Customer story.mp4").text("videoId", id.clone());
    let second: Video = expect(
        http()
            .post(&url)
            .header("Content-Range", "bytes 2000-3999/4000")
            .multipart(form),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(second.video_id, id);
    assert_eq!(sim.video_source(&id).unwrap(), file);

    // Without videoId a chunk starts another video, as on api.video.
    let stray: Video = expect(
        http()
            .post(&url)
            .header("Content-Range", "bytes 2000-3999/4000")
            .multipart(file_form(&file[2000..], "Customer story.mp4")),
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(stray.video_id, id);
    assert_eq!(sim.video_source(&stray.video_id), None);

    // A wrong or revoked token is refused.
    let bad = http()
        .post(format!("{}/upload?token=tonotatoken", sim.base_url()))
        .multipart(file_form(&file, "x.mp4"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["name"], "token");
    expect_status(
        call(&sim, Method::DELETE, &format!("/upload-tokens/{token}")),
        StatusCode::NO_CONTENT,
    )
    .await;
    let revoked = http()
        .post(&url)
        .multipart(file_form(&file, "x.mp4"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::BAD_REQUEST);
    assert_eq!(sim.request_count("POST /upload"), 5);
}

#[tokio::test]
async fn status_goes_from_uploading_to_playable_after_the_encoding_delay() {
    let sim = Simulator::builder()
        .encoding_delay(Duration::from_millis(400))
        .start()
        .await
        .unwrap();
    let id = create_video(&sim, json!({"title": "Status"})).await;

    let fresh = status(&sim, &id).await;
    assert_eq!(fresh.ingest.unwrap().status, None);
    assert_eq!(fresh.encoding.unwrap().playable, Some(false));

    let file = sample(2000);
    send_chunk(&sim, &id, "bytes 0-999/2000", &file[..1000]).await;
    assert_eq!(
        status(&sim, &id).await.ingest.unwrap().status,
        Some(IngestStatus::Uploading)
    );
    send_chunk(&sim, &id, "bytes 1000-1999/2000", &file[1000..]).await;

    let uploaded = status(&sim, &id).await;
    assert_eq!(
        uploaded.ingest.unwrap().status,
        Some(IngestStatus::Uploaded)
    );
    let encoding = uploaded.encoding.unwrap();
    assert_eq!(encoding.playable, Some(false));
    assert!(!encoding.qualities.is_empty());
    assert!(
        encoding
            .qualities
            .iter()
            .all(|q| q.status != Some(QualityStatus::Encoded))
    );

    let playable = eventually(Duration::from_secs(3), || async {
        status(&sim, &id).await.encoding.unwrap().playable == Some(true)
    })
    .await;
    assert!(playable);
    let encoding = status(&sim, &id).await.encoding.unwrap();
    assert!(
        encoding
            .qualities
            .iter()
            .all(|q| q.status == Some(QualityStatus::Encoded))
    );
    assert_eq!(encoding.metadata.unwrap().width, Some(1920));
}

#[tokio::test]
async fn a_whole_file_in_one_request() {
    let sim = Simulator::builder()
        .encoding_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let id = create_video(&sim, json!({"title": "Whole"})).await;
    let file = sample(10_000);
    let video: Video = expect(
        call(&sim, Method::POST, &format!("/videos/{id}/source"))
            .multipart(file_form(&file, "a.mov")),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(video.video_id, id);
    assert_eq!(sim.video_source(&id).unwrap(), file);
    let status = status(&sim, &id).await;
    assert_eq!(status.encoding.unwrap().playable, Some(true));
    let ingest = status.ingest.unwrap();
    assert_eq!(ingest.received_bytes.len(), 1);
    assert_eq!(ingest.received_bytes[0].to, Some(9_999));

    // Missing file, unknown video.
    let no_file = call(&sim, Method::POST, &format!("/videos/{id}/source"))
        .multipart(reqwest::multipart::Form::new().text("other", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_file.status(), StatusCode::BAD_REQUEST);
    let missing = send_chunk(&sim, "vinotavideo", "bytes 0-9/10", &file[..10]).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
