//! `client.videos()`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use apivideo_api::models::{
    DiscardedVideoUpdatePayload, MetadataQuery, Video, VideoCreationPayload, VideoStatus,
    VideoThumbnailPickPayload, VideoThumbnailUploadPayload, VideoUpdatePayload, VideosListResponse,
};
use apivideo_api::types::{ListDiscardedVideosSortBy, ListVideosSortBy};

use super::{SortOrder, id, resource};
use crate::call::Call;
use crate::error::{Error, Result};
use crate::pagination::{ListRequest, list_operation};
use crate::upload::{ProgressiveUpload, Resume, Source, Target, Upload};

resource! {
    /// Videos, and uploads of their sources: [`upload`](Videos::upload),
    /// [`create_and_upload`](Videos::create_and_upload), [`resume`](Videos::resume),
    /// [`resume_from_status`](Videos::resume_from_status) and
    /// [`progressive_upload`](Videos::progressive_upload). Uploads with an upload token are
    /// on [`UploadTokens`](crate::resources::UploadTokens).
    Videos
}

list_operation!(
    /// `GET /videos`.
    VideosList, ListVideosParams, VideosListResponse, Video
);

list_operation!(
    /// `GET /discarded/videos`.
    DiscardedVideosList, ListDiscardedVideosParams, VideosListResponse, Video
);

/// Lists videos; see [`Videos::list`].
pub type ListVideos = ListRequest<VideosList>;
/// Lists discarded videos; see [`Videos::list_discarded`].
pub type ListDiscardedVideos = ListRequest<DiscardedVideosList>;

/// The filters both video lists share.
macro_rules! video_filters {
    ($list:ty, $sort:ty) => {
        impl $list {
            /// Videos whose title contains `title`.
            pub fn title(self, title: impl Into<String>) -> Self {
                self.set(|p| p.title = Some(title.into()))
            }

            /// Videos with all of these tags.
            pub fn tags<T: Into<String>>(self, tags: impl IntoIterator<Item = T>) -> Self {
                self.set(|p| p.tags = tags.into_iter().map(Into::into).collect())
            }

            /// Videos with this one tag.
            pub fn tag(self, tag: impl Into<String>) -> Self {
                self.tags([tag.into()])
            }

            /// Videos whose metadata has `key` set to `value`; call again for more pairs
            /// (sent as `metadata[key]=value`).
            pub fn metadata(self, key: impl Into<String>, value: impl Into<String>) -> Self {
                self.set(|p| {
                    let metadata = p.metadata.get_or_insert_with(MetadataQuery::default);
                    metadata.0.insert(key.into(), value.into());
                })
            }

            /// Videos whose description contains `description`.
            pub fn description(self, description: impl Into<String>) -> Self {
                self.set(|p| p.description = Some(description.into()))
            }

            /// Videos recorded from this live stream.
            pub fn live_stream_id(self, live_stream_id: impl Into<String>) -> Self {
                self.set(|p| p.live_stream_id = Some(live_stream_id.into()))
            }

            /// The field to sort by.
            pub fn sort_by(self, field: $sort) -> Self {
                self.set(|p| p.sort_by = Some(field))
            }

            /// The sort direction.
            pub fn sort_order(self, order: SortOrder) -> Self {
                self.set(|p| p.sort_order = Some(order.into_param()))
            }
        }
    };
}

video_filters!(ListVideos, ListVideosSortBy);
video_filters!(ListDiscardedVideos, ListDiscardedVideosSortBy);

impl Videos {
    /// Creates a video object (then upload its source, or give a URL in `source`).
    ///
    /// ```
    /// use apivideo::models::VideoCreationPayload;
    /// # async fn run(client: apivideo::Client) -> apivideo::Result<()> {
    /// let video = client
    ///     .videos()
    ///     .create(VideoCreationPayload::new("Keynote").tags(["event"]).public(false))
    ///     .await?;
    /// # Ok(()) }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> apivideo::Result<()> {
    /// #     let sim = apivideo_simulator::Simulator::start().await;
    /// #     let client = apivideo::Client::builder().api_key(sim.api_key()).base_url(sim.base_url());
    /// #     run(client.build()?).await
    /// # }
    /// ```
    pub fn create(&self, payload: VideoCreationPayload) -> Call<Video> {
        self.client.request(|client| async move {
            if payload.title.trim().is_empty() {
                return Err(Error::invalid("payload.title", "must not be empty"));
            }
            client
                .call_full(|api| api.post_video().body(payload).send())
                .await
        })
    }

    /// One video.
    ///
    /// Like every single-request method, it returns a [`Call`]: `.await` it for the
    /// video, or `.with_metadata().await` for the video and the answer's status, headers,
    /// rate limit and request id.
    ///
    /// ```no_run
    /// # async fn run(client: apivideo::Client) -> apivideo::Result<()> {
    /// let response = client.videos().get("vi4blUQJFrYWbaG44NChkH27").with_metadata().await?;
    /// if response.rate_limit().remaining == Some(0) {
    ///     eprintln!("slow down: {:?}", response.rate_limit().retry_after);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get(&self, video_id: &str) -> Call<Video> {
        let video_id = id("video_id", video_id);
        self.client.request(|client| async move {
            let video_id = video_id?;
            client
                .call_full(|api| api.get_video().video_id(video_id).send())
                .await
        })
    }

    /// Changes a video: fields left unset keep their value; see [`VideoUpdatePayload`]
    /// for sending `null` and for replacing lists.
    pub fn update(&self, video_id: &str, payload: VideoUpdatePayload) -> Call<Video> {
        let video_id = id("video_id", video_id);
        self.client.request(|client| async move {
            let video_id = video_id?;
            client
                .call_full(|api| api.patch_video().video_id(video_id).body(payload).send())
                .await
        })
    }

    /// Deletes a video (or discards it, when the project keeps deleted videos).
    pub fn delete(&self, video_id: &str) -> Call<()> {
        let video_id = id("video_id", video_id);
        self.client.request(|client| async move {
            let video_id = video_id?;
            client
                .call_full(|api| api.delete_video().video_id(video_id).send())
                .await
        })
    }

    /// Lists videos: filter, sort, then `.await` a page or
    /// [`stream`](ListRequest::stream) them all. api.video documents no default order:
    /// set [`sort_by`](ListVideos::sort_by) and [`sort_order`](ListVideos::sort_order)
    /// when the order matters.
    pub fn list(&self) -> ListVideos {
        ListRequest::new(self.client.clone())
    }

    /// Upload and encoding progress.
    pub fn status(&self, video_id: &str) -> Call<VideoStatus> {
        let video_id = id("video_id", video_id);
        self.client.request(|client| async move {
            let video_id = video_id?;
            client
                .call_full(|api| api.get_video_status().video_id(video_id).send())
                .await
        })
    }

    /// Uses the frame at `timecode` (`hh:mm:ss` or `hh:mm:ss.cc`) as the thumbnail.
    pub fn pick_thumbnail(&self, video_id: &str, timecode: &str) -> Call<Video> {
        let video_id = id("video_id", video_id);
        let timecode = timecode.to_owned();
        self.client.request(|client| async move {
            let video_id = video_id?;
            if !is_timecode(&timecode) {
                return Err(Error::invalid(
                    "timecode",
                    format!("{timecode:?} is not hh:mm:ss or hh:mm:ss.cc"),
                ));
            }
            let body = VideoThumbnailPickPayload::new(timecode);
            client
                .call_full(|api| {
                    api.patch_videos_video_id_thumbnail()
                        .video_id(video_id)
                        .body(body)
                        .send()
                })
                .await
        })
    }

    /// Uploads an image (JPEG, PNG or WebP) as the thumbnail; its media type is read from
    /// its first bytes, whatever its file name.
    pub fn upload_thumbnail(&self, video_id: &str, image: impl Into<Source>) -> Call<Video> {
        let video_id = id("video_id", video_id);
        let image = image.into();
        self.client.request(|client| async move {
            let video_id = video_id?;
            crate::upload::send_file(image, "thumbnail.jpg", |file| {
                client.call_full(|api| {
                    let body = VideoThumbnailUploadPayload::new(file);
                    api.post_videos_video_id_thumbnail(&video_id, body)
                })
            })
            .await
        })
    }

    /// Lists discarded videos (deleted, kept for a while by Video Restore).
    pub fn list_discarded(&self) -> ListDiscardedVideos {
        ListRequest::new(self.client.clone())
    }

    /// One discarded video.
    pub fn get_discarded(&self, video_id: &str) -> Call<Video> {
        let video_id = id("video_id", video_id);
        self.client.request(|client| async move {
            let video_id = video_id?;
            client
                .call_full(|api| api.get_discarded_video().video_id(video_id).send())
                .await
        })
    }

    /// Changes a discarded video; `discarded: false` restores it.
    pub fn update_discarded(
        &self,
        video_id: &str,
        payload: DiscardedVideoUpdatePayload,
    ) -> Call<Video> {
        let video_id = id("video_id", video_id);
        self.client.request(|client| async move {
            let video_id = video_id?;
            client
                .call_full(|api| {
                    api.patch_discarded_video()
                        .video_id(video_id)
                        .body(payload)
                        .send()
                })
                .await
        })
    }

    /// Restores a discarded video.
    pub fn restore(&self, video_id: &str) -> Call<Video> {
        self.update_discarded(
            video_id,
            DiscardedVideoUpdatePayload::new().discarded(false),
        )
    }

    /// Uploads the source of an existing video; `.await` the returned [`Upload`] for
    /// the video as it is once the upload completed. See [`crate::upload`] for how.
    pub fn upload(&self, video_id: &str, source: impl Into<Source>) -> Upload {
        Upload::to_video(self.client.clone(), video_id, source.into())
    }

    /// Creates a video, then uploads its source (the source is checked first, so bad
    /// input creates nothing). `source` is a path (`&Path`, `&PathBuf`, `PathBuf`, or
    /// [`Source::path`] for a string), bytes, an open file or a reader: see [`Source`].
    pub fn create_and_upload(
        &self,
        payload: VideoCreationPayload,
        source: impl Into<Source>,
    ) -> Upload {
        Upload::create(self.client.clone(), payload, source.into())
    }

    /// Carries on an interrupted upload from what its
    /// [`UploadError`](crate::upload::UploadError) confirmed: only the other chunks are
    /// sent.
    pub fn resume(&self, resume: Resume, source: impl Into<Source>) -> Upload {
        Upload::resume(self.client.clone(), resume, source.into())
    }

    /// Carries on an upload from what the server says it received
    /// (`GET /videos/{videoId}/status`, `ingest.receivedBytes`), when no
    /// [`Resume`] was kept; use the chunk size of the interrupted upload.
    pub fn resume_from_status(&self, video_id: &str, source: impl Into<Source>) -> Upload {
        Upload::from_status(self.client.clone(), video_id, source.into())
    }

    /// Starts a progressive upload to an existing video, part by part.
    pub fn progressive_upload(&self, video_id: &str) -> ProgressiveUpload {
        ProgressiveUpload::new(self.client.clone(), Target::Video(video_id.to_owned()))
    }

    /// Waits until the video can be played, polling its status with backoff, and fails
    /// fast when it never will be: the ingest or every quality failed, or encoding never
    /// started. `.await` it for the playable status; see [`WaitUntilPlayable`] for the
    /// bounds.
    ///
    /// The [`Video`] an upload returns already carries its `assets` (`player`, `hls`,
    /// `iframe`, `thumbnail`, `mp4`): api.video gives them when the video is created,
    /// before any encoding, so they are valid links but serve nothing until the video is
    /// playable, which is what this waits for.
    pub fn wait_until_playable(&self, video_id: &str) -> WaitUntilPlayable {
        WaitUntilPlayable {
            videos: self.clone(),
            video_id: video_id.to_owned(),
            timeout: Duration::from_secs(30 * 60),
            start_timeout: Duration::from_secs(5 * 60),
            first_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(10),
        }
    }
}

/// `HH:MM:SS` or `HH:MM:SS.FF`.
fn is_timecode(value: &str) -> bool {
    let digits = |ds: &[&u8]| ds.iter().all(|d| d.is_ascii_digit());
    match value.as_bytes() {
        [h1, h2, b':', m1, m2, b':', s1, s2] => digits(&[h1, h2, m1, m2, s1, s2]),
        [h1, h2, b':', m1, m2, b':', s1, s2, b'.', f1, f2] => {
            digits(&[h1, h2, m1, m2, s1, s2, f1, f2])
        }
        _ => false,
    }
}

/// Waits for a video to become playable; created by [`Videos::wait_until_playable`].
///
/// It ends with:
/// - the status, once it says `playable: true`;
/// - [`Error::IngestFailed`] as soon as the status says the ingest failed;
/// - [`Error::EncodingFailed`] as soon as every quality the status lists failed;
/// - [`Error::EncodingNotStarted`] when the status lists no quality for
///   [`start_timeout`](Self::start_timeout) while nothing of the ingest changes (a source
///   that is incomplete or missing never starts encoding; an import from a URL, while the
///   status says `ingesting`, is not cut by this);
/// - [`Error::WaitTimeout`] after [`timeout`](Self::timeout) in any case;
/// - the error of a status request that failed.
///
/// ```no_run
/// # use std::time::Duration;
/// # async fn run(client: apivideo::Client) -> apivideo::Result<()> {
/// match client
///     .videos()
///     .wait_until_playable("vi4blUQJFrYWbaG44NChkH27")
///     .timeout(Duration::from_secs(600))
///     .await
/// {
///     Ok(_) => println!("ready"),
///     Err(apivideo::Error::EncodingFailed { .. } | apivideo::Error::IngestFailed { .. }) => {
///         println!("api.video could not process this file")
///     }
///     Err(error) => return Err(error),
/// }
/// # Ok(()) }
/// ```
#[must_use = "does nothing until awaited"]
#[derive(Debug)]
pub struct WaitUntilPlayable {
    videos: Videos,
    video_id: String,
    timeout: Duration,
    start_timeout: Duration,
    first_interval: Duration,
    max_interval: Duration,
}

impl WaitUntilPlayable {
    /// Gives up after this long with [`Error::WaitTimeout`] (default 30 minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long the status may list no quality while nothing of the ingest changes,
    /// before the wait fails with [`Error::EncodingNotStarted`] (default 5 minutes; an
    /// upload that completed starts encoding within seconds). Progress of the ingest
    /// (bytes received, a new ingest status) starts the count again, so an upload still
    /// under way elsewhere is waited for.
    pub fn start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = timeout;
        self
    }

    /// The first wait between two polls (default 500 ms); it grows 1.5× up to
    /// [`max_interval`](Self::max_interval).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.first_interval = interval;
        self
    }

    /// The longest wait between two polls (default 10 s).
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    async fn run(self) -> Result<VideoStatus> {
        let started = Instant::now();
        // `None`: a timeout too long to add to the clock (`Duration::MAX`), which never
        // runs out.
        let deadline = tokio::time::Instant::now().checked_add(self.timeout);
        let left = |now: tokio::time::Instant| {
            deadline.map_or(Duration::MAX, |deadline| {
                deadline.saturating_duration_since(now)
            })
        };
        let mut interval = self.first_interval.max(Duration::from_millis(1));
        // The ingest as last seen, and since when the status has shown no progress.
        let mut last_ingest = None;
        let mut quiet_since = tokio::time::Instant::now();
        loop {
            // A poll that hangs must not outlast the deadline either.
            let remaining = left(tokio::time::Instant::now());
            let status =
                match tokio::time::timeout(remaining, self.videos.status(&self.video_id)).await {
                    Ok(status) => status?,
                    Err(_) => {
                        return Err(Error::WaitTimeout {
                            video_id: self.video_id,
                            waited: started.elapsed(),
                        });
                    }
                };
            let encoding = status.encoding.as_ref();
            if encoding.and_then(|e| e.playable) == Some(true) {
                return Ok(status);
            }
            let ingest_status = status
                .ingest
                .as_ref()
                .and_then(|i| i.status.as_ref())
                .map(|s| s.as_str().to_owned());
            if let Some(failed) = ingest_status
                .as_ref()
                .filter(|s| s.to_ascii_lowercase().contains("fail"))
            {
                return Err(Error::IngestFailed {
                    video_id: self.video_id,
                    status: failed.clone(),
                });
            }
            let qualities = encoding.map(|e| e.qualities.as_slice()).unwrap_or_default();
            let failed = !qualities.is_empty()
                && qualities
                    .iter()
                    .all(|q| q.status.as_ref().is_some_and(|s| s.as_str() == "failed"));
            if failed {
                return Err(Error::EncodingFailed {
                    video_id: self.video_id,
                });
            }
            let now = tokio::time::Instant::now();
            let importing = ingest_status.as_deref() == Some("ingesting");
            if !qualities.is_empty() || importing || status.ingest != last_ingest {
                quiet_since = now;
                last_ingest = status.ingest.clone();
            } else if now.duration_since(quiet_since) >= self.start_timeout {
                return Err(Error::EncodingNotStarted {
                    video_id: self.video_id,
                    waited: started.elapsed(),
                    ingest: ingest_status,
                });
            }
            if left(now).is_zero() {
                return Err(Error::WaitTimeout {
                    video_id: self.video_id,
                    waited: started.elapsed(),
                });
            }
            tracing::debug!(video_id = %self.video_id, wait_ms = interval.as_millis() as u64, "video not playable yet");
            tokio::time::sleep(interval.min(left(now))).await;
            // 1.5×, saturating: `mul_f64` (which computes this) panics past `Duration::MAX`,
            // which a long enough wait under a huge `max_interval` would reach.
            interval = Duration::try_from_secs_f64(interval.as_secs_f64() * 1.5)
                .unwrap_or(Duration::MAX)
                .min(self.max_interval.max(interval));
        }
    }
}

impl IntoFuture for WaitUntilPlayable {
    type Output = Result<VideoStatus>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

#[cfg(test)]
mod tests {
    use super::is_timecode;

    #[test]
    fn timecodes_follow_the_spec_pattern() {
        assert!(is_timecode("00:01:02"));
        assert!(is_timecode("10:00:59.25"));
        assert!(!is_timecode("0:01:02"));
        assert!(!is_timecode("00:01:02.5"));
        assert!(!is_timecode("00-01-02"));
        assert!(!is_timecode(""));
    }
}
