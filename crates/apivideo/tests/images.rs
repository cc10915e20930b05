//! Image uploads (video and live-stream thumbnails, watermarks, player logos) announce
//! the media type of their bytes (JPEG, PNG or WebP, by magic number), not one guessed
//! from a default or misleading file name, whatever the source: bytes, a file, a reader
//! of known length, a stream.

mod common;

use std::path::PathBuf;

use apivideo::upload::Source;
use common::*;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\xff\xd9";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01";
const WEBP: &[u8] = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00";

/// Answers every image upload route with its spec example.
async fn image_server() -> MockServer {
    let server = strict_server().await;
    for id in [
        "POST_videos-videoId-thumbnail",
        "POST_live-streams-liveStreamId-thumbnail",
        "POST_watermark",
        "POST_players-playerId-logo",
    ] {
        let op = operation(id);
        let example = spec_example(id, op.success[0]).expect("an example");
        Mock::given(method("POST"))
            .and(path_regex(common::path_regex(op.path)))
            .respond_with(ResponseTemplate::new(op.success[0]).set_body_json(example))
            .mount(&server)
            .await;
    }
    server
}

/// The file part of each request received: its file name and media type.
async fn file_parts(server: &MockServer) -> Vec<(String, Option<String>, Option<String>)> {
    requests(server)
        .await
        .iter()
        .map(|request| {
            let part = multipart_parts(request)
                .into_iter()
                .find(|p| p.name == "file")
                .expect("a file part");
            (
                request.url.path().to_owned(),
                part.file_name,
                part.content_type,
            )
        })
        .collect()
}

fn media(kind: &str) -> Option<String> {
    Some(format!("image/{kind}"))
}

#[tokio::test]
async fn every_image_upload_announces_the_type_of_its_bytes_not_of_a_default_name() {
    let server = image_server().await;
    let client = client(&server);
    // Default names: thumbnail.jpg, thumbnail.jpg, watermark.png, logo.png.
    client
        .videos()
        .upload_thumbnail(VIDEO_ID, PNG)
        .await
        .expect("thumbnail");
    client
        .live_streams()
        .upload_thumbnail(LIVE_STREAM_ID, WEBP)
        .await
        .expect("live thumbnail");
    client.watermarks().upload(JPEG).await.expect("watermark");
    client
        .players()
        .upload_logo(PLAYER_ID, WEBP, None)
        .await
        .expect("logo");
    let parts = file_parts(&server).await;
    let types: Vec<_> = parts.iter().map(|(_, _, t)| t.clone()).collect();
    assert_eq!(
        types,
        [media("png"), media("webp"), media("jpeg"), media("webp")],
        "{parts:?}"
    );
    let names: Vec<_> = parts.iter().map(|(_, n, _)| n.clone()).collect();
    assert_eq!(
        names,
        [
            Some("thumbnail.jpg".to_owned()),
            Some("thumbnail.jpg".to_owned()),
            Some("watermark.png".to_owned()),
            Some("logo.png".to_owned())
        ],
        "the names are only names"
    );
}

/// Removes its file when dropped.
struct TempImage(PathBuf);

impl Drop for TempImage {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn files_readers_and_streams_are_sniffed_too() {
    let server = image_server().await;
    let client = client(&server);
    let file = TempImage(std::env::temp_dir().join(format!(
        "apivideo-images-{}-mislabelled.jpg",
        std::process::id()
    )));
    std::fs::write(&file.0, WEBP).expect("write");

    client
        .videos()
        .upload_thumbnail(VIDEO_ID, file.0.as_path())
        .await
        .expect("from a file named .jpg");
    client
        .videos()
        .upload_thumbnail(
            VIDEO_ID,
            Source::reader(std::io::Cursor::new(PNG.to_vec()), PNG.len() as u64)
                .file_name("cover.jpeg"),
        )
        .await
        .expect("from a reader");
    let blocks = futures_util::stream::iter([
        Ok::<_, std::io::Error>(bytes::Bytes::from_static(&PNG[..4])),
        Ok(bytes::Bytes::from_static(&PNG[4..])),
    ]);
    client
        .watermarks()
        .upload(Source::byte_stream(blocks))
        .await
        .expect("from a stream cut inside the magic number");
    let types: Vec<_> = file_parts(&server)
        .await
        .into_iter()
        .map(|(_, name, t)| (name, t))
        .collect();
    assert_eq!(
        types,
        [
            (
                file.0.file_name().map(|n| n.to_string_lossy().into_owned()),
                media("webp")
            ),
            (Some("cover.jpeg".to_owned()), media("png")),
            (Some("watermark.png".to_owned()), media("png")),
        ]
    );
}

#[tokio::test]
async fn bytes_that_are_no_known_image_fall_back_to_the_file_name() {
    let server = image_server().await;
    let client = client(&server);
    client
        .videos()
        .upload_thumbnail(
            VIDEO_ID,
            Source::bytes(&b"GIF89a...."[..]).file_name("x.png"),
        )
        .await
        .expect("sent; the API judges it");
    let parts = file_parts(&server).await;
    assert_eq!(parts[0].2, media("png"), "{parts:?}");
}
