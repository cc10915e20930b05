//! The eight operations progenitor cannot generate because their bodies are
//! `multipart/form-data`. They take the generated payload models, go through the same
//! hooks as every other call, and decode like the generated ones.

use std::path::Path;

use bytes::Bytes;
use progenitor_client::{
    ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue, encode_path,
};
use reqwest::header::{ACCEPT, HeaderName, HeaderValue};
use reqwest::multipart::{Form, Part};
use serde::de::DeserializeOwned;

use crate::operation::Operation;
use crate::{Client, models, operations};

/// The file of a multipart upload: bytes in memory or a stream (a file read as it is
/// sent), with the file name and media type to announce.
pub struct FilePart {
    body: Body,
    file_name: String,
    content_type: Option<String>,
}

enum Body {
    Bytes(Bytes),
    Stream {
        body: reqwest::Body,
        length: Option<u64>,
    },
}

impl std::fmt::Debug for FilePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("length", &self.len())
            .finish()
    }
}

impl FilePart {
    /// Bytes already in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>, file_name: impl Into<String>) -> Self {
        let file_name = file_name.into();
        Self {
            content_type: guess_content_type(&file_name),
            body: Body::Bytes(bytes.into()),
            file_name,
        }
    }

    /// A body streamed as it is sent; `length` lets the request announce its size.
    pub fn from_body(
        body: impl Into<reqwest::Body>,
        length: Option<u64>,
        file_name: impl Into<String>,
    ) -> Self {
        let file_name = file_name.into();
        Self {
            content_type: guess_content_type(&file_name),
            body: Body::Stream {
                body: body.into(),
                length,
            },
            file_name,
        }
    }

    /// The file at `path`, read from disk as it is sent (never held whole in memory).
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let file = tokio::fs::File::open(path).await?;
        let metadata = file.metadata().await?;
        if !metadata.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a regular file", path.display()),
            ));
        }
        let stream = tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned());
        Ok(Self::from_body(
            reqwest::Body::wrap_stream(stream),
            Some(metadata.len()),
            name,
        ))
    }

    /// Overrides the file name announced in the form.
    #[must_use]
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = file_name.into();
        self
    }

    /// Overrides the media type guessed from the file name.
    #[must_use]
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// The size in bytes, when known.
    pub fn len(&self) -> Option<u64> {
        match &self.body {
            Body::Bytes(bytes) => Some(bytes.len() as u64),
            Body::Stream { length, .. } => *length,
        }
    }

    /// True for zero bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The form part.
    pub fn into_part(self) -> Part {
        let part = match self.body {
            Body::Bytes(bytes) => {
                let len = bytes.len() as u64;
                Part::stream_with_length(reqwest::Body::from(bytes), len)
            }
            Body::Stream {
                body,
                length: Some(length),
            } => Part::stream_with_length(body, length),
            Body::Stream { body, length: None } => Part::stream(body),
        }
        .file_name(self.file_name);
        // `mime_str` consumes the part; a media type it cannot parse is dropped rather than
        // losing the file, so it is tried on an empty part first.
        match self.content_type {
            Some(media_type) if Part::bytes(Vec::new()).mime_str(&media_type).is_ok() => part
                .mime_str(&media_type)
                .unwrap_or_else(|_| Part::bytes(Vec::new())),
            _ => part,
        }
    }
}

/// The media type for the file extensions api.video takes.
fn guess_content_type(file_name: &str) -> Option<String> {
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    let media_type = match extension.as_str() {
        "vtt" => "text/vtt",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        _ => "application/octet-stream",
    };
    Some(media_type.to_owned())
}

impl Client {
    /// Sends a multipart request for `op` through the hooks and decodes its answer.
    async fn send_multipart<T: DeserializeOwned>(
        &self,
        op: &'static Operation,
        path: String,
        form: Form,
        query: &[(&str, &str)],
        content_range: Option<&str>,
    ) -> Result<ResponseValue<T>, Error<()>> {
        let url = format!("{}{path}", self.baseurl);
        let mut builder = self
            .client
            .post(url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(
                HeaderName::from_static("api-version"),
                HeaderValue::from_static(<Client as ClientInfo<crate::Context>>::api_version()),
            )
            .multipart(form);
        if !query.is_empty() {
            builder = builder.query(query);
        }
        if let Some(range) = content_range {
            builder = builder.header(
                HeaderName::from_static("content-range"),
                HeaderValue::from_str(range)?,
            );
        }
        let mut request = builder.build()?;
        let info = OperationInfo {
            operation_id: op.id,
        };
        self.pre(&mut request, &info).await?;
        let result = self.exec(request, &info).await;
        self.post(&result, &info).await?;
        let response = result?;
        if op.success.contains(&response.status().as_u16()) {
            ResponseValue::from_response(response).await
        } else {
            Err(Error::UnexpectedResponse(response))
        }
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
    ) -> Result<ResponseValue<models::Video>, Error<()>> {
        let path = format!("/videos/{}/source", encode_path(video_id));
        self.send_multipart(
            &operations::POST_VIDEOS_VIDEO_ID_SOURCE,
            path,
            body.into_form(),
            &[],
            content_range,
        )
        .await
    }

    /// Uploads a video with an upload token (`POST /upload?token=...`); needs no API key.
    ///
    /// For every chunk after the first, set `videoId` in `body` to the id the first
    /// answer returned, or each chunk creates a new video. `content_range` is
    /// `bytes <from>-<to>/<total>`.
    pub async fn post_upload(
        &self,
        token: &str,
        content_range: Option<&str>,
        body: models::TokenUploadPayload,
    ) -> Result<ResponseValue<models::Video>, Error<()>> {
        self.send_multipart(
            &operations::POST_UPLOAD,
            "/upload".to_owned(),
            body.into_form(),
            &[("token", token)],
            content_range,
        )
        .await
    }

    /// Uploads a watermark image (`POST /watermarks`).
    pub async fn post_watermark(
        &self,
        body: models::WatermarkUploadPayload,
    ) -> Result<ResponseValue<models::Watermark>, Error<()>> {
        self.send_multipart(
            &operations::POST_WATERMARK,
            "/watermarks".to_owned(),
            body.into_form(),
            &[],
            None,
        )
        .await
    }

    /// Uploads a video's thumbnail image (`POST /videos/{videoId}/thumbnail`).
    pub async fn post_videos_video_id_thumbnail(
        &self,
        video_id: &str,
        body: models::VideoThumbnailUploadPayload,
    ) -> Result<ResponseValue<models::Video>, Error<()>> {
        let path = format!("/videos/{}/thumbnail", encode_path(video_id));
        self.send_multipart(
            &operations::POST_VIDEOS_VIDEO_ID_THUMBNAIL,
            path,
            body.into_form(),
            &[],
            None,
        )
        .await
    }

    /// Uploads a WebVTT caption file for a language
    /// (`POST /videos/{videoId}/captions/{language}`).
    pub async fn post_videos_video_id_captions_language(
        &self,
        video_id: &str,
        language: &str,
        body: models::CaptionsUploadPayload,
    ) -> Result<ResponseValue<models::Caption>, Error<()>> {
        let path = format!(
            "/videos/{}/captions/{}",
            encode_path(video_id),
            encode_path(language)
        );
        self.send_multipart(
            &operations::POST_VIDEOS_VIDEO_ID_CAPTIONS_LANGUAGE,
            path,
            body.into_form(),
            &[],
            None,
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
    ) -> Result<ResponseValue<models::Chapter>, Error<()>> {
        let path = format!(
            "/videos/{}/chapters/{}",
            encode_path(video_id),
            encode_path(language)
        );
        self.send_multipart(
            &operations::POST_VIDEOS_VIDEO_ID_CHAPTERS_LANGUAGE,
            path,
            body.into_form(),
            &[],
            None,
        )
        .await
    }

    /// Uploads a player theme's logo, with the link it opens (`POST /players/{playerId}/logo`).
    pub async fn post_players_player_id_logo(
        &self,
        player_id: &str,
        body: models::PlayerThemeUploadLogoPayload,
    ) -> Result<ResponseValue<models::PlayerTheme>, Error<()>> {
        let path = format!("/players/{}/logo", encode_path(player_id));
        self.send_multipart(
            &operations::POST_PLAYERS_PLAYER_ID_LOGO,
            path,
            body.into_form(),
            &[],
            None,
        )
        .await
    }

    /// Uploads a live stream's thumbnail image
    /// (`POST /live-streams/{liveStreamId}/thumbnail`).
    pub async fn post_live_streams_live_stream_id_thumbnail(
        &self,
        live_stream_id: &str,
        body: models::LiveStreamThumbnailUploadPayload,
    ) -> Result<ResponseValue<models::LiveStream>, Error<()>> {
        let path = format!("/live-streams/{}/thumbnail", encode_path(live_stream_id));
        self.send_multipart(
            &operations::POST_LIVE_STREAMS_LIVE_STREAM_ID_THUMBNAIL,
            path,
            body.into_form(),
            &[],
            None,
        )
        .await
    }
}
