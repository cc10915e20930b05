//! `client.watermarks()`.

use apivideo_api::models::{Watermark, WatermarkUploadPayload, WatermarksListResponse};

use super::{SortOrder, id, resource};
use crate::error::Result;
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
    /// Uploads a watermark image (JPEG or PNG).
    pub async fn upload(&self, image: impl Into<Source>) -> Result<Watermark> {
        // Each upload creates a watermark: the operations table marks it non-idempotent,
        // so only failures that prove nothing was created (429, no connection) are retried.
        crate::upload::send_file(image.into(), "watermark.png", |file| {
            self.client.call(move |api| async move {
                api.post_watermark(WatermarkUploadPayload::new(file)).await
            })
        })
        .await
    }

    /// Lists watermarks.
    pub fn list(&self) -> ListWatermarks {
        ListRequest::new(self.client.clone())
    }

    /// Deletes a watermark.
    pub async fn delete(&self, watermark_id: &str) -> Result<()> {
        let watermark_id = id("watermark_id", watermark_id)?;
        self.client
            .call(|api| async move {
                api.delete_watermark()
                    .watermark_id(watermark_id)
                    .send()
                    .await
            })
            .await
    }
}
