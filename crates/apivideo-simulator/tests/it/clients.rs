//! What api.video's official clients send and the API accepts: the simulator takes it
//! too, and still refuses what the API refuses. Each test names the client code that
//! sends it.

use apivideo_api::models::{self, IngestStatus, Video};
use apivideo_simulator::Simulator;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

const VTT: &[u8] = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello\n";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01";
const WEBP: &[u8] = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00";

/// The Node client's multipart body: the part named after the file
/// (`formData.append(filename, stream, filename)`, src/api/VideosApi.ts and the others).
fn named_after_the_file(bytes: &[u8], name: &str) -> Form {
    Form::new().part(
        name.to_owned(),
        Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
    )
}

/// The Node client's body for a stream or a buffer: `fileName = 'file'`, which the
/// form-data package sends as `application/octet-stream` (`uploadThumbnail`,
/// `uploadLogo`, `watermarks.upload`, `liveStreams.uploadThumbnail`).
fn nameless_stream(bytes: &[u8]) -> Form {
    Form::new().part(
        "file",
        Part::bytes(bytes.to_vec())
            .file_name("file")
            .mime_str("application/octet-stream")
            .unwrap(),
    )
}

async fn problem(request: reqwest::RequestBuilder) -> Value {
    expect(request, StatusCode::BAD_REQUEST).await
}

#[tokio::test]
async fn a_file_part_named_after_the_file_is_the_file() {
    let sim = Simulator::start().await;

    // Video sources, whole and in parts (VideosApi.ts: upload, createUploadProgressiveSession).
    let id = create_video(&sim, json!({"title": "Node"})).await;
    let file = sample(3000);
    expect_status(
        call(&sim, Method::POST, &format!("/videos/{id}/source"))
            .multipart(named_after_the_file(&file, "558k.mp4")),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(sim.video_source(&id).unwrap(), file);
    let id = create_video(&sim, json!({"title": "Node parts"})).await;
    for (range, part) in [("part 1/2", &file[..2000]), ("part 2/2", &file[2000..])] {
        expect_status(
            call(&sim, Method::POST, &format!("/videos/{id}/source"))
                .header("Content-Range", range)
                .multipart(named_after_the_file(part, "10m.mp4")),
            StatusCode::CREATED,
        )
        .await;
    }
    assert_eq!(sim.video_source(&id).unwrap(), file);

    // Thumbnails, captions, chapters (VideosApi.ts uploadThumbnail, CaptionsApi.ts,
    // ChaptersApi.ts upload).
    expect_status(
        call(&sim, Method::POST, &format!("/videos/{id}/thumbnail"))
            .multipart(named_after_the_file(JPEG, "test.jpg")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(sim.thumbnail(&id).unwrap(), JPEG);
    expect_status(
        call(&sim, Method::POST, &format!("/videos/{id}/captions/en"))
            .multipart(named_after_the_file(VTT, "en.vtt")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(sim.caption(&id, "en").unwrap(), VTT);
    expect_status(
        call(&sim, Method::POST, &format!("/videos/{id}/chapters/en"))
            .multipart(named_after_the_file(VTT, "chapters.vtt")),
        StatusCode::OK,
    )
    .await;

    // Watermarks (WatermarksApi.ts upload) and player logos with their link
    // (PlayerThemesApi.ts uploadLogo).
    let watermark: models::Watermark = expect(
        call(&sim, Method::POST, "/watermarks").multipart(named_after_the_file(PNG, "test.png")),
        StatusCode::OK,
    )
    .await;
    assert!(watermark.watermark_id.is_some());
    let theme: models::PlayerTheme = expect(
        call(&sim, Method::POST, "/players").json(&json!({"name": "node"})),
        StatusCode::CREATED,
    )
    .await;
    let with_logo: models::PlayerTheme = expect(
        call(
            &sim,
            Method::POST,
            &format!("/players/{}/logo", theme.player_id),
        )
        .multipart(named_after_the_file(PNG, "test.png").text("link", "https://api.video")),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        with_logo.assets.unwrap().link.as_deref(),
        Some("https://api.video")
    );
}

#[tokio::test]
async fn two_file_parts_or_none_are_refused() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "Two files"})).await;
    let path = format!("/videos/{id}/source");
    let two = named_after_the_file(b"first", "a.mp4")
        .part("b.mp4", Part::bytes(b"second".to_vec()).file_name("b.mp4"));
    let refused = problem(call(&sim, Method::POST, &path).multipart(two)).await;
    assert_eq!(refused["name"], "file");
    // A part named `file` counts as a file even without a file name.
    let two = file_form(b"first", "a.mp4").part("file", Part::text("second"));
    let refused = problem(call(&sim, Method::POST, &path).multipart(two)).await;
    assert_eq!(refused["name"], "file");
    // Text parts only: no file.
    let none = Form::new().text("videoId", id.clone()).text("title", "x");
    let refused = problem(call(&sim, Method::POST, &path).multipart(none)).await;
    assert_eq!(
        refused["type"],
        "https://docs.api.video/reference/attribute-required"
    );
    assert_eq!(sim.video_source(&id), None);
}

#[tokio::test]
async fn progressive_token_uploads_send_parts_and_are_titled_with_the_first_file_name() {
    // The progressive sessions of the Node, Python, Go and PHP clients: part 1/* without
    // videoId creates the video, the next parts name it, the last says part N/N. Their
    // tests expect the title `10m.mp4.part.a` (Node test/sandbox.spec.ts, Go
    // api_videos_test.go, PHP tests/Api/VideosApiTest.php).
    let sim = Simulator::builder()
        .encoding_delay(std::time::Duration::ZERO)
        .start()
        .await
        .unwrap();
    let token: models::UploadToken = expect(
        call(&sim, Method::POST, "/upload-tokens").json(&json!({})),
        StatusCode::OK,
    )
    .await;
    let url = format!("{}/upload?token={}", sim.base_url(), token.token.unwrap());
    let file = sample(9000);
    let parts = [
        ("part 1/*", "10m.mp4.part.a", &file[..4000]),
        ("part 2/*", "10m.mp4.part.b", &file[4000..8000]),
        ("part 3/3", "10m.mp4.part.c", &file[8000..]),
    ];
    let mut video_id: Option<String> = None;
    let mut last: Option<Video> = None;
    for (range, name, bytes) in parts {
        let mut form = named_after_the_file(bytes, name);
        if let Some(id) = &video_id {
            form = form.text("videoId", id.clone());
        }
        let video: Video = expect(
            http()
                .post(&url)
                .header("Content-Range", range)
                .multipart(form),
            StatusCode::CREATED,
        )
        .await;
        video_id.get_or_insert(video.video_id.clone());
        last = Some(video);
    }
    let last = last.unwrap();
    assert_eq!(Some(&last.video_id), video_id.as_ref());
    assert_eq!(last.title.as_deref(), Some("10m.mp4.part.a"));
    assert_eq!(sim.video_source(&last.video_id).unwrap(), file);
}

#[tokio::test]
async fn chunked_token_uploads_send_part_n_of_m() {
    // The Python client's VideosApi.upload_with_upload_token (and the Java client's
    // uploadWithUploadTokenWithHttpInfo, which also sends videoId) number every chunk
    // `part n/M`, M known from the start; a file of one chunk is `part 1/1`.
    let sim = Simulator::start().await;
    let token: models::UploadToken = expect(
        call(&sim, Method::POST, "/upload-tokens").json(&json!({})),
        StatusCode::OK,
    )
    .await;
    let url = format!("{}/upload?token={}", sim.base_url(), token.token.unwrap());

    let one: Video = expect(
        http()
            .post(&url)
            .header("Content-Range", "part 1/1")
            .multipart(file_form(&sample(500), "558k.mp4")),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(one.title.as_deref(), Some("558k.mp4"));
    assert_eq!(sim.video_source(&one.video_id).unwrap(), sample(500));

    let file = sample(7000);
    let chunks: Vec<&[u8]> = file.chunks(3000).collect();
    let mut id = String::new();
    for (n, chunk) in chunks.iter().enumerate() {
        let mut form = file_form(chunk, "chunked.mp4");
        if n > 0 {
            form = form.text("videoId", id.clone());
        }
        let video: Video = expect(
            http()
                .post(&url)
                .header("Content-Range", format!("part {}/{}", n + 1, chunks.len()))
                .multipart(form),
            StatusCode::CREATED,
        )
        .await;
        if n == 0 {
            id = video.video_id;
        }
    }
    assert_eq!(sim.video_source(&id).unwrap(), file);
    let status: models::VideoStatus = expect(
        call(&sim, Method::GET, &format!("/videos/{id}/status")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(status.ingest.unwrap().status, Some(IngestStatus::Uploaded));

    // Still strict: a part beyond the announced total, or a malformed header.
    for range in ["part 4/3", "part 0/*", "parts 1/2", "part x/2"] {
        let refused = problem(
            http()
                .post(&url)
                .header("Content-Range", range)
                .multipart(file_form(b"x", "x.mp4")),
        )
        .await;
        assert_eq!(refused["name"], "Content-Range", "{range}");
    }
}

#[tokio::test]
async fn images_are_judged_by_their_bytes_when_name_and_type_say_nothing() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "Streams"})).await;
    let thumbnail = format!("/videos/{id}/thumbnail");

    // VideosApi.ts uploadThumbnail with a Readable: filename "file", octet-stream.
    for image in [JPEG, PNG, WEBP] {
        expect_status(
            call(&sim, Method::POST, &thumbnail).multipart(nameless_stream(image)),
            StatusCode::OK,
        )
        .await;
        assert_eq!(sim.thumbnail(&id).unwrap(), image);
    }
    // The media type speaks when the name has no extension.
    let typed = Form::new().part(
        "file",
        Part::bytes(b"whatever".to_vec())
            .file_name("file")
            .mime_str("image/png")
            .unwrap(),
    );
    expect_status(
        call(&sim, Method::POST, &thumbnail).multipart(typed),
        StatusCode::OK,
    )
    .await;

    // Live stream thumbnails (LiveStreamsApi.ts uploadThumbnail).
    let live: models::LiveStream = expect(
        call(&sim, Method::POST, "/live-streams").json(&json!({"name": "Live"})),
        StatusCode::OK,
    )
    .await;
    expect_status(
        call(
            &sim,
            Method::POST,
            &format!("/live-streams/{}/thumbnail", live.live_stream_id),
        )
        .multipart(nameless_stream(WEBP)),
        StatusCode::CREATED,
    )
    .await;

    // Logos keep the format of their bytes (PlayerThemesApi.ts uploadLogo).
    let theme: models::PlayerTheme = expect(
        call(&sim, Method::POST, "/players").json(&json!({})),
        StatusCode::CREATED,
    )
    .await;
    let with_logo: models::PlayerTheme = expect(
        call(
            &sim,
            Method::POST,
            &format!("/players/{}/logo", theme.player_id),
        )
        .multipart(nameless_stream(PNG)),
        StatusCode::CREATED,
    )
    .await;
    assert!(
        with_logo
            .assets
            .unwrap()
            .logo
            .unwrap()
            .ends_with("/logo.png")
    );

    // Watermarks from a stream (WatermarksApi.ts upload).
    expect_status(
        call(&sim, Method::POST, "/watermarks").multipart(nameless_stream(JPEG)),
        StatusCode::OK,
    )
    .await;

    // Still strict: bytes that are no image, a format the route does not take, and a
    // name or a type that says something else.
    let refusals = [
        (thumbnail.clone(), nameless_stream(b"GIF89a not taken")),
        (thumbnail.clone(), nameless_stream(b"")),
        ("/watermarks".to_owned(), nameless_stream(WEBP)),
        (thumbnail.clone(), file_form(JPEG, "photo.gif")),
        (
            thumbnail.clone(),
            Form::new().part(
                "file",
                Part::bytes(JPEG.to_vec())
                    .file_name("file")
                    .mime_str("image/gif")
                    .unwrap(),
            ),
        ),
    ];
    for (path, form) in refusals {
        let refused = problem(call(&sim, Method::POST, &path).multipart(form)).await;
        assert_eq!(
            refused["type"], "https://docs.api.video/reference/uploaded-file-extension-invalid",
            "{path}"
        );
    }
}

#[tokio::test]
async fn timecodes_and_languages_as_api_video_documents_them() {
    let sim = Simulator::start().await;
    let id = create_video(&sim, json!({"title": "Docs"})).await;
    // "hh:mm:ss.ms", "hh:mm:ss:frameNumber", "124" (the timecode's description, shipped
    // in every client's model); 00:00:09.000 is what the PHP client test sends.
    for timecode in ["00:00:09.000", "00:15:22.05", "00:00:02:12", "124"] {
        expect_status(
            call(&sim, Method::PATCH, &format!("/videos/{id}/thumbnail"))
                .json(&json!({ "timecode": timecode })),
            StatusCode::OK,
        )
        .await;
    }
    let refused = problem(
        call(&sim, Method::PATCH, &format!("/videos/{id}/thumbnail"))
            .json(&json!({"timecode": "1:02:03"})),
    )
    .await;
    assert_eq!(refused["name"], "timecode");

    // `ch` (PHP tests/Api/CaptionsApiTest.php and ChaptersApiTest.php) and a script
    // with a region (`zh-Hans-CN`, the API's own example for the parameter).
    for language in ["ch", "zh-Hans-CN"] {
        let caption: models::Caption = expect(
            call(
                &sim,
                Method::POST,
                &format!("/videos/{id}/captions/{language}"),
            )
            .multipart(file_form(VTT, "captions.vtt")),
            StatusCode::OK,
        )
        .await;
        assert_eq!(caption.srclang.as_deref(), Some(language));
        let chapter: models::Chapter = expect(
            call(
                &sim,
                Method::POST,
                &format!("/videos/{id}/chapters/{language}"),
            )
            .multipart(file_form(VTT, "chapters.vtt")),
            StatusCode::OK,
        )
        .await;
        assert_eq!(chapter.language.as_deref(), Some(language));
    }
    let refused = problem(
        call(&sim, Method::POST, &format!("/videos/{id}/captions/xx"))
            .multipart(file_form(VTT, "captions.vtt")),
    )
    .await;
    assert_eq!(refused["name"], "language");
}
