//! The models are faithful to what api.video actually sends: unknown fields and enum
//! values are kept and written back, `null` lists read as empty, numbers sent as strings
//! and date-times with any offset notation are read, and writing a model back never loses
//! or changes a value.
//!
//! Every payload here is hand-written. Each case states the exact JSON written back, and
//! [`assert_nothing_lost`] checks independently that every value of the input survives.

use apivideo_api::models::{self, WebhookEvent};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Reads `input` as a `T` and writes it back.
#[track_caller]
fn read<T: DeserializeOwned + Serialize>(input: &Value) -> (T, Value) {
    let model: T = serde_json::from_value(input.clone())
        .unwrap_or_else(|e| panic!("{} does not read {input}: {e}", std::any::type_name::<T>()));
    let back = serde_json::to_value(&model).expect("serializes");
    (model, back)
}

/// Reads `input` as a `T`, checks that it is written back as `expected` and that no value
/// of `input` was lost on the way; returns the model.
#[track_caller]
fn round_trip<T>(input: Value, expected: Value) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let (model, back): (T, Value) = read(&input);
    assert_eq!(back, expected, "written back");
    assert_nothing_lost(&input, &back);
    // Reading what was written gives the same model again.
    let (again, back_again): (T, Value) = read(&back);
    assert_eq!(again, model);
    assert_eq!(back_again, back);
    model
}

/// Every value of `input` is in `back`: equal, or the same number written as a number
/// instead of a string, or the same date-time (instant and offset) in another notation.
/// `null` may become absent, `[]` or an object of empty values; `back` may add such empty
/// values, nothing else.
#[track_caller]
fn assert_nothing_lost(input: &Value, back: &Value) {
    let mut errors = Vec::new();
    lost(input, back, "$", &mut errors);
    assert!(
        errors.is_empty(),
        "values lost or changed:\n{}",
        errors.join("\n")
    );
}

fn lost(input: &Value, back: &Value, path: &str, errors: &mut Vec<String>) {
    match (input, back) {
        (Value::Object(input), Value::Object(back)) => {
            for (key, value) in input {
                let here = format!("{path}.{key}");
                match back.get(key) {
                    Some(written) => lost(value, written, &here, errors),
                    None if value.is_null() => {}
                    None => errors.push(format!("{here}: {value} is missing")),
                }
            }
            for (key, written) in back {
                if !input.contains_key(key) && !is_empty(written) {
                    errors.push(format!("{path}.{key}: {written} was added"));
                }
            }
        }
        (Value::Array(input), Value::Array(back)) if input.len() == back.len() => {
            for (i, (value, written)) in input.iter().zip(back).enumerate() {
                lost(value, written, &format!("{path}[{i}]"), errors);
            }
        }
        (Value::Null, Value::Array(back)) if back.is_empty() => {}
        // A required object sent as `null` reads as its empty default.
        (Value::Null, Value::Object(back)) if back.values().all(is_empty) => {}
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (Value::String(text), Value::Number(number))
            if text.trim().parse::<f64>().ok() == number.as_f64() => {}
        (Value::String(a), Value::String(b)) if a != b => {
            let same = match (date_time(a), date_time(b)) {
                (Some(x), Some(y)) => x == y && x.offset() == y.offset(),
                _ => false,
            };
            if !same {
                errors.push(format!("{path}: {a:?} became {b:?}"));
            }
        }
        _ if input == back => {}
        _ => errors.push(format!("{path}: {input} became {back}")),
    }
}

/// `null`, `[]`, or an object of such values: nothing a reader could miss.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.values().all(is_empty),
        _ => false,
    }
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, millis: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("valid")
        + chrono::Duration::milliseconds(i64::from(millis))
}

fn offset_seconds(value: &DateTime<FixedOffset>) -> i32 {
    value.offset().local_minus_utc()
}

#[test]
fn the_loss_check_catches_lost_and_changed_values() {
    let caught = |input: Value, back: Value| {
        let mut errors = Vec::new();
        lost(&input, &back, "$", &mut errors);
        !errors.is_empty()
    };
    assert!(caught(json!({"a": 1}), json!({})));
    assert!(caught(json!({"a": "33"}), json!({"a": 34})));
    assert!(caught(json!({"a": [1, 2]}), json!({"a": [1]})));
    assert!(caught(json!({"a": "x"}), json!({"a": "y"})));
    assert!(caught(json!({}), json!({"a": "y"})));
    assert!(caught(json!({"a": null}), json!({"a": {"b": 1}})));
    assert!(caught(
        json!({"at": "2024-01-01T10:00:00+02:00"}),
        json!({"at": "2024-01-01T08:00:00Z"})
    ));
    assert!(!caught(
        json!({"a": "33", "b": null, "c": null, "at": "2024-01-01T10:00:00+0200"}),
        json!({"a": 33, "c": [], "d": null, "at": "2024-01-01T10:00:00+02:00"})
    ));
}

// ---------------------------------------------------------------------------------------
// Models

#[test]
fn video() {
    let video: models::Video = round_trip(
        json!({
            "videoId": "vi4blUQJFrYWbaG44NChkH27",
            "title": "Maths video",
            "createdAt": "2024-06-07T17:05:31+02:00",
            "publishedAt": "2024-06-07T09:35:31.250-05:30",
            "updatedAt": "2024-06-07T17:09:02+0200",
            "discardedAt": null,
            "deletesAt": null,
            "language": "fr",
            "languageOrigin": "manual",
            "tags": null,
            "metadata": null,
            "source": null,
            "assets": {
                "hls": "https://vod.api.video/vod/vi4blUQJFrYWbaG44NChkH27/hls/manifest.m3u8",
                "dash": "https://vod.api.video/vod/vi4blUQJFrYWbaG44NChkH27/dash/manifest.mpd"
            },
            "public": true,
            "chapters": [{"language": "en", "uri": "/videos/vi4blUQJFrYWbaG44NChkH27/chapters/en"}],
            "clipOf": null,
            "views": 12
        }),
        json!({
            "videoId": "vi4blUQJFrYWbaG44NChkH27",
            "createdAt": "2024-06-07T17:05:31+02:00",
            "title": "Maths video",
            "publishedAt": "2024-06-07T09:35:31.250-05:30",
            "updatedAt": "2024-06-07T17:09:02+02:00",
            "discardedAt": null,
            "deletesAt": null,
            "language": "fr",
            "languageOrigin": "manual",
            "tags": [],
            "metadata": [],
            "assets": {
                "hls": "https://vod.api.video/vod/vi4blUQJFrYWbaG44NChkH27/hls/manifest.m3u8",
                "dash": "https://vod.api.video/vod/vi4blUQJFrYWbaG44NChkH27/dash/manifest.mpd"
            },
            "public": true,
            "chapters": [{"language": "en", "uri": "/videos/vi4blUQJFrYWbaG44NChkH27/chapters/en"}],
            "clipOf": null,
            "views": 12
        }),
    );
    assert_eq!(
        video.language_origin,
        Some(models::LanguageOrigin::Unknown("manual".to_owned()))
    );
    assert!(video.tags.is_empty() && video.metadata.is_empty());
    assert_eq!(video.source, None);
    assert_eq!(video.discarded_at, None);
    let created = video.created_at.expect("createdAt");
    assert_eq!(created, utc(2024, 6, 7, 15, 5, 31, 0));
    assert_eq!(offset_seconds(&created), 2 * 3600);
    let published = video.published_at.expect("publishedAt");
    assert_eq!(published, utc(2024, 6, 7, 15, 5, 31, 250));
    assert_eq!(offset_seconds(&published), -(5 * 3600 + 1800));
    assert_eq!(
        video.updated_at.expect("updatedAt"),
        utc(2024, 6, 7, 15, 9, 2, 0)
    );
    assert_eq!(
        video.extra.keys().collect::<Vec<_>>(),
        ["chapters", "clipOf", "views"]
    );
    let assets = video.assets.expect("assets");
    assert!(assets.extra.contains_key("dash"));
}

#[test]
fn video_status() {
    let status: models::VideoStatus = round_trip(
        json!({
            "ingest": {
                "status": "uploaded",
                "filesize": "734003200",
                "receivedBytes": [
                    {"from": "0", "to": 262143999.0, "total": "734003200", "chunk": 1}
                ],
                "receivedParts": {"parts": ["1", 2, " 3 "], "total": null},
                "checksum": "sha256:9f86d081884c7d65"
            },
            "encoding": {
                "playable": true,
                "qualities": [
                    {"type": "hls", "quality": "1080p", "status": "queued"},
                    {"type": "dash", "quality": "4320p", "status": "encoded", "progress": 0.5}
                ],
                "metadata": {
                    "width": "1920",
                    "height": 1080,
                    "bitrate": "12.5",
                    "duration": "33",
                    "framerate": null,
                    "samplerate": 44100,
                    "videoCodec": null,
                    "audioCodec": "aac",
                    "aspectRatio": "16/9",
                    "hdr": false
                }
            },
            "etaSeconds": 42
        }),
        json!({
            "ingest": {
                "status": "uploaded",
                "filesize": 734003200,
                "receivedBytes": [
                    {"from": 0, "to": 262143999, "total": 734003200, "chunk": 1}
                ],
                "receivedParts": {"parts": [1, 2, 3], "total": null},
                "checksum": "sha256:9f86d081884c7d65"
            },
            "encoding": {
                "playable": true,
                "qualities": [
                    {"type": "hls", "quality": "1080p", "status": "queued"},
                    {"type": "dash", "quality": "4320p", "status": "encoded", "progress": 0.5}
                ],
                "metadata": {
                    "width": 1920,
                    "height": 1080,
                    "bitrate": 12.5,
                    "duration": 33,
                    "framerate": null,
                    "samplerate": 44100,
                    "videoCodec": null,
                    "audioCodec": "aac",
                    "aspectRatio": "16/9",
                    "hdr": false
                }
            },
            "etaSeconds": 42
        }),
    );
    let ingest = status.ingest.expect("ingest");
    assert_eq!(ingest.filesize, Some(734_003_200));
    assert_eq!(ingest.received_bytes[0].to, Some(262_143_999));
    assert_eq!(ingest.received_parts.expect("parts").parts, [1, 2, 3]);
    let encoding = status.encoding.expect("encoding");
    assert_eq!(
        encoding.qualities[0].status,
        Some(models::QualityStatus::Unknown("queued".to_owned()))
    );
    assert_eq!(
        encoding.qualities[1].r#type,
        Some(models::QualityType::Unknown("dash".to_owned()))
    );
    assert_eq!(
        encoding.qualities[1].quality,
        Some(models::Resolution::Unknown("4320p".to_owned()))
    );
    let metadata = encoding.metadata.expect("metadata");
    assert_eq!(metadata.bitrate, Some(12.5));
    assert_eq!(metadata.duration, Some(33));
    assert_eq!(metadata.width, Some(1920));
}

#[test]
fn live_stream() {
    let live: models::LiveStream = round_trip(
        json!({
            "liveStreamId": "li400mYKSgQ6xs7taUeSaEKr",
            "name": "Town hall",
            "streamKey": "30087931-229e-42cf-b5f9-e91bcc1f7332",
            "public": false,
            "assets": {
                "hls": "https://live.api.video/li400mYKSgQ6xs7taUeSaEKr.m3u8",
                "srt": "srt://broadcast.api.video:6200"
            },
            "playerId": "pl45d5vFFGrfdXt5ZQXfTvgu",
            "broadcasting": true,
            "restreams": null,
            "createdAt": "2024-03-18T18:20:44.5-04:00",
            "updatedAt": "2024-03-18T22:20:44Z",
            "region": "eu-west"
        }),
        json!({
            "liveStreamId": "li400mYKSgQ6xs7taUeSaEKr",
            "name": "Town hall",
            "streamKey": "30087931-229e-42cf-b5f9-e91bcc1f7332",
            "public": false,
            "assets": {
                "hls": "https://live.api.video/li400mYKSgQ6xs7taUeSaEKr.m3u8",
                "srt": "srt://broadcast.api.video:6200"
            },
            "playerId": "pl45d5vFFGrfdXt5ZQXfTvgu",
            "broadcasting": true,
            "restreams": [],
            "createdAt": "2024-03-18T18:20:44.500-04:00",
            "updatedAt": "2024-03-18T22:20:44Z",
            "region": "eu-west"
        }),
    );
    assert!(live.restreams.is_empty());
    let created = live.created_at.expect("createdAt");
    assert_eq!(created, utc(2024, 3, 18, 22, 20, 44, 500));
    assert_eq!(offset_seconds(&created), -4 * 3600);
    assert_eq!(live.extra["region"], "eu-west");
}

#[test]
fn webhook_with_an_unknown_event() {
    let webhook: models::Webhook = round_trip(
        json!({
            "webhookId": "webhook_XXXXXXXXXXXXXXX",
            "createdAt": "2024-08-01T10:00:00.000+02:00",
            "events": ["video.encoding.quality.completed", "video.deleted"],
            "url": "https://example.com/webhooks/apivideo",
            "signatureSecret": "sig_a1b2c3",
            "active": true
        }),
        json!({
            "webhookId": "webhook_XXXXXXXXXXXXXXX",
            "createdAt": "2024-08-01T10:00:00+02:00",
            "events": ["video.encoding.quality.completed", "video.deleted"],
            "url": "https://example.com/webhooks/apivideo",
            "signatureSecret": "sig_a1b2c3",
            "active": true
        }),
    );
    assert_eq!(
        webhook.events,
        [
            models::WebhookEventType::VideoEncodingQualityCompleted,
            models::WebhookEventType::Unknown("video.deleted".to_owned()),
        ]
    );
    assert_eq!(
        webhook.created_at.expect("createdAt"),
        utc(2024, 8, 1, 8, 0, 0, 0)
    );
}

#[test]
fn webhook_with_null_events() {
    let webhook: models::Webhook = round_trip(
        json!({"webhookId": "webhook_1", "events": null}),
        json!({"webhookId": "webhook_1", "events": []}),
    );
    assert!(webhook.events.is_empty());
}

#[test]
fn bad_request_keeps_the_fields_it_does_not_know() {
    let input = json!({
        "type": "https://docs.api.video/reference/invalid-attribute",
        "title": "An attribute is invalid.",
        "name": "range",
        "status": "400",
        "detail": "The Content-Range header does not match the uploaded chunk.",
        "range": {"from": 0, "to": 1048575, "total": 5242880},
        "events": ["video.deleted"],
        "problems": [
            {
                "type": "https://docs.api.video/reference/invalid-content-range",
                "title": "Content-Range is invalid.",
                "name": "Content-Range",
                "status": 400,
                "range": {"from": 0, "to": 1048575}
            },
            {
                "type": "https://docs.api.video/reference/invalid-attribute",
                "title": "The file is empty.",
                "name": "file",
                "status": "400",
                "detail": "Zero bytes received."
            }
        ]
    });
    let mut expected = input.clone();
    expected["status"] = json!(400);
    expected["problems"][1]["status"] = json!(400);
    let error: models::BadRequest = round_trip(input, expected);
    assert_eq!(error.status, Some(400));
    assert_eq!(
        error.extra.keys().collect::<Vec<_>>(),
        ["detail", "range", "events"]
    );
    assert_eq!(error.extra["range"]["total"], 5_242_880);
    assert_eq!(error.problems.len(), 2);
    assert_eq!(
        error.problems[0].extra["range"],
        json!({"from": 0, "to": 1048575})
    );
    assert_eq!(error.problems[1].extra["detail"], "Zero bytes received.");
}

#[test]
fn bad_request_with_null_problems() {
    let error: models::BadRequest = round_trip(
        json!({"title": "Invalid.", "status": 400, "problems": null}),
        json!({"title": "Invalid.", "status": 400, "problems": []}),
    );
    assert!(error.problems.is_empty());
}

#[test]
fn other_error_bodies_keep_the_fields_they_do_not_know() {
    let body = json!({
        "type": "https://docs.api.video/reference/resource-not-found",
        "title": "The requested resource was not found.",
        "name": "videoId",
        "status": 404,
        "detail": "No video vi404 in this project.",
        "range": null
    });
    let not_found: models::NotFound = round_trip(body.clone(), body);
    assert_eq!(not_found.extra["detail"], "No video vi404 in this project.");
    assert!(not_found.extra.contains_key("range"));

    let body = json!({
        "type": "https://docs.api.video/reference/too-many-requests",
        "title": "Too many requests.",
        "status": "429",
        "retryAfter": 3
    });
    let limited: models::TooManyRequests = round_trip(
        body,
        json!({
            "type": "https://docs.api.video/reference/too-many-requests",
            "title": "Too many requests.",
            "status": 429,
            "retryAfter": 3
        }),
    );
    assert_eq!(limited.status, Some(429));
    assert_eq!(limited.extra["retryAfter"], 3);
}

#[test]
fn videos_list_response() {
    let page: models::VideosListResponse = round_trip(
        json!({
            "data": [
                {
                    "videoId": "vi1",
                    "title": "One",
                    "tags": ["a"],
                    "metadata": [{"key": "Author", "value": "John Doe", "visibility": "private"}],
                    "createdAt": "2024-01-01T00:00:00+0100"
                },
                {"videoId": "vi2", "language": "fr", "languageOrigin": "auto"}
            ],
            "pagination": {
                "itemsTotal": "33",
                "pagesTotal": 4,
                "pageSize": "10",
                "currentPage": "1",
                "currentPageItems": 10.0,
                "links": [
                    {"rel": "self", "uri": "/videos?currentPage=1&pageSize=10"},
                    {"rel": "next", "uri": "/videos?currentPage=2&pageSize=10", "method": "GET"}
                ],
                "cursor": "c2Vjb25k"
            },
            "facets": {"tags": {"a": 1}}
        }),
        json!({
            "data": [
                {
                    "videoId": "vi1",
                    "createdAt": "2024-01-01T00:00:00+01:00",
                    "title": "One",
                    "discardedAt": null,
                    "deletesAt": null,
                    "languageOrigin": null,
                    "tags": ["a"],
                    "metadata": [{"key": "Author", "value": "John Doe", "visibility": "private"}]
                },
                {
                    "videoId": "vi2",
                    "discardedAt": null,
                    "deletesAt": null,
                    "language": "fr",
                    "languageOrigin": "auto",
                    "tags": [],
                    "metadata": []
                }
            ],
            "pagination": {
                "itemsTotal": 33,
                "pagesTotal": 4,
                "pageSize": 10,
                "currentPage": 1,
                "currentPageItems": 10,
                "links": [
                    {"rel": "self", "uri": "/videos?currentPage=1&pageSize=10"},
                    {"rel": "next", "uri": "/videos?currentPage=2&pageSize=10", "method": "GET"}
                ],
                "cursor": "c2Vjb25k"
            },
            "facets": {"tags": {"a": 1}}
        }),
    );
    assert_eq!(page.pagination.items_total, Some(33));
    assert_eq!(page.pagination.current_page_items, Some(10));
    assert_eq!(page.pagination.extra["cursor"], "c2Vjb25k");
    assert_eq!(page.pagination.links[1].extra["method"], "GET");
    assert_eq!(page.data[0].metadata[0].extra["visibility"], "private");
    assert_eq!(
        page.data[0].created_at.expect("createdAt"),
        utc(2023, 12, 31, 23, 0, 0, 0)
    );
    assert_eq!(page.extra["facets"], json!({"tags": {"a": 1}}));
}

#[test]
fn videos_list_response_with_null_lists_and_pagination() {
    let page: models::VideosListResponse = round_trip(
        json!({"data": null, "pagination": null}),
        json!({"data": [], "pagination": {"links": []}}),
    );
    assert!(page.data.is_empty());
    let page: models::VideosListResponse = round_trip(
        json!({"data": [], "pagination": {"itemsTotal": 0, "links": null}}),
        json!({"data": [], "pagination": {"itemsTotal": 0, "links": []}}),
    );
    assert!(page.pagination.links.is_empty());
}

#[test]
fn access_token() {
    let token: models::AccessToken = round_trip(
        json!({
            "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln",
            "token_type": "Bearer",
            "refresh_token": "def50200e7b15c3f9a2d48e6",
            "expires_in": "3600",
            "scope": "video:read video:write"
        }),
        json!({
            "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln",
            "token_type": "Bearer",
            "refresh_token": "def50200e7b15c3f9a2d48e6",
            "expires_in": 3600,
            "scope": "video:read video:write"
        }),
    );
    assert_eq!(token.expires_in, Some(3600));
    assert_eq!(token.extra["scope"], "video:read video:write");
}

#[test]
fn upload_token() {
    let token: models::UploadToken = round_trip(
        json!({
            "token": "to1tcmSFHeYY5KzyhOqVKMKb",
            "ttl": "86400",
            "createdAt": "2024-09-16T14:30:05.25+0200",
            "expiresAt": "2024-09-17T12:30:05.250Z",
            "uses": 3
        }),
        json!({
            "token": "to1tcmSFHeYY5KzyhOqVKMKb",
            "ttl": 86400,
            "createdAt": "2024-09-16T14:30:05.250+02:00",
            "expiresAt": "2024-09-17T12:30:05.250Z",
            "uses": 3
        }),
    );
    assert_eq!(token.ttl, Some(86_400));
    let created = token.created_at.expect("createdAt");
    let expires = token.expires_at.expect("expiresAt");
    assert_eq!(created, utc(2024, 9, 16, 12, 30, 5, 250));
    assert_eq!(expires - created, chrono::Duration::seconds(86_400));

    let forever: models::UploadToken = round_trip(
        json!({"token": "toX93HVJ29zqSg8GMg56Xk", "ttl": 0, "expiresAt": null}),
        json!({"token": "toX93HVJ29zqSg8GMg56Xk", "ttl": 0, "expiresAt": null}),
    );
    assert_eq!(forever.expires_at, None);
}

#[test]
fn player_theme() {
    let theme: models::PlayerTheme = round_trip(
        json!({
            "playerId": "pl45d5vFFGrfdXt5ZQXfTvgu",
            "name": "Brand dark",
            "text": "rgba(255, 255, 255, 1)",
            "link": "rgba(255, 0, 0, .95)",
            "enableApi": true,
            "forceLoop": false,
            "createdAt": "2024-02-29T23:59:59.999-05:30",
            "updatedAt": "2024-03-01T05:29:59.999Z",
            "assets": {
                "logo": "https://cdn.api.video/player/pl45d5vFFGrfdXt5ZQXfTvgu/logo.png",
                "link": "https://example.com",
                "logoWidth": 120
            },
            "theme": "dark",
            "controlsColor": null
        }),
        json!({
            "name": "Brand dark",
            "text": "rgba(255, 255, 255, 1)",
            "link": "rgba(255, 0, 0, .95)",
            "enableApi": true,
            "forceLoop": false,
            "playerId": "pl45d5vFFGrfdXt5ZQXfTvgu",
            "createdAt": "2024-02-29T23:59:59.999-05:30",
            "updatedAt": "2024-03-01T05:29:59.999Z",
            "assets": {
                "logo": "https://cdn.api.video/player/pl45d5vFFGrfdXt5ZQXfTvgu/logo.png",
                "link": "https://example.com",
                "logoWidth": 120
            },
            "theme": "dark",
            "controlsColor": null
        }),
    );
    // Across a leap day and an offset with half hours, still the same instant.
    assert_eq!(theme.created_at, theme.updated_at);
    assert_eq!(
        theme.created_at.expect("createdAt"),
        utc(2024, 3, 1, 5, 29, 59, 999)
    );
    assert_eq!(theme.assets.expect("assets").extra["logoWidth"], 120);
    assert_eq!(theme.extra["theme"], "dark");

    let bare: models::PlayerTheme = round_trip(
        json!({"playerId": "pl1", "assets": null}),
        json!({"playerId": "pl1"}),
    );
    assert_eq!(bare.assets, None);
}

// ---------------------------------------------------------------------------------------
// Leaf values

#[test]
fn date_times_in_every_notation_read_as_the_right_instant() {
    // (as sent, the instant in UTC with milliseconds, the offset in seconds, as written back)
    let cases: &[(&str, DateTime<Utc>, i32, &str)] = &[
        (
            "2024-06-07T15:05:31Z",
            utc(2024, 6, 7, 15, 5, 31, 0),
            0,
            "2024-06-07T15:05:31Z",
        ),
        (
            "2024-06-07T15:05:31+00:00",
            utc(2024, 6, 7, 15, 5, 31, 0),
            0,
            "2024-06-07T15:05:31Z",
        ),
        (
            "2024-06-07T15:05:31z",
            utc(2024, 6, 7, 15, 5, 31, 0),
            0,
            "2024-06-07T15:05:31Z",
        ),
        (
            "2024-06-07T17:05:31+02:00",
            utc(2024, 6, 7, 15, 5, 31, 0),
            7200,
            "2024-06-07T17:05:31+02:00",
        ),
        (
            "2024-06-07T17:05:31+0200",
            utc(2024, 6, 7, 15, 5, 31, 0),
            7200,
            "2024-06-07T17:05:31+02:00",
        ),
        (
            "2024-06-07 17:05:31+02:00",
            utc(2024, 6, 7, 15, 5, 31, 0),
            7200,
            "2024-06-07T17:05:31+02:00",
        ),
        (
            "2024-06-07T09:35:31-05:30",
            utc(2024, 6, 7, 15, 5, 31, 0),
            -19800,
            "2024-06-07T09:35:31-05:30",
        ),
        (
            "2024-06-07T09:35:31-0530",
            utc(2024, 6, 7, 15, 5, 31, 0),
            -19800,
            "2024-06-07T09:35:31-05:30",
        ),
        (
            "2024-06-07T17:05:31.5+02:00",
            utc(2024, 6, 7, 15, 5, 31, 500),
            7200,
            "2024-06-07T17:05:31.500+02:00",
        ),
        (
            "2024-06-07T09:35:31.123-0530",
            utc(2024, 6, 7, 15, 5, 31, 123),
            -19800,
            "2024-06-07T09:35:31.123-05:30",
        ),
        (
            "2024-06-08T04:50:31.999+13:45",
            utc(2024, 6, 7, 15, 5, 31, 999),
            49500,
            "2024-06-08T04:50:31.999+13:45",
        ),
    ];
    for (sent, instant, offset, written) in cases {
        let input = json!({"videoId": "vi1", "createdAt": sent});
        let (video, back): (models::Video, Value) = read(&input);
        let created = video
            .created_at
            .unwrap_or_else(|| panic!("{sent} was not read"));
        assert_eq!(created, *instant, "{sent}");
        assert_eq!(offset_seconds(&created), *offset, "{sent}");
        assert_eq!(back["createdAt"], *written, "{sent}");
        assert_nothing_lost(&input, &back);
    }

    let nanos: models::Video = serde_json::from_value(
        json!({"videoId": "vi1", "createdAt": "2024-06-07T15:05:31.123456789Z"}),
    )
    .expect("nanoseconds");
    let created = nanos.created_at.expect("createdAt");
    assert_eq!(
        created,
        utc(2024, 6, 7, 15, 5, 31, 123) + chrono::Duration::nanoseconds(456_789)
    );
    assert_eq!(
        serde_json::to_value(&nanos).expect("serializes")["createdAt"],
        "2024-06-07T15:05:31.123456789Z"
    );
}

#[test]
fn what_is_not_a_date_time_is_refused() {
    for sent in ["yesterday", "2024-06-07", "2024-13-07T15:05:31Z", ""] {
        let result =
            serde_json::from_value::<models::Video>(json!({"videoId": "vi1", "createdAt": sent}));
        assert!(result.is_err(), "{sent:?} was read as {result:?}");
    }
}

#[test]
fn numbers_sent_as_strings_are_read_and_written_as_numbers() {
    // (field of Pagination, as sent, as read)
    let cases: &[(&str, Value, i64)] = &[
        ("itemsTotal", json!("33"), 33),
        ("itemsTotal", json!(" 33 "), 33),
        ("itemsTotal", json!(33), 33),
        ("itemsTotal", json!(33.0), 33),
        ("pagesTotal", json!("-1"), -1),
        ("pageSize", json!("9007199254740993"), 9_007_199_254_740_993),
    ];
    for (field, sent, read_as) in cases {
        let input = json!({ *field: sent, "links": [] });
        let (pagination, back): (models::Pagination, Value) = read(&input);
        let value = match *field {
            "itemsTotal" => pagination.items_total,
            "pagesTotal" => pagination.pages_total,
            "pageSize" => pagination.page_size,
            _ => unreachable!(),
        };
        assert_eq!(value, Some(*read_as), "{field}: {sent}");
        assert_eq!(back[*field], json!(read_as), "{field}: {sent}");
    }

    for (sent, read_as) in [
        (json!("12.5"), 12.5),
        (json!("5324.6"), 5324.6),
        (json!(7), 7.0),
    ] {
        let input = json!({ "bitrate": sent });
        let (metadata, back): (models::VideoStatusEncodingMetadata, Value) = read(&input);
        assert_eq!(metadata.bitrate, Some(read_as), "{sent}");
        assert_eq!(back["bitrate"], json!(read_as));
        assert_nothing_lost(&input, &back);
    }
}

#[test]
fn a_fraction_is_never_truncated_into_an_integer() {
    for sent in [
        json!("33.5"),
        json!(33.5),
        json!("thirty-three"),
        json!(true),
    ] {
        let result =
            serde_json::from_value::<models::Pagination>(json!({"itemsTotal": sent, "links": []}));
        assert!(result.is_err(), "{sent} was read as {result:?}");
    }
    for sent in [json!("NaN"), json!("inf"), json!("")] {
        let result =
            serde_json::from_value::<models::VideoStatusEncodingMetadata>(json!({"bitrate": sent}));
        assert!(result.is_err(), "{sent} was read as {result:?}");
    }
}

#[test]
fn unknown_enum_values_are_kept_as_they_came() {
    let cases: &[(&str, Value)] = &[
        (
            "languageOrigin",
            json!({"videoId": "vi1", "languageOrigin": "manual"}),
        ),
        (
            "languageOrigin",
            json!({"videoId": "vi1", "languageOrigin": "API"}),
        ),
    ];
    for (field, input) in cases {
        let (video, back): (models::Video, Value) = read(input);
        assert!(
            matches!(
                video.language_origin,
                Some(models::LanguageOrigin::Unknown(_))
            ),
            "{input}"
        );
        assert_eq!(back[*field], input[*field]);
    }
    let known: models::Video =
        serde_json::from_value(json!({"videoId": "vi1", "languageOrigin": "api"})).expect("reads");
    assert_eq!(known.language_origin, Some(models::LanguageOrigin::Api));

    for status in ["waiting", "encoding", "encoded", "failed", "queued", ""] {
        let input = json!({"type": "hls", "quality": "720p", "status": status});
        let (quality, back): (models::Quality, Value) = read(&input);
        let status_read = quality.status.expect("status");
        assert_eq!(
            matches!(status_read, models::QualityStatus::Unknown(_)),
            !["waiting", "encoding", "encoded", "failed"].contains(&status),
            "{status}"
        );
        assert_eq!(status_read.as_str(), status);
        assert_eq!(back, input);
    }
}

// ---------------------------------------------------------------------------------------
// Webhook events

/// Whether an event is the variant expected, with the fields expected.
type IsVariant = fn(&WebhookEvent) -> bool;

#[test]
fn webhook_events_read_into_their_variant() {
    let emitted = "2024-06-07T17:00:00.250+02:00";
    let cases: Vec<(Value, IsVariant)> = vec![
        (
            json!({"type": "live-stream.broadcast.started", "emittedAt": emitted,
                   "liveStreamId": "li400mYKSgQ6xs7taUeSaEKr"}),
            |e| {
                matches!(e, WebhookEvent::LiveStreamBroadcastStarted(x)
                if x.live_stream_id.as_deref() == Some("li400mYKSgQ6xs7taUeSaEKr"))
            },
        ),
        (
            json!({"type": "live-stream.broadcast.ended", "emittedAt": emitted,
                   "liveStreamId": "li400mYKSgQ6xs7taUeSaEKr"}),
            |e| matches!(e, WebhookEvent::LiveStreamBroadcastEnded(_)),
        ),
        (
            json!({"type": "video.source.recorded", "emittedAt": emitted,
                   "liveStreamId": "li400mYKSgQ6xs7taUeSaEKr", "videoId": "vi4blUQJFrYWbaG44NChkH27"}),
            |e| {
                matches!(e, WebhookEvent::VideoSourceRecorded(x)
                if x.video_id.as_deref() == Some("vi4blUQJFrYWbaG44NChkH27"))
            },
        ),
        (
            json!({"type": "video.encoding.quality.completed", "emittedAt": emitted,
                   "videoId": "vi4blUQJFrYWbaG44NChkH27", "encoding": "hls", "quality": "720p"}),
            |e| {
                matches!(e, WebhookEvent::VideoEncodingQualityCompleted(x)
                if x.encoding == Some(models::QualityType::Hls)
                    && x.quality == Some(models::VideoEncodingQualityCompletedQuality::X720p))
            },
        ),
        (
            json!({"type": "video.caption.generated", "emittedAt": emitted,
                   "videoId": "vi4blUQJFrYWbaG44NChkH27", "captionId": "caption_3PLsiw8B5Ds3dANoaEpX",
                   "generationMode": "transcript", "language": "fr"}),
            |e| {
                matches!(e, WebhookEvent::VideoCaptionGenerated(x)
                if x.generation_mode == Some(models::VideoCaptionGeneratedGenerationMode::Transcript)
                    && x.language == Some(models::Language::Fr))
            },
        ),
        (
            json!({"type": "video.summary.generated", "emittedAt": emitted,
                   "videoId": "vi4blUQJFrYWbaG44NChkH27", "summaryId": "summary_1CGHWuXjhxmCPFsgYpdt9P",
                   "attempt": 2}),
            |e| {
                matches!(e, WebhookEvent::VideoSummaryGenerated(x)
                if x.summary_id.as_deref() == Some("summary_1CGHWuXjhxmCPFsgYpdt9P")
                    && x.extra["attempt"] == 2)
            },
        ),
    ];
    assert_eq!(cases.len(), 6);
    for (input, is_expected_variant) in &cases {
        let event: WebhookEvent = round_trip(input.clone(), input.clone());
        assert!(is_expected_variant(&event), "{input} read as {event:?}");
        assert_eq!(event.event_type(), input["type"].as_str());
    }
    // The variants' emittedAt is the right instant.
    let event: WebhookEvent = serde_json::from_value(cases[0].0.clone()).expect("reads");
    let WebhookEvent::LiveStreamBroadcastStarted(started) = event else {
        panic!("variant")
    };
    assert_eq!(
        started.emitted_at.expect("emittedAt"),
        utc(2024, 6, 7, 15, 0, 0, 250)
    );
}

#[test]
fn unknown_webhook_events_are_kept_whole() {
    let input = json!({
        "type": "video.deleted",
        "emittedAt": "2024-06-07T17:00:00+0200",
        "videoId": "vi4blUQJFrYWbaG44NChkH27",
        "reason": {"by": "user", "restorable": false}
    });
    let event: WebhookEvent = round_trip(input.clone(), input.clone());
    assert_eq!(event, WebhookEvent::Unknown(input));
    assert_eq!(event.event_type(), Some("video.deleted"));

    let untyped = json!({"emittedAt": "2024-06-07T17:00:00Z", "videoId": "vi1"});
    let event: WebhookEvent = round_trip(untyped.clone(), untyped);
    assert!(matches!(event, WebhookEvent::Unknown(_)));
    assert_eq!(event.event_type(), None);
}

/// A date-time in any of the notations the models accept (RFC 3339 with `T` or a space,
/// offsets as `Z`, `±hh:mm` or `±hhmm`), for comparing instants and offsets.
fn date_time(text: &str) -> Option<apivideo_api::models::DateTime> {
    let text = text.trim().replacen(' ', "T", 1);
    chrono::DateTime::parse_from_rfc3339(&text)
        .or_else(|_| chrono::DateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
}
