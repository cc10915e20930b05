//! `client.summaries()`.

use apivideo_api::models::{
    SummariesListResponse, Summary, SummaryCreationPayload, SummarySource, SummaryUpdatePayload,
};
use apivideo_api::types::{GetSummariesOrigin, GetSummariesSortBy, GetSummariesSourceStatus};

use super::{SortOrder, id, resource};
use crate::call::Call;
use crate::error::Error;
use crate::pagination::{ListRequest, list_operation};

resource! {
    /// AI summaries of videos (abstract and takeaways).
    Summaries
}

list_operation!(
    /// `GET /summaries`.
    SummariesList, GetSummariesParams, SummariesListResponse, Summary
);

/// Lists summaries; see [`Summaries::list`].
pub type ListSummaries = ListRequest<SummariesList>;

impl ListSummaries {
    /// The summary of this video.
    pub fn video_id(self, video_id: impl Into<String>) -> Self {
        self.set(|p| p.video_id = Some(video_id.into()))
    }

    /// Summaries made automatically or on request.
    pub fn origin(self, origin: GetSummariesOrigin) -> Self {
        self.set(|p| p.origin = Some(origin))
    }

    /// Summaries whose source is in this state.
    pub fn source_status(self, status: GetSummariesSourceStatus) -> Self {
        self.set(|p| p.source_status = Some(status))
    }

    /// The field to sort by.
    pub fn sort_by(self, field: GetSummariesSortBy) -> Self {
        self.set(|p| p.sort_by = Some(field))
    }

    /// The sort direction.
    pub fn sort_order(self, order: SortOrder) -> Self {
        self.set(|p| p.sort_order = Some(order.into_param()))
    }
}

const MAX_TAKEAWAYS: usize = 3;

impl Summaries {
    /// Asks for a summary of a video (one per video).
    pub fn create(&self, payload: SummaryCreationPayload) -> Call<Summary> {
        self.client.request(|client| async move {
            if payload.video_id.trim().is_empty() {
                return Err(Error::invalid("payload.video_id", "must not be empty"));
            }
            client
                .call_full(|api| async move { api.post_summaries().body(payload).send().await })
                .await
        })
    }

    /// Lists summaries.
    pub fn list(&self) -> ListSummaries {
        ListRequest::new(self.client.clone())
    }

    /// The text of a summary.
    pub fn source(&self, summary_id: &str) -> Call<SummarySource> {
        let summary_id = id("summary_id", summary_id);
        self.client.request(|client| async move {
            let summary_id = summary_id?;
            client
                .call_full(|api| async move {
                    api.get_summaries_summary_id_source()
                        .summary_id(summary_id)
                        .send()
                        .await
                })
                .await
        })
    }

    /// Rewrites the text of a summary.
    pub fn update_source(
        &self,
        summary_id: &str,
        payload: SummaryUpdatePayload,
    ) -> Call<SummarySource> {
        let summary_id = id("summary_id", summary_id);
        self.client.request(|client| async move {
            let summary_id = summary_id?;
            if payload
                .takeaways
                .as_ref()
                .is_some_and(|t| t.len() > MAX_TAKEAWAYS)
            {
                return Err(Error::invalid("payload.takeaways", "at most 3 takeaways"));
            }
            client
                .call_full(|api| async move {
                    api.patch_summaries_summary_id_source()
                        .summary_id(summary_id)
                        .body(payload)
                        .send()
                        .await
                })
                .await
        })
    }

    /// Deletes a summary.
    pub fn delete(&self, summary_id: &str) -> Call<()> {
        let summary_id = id("summary_id", summary_id);
        self.client.request(|client| async move {
            let summary_id = summary_id?;
            client
                .call_full(|api| async move {
                    api.delete_summaries_summary_id()
                        .summary_id(summary_id)
                        .send()
                        .await
                })
                .await
        })
    }
}
