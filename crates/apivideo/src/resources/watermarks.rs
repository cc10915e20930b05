//! `client.watermarks()`.

use apivideo_api::models::{Watermark, WatermarkUploadPayload, WatermarksListResponse};

use super::{SortOrder, id, resource};
use crate::call::Call;
use crate::pagination::{ListRequest, list_operation};
use crate::upload::Source;

resource! {
    /// Watermark images, applied to videos at creation (`VideoCreationPayload::watermark`).
    Watermarks
}

list_operation!(
    /// `GET /watermarks`.
    WatermarksList, ListWatermarksParams, WatermarksListResponse, Watermark
);

/// Lists watermarks; see [`Watermarks::list`].
pub type ListWatermarks = ListRequest<WatermarksList>;

impl ListWatermarks {
    /// The field to sort by (`createdAt`).
    pub fn sort_by(self, field: impl Into<String>) -> Self {
        self.set(|p| p.sort_by = Some(field.into()))
    }

    /// The sort direction.
    pub fn sort_order(self, order: SortOrder) -> Self {
        self.set(|p| p.sort_order = Some(order.into_param()))
    }
}

impl Watermarks {
    /// Uploads a watermark image (JPEG, PNG or WebP); its media type is read from its
    /// first bytes, whatever its file name.
    pub fn upload(&self, image: impl Into<Source>) -> Call<Watermark> {
        let image = image.into();
        self.client.request(|client| async move {
            // Each upload creates a watermark: the operations table marks it
            // non-idempotent, so only failures that prove nothing was created (429, no
            // connection) are retried.
            crate::upload::send_file(image, "watermark.png", |file| {
                client.call_full(|api| api.post_watermark(WatermarkUploadPayload::new(file)))
            })
            .await
        })
    }

    /// Lists watermarks.
    pub fn list(&self) -> ListWatermarks {
        ListRequest::new(self.client.clone())
    }

    /// Deletes a watermark.
    pub fn delete(&self, watermark_id: &str) -> Call<()> {
        let watermark_id = id("watermark_id", watermark_id);
        self.client.request(|client| async move {
            let watermark_id = watermark_id?;
            client
                .call_full(|api| api.delete_watermark().watermark_id(watermark_id).send())
                .await
        })
    }
}
