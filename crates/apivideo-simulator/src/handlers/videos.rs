//! Videos: create, read, update, delete, discard and restore, list with filters, status,
//! and the tags they carry.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use apivideo_api::models::Nullable;
use apivideo_api::models::{self, IngestStatus, QualityStatus, QualityType, Resolution};
use http::StatusCode;
use tokio::time::Instant;

use super::summaries;
use crate::events;
use crate::faults::VideoFailure;
use crate::http::{self as h, HandlerResult, Invalid, Problem, Req};
use crate::state::{IngestKind, Shared, State, UploadMode, VideoRec, new_id, now, uuid};

/// The video as the API shows it: fresh asset URLs (with a new session token when the
/// video is private).
pub(crate) fn render(rec: &VideoRec) -> models::Video {
    let mut video = rec.video.clone();
    video.assets = Some(assets(&video));
    video
}

/// The playback URLs of a video.
pub(crate) fn assets(video: &models::Video) -> models::VideoAssets {
    let id = &video.video_id;
    let public = video.public != Some(false);
    let mp4 = video.mp4_support != Some(false);
    let (player, vod) = if public {
        (
            format!("https://embed.api.video/vod/{id}"),
            format!("https://vod.api.video/vod/{id}"),
        )
    } else {
        let token = uuid();
        (
            format!("https://embed.api.video/vod/{id}?token={token}"),
            format!("https://vod.api.video/vod/{id}/token/{token}"),
        )
    };
    let mut assets = models::VideoAssets::new()
        .iframe(format!(
            "<iframe src=\"{player}\" width=\"100%\" height=\"100%\" frameborder=\"0\" \
             scrolling=\"no\" allowfullscreen=\"true\"></iframe>"
        ))
        .player(player)
        .hls(format!("{vod}/hls/manifest.m3u8"))
        .thumbnail(format!("{vod}/thumbnail.jpg"));
    if mp4 {
        assets = assets.mp4(format!("{vod}/mp4/source.mp4"));
    }
    assets
}

/// A video that is not discarded, or 404.
pub(crate) fn active<'a>(state: &'a mut State, id: &str) -> Result<&'a mut VideoRec, Problem> {
    state
        .videos
        .get_mut(id)
        .filter(|rec| !rec.is_discarded())
        .ok_or_else(video_not_found)
}

pub(crate) fn video_not_found() -> Problem {
    h::not_found("No video exists with this id.", "videoId")
}

/// Refuses a language outside the spec's list.
pub(crate) fn check_language(language: &Nullable<models::Language>) -> Result<(), Problem> {
    if let Nullable::Value(models::Language::Unknown(value)) = language {
        let title = format!("The language attribute is invalid: {value:?} is not supported.");
        return Err(h::bad_request_many(
            Invalid::new(
                "invalid-attribute",
                "The language attribute is invalid.",
                "language",
            ),
            vec![Invalid::new("invalid-attribute", title, "language")],
        ));
    }
    Ok(())
}

/// Refuses summary attributes outside `abstract` and `takeaways`.
pub(crate) fn check_attributes(
    attributes: Option<&Vec<models::SummaryAttribute>>,
    name: &str,
) -> Result<(), Problem> {
    for (index, attribute) in attributes.into_iter().flatten().enumerate() {
        if let models::SummaryAttribute::Unknown(value) = attribute {
            return Err(h::bad_request(
                "invalid-attribute",
                format!("{value:?} is not a summary attribute; use abstract or takeaways."),
                format!("{name}[{index}]"),
            ));
        }
    }
    Ok(())
}

fn check_player(state: &State, player_id: Option<&str>) -> Result<(), Problem> {
    match player_id {
        Some(id) if !state.players.contains_key(id) => Err(h::bad_request(
            "invalid-attribute",
            "No player theme exists with this id.",
            "playerId",
        )),
        _ => Ok(()),
    }
}

/// `HH:MM:SS` (hours may have three digits) with an optional `.mmm` or `:FF`, or a
/// number of seconds: the spec's pattern for clip timecodes.
fn is_clip_timecode(value: &str) -> bool {
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if digits(value, 1, 7) {
        return true;
    }
    let (main, fraction) = match value.split_once('.') {
        Some((main, fraction)) => (main, Some(fraction)),
        None => (value, None),
    };
    let fields: Vec<&str> = main.split(':').collect();
    let clock = |fields: &[&str]| {
        digits(fields[0], 2, 3)
            && digits(fields[1], 2, 2)
            && fields[1] < "60"
            && digits(fields[2], 2, 2)
            && fields[2] < "60"
    };
    match (fields.len(), fraction) {
        (3, None) => clock(&fields),
        (3, Some(fraction)) => clock(&fields) && digits(fraction, 1, 3),
        (4, None) => clock(&fields[..3]) && digits(fields[3], 1, 2),
        _ => false,
    }
}

pub(crate) async fn create(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::VideoCreationPayload = h::json_body(req).await?;
    check_language(&payload.language)?;
    check_attributes(
        payload.transcript_summary_attributes.as_ref(),
        "transcriptSummaryAttributes",
    )?;
    if let Some(clip) = &payload.clip {
        for (name, value) in [
            ("clip[startTimecode]", &clip.start_timecode),
            ("clip[endTimecode]", &clip.end_timecode),
        ] {
            if let Some(value) = value.as_deref().filter(|v| !is_clip_timecode(v)) {
                return Err(h::bad_request(
                    "invalid-attribute",
                    format!("{value:?} is not a timecode; write HH:MM:SS or a number of seconds."),
                    name,
                ));
            }
        }
    }

    let mut state = shared.lock();
    check_player(&state, payload.player_id.as_deref())?;
    if let Some(watermark) = &payload.watermark {
        let known = watermark
            .id
            .as_deref()
            .is_some_and(|id| state.watermarks.contains_key(id));
        if !known {
            return Err(h::bad_request(
                "invalid-attribute",
                "No watermark exists with this id.",
                "watermark[id]",
            ));
        }
    }
    // A source other than an upload: another video to copy, or a URL to fetch.
    let import = match payload.source.as_deref() {
        None | Some("") => None,
        Some(source) if source.starts_with("http://") || source.starts_with("https://") => {
            Some(None)
        }
        Some(source) => match state.videos.get(source) {
            Some(original) if original.source.is_some() => Some(original.source.clone()),
            _ => {
                return Err(h::bad_request(
                    "invalid-attribute",
                    "source must be a URL or the id of a video whose file was uploaded.",
                    "source",
                ));
            }
        },
    };

    let id = new_id("vi");
    let at = now();
    let mut video = models::Video::new(id.clone())
        .created_at(at)
        .published_at(at)
        .updated_at(at)
        .title(payload.title)
        .description(payload.description.unwrap_or_default())
        .discarded(false)
        .tags(payload.tags.unwrap_or_default())
        .metadata(payload.metadata.unwrap_or_default())
        .source(models::VideoSource::new().uri(format!("/videos/{id}/source")))
        .public(payload.public.unwrap_or(true))
        .panoramic(payload.panoramic.unwrap_or(false))
        .mp4_support(payload.mp4_support.unwrap_or(true));
    match payload.language {
        Nullable::Value(language) => {
            video = video
                .language(language.as_str())
                .language_origin(models::LanguageOrigin::Api);
        }
        Nullable::Null | Nullable::Omitted => video.language = Some(String::new()),
    }
    video.player_id = payload.player_id;

    let mut rec = VideoRec::new(video);
    rec.transcript = payload.transcript.unwrap_or(false);
    let imported = import.is_some();
    if let Some(copied) = import {
        rec.ingest = IngestKind::Import;
        rec.source = copied;
        rec.completed_at = Some(Instant::now());
    }
    let body = render(&rec);
    state.videos.insert(id.clone(), rec);
    if payload.transcript_summary == Some(true) {
        let attributes = payload.transcript_summary_attributes.unwrap_or_default();
        summaries::insert(&mut state, &id, true, attributes);
    }
    drop(state);

    if imported {
        events::schedule_encoding(shared, &id);
        Ok(h::json(StatusCode::ACCEPTED, &body))
    } else {
        Ok(h::json(StatusCode::CREATED, &body))
    }
}

pub(crate) fn get(shared: &Arc<Shared>, req: &Req, discarded: bool) -> HandlerResult {
    let state = shared.lock();
    let rec = state
        .videos
        .get(req.param("videoId"))
        .filter(|rec| rec.is_discarded() == discarded)
        .ok_or_else(|| {
            if discarded {
                h::not_found("No discarded video exists with this id.", "videoId")
            } else {
                video_not_found()
            }
        })?;
    Ok(h::json(StatusCode::OK, &render(rec)))
}

pub(crate) async fn update(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::VideoUpdatePayload = h::json_body(req).await?;
    check_language(&payload.language)?;
    check_attributes(
        payload.transcript_summary_attributes.as_ref(),
        "transcriptSummaryAttributes",
    )?;
    let id = req.param("videoId").to_owned();
    let mut state = shared.lock();
    active(&mut state, &id)?;
    if let Nullable::Value(player) = &payload.player_id {
        check_player(&state, Some(player))?;
    }
    let wants_summary = payload.transcript_summary == Some(true);
    if wants_summary && summaries::of_video(&state, &id).is_some() {
        return Err(h::conflict(
            "summary-already-exists",
            "transcriptSummary cannot be enabled twice on the same video.",
            "transcriptSummary",
            "Remove the existing summary with DELETE /summaries/{summaryId} first.",
        ));
    }

    let rec = active(&mut state, &id)?;
    let video = &mut rec.video;
    match payload.player_id {
        Nullable::Omitted => {}
        Nullable::Null => video.player_id = None,
        Nullable::Value(player) => video.player_id = Some(player),
    }
    if let Some(title) = payload.title {
        video.title = Some(title);
    }
    if let Some(description) = payload.description {
        video.description = Some(description);
    }
    if let Some(public) = payload.public {
        video.public = Some(public);
    }
    if let Some(panoramic) = payload.panoramic {
        video.panoramic = Some(panoramic);
    }
    if let Some(mp4) = payload.mp4_support {
        video.mp4_support = Some(mp4);
    }
    if let Some(tags) = payload.tags {
        video.tags = tags;
    }
    if let Some(metadata) = payload.metadata {
        video.metadata = metadata;
    }
    match payload.language {
        Nullable::Omitted => {}
        Nullable::Null => {
            video.language = Some(String::new());
            video.language_origin = None;
        }
        Nullable::Value(language) => {
            video.language = Some(language.as_str().to_owned());
            video.language_origin = Some(models::LanguageOrigin::Api);
        }
    }
    video.updated_at = Some(now());
    let mut generate = false;
    if payload.transcript == Some(true) {
        rec.transcript = true;
        generate = rec.encoded;
    }
    let encoded = rec.encoded;
    let body = render(rec);
    if wants_summary {
        let attributes = payload.transcript_summary_attributes.unwrap_or_default();
        summaries::insert(&mut state, &id, true, attributes);
        generate |= encoded;
    }
    drop(state);
    if generate {
        events::schedule_generation(shared, &id);
    }
    Ok(h::json(StatusCode::OK, &body))
}

pub(crate) fn delete(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let id = req.param("videoId");
    let mut state = shared.lock();
    active(&mut state, id)?;
    if shared.config.video_restore {
        let rec = active(&mut state, id)?;
        let at = now();
        rec.video.discarded = Some(true);
        rec.video.discarded_at = Some(at);
        rec.video.deletes_at = Some(at + chrono::Duration::days(90));
        rec.video.updated_at = Some(at);
    } else {
        state.videos.shift_remove(id);
        state
            .summaries
            .retain(|_, summary| summary.summary.video_id.as_deref() != Some(id));
    }
    Ok(h::empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn restore(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::DiscardedVideoUpdatePayload = h::json_body(req).await?;
    if payload.discarded != Some(false) {
        return Err(h::bad_request(
            "invalid-attribute",
            "discarded can only be set to false.",
            "discarded",
        ));
    }
    let mut state = shared.lock();
    let rec = state
        .videos
        .get_mut(req.param("videoId"))
        .filter(|rec| rec.is_discarded())
        .ok_or_else(|| h::not_found("No discarded video exists with this id.", "videoId"))?;
    rec.video.discarded = Some(false);
    rec.video.discarded_at = None;
    rec.video.deletes_at = None;
    rec.video.updated_at = Some(now());
    Ok(h::json(StatusCode::OK, &render(rec)))
}

fn contains_ignoring_case(haystack: Option<&str>, needle: &str) -> bool {
    haystack
        .unwrap_or_default()
        .to_lowercase()
        .contains(&needle.to_lowercase())
}

pub(crate) fn list(shared: &Arc<Shared>, req: &Req, discarded: bool) -> HandlerResult {
    let page = h::page(req)?;
    let sort = h::sort_by(
        req,
        &["title", "createdAt", "publishedAt", "updatedAt"],
        "createdAt",
    )?;
    let descending = h::sort_descending(req)?;
    let title = req.query("title");
    let description = req.query("description");
    let live_stream = req.query("liveStreamId");
    let mut tags = req.query_all("tags[]");
    tags.extend(req.query_all("tags"));
    let metadata: Vec<(&str, &str)> = req
        .query
        .iter()
        .filter_map(|(key, value)| {
            let key = key.strip_prefix("metadata[")?.strip_suffix(']')?;
            Some((key, value.as_str()))
        })
        .collect();

    let state = shared.lock();
    let mut found: Vec<&VideoRec> = state
        .videos
        .values()
        .filter(|rec| rec.is_discarded() == discarded)
        .filter(|rec| title.is_none_or(|t| contains_ignoring_case(rec.video.title.as_deref(), t)))
        .filter(|rec| {
            description.is_none_or(|d| contains_ignoring_case(rec.video.description.as_deref(), d))
        })
        .filter(|rec| {
            tags.iter()
                .all(|tag| rec.video.tags.iter().any(|t| t == tag))
        })
        .filter(|rec| {
            metadata.iter().all(|(key, value)| {
                rec.video
                    .metadata
                    .iter()
                    .any(|m| m.key.as_deref() == Some(*key) && m.value.as_deref() == Some(*value))
            })
        })
        .filter(|rec| {
            live_stream.is_none_or(|wanted| {
                rec.video
                    .source
                    .as_ref()
                    .and_then(|source| source.live_stream.as_ref())
                    .and_then(|live| live.live_stream_id.as_deref())
                    == Some(wanted)
            })
        })
        .collect();
    // api.video documents no default order; the simulator's is `createdAt` ascending.
    // The sort is stable, so ties (dates are to the second) keep creation order, and
    // `desc` is the exact reverse: newest first, ties included.
    found.sort_by(|a, b| {
        let (a, b) = (&a.video, &b.video);
        match sort {
            "title" => a.title.cmp(&b.title),
            "publishedAt" => a.published_at.cmp(&b.published_at),
            "updatedAt" => a.updated_at.cmp(&b.updated_at),
            _ => a.created_at.cmp(&b.created_at),
        }
    });
    if descending {
        found.reverse();
    }
    let videos: Vec<models::Video> = found.into_iter().map(render).collect();
    let (data, pagination) = h::paginate(videos, page, req, &shared.config.base_url);
    Ok(h::json(
        StatusCode::OK,
        &models::VideosListResponse::new(data, pagination),
    ))
}

/// The renditions api.video produces for a video.
pub(crate) fn renditions(mp4: bool) -> Vec<(QualityType, Resolution)> {
    let mut all: Vec<(QualityType, Resolution)> = [
        Resolution::X240p,
        Resolution::X360p,
        Resolution::X480p,
        Resolution::X720p,
        Resolution::X1080p,
    ]
    .into_iter()
    .map(|resolution| (QualityType::Hls, resolution))
    .collect();
    if mp4 {
        all.push((QualityType::Mp4, Resolution::X1080p));
    }
    all
}

pub(crate) fn status(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let mut state = shared.lock();
    let rec = active(&mut state, req.param("videoId"))?;
    let mut status = status_of(rec, shared.config.encoding_delay, Instant::now());
    if let Some(failure) = shared.faults.video_failure(&rec.video.video_id) {
        fail(&mut status, failure);
    }
    Ok(h::json(StatusCode::OK, &status))
}

/// A status as it reads when a test made the video's processing fail.
fn fail(status: &mut models::VideoStatus, failure: VideoFailure) {
    let encoding = status
        .encoding
        .get_or_insert_with(models::VideoStatusEncoding::new);
    encoding.playable = Some(false);
    encoding.metadata = Some(models::VideoStatusEncodingMetadata::new());
    match failure {
        VideoFailure::Encoding => {
            for quality in &mut encoding.qualities {
                quality.status = Some(QualityStatus::Failed);
            }
        }
        VideoFailure::Ingest => {
            encoding.qualities.clear();
            let ingest = status
                .ingest
                .get_or_insert_with(models::VideoStatusIngest::new);
            ingest.status = Some(IngestStatus::Unknown("failed".to_owned()));
        }
    }
}

fn as_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Ingest and encoding progress at `now`.
pub(crate) fn status_of(rec: &VideoRec, delay: Duration, now: Instant) -> models::VideoStatus {
    let elapsed = rec.completed_at.map(|at| now.saturating_duration_since(at));
    let size = rec
        .source
        .as_ref()
        .map(|source| as_i64(source.len() as u64));

    let mut ingest = models::VideoStatusIngest::new();
    match rec.ingest {
        IngestKind::Import => {
            let done = elapsed.is_some_and(|elapsed| elapsed >= delay / 2);
            ingest.status = Some(if done {
                IngestStatus::Ingested
            } else {
                IngestStatus::Ingesting
            });
            ingest.filesize = size.filter(|_| done);
        }
        IngestKind::Upload => {
            let upload = &rec.upload;
            if let Some(mode) = upload.mode {
                ingest.status = Some(if rec.source.is_some() {
                    IngestStatus::Uploaded
                } else {
                    IngestStatus::Uploading
                });
                match mode {
                    UploadMode::Whole | UploadMode::Bytes => {
                        let total = upload.total.map(as_i64).or(size);
                        ingest.filesize = total;
                        ingest.received_bytes = upload
                            .received
                            .iter()
                            .map(|(from, len)| byte_range(*from, *len, total))
                            .collect();
                    }
                    UploadMode::Parts => {
                        ingest.filesize = size;
                        let mut offset = 0;
                        for (number, len) in &upload.received {
                            if *number != ingest.received_bytes.len() as u64 + 1 {
                                break;
                            }
                            ingest.received_bytes.push(byte_range(offset, *len, size));
                            offset += len;
                        }
                        let mut parts = models::VideoStatusIngestReceivedParts::new()
                            .parts(upload.received.keys().map(|n| as_i64(*n)));
                        parts.total = upload.total.map(as_i64);
                        ingest.received_parts = Some(parts);
                    }
                }
            }
        }
    }

    let mut encoding = models::VideoStatusEncoding::new().playable(false);
    let mut metadata = models::VideoStatusEncodingMetadata::new();
    if let Some(elapsed) = elapsed {
        let (playable, state) = if elapsed >= delay {
            (true, QualityStatus::Encoded)
        } else if elapsed >= delay / 2 {
            (false, QualityStatus::Encoding)
        } else {
            (false, QualityStatus::Waiting)
        };
        encoding.playable = Some(playable);
        encoding.qualities = renditions(rec.video.mp4_support != Some(false))
            .into_iter()
            .map(|(kind, resolution)| {
                models::Quality::new()
                    .r#type(kind)
                    .quality(resolution)
                    .status(state.clone())
            })
            .collect();
        if playable {
            let duration = 10;
            let bytes = size.unwrap_or(0);
            #[allow(clippy::cast_precision_loss)]
            let bitrate = (bytes as f64 * 8.0 / 1000.0 / f64::from(duration) * 10.0).round() / 10.0;
            metadata = metadata
                .width(1920)
                .height(1080)
                .bitrate(bitrate)
                .duration(duration)
                .framerate(30)
                .samplerate(44100)
                .video_codec("h264")
                .audio_codec("aac")
                .aspect_ratio("16/9");
        }
    }
    encoding.metadata = Some(metadata);
    models::VideoStatus::new().ingest(ingest).encoding(encoding)
}

fn byte_range(from: u64, len: u64, total: Option<i64>) -> models::BytesRange {
    let mut range = models::BytesRange::new()
        .from(as_i64(from))
        .to(as_i64(from + len.saturating_sub(1)));
    range.total = total;
    range
}

pub(crate) fn tags(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let page = h::page(req)?;
    let sort = h::sort_by(req, &["value", "videoCount"], "value")?;
    let descending = h::sort_descending(req)?;
    let search = req.query("value").map(str::to_lowercase);
    let state = shared.lock();
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for rec in state.videos.values().filter(|rec| !rec.is_discarded()) {
        let mut seen: Vec<&str> = rec.video.tags.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for tag in seen {
            *counts.entry(tag).or_default() += 1;
        }
    }
    let mut tags: Vec<(&str, i64)> = counts
        .into_iter()
        .filter(|(tag, _)| {
            search
                .as_deref()
                .is_none_or(|search| tag.to_lowercase().contains(search))
        })
        .collect();
    tags.sort_by(|a, b| {
        let order = if sort == "videoCount" {
            a.1.cmp(&b.1).then_with(|| a.0.cmp(b.0))
        } else {
            a.0.cmp(b.0)
        };
        if descending { order.reverse() } else { order }
    });
    let tags: Vec<models::ListTagsResponseData> = tags
        .into_iter()
        .map(|(tag, count)| {
            models::ListTagsResponseData::new()
                .value(tag)
                .video_count(count)
        })
        .collect();
    let (data, pagination) = h::paginate(tags, page, req, &shared.config.base_url);
    let mut body = models::ListTagsResponse::new().pagination(pagination);
    body.data = data;
    Ok(h::json(StatusCode::OK, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_timecodes_follow_the_spec_pattern() {
        for good in [
            "00:01:30",
            "100:00:00",
            "00:00:05.5",
            "00:00:05.123",
            "00:00:05:24",
            "95",
        ] {
            assert!(is_clip_timecode(good), "{good}");
        }
        for bad in [
            "1:00:00",
            "00:60:00",
            "00:00:61",
            "00:00:05.1234",
            "abc",
            "",
            "12345678",
        ] {
            assert!(!is_clip_timecode(bad), "{bad}");
        }
    }

    #[test]
    fn private_assets_carry_a_fresh_token() {
        let video = models::Video::new("vi1").public(false).mp4_support(false);
        let first = assets(&video);
        let second = assets(&video);
        assert!(first.player.as_deref().unwrap().contains("?token="));
        assert_ne!(first.player, second.player);
        assert!(first.mp4.is_none());
        let public = assets(&models::Video::new("vi1"));
        assert_eq!(
            public.player.as_deref(),
            Some("https://embed.api.video/vod/vi1")
        );
        assert_eq!(
            public.mp4.as_deref(),
            Some("https://vod.api.video/vod/vi1/mp4/source.mp4")
        );
    }
}
