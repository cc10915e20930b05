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
use crate::error::{Error, Result};
use crate::pagination::{ListRequest, list_operation};
use crate::upload::Source;

resource! {
    /// Videos. Uploads are under [`upload`](Videos::upload) and friends.
    Videos
}

list_operation!(
    /// `GET /videos`.
    VideosList, ListVideos, list_videos, VideosListResponse, Video,
    state = MetadataQuery, |builder, metadata| if metadata.0.is_empty() {
        builder
    } else {
        builder.metadata(metadata.clone())
    }
);

list_operation!(
    /// `GET /discarded/videos`.
    DiscardedVideosList, ListDiscardedVideos, list_discarded_videos, VideosListResponse, Video,
    state = MetadataQuery, |builder, metadata| if metadata.0.is_empty() {
        builder
    } else {
        builder.metadata(metadata.clone())
    }
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
                let title = title.into();
                self.set(move |b| b.title(title.clone()))
            }

            /// Videos with all of these tags.
            pub fn tags<T: Into<String>>(self, tags: impl IntoIterator<Item = T>) -> Self {
                let tags: Vec<String> = tags.into_iter().map(Into::into).collect();
                self.set(move |b| b.tags(tags.clone()))
            }

            /// Videos with this one tag.
            pub fn tag(self, tag: impl Into<String>) -> Self {
                self.tags([tag.into()])
            }

            /// Videos whose metadata has `key` set to `value`; call again for more pairs
            /// (sent as `metadata[key]=value`).
            pub fn metadata(self, key: impl Into<String>, value: impl Into<String>) -> Self {
                let (key, value) = (key.into(), value.into());
                self.update(move |metadata| {
                    metadata.0.insert(key, value);
                })
            }

            /// Videos whose description contains `description`.
            pub fn description(self, description: impl Into<String>) -> Self {
                let description = description.into();
                self.set(move |b| b.description(description.clone()))
            }

            /// Videos recorded from this live stream.
            pub fn live_stream_id(self, live_stream_id: impl Into<String>) -> Self {
                let live_stream_id = live_stream_id.into();
                self.set(move |b| b.live_stream_id(live_stream_id.clone()))
            }

            /// The field to sort by.
            pub fn sort_by(self, field: $sort) -> Self {
                self.set(move |b| b.sort_by(field))
            }

            /// The sort direction.
            pub fn sort_order(self, order: SortOrder) -> Self {
                self.set(move |b| b.sort_order(order.as_str()))
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
    pub async fn create(&self, payload: VideoCreationPayload) -> Result<Video> {
        if payload.title.trim().is_empty() {
            return Err(Error::invalid("payload.title", "must not be empty"));
        }
        self.client
            .call(|api| async move { api.post_video().body(payload).send().await })
            .await
    }

    /// One video.
    pub async fn get(&self, video_id: &str) -> Result<Video> {
        let video_id = id("video_id", video_id)?;
        self.client
            .call(|api| async move { api.get_video().video_id(video_id).send().await })
            .await
    }

    /// Changes a video: fields left unset keep their value; see [`VideoUpdatePayload`]
    /// for sending `null` and for replacing lists.
    pub async fn update(&self, video_id: &str, payload: VideoUpdatePayload) -> Result<Video> {
        let video_id = id("video_id", video_id)?;
        self.client
            .call(|api| async move {
                api.patch_video()
                    .video_id(video_id)
                    .body(payload)
                    .send()
                    .await
            })
            .await
    }

    /// Deletes a video (or discards it, when the project keeps deleted videos).
    pub async fn delete(&self, video_id: &str) -> Result<()> {
        let video_id = id("video_id", video_id)?;
        self.client
            .call(|api| async move { api.delete_video().video_id(video_id).send().await })
            .await
    }

    /// Lists videos, newest first by default; filter, sort, then `.await` a page or
    /// [`stream`](ListRequest::stream) them all.
    pub fn list(&self) -> ListVideos {
        ListRequest::new(self.client.clone())
    }

    /// Upload and encoding progress.
    pub async fn status(&self, video_id: &str) -> Result<VideoStatus> {
        let video_id = id("video_id", video_id)?;
        self.client
            .call(|api| async move { api.get_video_status().video_id(video_id).send().await })
            .await
    }

    /// Uses the frame at `timecode` (`hh:mm:ss` or `hh:mm:ss.cc`) as the thumbnail.
    pub async fn pick_thumbnail(&self, video_id: &str, timecode: &str) -> Result<Video> {
        let video_id = id("video_id", video_id)?;
        if !is_timecode(timecode) {
            return Err(Error::invalid(
                "timecode",
                format!("{timecode:?} is not hh:mm:ss or hh:mm:ss.cc"),
            ));
        }
        let body = VideoThumbnailPickPayload::new(timecode);
        self.client
            .call(|api| async move {
                api.patch_videos_video_id_thumbnail()
                    .video_id(video_id)
                    .body(body)
                    .send()
                    .await
            })
            .await
    }

    /// Uploads an image (JPEG or PNG) as the thumbnail.
    pub async fn upload_thumbnail(
        &self,
        video_id: &str,
        image: impl Into<Source>,
    ) -> Result<Video> {
        let video_id = id("video_id", video_id)?;
        crate::upload::send_file(&self.client, image.into(), "thumbnail.jpg", true, |file| {
            let video_id = &video_id;
            self.client.call(move |api| async move {
                let body = VideoThumbnailUploadPayload::new(file);
                api.post_videos_video_id_thumbnail(video_id, body).await
            })
        })
        .await
    }

    /// Lists discarded videos (deleted, kept for a while by Video Restore).
    pub fn list_discarded(&self) -> ListDiscardedVideos {
        ListRequest::new(self.client.clone())
    }

    /// One discarded video.
    pub async fn get_discarded(&self, video_id: &str) -> Result<Video> {
        let video_id = id("video_id", video_id)?;
        self.client
            .call(|api| async move { api.get_discarded_video().video_id(video_id).send().await })
            .await
    }

    /// Changes a discarded video; `discarded: false` restores it.
    pub async fn update_discarded(
        &self,
        video_id: &str,
        payload: DiscardedVideoUpdatePayload,
    ) -> Result<Video> {
        let video_id = id("video_id", video_id)?;
        self.client
            .call(|api| async move {
                api.patch_discarded_video()
                    .video_id(video_id)
                    .body(payload)
                    .send()
                    .await
            })
            .await
    }

    /// Restores a discarded video.
    pub async fn restore(&self, video_id: &str) -> Result<Video> {
        self.update_discarded(
            video_id,
            DiscardedVideoUpdatePayload::new().discarded(false),
        )
        .await
    }

    /// Waits until the video can be played (or encoding failed), polling its status with
    /// backoff. `.await` it; see [`WaitUntilPlayable`] for the timeout.
    pub fn wait_until_playable(&self, video_id: &str) -> WaitUntilPlayable {
        WaitUntilPlayable {
            videos: self.clone(),
            video_id: video_id.to_owned(),
            timeout: Duration::from_secs(30 * 60),
            first_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(10),
        }
    }
}

fn is_timecode(value: &str) -> bool {
    let bytes = value.as_bytes();
    let two_digits = |at: usize| {
        bytes
            .get(at..at + 2)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let base = bytes.len() >= 8
        && two_digits(0)
        && bytes[2] == b':'
        && two_digits(3)
        && bytes[5] == b':'
        && two_digits(6);
    match bytes.len() {
        8 => base,
        11 => base && bytes[8] == b'.' && two_digits(9),
        _ => false,
    }
}

/// Waits for a video to become playable; created by [`Videos::wait_until_playable`].
#[must_use = "does nothing until awaited"]
#[derive(Debug)]
pub struct WaitUntilPlayable {
    videos: Videos,
    video_id: String,
    timeout: Duration,
    first_interval: Duration,
    max_interval: Duration,
}

impl WaitUntilPlayable {
    /// Gives up after this long with [`Error::Timeout`] (default 30 minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
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
        let deadline = tokio::time::Instant::now() + self.timeout;
        let mut interval = self.first_interval.max(Duration::from_millis(1));
        loop {
            // A poll that hangs must not outlast the deadline either.
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            let status =
                match tokio::time::timeout(remaining, self.videos.status(&self.video_id)).await {
                    Ok(status) => status?,
                    Err(_) => {
                        return Err(Error::Timeout {
                            video_id: self.video_id,
                            waited: started.elapsed(),
                        });
                    }
                };
            let encoding = status.encoding.as_ref();
            if encoding.and_then(|e| e.playable) == Some(true) {
                return Ok(status);
            }
            let failed = encoding.is_some_and(|e| {
                !e.qualities.is_empty()
                    && e.qualities
                        .iter()
                        .all(|q| q.status.as_ref().is_some_and(|s| s.as_str() == "failed"))
            });
            if failed {
                return Err(Error::EncodingFailed {
                    video_id: self.video_id,
                });
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(Error::Timeout {
                    video_id: self.video_id,
                    waited: started.elapsed(),
                });
            }
            tracing::debug!(video_id = %self.video_id, wait_ms = interval.as_millis() as u64, "video not playable yet");
            tokio::time::sleep(interval.min(deadline - now)).await;
            interval = interval.mul_f64(1.5).min(self.max_interval.max(interval));
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
