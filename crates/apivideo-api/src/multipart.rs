//! The eight operations progenitor cannot generate because their bodies are
//! `multipart/form-data`. They take the generated payload models, go through the same
//! request path as every other call (credentials, retries, timeouts), and decode into the
//! same models.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use progenitor_client::{ClientInfo, ResponseValue, encode_path};
use reqwest::header::{ACCEPT, HeaderName, HeaderValue};
use reqwest::multipart::{Form, Part};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result, redact_quoted, snippet};
use crate::operation::Operation;
use crate::{Client, models, operations};

/// The file of a multipart upload, with the file name and media type to announce.
///
/// Bytes in memory and files on disk can be sent again after a failure, so such uploads
/// are retried; a stream handed over with [`from_body`](Self::from_body) is sent once.
/// [`replayable`](Self::replayable) makes any source repeatable by producing a fresh body
/// per attempt.
pub struct FilePart {
    body: Body,
    file_name: String,
    content_type: Option<String>,
}

type MakeBody = dyn Fn() -> reqwest::Body + Send + Sync;

enum Body {
    Bytes(Bytes),
    Fresh {
        make: Arc<MakeBody>,
        length: u64,
    },
    Once {
        body: Mutex<Option<reqwest::Body>>,
        length: Option<u64>,
    },
}

impl std::fmt::Debug for FilePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("length", &self.len())
            .field("replayable", &self.is_replayable())
            .finish()
    }
}

impl FilePart {
    /// Bytes already in memory. The media type comes from the bytes themselves when they
    /// are a JPEG, PNG or WebP image, else from the file name's extension.
    pub fn from_bytes(bytes: impl Into<Bytes>, file_name: impl Into<String>) -> Self {
        let (bytes, file_name) = (bytes.into(), file_name.into());
        Self {
            content_type: content_type_of(&bytes, &file_name),
            body: Body::Bytes(bytes),
            file_name,
        }
    }

    /// A body streamed as it is sent, once: a failed attempt is not repeated. `length`
    /// lets the request announce its size.
    pub fn from_body(
        body: impl Into<reqwest::Body>,
        length: Option<u64>,
        file_name: impl Into<String>,
    ) -> Self {
        let file_name = file_name.into();
        Self {
            content_type: content_type_of(&[], &file_name),
            body: Body::Once {
                body: Mutex::new(Some(body.into())),
                length,
            },
            file_name,
        }
    }

    /// `length` bytes produced afresh for each attempt by `make`, so the upload can be
    /// retried: for example a range of a file, read again each time. `head` is the start
    /// of the content (a few bytes are enough) for recognising images.
    pub fn replayable(
        length: u64,
        head: &[u8],
        file_name: impl Into<String>,
        make: impl Fn() -> reqwest::Body + Send + Sync + 'static,
    ) -> Self {
        let file_name = file_name.into();
        Self {
            content_type: content_type_of(head, &file_name),
            body: Body::Fresh {
                make: Arc::new(make),
                length,
            },
            file_name,
        }
    }

    /// The file at `path`, read from disk as it is sent (never held whole in memory), and
    /// read again if the upload is retried.
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref().to_owned();
        let file = tokio::fs::File::open(&path).await?;
        let metadata = file.metadata().await?;
        if !metadata.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a regular file", path.display()),
            ));
        }
        let mut head = [0u8; 16];
        let head_len = {
            use tokio::io::AsyncReadExt;
            let mut file = file;
            let mut filled = 0;
            while filled < head.len() {
                let Some(rest) = head.get_mut(filled..) else {
                    break;
                };
                match file.read(rest).await? {
                    0 => break,
                    n => filled = filled.saturating_add(n),
                }
            }
            filled
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned());
        let length = metadata.len();
        Ok(Self::replayable(
            length,
            head.get(..head_len).unwrap_or_default(),
            name,
            move || {
                let path = path.clone();
                let stream =
                    futures_util::stream::once(async move { tokio::fs::File::open(path).await });
                use futures_util::{StreamExt, TryStreamExt};
                let chunks = stream
                    .map_ok(|file| tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024))
                    .try_flatten();
                reqwest::Body::wrap_stream(chunks.boxed())
            },
        ))
    }

    /// Overrides the file name announced in the form.
    #[must_use]
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = file_name.into();
        self
    }

    /// Overrides the media type found from the content or the file name.
    #[must_use]
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// The media type that will be announced.
    pub fn media_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The size in bytes, when known.
    pub fn len(&self) -> Option<u64> {
        match &self.body {
            Body::Bytes(bytes) => u64::try_from(bytes.len()).ok(),
            Body::Fresh { length, .. } => Some(*length),
            Body::Once { length, .. } => *length,
        }
    }

    /// True for zero bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// Whether the part can be sent more than once (and so an upload retried).
    pub fn is_replayable(&self) -> bool {
        !matches!(self.body, Body::Once { .. })
    }

    /// The form part for one attempt; `None` once a stream given to
    /// [`from_body`](Self::from_body) was used.
    pub fn to_part(&self) -> Option<Part> {
        let part = match &self.body {
            Body::Bytes(bytes) => {
                let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
                Part::stream_with_length(reqwest::Body::from(bytes.clone()), len)
            }
            Body::Fresh { make, length } => Part::stream_with_length(make(), *length),
            Body::Once { body, length } => {
                let body = body.lock().unwrap_or_else(PoisonError::into_inner).take()?;
                match length {
                    Some(length) => Part::stream_with_length(body, *length),
                    None => Part::stream(body),
                }
            }
        }
        .file_name(self.file_name.clone());
        // `mime_str` consumes the part; a media type it cannot parse is dropped rather than
        // losing the file, so it is tried on an empty part first.
        Some(match &self.content_type {
            Some(media_type) if Part::bytes(Vec::new()).mime_str(media_type).is_ok() => part
                .mime_str(media_type)
                .unwrap_or_else(|_| Part::bytes(Vec::new())),
            _ => part,
        })
    }
}

/// The media type to announce: from the content's magic number for the images api.video
/// takes (JPEG, PNG, WebP), else from the file name's extension.
fn content_type_of(head: &[u8], file_name: &str) -> Option<String> {
    if let Some(image) = image_type(head) {
        return Some(image.to_owned());
    }
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    let media_type = match extension.as_str() {
        "vtt" => "text/vtt",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        _ => "application/octet-stream",
    };
    Some(media_type.to_owned())
}

/// JPEG, PNG or WebP, judged by the first bytes.
pub fn image_type(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else {
        None
    }
}

/// Where a multipart request goes.
struct Target<'a> {
    path: String,
    query: &'a [(&'a str, &'a str)],
    content_range: Option<&'a str>,
}

impl<'a> Target<'a> {
    fn path(path: String) -> Self {
        Self {
            path,
            query: &[],
            content_range: None,
        }
    }
}

/// What the request path needs of a multipart payload model.
trait Multipart: Sync {
    fn to_form(&self) -> Option<Form>;
    fn is_replayable(&self) -> bool;
    /// Whether the body names an existing video (see [`Operation::is_idempotent_when`]).
    fn names_video(&self) -> bool {
        false
    }
}

macro_rules! multipart_payload {
    ($($model:ident),* $(,)?) => {$(
        impl Multipart for models::$model {
            fn to_form(&self) -> Option<Form> {
                models::$model::to_form(self)
            }
            fn is_replayable(&self) -> bool {
                self.file.is_replayable()
            }
        }
    )*};
}

multipart_payload!(
    VideoUploadPayload,
    WatermarkUploadPayload,
    VideoThumbnailUploadPayload,
    CaptionsUploadPayload,
    ChaptersUpdatePayload,
    PlayerThemeUploadLogoPayload,
    LiveStreamThumbnailUploadPayload,
);

impl Multipart for models::TokenUploadPayload {
    fn to_form(&self) -> Option<Form> {
        models::TokenUploadPayload::to_form(self)
    }
    fn is_replayable(&self) -> bool {
        self.file.is_replayable()
    }
    fn names_video(&self) -> bool {
        self.video_id.is_some()
    }
}

impl Client {
    /// Sends a multipart request for `op` through the request path and decodes its
    /// answer. The form is rebuilt from `body` for every attempt.
    async fn send_multipart<T: DeserializeOwned>(
        &self,
        op: &'static Operation,
        target: Target<'_>,
        body: &dyn Multipart,
    ) -> Result<ResponseValue<T>> {
        let Target {
            path,
            query,
            content_range,
        } = target;
        let idempotent = op.is_idempotent_when(body.names_video());
        let replayable = body.is_replayable();
        let url = format!("{}{path}", self.baseurl);
        let range = content_range
            .map(HeaderValue::from_str)
            .transpose()
            .map_err(|_| {
                Error::InvalidRequest("the Content-Range is not a valid header value".into())
            })?;
        let build = || {
            let form = body.to_form().ok_or_else(|| {
                Error::InvalidRequest("the upload's stream was already sent".to_owned())
            })?;
            let mut builder = self
                .client
                .post(&url)
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .header(
                    HeaderName::from_static("api-version"),
                    HeaderValue::from_static(<Client as ClientInfo<crate::Context>>::api_version()),
                )
                .multipart(form);
            if !query.is_empty() {
                builder = builder.query(query);
            }
            if let Some(range) = &range {
                builder = builder.header(HeaderName::from_static("content-range"), range.clone());
            }
            builder
                .build()
                .map_err(|e| Error::InvalidRequest(e.without_url().to_string()))
        };
        let answer = self
            .execute(Some(op), idempotent, replayable, build)
            .await?;
        if !op.success.contains(&answer.status.as_u16()) {
            return Err(Error::Decode {
                status: Some(answer.status),
                reason: "a success status the operation does not document".into(),
                snippet: snippet(&answer.body),
            });
        }
        let value = serde_json::from_slice(&answer.body).map_err(|e| Error::Decode {
            status: Some(answer.status),
            reason: redact_quoted(&e.to_string()),
            snippet: snippet(&answer.body),
        })?;
        Ok(ResponseValue::new(value, answer.status, answer.headers))
    }

    /// Uploads a video's source, whole or one chunk (`POST /videos/{videoId}/source`).
    ///
    /// `content_range` is `bytes <from>-<to>/<total>` for a chunk, or `part <n>/<total>`
    /// (`part <n>/*` while the total is unknown) for a progressive upload; `None` sends
    /// the whole file in one request.
    pub async fn post_videos_video_id_source(
        &self,
        video_id: &str,
        content_range: Option<&str>,
        body: models::VideoUploadPayload,
    ) -> Result<ResponseValue<models::Video>> {
        let target = Target {
            content_range,
            ..Target::path(format!("/videos/{}/source", encode_path(video_id)))
        };
        self.send_multipart(&operations::POST_VIDEOS_VIDEO_ID_SOURCE, target, &body)
            .await
    }

    /// Uploads a video with an upload token (`POST /upload?token=...`); needs no API key.
    ///
    /// For every chunk after the first, set `videoId` in `body` to the id the first
    /// answer returned, or each chunk creates a new video. `content_range` is
    /// `bytes <from>-<to>/<total>`, or `part <n>/<total>` (`part <n>/*` while the total is
    /// unknown) as api.video's own clients send. The first request (no `videoId`) creates
    /// the video, so it is retried only when the server surely did not process it.
    pub async fn post_upload(
        &self,
        token: &str,
        content_range: Option<&str>,
        body: models::TokenUploadPayload,
    ) -> Result<ResponseValue<models::Video>> {
        let query = [("token", token)];
        let target = Target {
            path: "/upload".to_owned(),
            query: &query,
            content_range,
        };
        self.send_multipart(&operations::POST_UPLOAD, target, &body)
            .await
    }

    /// Uploads a watermark image (`POST /watermarks`).
    pub async fn post_watermark(
        &self,
        body: models::WatermarkUploadPayload,
    ) -> Result<ResponseValue<models::Watermark>> {
        let target = Target::path("/watermarks".to_owned());
        self.send_multipart(&operations::POST_WATERMARK, target, &body)
            .await
    }

    /// Uploads a video's thumbnail image (`POST /videos/{videoId}/thumbnail`).
    pub async fn post_videos_video_id_thumbnail(
        &self,
        video_id: &str,
        body: models::VideoThumbnailUploadPayload,
    ) -> Result<ResponseValue<models::Video>> {
        let target = Target::path(format!("/videos/{}/thumbnail", encode_path(video_id)));
        self.send_multipart(&operations::POST_VIDEOS_VIDEO_ID_THUMBNAIL, target, &body)
            .await
    }

    /// Uploads a WebVTT caption file for a language
    /// (`POST /videos/{videoId}/captions/{language}`).
    pub async fn post_videos_video_id_captions_language(
        &self,
        video_id: &str,
        language: &str,
        body: models::CaptionsUploadPayload,
    ) -> Result<ResponseValue<models::Caption>> {
        let target = Target::path(format!(
            "/videos/{}/captions/{}",
            encode_path(video_id),
            encode_path(language)
        ));
        self.send_multipart(
            &operations::POST_VIDEOS_VIDEO_ID_CAPTIONS_LANGUAGE,
            target,
            &body,
        )
        .await
    }

    /// Uploads a WebVTT chapters file for a language
    /// (`POST /videos/{videoId}/chapters/{language}`).
    pub async fn post_videos_video_id_chapters_language(
        &self,
        video_id: &str,
        language: &str,
        body: models::ChaptersUpdatePayload,
    ) -> Result<ResponseValue<models::Chapter>> {
        let target = Target::path(format!(
            "/videos/{}/chapters/{}",
            encode_path(video_id),
            encode_path(language)
        ));
        self.send_multipart(
            &operations::POST_VIDEOS_VIDEO_ID_CHAPTERS_LANGUAGE,
            target,
            &body,
        )
        .await
    }

    /// Uploads a player theme's logo, with the link it opens (`POST /players/{playerId}/logo`).
    pub async fn post_players_player_id_logo(
        &self,
        player_id: &str,
        body: models::PlayerThemeUploadLogoPayload,
    ) -> Result<ResponseValue<models::PlayerTheme>> {
        let target = Target::path(format!("/players/{}/logo", encode_path(player_id)));
        self.send_multipart(&operations::POST_PLAYERS_PLAYER_ID_LOGO, target, &body)
            .await
    }

    /// Uploads a live stream's thumbnail image
    /// (`POST /live-streams/{liveStreamId}/thumbnail`).
    pub async fn post_live_streams_live_stream_id_thumbnail(
        &self,
        live_stream_id: &str,
        body: models::LiveStreamThumbnailUploadPayload,
    ) -> Result<ResponseValue<models::LiveStream>> {
        let target = Target::path(format!(
            "/live-streams/{}/thumbnail",
            encode_path(live_stream_id)
        ));
        self.send_multipart(
            &operations::POST_LIVE_STREAMS_LIVE_STREAM_ID_THUMBNAIL,
            target,
            &body,
        )
        .await
    }
}
