//! `client.live_streams()`.

use apivideo_api::models::{
    LiveStream, LiveStreamCreationPayload, LiveStreamListResponse,
    LiveStreamThumbnailUploadPayload, LiveStreamUpdatePayload,
};
use apivideo_api::types::GetLiveStreamsSortBy;

use super::{SortOrder, id, resource};
use crate::call::Call;
use crate::error::Error;
use crate::pagination::{ListRequest, list_operation};
use crate::upload::Source;

resource! {
    /// Live streams.
    LiveStreams
}

list_operation!(
    /// `GET /live-streams`.
    LiveStreamsList, GetLiveStreamsParams, LiveStreamListResponse, LiveStream
);

/// Lists live streams; see [`LiveStreams::list`].
pub type ListLiveStreams = ListRequest<LiveStreamsList>;

impl ListLiveStreams {
    /// The live stream with this stream key.
    pub fn stream_key(self, key: impl Into<String>) -> Self {
        self.set(|p| p.stream_key = Some(key.into()))
    }

    /// Live streams with this name.
    pub fn name(self, name: impl Into<String>) -> Self {
        self.set(|p| p.name = Some(name.into()))
    }

    /// The field to sort by.
    pub fn sort_by(self, field: GetLiveStreamsSortBy) -> Self {
        self.set(|p| p.sort_by = Some(field))
    }

    /// The sort direction.
    pub fn sort_order(self, order: SortOrder) -> Self {
        self.set(|p| p.sort_order = Some(order.into_param()))
    }
}

const MAX_RESTREAMS: usize = 5;

impl LiveStreams {
    /// Creates a live stream.
    pub fn create(&self, payload: LiveStreamCreationPayload) -> Call<LiveStream> {
        self.client.request(|client| async move {
            if payload.name.trim().is_empty() {
                return Err(Error::invalid("payload.name", "must not be empty"));
            }
            if payload
                .restreams
                .as_ref()
                .is_some_and(|r| r.len() > MAX_RESTREAMS)
            {
                return Err(Error::invalid(
                    "payload.restreams",
                    "at most 5 restream targets",
                ));
            }
            client
                .call_full(|api| async move { api.post_live_streams().body(payload).send().await })
                .await
        })
    }

    /// Lists live streams.
    pub fn list(&self) -> ListLiveStreams {
        ListRequest::new(self.client.clone())
    }

    /// One live stream.
    pub fn get(&self, live_stream_id: &str) -> Call<LiveStream> {
        let live_stream_id = id("live_stream_id", live_stream_id);
        self.client.request(|client| async move {
            let live_stream_id = live_stream_id?;
            client
                .call_full(|api| async move {
                    api.get_live_streams_live_stream_id()
                        .live_stream_id(live_stream_id)
                        .send()
                        .await
                })
                .await
        })
    }

    /// Changes a live stream; `restreams`, when set, replaces the whole list.
    pub fn update(
        &self,
        live_stream_id: &str,
        payload: LiveStreamUpdatePayload,
    ) -> Call<LiveStream> {
        let live_stream_id = id("live_stream_id", live_stream_id);
        self.client.request(|client| async move {
            let live_stream_id = live_stream_id?;
            if payload
                .restreams
                .as_ref()
                .is_some_and(|r| r.len() > MAX_RESTREAMS)
            {
                return Err(Error::invalid(
                    "payload.restreams",
                    "at most 5 restream targets",
                ));
            }
            client
                .call_full(|api| async move {
                    api.patch_live_streams_live_stream_id()
                        .live_stream_id(live_stream_id)
                        .body(payload)
                        .send()
                        .await
                })
                .await
        })
    }

    /// Deletes a live stream.
    pub fn delete(&self, live_stream_id: &str) -> Call<()> {
        let live_stream_id = id("live_stream_id", live_stream_id);
        self.client.request(|client| async move {
            let live_stream_id = live_stream_id?;
            client
                .call_full(|api| async move {
                    api.delete_live_streams_live_stream_id()
                        .live_stream_id(live_stream_id)
                        .send()
                        .await
                })
                .await
        })
    }

    /// Uploads an image (JPEG, PNG or WebP) as the live stream's thumbnail; its media type
    /// is read from its first bytes, whatever its file name.
    pub fn upload_thumbnail(
        &self,
        live_stream_id: &str,
        image: impl Into<Source>,
    ) -> Call<LiveStream> {
        let live_stream_id = id("live_stream_id", live_stream_id);
        let image = image.into();
        self.client.request(|client| async move {
            let live_stream_id = live_stream_id?;
            crate::upload::send_file(image, "thumbnail.jpg", |file| {
                let live_stream_id = &live_stream_id;
                client.call_full(move |api| async move {
                    let body = LiveStreamThumbnailUploadPayload::new(file);
                    api.post_live_streams_live_stream_id_thumbnail(live_stream_id, body)
                        .await
                })
            })
            .await
        })
    }

    /// Removes the live stream's thumbnail.
    pub fn delete_thumbnail(&self, live_stream_id: &str) -> Call<LiveStream> {
        let live_stream_id = id("live_stream_id", live_stream_id);
        self.client.request(|client| async move {
            let live_stream_id = live_stream_id?;
            client
                .call_full(|api| async move {
                    api.delete_live_streams_live_stream_id_thumbnail()
                        .live_stream_id(live_stream_id)
                        .send()
                        .await
                })
                .await
        })
    }

    /// Ends the broadcast now: the recording is finalized without waiting for the encoder
    /// to disconnect.
    pub fn complete(&self, live_stream_id: &str) -> Call<()> {
        let live_stream_id = id("live_stream_id", live_stream_id);
        self.client.request(|client| async move {
            let live_stream_id = live_stream_id?;
            client
                .call_full(|api| async move {
                    api.put_live_streams_live_stream_id_complete()
                        .live_stream_id(live_stream_id)
                        .send()
                        .await
                })
                .await
        })
    }
}
