//! `POST /videos/{videoId}/source` and `POST /upload?token=`: whole files, byte-range
//! chunks in any order, and progressive parts, assembled in memory.

use std::sync::Arc;

use apivideo_api::models;
use bytes::{Bytes, BytesMut};
use http::StatusCode;
use tokio::time::Instant;

use super::{tokens, videos};
use crate::events;
use crate::http::{self as h, HandlerResult, Problem, Req};
use crate::state::{Shared, UploadMode, VideoRec, new_id, now};

/// What `Content-Range` says about the file part of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Range {
    /// No header: the whole file.
    Whole,
    /// `bytes FROM-TO/TOTAL`, inclusive offsets.
    Bytes { from: u64, to: u64, total: u64 },
    /// `part N/TOTAL`, or `part N/*` while the number of parts is unknown.
    Part { number: u64, total: Option<u64> },
}

fn invalid_range(title: impl Into<String>) -> Problem {
    h::bad_request("invalid-content-range", title, "Content-Range")
}

/// Parses `Content-Range`: `bytes FROM-TO/TOTAL` or `part N/TOTAL` (`part N/*`).
pub(crate) fn parse_range(header: Option<&str>) -> Result<Range, Problem> {
    let Some(header) = header.map(str::trim).filter(|h| !h.is_empty()) else {
        return Ok(Range::Whole);
    };
    let malformed =
        || invalid_range("Content-Range must read bytes FROM-TO/TOTAL or part N/TOTAL.");
    let (unit, rest) = header.split_once(' ').ok_or_else(malformed)?;
    let (position, total) = rest.trim().split_once('/').ok_or_else(malformed)?;
    let number = |s: &str| -> Result<u64, Problem> {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        s.parse().map_err(|_| malformed())
    };
    let total = match total.trim() {
        "*" => None,
        total => Some(number(total)?),
    };
    if unit.eq_ignore_ascii_case("bytes") {
        let (from, to) = position.split_once('-').ok_or_else(malformed)?;
        let (from, to) = (number(from)?, number(to)?);
        let total = total.ok_or_else(|| {
            invalid_range(
                "The total size must be given with byte ranges; use part N/* when it is unknown.",
            )
        })?;
        if from > to || to >= total {
            return Err(invalid_range(format!(
                "bytes {from}-{to}/{total} is not a range within the file."
            )));
        }
        Ok(Range::Bytes { from, to, total })
    } else if unit.eq_ignore_ascii_case("part") {
        let number = number(position)?;
        if number == 0 {
            return Err(invalid_range("Parts are numbered from 1."));
        }
        if total.is_some_and(|total| number > total) {
            return Err(invalid_range(format!(
                "part {number} cannot come after the last part, {}.",
                total.unwrap_or_default()
            )));
        }
        Ok(Range::Part { number, total })
    } else {
        Err(malformed())
    }
}

pub(crate) async fn source(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let id = req.param("videoId").to_owned();
    videos::active(&mut shared.lock(), &id)?;
    let range = parse_range(req.header("content-range"))?;
    let mut form = h::multipart(req).await?;
    let file = h::require_file(&mut form)?;
    let video = accept(shared, &id, range, file.data)?;
    Ok(h::json(StatusCode::CREATED, &video))
}

pub(crate) async fn with_token(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let token = req.query("token").unwrap_or_default().to_owned();
    if token.is_empty() {
        return Err(h::bad_request(
            "attribute-required",
            "The token query parameter must be provided.",
            "token",
        ));
    }
    let invalid_token = || {
        h::bad_request(
            "upload-token-invalid",
            "The upload token is unknown or expired.",
            "token",
        )
    };
    if !tokens::is_valid(&shared.lock(), &token) {
        return Err(invalid_token());
    }
    // Parts too: api.video's clients send `part N/*` ... `part N/N` in their progressive
    // sessions with a token, and `part n/M` on every chunk of an ordinary chunked upload.
    let range = parse_range(req.header("content-range"))?;
    let mut form = h::multipart(req).await?;
    let file = h::require_file(&mut form)?;

    let id = match form.fields.get("videoId").map(|id| id.trim()) {
        Some(id) if !id.is_empty() => {
            let mut state = shared.lock();
            if !tokens::is_valid(&state, &token) {
                return Err(invalid_token());
            }
            videos::active(&mut state, id).map_err(|_| {
                h::bad_request(
                    "invalid-attribute",
                    "No video with this videoId is being uploaded.",
                    "videoId",
                )
            })?;
            id.to_owned()
        }
        // No videoId: this request starts a new video, as on api.video, titled with the
        // file name as sent, whole (a first part `10m.mp4.part.a` makes that title).
        _ => {
            let title = file
                .file_name
                .as_deref()
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .unwrap_or("video")
                .to_owned();
            let id = new_id("vi");
            let at = now();
            let mut video = models::Video::new(id.clone())
                .created_at(at)
                .published_at(at)
                .updated_at(at)
                .title(title)
                .description("")
                .discarded(false)
                .language("")
                .source(models::VideoSource::new().uri(format!("/videos/{id}/source")))
                .public(true)
                .panoramic(false)
                .mp4_support(true);
            video.language_origin = None;
            shared
                .lock()
                .videos
                .insert(id.clone(), VideoRec::new(video));
            id
        }
    };
    let video = accept(shared, &id, range, file.data)?;
    Ok(h::json(StatusCode::CREATED, &video))
}

fn already_uploaded() -> Problem {
    h::bad_request(
        "video-source-already-uploaded",
        "A file has already been uploaded for this video.",
        "file",
    )
}

/// Adds one request's file part to the video's upload, assembling the file once every
/// byte is there; returns the video.
fn accept(
    shared: &Arc<Shared>,
    id: &str,
    range: Range,
    data: Bytes,
) -> Result<models::Video, Problem> {
    let mut state = shared.lock();
    let rec = videos::active(&mut state, id)?;
    if data.is_empty() {
        return Err(h::bad_request(
            "invalid-attribute",
            "The file is empty.",
            "file",
        ));
    }
    let len = data.len() as u64;
    let upload = &mut rec.upload;
    let complete = match range {
        Range::Whole => {
            if rec.source.is_some() {
                return Err(already_uploaded());
            }
            if upload.mode.is_some() {
                return Err(invalid_range(
                    "An upload in chunks is in progress for this video; send the remaining chunks with their Content-Range.",
                ));
            }
            upload.mode = Some(UploadMode::Whole);
            upload.total = Some(len);
            upload.received.insert(0, len);
            Some(data)
        }
        Range::Bytes { from, to, total } => {
            match upload.mode {
                None => {
                    upload.mode = Some(UploadMode::Bytes);
                    upload.total = Some(total);
                }
                Some(UploadMode::Bytes) => {
                    if upload.total != Some(total) {
                        return Err(invalid_range(format!(
                            "The total size {total} differs from the {} bytes announced by earlier chunks.",
                            upload.total.unwrap_or_default()
                        )));
                    }
                }
                Some(_) if rec.source.is_some() => return Err(already_uploaded()),
                Some(_) => {
                    return Err(invalid_range(
                        "This upload does not use byte ranges; keep the Content-Range form of its first request.",
                    ));
                }
            }
            let expected = to - from + 1;
            if expected != len {
                return Err(invalid_range(format!(
                    "Content-Range announces {expected} bytes but the file part holds {len}."
                )));
            }
            if let Some(known) = upload.received.get(&from) {
                // The same chunk again (a retry): accepted if identical, nothing changes.
                if *known == len && upload.pieces.get(&from).is_none_or(|piece| *piece == data) {
                    return Ok(videos::render(rec));
                }
            }
            if rec.source.is_some() {
                return Err(already_uploaded());
            }
            let overlaps = upload.received.iter().any(|(start, piece)| {
                let end = start + piece - 1;
                *start <= to && from <= end
            });
            if overlaps {
                return Err(invalid_range(format!(
                    "bytes {from}-{to} overlap bytes already received for this video."
                )));
            }
            upload.pieces.insert(from, data);
            upload.received.insert(from, len);
            let received: u64 = upload.received.values().sum();
            (received == total).then(|| assemble(&mut upload.pieces))
        }
        Range::Part { number, total } => {
            match upload.mode {
                None => upload.mode = Some(UploadMode::Parts),
                Some(UploadMode::Parts) => {}
                Some(_) if rec.source.is_some() => return Err(already_uploaded()),
                Some(_) => {
                    return Err(invalid_range(
                        "This upload uses byte ranges; keep the Content-Range form of its first request.",
                    ));
                }
            }
            if let Some(total) = total {
                match upload.total {
                    Some(known) if known != total => {
                        return Err(invalid_range(format!(
                            "The upload was announced with {known} parts, not {total}."
                        )));
                    }
                    _ => {}
                }
                if let Some(beyond) = upload.received.keys().find(|n| **n > total) {
                    return Err(invalid_range(format!(
                        "part {beyond} was received, so the last part cannot be {total}."
                    )));
                }
                upload.total = Some(total);
            }
            if let Some(last) = upload.total.filter(|last| number > *last) {
                return Err(invalid_range(format!(
                    "part {number} cannot come after the last part, {last}."
                )));
            }
            if let Some(known) = upload.received.get(&number) {
                if *known == len
                    && upload
                        .pieces
                        .get(&number)
                        .is_none_or(|piece| *piece == data)
                {
                    return Ok(videos::render(rec));
                }
                return Err(invalid_range(format!(
                    "part {number} was already received with other content."
                )));
            }
            if rec.source.is_some() {
                return Err(already_uploaded());
            }
            upload.pieces.insert(number, data);
            upload.received.insert(number, len);
            match upload.total {
                Some(last) if upload.received.len() as u64 == last => {
                    Some(assemble(&mut upload.pieces))
                }
                _ => None,
            }
        }
    };
    let finished = complete.is_some();
    if let Some(file) = complete {
        rec.source = Some(file);
        rec.completed_at = Some(Instant::now());
        if let Some(source) = rec.video.source.as_mut() {
            source.r#type = Some("upload".to_owned());
        }
        rec.video.updated_at = Some(now());
    }
    let video = videos::render(rec);
    drop(state);
    if finished {
        tracing::debug!(video = id, "upload complete");
        events::schedule_encoding(shared, id);
    }
    Ok(video)
}

/// Concatenates the pieces in key order (byte offset or part number).
fn assemble(pieces: &mut std::collections::BTreeMap<u64, Bytes>) -> Bytes {
    let pieces = std::mem::take(pieces);
    if pieces.len() == 1 {
        return pieces.into_values().next().unwrap_or_default();
    }
    let mut file = BytesMut::with_capacity(pieces.values().map(Bytes::len).sum());
    for piece in pieces.into_values() {
        file.extend_from_slice(&piece);
    }
    file.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(parse_range(None).unwrap(), Range::Whole);
        assert_eq!(
            parse_range(Some("bytes 0-9/20")).unwrap(),
            Range::Bytes {
                from: 0,
                to: 9,
                total: 20
            }
        );
        assert_eq!(
            parse_range(Some("part 2/*")).unwrap(),
            Range::Part {
                number: 2,
                total: None
            }
        );
        assert_eq!(
            parse_range(Some("part 3/3")).unwrap(),
            Range::Part {
                number: 3,
                total: Some(3)
            }
        );
    }

    #[test]
    fn refuses_inconsistent_headers() {
        for bad in [
            "bytes 10-9/20",
            "bytes 0-20/20",
            "bytes 0-9/*",
            "bytes a-9/20",
            "bytes 0-9",
            "part 0/*",
            "part 4/3",
            "lines 1-2/3",
        ] {
            assert!(parse_range(Some(bad)).is_err(), "{bad}");
        }
    }
}
