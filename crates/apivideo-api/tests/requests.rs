//! Every operation of the spec, called against a wiremock server with realistic
//! arguments: the request has the method, path, query, headers and body the spec
//! describes, and the spec's own example answer decodes into the typed response.
//!
//! Each operation is one test (see the `operations!` list at the bottom), which also
//! checks the request against the operation table and snapshots it (method, path, query,
//! headers that matter, JSON body or multipart parts). `every_operation_is_exercised`
//! checks that the list covers `operations::ALL`.

mod support;

use std::collections::BTreeSet;

use apivideo_api::multipart::FilePart;
use apivideo_api::operation::Operation;
use apivideo_api::{Client, models, operations, types};
use chrono::{TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use apivideo_test_support::ids::{
    LIVE_STREAM_ID, PLAYER_ID, SUMMARY_ID, UPLOAD_TOKEN, VIDEO_ID, WATERMARK_ID, WEBHOOK_ID,
};
use apivideo_test_support::{FormPart, header, multipart_parts, query, spec_example};
use support::BASIC_HEADER;

/// The bytes of a (tiny, fake) MP4 file: not UTF-8, so they must go through untouched.
const MP4: &[u8] = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\xff\xfe";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\xff\xd9";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
const VTT: &str = "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nBonjour !\n";

/// One operation under test: a server answering every request with the spec's example
/// for the operation's first success status, and a client pointed at it.
struct Harness {
    op: &'static Operation,
    server: MockServer,
    client: Client,
    served: Option<Value>,
}

impl Harness {
    /// A client with the Basic strategy: operations that need credentials get the key's
    /// header, the others (the token endpoints, the upload-token upload) none.
    async fn new(id: &str) -> Self {
        let op = Operation::find(id).unwrap_or_else(|| panic!("{id} is not in the table"));
        let status = op.success[0];
        let served = spec_example(id, status);
        let server = MockServer::start().await;
        let mut answer = ResponseTemplate::new(status);
        if let Some(body) = &served {
            answer = answer.set_body_json(body);
        }
        Mock::given(any()).respond_with(answer).mount(&server).await;
        let client = support::client_with(&server.uri(), support::basic_context());
        Self {
            op,
            server,
            client,
            served,
        }
    }

    /// The example the server answers with, read as `T`.
    fn served<T: DeserializeOwned>(&self) -> T {
        let example = self.served.clone().expect("the operation has an example");
        serde_json::from_value(example).expect("the example reads as the model")
    }

    /// The one request the server received.
    async fn request(&self) -> Request {
        let mut requests = self.server.received_requests().await.expect("recording");
        assert_eq!(requests.len(), 1, "{}: one request expected", self.op.id);
        requests.remove(0)
    }

    /// Checks `request` against the operation table and snapshots it.
    fn finish(&self, request: &Request) {
        let op = self.op;
        assert_eq!(
            request.method.as_str(),
            op.method.as_str(),
            "{}: method",
            op.id
        );
        assert!(
            path_matches(op.path, request.url.path()),
            "{}: {} does not match {}",
            op.id,
            request.url.path(),
            op.path
        );
        if self.served.is_some() {
            assert_eq!(
                header(request, "accept"),
                Some("application/json"),
                "{}",
                op.id
            );
        }
        let expected = op.requires_credentials().then_some(BASIC_HEADER);
        assert_eq!(header(request, "authorization"), expected, "{}", op.id);
        insta::assert_yaml_snapshot!(op.id, self.summary(request));
    }

    fn summary(&self, request: &Request) -> Value {
        let mut headers = serde_json::Map::new();
        for name in [
            "accept",
            "api-version",
            "authorization",
            "content-type",
            "content-range",
        ] {
            if let Some(value) = header(request, name) {
                let value = match value.split_once("; boundary=") {
                    Some((media_type, _)) => format!("{media_type}; boundary=[boundary]"),
                    None => value.to_owned(),
                };
                headers.insert(name.to_owned(), value.into());
            }
        }
        let content_type = header(request, "content-type").unwrap_or_default();
        let body = if content_type.starts_with("multipart/form-data") {
            let parts: Vec<Value> = multipart_parts(request)
                .into_iter()
                .map(|part| {
                    json!({
                        "name": part.name,
                        "filename": part.file_name,
                        "content-type": part.content_type,
                        "length": part.data.len(),
                        "content": match String::from_utf8(part.data.clone()) {
                            Ok(text) => text,
                            Err(_) => hex(&part.data),
                        },
                    })
                })
                .collect();
            json!({ "multipart": parts })
        } else if request.body.is_empty() {
            Value::Null
        } else {
            assert_eq!(content_type, "application/json", "{}", self.op.id);
            request.body_json::<Value>().expect("a JSON body")
        };
        json!({
            "method": request.method.as_str(),
            "path": request.url.path(),
            "query": query(request)
                .into_iter()
                .map(|(k, v)| json!([k, v]))
                .collect::<Vec<_>>(),
            "headers": headers,
            "body": body,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `path` fits the template `/videos/{videoId}`: same segments, any non-empty
/// value for a parameter.
fn path_matches(template: &str, path: &str) -> bool {
    let (template, path): (Vec<_>, Vec<_>) =
        (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template.iter().zip(&path).all(|(t, p)| {
            if t.starts_with('{') && t.ends_with('}') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

fn assert_query(request: &Request, expected: &[(&str, &str)]) {
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(query(request), expected, "query of {}", request.url);
}

fn assert_path(request: &Request, expected: &str) {
    assert_eq!(request.url.path(), expected);
}

fn assert_json_body(request: &Request, expected: Value) {
    assert_eq!(header(request, "content-type"), Some("application/json"));
    assert_eq!(request.body_json::<Value>().expect("JSON body"), expected);
}

fn assert_no_body(request: &Request) {
    assert!(
        request.body.is_empty(),
        "unexpected body {:?}",
        String::from_utf8_lossy(&request.body)
    );
}

fn file(name: &str, content_type: &str, data: &[u8]) -> FormPart {
    FormPart {
        name: "file".to_owned(),
        file_name: Some(name.to_owned()),
        content_type: Some(content_type.to_owned()),
        data: data.to_vec(),
    }
}

fn text(name: &str, value: &str) -> FormPart {
    FormPart {
        name: name.to_owned(),
        file_name: None,
        content_type: None,
        data: value.as_bytes().to_vec(),
    }
}

// ---------------------------------------------------------------------------------------
// Advanced authentication

async fn post_auth_api_key(h: &Harness) -> Request {
    let token = h
        .client
        .post_auth_api_key()
        .body(models::AuthenticatePayload::new("sandbox-api-key-123"))
        .send()
        .await
        .expect("POST /auth/api-key")
        .into_inner();
    assert_eq!(token, h.served::<models::AccessToken>());
    assert_eq!(token.expires_in, Some(3600));
    let request = h.request().await;
    assert_path(&request, "/auth/api-key");
    assert_query(&request, &[]);
    assert_json_body(&request, json!({"apiKey": "sandbox-api-key-123"}));
    request
}

async fn post_auth_refresh(h: &Harness) -> Request {
    let token = h
        .client
        .post_auth_refresh()
        .body(models::RefreshTokenPayload::new("def50200e7b15c3f9a2d48e6"))
        .send()
        .await
        .expect("POST /auth/refresh")
        .into_inner();
    assert_eq!(token, h.served::<models::AccessToken>());
    let request = h.request().await;
    assert_path(&request, "/auth/refresh");
    assert_json_body(
        &request,
        json!({"refreshToken": "def50200e7b15c3f9a2d48e6"}),
    );
    request
}

// ---------------------------------------------------------------------------------------
// Videos

async fn list_videos(h: &Harness) -> Request {
    let page = h
        .client
        .list_videos()
        .title("all-hands")
        .tags(vec!["internal".to_owned(), "2024 Q2".to_owned()])
        .metadata(
            models::MetadataQuery::new()
                .insert("Author", "John Doe")
                .insert("team", "product"),
        )
        .description("recording")
        .live_stream_id(LIVE_STREAM_ID)
        .sort_by(types::ListVideosSortBy::PublishedAt)
        .sort_order(types::ListVideosSortOrder::Desc)
        .current_page(2)
        .page_size(10)
        .send()
        .await
        .expect("GET /videos")
        .into_inner();
    assert_eq!(page, h.served::<models::VideosListResponse>());
    assert!(!page.data.is_empty());
    let request = h.request().await;
    assert_path(&request, "/videos");
    assert_query(
        &request,
        &[
            ("currentPage", "2"),
            ("description", "recording"),
            ("liveStreamId", LIVE_STREAM_ID),
            ("metadata[Author]", "John Doe"),
            ("metadata[team]", "product"),
            ("pageSize", "10"),
            ("sortBy", "publishedAt"),
            ("sortOrder", "desc"),
            ("tags[]", "internal"),
            ("tags[]", "2024 Q2"),
            ("title", "all-hands"),
        ],
    );
    // The brackets and the space are percent-encoded in the raw query.
    let raw = request.url.query().unwrap_or_default();
    assert!(raw.contains("metadata%5BAuthor%5D=John+Doe"), "{raw}");
    assert_no_body(&request);
    request
}

async fn post_video(h: &Harness) -> Request {
    let body = models::VideoCreationPayload::new("Maths video")
        .description("An amazing video explaining the string theory")
        .public(false)
        .panoramic(false)
        .mp4_support(true)
        .player_id(PLAYER_ID)
        .tags(["maths", "string theory"])
        .metadata([models::Metadata::new().key("Author").value("John Doe")])
        .clip(
            models::VideoClip::new()
                .start_timecode("00:00:05")
                .end_timecode("00:01:30"),
        )
        .watermark(
            models::VideoWatermark::new()
                .id(WATERMARK_ID)
                .top("10px")
                .left("10px")
                .width("50%")
                .opacity("70%"),
        )
        .language("en")
        .transcript(true)
        .transcript_summary(true)
        .transcript_summary_attributes(["abstract", "takeaways"]);
    let response = h
        .client
        .post_video()
        .body(body)
        .send()
        .await
        .expect("POST /videos");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.into_inner(), h.served::<models::Video>());
    let request = h.request().await;
    assert_path(&request, "/videos");
    assert_json_body(
        &request,
        json!({
            "title": "Maths video",
            "description": "An amazing video explaining the string theory",
            "public": false,
            "panoramic": false,
            "mp4Support": true,
            "playerId": PLAYER_ID,
            "tags": ["maths", "string theory"],
            "metadata": [{"key": "Author", "value": "John Doe"}],
            "clip": {"startTimecode": "00:00:05", "endTimecode": "00:01:30"},
            "watermark": {
                "id": WATERMARK_ID, "top": "10px", "left": "10px", "width": "50%",
                "opacity": "70%"
            },
            "language": "en",
            "transcript": true,
            "transcriptSummary": true,
            "transcriptSummaryAttributes": ["abstract", "takeaways"],
        }),
    );
    request
}

async fn post_videos_video_id_source(h: &Harness) -> Request {
    let payload = models::VideoUploadPayload::new(FilePart::from_bytes(MP4, "clip.mp4"));
    let video = h
        .client
        .post_videos_video_id_source(VIDEO_ID, Some("bytes 0-25/26"), payload)
        .await
        .expect("POST /videos/{videoId}/source")
        .into_inner();
    assert_eq!(video, h.served::<models::Video>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/source"));
    assert_query(&request, &[]);
    assert_eq!(header(&request, "content-range"), Some("bytes 0-25/26"));
    assert_eq!(
        multipart_parts(&request),
        [file("clip.mp4", "video/mp4", MP4)]
    );
    request
}

async fn post_videos_video_id_thumbnail(h: &Harness) -> Request {
    let payload = models::VideoThumbnailUploadPayload::new(FilePart::from_bytes(JPEG, "cover.JPG"));
    let video = h
        .client
        .post_videos_video_id_thumbnail(VIDEO_ID, payload)
        .await
        .expect("POST /videos/{videoId}/thumbnail")
        .into_inner();
    assert_eq!(video, h.served::<models::Video>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/thumbnail"));
    assert_eq!(header(&request, "content-range"), None);
    assert_eq!(
        multipart_parts(&request),
        [file("cover.JPG", "image/jpeg", JPEG)]
    );
    request
}

async fn patch_videos_video_id_thumbnail(h: &Harness) -> Request {
    let video = h
        .client
        .patch_videos_video_id_thumbnail()
        .video_id(VIDEO_ID)
        .body(models::VideoThumbnailPickPayload::new("00:01:02.50"))
        .send()
        .await
        .expect("PATCH /videos/{videoId}/thumbnail")
        .into_inner();
    assert_eq!(video, h.served::<models::Video>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/thumbnail"));
    assert_json_body(&request, json!({"timecode": "00:01:02.50"}));
    request
}

async fn get_video(h: &Harness) -> Request {
    let video = h
        .client
        .get_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("GET /videos/{videoId}")
        .into_inner();
    assert_eq!(video, h.served::<models::Video>());
    assert_eq!(video.video_id, "vild4MG6aex4L2eFuKcLq2");
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}"));
    assert_query(&request, &[]);
    assert_no_body(&request);
    request
}

async fn delete_video(h: &Harness) -> Request {
    let response = h
        .client
        .delete_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("DELETE /videos/{videoId}");
    assert_eq!(response.status().as_u16(), 204);
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}"));
    assert_no_body(&request);
    request
}

async fn patch_video(h: &Harness) -> Request {
    let body = models::VideoUpdatePayload::new()
        .title("Maths video (final cut)")
        .clear_player_id()
        .public(true)
        .tags(["maths"])
        .metadata([models::Metadata::new().key("reviewed").value("yes")])
        .clear_language();
    let video = h
        .client
        .patch_video()
        .video_id(VIDEO_ID)
        .body(body)
        .send()
        .await
        .expect("PATCH /videos/{videoId}")
        .into_inner();
    assert_eq!(video, h.served::<models::Video>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}"));
    assert_json_body(
        &request,
        json!({
            "playerId": null,
            "title": "Maths video (final cut)",
            "public": true,
            "tags": ["maths"],
            "metadata": [{"key": "reviewed", "value": "yes"}],
            "language": null,
        }),
    );
    request
}

async fn list_discarded_videos(h: &Harness) -> Request {
    let page = h
        .client
        .list_discarded_videos()
        .tags(vec!["archive".to_owned()])
        .metadata(models::MetadataQuery::new().insert("Author", "John Doe"))
        .sort_by(types::ListDiscardedVideosSortBy::CreatedAt)
        .sort_order(types::ListDiscardedVideosSortOrder::Asc)
        .page_size(25)
        .send()
        .await
        .expect("GET /discarded/videos")
        .into_inner();
    assert_eq!(page, h.served::<models::VideosListResponse>());
    let request = h.request().await;
    assert_path(&request, "/discarded/videos");
    assert_query(
        &request,
        &[
            ("metadata[Author]", "John Doe"),
            ("pageSize", "25"),
            ("sortBy", "createdAt"),
            ("sortOrder", "asc"),
            ("tags[]", "archive"),
        ],
    );
    request
}

async fn get_discarded_video(h: &Harness) -> Request {
    let video = h
        .client
        .get_discarded_video()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("GET /discarded/videos/{videoId}")
        .into_inner();
    assert_eq!(video, h.served::<models::Video>());
    assert_eq!(video.discarded, Some(true));
    let request = h.request().await;
    assert_path(&request, &format!("/discarded/videos/{VIDEO_ID}"));
    request
}

async fn patch_discarded_video(h: &Harness) -> Request {
    let video = h
        .client
        .patch_discarded_video()
        .video_id(VIDEO_ID)
        .body(models::DiscardedVideoUpdatePayload::new().discarded(false))
        .send()
        .await
        .expect("PATCH /discarded/videos/{videoId}")
        .into_inner();
    assert_eq!(video, h.served::<models::Video>());
    let request = h.request().await;
    assert_path(&request, &format!("/discarded/videos/{VIDEO_ID}"));
    assert_json_body(&request, json!({"discarded": false}));
    request
}

async fn get_video_status(h: &Harness) -> Request {
    let status = h
        .client
        .get_video_status()
        .video_id(VIDEO_ID)
        .send()
        .await
        .expect("GET /videos/{videoId}/status")
        .into_inner();
    assert_eq!(status, h.served::<models::VideoStatus>());
    assert_eq!(
        status.encoding.as_ref().and_then(|e| e.playable),
        Some(true)
    );
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/status"));
    request
}

// ---------------------------------------------------------------------------------------
// Tags and summaries

async fn list_tags(h: &Harness) -> Request {
    let tags = h
        .client
        .list_tags()
        .value("conf")
        .sort_by(types::ListTagsSortBy::VideoCount)
        .sort_order(types::ListTagsSortOrder::Desc)
        .current_page(1)
        .page_size(50)
        .send()
        .await
        .expect("GET /tags")
        .into_inner();
    assert_eq!(tags, h.served::<models::ListTagsResponse>());
    let request = h.request().await;
    assert_path(&request, "/tags");
    assert_query(
        &request,
        &[
            ("currentPage", "1"),
            ("pageSize", "50"),
            ("sortBy", "videoCount"),
            ("sortOrder", "desc"),
            ("value", "conf"),
        ],
    );
    request
}

async fn get_summaries(h: &Harness) -> Request {
    let summaries = h
        .client
        .get_summaries()
        .video_id(VIDEO_ID)
        .origin(types::GetSummariesOrigin::Auto)
        .source_status(types::GetSummariesSourceStatus::Completed)
        .sort_by(types::GetSummariesSortBy::CreatedAt)
        .sort_order(types::GetSummariesSortOrder::Asc)
        .current_page(1)
        .page_size(25)
        .send()
        .await
        .expect("GET /summaries")
        .into_inner();
    assert_eq!(summaries, h.served::<models::SummariesListResponse>());
    let request = h.request().await;
    assert_path(&request, "/summaries");
    assert_query(
        &request,
        &[
            ("currentPage", "1"),
            ("origin", "auto"),
            ("pageSize", "25"),
            ("sortBy", "createdAt"),
            ("sortOrder", "asc"),
            ("sourceStatus", "completed"),
            ("videoId", VIDEO_ID),
        ],
    );
    request
}

async fn post_summaries(h: &Harness) -> Request {
    let body = models::SummaryCreationPayload::new(VIDEO_ID)
        .origin("auto")
        .attributes(["abstract", "takeaways"]);
    let response = h
        .client
        .post_summaries()
        .body(body)
        .send()
        .await
        .expect("POST /summaries");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.into_inner(), h.served::<models::Summary>());
    let request = h.request().await;
    assert_path(&request, "/summaries");
    assert_json_body(
        &request,
        json!({"videoId": VIDEO_ID, "origin": "auto", "attributes": ["abstract", "takeaways"]}),
    );
    request
}

async fn delete_summaries_summary_id(h: &Harness) -> Request {
    let response = h
        .client
        .delete_summaries_summary_id()
        .summary_id(SUMMARY_ID)
        .send()
        .await
        .expect("DELETE /summaries/{summaryId}");
    assert_eq!(response.status().as_u16(), 204);
    let request = h.request().await;
    assert_path(&request, &format!("/summaries/{SUMMARY_ID}"));
    assert_no_body(&request);
    request
}

async fn get_summaries_summary_id_source(h: &Harness) -> Request {
    let source = h
        .client
        .get_summaries_summary_id_source()
        .summary_id(SUMMARY_ID)
        .send()
        .await
        .expect("GET /summaries/{summaryId}/source")
        .into_inner();
    assert_eq!(source, h.served::<models::SummarySource>());
    assert!(source.r#abstract.is_some());
    let request = h.request().await;
    assert_path(&request, &format!("/summaries/{SUMMARY_ID}/source"));
    request
}

async fn patch_summaries_summary_id_source(h: &Harness) -> Request {
    let body = models::SummaryUpdatePayload::new()
        .r#abstract("A short introduction to string theory.")
        .takeaways(["Strings vibrate", "Ten dimensions", "No experiment yet"]);
    let response = h
        .client
        .patch_summaries_summary_id_source()
        .summary_id(SUMMARY_ID)
        .body(body)
        .send()
        .await
        .expect("PATCH /summaries/{summaryId}/source");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.into_inner(), h.served::<models::SummarySource>());
    let request = h.request().await;
    assert_path(&request, &format!("/summaries/{SUMMARY_ID}/source"));
    assert_json_body(
        &request,
        json!({
            "abstract": "A short introduction to string theory.",
            "takeaways": ["Strings vibrate", "Ten dimensions", "No experiment yet"],
        }),
    );
    request
}

// ---------------------------------------------------------------------------------------
// Watermarks

async fn list_watermarks(h: &Harness) -> Request {
    let page = h
        .client
        .list_watermarks()
        .sort_by("createdAt")
        .sort_order("desc")
        .current_page(3)
        .page_size(5)
        .send()
        .await
        .expect("GET /watermarks")
        .into_inner();
    assert_eq!(page, h.served::<models::WatermarksListResponse>());
    let request = h.request().await;
    assert_path(&request, "/watermarks");
    assert_query(
        &request,
        &[
            ("currentPage", "3"),
            ("pageSize", "5"),
            ("sortBy", "createdAt"),
            ("sortOrder", "desc"),
        ],
    );
    request
}

async fn post_watermark(h: &Harness) -> Request {
    let payload = models::WatermarkUploadPayload::new(FilePart::from_bytes(PNG, "logo.png"));
    let watermark = h
        .client
        .post_watermark(payload)
        .await
        .expect("POST /watermarks")
        .into_inner();
    assert_eq!(watermark, h.served::<models::Watermark>());
    let request = h.request().await;
    assert_path(&request, "/watermarks");
    assert_eq!(
        multipart_parts(&request),
        [file("logo.png", "image/png", PNG)]
    );
    request
}

async fn delete_watermark(h: &Harness) -> Request {
    let response = h
        .client
        .delete_watermark()
        .watermark_id(WATERMARK_ID)
        .send()
        .await
        .expect("DELETE /watermarks/{watermarkId}");
    assert_eq!(response.status().as_u16(), 204);
    let request = h.request().await;
    assert_path(&request, &format!("/watermarks/{WATERMARK_ID}"));
    request
}

// ---------------------------------------------------------------------------------------
// Upload tokens

async fn get_upload_tokens(h: &Harness) -> Request {
    let page = h
        .client
        .get_upload_tokens()
        .sort_by(types::GetUploadTokensSortBy::Ttl)
        .sort_order(types::GetUploadTokensSortOrder::Asc)
        .current_page(1)
        .page_size(100)
        .send()
        .await
        .expect("GET /upload-tokens")
        .into_inner();
    assert_eq!(page, h.served::<models::TokenListResponse>());
    let request = h.request().await;
    assert_path(&request, "/upload-tokens");
    assert_query(
        &request,
        &[
            ("currentPage", "1"),
            ("pageSize", "100"),
            ("sortBy", "ttl"),
            ("sortOrder", "asc"),
        ],
    );
    request
}

async fn post_upload_tokens(h: &Harness) -> Request {
    let token = h
        .client
        .post_upload_tokens()
        .body(models::TokenCreationPayload::new().ttl(3600))
        .send()
        .await
        .expect("POST /upload-tokens")
        .into_inner();
    assert_eq!(token, h.served::<models::UploadToken>());
    let request = h.request().await;
    assert_path(&request, "/upload-tokens");
    assert_json_body(&request, json!({"ttl": 3600}));
    request
}

async fn get_upload_tokens_upload_token(h: &Harness) -> Request {
    let token = h
        .client
        .get_upload_tokens_upload_token()
        .upload_token(UPLOAD_TOKEN)
        .send()
        .await
        .expect("GET /upload-tokens/{uploadToken}")
        .into_inner();
    assert_eq!(token, h.served::<models::UploadToken>());
    let request = h.request().await;
    assert_path(&request, &format!("/upload-tokens/{UPLOAD_TOKEN}"));
    request
}

async fn delete_upload_tokens_upload_token(h: &Harness) -> Request {
    let response = h
        .client
        .delete_upload_tokens_upload_token()
        .upload_token(UPLOAD_TOKEN)
        .send()
        .await
        .expect("DELETE /upload-tokens/{uploadToken}");
    assert_eq!(response.status().as_u16(), 204);
    let request = h.request().await;
    assert_path(&request, &format!("/upload-tokens/{UPLOAD_TOKEN}"));
    request
}

async fn post_upload(h: &Harness) -> Request {
    let payload =
        models::TokenUploadPayload::new(FilePart::from_bytes(MP4, "clip.mp4")).video_id(VIDEO_ID);
    let video = h
        .client
        .post_upload(UPLOAD_TOKEN, Some("bytes 0-25/26"), payload)
        .await
        .expect("POST /upload")
        .into_inner();
    assert_eq!(video, h.served::<models::Video>());
    let request = h.request().await;
    assert_path(&request, "/upload");
    assert_query(&request, &[("token", UPLOAD_TOKEN)]);
    assert_eq!(header(&request, "content-range"), Some("bytes 0-25/26"));
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(
        multipart_parts(&request),
        [
            file("clip.mp4", "video/mp4", MP4),
            text("videoId", VIDEO_ID)
        ]
    );
    request
}

// ---------------------------------------------------------------------------------------
// Live streams

async fn get_live_streams(h: &Harness) -> Request {
    let page = h
        .client
        .get_live_streams()
        .name("Friday all-hands")
        .stream_key("d4b0c1e7-5a62-4f38-8e19-3c7a2b6f9d05")
        .sort_by(types::GetLiveStreamsSortBy::CreatedAt)
        .sort_order(types::GetLiveStreamsSortOrder::Desc)
        .current_page(1)
        .page_size(2)
        .send()
        .await
        .expect("GET /live-streams")
        .into_inner();
    assert_eq!(page, h.served::<models::LiveStreamListResponse>());
    let request = h.request().await;
    assert_path(&request, "/live-streams");
    assert_query(
        &request,
        &[
            ("currentPage", "1"),
            ("name", "Friday all-hands"),
            ("pageSize", "2"),
            ("sortBy", "createdAt"),
            ("sortOrder", "desc"),
            ("streamKey", "d4b0c1e7-5a62-4f38-8e19-3c7a2b6f9d05"),
        ],
    );
    request
}

async fn post_live_streams(h: &Harness) -> Request {
    let body = models::LiveStreamCreationPayload::new("Town hall")
        .public(true)
        .player_id(PLAYER_ID)
        .restreams([models::RestreamsRequestObject::new(
            "YouTube channel",
            "rtmps://a.rtmps.youtube.com/live2",
            "k3h7-2mzq-9tdp-x4vw-ab1c",
        )]);
    let live = h
        .client
        .post_live_streams()
        .body(body)
        .send()
        .await
        .expect("POST /live-streams")
        .into_inner();
    assert_eq!(live, h.served::<models::LiveStream>());
    let request = h.request().await;
    assert_path(&request, "/live-streams");
    assert_json_body(
        &request,
        json!({
            "name": "Town hall",
            "public": true,
            "playerId": PLAYER_ID,
            "restreams": [{
                "name": "YouTube channel",
                "serverUrl": "rtmps://a.rtmps.youtube.com/live2",
                "streamKey": "k3h7-2mzq-9tdp-x4vw-ab1c",
            }],
        }),
    );
    request
}

async fn get_live_streams_live_stream_id(h: &Harness) -> Request {
    let live = h
        .client
        .get_live_streams_live_stream_id()
        .live_stream_id(LIVE_STREAM_ID)
        .send()
        .await
        .expect("GET /live-streams/{liveStreamId}")
        .into_inner();
    assert_eq!(live, h.served::<models::LiveStream>());
    let request = h.request().await;
    assert_path(&request, &format!("/live-streams/{LIVE_STREAM_ID}"));
    request
}

async fn delete_live_streams_live_stream_id(h: &Harness) -> Request {
    let response = h
        .client
        .delete_live_streams_live_stream_id()
        .live_stream_id(LIVE_STREAM_ID)
        .send()
        .await
        .expect("DELETE /live-streams/{liveStreamId}");
    assert_eq!(response.status().as_u16(), 204);
    let request = h.request().await;
    assert_path(&request, &format!("/live-streams/{LIVE_STREAM_ID}"));
    request
}

async fn patch_live_streams_live_stream_id(h: &Harness) -> Request {
    let body = models::LiveStreamUpdatePayload::new()
        .name("Town hall (internal)")
        .public(false)
        .restreams(Vec::<models::RestreamsRequestObject>::new());
    let live = h
        .client
        .patch_live_streams_live_stream_id()
        .live_stream_id(LIVE_STREAM_ID)
        .body(body)
        .send()
        .await
        .expect("PATCH /live-streams/{liveStreamId}")
        .into_inner();
    assert_eq!(live, h.served::<models::LiveStream>());
    let request = h.request().await;
    assert_path(&request, &format!("/live-streams/{LIVE_STREAM_ID}"));
    assert_json_body(
        &request,
        json!({"name": "Town hall (internal)", "public": false, "restreams": []}),
    );
    request
}

async fn post_live_streams_live_stream_id_thumbnail(h: &Harness) -> Request {
    let payload =
        models::LiveStreamThumbnailUploadPayload::new(FilePart::from_bytes(JPEG, "poster.jpeg"));
    let live = h
        .client
        .post_live_streams_live_stream_id_thumbnail(LIVE_STREAM_ID, payload)
        .await
        .expect("POST /live-streams/{liveStreamId}/thumbnail")
        .into_inner();
    assert_eq!(live, h.served::<models::LiveStream>());
    let request = h.request().await;
    assert_path(
        &request,
        &format!("/live-streams/{LIVE_STREAM_ID}/thumbnail"),
    );
    assert_eq!(
        multipart_parts(&request),
        [file("poster.jpeg", "image/jpeg", JPEG)]
    );
    request
}

async fn delete_live_streams_live_stream_id_thumbnail(h: &Harness) -> Request {
    let live = h
        .client
        .delete_live_streams_live_stream_id_thumbnail()
        .live_stream_id(LIVE_STREAM_ID)
        .send()
        .await
        .expect("DELETE /live-streams/{liveStreamId}/thumbnail")
        .into_inner();
    assert_eq!(live, h.served::<models::LiveStream>());
    let request = h.request().await;
    assert_path(
        &request,
        &format!("/live-streams/{LIVE_STREAM_ID}/thumbnail"),
    );
    request
}

async fn put_live_streams_live_stream_id_complete(h: &Harness) -> Request {
    let response = h
        .client
        .put_live_streams_live_stream_id_complete()
        .live_stream_id(LIVE_STREAM_ID)
        .send()
        .await
        .expect("PUT /live-streams/{liveStreamId}/complete");
    assert_eq!(response.status().as_u16(), 202);
    let request = h.request().await;
    assert_path(
        &request,
        &format!("/live-streams/{LIVE_STREAM_ID}/complete"),
    );
    assert_no_body(&request);
    request
}

// ---------------------------------------------------------------------------------------
// Captions and chapters

async fn get_videos_video_id_captions_language(h: &Harness) -> Request {
    let caption = h
        .client
        .get_videos_video_id_captions_language()
        .video_id(VIDEO_ID)
        .language("fr-CA")
        .send()
        .await
        .expect("GET /videos/{videoId}/captions/{language}")
        .into_inner();
    assert_eq!(caption, h.served::<models::Caption>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/captions/fr-CA"));
    request
}

async fn post_videos_video_id_captions_language(h: &Harness) -> Request {
    let payload = models::CaptionsUploadPayload::new(FilePart::from_bytes(VTT, "captions.vtt"));
    let caption = h
        .client
        .post_videos_video_id_captions_language(VIDEO_ID, "fr-CA", payload)
        .await
        .expect("POST /videos/{videoId}/captions/{language}")
        .into_inner();
    assert_eq!(caption, h.served::<models::Caption>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/captions/fr-CA"));
    assert_eq!(
        multipart_parts(&request),
        [file("captions.vtt", "text/vtt", VTT.as_bytes())]
    );
    request
}

async fn delete_videos_video_id_captions_language(h: &Harness) -> Request {
    let response = h
        .client
        .delete_videos_video_id_captions_language()
        .video_id(VIDEO_ID)
        .language("en")
        .send()
        .await
        .expect("DELETE /videos/{videoId}/captions/{language}");
    assert_eq!(response.status().as_u16(), 204);
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/captions/en"));
    request
}

async fn patch_videos_video_id_captions_language(h: &Harness) -> Request {
    let caption = h
        .client
        .patch_videos_video_id_captions_language()
        .video_id(VIDEO_ID)
        .language("en")
        .body(models::CaptionsUpdatePayload::new().default(true))
        .send()
        .await
        .expect("PATCH /videos/{videoId}/captions/{language}")
        .into_inner();
    assert_eq!(caption, h.served::<models::Caption>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/captions/en"));
    assert_json_body(&request, json!({"default": true}));
    request
}

async fn get_videos_video_id_captions(h: &Harness) -> Request {
    let page = h
        .client
        .get_videos_video_id_captions()
        .video_id(VIDEO_ID)
        .current_page(1)
        .page_size(10)
        .send()
        .await
        .expect("GET /videos/{videoId}/captions")
        .into_inner();
    assert_eq!(page, h.served::<models::CaptionsListResponse>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/captions"));
    assert_query(&request, &[("currentPage", "1"), ("pageSize", "10")]);
    request
}

async fn get_videos_video_id_chapters_language(h: &Harness) -> Request {
    let chapter = h
        .client
        .get_videos_video_id_chapters_language()
        .video_id(VIDEO_ID)
        .language("es")
        .send()
        .await
        .expect("GET /videos/{videoId}/chapters/{language}")
        .into_inner();
    assert_eq!(chapter, h.served::<models::Chapter>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/chapters/es"));
    request
}

async fn post_videos_video_id_chapters_language(h: &Harness) -> Request {
    let payload = models::ChaptersUpdatePayload::new(FilePart::from_bytes(VTT, "chapters.vtt"));
    let chapter = h
        .client
        .post_videos_video_id_chapters_language(VIDEO_ID, "es", payload)
        .await
        .expect("POST /videos/{videoId}/chapters/{language}")
        .into_inner();
    assert_eq!(chapter, h.served::<models::Chapter>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/chapters/es"));
    assert_eq!(
        multipart_parts(&request),
        [file("chapters.vtt", "text/vtt", VTT.as_bytes())]
    );
    request
}

async fn delete_videos_video_id_chapters_language(h: &Harness) -> Request {
    let response = h
        .client
        .delete_videos_video_id_chapters_language()
        .video_id(VIDEO_ID)
        .language("es")
        .send()
        .await
        .expect("DELETE /videos/{videoId}/chapters/{language}");
    assert_eq!(response.status().as_u16(), 204);
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/chapters/es"));
    request
}

async fn get_videos_video_id_chapters(h: &Harness) -> Request {
    let page = h
        .client
        .get_videos_video_id_chapters()
        .video_id(VIDEO_ID)
        .current_page(2)
        .page_size(1)
        .send()
        .await
        .expect("GET /videos/{videoId}/chapters")
        .into_inner();
    assert_eq!(page, h.served::<models::ChaptersListResponse>());
    let request = h.request().await;
    assert_path(&request, &format!("/videos/{VIDEO_ID}/chapters"));
    assert_query(&request, &[("currentPage", "2"), ("pageSize", "1")]);
    request
}

// ---------------------------------------------------------------------------------------
// Player themes

async fn get_players(h: &Harness) -> Request {
    let page = h
        .client
        .get_players()
        .sort_by(types::GetPlayersSortBy::Name)
        .sort_order(types::GetPlayersSortOrder::Asc)
        .current_page(1)
        .page_size(25)
        .send()
        .await
        .expect("GET /players")
        .into_inner();
    assert_eq!(page, h.served::<models::PlayerThemesListResponse>());
    let request = h.request().await;
    assert_path(&request, "/players");
    assert_query(
        &request,
        &[
            ("currentPage", "1"),
            ("pageSize", "25"),
            ("sortBy", "name"),
            ("sortOrder", "asc"),
        ],
    );
    request
}

async fn post_players(h: &Harness) -> Request {
    let body = models::PlayerThemeCreationPayload::new()
        .name("Brand dark")
        .text("rgba(255, 255, 255, 1)")
        .link("rgba(255, 0, 0, .95)")
        .track_played("rgba(88, 131, 255, .95)")
        .enable_controls(true)
        .force_loop(false);
    let response = h
        .client
        .post_players()
        .body(body)
        .send()
        .await
        .expect("POST /players");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.into_inner(), h.served::<models::PlayerTheme>());
    let request = h.request().await;
    assert_path(&request, "/players");
    assert_json_body(
        &request,
        json!({
            "name": "Brand dark",
            "text": "rgba(255, 255, 255, 1)",
            "link": "rgba(255, 0, 0, .95)",
            "trackPlayed": "rgba(88, 131, 255, .95)",
            "enableControls": true,
            "forceLoop": false,
        }),
    );
    request
}

async fn get_players_player_id(h: &Harness) -> Request {
    let theme = h
        .client
        .get_players_player_id()
        .player_id(PLAYER_ID)
        .send()
        .await
        .expect("GET /players/{playerId}")
        .into_inner();
    assert_eq!(theme, h.served::<models::PlayerTheme>());
    let request = h.request().await;
    assert_path(&request, &format!("/players/{PLAYER_ID}"));
    request
}

async fn delete_players_player_id(h: &Harness) -> Request {
    let response = h
        .client
        .delete_players_player_id()
        .player_id(PLAYER_ID)
        .send()
        .await
        .expect("DELETE /players/{playerId}");
    assert_eq!(response.status().as_u16(), 204);
    let request = h.request().await;
    assert_path(&request, &format!("/players/{PLAYER_ID}"));
    request
}

async fn patch_players_player_id(h: &Harness) -> Request {
    let body = models::PlayerThemeUpdatePayload::new()
        .link_hover("rgba(0, 0, 0, 1)")
        .hide_title(true);
    let theme = h
        .client
        .patch_players_player_id()
        .player_id(PLAYER_ID)
        .body(body)
        .send()
        .await
        .expect("PATCH /players/{playerId}")
        .into_inner();
    assert_eq!(theme, h.served::<models::PlayerTheme>());
    let request = h.request().await;
    assert_path(&request, &format!("/players/{PLAYER_ID}"));
    assert_json_body(
        &request,
        json!({"linkHover": "rgba(0, 0, 0, 1)", "hideTitle": true}),
    );
    request
}

async fn post_players_player_id_logo(h: &Harness) -> Request {
    let payload = models::PlayerThemeUploadLogoPayload::new(FilePart::from_bytes(PNG, "logo.png"))
        .link("https://example.com/?ref=player");
    let response = h
        .client
        .post_players_player_id_logo(PLAYER_ID, payload)
        .await
        .expect("POST /players/{playerId}/logo");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.into_inner(), h.served::<models::PlayerTheme>());
    let request = h.request().await;
    assert_path(&request, &format!("/players/{PLAYER_ID}/logo"));
    assert_eq!(
        multipart_parts(&request),
        [
            file("logo.png", "image/png", PNG),
            text("link", "https://example.com/?ref=player")
        ]
    );
    request
}

async fn delete_players_player_id_logo(h: &Harness) -> Request {
    let response = h
        .client
        .delete_players_player_id_logo()
        .player_id(PLAYER_ID)
        .send()
        .await
        .expect("DELETE /players/{playerId}/logo");
    assert_eq!(response.status().as_u16(), 204);
    let request = h.request().await;
    assert_path(&request, &format!("/players/{PLAYER_ID}/logo"));
    request
}

// ---------------------------------------------------------------------------------------
// Analytics

fn september(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 9, day, 0, 0, 0)
        .single()
        .expect("valid date")
}

async fn get_aggregated_metrics(h: &Harness) -> Request {
    let metrics = h
        .client
        .get_aggregated_metrics()
        .metric(types::GetAggregatedMetricsMetric::View)
        .aggregation(types::GetAggregatedMetricsAggregation::Count)
        .filter_by(
            models::FilterByQuery::new()
                .continent(["EU"])
                .browser(["firefox", "chrome"])
                .tag("x"),
        )
        .from(september(1))
        .to(september(15))
        .unique(true)
        .view_duration(types::GetAggregatedMetricsViewDuration::X10s)
        .send()
        .await
        .expect("GET /data/metrics/{metric}/{aggregation}")
        .into_inner();
    assert_eq!(
        metrics,
        h.served::<models::AnalyticsAggregatedMetricsResponse>()
    );
    let request = h.request().await;
    assert_path(&request, "/data/metrics/view/count");
    assert_query(
        &request,
        &[
            ("filterBy[continent][]", "EU"),
            ("filterBy[browser][]", "firefox"),
            ("filterBy[browser][]", "chrome"),
            ("filterBy[tag]", "x"),
            ("from", "2024-09-01T00:00:00Z"),
            ("to", "2024-09-15T00:00:00Z"),
            ("unique", "true"),
            ("viewDuration", "10s"),
        ],
    );
    request
}

async fn get_metrics_breakdown(h: &Harness) -> Request {
    let page = h
        .client
        .get_metrics_breakdown()
        .metric(types::GetMetricsBreakdownMetric::Play)
        .breakdown(types::GetMetricsBreakdownBreakdown::Country)
        .filter_by(
            models::FilterByQuery::new()
                .media_type("video")
                .country(["FR", "DE"])
                .device_type(["phone"]),
        )
        .from(september(1))
        .to(september(15))
        .sort_by(types::GetMetricsBreakdownSortBy::MetricValue)
        .sort_order(types::GetMetricsBreakdownSortOrder::Desc)
        .current_page(1)
        .page_size(3)
        .send()
        .await
        .expect("GET /data/buckets/{metric}/{breakdown}")
        .into_inner();
    assert_eq!(
        page,
        h.served::<models::AnalyticsMetricsBreakdownResponse>()
    );
    let request = h.request().await;
    assert_path(&request, "/data/buckets/play/country");
    assert_query(
        &request,
        &[
            ("currentPage", "1"),
            ("filterBy[mediaType]", "video"),
            ("filterBy[country][]", "FR"),
            ("filterBy[country][]", "DE"),
            ("filterBy[deviceType][]", "phone"),
            ("from", "2024-09-01T00:00:00Z"),
            ("pageSize", "3"),
            ("sortBy", "metricValue"),
            ("sortOrder", "desc"),
            ("to", "2024-09-15T00:00:00Z"),
        ],
    );
    request
}

async fn get_metrics_over_time(h: &Harness) -> Request {
    let page = h
        .client
        .get_metrics_over_time()
        .metric(types::GetMetricsOverTimeMetric::CcvPeak)
        .interval(types::GetMetricsOverTimeInterval::Hour)
        .filter_by(
            models::FilterByQuery::new()
                .media_id([VIDEO_ID, LIVE_STREAM_ID])
                .operating_system(["linux"])
                .referrer(["https://example.com/blog?a=1&b=2", ""]),
        )
        .from(september(1))
        .sort_by(types::GetMetricsOverTimeSortBy::EmittedAt)
        .sort_order(types::GetMetricsOverTimeSortOrder::Asc)
        .unique(false)
        .send()
        .await
        .expect("GET /data/timeseries/{metric}")
        .into_inner();
    assert_eq!(page, h.served::<models::AnalyticsMetricsOverTimeResponse>());
    let request = h.request().await;
    assert_path(&request, "/data/timeseries/ccv-peak");
    assert_query(
        &request,
        &[
            ("filterBy[mediaId][]", VIDEO_ID),
            ("filterBy[mediaId][]", LIVE_STREAM_ID),
            ("filterBy[operatingSystem][]", "linux"),
            ("filterBy[referrer][]", "https://example.com/blog?a=1&b=2"),
            ("filterBy[referrer][]", ""),
            ("from", "2024-09-01T00:00:00Z"),
            ("interval", "hour"),
            ("sortBy", "emittedAt"),
            ("sortOrder", "asc"),
            ("unique", "false"),
        ],
    );
    request
}

// ---------------------------------------------------------------------------------------
// Webhooks

async fn list_webhooks(h: &Harness) -> Request {
    let page = h
        .client
        .list_webhooks()
        .events("video.encoding.quality.completed")
        .current_page(1)
        .page_size(20)
        .send()
        .await
        .expect("GET /webhooks")
        .into_inner();
    assert_eq!(page, h.served::<models::WebhooksListResponse>());
    let request = h.request().await;
    assert_path(&request, "/webhooks");
    assert_query(
        &request,
        &[
            ("currentPage", "1"),
            ("events", "video.encoding.quality.completed"),
            ("pageSize", "20"),
        ],
    );
    request
}

async fn post_webhooks(h: &Harness) -> Request {
    let body = models::WebhooksCreationPayload::new(
        ["video.encoding.quality.completed", "video.source.recorded"],
        "https://example.com/webhooks/apivideo",
    );
    let response = h
        .client
        .post_webhooks()
        .body(body)
        .send()
        .await
        .expect("POST /webhooks");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.into_inner(), h.served::<models::Webhook>());
    let request = h.request().await;
    assert_path(&request, "/webhooks");
    assert_json_body(
        &request,
        json!({
            "events": ["video.encoding.quality.completed", "video.source.recorded"],
            "url": "https://example.com/webhooks/apivideo",
        }),
    );
    request
}

async fn get_webhook(h: &Harness) -> Request {
    let webhook = h
        .client
        .get_webhook()
        .webhook_id(WEBHOOK_ID)
        .send()
        .await
        .expect("GET /webhooks/{webhookId}")
        .into_inner();
    assert_eq!(webhook, h.served::<models::Webhook>());
    let request = h.request().await;
    assert_path(&request, &format!("/webhooks/{WEBHOOK_ID}"));
    request
}

async fn delete_webhook(h: &Harness) -> Request {
    let response = h
        .client
        .delete_webhook()
        .webhook_id(WEBHOOK_ID)
        .send()
        .await
        .expect("DELETE /webhooks/{webhookId}");
    assert_eq!(response.status().as_u16(), 204);
    let request = h.request().await;
    assert_path(&request, &format!("/webhooks/{WEBHOOK_ID}"));
    request
}

// ---------------------------------------------------------------------------------------

/// One `#[tokio::test]` per operation, and the list of the ids they exercise.
macro_rules! operations {
    ($($case:ident => $harness:ident($id:literal),)*) => {
        mod each {
            $(
                #[tokio::test]
                async fn $case() {
                    let h = super::Harness::$harness($id).await;
                    let request = super::$case(&h).await;
                    h.finish(&request);
                }
            )*
        }

        const EXERCISED: &[&str] = &[$($id),*];
    };
}

operations! {
    post_auth_api_key => new("POST_auth-api-key"),
    post_auth_refresh => new("POST_auth-refresh"),
    list_videos => new("LIST-videos"),
    post_video => new("POST-video"),
    list_tags => new("LIST-tags"),
    get_summaries => new("GET_summaries"),
    post_summaries => new("POST_summaries"),
    delete_summaries_summary_id => new("DELETE_summaries-summaryId"),
    get_summaries_summary_id_source => new("GET_summaries-summaryId-source"),
    patch_summaries_summary_id_source => new("PATCH_summaries-summaryId-source"),
    post_videos_video_id_source => new("POST_videos-videoId-source"),
    list_watermarks => new("LIST-watermarks"),
    post_watermark => new("POST_watermark"),
    delete_watermark => new("DELETE_watermark"),
    post_videos_video_id_thumbnail => new("POST_videos-videoId-thumbnail"),
    patch_videos_video_id_thumbnail => new("PATCH_videos-videoId-thumbnail"),
    get_video => new("GET-video"),
    delete_video => new("DELETE-video"),
    patch_video => new("PATCH-video"),
    list_discarded_videos => new("LIST-discarded-videos"),
    get_discarded_video => new("GET-discarded-video"),
    patch_discarded_video => new("PATCH-discarded-video"),
    get_video_status => new("GET-video-status"),
    get_upload_tokens => new("GET_upload-tokens"),
    post_upload_tokens => new("POST_upload-tokens"),
    get_upload_tokens_upload_token => new("GET_upload-tokens-uploadToken"),
    delete_upload_tokens_upload_token => new("DELETE_upload-tokens-uploadToken"),
    post_upload => new("POST_upload"),
    get_live_streams => new("GET_live-streams"),
    post_live_streams => new("POST_live-streams"),
    get_live_streams_live_stream_id => new("GET_live-streams-liveStreamId"),
    delete_live_streams_live_stream_id => new("DELETE_live-streams-liveStreamId"),
    patch_live_streams_live_stream_id => new("PATCH_live-streams-liveStreamId"),
    post_live_streams_live_stream_id_thumbnail => new("POST_live-streams-liveStreamId-thumbnail"),
    delete_live_streams_live_stream_id_thumbnail => new("DELETE_live-streams-liveStreamId-thumbnail"),
    put_live_streams_live_stream_id_complete => new("PUT_live-streams-liveStreamId-complete"),
    get_videos_video_id_captions_language => new("GET_videos-videoId-captions-language"),
    post_videos_video_id_captions_language => new("POST_videos-videoId-captions-language"),
    delete_videos_video_id_captions_language => new("DELETE_videos-videoId-captions-language"),
    patch_videos_video_id_captions_language => new("PATCH_videos-videoId-captions-language"),
    get_videos_video_id_captions => new("GET_videos-videoId-captions"),
    get_videos_video_id_chapters_language => new("GET_videos-videoId-chapters-language"),
    post_videos_video_id_chapters_language => new("POST_videos-videoId-chapters-language"),
    delete_videos_video_id_chapters_language => new("DELETE_videos-videoId-chapters-language"),
    get_videos_video_id_chapters => new("GET_videos-videoId-chapters"),
    get_players => new("GET_players"),
    post_players => new("POST_players"),
    get_players_player_id => new("GET_players-playerId"),
    delete_players_player_id => new("DELETE_players-playerId"),
    patch_players_player_id => new("PATCH_players-playerId"),
    post_players_player_id_logo => new("POST_players-playerId-logo"),
    delete_players_player_id_logo => new("DELETE_players-playerId-logo"),
    get_aggregated_metrics => new("GET_aggregated-metrics"),
    get_metrics_breakdown => new("GET_metrics-breakdown"),
    get_metrics_over_time => new("GET_metrics-over-time"),
    list_webhooks => new("LIST-webhooks"),
    post_webhooks => new("POST-webhooks"),
    get_webhook => new("GET-Webhook"),
    delete_webhook => new("DELETE-webhook"),
}

#[test]
fn every_operation_is_exercised() {
    let exercised: BTreeSet<&str> = EXERCISED.iter().copied().collect();
    assert_eq!(
        exercised.len(),
        EXERCISED.len(),
        "an operation is listed twice"
    );
    let all: BTreeSet<&str> = operations::ALL.iter().map(|op| op.id).collect();
    assert_eq!(all.len(), 59);
    let missing: Vec<_> = all.difference(&exercised).collect();
    let unknown: Vec<_> = exercised.difference(&all).collect();
    assert!(missing.is_empty(), "not exercised: {missing:?}");
    assert!(unknown.is_empty(), "not in the table: {unknown:?}");
}

#[test]
fn path_templates_match_as_expected() {
    assert!(path_matches("/videos/{videoId}", "/videos/vi1"));
    assert!(!path_matches("/videos/{videoId}", "/videos/"));
    assert!(!path_matches("/videos/{videoId}", "/videos/vi1/source"));
    assert!(!path_matches("/videos", "/watermarks"));
}
